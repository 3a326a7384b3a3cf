"""Architecture pages built from YAML specs: a new network is one file in ``docs/architectures/``.

Every ``docs/architectures/<name>.yaml`` is a spec (the format is ``convshare``'s, documented on
the "Add an architecture" page). For each spec this hook

* gives it a page in every language: a hand-written ``<name>.md`` / ``<name>.en.md`` if there is
  one (it must contain the marker ``<!-- network: <name>.yaml -->``), otherwise a page generated
  from the spec's own title, summary and conventions;
* replaces the marker with the page body that ``convshare.network_page`` computes: summary,
  conventions, totals, the sharing ratio, a step-by-step derivation of the first convolutional
  layer, a figure and the per-layer table (repeated blocks grouped) and the spec itself;
* lists the network on the overview page, where ``<!-- networks: overview -->`` stands
  (and ``<!-- networks: compare a.yaml b.yaml -->`` sets networks side by side, layer by layer;
  ``convshare.overview_markdown`` and ``convshare.comparison_markdown`` write both);
* adds the page to the navigation, right after ``architectures/index.md`` (in the section that
  opens with it, or in a section made around it).

A spec that cannot be read, or whose totals contradict its ``published`` figures, stops the
build with a ``PluginError`` naming the file, the layer and the problem, before any page is
rendered.

Spec text is data, never markup: the generated Markdown holds a placeholder for every text a
spec supplies (title, summary, conventions, sources, the listing of the file, the per-layer
table and the figure, which hold layer names): the package hands each piece of HTML to the
hook's ``_defer``, and ``on_page_content`` swaps it in after Markdown has run. No Markdown
extension, code block runner or inline-figure expression ever reads it. Network and layer names
in the Markdown tables (overview, comparison) are made inert by ``convshare.markdown_text``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

__all__ = [
    "SPEC_DIR",
    "Spec",
    "discover",
    "load_network",
    "page_language",
    "render_comparison",
    "render_network",
    "render_overview",
]

#: Folder of the specs and their pages, inside ``docs_dir``.
SPEC_DIR = "architectures"
DEFAULT_LANG = "zh"
LANGS = ("zh", "en")

#: A spec's file name: lowercase letters and digits, words joined by "-" or "_".
_STEM = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_NETWORK_MARKER = re.compile(r"^[ \t]*<!--\s*network:\s*(?P<file>\S+?)\s*-->[ \t]*$")
_OVERVIEW_MARKER = re.compile(r"^[ \t]*<!--\s*networks:\s*overview\s*-->[ \t]*$")
_COMPARE_MARKER = re.compile(r"^[ \t]*<!--\s*networks:\s*compare\s+(?P<files>[^>]+?)\s*-->[ \t]*$")


def page_language(src_uri: str) -> str:
    """``"en"`` for ``*.en.md`` pages, otherwise ``"zh"`` (the default language)."""
    return str(_convshare().page_language(src_uri, DEFAULT_LANG))


def _convshare() -> Any:
    # Imported when used, so that hooks/reload.py's fresh import is the one in use.
    import convshare

    return convshare


def _error(message: str) -> PluginError:
    return PluginError(f"Architecture spec error: {message}")


# --- Specs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One spec file and its analysed network."""

    stem: str
    path: Path
    display: str  # the path as messages show it (relative to the working directory)
    result: Any  # convshare.NetworkResult

    def title(self, lang: str) -> str:
        """The page title in ``lang``, falling back to the network's name."""
        return _text(self.result.network.meta.get("title"), lang) or self.result.network.name


def _text(value: object, lang: str) -> str:
    """A spec text field: plain text, or ``{zh: ..., en: ...}`` read in ``lang``."""
    return str(_convshare().spec_text(value, lang, DEFAULT_LANG))


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def load_network(path: Path) -> Any:
    """Load and check one spec: its ``NetworkResult``, or a ``PluginError`` saying what is wrong.

    Besides ``convshare.load_spec``'s checks (the published figures included), the file name
    must be usable as a page address.
    """
    cs = _convshare()
    display = _display(path)
    if path.suffix != ".yaml":
        raise _error(f"{display}: a spec file name must end in .yaml")
    if not _STEM.match(path.stem):
        raise _error(
            f"{display}: the file name {path.name!r} must be lowercase letters and digits, "
            "words joined by '-' or '_' (it becomes the page's address), e.g. my-net.yaml"
        )
    if path.stem == "index":
        raise _error(f"{display}: index.yaml is reserved: index.md is the overview page")
    try:
        result = cs.load_spec(display)
    except cs.SpecError as error:
        raise _error(str(error)) from error
    return result


def discover(docs_dir: str | Path) -> list[Spec]:
    """Every spec in ``<docs_dir>/architectures/``, loaded and checked, sorted by file name."""
    folder = Path(docs_dir) / SPEC_DIR
    specs = []
    for path in sorted(folder.glob("*")):
        if path.suffix.lower() in (".yml", ".yaml") and path.suffix != ".yaml":
            raise _error(
                f"{_display(path)}: name the file *.yaml (not {path.suffix}) so it is found"
            )
        if path.suffix != ".yaml" or not path.is_file():
            continue
        specs.append(Spec(path.stem, path, _display(path), _cached_network(path)))
    return specs


# Each language is a separate build in the same process: a spec is read once for all of them,
# and again when the file, or the package (re-imported by hooks/reload.py), has changed.
_CACHE: dict[tuple[str, int, int, int], Any] = {}


def _cached_network(path: Path) -> Any:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, id(_convshare()))
    if key not in _CACHE:
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = load_network(path)
    return _CACHE[key]


# --- Rendering -------------------------------------------------------------------------------


#: placeholder -> (HTML to put in its place, its kind: "inline", "block" (it replaces its <p>)
#: or "late" (a block put in only when the page is written, by on_post_page))
_DEFERRED: dict[str, tuple[str, str]] = {}
_TOKEN_NAME = re.compile(r"CSSPECTEXT[0-9]{8}Z")
_TOKEN = re.compile(rf"(<p>)?({_TOKEN_NAME.pattern})(</p>)?")
_LATE = re.compile(rf"<!--CSLATE({_TOKEN_NAME.pattern})-->")


def _defer(html_: str, kind: str = "inline") -> str:
    """A placeholder that Markdown leaves alone; ``on_page_content`` puts ``html_`` there (for
    ``kind="late"``, an HTML comment that ``on_post_page`` replaces)."""
    token = f"CSSPECTEXT{len(_DEFERRED):08d}Z"
    _DEFERRED[token] = (html_, kind)
    return token


def _swap(html_: str) -> str:
    def put(m: re.Match[str]) -> str:
        found = _DEFERRED.get(m.group(2))
        if found is None:
            return m.group(0)
        text, kind = found
        if kind == "late":
            # The theme's search indexer and the other hooks read the page's content before it
            # is written; the per-layer table (kept out of search anyway) is put in afterwards.
            text = f"<!--CSLATE{m.group(2)}-->"
        if kind != "inline" and m.group(1) and m.group(3):
            return text
        return f"{m.group(1) or ''}{text}{m.group(3) or ''}"

    return _TOKEN.sub(put, html_)


def _swap_late(output: str) -> str:
    def put(m: re.Match[str]) -> str:
        found = _DEFERRED.get(m.group(1))
        return found[0] if found is not None and found[1] == "late" else m.group(0)

    return _LATE.sub(put, output)


def render_network(spec: Spec, lang: str) -> str:
    """The Markdown that replaces ``<!-- network: <file> -->`` on a page in ``lang``."""
    text = spec.path.read_text(encoding="utf-8")
    listing = (f"{SPEC_DIR}/{spec.path.name}", text)
    return str(_convshare().network_page(spec.result, lang, listing=listing, inert=_defer))


def render_overview(specs: list[Spec], lang: str) -> str:
    """The Markdown that replaces ``<!-- networks: overview -->``: tables and a figure.

    Networks are listed from the fewest parameters (with sharing) to the most.
    """
    entries = [(f"{s.stem}.md", s.result) for s in specs]
    return str(_convshare().overview_markdown(entries, lang, inert=_defer))


def render_comparison(specs: list[Spec], lang: str) -> str:
    """The same layers in several networks side by side: output shapes and parameters."""
    return str(_convshare().comparison_markdown([s.result for s in specs], lang))


def _replace_markers(markdown: str, replace: Any) -> str:
    """Apply ``replace(line) -> str | None`` to every line outside fenced code blocks."""

    def lines(text: str) -> str:
        return "\n".join(
            new if (new := replace(line)) is not None else line for line in text.split("\n")
        )

    return str(_convshare().map_outside_fences(markdown, lines))


# --- MkDocs events ---------------------------------------------------------------------------

_state: dict[str, Any] = {}


def _i18n(config: Any) -> Any:
    return config.plugins.get("i18n")


def _languages(config: Any) -> tuple[str, str, list[str]]:
    """(current language, default language, languages built)."""
    plugin = _i18n(config)
    if plugin is None or getattr(plugin, "current_language", None) is None:
        return DEFAULT_LANG, DEFAULT_LANG, [DEFAULT_LANG]
    return plugin.current_language, plugin.default_language, list(plugin.build_languages)


def _norm(src_uri: str) -> str:
    """A page's source path without its language suffix: a/b.en.md -> a/b.md."""
    for lang in LANGS:
        if src_uri.endswith(f".{lang}.md"):
            return src_uri[: -len(f".{lang}.md")] + ".md"
    return src_uri


def _page_file(config: Any, stem: str, lang: str, default: str, content: str) -> File:
    suffix = "" if lang == default else f".{lang}"
    # Not "in nav" for MkDocs' own check: on_nav below places the page itself.
    f = File.generated(
        config,
        f"{SPEC_DIR}/{stem}{suffix}.md",
        content=content,
        inclusion=InclusionLevel.NOT_IN_NAV,
    )
    base = File.generated(config, f"{SPEC_DIR}/{stem}.md", content="").dest_uri
    f.dest_uri = base if lang == default else f"{lang}/{base}"
    return f


@event_priority(100)
def on_config(config: Any, **kwargs: Any) -> None:
    _state.clear()
    _DEFERRED.clear()


@event_priority(-200)  # after mkdocs-static-i18n (-100) has chosen this language's files
def on_files(files: Files, config: Any, **kwargs: Any) -> Files:
    specs = discover(config.docs_dir)
    current, default, languages = _languages(config)
    _state["specs"] = {s.stem: s for s in specs}
    _state["lang"] = current
    generated: list[File] = []
    for spec in specs:
        uri = f"{SPEC_DIR}/{spec.stem}.md"
        mine = next(
            (f for f in files if f.is_documentation_page() and _norm(f.src_uri) == uri), None
        )
        if mine is None:
            title = _defer(_convshare().plain_html(spec.title(current)), "inline")
            content = f"# {title}\n\n<!-- network: {spec.path.name} -->\n"
            mine = _page_file(config, spec.stem, current, default, content)
            files.append(mine)
            generated.append(mine)
        # The language switcher: point every language at this network's page in that language.
        alternates = dict(getattr(mine, "alternates", {}) or {})
        for lang in languages:
            if lang not in alternates:
                alternates[lang] = (
                    mine if lang == current else _page_file(config, spec.stem, lang, default, "")
                )
        mine.alternates = alternates
        if not hasattr(mine, "locale"):
            mine.locale = current
            mine.locale_alternate_of = current
            mine.localization = None if current == default else current
            mine.norm_src_uri = uri
    plugin = _i18n(config)
    if plugin is not None and generated:
        # mkdocs-static-i18n lists each language's pages for its sitemap.
        listed = plugin.i18n_files_per_language.get(current)
        if isinstance(listed, list):
            listed.extend(generated)
    return files


def _walk(items: list[Any]) -> list[Any]:
    found = []
    for item in items:
        found.append(item)
        if isinstance(item, Section):
            found += _walk(item.children)
    return found


@event_priority(-200)  # after mkdocs-static-i18n has translated the titles
def on_nav(nav: Navigation, config: Any, files: Files, **kwargs: Any) -> Navigation:
    specs: dict[str, Spec] = _state.get("specs", {})
    everything = _walk(nav.items)
    index = next(
        (
            item
            for item in everything
            if isinstance(item, Page) and _norm(item.file.src_uri) == f"{SPEC_DIR}/index.md"
        ),
        None,
    )
    if index is None:
        return nav  # the overview is not in the navigation: leave it as written
    in_nav = {id(item) for item in everything}
    pages = []
    for stem in sorted(specs):
        file = next(
            (
                f
                for f in files
                if f.is_documentation_page() and _norm(f.src_uri) == f"{SPEC_DIR}/{stem}.md"
            ),
            None,
        )
        if file is not None and file.page is not None and id(file.page) not in in_nav:
            pages.append(file.page)
    if not pages:
        return nav
    parent = index.parent
    if isinstance(parent, Section) and parent.children and parent.children[0] is index:
        # A section that opens with the overview: the networks go right after it.
        section = parent
        section.children[1:1] = pages
    else:
        section = Section(title=index.title, children=[index, *pages])
        section.parent = parent
        siblings = parent.children if parent is not None else nav.items
        siblings[siblings.index(index)] = section
        index.parent = section
    for page in pages:
        page.parent = section
    nav.pages = [item for item in _walk(nav.items) if isinstance(item, Page)]
    for i, page in enumerate(nav.pages):
        page.previous_page = nav.pages[i - 1] if i else None
        page.next_page = nav.pages[i + 1] if i + 1 < len(nav.pages) else None
    return nav


def on_page_markdown(markdown: str, page: Any, config: Any, **kwargs: Any) -> str:
    src = page.file.src_uri
    if not src.startswith(f"{SPEC_DIR}/"):
        return markdown
    specs: dict[str, Spec] = _state.get("specs") or {s.stem: s for s in discover(config.docs_dir)}
    lang = page_language(src)
    seen: list[str] = []

    def lookup(name: str) -> Spec:
        stem = name.removesuffix(".yaml")
        if stem not in specs or not name.endswith(".yaml"):
            known = ", ".join(f"{s}.yaml" for s in sorted(specs)) or "none"
            raise _error(f"{src}: {name!r} is no spec in docs/{SPEC_DIR}/ (specs: {known})")
        return specs[stem]

    def replace(line: str) -> str | None:
        if _OVERVIEW_MARKER.match(line):
            return render_overview(list(specs.values()), lang)
        compare = _COMPARE_MARKER.match(line)
        if compare:
            return render_comparison([lookup(n) for n in compare.group("files").split()], lang)
        match = _NETWORK_MARKER.match(line)
        if not match:
            return None
        spec = lookup(match.group("file"))
        seen.append(spec.stem)
        return render_network(spec, lang)

    markdown = _replace_markers(markdown, replace)
    own = Path(_norm(src)).stem
    if own in specs and own not in seen:
        raise _error(
            f"{src} is the page of {SPEC_DIR}/{own}.yaml but does not contain "
            f"<!-- network: {own}.yaml -->, where the computed tables go"
        )
    return markdown


@event_priority(10)  # before hooks/cjk.py joins Chinese lines, so that spec text is joined too
def on_page_content(html_: str, page: Any, **kwargs: Any) -> str:
    """Put the spec texts' HTML where their placeholders are, and give spec pages their title.

    Material writes page.title through Jinja's striptags into <title>, which turns the
    heading's escaped "&lt;" back into "<": a title taken from a spec could then close <title>
    and open a script. page.title is HTML text (entities kept), so giving it as the page's meta
    title, which the theme writes as it is, keeps it escaped. A generated page's heading is a
    placeholder: its title is the placeholder's (escaped) text.
    """
    if page.file.src_uri.startswith(f"{SPEC_DIR}/") and page.title and "title" not in page.meta:
        found = _DEFERRED.get(page.title)
        page.meta["title"] = found[0] if found else page.title
    return _swap(html_)


@event_priority(100)  # first: the page as the theme wrote it
def on_post_page(output: str, page: Any, **kwargs: Any) -> str:
    """Put in the blocks deferred to the written page (the per-layer tables)."""
    if not page.file.src_uri.startswith(f"{SPEC_DIR}/"):
        return output
    return _swap_late(output)
