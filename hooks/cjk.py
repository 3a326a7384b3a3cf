"""Chinese text joins without spaces: the one place where every page's Chinese is joined.

Browsers render a line break in the source as a space, which is right between English words and
wrong between Chinese characters ("滤波器 因此"). Spaces come from more places than line breaks:
YAML's folded ``>-`` strings join their lines with a space, Python joins sentences with ``" "``, and
Markdown authors type one after a bold ``**。**``. This hook removes a line break or a run of
spaces when the visible characters on both sides are Chinese, or when either is full-width
punctuation, for every page (generated ones included). It looks through inline tags
(``见\\n<a>事实核查</a>``, ``<strong>。</strong> 两种``) but not across other tags (a table cell,
an input, a line break) and not into ``<pre>``, ``<code>``, ``<script>``, ``<style>``, ``<math>`` or
``<textarea>``. A space between Chinese and Latin text stays, as Chinese typesetting puts one there.
A non-breaking space (``&nbsp;``) is left alone: it is always meant.
"""

from __future__ import annotations

import re
from typing import Any

from convshare import HTML_CODE

__all__ = ["join_cjk_lines"]

_CJK = re.compile("[\u2e80-\u2fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Full-width punctuation belongs to Chinese text; curly quotes, dashes and ellipses are shared
# with English, so they only count when the other side is Chinese.
_WIDE = re.compile("[\u3000-\u303f\uff00-\uffef]")
_SHARED = re.compile("[\u2018\u2019\u201c\u201d\u2014\u2026]")
# Code, scripts and maths (the package's HTML_CODE, shared by the hooks) are opaque blocks.
_TOKENS = re.compile(
    rf"(?P<block>{HTML_CODE.pattern})|(?P<tag><[^>]*>)",
    re.DOTALL | re.IGNORECASE,
)
_BREAK = re.compile(r"[ \t]*\n[ \t]*|[ \t]+")
# Tags that text flows through: the characters on their two sides are neighbours on screen.
_INLINE = re.compile(
    r"</?(a|abbr|b|cite|dfn|em|i|mark|q|s|small|span|strong|sub|sup|u)\b", re.IGNORECASE
)


def _kind(char: str | None) -> str:
    if char is None:
        return ""
    if _CJK.match(char):
        return "cjk"
    if _WIDE.match(char):
        return "wide"
    if _SHARED.match(char):
        return "shared"
    return "other"


def _joins(before: str | None, after: str | None) -> bool:
    a, b = _kind(before), _kind(after)
    if not a or not b:
        return False
    if "wide" in (a, b):
        return True
    return (a in ("cjk", "shared") and b == "cjk") or (a == "cjk" and b == "shared")


def join_cjk_lines(html: str) -> str:
    """Remove line breaks and spaces between Chinese characters in an HTML fragment's text."""
    # Tokens: ("text", s), ("tag", s) are transparent, ("block", s) is opaque.
    tokens: list[tuple[str, str]] = []
    last = 0
    for match in _TOKENS.finditer(html):
        if match.start() > last:
            tokens.append(("text", html[last : match.start()]))
        tokens.append(("block" if match.group("block") else "tag", match.group(0)))
        last = match.end()
    if last < len(html):
        tokens.append(("text", html[last:]))

    def visible(index: int, step: int) -> str | None:
        """The nearest visible character in the tokens before (-1) or after (+1) index."""
        i = index + step
        while 0 <= i < len(tokens):
            kind, text = tokens[i]
            if kind == "block" or (kind == "tag" and not _INLINE.match(text)):
                return None
            if kind == "text" and text.strip():
                stripped = text.rstrip() if step < 0 else text.lstrip()
                return stripped[-1] if step < 0 else stripped[0]
            i += step
        return None

    out: list[str] = []
    for index, (kind, text) in enumerate(tokens):
        if kind != "text" or not (" " in text or "\t" in text or "\n" in text):
            out.append(text)
            continue

        def replace(match: re.Match[str], index: int = index, text: str = text) -> str:
            head, tail = text[: match.start()].rstrip(), text[match.end() :].lstrip()
            before = head[-1] if head else visible(index, -1)
            after = tail[0] if tail else visible(index, +1)
            return "" if _joins(before, after) else match.group(0)

        out.append(_BREAK.sub(replace, text))
    return "".join(out)


def on_page_content(html: str, **kwargs: Any) -> str:
    return join_cjk_lines(html)
