"""Tables come wrapped for sideways scrolling in the built page, not at start-up.

Material's script (9.8.2, pinned) moves every table without a class attribute into a wrapper
of its own when the page starts, ``<div class="md-typeset__scrollwrap"><div
class="md-typeset__table">``, which scrolls sideways when the table is wider than the text.
Moving a table makes the browser style and lay out the table again, and every element around
it: on the article, the largest restyle left in a slow phone's start-up.

This hook writes the same wrapper around each such table when the page is built, and gives the
table a class (``WRAPPED``), so that Material's script, which picks tables by ``:not([class])``,
leaves it where it is. The theme's rules for those tables are written ``table:not([class])``;
in the copy of its stylesheet the site ships, each becomes ``.md-typeset__table>table``
(``restyle_wrapped``), which matches the same tables, now wrapped, with the same specificity
(one class, one element). The site's own stylesheets use that selector too. Without JavaScript
the tables now scroll sideways as well.
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs.plugins import event_priority

__all__ = ["BARE", "WRAPPED", "restyle_wrapped", "wrap_tables"]

#: The class a table wrapped at build time carries: any class keeps Material's script off it.
WRAPPED = "cs-table"
#: How the theme's stylesheet names a table its script wraps, and what the site ships instead.
BARE = " table:not([class])"
_WRAPPED_SELECTOR = " .md-typeset__table>table"

_TABLE_TAG = re.compile(r"<table(\s[^>]*)?>|</table\s*>", re.IGNORECASE)
_CLASS = re.compile(r"\sclass(?:\s|=|$)", re.IGNORECASE)
_OPEN = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table class="{}"{}>'
_CLOSE = "</table></div></div>"


def wrap_tables(html: str) -> str:
    """``html`` with each ``<table>`` that has no class attribute (those Material's script
    wraps) wrapped as the script would wrap it, and marked ``WRAPPED``; other tables are left
    as they are.

    >>> wrap = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
    >>> html = '<table id="t"><tr><td><table class="x"></table></td></tr></table>'
    >>> wrap_tables(html).removeprefix(wrap)
    '<table class="cs-table" id="t"><tr><td><table class="x"></table></td></tr></table></div></div>'
    """
    out: list[str] = []
    opened: list[bool] = []  # for each table open at this point: was it wrapped?
    last = 0
    for match in _TABLE_TAG.finditer(html):
        out.append(html[last : match.start()])
        last = match.end()
        if match.group(0).startswith("</"):
            out.append(_CLOSE if opened and opened.pop() else match.group(0))
        elif not _CLASS.search(match.group(1) or ""):
            opened.append(True)
            out.append(_OPEN.format(WRAPPED, match.group(1) or ""))
        else:
            opened.append(False)
            out.append(match.group(0))
    out.append(html[last:])
    return "".join(out)


def restyle_wrapped(css: str) -> str:
    """The theme's rules for bare tables, aimed at the wrapped ones instead.

    >>> restyle_wrapped(".md-typeset table:not([class]) th{a:1}")
    '.md-typeset .md-typeset__table>table th{a:1}'
    """
    return css.replace(BARE, _WRAPPED_SELECTOR)


@event_priority(-90)  # after the hooks that add tables (architectures) or edit them (a11y)
def on_post_page(output: str, page: Any, **kwargs: Any) -> str:
    return wrap_tables(output)
