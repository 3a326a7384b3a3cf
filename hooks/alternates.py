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

_ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')


def strip_alternates(html: str) -> str:
    """Remove the hreflang alternate links of the page head (only there)."""
    head, sep, body = html.partition("</head>")
    return _ALTERNATE.sub("", head) + sep + body


def on_post_page(output: str, **kwargs: Any) -> str:
    return strip_alternates(output)
