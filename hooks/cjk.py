"""Chinese line breaks: a newline inside a Chinese paragraph must not become a space.

Browsers render a line break in the source as a space, which is right between English words and
wrong between Chinese characters ("滤波器 因此"). This hook removes a line break when the
characters on both sides are Chinese (or when either is full-width punctuation), outside
``<pre>``, ``<code>``, ``<script>``, ``<style>`` and ``<math>``. A break between Chinese and Latin
text stays a space, as Chinese typesetting puts one there.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["join_cjk_lines"]

_CJK = "\u2e80-\u2fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Full-width punctuation belongs to Chinese text; curly quotes, dashes and ellipses are shared
# with English, so they only count when the other side is Chinese.
_WIDE = "\u3000-\u303f\uff00-\uffef"
_SHARED = "\u2018\u2019\u201c\u201d\u2014\u2026"
_BREAK = re.compile(
    rf"(?<=[{_CJK}{_WIDE}{_SHARED}])[ \t]*\n[ \t]*(?=[{_CJK}{_WIDE}])"
    rf"|(?<=[{_CJK}{_WIDE}])[ \t]*\n[ \t]*(?=[{_SHARED}])"
    rf"|(?<=[{_WIDE}])[ \t]*\n[ \t]*(?=[^\s<])"
    rf"|(?<=[^\s>])[ \t]*\n[ \t]*(?=[{_WIDE}])"
)
_PROTECTED = re.compile(
    r"<(pre|code|script|style|math|textarea)\b.*?</\1>|<[^>]*>", re.DOTALL | re.IGNORECASE
)


def join_cjk_lines(html: str) -> str:
    """Remove line breaks between Chinese characters in an HTML fragment's text."""
    out = []
    last = 0
    for match in _PROTECTED.finditer(html):
        out.append(_BREAK.sub("", html[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_BREAK.sub("", html[last:]))
    return "".join(out)


def on_page_content(html: str, **kwargs: Any) -> str:
    return join_cjk_lines(html)
