"""Architecture pages built from YAML specs: a new network is one file in ``docs/architectures/``.

Every ``docs/architectures/<name>.yaml`` is a spec (the format is ``convshare``'s, documented on
the "Add an architecture" page). For each spec this hook

* gives it a page in every language: a hand-written ``<name>.md`` / ``<name>.en.md`` if there is
  one (it must contain the marker ``<!-- network: <name>.yaml -->``), otherwise a page generated
  from the spec's own title, summary and conventions;
* replaces the marker with the computed page body: summary, conventions, totals, the sharing
  ratio, a step-by-step derivation of the first convolutional layer, a figure, the per-layer
  table (folded away when long) and the spec itself;
* lists the network on the overview page, where ``<!-- networks: overview -->`` stands
  (and ``<!-- networks: compare a.yaml b.yaml -->`` sets networks side by side, layer by layer);
* adds the page to the navigation, right after ``architectures/index.md`` (in the section that
  opens with it, or in a section made around it).

A spec that cannot be read, or whose totals contradict its ``published`` figures, stops the
build with a ``PluginError`` naming the file, the layer and the problem, before any page is
rendered.

Spec text is data, never markup: the generated Markdown holds a placeholder for every text a
spec supplies (title, summary, conventions, sources, the listing of the file), and
``on_page_content`` swaps in the HTML that ``convshare`` renders from it, escaped, after Markdown
has run. No Markdown extension, code block runner or inline-figure expression ever reads it.
Layer and network names in tables are made inert by ``convshare.markdown_text``.
"""

from __future__ import annotations

import html
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
#: Above this many table rows, the per-layer table is folded into a collapsible block.
LONG_TABLE = 40

_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "source": "来源",
        "conventions": "计数约定",
        "input": "输入：{shape}（{c} 个通道，高 {h}，宽 {w}）。",
        "totals": "合计",
        "ratio": "不共享时（把每个滑动的层换成局部连接层），参数是共享时的 **{ratio}**。",
        "published": "已发表的{what}是 {value}（{source}），与上表算出的一致。",
        "params": "参数总数",
        "connections": "连接数",
        "first": "第一个卷积层，一步一步",
        "first_intro": "按原文的步骤计算第一个卷积层 `{name}`"
        "（输入 {shape}，{k} 个 {kh}×{kw} 的滤波器，步幅 {s}）：",
        "figure": "每层的参数",
        "figure_intro": "每个含参数的卷积层、下采样层和全连接层各画两根横条，横轴是对数刻度。",
        "table": "逐层表格",
        "table_note": "表中省略了没有参数、不改变形状的层（激活函数、dropout、LRN）。",
        "bn_note": "批归一化层保留：它的参数按通道计，共享与否都一样。",
        "by_type": "按层的类型汇总",
        "full_table": "完整的逐层表格（{n} 行）",
        "type": "类型",
        "count": "层数",
        "with": "共享时的参数量",
        "without": "不共享时的参数量",
        "macs": "MAC",
        "all": "合计",
        "spec": "规格文件 {file}",
        "layer": "层",
        "output": "{name}：输出",
        "params_of": "{name}：共享时的参数量",
        "missing": "—",
        "compare": "逐层对比",
    },
    "en": {
        "source": "Source",
        "conventions": "What is counted",
        "input": "Input: {shape} ({c} channels, height {h}, width {w}).",
        "totals": "Totals",
        "ratio": "Without sharing (every sliding layer replaced by a locally connected one), the "
        "network would have **{ratio}** the parameters it has with sharing.",
        "published": "The published {what} is {value} ({source}), the same as computed above.",
        "params": "parameter count",
        "connections": "connection count",
        "first": "The first convolutional layer, step by step",
        "first_intro": "The article's steps for the first convolutional layer, `{name}` "
        "(input {shape}, {k} filters of {kh}×{kw}, stride {s}):",
        "figure": "Parameters per layer",
        "figure_intro": "Two bars for each convolutional, subsampling and fully connected layer "
        "with parameters, on a logarithmic axis.",
        "table": "Layer by layer",
        "table_note": "Layers with no parameters that keep the shape (activations, dropout, LRN) "
        "are left out.",
        "bn_note": "Batch normalisation is kept: its parameters are per channel, the same with "
        "or without sharing.",
        "by_type": "Summary by layer type",
        "full_table": "The full layer-by-layer table ({n} rows)",
        "type": "Type",
        "count": "Layers",
        "with": "Params with sharing",
        "without": "Params without sharing",
        "macs": "MACs",
        "all": "Total",
        "spec": "The spec file {file}",
        "layer": "Layer",
        "output": "{name}: output",
        "params_of": "{name}: params with sharing",
        "missing": "—",
        "compare": "Layer-by-layer comparison",
    },
}


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
    if isinstance(value, dict):
        chosen = value.get(lang) or value.get(DEFAULT_LANG) or next(iter(value.values()), "")
        return str(chosen).strip()
    if value is None:
        return ""
    return str(value).strip()


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


#: placeholder -> (HTML to put in its place, whether it is a block that replaces its <p>)
_DEFERRED: dict[str, tuple[str, bool]] = {}
_TOKEN = re.compile(r"(<p>)?(CSSPECTEXT[0-9]{8}Z)(</p>)?")


def _defer(html_: str, *, block: bool = False) -> str:
    """A placeholder that Markdown leaves alone; ``on_page_content`` puts ``html_`` there."""
    token = f"CSSPECTEXT{len(_DEFERRED):08d}Z"
    _DEFERRED[token] = (html_, block)
    return token


def _spec_text(text: str) -> str:
    """Spec text (the documented subset of Markdown) as a placeholder for its HTML."""
    return _defer(_convshare().inline_html(text))


def _swap(html_: str) -> str:
    def put(m: re.Match[str]) -> str:
        found = _DEFERRED.get(m.group(2))
        if found is None:
            return m.group(0)
        text, block = found
        if block and m.group(1) and m.group(3):
            return text
        return f"{m.group(1) or ''}{text}{m.group(3) or ''}"

    return _TOKEN.sub(put, html_)


def _indent(text: str, spaces: int = 4) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


def _scroll(table: str, label: str) -> str:
    """A wide table inside a labelled region that scrolls sideways and takes keyboard focus.

    (Material scrolls wide tables in a wrapper that a keyboard cannot reach; the site's
    architectures.css lets this region do the scrolling instead.) The tables stay out of the
    search index: rows of layer names and counts would make it several times larger, and every
    page downloads it.
    """
    return (
        f'<div class="cs-scroll" tabindex="0" role="region" aria-label="{html.escape(label)}" '
        f"data-search-exclude markdown>\n\n{table.rstrip()}\n\n</div>\n"
    )


def _figure(svg: str, label: str) -> str:
    """A chart at its own size (its text never under 11 CSS px), in a labelled region that
    scrolls sideways when the column is narrower (a phone)."""
    return (
        f'<div class="cs-network-figure" tabindex="0" role="region" '
        f'aria-label="{html.escape(label)}">{svg}</div>\n'
    )


def _type_summary(result: Any, lang: str) -> str:
    cs = _convshare()
    t = _TEXT[lang]
    order: list[str] = []
    agg: dict[str, list[int]] = {}
    for row in result.rows:
        if row.branch == "add" or not (row.params or row.macs):
            continue
        if row.type not in agg:
            order.append(row.type)
            agg[row.type] = [0, 0, 0, 0]
        a = agg[row.type]
        a[0] += 1
        a[1] += row.params
        a[2] += row.params_unshared
        a[3] += row.macs
    lines = [
        f"| {t['type']} | {t['count']} | {t['with']} | {t['without']} | {t['macs']} |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind in order:
        n, p, u, m = agg[kind]
        lines.append(
            f"| {kind} | {n} | {cs.fmt(p, lang)} | {cs.fmt(u, lang)} | {cs.fmt(m, lang)} |"
        )
    lines.append(
        f"| **{t['all']}** | {sum(a[0] for a in agg.values())} | "
        f"**{cs.fmt(result.params, lang)}** | **{cs.fmt(result.params_unshared, lang)}** | "
        f"**{cs.fmt(result.macs, lang)}** |"
    )
    return "\n".join(lines) + "\n"


def _first_layer(result: Any, lang: str) -> str:
    cs = _convshare()
    t = _TEXT[lang]
    row = result.first_conv()
    # A partial connection table (LeNet-5's C3) is not a plain convolution: no derivation.
    if row is None or row.conv is None or row.params != row.conv.params_shared:
        return ""
    r = row.conv
    intro = t["first_intro"].format(
        name=row.name.replace("`", "'"),
        shape=cs.shape((*r.input_size, r.in_channels)),
        k=r.out_channels,
        kh=r.kernel_size[0],
        kw=r.kernel_size[1],
        s=r.stride[0] if r.stride[0] == r.stride[1] else f"{r.stride[0]}×{r.stride[1]}",
    )
    return f"## {t['first']}\n\n{intro}\n\n{cs.derivation(r, lang)}\n"


def render_network(spec: Spec, lang: str) -> str:
    """The Markdown that replaces ``<!-- network: <file> -->`` on a page in ``lang``."""
    cs = _convshare()
    t = _TEXT[lang]
    result = spec.result
    meta = result.network.meta
    out: list[str] = []
    summary = _text(meta.get("summary"), lang)
    if summary:
        out.append(_spec_text(summary) + "\n")
    source = _text(meta.get("source"), lang)
    if source:
        colon = "：" if lang == "zh" else ": "
        out.append(f"**{t['source']}**{colon}{_spec_text(source)}\n")
    c, h, w = result.network.input_shape
    conventions = _text(meta.get("conventions"), lang)
    body = "\n\n".join(
        x
        for x in (
            _spec_text(conventions) if conventions else "",
            *cs.construct_notes(result, lang),
            t["input"].format(shape=cs.shape((h, w, c)), c=c, h=h, w=w),
        )
        if x
    )
    out.append(f'!!! note "{t["conventions"]}"\n\n{_indent(body)}\n')

    out.append(f"## {t['totals']}\n")
    out.append(cs.network_totals(result, lang))
    out.append(t["ratio"].format(ratio=cs.ratio(result.sharing_ratio, lang)) + "\n")
    published = meta.get("published") or {}
    for key in ("params", "connections"):
        if key in published:
            out.append(
                t["published"].format(
                    what=t[key],
                    value=cs.fmt(published[key], lang),
                    source=_spec_text(_text(published.get("source"), lang)),
                )
                + "\n"
            )

    first = _first_layer(result, lang)
    if first:
        out.append(first)

    out.append(f"## {t['figure']}\n")
    out.append(t["figure_intro"] + "\n")
    out.append(_figure(cs.network_figure(result, lang), t["figure"]))

    out.append(f"## {t['table']}\n")
    table = cs.network_table(result, lang)
    rows = table.count("\n") - 2
    note = t["table_note"]
    if any(row.type == "batchnorm" for row in result.rows):
        note += ("" if lang == "zh" else " ") + t["bn_note"]
    out.append(note + "\n")
    if rows > LONG_TABLE:
        out.append(f"### {t['by_type']}\n")
        out.append(_type_summary(result, lang))
        # Raw <details> (styled as Material's "info" block): md_in_html leaves its "markdown"
        # attribute on a <div> nested in a pymdownx.details block, which is invalid HTML.
        summary_text = html.escape(t["full_table"].format(n=rows))
        out.append(
            f'<details class="info" markdown>\n<summary>{summary_text}</summary>\n\n'
            f"{_scroll(table, t['table'])}\n</details>\n"
        )
    else:
        out.append(_scroll(table, t["table"]))

    text = spec.path.read_text(encoding="utf-8")
    name = f"{SPEC_DIR}/{spec.path.name}"
    listing = cs.listing_html(text, html.escape(t["spec"].format(file=name)))
    out.append(_defer(listing, block=True) + "\n")
    return "\n".join(out)


def render_overview(specs: list[Spec], lang: str) -> str:
    """The Markdown that replaces ``<!-- networks: overview -->``: tables and a figure.

    Networks are listed from the fewest parameters (with sharing) to the most.
    """
    cs = _convshare()
    ordered = sorted(specs, key=lambda s: (s.result.params, s.stem))
    # The short names, as in the figure; each links to the network's page (its full title).
    entries = [(cs.network_name(s.result.network, lang), f"{s.stem}.md", s.result) for s in ordered]
    heads = {
        "zh": ("第一个卷积层", "整个网络", "参数总数对比"),
        "en": ("The first convolutional layer", "The whole network", "Totals compared"),
    }[lang]
    figure = cs.overview_figure(
        [(cs.network_name(s.result.network, lang), s.result) for s in ordered], lang
    )
    return "\n".join(
        [
            f"## {heads[0]}\n",
            _scroll(cs.overview_table(entries, lang, first=True), heads[0]),
            f"## {heads[1]}\n",
            _scroll(cs.overview_table(entries, lang, first=False), heads[1]),
            f"## {heads[2]}\n",
            _figure(figure, heads[2]),
        ]
    )


def _cell(text: str) -> str:
    return str(_convshare().markdown_text(text))


def render_comparison(specs: list[Spec], lang: str) -> str:
    """The same layers in several networks side by side: output shapes and parameters.

    Rows follow the first network; a layer is matched by name in the others. Rows that change
    nothing (activations, dropout, a pooling that keeps the size) are left out.
    """
    cs = _convshare()
    t = _TEXT[lang]
    header = [t["layer"]]
    for spec in specs:
        name = _cell(_convshare().network_name(spec.result.network, lang))
        header += [t["output"].format(name=name), t["params_of"].format(name=name)]
    lines = [
        "| " + " | ".join(header) + " |",
        "| --- |" + " ---: | ---: |" * len(specs),
    ]
    by_name = [{row.name: row for row in spec.result.rows} for spec in specs]
    for row in specs[0].result.rows:
        if row.params == 0 and row.in_shape == row.out_shape:
            continue
        cells = [_cell(row.name)]
        for rows in by_name:
            other = rows.get(row.name)
            if other is None:
                cells += [t["missing"], t["missing"]]
            else:
                cells += [cs.tensor_shape(other.out_shape), cs.fmt(other.params, lang)]
        lines.append("| " + " | ".join(cells) + " |")
    total = [f"**{t['all']}**"]
    for spec in specs:
        total += ["", f"**{cs.fmt(spec.result.params, lang)}**"]
    lines.append("| " + " | ".join(total) + " |")
    return _scroll("\n".join(lines) + "\n", t["compare"])


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
            title = _defer(_convshare().plain_html(spec.title(current)))
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
