"""What a reader sees at a laptop's and a phone's width: nothing clipped, nothing unreadable.

Every page of the built site, both languages, is opened once at 1280 px and once at 390 px
(an iPhone 12-15's CSS width) in Debian's Chromium, with every folded block opened and every
content tab shown, so that hidden tables and derivations are measured too. A full-page
screenshot of each goes to screenshots/layout/<width>/<lang>/.

The limits come from the reader, not from the current pages: a table of the reader's path fits
its column at 1280 px (a per-layer table of a network page may scroll inside its labelled
region); at 390 px no display equation is wider than its column, a table wider than the column
scrolls inside a labelled region, and chart text is at least 11 CSS px (WCAG's usual floor for
legible small text; the issue's reading of the phone screenshots); no character falls back to a
"tofu" box anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = ROOT / "screenshots" / "layout"

WIDTHS = (1280, 390)
MIN_SVG_TEXT_PX = 11

# Pages of the reader's path, by URL path without the language prefix: their tables fit the
# column at 1280 px. Network pages (architectures/<name>/) are on the path too, except their
# per-layer table, which may scroll inside its labelled region (.cs-scroll).
READER_PATH = {"", "article/", "fact-check/", "formulas/", "calculator/", "glossary/"}
ARCHITECTURES = "architectures/"

# Shows every content tab (with the conftest's lay_out_skipped_css, every display equation and
# per-layer table too), so that their contents are measured and appear in the screenshots.
_SHOW_ALL_CSS = ".tabbed-set > .tabbed-content > .tabbed-block { display: block !important; }"

_MEASURE_JS = """
(perLayerScrolls) => {
  const column = document.querySelector('article.md-content__inner');
  const width = column ? column.clientWidth : document.body.clientWidth;
  const short = (el) => (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 60);
  const visible = (el) => el.checkVisibility();
  const result = {column: width, wideTables: [], unlabelledWide: [], wideMaths: [],
                  smallSvgText: [], narrowCjk: [], tofu: []};
  for (const table of document.querySelectorAll('article table')) {
    if (!visible(table)) continue;
    const w = table.getBoundingClientRect().width;
    if (w <= width + 1) continue;
    const perLayer = perLayerScrolls && table.closest('.cs-scroll');
    if (!perLayer) result.wideTables.push(`${Math.round(w)} px: ${short(table)}`);
    // A table wider than its column scrolls inside a labelled, focusable region.
    let region = table.parentElement, ok = false;
    for (; region && region !== column; region = region.parentElement) {
      const style = getComputedStyle(region);
      if (['auto', 'scroll'].includes(style.overflowX) && region.scrollWidth > region.clientWidth) {
        ok = region.getAttribute('role') === 'region' && !!region.getAttribute('aria-label')
             && region.tabIndex === 0;
        break;
      }
    }
    if (!ok) result.unlabelledWide.push(`${Math.round(w)} px: ${short(table)}`);
  }
  for (const block of document.querySelectorAll('.maths--display')) {
    if (!visible(block)) continue;
    if (block.scrollWidth > block.clientWidth + 1) {
      result.wideMaths.push(`${block.scrollWidth} px > ${block.clientWidth} px: ${short(block)}`);
    }
  }
  for (const text of document.querySelectorAll('article svg text')) {
    if (!visible(text) || !text.textContent.trim()) continue;
    const px = parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a;
    if (px < MIN_PX) result.smallSvgText.push(`${px.toFixed(1)} px: ${short(text)}`);
  }
  // A table cell of Chinese text squeezed so narrow that it stands a few characters a line
  // (普通卷/积, 不/共/享): content box narrower than four characters (3.5 em) for five or more
  // CJK characters.
  for (const cell of document.querySelectorAll('article td, article th')) {
    if (!visible(cell)) continue;
    const cjk = (cell.textContent.match(/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/g) || []).length;
    if (cjk < 5) continue;
    const style = getComputedStyle(cell);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const em = parseFloat(style.fontSize);
    if (inner < 3.5 * em) result.narrowCjk.push(`${(inner / em).toFixed(1)} em: ${short(cell)}`);
  }
  // Tofu: a character drawn exactly like an unassigned code point in the same font stack
  // is drawn as the missing-glyph box.
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 48;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (ch, family) => {
    ctx.clearRect(0, 0, 48, 48);
    ctx.font = `32px ${family}`;
    ctx.fillText(ch, 4, 36);
    return ctx.getImageData(0, 0, 48, 48).data.join(',');
  };
  const seen = new Set(), boxes = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, annotation, title, desc, noscript') || !visible(el)) {
      continue;
    }
    const family = getComputedStyle(el).fontFamily;
    for (const ch of node.nodeValue) {
      if (ch.codePointAt(0) < 0x80 || /[\\p{Z}\\p{C}\\p{M}]/u.test(ch)) continue;
      const key = family + '\\u0000' + ch;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!boxes.has(family)) boxes.set(family, draw('\\u0378', family));
      if (draw(ch, family) === boxes.get(family)) {
        result.tofu.push(`U+${ch.codePointAt(0).toString(16).toUpperCase()} ${ch} in ${short(el)}`);
      }
    }
  }
  return result;
}
""".replace("MIN_PX", str(MIN_SVG_TEXT_PX))


@dataclass
class Layout:
    """What one page measured at one width."""

    column: int
    wide_tables: list[str]
    unlabelled_wide: list[str]
    wide_maths: list[str]
    small_svg_text: list[str]
    narrow_cjk: list[str]
    tofu: list[str]


def _bare(path: str) -> str:
    """The URL path without the site's language prefix and leading slash: '/en/x/' -> 'x/'."""
    bare = path.lstrip("/")
    return bare[3:] if bare.startswith("en/") else bare


def _screenshot(site_page: Any, width: int) -> Path:
    """screenshots/layout/<width>/<lang>/<page>.png, e.g. 390/en/architectures-lenet-5.png."""
    name = _bare(site_page.path).strip("/").replace("/", "-").removesuffix(".html") or "index"
    return SCREENSHOTS / str(width) / site_page.lang / f"{name}.png"


def _per_layer_scrolls(path: str) -> bool:
    bare = _bare(path)
    return bare.startswith(ARCHITECTURES) and bare != ARCHITECTURES


def _on_reader_path(path: str) -> bool:
    bare = _bare(path)
    return bare in READER_PATH or bare.startswith(ARCHITECTURES)


@pytest.fixture(scope="session")
def layout(
    browser: Any, site_server: str, visit: Any, lay_out_skipped_css: str
) -> Iterator[Callable[[Any, int], Layout]]:
    """layout(site_page, width) -> Layout, each page measured once per width.

    (Depends on `visit`, which empties screenshots/ when it starts.)
    """
    contexts = {
        width: browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        for width in WIDTHS
    }
    records: dict[tuple[str, int], Layout] = {}

    def measure(site_page: Any, width: int) -> Layout:
        key = (site_page.path, width)
        if key in records:
            return records[key]
        page = contexts[width].new_page()
        try:
            page.goto(site_server + site_page.path, wait_until="load")
            page.add_style_tag(content=_SHOW_ALL_CSS + lay_out_skipped_css)
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            page.evaluate("document.fonts.ready.then(() => true)")
            # site.js labels the wide tables' wrappers from a ResizeObserver, which reports
            # after the next layout: wait two frames.
            page.evaluate(
                "new Promise(r => requestAnimationFrame(() => requestAnimationFrame("
                "() => setTimeout(r, 50))))"
            )
            found = page.evaluate(_MEASURE_JS, _per_layer_scrolls(site_page.path))
            target = _screenshot(site_page, width)
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target), full_page=True)
        finally:
            page.close()
        record = Layout(
            column=found["column"],
            wide_tables=found["wideTables"],
            unlabelled_wide=found["unlabelledWide"],
            wide_maths=found["wideMaths"],
            small_svg_text=found["smallSvgText"],
            narrow_cjk=found["narrowCjk"],
            tofu=found["tofu"],
        )
        records[key] = record
        return record

    try:
        yield measure
    finally:
        for context in contexts.values():
            context.close()


def _listing(items: list[str]) -> str:
    return "\n  ".join(items[:20]) + (f"\n  … {len(items) - 20} more" if len(items) > 20 else "")


def test_tables_fit_at_laptop_width(site_page: Any, layout: Any) -> None:
    """At 1280 px, no table of the reader's path is wider than the text column (a network
    page's per-layer table aside, which scrolls inside its labelled region)."""
    record = layout(site_page, 1280)
    assert not record.wide_tables, (
        f"{site_page.path}: tables wider than the {record.column} px column at 1280 px:\n  "
        + _listing(record.wide_tables)
    )


# Only the reader's path (not the notebooks, performance, reference or how-to pages).
setattr(test_tables_fit_at_laptop_width, "site_pages", _on_reader_path)  # noqa: B010


@pytest.mark.parametrize("width", WIDTHS)
def test_wide_tables_scroll_in_a_labelled_region(site_page: Any, layout: Any, width: int) -> None:
    """A table wider than its column scrolls inside a focusable region with a name, never the
    page itself."""
    record = layout(site_page, width)
    assert not record.unlabelled_wide, (
        f"{site_page.path} at {width} px: wide tables outside a labelled scrolling region:\n  "
        + _listing(record.unlabelled_wide)
    )


def test_display_maths_fits_a_phone(site_page: Any, layout: Any) -> None:
    """At 390 px, every display equation fits its column (derivations wrap at "=")."""
    record = layout(site_page, 390)
    assert not record.wide_maths, (
        f"{site_page.path}: display maths wider than the column at 390 px:\n  "
        + _listing(record.wide_maths)
    )


def test_chinese_table_cells_not_broken_character_by_character(site_page: Any, layout: Any) -> None:
    """At 390 px, no table cell of five or more Chinese characters is squeezed to three
    characters a line or fewer (普通卷 / 积, or 不 / 共 / 享 one character a line)."""
    record = layout(site_page, 390)
    assert not record.narrow_cjk, (
        f"{site_page.path}: table cells a few characters wide at 390 px:\n  "
        + _listing(record.narrow_cjk)
    )


def test_chart_text_readable_on_a_phone(site_page: Any, layout: Any) -> None:
    """At 390 px, no text of an inline SVG chart is smaller than 11 CSS px."""
    record = layout(site_page, 390)
    assert not record.small_svg_text, (
        f"{site_page.path}: chart text under {MIN_SVG_TEXT_PX} px at 390 px:\n  "
        + _listing(record.small_svg_text)
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_no_missing_glyphs(site_page: Any, layout: Any, width: int) -> None:
    """No character is drawn as the missing-glyph box (an emoji with no emoji font, a maths
    sign with no maths font)."""
    record = layout(site_page, width)
    assert not record.tofu, (
        f"{site_page.path} at {width} px: characters without a glyph:\n  " + _listing(record.tofu)
    )


def test_screenshots_written(site_page: Any, layout: Any) -> None:
    """Both widths leave a screenshot to look at (screenshots/layout/<width>/<lang>/)."""
    for width in WIDTHS:
        layout(site_page, width)
        assert _screenshot(site_page, width).stat().st_size > 0
