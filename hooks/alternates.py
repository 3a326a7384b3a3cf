"""Keep language alternates in the sitemap, not in each page's <head>.

mkdocs-static-i18n writes ``<link rel="alternate" hreflang=...>`` for every page, pointing at the
same page in the other language. Material's JavaScript reads those links as language roots and
fetches ``sitemap.xml`` beside each of them, so every page made two requests that end in 404
(``/article/sitemap.xml``, ``/en/article/sitemap.xml``). The language menu keeps the reader on the
same page without them, and ``sitemap.xml`` still lists each page's alternates for search engines.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

_ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')


def strip_alternates(html: str) -> str:
    """Remove the hreflang alternate links of the page head (only there)."""
    head, sep, body = html.partition("</head>")
    return _ALTERNATE.sub("", head) + sep + body


def on_post_page(output: str, **kwargs: Any) -> str:
    return strip_alternates(output)


# --- the 404 page ---------------------------------------------------------------------------
# mkdocs-static-i18n renders the theme's 404.html once per language into the same file, so the
# English build overwrote the Chinese one, and the page carried the alternates (and language
# menu links) of whichever page had been rendered last. The site's 404 page is the default
# language's, with its language menu pointing at the two home pages.

_SELECT_LINK = re.compile(r'href="[^"]*"(?= hreflang="(?P<lang>[a-z]+)" class="md-select__link)')
_default_404: dict[str, str] = {}


def language_roots(html: str, base: str) -> str:
    """Point the language menu's links at each language's home page under ``base``."""

    def root(match: re.Match[str]) -> str:
        lang = match.group("lang")
        return f'href="{base}"' if lang == "zh" else f'href="{base}{lang}/"'

    return _SELECT_LINK.sub(root, html)


def on_post_template(output_content: str, template_name: str, config: Any, **kwargs: Any) -> str:
    if template_name != "404.html":
        return output_content
    base = urlsplit(config["site_url"] or "/").path or "/"
    html = language_roots(strip_alternates(output_content), base)
    if config["theme"]["language"] == "zh":
        _default_404["html"] = html
        return html
    return _default_404.get("html", html)
