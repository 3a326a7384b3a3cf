"""Pages: spec text made inert, and the Markdown helpers every hook shares.

A spec's human-readable fields (name, title, summary, conventions, source, published source,
layer names) come from contributors and readers, so they are data, never markup. They reach a
page in one of two forms, both made here:

* :func:`inline_html` renders a small, documented subset of Markdown itself (``*emphasis*``,
  ``**strong**``, ```code```, ``[text](https://...)`` links, blank lines between paragraphs) and
  escapes everything else. The site puts this HTML into the page after Markdown has run, so no
  Markdown extension, code runner or template ever reads spec text.
* :func:`markdown_text` is for the few places where spec text must sit inside Markdown (table
  cells): every character that any Markdown syntax or extension starts with becomes a numeric
  character reference, which Markdown leaves alone and the browser shows as the character.

The site's hooks share :func:`page_language` (a page's language from its file name),
:func:`map_outside_fences` (the one fenced-code scanner of Markdown) and :data:`HTML_CODE` /
:func:`without_html_code` (the code, maths and scripts of rendered HTML), so they agree on what
is code.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

__all__ = [
    "HTML_CODE",
    "inline_html",
    "listing_html",
    "map_outside_fences",
    "markdown_text",
    "page_language",
    "plain_html",
    "without_html_code",
]

# ASCII punctuation that starts some Markdown syntax, extension or template: emphasis, code,
# links, attributes ({: ...}), templates ({{ ... }}), snippets (--8<--), maths ($), HTML, tables,
# emoji and abbreviations (:), keys (++), marks (==), carets and tildes, headings, lists.
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>&|$!:~^=+#-]")


def markdown_text(text: str) -> str:
    """Text that Markdown and every extension show as it is, character for character.

    >>> markdown_text("conv1 {: onclick=x } | [a](javascript:b)")
    'conv1 &#123;&#58; onclick&#61;x &#125; &#124; &#91;a&#93;&#40;javascript&#58;b&#41;'
    >>> markdown_text("层 1.2")
    '层 1.2'
    """
    return _MARKDOWN_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", text)


_INLINE = re.compile(
    r"`(?P<code>[^`\n]+)`"
    r"|\[(?P<text>[^\[\]\n]+)\]\((?P<url>https://[^\s()<>\"'`\\]+)\)"
    r"|\*\*(?P<strong>[^*\n]+)\*\*"
    r"|\*(?P<em>[^*\n]+)\*"
)


_HTML_SPECIAL = str.maketrans({"{": "&#123;", "}": "&#125;", "$": "&#36;", "\\": "&#92;"})


def plain_html(text: str) -> str:
    """Text for HTML (an element or an attribute), shown as written: escaped, and the characters
    that later passes over the HTML look for (templates' braces, maths' dollars and
    backslashes) written as character references.

    >>> plain_html('<b title="x">$$ {{ y }} \\\\[</b>')
    '&lt;b title=&quot;x&quot;&gt;&#36;&#36; &#123;&#123; y &#125;&#125; &#92;[&lt;/b&gt;'
    """
    return html.escape(text, quote=True).translate(_HTML_SPECIAL)


_escape = plain_html


def _inline(text: str, links: bool = True) -> str:
    out: list[str] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.group("url") and not links:
            continue
        out.append(_escape(text[pos : m.start()]))
        if m.group("code") is not None:
            out.append(f"<code>{_escape(m.group('code'))}</code>")
        elif m.group("url") is not None:
            inner = _inline(m.group("text"), links=False)
            out.append(f'<a href="{_escape(m.group("url"))}">{inner}</a>')
        elif m.group("strong") is not None:
            out.append(f"<strong>{_escape(m.group('strong'))}</strong>")
        else:
            out.append(f"<em>{_escape(m.group('em'))}</em>")
        pos = m.end()
    out.append(_escape(text[pos:]))
    return "".join(out)


def inline_html(text: str) -> str:
    """Spec text as HTML: the documented subset rendered, everything else shown as written.

    Paragraphs are separated by ``</p><p>`` (the caller's text sits inside a ``<p>``).

    >>> inline_html("**LeNet-5**, *1998*: see [the `paper`](https://example.org/a_b).")
    '<strong>LeNet-5</strong>, <em>1998</em>: see <a href="https://example.org/a_b">the \
<code>paper</code></a>.'
    >>> inline_html('<img src=x onerror=alert(1)> {{ x }} $$y$$ [c](javascript:alert(1))')
    '&lt;img src=x onerror=alert(1)&gt; &#123;&#123; x &#125;&#125; &#36;&#36;y&#36;&#36; \
[c](javascript:alert(1))'
    >>> inline_html("one\\n\\ntwo")
    'one</p><p>two'
    """
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", text.strip()) if p.strip()]
    return "</p><p>".join(_inline(p) for p in paragraphs)


def listing_html(text: str, summary: str) -> str:
    """A spec file shown as compact plain text, folded (``summary`` is already HTML).

    >>> listing_html("name: x  # <b>\\n", "The spec")
    '<details class="example cs-spec"><summary>The spec</summary><pre><code>name: x  # \
&lt;b&gt;\\n</code></pre></details>'
    """
    return (
        f'<details class="example cs-spec"><summary>{summary}</summary>'
        f"<pre><code>{_escape(text.rstrip())}\n</code></pre></details>"
    )


_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")


_ENGLISH_PAGE = re.compile(r"\.en\.[A-Za-z0-9]+$")


def page_language(src_uri: str, default: str = "zh") -> str:
    """A page's language from its file name: ``"en"`` for ``*.en.md`` (or a notebook's
    ``*.en.ipynb``), else the default.

    >>> page_language("a/b.en.md"), page_language("index.md"), page_language("n/s.en.ipynb")
    ('en', 'zh', 'en')
    >>> page_language("a/open.md"), page_language("a/b.en/c.md")
    ('zh', 'zh')
    """
    return "en" if _ENGLISH_PAGE.search(src_uri) else default


def map_outside_fences(markdown: str, change: Callable[[str], str]) -> str:
    """``markdown`` with ``change`` applied to each run of lines outside fenced code blocks.

    A fence opens with three or more backticks or tildes (indented or not, as inside an
    admonition) and closes with a line of the same character, at least as long, and nothing
    else. This is the one scanner every hook uses to leave code alone.

    >>> text = "a\\n````md\\n```\\nb\\n````\\nc"  # a shorter fence does not close a longer one
    >>> map_outside_fences(text, str.upper)
    'A\\n````md\\n```\\nb\\n````\\nC'
    """
    out: list[str] = []
    prose: list[str] = []
    fence: str | None = None

    def flush() -> None:
        if prose:
            out.append(change("\n".join(prose)))
            prose.clear()

    for line in markdown.split("\n"):
        match = _FENCE.match(line)
        if fence is not None:
            out.append(line)
            if (
                match
                and match.group("fence")[0] == fence[0]
                and len(match.group("fence")) >= len(fence)
                and not line.strip()[len(match.group("fence")) :].strip()
            ):
                fence = None
        elif match:
            flush()
            fence = match.group("fence")
            out.append(line)
        else:
            prose.append(line)
    flush()
    return "\n".join(out)


#: An element of rendered HTML whose text is not prose: code, scripts, styles, maths, form
#: text. Its tag name is the group ``code_tag``, so the pattern can be part of a larger one.
HTML_CODE = re.compile(
    r"<(?P<code_tag>pre|code|script|style|math|textarea)\b.*?</(?P=code_tag)>",
    re.DOTALL | re.IGNORECASE,
)


def without_html_code(html_: str) -> str:
    """Rendered HTML with its code, scripts, styles and maths (:data:`HTML_CODE`) removed.

    >>> without_html_code("a <code>$$</code> b <math><mi>x</mi></math> c")
    'a  b  c'
    """
    return HTML_CODE.sub("", html_)
