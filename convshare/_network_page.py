"""Architecture pages: the body of a network's page, the overview and comparisons, in Markdown.

The site's hook (``hooks/architectures.py``) finds the specs and places the pages; everything a
reader sees on them is made here, in Chinese (``"zh"``) or English (``"en"``).

Spec text (title, summary, conventions, sources, the file's listing, layer names in the
per-layer table) must never be read by Markdown or its extensions. Every function here that
puts such text on a page hands its HTML to ``inert(html, kind)``, which returns what the
Markdown holds in its place: the site returns a placeholder and swaps the HTML in after
Markdown has run; the default (:func:`as_is`) returns the HTML itself, for a reader of the
Markdown. ``kind`` is ``"inline"`` for text inside a paragraph, ``"block"`` for HTML that stands
as a block of its own (it replaces the paragraph its placeholder ends up in), and ``"late"`` for
a block that nothing but the reader needs (the per-layer table, kept out of search): the site
puts it in only when the page is written, so no later step (search indexing) reads it.

Repeated blocks are grouped: each ``use`` of a block in the spec's top-level ``layers``
(``repeat`` included) is one row of the per-layer table, with its parameters summed, and it
unfolds to the layers of its instances (:func:`layer_groups`, :func:`layers_html`).

>>> from convshare._spec import parse_spec, check_spec
>>> net = check_spec(parse_spec({"name": "t", "input": [1, 8, 8],
...     "blocks": {"cr": {"args": ["name"], "layers": [
...         {"type": "conv", "name": "$name.conv", "out_channels": 2, "kernel_size": 3,
...          "padding": 1},
...         {"type": "relu", "name": "$name.relu"}]}},
...     "layers": [{"use": "cr", "name": "s$i", "repeat": 3},
...                {"type": "flatten", "name": "f"}, {"type": "linear", "name": "fc",
...                 "out_features": 2}]}))
>>> [(g.label, g.count, g.params) for g in layer_groups(net)]
[('s0–2', 3, 96), ('f', 1, 0), ('fc', 1, 258)]
>>> sum(g.params for g in layer_groups(net)) == net.params
True
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ._network import ACTIVATIONS, LayerResult, NetworkResult, Totals
from ._pages import listing_html, markdown_text, plain_html
from ._render import (
    _BRANCH,
    _CONNECTIONS,
    _NET_COLUMNS,
    _WHOLE_INPUT,
    _lang,
    _pair,
    _publishes_connections,
    construct_notes,
    derivation,
    fmt,
    network_name,
    network_totals,
    overview_table,
    ratio,
    shape,
    tensor_shape,
)

__all__ = [
    "LONG_TABLE",
    "LayerGroup",
    "as_is",
    "comparison_markdown",
    "first_layer_markdown",
    "layer_groups",
    "layers_html",
    "network_page",
    "overview_markdown",
    "scroll_region",
    "spec_text",
    "type_summary",
]

#: Above this many rows, the per-layer table is folded into a collapsible block.
LONG_TABLE = 40

Inert = Callable[[str, str], str]


def as_is(html_: str, kind: str = "inline") -> str:
    """The default ``inert``: the HTML itself, whatever its kind.

    >>> as_is("<b>x</b>", "block")
    '<b>x</b>'
    """
    return html_


TEXT: dict[str, dict[str, str]] = {
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
        "figure_intro": "含参数的层各画两根横条，横轴是对数刻度。",
        "figure_blocks": "重复使用的块（例如一个阶段里的几个残差块）合成一组，画一对横条，"
        "是这一组所有层的参数之和；把鼠标停在横条上可看到组里有什么，下表可以展开每一组。",
        "table": "逐层表格",
        "table_note": "表中省略了没有参数、不改变形状的层（激活函数、dropout、LRN）。",
        "bn_note": "批归一化层保留：它的参数按通道计，共享与否都一样。",
        "group_note": "规格文件里重复使用的块合成一行：参数量和 MAC 是组内各层之和，"
        "输出和感受野是组里最后一层的。点击行首的名称可展开组内的各层。",
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
        "block": "{block}（块）×{n}",
        "overview": "第一个卷积层|整个网络|参数总数对比",
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
        "figure_intro": "Two bars for each layer with parameters, on a logarithmic axis.",
        "figure_blocks": "The uses of a repeated block (such as the residual blocks of a stage) "
        "make one group with one pair of bars, the sum over all its layers; hover over a bar to "
        "see what the group holds, and unfold each group in the table below.",
        "table": "Layer by layer",
        "table_note": "Layers with no parameters that keep the shape (activations, dropout, LRN) "
        "are left out.",
        "bn_note": "Batch normalisation is kept: its parameters are per channel, the same with "
        "or without sharing.",
        "group_note": "The uses of a repeated block of the spec make one row: its parameters and "
        "MACs are the sums over its layers, its output and receptive field its last layer's. "
        "Select the name at the start of the row to unfold its layers.",
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
        "block": "{block} (block) ×{n}",
        "overview": "The first convolutional layer|The whole network|Totals compared",
    },
}


# --- Grouping repeated blocks ----------------------------------------------------------------


@dataclass(frozen=True)
class LayerGroup(Totals):
    """One entry of a network's page: a single top-level layer, or every instance of a block
    used in the spec's top-level ``layers`` (``block`` names it)."""

    label: str
    """The layer's name, or the range of the instances' names (``layer1.1–2``)."""
    block: str | None
    instances: tuple[tuple[LayerResult, ...], ...]
    """The rows of each instance (one instance for a single layer)."""
    in_shape: tuple[int, ...]
    prefix: str = ""
    """What every instance's name starts with, up to a dot (left out of the unfolded rows)."""

    @property
    def rows(self) -> tuple[LayerResult, ...]:
        """Every row of the group, instance after instance."""
        return tuple(r for rows in self.instances for r in rows)

    @property
    def count(self) -> int:
        """How many instances (1 for a single layer)."""
        return len(self.instances)

    @property
    def last(self) -> LayerResult:
        """The group's last row: its output."""
        return self.instances[-1][-1]


def _range_label(names: Sequence[str]) -> tuple[str, str]:
    """A range of names and their common prefix up to a dot.

    >>> _range_label(["layer1.1", "layer1.2"])
    ('layer1.1–2', 'layer1.')
    >>> _range_label(["features.1", "features.12"]), _range_label(["a.b", "a.c"])
    (('features.1–12', 'features.'), ('a.b–a.c', 'a.'))
    """
    first, last = names[0], names[-1]
    dot = first.rfind(".", 0, len(_common(names)) + 1) + 1
    if len(names) == 1:
        return first, first[:dot]
    common = _common([first, last])
    while common and common[-1].isdigit():
        common = common[:-1]
    tail = last[len(common) :]
    if tail.isdigit() and first[len(common) :].isdigit():
        return f"{first}–{tail}", first[:dot]
    return f"{first}–{last}", first[:dot]


def _common(names: Sequence[str]) -> str:
    first = names[0]
    n = len(first)
    for name in names[1:]:
        n = min(n, len(name))
        for i in range(n):
            if name[i] != first[i]:
                n = i
                break
    return first[:n]


def layer_groups(result: NetworkResult) -> tuple[LayerGroup, ...]:
    """The network's top-level layers, each ``use`` of a block (all its repeats) as one group.

    Every row belongs to exactly one group, in order; a network analysed without knowing its
    layers' rows (``spans`` empty) gives one group per row.
    """
    spans = result.spans
    rows = result.rows
    if len(spans) != len(result.network.layers) or sum(spans) != len(rows):
        shapes = [result.network.input_shape, *(r.out_shape for r in rows)]
        return tuple(
            LayerGroup(r.name, None, ((r,),), tuple(shapes[i])) for i, r in enumerate(rows)
        )
    starts = [0]
    for n in spans:
        starts.append(starts[-1] + n)
    by_start = {u.start: u for u in result.network.uses}
    groups: list[LayerGroup] = []
    shape_in: tuple[int, ...] = result.network.input_shape
    i = 0
    while i < len(spans):
        use = by_start.get(i)
        if use is not None and use.size * use.count + i <= len(spans):
            instances = tuple(
                rows[starts[i + k * use.size] : starts[i + (k + 1) * use.size]]
                for k in range(use.count)
            )
            label, prefix = _range_label(use.names)
            group = LayerGroup(label, use.block, instances, shape_in, prefix)
            i += use.size * use.count
        else:
            own = rows[starts[i] : starts[i + 1]]
            group = LayerGroup(result.network.layers[i].name, None, (own,), shape_in)
            i += 1
        if group.rows:
            groups.append(group)
            shape_in = group.last.out_shape
    return tuple(groups)


# --- The per-layer table ---------------------------------------------------------------------


def _hidden(row: LayerResult) -> bool:
    return row.type in ACTIVATIONS


def _kind(row: LayerResult, lang: str) -> str:
    kind = row.type
    if row.branch:
        branch = _BRANCH[lang][row.branch]
        kind = f"{kind}（{branch}）" if lang == "zh" else f"{kind} ({branch})"
    return kind


def _rf(row: LayerResult, lang: str) -> str:
    if row.receptive_field is None:
        return _WHOLE_INPUT[lang]
    return _pair(row.receptive_field)


def _cells(
    name: str,
    kind: str,
    in_shape: Sequence[int],
    last: LayerResult,
    counts: Sequence[int],
    lang: str,
) -> str:
    """One body row. End tags of cells and rows are left out (HTML closes them itself): on
    DenseNet-121's 300 rows they would add about 15 KB to the page. (A parser that expects
    every end tag, as the theme's search indexer, must not read the table: the site puts it
    into the page late, see ``inert``.)"""
    e = plain_html
    numbers = "".join(f"<td>{fmt(n, lang)}" for n in counts)
    return (
        f"<tr><td>{name}<td>{e(kind)}<td>{tensor_shape(in_shape)}"
        f"<td>{tensor_shape(last.out_shape)}<td>{fmt(last.neurons, lang)}"
        f"{numbers}<td>{e(_rf(last, lang))}"
    )


def layers_html(result: NetworkResult, lang: str = "en", *, label: str = "") -> str:
    """The per-layer table as HTML, each group of a repeated block one row that unfolds.

    A group is a ``<tbody class="cs-group">`` whose first row holds a ``<details>`` with the
    group's name; its other rows (the instances' layers) show while it is open (the site's
    CSS: ``.cs-group:has(details[open])``). Activations are left out, as in
    :func:`convshare.network_table`. Numeric columns are the 5th on; the name column is
    escaped spec text.

    >>> from convshare._spec import parse_spec, check_spec
    >>> net = check_spec(parse_spec({"name": "t", "input": [1, 8, 8],
    ...     "blocks": {"c": {"args": ["name"], "layers": [
    ...         {"type": "conv", "name": "$name.conv", "out_channels": 2, "kernel_size": 1}]}},
    ...     "layers": [{"use": "c", "name": "s$i", "repeat": 2},
    ...                {"type": "conv", "name": "top", "out_channels": 1, "kernel_size": 1}]}))
    >>> table = layers_html(net, "en")
    >>> table.count("<tr>"), "<summary>s0–1</summary>" in table, "<td>conv<td>" in table
    (5, True, True)
    >>> "<tr><tr>" in table, "</tr><tr>" in table, "<tbody><tr><td>top<td>" in table
    (False, False, True)
    >>> "<td>c (block) ×2<td>" in table, "<td>s1.conv<td>" in table
    (True, True)
    """
    lang = _lang(lang)
    t = TEXT[lang]
    connections = _publishes_connections(result)
    header = list(_NET_COLUMNS[lang])
    if connections:
        header.insert(7, _CONNECTIONS[lang])

    def counts(x: LayerResult | LayerGroup) -> list[int]:
        return [x.params, x.params_unshared, *([x.connections] if connections else []), x.macs]

    e = plain_html
    out = [f"<table><thead><tr>{''.join(f'<th>{e(h)}</th>' for h in header)}</tr></thead>"]
    plain: list[str] = []

    def flush() -> None:
        if plain:
            out.append("<tbody>" + "".join(plain) + "</tbody>")
            plain.clear()

    for group in layer_groups(result):
        if group.block is None:
            for row in group.rows:
                if not _hidden(row):
                    cells = _cells(
                        e(row.name), _kind(row, lang), row.in_shape, row, counts(row), lang
                    )
                    plain.append(cells)
            continue
        flush()
        summary = f"<details><summary>{e(group.label)}</summary></details>"
        kind = t["block"].format(block=group.block, n=group.count)
        head = _cells(summary, kind, group.in_shape, group.last, counts(group), lang)
        body = []
        for row in group.rows:
            if _hidden(row):
                continue
            name = row.name.removeprefix(group.prefix) if group.count > 1 else row.name
            body.append(_cells(e(name), _kind(row, lang), row.in_shape, row, counts(row), lang))
        out.append(f'<tbody class="cs-group">{head}{"".join(body)}</tbody>')
    flush()
    out.append("</table>")
    table = "".join(out)
    return scroll_region(table, label or t["table"], "cs-layers")


def scroll_region(content: str, label: str, kind: str = "") -> str:
    """HTML ``content`` (a wide table) in a labelled region that scrolls sideways and takes
    keyboard focus; kept out of the search index (rows of names and counts would make the
    index, which every page downloads, several times larger).

    >>> scroll_region("<table></table>", "A & B")
    '<div class="cs-scroll" tabindex="0" role="region" aria-label="A &amp; B" \
data-search-exclude><table></table></div>'
    """
    classes = f"cs-scroll {kind}".strip()
    return (
        f'<div class="{classes}" tabindex="0" role="region" aria-label="{plain_html(label)}" '
        f"data-search-exclude>{content}</div>"
    )


def _markdown_scroll(table: str, label: str) -> str:
    """A Markdown table inside a :func:`scroll_region` (Markdown inside, via md_in_html)."""
    return (
        f'<div class="cs-scroll" tabindex="0" role="region" aria-label="{html.escape(label)}" '
        f"data-search-exclude markdown>\n\n{table.rstrip()}\n\n</div>\n"
    )


def _figure(svg: str, label: str) -> str:
    """A chart at its own size (its text never under 11 CSS px), in a labelled region that
    scrolls sideways when the column is narrower (a phone); out of the search index (its labels
    and counts are the table's)."""
    return (
        f'<div class="cs-network-figure" tabindex="0" role="region" '
        f'aria-label="{html.escape(label)}" data-search-exclude>{svg}</div>'
    )


def type_summary(result: NetworkResult, lang: str = "en") -> str:
    """A Markdown table: layers, parameters and MACs per layer type, with the totals.

    >>> from convshare._spec import parse_spec, check_spec
    >>> net = check_spec(parse_spec({"name": "t", "input": [1, 8, 8], "layers": [
    ...     {"type": "conv", "name": "a", "out_channels": 2, "kernel_size": 3},
    ...     {"type": "conv", "name": "b", "out_channels": 2, "kernel_size": 3}]}))
    >>> print(type_summary(net, "en").splitlines()[2])
    | conv | 2 | 58 | 1,328 | 1,224 |
    """
    lang = _lang(lang)
    t = TEXT[lang]
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
        lines.append(f"| {kind} | {n} | {fmt(p, lang)} | {fmt(u, lang)} | {fmt(m, lang)} |")
    lines.append(
        f"| **{t['all']}** | {sum(a[0] for a in agg.values())} | "
        f"**{fmt(result.params, lang)}** | **{fmt(result.params_unshared, lang)}** | "
        f"**{fmt(result.macs, lang)}** |"
    )
    return "\n".join(lines) + "\n"


def first_layer_markdown(result: NetworkResult, lang: str = "en") -> str:
    """The first convolutional layer, step by step (a heading, a sentence, the derivation);
    empty when there is none, or when it is not a plain convolution (a partial connection
    table, as LeNet-5's C3).

    >>> from convshare._spec import parse_spec, check_spec
    >>> net = check_spec(parse_spec({"name": "t", "input": [1, 8, 8], "layers": [
    ...     {"type": "conv", "name": "c`1", "out_channels": 2, "kernel_size": 3}]}))
    >>> print(first_layer_markdown(net, "en").splitlines()[2])
    The article's steps for the first convolutional layer, `c'1` (input 8×8×1, 2 filters of \
3×3, stride 1):
    """
    lang = _lang(lang)
    t = TEXT[lang]
    row = result.first_conv()
    if row is None or row.conv is None or row.params != row.conv.params_shared:
        return ""
    r = row.conv
    intro = t["first_intro"].format(
        name=row.name.replace("`", "'"),
        shape=shape((*r.input_size, r.in_channels)),
        k=r.out_channels,
        kh=r.kernel_size[0],
        kw=r.kernel_size[1],
        s=r.stride[0] if r.stride[0] == r.stride[1] else f"{r.stride[0]}×{r.stride[1]}",
    )
    return f"## {t['first']}\n\n{intro}\n\n{derivation(r, lang)}\n"


def spec_text(value: object, lang: str, default: str = "zh") -> str:
    """A spec text field: plain text, or ``{zh: ..., en: ...}`` read in ``lang``.

    >>> spec_text({"zh": "甲", "en": "A"}, "en"), spec_text({"zh": "甲"}, "en")
    ('A', '甲')
    """
    if isinstance(value, dict):
        chosen = value.get(lang) or value.get(default) or next(iter(value.values()), "")
        return str(chosen).strip()
    if value is None:
        return ""
    return str(value).strip()


def _indent(text: str, spaces: int = 4) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


def network_page(
    result: NetworkResult,
    lang: str = "en",
    *,
    listing: tuple[str, str] | None = None,
    inert: Inert = as_is,
) -> str:
    """The Markdown body of a network's page: summary, source, conventions, totals, the
    published figures, the first layer step by step, the figure, the per-layer table (repeated
    blocks grouped) and the spec file (``listing``: its name and its text), folded.

    >>> from convshare._spec import parse_spec, check_spec
    >>> net = check_spec(parse_spec({"name": "t", "input": [1, 8, 8],
    ...     "summary": {"zh": "*小*。", "en": "*Small*."},
    ...     "layers": [{"type": "conv", "name": "c1", "out_channels": 2, "kernel_size": 3}]}))
    >>> page = network_page(net, "en", listing=("t.yaml", "name: t"))
    >>> page.splitlines()[0], "## Totals" in page, "<summary>The spec file t.yaml" in page
    ('<em>Small</em>.', True, True)
    """
    from ._figures import network_figure

    lang = _lang(lang)
    t = TEXT[lang]
    meta = result.network.meta

    def text(value: object) -> str:
        return inert(_inline(spec_text(value, lang)), "inline")

    out: list[str] = []
    if spec_text(meta.get("summary"), lang):
        out.append(text(meta.get("summary")) + "\n")
    if spec_text(meta.get("source"), lang):
        colon = "：" if lang == "zh" else ": "
        out.append(f"**{t['source']}**{colon}{text(meta.get('source'))}\n")
    c, h, w = result.network.input_shape
    body = "\n\n".join(
        x
        for x in (
            text(meta.get("conventions")) if spec_text(meta.get("conventions"), lang) else "",
            *construct_notes(result, lang),
            t["input"].format(shape=shape((h, w, c)), c=c, h=h, w=w),
        )
        if x
    )
    out.append(f'!!! note "{t["conventions"]}"\n\n{_indent(body)}\n')

    out.append(f"## {t['totals']}\n")
    out.append(network_totals(result, lang))
    out.append(t["ratio"].format(ratio=ratio(result.sharing_ratio, lang)) + "\n")
    published = meta.get("published") or {}
    assert isinstance(published, dict)
    for key in ("params", "connections"):
        if key in published:
            out.append(
                t["published"].format(
                    what=t[key],
                    value=fmt(published[key], lang),
                    source=text(published.get("source")),
                )
                + "\n"
            )

    first = first_layer_markdown(result, lang)
    if first:
        out.append(first)

    groups = layer_groups(result)
    grouped = any(g.block for g in groups)
    out.append(f"## {t['figure']}\n")
    intro = t["figure_intro"] + (
        ("" if lang == "zh" else " ") + t["figure_blocks"] if grouped else ""
    )
    out.append(intro + "\n")
    out.append(inert(_figure(network_figure(result, lang), t["figure"]), "block") + "\n")

    out.append(f"## {t['table']}\n")
    note = t["table_note"]
    if any(row.type == "batchnorm" for row in result.rows):
        note += ("" if lang == "zh" else " ") + t["bn_note"]
    if grouped:
        note += ("" if lang == "zh" else " ") + t["group_note"]
    out.append(note + "\n")
    shown = sum(1 for row in result.rows if not _hidden(row))
    table = inert(layers_html(result, lang), "late") + "\n"
    if shown > LONG_TABLE:
        out.append(f"### {t['by_type']}\n")
        out.append(type_summary(result, lang))
    shown_top = sum(1 if g.block else sum(1 for r in g.rows if not _hidden(r)) for g in groups)
    if shown_top > LONG_TABLE:
        # Raw <details> (styled as Material's "info" block): md_in_html leaves its "markdown"
        # attribute on a <div> nested in a pymdownx.details block, which is invalid HTML.
        summary = html.escape(t["full_table"].format(n=shown))
        out.append(
            f'<details class="info" markdown>\n<summary>{summary}</summary>\n\n{table}\n'
            "</details>\n"
        )
    else:
        out.append(table)

    if listing is not None:
        file, source = listing
        folded = listing_html(source, plain_html(t["spec"].format(file=file)))
        out.append(inert(folded, "block") + "\n")
    return "\n".join(out)


def _inline(text: str) -> str:
    from ._pages import inline_html

    return inline_html(text)


def overview_markdown(
    entries: Sequence[tuple[str, NetworkResult]], lang: str = "en", *, inert: Inert = as_is
) -> str:
    """The overview of several networks (``(page address, result)`` pairs): their first
    layers, their totals, and a figure, from the fewest parameters (with sharing) to the most.

    >>> from convshare._spec import parse_spec, check_spec
    >>> net = check_spec(parse_spec({"name": "t", "input": [1, 8, 8], "layers": [
    ...     {"type": "conv", "name": "c1", "out_channels": 2, "kernel_size": 3}]}))
    >>> [line for line in overview_markdown([("t.md", net)], "en").splitlines()
    ...  if line.startswith("## ")]
    ['## The first convolutional layer', '## The whole network', '## Totals compared']
    """
    from ._figures import overview_figure

    lang = _lang(lang)
    heads = TEXT[lang]["overview"].split("|")
    ordered = sorted(entries, key=lambda e: (e[1].params, e[0]))
    named = [(network_name(r.network, lang), href, r) for href, r in ordered]
    figure = overview_figure([(name, r) for name, _, r in named], lang)
    return "\n".join(
        [
            f"## {heads[0]}\n",
            _markdown_scroll(overview_table(named, lang, first=True), heads[0]),
            f"## {heads[1]}\n",
            _markdown_scroll(overview_table(named, lang, first=False), heads[1]),
            f"## {heads[2]}\n",
            inert(_figure(figure, heads[2]), "block") + "\n",
        ]
    )


def comparison_markdown(results: Sequence[NetworkResult], lang: str = "en") -> str:
    """The same layers in several networks side by side: output shapes and parameters.

    Rows follow the first network; a layer is matched by name in the others. Rows that change
    nothing (activations, dropout, a pooling that keeps the size) are left out.

    >>> from convshare._spec import parse_spec, check_spec
    >>> a, b = (check_spec(parse_spec({"name": n, "input": [1, 8, 8], "layers": [
    ...     {"type": "conv", "name": "c1", "out_channels": k, "kernel_size": 3}]}))
    ...     for n, k in (("a", 2), ("b", 4)))
    >>> print(comparison_markdown([a, b], "en").splitlines()[4])
    | c1 | 6×6×2 | 20 | 6×6×4 | 40 |
    """
    lang = _lang(lang)
    t = TEXT[lang]
    header = [t["layer"]]
    for result in results:
        name = markdown_text(network_name(result.network, lang))
        header += [t["output"].format(name=name), t["params_of"].format(name=name)]
    lines = [
        "| " + " | ".join(header) + " |",
        "| --- |" + " ---: | ---: |" * len(results),
    ]
    by_name = [{row.name: row for row in r.rows} for r in results]
    for row in results[0].rows:
        if row.params == 0 and row.in_shape == row.out_shape:
            continue
        cells = [markdown_text(row.name)]
        for rows in by_name:
            other = rows.get(row.name)
            if other is None:
                cells += [t["missing"], t["missing"]]
            else:
                cells += [tensor_shape(other.out_shape), fmt(other.params, lang)]
        lines.append("| " + " | ".join(cells) + " |")
    total = [f"**{t['all']}**"]
    for result in results:
        total += ["", f"**{fmt(result.params, lang)}**"]
    lines.append("| " + " | ".join(total) + " |")
    return _markdown_scroll("\n".join(lines) + "\n", t["compare"])
