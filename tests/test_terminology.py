"""Terminology and Chinese typography of every built page, driven by ``docs/glossary.yml``.

Checked on the built HTML (so generated pages, spec text and notebooks are covered), on the
visible text of each page's article: code, maths, scripts and styles are left out.

* each glossary concept's chosen Chinese term is used somewhere on the Chinese site;
* the other names readers meet elsewhere (``zh_alt``) appear only quoted (inside ``<q>``, “…”
  or 「…」) or on the glossary page (the machine translation's errors: test_site_sources.py);
* no space between two Chinese characters, or between one and full-width punctuation;
* Chinese running text uses full-width ，：；！？ next to Chinese characters and （） around
  Chinese words, and 倍 for a factor, not a trailing × ("5.6×").
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from convshare import load_glossary

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = load_glossary(ROOT / "docs" / "glossary.yml")

CJK = "\u2e80-\u2fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WIDE = "\u3000-\u303f\uff00-\uffef"
_SKIP = {"pre", "code", "script", "style", "math", "textarea", "kbd", "samp", "input", "select"}
_VOID = {"input", "br", "img", "hr", "wbr"}
_INLINE = {"a", "abbr", "b", "cite", "dfn", "em", "i", "mark", "s", "small", "span", "strong"}
_INLINE |= {"sub", "sup", "u", "q", "del", "ins"}
#: Stands for something left out (code, maths, a form control): never Chinese, never a space.
_HOLE = "\ufffc"


class _Text(HTMLParser):
    """The visible text of a page's <article>, with quotations marked and blocks separated."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[bool, str]] = []  # (quoted or English, text)
        self.depth = 0  # inside <article>
        self.skip = 0
        self.quote = 0
        self.stack: list[str] = []  # open elements that make their text English (API docs)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag not in _VOID:
            english = "doc-contents" in classes or "doc-signature" in classes
            self.stack.append("en" if english or (self.stack and self.stack[-1] == "en") else "")
        if tag in _SKIP:
            self.parts.append((False, _HOLE))
            if tag not in _VOID:
                self.skip += 1
        elif tag == "q":
            self.quote += 1
        elif tag not in _INLINE:
            self.parts.append((False, "\n"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1
        if not self.depth:
            return
        if self.stack and tag not in _VOID:
            self.stack.pop()
        if tag in _SKIP and tag not in _VOID:
            self.skip = max(0, self.skip - 1)
        elif tag == "q":
            self.quote = max(0, self.quote - 1)
        elif tag not in _INLINE:
            self.parts.append((False, "\n"))

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            english = bool(self.stack) and self.stack[-1] == "en"
            self.parts.append((self.quote > 0 or english, data))


def visible_text(html: str) -> tuple[str, str]:
    """(all visible text, the same with quotations and English API docs blanked out)."""
    parser = _Text()
    parser.feed(html)
    text = "".join(t for _, t in parser.parts)
    unquoted = "".join(_HOLE * len(t) if q else t for q, t in parser.parts)
    # Quotation marks in the text: “…”, 「…」 and 『…』 on one line.
    unquoted = re.sub(r"“[^”\n]*”|「[^」\n]*」|『[^』\n]*』", lambda m: _HOLE * len(m[0]), unquoted)
    return text, unquoted


_SPACE = re.compile(f"[{CJK}{WIDE}][ \t]+[{CJK}]|[{CJK}][ \t]+[{WIDE}]")
# Half-width , ; : ! ? next to a Chinese character, or ( ) around Chinese words. A bracket around
# maths or code in Chinese text, "(227 − 11) ÷ 4", is left alone.
_HALF = re.compile(f"[{CJK}][ \t]*[,;:!?]|[,;:!?][ \t]*[{CJK}]|\\([{CJK}]|[{CJK}]\\)")
# A factor written 5.6× (the × right after the number, no operand after it); 2 × 乘加次数 and
# 11×11 are products.
_TIMES = re.compile(r"\d×(?![ \t]*[0-9A-Za-z$(（{\\" + _HOLE + "])")


def _around(text: str, match: re.Match[str]) -> str:
    return repr(text[max(0, match.start() - 12) : match.end() + 12])


def problems(page_html: str, lang: str, glossary_page: bool) -> list[str]:
    """Every terminology and typography problem of one page's HTML."""
    text, unquoted = visible_text(page_html)
    found = [f"space between Chinese characters: {_around(text, m)}" for m in _SPACE.finditer(text)]
    if not glossary_page:
        names = [(n, "other name") for t in GLOSSARY.terms for n, _ in t.zh_alt]
        for name, why in names:
            # (没)有共享 is 没有 + 共享: "not having sharing", the chosen wording.
            for m in re.finditer("(?<!没)" + re.escape(name), unquoted):
                found.append(f"{why} {name!r} outside a quotation: {_around(unquoted, m)}")
    if lang == "zh":
        for m in _HALF.finditer(unquoted):
            found.append(f"half-width punctuation in Chinese: {_around(unquoted, m)}")
        for m in _TIMES.finditer(unquoted):
            found.append(f"× for a factor (write 倍): {_around(unquoted, m)}")
    return found


def test_detector_catches_planted_problems() -> None:
    """Each rule fires on a planted violation and stays quiet on the correct text."""
    good = "<p>特征图的参数量是共享时的 5.6 倍，见“特征映射”。11×11 的核（CS231n）。</p>"
    assert problems(f"<article>{good}</article>", "zh", False) == []
    planted = {
        "space between": "<article><p>恒等映射， 没有参数</p></article>",
        "other name '特征映射'": "<article><p>每个特征映射都</p></article>",
        "half-width": "<article><p>来源: LeCun</p></article>",
        "× for a factor": "<article><p>参数是共享时的 5.6×。</p></article>",
    }
    for rule, html in planted.items():
        assert any(rule in p for p in problems(html, "zh", False)), rule
    # Quoted, in code, or on the glossary page, an other name is allowed.
    quoted = "<article><p><q>特征映射</q><code>a, 特</code></p></article>"
    assert problems(quoted, "zh", False) == []
    assert problems("<article><p>特征映射</p></article>", "zh", True) == []


def test_every_chosen_term_is_used(built_site: Path) -> None:
    """Each concept of the glossary is named, by its chosen term, on some Chinese page."""
    texts = []
    for file in built_site.rglob("*.html"):
        html = file.read_text(encoding="utf-8")
        if '<html lang="zh"' in html[:2000] and "glossary" not in file.parts:
            texts.append(visible_text(html)[1])
    assert texts
    unused = [t.chosen for t in GLOSSARY.terms if not any(t.chosen in text for text in texts)]
    assert not unused, f"glossary terms used on no Chinese page: {unused}"


def test_terminology_and_typography(site_page: Any) -> None:
    """No stray space in Chinese, other names only quoted, full-width punctuation, 倍 not ×."""
    html = site_page.file.read_text(encoding="utf-8")
    found = problems(html, site_page.lang, site_page.path.endswith("/glossary/"))
    assert not found, f"{site_page.id}:\n" + "\n".join(found)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_glossary_lists_the_reference_books_names(lang: str) -> None:
    """The glossary names 特征映射 and 接受域 (the Chinese reference books' terms) beside ours."""
    from convshare import glossary_markdown

    text = glossary_markdown(ROOT / "docs" / "glossary.yml", lang)
    for name in ("特征映射", "接受域", "批大小", "汇聚"):
        assert name in text
