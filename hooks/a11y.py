"""Accessibility repairs of the theme's own markup, made in the built HTML of every page.

* Material's search overlay is a ``role="dialog"`` with no name (axe's aria-dialog-name): it
  gets one in the page's language.
* With ``navigation.indexes``, a section's sub-navigation ``<nav>`` is labelled by a toggle that
  holds only an icon, so every such landmark has the same empty name (axe's landmark-unique):
  each is named after its section's title instead.
* A page title is HTML text (a network page's title keeps its entities, see
  ``hooks/architectures.py``), and the footer escapes it once more for its links' ``aria-label``:
  "torchvision&amp;#x27;s" would be read aloud instead of the visible "torchvision's" (axe's
  label-content-name-mismatch). The second escape of a character reference is undone there.
* Headings' permalinks carry the ``toc`` extension's one title, "Permanent link", on the pages
  of both languages: on a Chinese page it reads "永久链接".
* Code blocks are set up by Material's script only when they first come into view
  (``content.lazy`` in mkdocs.yml); one that overflows its column becomes focusable then, so that
  it can be scrolled with the keyboard. Until then every code block is focusable
  (``tabindex="0"``), so that a keyboard reader who has not scrolled to it yet can still reach
  it (axe's scrollable-region-focusable); once set up, Material keeps the attribute only where
  the block overflows.
"""

from __future__ import annotations

import html
import importlib
import re
from typing import Any

_LANG = re.compile(r'<html lang="(?P<lang>[^"]+)"')
_SEARCH = '<div class="md-search" data-md-component="search" role="dialog">'
_SECTION_NAV = re.compile(
    r'<nav class="md-nav" data-md-level="(?P<level>\d+)" '
    r'aria-labelledby="(?P<id>__nav_[\d_]+)_label"'
    r'(?P<rest>[^>]*>\s*<label class="md-nav__title" for="(?P=id)">(?P<title>.*?)</label>)',
    re.DOTALL,
)
_TAG = re.compile(r"<[^>]+>")
_FOOTER_LABEL = re.compile(r'(<a [^>]*class="md-footer__link[^"]*" aria-label=")([^"]*)(")')
_DOUBLE_ESCAPED = re.compile(r"&amp;(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")
_PERMALINK = re.compile(r'(<a class="headerlink" href="[^"]*" title=)"Permanent link"')
# A code block as Material's script finds it ("pre > code"): pymdownx.highlight writes an empty
# <span> before the <code>, Pygments (notebooks, mkdocstrings) does not.
_CODE_BLOCK = re.compile(r"(<pre(?:\s[^>]*)?>(?:<span></span>)?<code)(?=[\s>])(?![^>]*\stabindex=)")


def _title(label_html: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", label_html)).split())


def repair(page_html: str, lang: str | None = None) -> str:
    """Name the search dialog and the section navigation landmarks; footer labels escaped once;
    code blocks focusable.

    ``lang`` is the page's language; without it (the 404 template), the ``<html lang>`` the
    theme wrote.

    >>> repair('<a class="md-footer__link" aria-label="it&amp;#x27;s &amp;lt;b&amp;gt;">')
    '<a class="md-footer__link" aria-label="it&#x27;s &lt;b&gt;">'
    >>> repair('<pre><span></span><code>a</code></pre>')
    '<pre><span></span><code tabindex="0">a</code></pre>'
    >>> repair('<pre class="x"><code class="y">b</code></pre>')
    '<pre class="x"><code tabindex="0" class="y">b</code></pre>'
    >>> repair('<p><code>inline</code></p><pre><code tabindex="-1">c</code></pre>')
    '<p><code>inline</code></p><pre><code tabindex="-1">c</code></pre>'
    """
    if lang is None:
        match = _LANG.search(page_html)
        lang = "zh" if match is None else match.group("lang")
    zh = lang.startswith("zh")
    name = "搜索" if zh else "Search"
    page_html = page_html.replace(_SEARCH, _SEARCH[:-1] + f' aria-label="{name}">', 1)

    def named(m: re.Match[str]) -> str:
        title = html.escape(_title(m.group("title")), quote=True)
        return (
            f'<nav class="md-nav" data-md-level="{m.group("level")}" aria-label="{title}"'
            f"{m.group('rest')}"
        )

    page_html = _SECTION_NAV.sub(named, page_html)
    if zh:
        page_html = _PERMALINK.sub(r'\1"永久链接"', page_html)
    page_html = _CODE_BLOCK.sub(r'\1 tabindex="0"', page_html)
    return _FOOTER_LABEL.sub(
        lambda m: m.group(1) + _DOUBLE_ESCAPED.sub(r"&\1;", m.group(2)) + m.group(3), page_html
    )


def on_post_page(output: str, page: Any, **kwargs: Any) -> str:
    # The page's language from its file name, by the helper every hook uses.
    lang = importlib.import_module("convshare").page_language(page.file.src_uri)
    return repair(output, str(lang))


def on_post_template(output_content: str, template_name: str, **kwargs: Any) -> str:
    """The 404 page is rendered from a template, not a page: repair it too."""
    return repair(output_content) if template_name == "404.html" else output_content
