"""Lighter pages: theme CSS that a page does not use is not sent.

* ``assets/_mkdocstrings.css`` (mkdocstrings adds it to every page) is linked only from pages that
  show API documentation (the reference page).
* Material's palette stylesheet carries the colours of all 21 primary and accent colours; the
  site uses one (``theme.palette``). After the build, the rules for the other colours are dropped
  from the copy in the site (12 KB to a few). So is the rule that stops transitions while the
  palette switches (``[data-md-color-switching] *``): Material's script sets and removes that
  attribute on ``<body>`` at every page load, and the rule made each change restyle the whole
  page (two full restyles, about 0.2 s of a slow phone's main thread on the article). Without
  it, a reader who toggles light/dark sees some colours (links, buttons, the header) fade over
  0.125–0.25 s instead of changing at once.
* Material's main stylesheet (137 KB, render-blocking on every page) styles every feature of the
  theme. After the build, a rule is dropped when each of its selectors names a class, id or
  element that no built page contains and no script of the site can create (every word of the
  site's JavaScript counts as a name it might create, and a template such as ``md-tag--${x}``
  keeps every class that starts with ``md-tag--``); ``@keyframes`` no kept rule names go too.
  The file keeps its name, so the pages need no change. Its rules for tables are aimed at the
  tables ``hooks/table_wrap.py`` wraps at build time (``restyle_wrapped``). One more rule goes
  although it could match: ``.md-typeset table:not([class])+*`` (``ONLY_WITHOUT_SCRIPT``), the
  margin above what follows a bare table. Every table is in a wrapper of its own, so the rule
  matches nothing; and were a table ever moved at start-up, it would make Chromium restyle every
  element of the block that holds it.
* The site's own scripts on every page (``OWN_SCRIPTS``) are sent without the comments that take
  lines of their own; the sources keep them.
* ``page_weights`` counts what a browser loads to show each built page (``BUDGET``: at most
  400,000 bytes, tests/test_page_weight.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority
from table_wrap import restyle_wrapped

__all__ = [
    "BUDGET",
    "OWN_SCRIPTS",
    "Names",
    "drop_indentation",
    "drop_selectors",
    "keep_palette",
    "keep_used_rules",
    "lighten_own_css",
    "minify_css",
    "mkdocstrings_css_only_for_api",
    "names_in_html",
    "names_in_script",
    "page_load",
    "page_weights",
    "selector_can_match",
    "split_rules",
    "strip_script_comments",
    "trim_main_css",
    "trim_palette",
]

_MKDOCSTRINGS_LINK = re.compile(r'\s*<link rel="stylesheet" href="[^"]*assets/_mkdocstrings\.css">')
_API_MARK = 'class="doc doc-'  # mkdocstrings' object containers
_COLOUR = re.compile(r"\[data-md-color-(?:primary|accent)=([\w-]+)\]")
_SWITCHING = "[data-md-color-switching]"
ONLY_WITHOUT_SCRIPT = frozenset({".md-typeset table:not([class])+*"})


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
    """``css`` without the selectors that name a primary or accent colour not in ``colours``, nor
    those that depend on ``data-md-color-switching`` (see the module's docstring)."""
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
        selectors = [
            s
            for s in prelude.split(",")
            if all(c in colours for c in _COLOUR.findall(s)) and _SWITCHING not in s
        ]
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


# --- Material's main stylesheet: rules no page can use ------------------------------------------


@dataclass
class Names:
    """The classes, ids and elements that can occur on the site's pages. ``prefixes``: class
    prefixes a script completes at run time (``md-tag--${x}``); ``directions``: values of ``dir``
    attributes; ``properties``: custom properties (``--x``) named outside the stylesheet."""

    classes: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    elements: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    directions: set[str] = field(default_factory=set)
    properties: set[str] = field(default_factory=set)

    def update(self, other: Names) -> None:
        self.classes |= other.classes
        self.ids |= other.ids
        self.elements |= other.elements
        self.prefixes |= other.prefixes
        self.directions |= other.directions
        self.properties |= other.properties

    def has_class(self, name: str) -> bool:
        return name in self.classes or any(name.startswith(p) for p in self.prefixes)


_TAG = re.compile(r"<([a-zA-Z][\w-]*)")
_CLASS_ATTR = re.compile(r"""\sclass=(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
_ID_ATTR = re.compile(r"""\sid=(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
_WORD = re.compile(r"[A-Za-z_][\w-]*")
_DIR_ATTR = re.compile(r"""\sdir=["']?(\w+)""")
_PROPERTY = re.compile(r"--[\w-]+")
_SHORT_LITERAL = re.compile(r"""(["'`])([\w -]*)\1""")
_TEMPLATE_PREFIX = re.compile(r"([A-Za-z_][\w-]*)\$\{")


def names_in_html(html: str) -> Names:
    """Every element, class and id written in ``html`` (inline SVG included).

    >>> n = names_in_html('<p class="a b-c" id=x><svg><path class=d /></svg></p>')
    >>> sorted(n.elements), sorted(n.classes), sorted(n.ids)
    (['p', 'path', 'svg'], ['a', 'b-c', 'd'], ['x'])
    """
    names = Names()
    names.elements = {tag.lower() for tag in _TAG.findall(html)}
    for groups in _CLASS_ATTR.findall(html):
        names.classes.update("".join(groups).split())
    for groups in _ID_ATTR.findall(html):
        names.ids.add("".join(groups))
    names.directions = set(_DIR_ATTR.findall(html))
    names.properties = set(_PROPERTY.findall(html))
    return names


def names_in_script(js: str) -> Names:
    """The names a script may put in a page: as classes, every word with a ``-`` or ``_`` in it
    (Material's are all so: ``md-search-result__item``) and every word of a short string literal
    (``"hll select"``); as ids and elements, every word. A word directly before ``${`` is a class
    prefix the script completes. (The site's scripts set no ``dir`` attribute.)

    >>> n = names_in_script('e.className=`md-tag md-tag--${t}`;x("md-tooltip");y="hll select"')
    >>> sorted(n.classes), n.prefixes
    (['hll', 'md-tag', 'md-tag--', 'md-tooltip', 'select'], {'md-tag--'})
    >>> "className" in n.classes, "className" in n.ids
    (False, True)
    """
    words = set(_WORD.findall(js))
    classes = {w for w in words if "-" in w or "_" in w}
    for _, literal in _SHORT_LITERAL.findall(js):
        classes.update(literal.split())
    return Names(
        classes=classes,
        ids=set(words),
        elements={w.lower() for w in words},
        prefixes=set(_TEMPLATE_PREFIX.findall(js)),
        properties=set(_PROPERTY.findall(js)),
    )


_SIMPLE_PSEUDO = re.compile(r"::?[\w-]+")
_DIR_SELECTOR = re.compile(r"""dir=["']?(\w+)["']?""")
_ANY_OF = {"is", "where", "matches", "-webkit-any", "-moz-any", "has"}


def _split_top(text: str, separator: str = ",") -> list[str]:
    """``text`` split at ``separator`` outside brackets, parentheses and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(text):
        if quote:
            if char == quote and text[i - 1] != "\\":
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def selector_can_match(selector: str, names: Names) -> bool:
    """False when ``selector`` needs a class, id or element that ``names`` lacks.

    Attribute selectors and pseudo-classes are assumed to match, except ``:is()``/``:where()``/
    ``:has()``, which need one of their alternatives; ``:not()`` needs nothing. A selector this
    function cannot read (escapes) is assumed to match.

    >>> names = Names(classes={"md-typeset", "admonition"}, elements={"p", "h1"})
    >>> selector_can_match(".md-typeset .admonition>p:first-child", names)
    True
    >>> selector_can_match(".md-typeset .md-tag", names)
    False
    >>> selector_can_match(".md-typeset :is(h1,kbd)", names)
    True
    >>> selector_can_match(":is(kbd,.x)", names)
    False
    >>> selector_can_match("p:not(.md-tag)", names), selector_can_match("[data-x=y] p", names)
    (True, True)
    >>> selector_can_match("[dir=rtl] p", names), selector_can_match(":dir(rtl) p", names)
    (False, False)
    """
    if "\\" in selector:
        return True
    rest: list[str] = []
    i = 0
    while i < len(selector):
        char = selector[i]
        if char == "[":  # attribute selector: skipped (quotes cannot hold "]" in Material's)
            end = selector.index("]", i)
            direction = _DIR_SELECTOR.fullmatch(selector[i + 1 : end])
            if direction and direction.group(1) not in names.directions:
                return False
            i = end + 1
            rest.append(" ")
            continue
        if char == ":":
            match = _SIMPLE_PSEUDO.match(selector, i)
            if match is None:
                return True
            name = match.group(0).lstrip(":").lower()
            i = match.end()
            if i < len(selector) and selector[i] == "(":
                depth, j = 0, i
                while True:
                    if selector[j] == "(":
                        depth += 1
                    elif selector[j] == ")":
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                inner = selector[i + 1 : j]
                i = j + 1
                if name == "dir" and inner.strip() not in names.directions:
                    return False
                if name in _ANY_OF and not any(
                    selector_can_match(part.strip(), names) for part in _split_top(inner)
                ):
                    return False
            rest.append("\0")  # a pseudo-class stands in for nothing, but keeps tokens apart
            continue
        rest.append(char)
        i += 1
    plain = "".join(rest)
    for kind, word in re.findall(r"([.#]?)(-?[A-Za-z_][\w-]*)", plain):
        if kind == ".":
            if not names.has_class(word):
                return False
        elif kind == "#":
            if word not in names.ids:
                return False
        elif word.lower() not in names.elements:
            return False
    return True


_GROUPING = ("@media", "@supports", "@container", "@layer", "@document")
_ANIMATION_NAME = re.compile(r"animation(?:-name)?\s*:([^;}]*)")


def _statements(prelude: str) -> tuple[str, str]:
    """Split ``@charset "x";sel`` into the statements before the rule and its prelude."""
    head, _, last = prelude.rpartition(";")
    return (head + ";" if head else ""), last


def _keep_rules(css: str, keep: Callable[[str], bool]) -> str:
    """``css`` with the selectors ``keep`` accepts (stripped of spaces at either end)."""
    out: list[str] = []
    for raw_prelude, body in split_rules(css):
        if not body and raw_prelude.lstrip().startswith("/*"):
            continue  # the source map's comment: the map describes the untrimmed file
        statements, prelude = _statements(raw_prelude) if ";" in raw_prelude else ("", raw_prelude)
        out.append(statements)
        at = prelude.lstrip().lower()
        if at.startswith(_GROUPING):
            inner = _keep_rules(body, keep)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
            continue
        if at.startswith("@"):  # @keyframes, @font-face, @page: kept whole (keyframes sorted later)
            out.append(f"{prelude}{{{body}}}")
            continue
        selectors = [s for s in _split_top(prelude) if keep(s.strip())]
        if selectors:
            out.append(f"{','.join(selectors)}{{{body}}}")
    return "".join(out)


def _drop_unused_keyframes(css: str) -> str:
    used = {word for value in _ANIMATION_NAME.findall(css) for word in _WORD.findall(value)}
    out: list[str] = []
    for prelude, body in split_rules(css):
        statements, rule = _statements(prelude) if ";" in prelude else ("", prelude)
        out.append(statements)
        words = rule.split()
        if words and words[0].lower() in ("@keyframes", "@-webkit-keyframes"):
            if len(words) > 1 and words[1] not in used:
                continue
        elif rule.lstrip().lower().startswith(_GROUPING):
            inner = _drop_unused_keyframes(body)
            if inner:
                out.append(f"{rule}{{{inner}}}")
            continue
        out.append(f"{rule}{{{body}}}" if body or not rule.lstrip().startswith("/*") else rule)
    return "".join(out)


_DECLARATION_BLOCK = re.compile(r"\{([^{}]*)\}")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")


def _drop_unused_properties(css: str, used_outside: set[str]) -> str:
    """Declarations of custom properties that nothing reads: no ``var()`` of a kept
    declaration (followed through other properties), nothing outside the stylesheet."""
    blocks = _DECLARATION_BLOCK.findall(css)
    declarations = [d.split(":", 1) for block in blocks for d in _split_top(block, ";") if ":" in d]
    used = set(used_outside)
    for name, value in declarations:
        if not name.strip().startswith("--"):
            used.update(_VAR.findall(value))
    reads: dict[str, set[str]] = {}
    for name, value in declarations:
        if name.strip().startswith("--"):
            reads.setdefault(name.strip(), set()).update(_VAR.findall(value))
    todo = list(used)
    while todo:
        for other in reads.get(todo.pop(), ()):
            if other not in used:
                used.add(other)
                todo.append(other)

    def block(match: re.Match[str]) -> str:
        kept = [
            d
            for d in _split_top(match.group(1), ";")
            if not d.strip().startswith("--") or d.split(":", 1)[0].strip() in used
        ]
        return "{" + ";".join(kept) + "}"

    out = _DECLARATION_BLOCK.sub(block, css)
    return re.sub(r"(?:^|(?<=[}]))[^{}@]+\{\}", "", out)  # rules left empty


def keep_used_rules(css: str, names: Names) -> str:
    """``css`` without the rules none of whose selectors can match (``selector_can_match``),
    without grouping rules left empty, without ``@keyframes`` no kept rule uses, and without
    custom properties nothing reads (``names.properties``: those read outside it).

    >>> css = '@charset "UTF-8";a{x:1}.md-tag,.b{y:2}@media print{.md-tag{z:3}}'
    >>> css += ".b{animation:spin 1s}@keyframes spin{0%{o:0}}@keyframes gone{0%{o:1}}"
    >>> keep_used_rules(css, Names(classes={"b"}, elements={"a"}))
    '@charset "UTF-8";a{x:1}.b{y:2}.b{animation:spin 1s}@keyframes spin{0%{o:0}}'
    >>> css = ":root{--a:1;--b:var(--c);--c:2;--d:3;--e:4}a{x:var(--b)}:root{--f:5}"
    >>> keep_used_rules(css, Names(elements={"a"}, properties={"--e"}))
    ':root{--b:var(--c);--c:2;--e:4}a{x:var(--b)}'
    >>> css = ":root{--i:url('data:a;b');--j:url('data:c;d')}a{m:var(--j)}"
    >>> keep_used_rules(css, Names(elements={"a"}))
    ":root{--j:url('data:c;d')}a{m:var(--j)}"
    """
    return _drop_unused_properties(
        _drop_unused_keyframes(_keep_rules(css, lambda s: selector_can_match(s, names))),
        names.properties,
    )


def drop_selectors(css: str, unwanted: Iterable[str]) -> str:
    """``css`` without the selectors in ``unwanted`` (written as in the minified file), in
    grouping rules too; a rule or grouping rule left with none goes.

    >>> drop_selectors('@charset "x";a+*{m:1}b,a+*{n:2}@media print{a+*{o:3}}', {"a+*"})
    '@charset "x";b{n:2}'
    """
    gone = frozenset(unwanted)
    return _keep_rules(css, lambda selector: selector not in gone)


def features_off(config: Any) -> set[str]:
    """Class prefixes of Material features the site does not enable: its script names their
    classes, but creates them only when the feature is on."""
    features = set(config["theme"].get("features") or [])
    plugins = set(config["plugins"]) if config.get("plugins") is not None else set()
    off = set()
    if "content.code.annotate" not in features:
        off.add("md-annotation")
    if not (config.get("extra") or {}).get("version"):
        off.add("md-version")
    if not plugins & {"tags", "material/tags"}:
        off.update({"md-tag", "md-tags"})
    if not config.get("repo_url"):
        off.add("md-source")
    return off


_PARSED: dict[tuple[Path, str], tuple[int, int, Names]] = {}


def _names_of(path: Path, kind: str) -> Names:
    """``names_in_html``/``names_in_script``/the custom properties of one file, parsed again
    only when its size or modification time changed (``mkdocs serve`` rebuilds one page)."""
    stat = path.stat()
    known = _PARSED.get((path, kind))
    if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
        return known[2]
    text = path.read_text("utf-8", errors="replace")
    if kind == "html":
        names = names_in_html(text)
    elif kind == "js":
        names = names_in_script(text)
    else:
        names = Names(properties=set(_PROPERTY.findall(text)))
    _PARSED[(path, kind)] = (stat.st_mtime_ns, stat.st_size, names)
    return names


def site_names(site_dir: Path, off: frozenset[str] | set[str] = frozenset()) -> Names:
    """The names every built page and every script of the site can put in a page; the custom
    properties the site's other stylesheets read. Classes of a script that start with a prefix
    in ``off`` (``features_off``) do not count."""
    names = Names()
    for sheet in site_dir.rglob("*.css"):
        if not sheet.name.startswith("main."):
            names.update(_names_of(sheet, "css"))
    for page in site_dir.rglob("*.html"):
        names.update(_names_of(page, "html"))
    assets = site_dir / "assets"
    for script in assets.rglob("*.js"):
        if "lunr" in script.relative_to(assets).parts:
            continue  # search languages' word splitters: they create no markup
        found = _names_of(script, "js")
        names.update(
            Names(
                classes={c for c in found.classes if not c.startswith(tuple(off))},
                ids=found.ids,
                elements=found.elements,
                prefixes={p for p in found.prefixes if not p.startswith(tuple(off))},
                properties=found.properties,
            )
        )
    return names


def trim_main_css(
    site_dir: Path, names: Names | None = None, theme_dirs: Iterable[str | Path] = ()
) -> list[tuple[Path, int, int]]:
    """Write every ``assets/stylesheets/main.*.min.css`` of the site trimmed (its source map
    goes: it describes the untrimmed file); return ``(file, bytes before, bytes after)``.

    The rules come from the file of that name in the first of ``theme_dirs`` that has one (the
    theme's untrimmed file: a ``mkdocs serve --dirty`` rebuild does not copy it again, and a
    page it renders may use a rule the last trim left out), else from the site's copy."""
    done = []
    for path in sorted((site_dir / "assets" / "stylesheets").glob("main.*.min.css")):
        if names is None:
            names = site_names(site_dir)
        relative = path.relative_to(site_dir)
        sources = [Path(d) / relative for d in theme_dirs if (Path(d) / relative).is_file()]
        before = (sources[0] if sources else path).read_text("utf-8")
        after = restyle_wrapped(drop_selectors(keep_used_rules(before, names), ONLY_WITHOUT_SCRIPT))
        path.write_text(after, "utf-8")
        path.with_name(path.name + ".map").unlink(missing_ok=True)
        done.append((path, len(before.encode()), len(after.encode())))
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


# Pygments' markup that shows nothing: the empty span it opens every block with, and the spans
# around white space (class "w", which no stylesheet colours: a space shows no colour anyway).
_EMPTY_SPAN = re.compile(r"(<pre>|<code(?:\s[^<>]*)?>)<span></span>")
_SPACE_SPAN = re.compile(r'<span class="w">(\s*)</span>')


def drop_invisible_spans(html: str) -> str:
    """``html`` without the spans of highlighted code that show nothing (3 KB on the reference
    page): the empty ``<span></span>`` that opens a block (before or just inside its
    ``<code>``), and ``<span class="w">`` around white space, whose content stays.

    >>> drop_invisible_spans('<pre><span></span><code><span class="k">if</span>'
    ...                      '<span class="w"> </span>x</code></pre>')
    '<pre><code><span class="k">if</span> x</code></pre>'
    >>> drop_invisible_spans('<pre><code tabindex="0"><span></span>x</code></pre>')
    '<pre><code tabindex="0">x</code></pre>'
    >>> drop_invisible_spans('<p><span></span>a <span class="w">b</span></p>')
    '<p><span></span>a <span class="w">b</span></p>'
    """
    return _SPACE_SPAN.sub(r"\1", _EMPTY_SPAN.sub(r"\1", html))


_KEEP_WHITESPACE = re.compile(r"<(pre|textarea|script|style|code)\b.*?</\1\s*>", re.DOTALL)
_BLANK = re.compile(r"[ \t]*\n[ \t\r\n]*")


def drop_indentation(html: str) -> str:
    r"""``html`` with every run of white space that holds a line break written as the line break
    alone (indentation, blank lines), except inside ``<pre>``, ``<textarea>``, ``<script>``,
    ``<style>`` and ``<code>`` (the theme's inline code keeps its spaces: ``white-space:
    pre-wrap``): outside them, such a run shows as one space, like the line break alone.
    (Material's templates indent every line, mkdocstrings leaves blank lines: 5 to 20 KB a page.)

    >>> drop_indentation("<ul>\n  <li>a\n    b</li>\n\n \n</ul>\n<pre>\n  x</pre><code>\n y</code>")
    '<ul>\n<li>a\nb</li>\n</ul>\n<pre>\n  x</pre><code>\n y</code>'
    """
    out: list[str] = []
    start = 0
    for match in _KEEP_WHITESPACE.finditer(html):
        out.append(_BLANK.sub("\n", html[start : match.start()]))
        out.append(match.group(0))
        start = match.end()
    out.append(_BLANK.sub("\n", html[start:]))
    return "".join(out)


_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_SPACE_AROUND = re.compile(r"\s*([{};,>])\s*")


def minify_css(css: str) -> str:
    """``css`` without comments and without the white space that means nothing: runs become one
    space; none around ``{ } ; , >`` or after a declaration's colon. (Spaces around ``+``, ``-``
    and before ``:`` stay: in ``calc()`` and selectors they mean something.) Strings must hold
    no ``/*`` (the site's stylesheets have none).

    >>> minify_css("/* a */\\n.x  > p,\\n.y :is(a) {\\n  margin: calc(1em + 2px) ;\\n}\\n")
    '.x>p,.y :is(a){margin:calc(1em + 2px)}'
    """
    css = _COMMENT.sub("", css)
    css = re.sub(r"\s+", " ", css)
    css = _SPACE_AROUND.sub(r"\1", css)
    css = re.sub(r"(?<=[{;])([\w-]+):\s+", r"\1:", css)
    return css.replace(";}", "}").strip()


def lighten_own_css(site_dir: Path, names: Names) -> None:
    """Minify the site's own stylesheets (every ``.css`` but the theme's, already minified, in
    ``assets/stylesheets/``), and drop the rules of mkdocstrings' ``_mkdocstrings.css`` that no
    page can use (``keep_used_rules``; mkdocstrings writes it again whenever it renders the API
    page, so a trim never starts from a trimmed copy that lacks a rule the page now needs)."""
    theme = site_dir / "assets" / "stylesheets"
    for path in sorted(site_dir.rglob("*.css")):
        if path.is_relative_to(theme):
            continue
        css = minify_css(path.read_text("utf-8"))
        if path.name == "_mkdocstrings.css":
            css = keep_used_rules(css, names)
        path.write_text(css, "utf-8")


#: The site's own scripts that every page loads (paths in the built site).
OWN_SCRIPTS = (
    "assets/site.js",
    "assets/javascripts/search-on-demand.js",
    "assets/javascripts/color-scheme.js",
)
# Comments on lines of their own: "// ..." lines, and "/* ... */" blocks that start a line and
# end one (the body never crosses a "*/", so code between two comments is never taken). Only
# for OWN_SCRIPTS: they hold no template or multi-line string, where such a line could be text.
_LINE_COMMENT = re.compile(r"^[ \t]*//[^\n]*\n", re.MULTILINE)
_BLOCK_COMMENT = re.compile(r"^[ \t]*/\*(?:[^*]|\*(?!/))*\*/[ \t]*\n", re.MULTILINE)


def strip_script_comments(js: str) -> str:
    """A script without its comments that take whole lines; code and end-of-line comments stay.

    >>> js = "/* Why.\\n   More. */\\n(function () {\\n  // note\\n  var a = 1; // kept\\n})();\\n"
    >>> strip_script_comments(js)
    '(function () {\\n  var a = 1; // kept\\n})();\\n'
    >>> strip_script_comments("/* a */ f();\\n/* b */\\ng();\\n")
    '/* a */ f();\\ng();\\n'
    """
    return _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub("", js))


def lighten_own_scripts(site_dir: Path) -> None:
    """``OWN_SCRIPTS`` without their whole-line comments (a second pass changes nothing)."""
    for name in OWN_SCRIPTS:
        path = site_dir / name
        if path.is_file():
            path.write_text(strip_script_comments(path.read_text("utf-8")), "utf-8")


@event_priority(-100)  # after the other hooks: some of them read the page's markup
def on_post_page(output: str, page: Any, **kwargs: Any) -> str:
    return drop_indentation(drop_invisible_spans(mkdocstrings_css_only_for_api(output)))


@event_priority(-100)
def on_post_template(output_content: str, template_name: str, **kwargs: Any) -> str:
    """Static templates (404.html) too."""
    if template_name.endswith(".html"):
        return drop_indentation(mkdocstrings_css_only_for_api(output_content))
    return output_content


@event_priority(-100)
def on_post_build(config: Any, **kwargs: Any) -> None:
    site_dir = Path(config["site_dir"])
    colours = palette_colours(config)
    if colours:
        trim_palette(site_dir, colours)
    theme_dirs = getattr(config["theme"], "dirs", [])
    names = site_names(site_dir, features_off(config))
    trim_main_css(site_dir, names, theme_dirs)
    lighten_own_css(site_dir, names)
    lighten_own_scripts(site_dir)


# --- What a page weighs ---------------------------------------------------------------------

#: Bytes a page may make the browser load before it is shown (uncompressed: HTML, stylesheets,
#: scripts, fonts, icons, images that are not lazy).
BUDGET = 400_000

_HEAD_LINK = re.compile(r"<link\b[^>]*>")
_SCRIPT_SRC = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"")
_IMG = re.compile(r"<img\b[^>]*>")
_HREF = re.compile(r'\bhref="([^"]+)"')
_SRC = re.compile(r'\bsrc="([^"]+)"')
_FONT_URL = re.compile(r"@font-face\s*\{[^}]*?url\(\s*[\"']?([^\"')]+)")


def _local(base: Path, url: str, site_dir: Path) -> Path | None:
    if "://" in url or url.startswith(("data:", "//", "#")):
        return None
    target = (base / url.split("#")[0].split("?")[0]).resolve()
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() and target.is_relative_to(site_dir.resolve()) else None


def page_load(page: Path, site_dir: Path) -> dict[str, int]:
    """The files a browser loads to show ``page``, with their sizes: the HTML, its stylesheets,
    scripts and icon, its images that are not lazy, and the fonts of its stylesheets' @font-face
    rules when the page uses them (the site's only one is the maths font: a page with <math>).
    Keys are paths relative to ``site_dir``."""
    html = page.read_text("utf-8")
    base = page.parent
    urls: list[str] = []
    for link in _HEAD_LINK.findall(html):
        rel = re.search(r'\brel="([^"]+)"', link)
        href = _HREF.search(link)
        if rel and href and set(rel.group(1).split()) & {"stylesheet", "icon", "preload"}:
            urls.append(href.group(1))
    urls += _SCRIPT_SRC.findall(html)
    urls += [
        src.group(1)
        for img in _IMG.findall(html)
        if 'loading="lazy"' not in img and (src := _SRC.search(img))
    ]
    loads: dict[str, int] = {}
    for url in urls:
        target = _local(base, url, site_dir)
        if target is None:
            continue
        loads[target.relative_to(site_dir.resolve()).as_posix()] = target.stat().st_size
        if target.suffix == ".css" and "<math" in html:
            for font in _FONT_URL.findall(target.read_text("utf-8", errors="replace")):
                found = _local(target.parent, font, site_dir)
                if found is not None:
                    loads[found.relative_to(site_dir.resolve()).as_posix()] = found.stat().st_size
    loads[page.resolve().relative_to(site_dir.resolve()).as_posix()] = len(html.encode())
    return loads


def page_weights(site_dir: Path) -> dict[str, int]:
    """Every built page (``index.html`` files and 404.html, by path relative to the site) and
    the bytes a browser loads to show it (``page_load``)."""
    site_dir = site_dir.resolve()
    return {
        page.relative_to(site_dir).as_posix(): sum(page_load(page, site_dir).values())
        for page in sorted(site_dir.rglob("*.html"))
        if page.relative_to(site_dir).parts[0] != "assets"
    }
