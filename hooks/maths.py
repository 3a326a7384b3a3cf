"""Maths without JavaScript: TeX becomes MathML at build time.

``pymdownx.arithmatex`` (``generic: true``) leaves ``<span class="arithmatex">\\(…\\)</span>``
for inline maths and ``<div class="arithmatex">\\[…\\]</div>`` for display maths. This hook
replaces both with MathML from ``latex2mathml``, which browsers render natively: no script, no
font, no request to another host.

Other hooks can reuse the converter. A hook file in this folder can import it while MkDocs
loads it (MkDocs puts the hook's folder on ``sys.path`` for that moment)::

    from maths import render_dollars, tex_to_mathml
"""

from __future__ import annotations

import html
import importlib
import re
from collections.abc import Iterator
from typing import Any

from latex2mathml.converter import convert
from mkdocs.exceptions import PluginError

__all__ = [
    "display_mathml",
    "render_arithmatex",
    "render_dollars",
    "split_relations",
    "split_terms",
    "tex_to_mathml",
]

# A bare "&" (not an entity) in the output means latex2mathml did not understand the input,
# e.g. an alignment environment; it would also be invalid HTML.
_BARE_AMP = re.compile(r"&(?!#x?[0-9A-Fa-f]+;|[A-Za-z]+;)")

_GROUPED = re.compile(r"</mn><mrow><mo>&#x0002C;</mo></mrow><mn>(?=\d{3}</mn>)")

_ARITHMATEX = re.compile(
    r'<span class="arithmatex">\\\((?P<inline>.*?)\\\)</span>'
    r'|<div class="arithmatex">\s*\\\[(?P<display>.*?)\\\]\s*</div>',
    re.DOTALL,
)

# $$…$$ (display) before $…$ (inline); a dollar escaped with a backslash is left alone.
_DOLLARS = re.compile(
    r"(?<!\\)\$\$(?P<display>.+?)(?<!\\)\$\$|(?<![\\$])\$(?P<inline>[^\s$](?:[^$]*?[^\s\\$])?)\$(?!\$)",
    re.DOTALL,
)


def tex_to_mathml(tex: str, display: bool = False) -> str:
    """Convert one TeX formula (without delimiters) to a ``<math>`` element.

    ``display=True`` gives ``display="block"`` (a centred formula on its own line).
    Raises ``ValueError`` for TeX that ``latex2mathml`` cannot express. The TeX source is kept
    in an ``<annotation>`` element, which browsers do not display.
    """
    tex = tex.strip()
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises many types for bad input
        raise ValueError(f"cannot convert TeX to MathML: {tex!r}: {error}") from error
    # "290{,}400" comes out as <mn>290</mn><mrow><mo>,</mo></mrow><mn>400</mn>, and the comma,
    # an operator, gets spacing around it: keep the number in one <mn>.
    mathml = _GROUPED.sub(",", mathml)
    if _BARE_AMP.search(mathml):
        raise ValueError(f"cannot convert TeX to MathML (unsupported construct): {tex!r}")
    # Keep the source for copy, search engines and assistive technology that reads TeX.
    annotation = html.escape(tex, quote=False)
    head, sep, body = mathml.partition(">")
    body = body.removesuffix("</math>")
    return (
        f"{head}{sep}<semantics>{body}"
        f'<annotation encoding="application/x-tex">{annotation}</annotation></semantics></math>'
    )


_LEFT_RIGHT = re.compile(r"\\(left|right)(?![A-Za-z])")
_QUAD = re.compile(r"\s*\\q?quad(?![A-Za-z])\s*")
# Marks, in split_relations' result, where a new equation of the same line begins.
_NEXT = "\\qquad"


def _top_level(tex: str) -> Iterator[int]:
    """The positions of the characters of ``tex`` outside braces and ``\\left…\\right``."""
    depth = 0
    i = 0
    while i < len(tex):
        char = tex[i]
        if char == "\\":
            match = _LEFT_RIGHT.match(tex, i)
            if match:
                depth += 1 if match.group(1) == "left" else -1
                i = match.end()
                continue
            if depth == 0:
                yield i
            i += 2  # an escaped character or the first letter of a command
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0:
            yield i
        i += 1


def split_relations(tex: str) -> list[str]:
    """Split a chain of equalities at its top-level "=" signs: ``a = b = c`` gives
    ``["a", "= b", "= c"]``.

    An "=" inside braces or between ``\\left`` and ``\\right`` does not split; a formula
    without a top-level "=" comes back whole.

    >>> split_relations(r"N = \\frac{a=b}{2} = 3")
    ['N', '= \\\\frac{a=b}{2}', '= 3']

    ``\\quad`` or ``\\qquad`` between two equations is kept as a marker of its own:

    >>> split_relations(r"a = 1, \\qquad b = 2")
    ['a', '= 1,', '\\\\qquad', 'b', '= 2']
    """
    pieces: list[str] = []
    start = 0
    for i in _top_level(tex):
        if i < start:
            continue
        if tex[i] == "=":
            pieces.append(tex[start:i].strip())
            start = i
        elif quad := _QUAD.match(tex, i):
            # "a = 1, \\qquad b = 2": two equations side by side; the second may wrap too.
            pieces.append(tex[start:i].strip())
            pieces.append(_NEXT)
            start = quad.end()
    pieces.append(tex[start:].strip())
    if len(pieces) < 2 or not pieces[0]:
        return [tex.strip()]
    return [piece for piece in pieces if piece]


def split_terms(side: str) -> list[str]:
    """Split one side of an equation before its top-level "+" signs (a binary "+" only).

    >>> split_terms(r"= u_{i+1} + \\sum_{a} V_{a} + 1")
    ['= u_{i+1}', '+ \\\\sum_{a} V_{a}', '+ 1']
    """
    terms: list[str] = []
    start = 0
    for i in _top_level(side):
        before = side[start:i].strip()
        if side[i] == "+" and before and before[-1] not in "=(,+-" and before != "=":
            terms.append(before)
            start = i
    terms.append(side[start:].strip())
    return terms


def _side(tex: str) -> str:
    # One side of a chain: its terms wrap, "+" first, only when the side alone is wider than
    # the column (the side is a flex item no wider than the chain; site.css).
    terms = split_terms(tex)
    mathml = "".join(tex_to_mathml(term, display=True) for term in terms)
    if len(terms) == 1:
        return mathml
    return f'<span class="maths__side">{mathml}</span>'


def display_mathml(tex: str) -> str:
    """Display maths as HTML: a chain of equalities becomes one ``<math display="block">`` per
    side, ``a``, ``= b``, ``= c``, in one wrapper.

    The sides stand on one line when the text column is wide enough and wrap otherwise, each
    line after the first indented and starting with its "="; a side wider than the column
    wraps before a "+" (site.css). Chromium's MathML never breaks a line by itself, so a long
    derivation would otherwise run off a phone's screen; no script decides where to break.
    """
    pieces = split_relations(tex)
    if len(pieces) == 1 and len(split_terms(tex)) == 1:
        return f'<div class="maths maths--display">{tex_to_mathml(tex, display=True)}</div>'
    sides: list[str] = []
    for before, piece in zip(["", *pieces], pieces, strict=False):
        if piece != _NEXT:
            html_ = _side(piece)
            if before == _NEXT:
                html_ = html_.replace("<math ", '<math class="maths__next" ', 1)
            sides.append(html_)
    chain = "".join(sides)
    return f'<div class="maths maths--display"><div class="maths__chain">{chain}</div></div>'


def _wrap(tex: str, display: bool) -> str:
    # A wrapper keeps the layout hooks of the site's CSS: centred display maths.
    if display:
        return display_mathml(tex)
    return f'<span class="maths">{tex_to_mathml(tex)}</span>'


def render_arithmatex(content: str) -> str:
    """Replace every arithmatex (generic) formula in an HTML fragment by MathML."""

    def replace(match: re.Match[str]) -> str:
        display = match.group("display") is not None
        tex = html.unescape(match.group("display") if display else match.group("inline"))
        return _wrap(tex, display)

    return _ARITHMATEX.sub(replace, content)


def render_dollars(text: str) -> str:
    """Replace ``$…$`` and ``$$…$$`` in an HTML fragment (e.g. a notebook's Markdown cell).

    The fragment's text is HTML-escaped, so the TeX is unescaped before conversion.
    """

    def replace(match: re.Match[str]) -> str:
        display = match.group("display") is not None
        tex = html.unescape(match.group("display") if display else match.group("inline"))
        return _wrap(tex, display)

    return _DOLLARS.sub(replace, text)


# What must not survive into a Markdown page: unconverted display maths.
_LEFTOVER = re.compile(r"\$\$|\\\[|\\\]")


def on_page_content(html_: str, page: Any, **kwargs: Any) -> str:
    src = page.file.src_uri
    try:
        html_ = render_arithmatex(html_)
    except ValueError as error:
        raise PluginError(f"{src}: {error}") from error
    if src.endswith(".md"):
        text = importlib.import_module("convshare").without_html_code(html_)
        if leftover := _LEFTOVER.search(text):
            around = text[max(leftover.start() - 60, 0) : leftover.end() + 60]
            raise PluginError(f"{src}: display maths left unconverted near: {around!r}")
    return html_
