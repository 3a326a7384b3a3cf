"""Every page of the built site, in both languages, as Debian's Chromium shows it.

The pages are discovered from the build (tests/conftest.py), so a new page is checked with no
edit here. Each page is opened once; each test below asserts one thing about that visit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_CJK_FAMILY = re.compile(
    r"CJK|Source Han|WenQuanYi|PingFang|Hiragino|YaHei|SimSun|SimHei|Heiti|Songti|"
    r"AR PL|Droid Sans Fallback",
    re.IGNORECASE,
)
# TeX that a reader must never see: the maths is converted to MathML when the site is built.
_RAW_TEX = ("\\frac", "\\lfloor", "\\rfloor", "\\left", "\\cdot", "\\times", "$$", "\\(", "\\[")
# A Markdown table's delimiter row that was not turned into a table, e.g. "|---|---:|".
_RAW_TABLE = re.compile(r"\|\s*:?-{3,}:?\s*\|")

# A traceback with its frames: what a failed exec block or notebook cell prints. A doctest
# in the API reference shows "Traceback (most recent call last):" followed by "...", not frames.
_TRACEBACK = re.compile(
    r"Traceback \(most recent call last\)[^\n]*\n\s*(File \"|Cell In\[|<ipython-input)[^\n]*"
)

Visitor = Callable[[Any], Any]


def _listing(items: list[str]) -> str:
    return "\n  ".join(items)


def test_only_local_requests(site_page: Any, visit: Visitor) -> None:
    """The page loads nothing from another host: no CDN, no web font, no analytics."""
    seen = visit(site_page).foreign_requests
    assert not seen, f"{site_page.path} requested other hosts:\n  {_listing(seen)}"


def test_no_failed_requests(site_page: Any, visit: Visitor) -> None:
    """Every request of the page succeeds (no 4xx/5xx, no network failure)."""
    failed = visit(site_page).failed_requests
    assert not failed, f"{site_page.path} had failed requests:\n  {_listing(failed)}"


def test_no_console_or_page_errors(site_page: Any, visit: Visitor) -> None:
    """The page logs no console error and throws no uncaught JavaScript error."""
    record = visit(site_page)
    errors = record.console_errors + [f"uncaught: {e}" for e in record.page_errors]
    assert not errors, f"{site_page.path} reported errors:\n  {_listing(errors)}"


def test_language_matches_folder(site_page: Any, visit: Visitor) -> None:
    """<html lang> is the language of the page's folder: /en/... English, the rest Chinese."""
    expected = "en" if site_page.path.startswith("/en/") else "zh"
    assert visit(site_page).html_lang == expected


def test_maths_rendered(site_page: Any, visit: Visitor) -> None:
    """No TeX is visible, and every formula on the page is a MathML <math> element."""
    record = visit(site_page)
    raw = [tex for tex in _RAW_TEX if tex in record.prose]
    assert not raw, f"{site_page.path} shows raw TeX {raw}"
    assert not record.maths["unconverted"], (
        f"{site_page.path} has formulas without MathML:\n  {_listing(record.maths['unconverted'])}"
    )
    assert record.maths["math"] >= record.maths["wrappers"]


def test_tables_rendered(site_page: Any, visit: Visitor) -> None:
    """Markdown tables became <table> elements with cells; none is left as pipes and dashes."""
    record = visit(site_page)
    raw = _RAW_TABLE.findall(record.prose)
    assert not raw, f"{site_page.path} shows an unrendered Markdown table: {raw[:3]}"
    assert not record.tables["empty"], (
        f"{site_page.path} has tables without cells:\n  {_listing(record.tables['empty'])}"
    )


def test_no_traceback_or_raw_notebook(site_page: Any, visit: Visitor) -> None:
    """No Python traceback of a failed exec block or notebook cell, and no raw notebook JSON."""
    text = visit(site_page).body_text
    failure = _TRACEBACK.search(text)
    assert failure is None, f"{site_page.path} shows a traceback: {failure and failure.group(0)}"
    assert '"nbformat"' not in text, f"{site_page.path} shows a notebook as raw JSON"
    assert '"cell_type"' not in text, f"{site_page.path} shows a notebook as raw JSON"


def test_chinese_text_in_cjk_font(site_page: Any, visit: Visitor) -> None:
    """Chinese text (the content on Chinese pages, else the language menu) uses a CJK font."""
    record = visit(site_page)
    assert record.cjk_text, f"{site_page.path} has no Chinese text at all, not even '中文'"
    families = [f["familyName"] for f in record.cjk_fonts if f.get("glyphCount", 0) > 0]
    assert any(_CJK_FAMILY.search(name) for name in families), (
        f"{site_page.path}: {record.cjk_text!r} is drawn with {families}, no CJK font "
        "(install fonts-noto-cjk)"
    )


def test_axe_accessibility(site_page: Any, visit: Visitor) -> None:
    """axe-core finds no violation, except the theme's own listed in known_issues.py."""
    violations = visit(site_page).axe_violations
    lines = [
        f"{v['id']} ({v['impact']}): {v['help']}\n    on {n['target']}: {n['html']}\n    "
        + n["summary"].replace("\n", "\n    ")
        for v in violations
        for n in v["nodes"]
    ]
    assert not violations, f"{site_page.path} has axe violations:\n  {_listing(lines)}"
