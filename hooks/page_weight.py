"""Lighter pages: theme CSS that a page does not use is not sent.

* ``assets/_mkdocstrings.css`` (mkdocstrings adds it to every page) is linked only from pages that
  show API documentation (the reference page).
* Material's palette stylesheet carries the colours of all 21 primary and accent colours; the
  site uses one (``theme.palette``). After the build, the rules for the other colours are dropped
  from the copy in the site (12 KB to a few).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority

__all__ = ["keep_palette", "mkdocstrings_css_only_for_api", "split_rules", "trim_palette"]

_MKDOCSTRINGS_LINK = re.compile(r'\s*<link rel="stylesheet" href="[^"]*assets/_mkdocstrings\.css">')
_API_MARK = 'class="doc doc-'  # mkdocstrings' object containers
_COLOUR = re.compile(r"\[data-md-color-(?:primary|accent)=([\w-]+)\]")


def split_rules(css: str) -> list[tuple[str, str]]:
    """Top-level ``(prelude, body)`` pairs of minified CSS: ``a,b{x:y}`` -> ``("a,b", "x:y")``.

    Enough for Material's stylesheets (no braces inside strings or comments); raises ValueError
    on unbalanced braces rather than guessing."""
    rules: list[tuple[str, str]] = []
    depth = 0
    start = 0
    prelude = ""
    for i, char in enumerate(css):
        if char == "{":
            if depth == 0:
                prelude = css[start:i]
                start = i + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise ValueError("unbalanced '}' in stylesheet")
            if depth == 0:
                rules.append((prelude, css[start:i]))
                start = i + 1
    if depth != 0:
        raise ValueError("unbalanced '{' in stylesheet")
    tail = css[start:].strip()
    if tail:
        rules.append((tail, ""))  # a trailing comment (the source map's)
    return rules


def keep_palette(css: str, colours: set[str]) -> str:
    """``css`` without the selectors that name a primary or accent colour not in ``colours``."""
    out: list[str] = []
    for prelude, body in split_rules(css):
        if not body and prelude.startswith("/*"):  # the trailing comment
            out.append(prelude)
            continue
        if prelude.lstrip().startswith("@"):
            inner = keep_palette(body, colours)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
            continue
        selectors = [s for s in prelude.split(",") if all(c in colours for c in _COLOUR.findall(s))]
        if selectors:
            out.append(f"{','.join(selectors)}{{{body}}}")
    return "".join(out)


def palette_colours(config: Any) -> set[str]:
    """The primary and accent colours that ``theme.palette`` names."""
    palette = config["theme"].get("palette") or []
    if isinstance(palette, dict):
        palette = [palette]
    colours = set()
    for entry in palette:
        for key in ("primary", "accent"):
            if entry.get(key):
                colours.add(str(entry[key]).replace(" ", "-").lower())
    return colours


def trim_palette(site_dir: Path, colours: set[str]) -> list[Path]:
    """Trim every ``assets/stylesheets/palette.*.min.css`` of the site; return the files."""
    done = []
    for path in sorted((site_dir / "assets" / "stylesheets").glob("palette.*.min.css")):
        path.write_text(keep_palette(path.read_text(encoding="utf-8"), colours), "utf-8")
        done.append(path)
    return done


def mkdocstrings_css_only_for_api(output: str) -> str:
    """Drop the page's ``_mkdocstrings.css`` links unless it shows API documentation; an API page
    keeps one (the second language's build adds the stylesheet to ``extra_css`` a second time)."""
    keep = 1 if _API_MARK in output else 0
    seen = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        return match.group(0) if seen <= keep else ""

    return _MKDOCSTRINGS_LINK.sub(replace, output)


def on_post_page(output: str, page: Any, **kwargs: Any) -> str:
    return mkdocstrings_css_only_for_api(output)


def on_post_template(output_content: str, template_name: str, **kwargs: Any) -> str:
    """Static templates (404.html) too."""
    if template_name.endswith(".html"):
        return mkdocstrings_css_only_for_api(output_content)
    return output_content


@event_priority(-100)
def on_post_build(config: Any, **kwargs: Any) -> None:
    colours = palette_colours(config)
    if colours:
        trim_palette(Path(config["site_dir"]), colours)
