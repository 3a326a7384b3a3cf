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
import re
from typing import Any

from latex2mathml.converter import convert
from mkdocs.exceptions import PluginError

__all__ = ["render_arithmatex", "render_dollars", "tex_to_mathml"]

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


def _wrap(mathml: str, display: bool) -> str:
    # A wrapper keeps the layout hooks of the site's CSS: centred, scrolling display maths.
    if display:
        return f'<div class="maths maths--display">{mathml}</div>'
    return f'<span class="maths">{mathml}</span>'


def render_arithmatex(content: str) -> str:
    """Replace every arithmatex (generic) formula in an HTML fragment by MathML."""

    def replace(match: re.Match[str]) -> str:
        display = match.group("display") is not None
        tex = html.unescape(match.group("display") if display else match.group("inline"))
        return _wrap(tex_to_mathml(tex, display), display)

    return _ARITHMATEX.sub(replace, content)


def render_dollars(text: str) -> str:
    """Replace ``$…$`` and ``$$…$$`` in an HTML fragment (e.g. a notebook's Markdown cell).

    The fragment's text is HTML-escaped, so the TeX is unescaped before conversion.
    """

    def replace(match: re.Match[str]) -> str:
        display = match.group("display") is not None
        tex = html.unescape(match.group("display") if display else match.group("inline"))
        return _wrap(tex_to_mathml(tex, display), display)

    return _DOLLARS.sub(replace, text)


# What must not survive into a Markdown page: unconverted display maths.
_LEFTOVER = re.compile(r"\$\$|\\\[|\\\]")
_CODE = re.compile(r"<(pre|code|script|style|textarea|math)\b.*?</\1>", re.DOTALL | re.IGNORECASE)


def on_page_content(html_: str, page: Any, **kwargs: Any) -> str:
    src = page.file.src_uri
    try:
        html_ = render_arithmatex(html_)
    except ValueError as error:
        raise PluginError(f"{src}: {error}") from error
    if src.endswith(".md"):
        text = _CODE.sub("", html_)
        if leftover := _LEFTOVER.search(text):
            around = text[max(leftover.start() - 60, 0) : leftover.end() + 60]
            raise PluginError(f"{src}: display maths left unconverted near: {around!r}")
    return html_
