"""Rendering: Markdown tables and step-by-step derivations in Chinese and English.

Kept apart from the arithmetic: every function here takes results and returns a string.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext
from fractions import Fraction

from ._conv import Axis, ConvResult, conv2d
from ._network import ACTIVATIONS, LayerResult, Network, NetworkResult
from ._pages import markdown_text

__all__ = [
    "approx",
    "article_layers",
    "article_table",
    "cell",
    "construct_notes",
    "derivation",
    "fmt",
    "layer_table",
    "network_name",
    "network_table",
    "network_totals",
    "overview_table",
    "ratio",
    "shape",
    "tensor_shape",
    "tex_int",
]

LANGS = ("zh", "en")


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def fmt(n: int, lang: str = "en") -> str:
    """An integer with thousands separators (both languages group by three digits).

    >>> fmt(105705600)
    '105,705,600'
    >>> fmt(34944, "zh")
    '34,944'
    """
    _lang(lang)
    return f"{n:,}"


def approx(n: int, lang: str = "en") -> str:
    """A rounded reading of a large count: 万/亿 in Chinese, thousand/million/billion in English.

    >>> approx(105705600, "zh"), approx(105705600, "en")
    ('约 1.06 亿', 'about 106 million')
    >>> approx(34944, "zh"), approx(34944, "en")
    ('约 3.49 万', 'about 34.9 thousand')
    """
    if _lang(lang) == "zh":
        for unit, size in (("亿", 10**8), ("万", 10**4)):
            if n >= size:
                return f"约 {_quotient(n, size):.3g} {unit}"
        return str(n)
    for word, size in (("billion", 10**9), ("million", 10**6), ("thousand", 10**3)):
        if n >= size:
            return f"about {_quotient(n, size):.3g} {word}"
    return str(n)


def tex_int(n: int) -> str:
    """An integer for LaTeX, with ``{,}`` as the thousands separator.

    >>> tex_int(290400)
    '290{,}400'
    """
    return f"{n:,}".replace(",", "{,}")


def shape(dims: Sequence[int]) -> str:
    """Dimensions joined with a multiplication sign.

    >>> shape((55, 55, 96))
    '55×55×96'
    """
    return "×".join(str(d) for d in dims)


def _pair(values: tuple[int, int]) -> str:
    return str(values[0]) if values[0] == values[1] else f"{values[0]}×{values[1]}"


def _padding(r: ConvResult) -> str:
    (t, b), (left, right) = r.padding
    if t == b and left == right:
        return _pair((t, left))
    return f"({t},{b})×({left},{right})"


_TEXT = {
    "zh": {
        "step": "第 {n} 步：",
        "output": "输出尺寸",
        "neurons": "神经元（单元）数",
        "unshared": "不共享时的参数量（局部连接层）",
        "shared": "共享时的参数量",
        "macs": "乘加运算（MAC）",
        "height": "高",
        "width": "宽",
        "both": "高和宽相同。",
        "pytorch": "按 PyTorch 约定，填充 P 加在每一侧，结果向下取整。",
        "uneven": "两侧的填充不等（'same' 填充把多出的一行或一列放在下方或右侧），"
        "所以分别写出两侧的填充；结果向下取整。",
        "unused": "步幅除不尽（{expr}），向下取整后，{where}最后的 {what}不会被任何窗口覆盖。",
        "division": "{span} ÷ {stride} = {quot}",
        "axis_division": "{axis}：{division}",
        "divisions": "；",
        "input": "输入",
        "padded": "填充后的输入",
        "rows": "{u} 行",
        "cols": "{u} 列",
        "and": "和 ",
        "bias": "每个滤波器的权重加 1 个偏置",
        "nobias": "没有偏置",
        "same_macs": "共享与否，乘加次数都一样：共享只减少参数，不减少计算。",
        "ratio": "两者之比恰好是输出位置数 {h}×{w} = {ratio}。",
    },
    "en": {
        "step": "Step {n}: ",
        "output": "output size",
        "neurons": "neurons (units)",
        "unshared": "parameters without sharing (a locally connected layer)",
        "shared": "parameters with sharing",
        "macs": "multiply-accumulates (MACs)",
        "height": "height",
        "width": "width",
        "both": "The same for height and width.",
        "pytorch": "PyTorch's convention: padding P on each side, rounded down.",
        "uneven": "The padding differs between the two sides ('same' padding puts the odd extra "
        "row or column at the bottom or right), so both sides are written out; rounded down.",
        "unused": "The stride does not divide evenly ({expr}); rounded down, the last {what} "
        "of the {where} {verb} never covered by any window.",
        "division": "{span} / {stride} = {quot}",
        "axis_division": "{axis}: {division}",
        "divisions": "; ",
        "input": "input",
        "padded": "padded input",
        "rows": "{u} row{s}",
        "cols": "{u} column{s}",
        "and": " and ",
        "bias": "the weights of one filter plus 1 bias",
        "nobias": "no bias",
        "same_macs": "The MACs are the same with or without sharing: sharing cuts parameters, "
        "not computation.",
        "ratio": "Their ratio is exactly the number of output positions, {h}×{w} = {ratio}.",
    },
}


def _unused_note(r: ConvResult, lang: str) -> str:
    """Which last rows and columns no window covers, with each axis's own division."""
    t = _TEXT[lang]

    def division(a: Axis) -> str:
        span = a.padded - a.extent
        return t["division"].format(
            span=span, stride=a.stride, quot=f"{_quotient(span, a.stride):.4g}"
        )

    ah, aw = r.axes
    divided = [(name, a) for name, a in zip(("height", "width"), r.axes, strict=True) if a.unused]
    if len(divided) == 2 and division(ah) == division(aw):
        expr = division(ah)  # the same division on both axes
    else:
        expr = t["divisions"].join(
            t["axis_division"].format(axis=t[name], division=division(a)) for name, a in divided
        )
    what = [
        t[key].format(u=u, s="" if u == 1 else "s")
        for key, u in zip(("rows", "cols"), r.unused, strict=True)
        if u
    ]
    padded = any(a.pad_before or a.pad_after for a in r.axes)
    where = t["padded"] if padded else t["input"]
    verb = "is" if len(what) == 1 and sum(r.unused) == 1 else "are"
    return t["unused"].format(expr=expr, what=t["and"].join(what), where=where, verb=verb)


#: Names of the two sides' paddings in a formula, per axis symbol.
_SIDES = {"H": ("P_\\text{top}", "P_\\text{bottom}"), "W": ("P_\\text{left}", "P_\\text{right}")}


def _axis_tex(a: Axis, sym: str) -> str:
    """One axis's output size: the general formula, the values substituted, the result.

    Equal paddings on both sides are written ``2P`` and ``2 \\cdot p``; unequal ones (``'same'``
    with an even kernel) as the two sides' paddings, in the formula and in the values.
    """
    if a.pad_before == a.pad_after:
        pad_sym, pads = "2P", f"2 \\cdot {a.pad_before}"
    else:
        pad_sym, pads = " + ".join(_SIDES[sym]), f"{a.pad_before} + {a.pad_after}"
    if a.dilation == 1:
        head = (
            f"{sym}_\\text{{out}} = \\left\\lfloor \\frac{{{sym}_\\text{{in}} - F + {pad_sym}}}"
            "{S}"
        )
        body = f"\\left\\lfloor \\frac{{{a.size} - {a.kernel} + {pads}}}{{{a.stride}}}"
    else:
        head = (
            f"{sym}_\\text{{out}} = \\left\\lfloor "
            f"\\frac{{{sym}_\\text{{in}} + {pad_sym} - D(F - 1) - 1}}{{S}}"
        )
        body = (
            f"\\left\\lfloor \\frac{{{a.size} + {pads} - {a.dilation} \\cdot ({a.kernel} - 1) - 1}}"
            f"{{{a.stride}}}"
        )
    return f"{head} \\right\\rfloor + 1 = {body} \\right\\rfloor + 1 = {a.output}"


def derivation(
    r: ConvResult,
    lang: str = "en",
    steps: Sequence[str] = ("output", "neurons", "unshared", "shared", "macs"),
) -> str:
    """The article's steps for one layer, as Markdown with display maths and values substituted.

    >>> text = derivation(conv2d(227, 3, 96, 11, stride=4), "en")
    >>> r"\\frac{227 - 11 + 2 \\cdot 0}{4} \\right\\rfloor + 1 = 55" in text
    True
    >>> "= 105{,}705{,}600" in text
    True
    """
    t = _TEXT[_lang(lang)]
    out: list[str] = []
    kh, kw = r.kernel_size
    cin = r.in_channels // r.groups
    per_filter = f"{kh} \\times {kw} \\times {cin}" + (" + 1" if r.bias else "")
    per_filter_sym = "F_h F_w C_\\text{in}" + (" + 1" if r.bias else "")
    if r.groups > 1:
        per_filter_sym = "F_h F_w C_\\text{in}/g" + (" + 1" if r.bias else "")
    h, w = r.output_size
    for n, step in enumerate(steps, start=1):
        out.append(f"**{t['step'].format(n=n)}{t[step]}**\n")
        if step == "output":
            ah, aw = r.axes
            even = all(a.pad_before == a.pad_after for a in r.axes)
            out.append(t["pytorch" if even else "uneven"] + "\n")
            same = (ah.size, ah.kernel, ah.stride, ah.pad_before, ah.pad_after, ah.dilation) == (
                aw.size,
                aw.kernel,
                aw.stride,
                aw.pad_before,
                aw.pad_after,
                aw.dilation,
            )
            if same:
                out.append(f"$$\n{_axis_tex(aw, 'W')}\n$$\n")
                out.append(t["both"] + "\n")
            else:
                out.append(f"$$\n{_axis_tex(ah, 'H')}\n$$\n")
                out.append(f"$$\n{_axis_tex(aw, 'W')}\n$$\n")
            if any(r.unused):
                out.append(_unused_note(r, lang) + "\n")
        elif step == "neurons":
            out.append(
                "$$\nN = H_\\text{out} \\times W_\\text{out} \\times K = "
                f"{h} \\times {w} \\times {r.out_channels} = {tex_int(r.neurons)}\n$$\n"
            )
        elif step == "unshared":
            out.append(
                f"$$\nN \\times ({per_filter_sym}) = {tex_int(r.neurons)} \\times ({per_filter})"
                f" = {tex_int(r.params_unshared)}\n$$\n"
            )
        elif step == "shared":
            out.append(
                f"$$\nK \\times ({per_filter_sym}) = {r.out_channels} \\times ({per_filter})"
                f" = {tex_int(r.params_shared)}\n$$\n"
            )
            out.append(t["ratio"].format(h=h, w=w, ratio=fmt(r.sharing_ratio, lang)) + "\n")
        elif step == "macs":
            out.append(
                f"$$\nN \\times {per_filter_sym.replace(' + 1', '')} = {tex_int(r.neurons)} "
                f"\\times {tex_int(r.weights_per_filter)} = {tex_int(r.macs)}\n$$\n"
            )
            out.append(t["same_macs"] + "\n")
        else:
            raise ValueError(f"unknown step {step!r}")
    return "\n".join(out)


_COLUMNS = {
    "zh": (
        "层",
        "输入",
        "卷积核",
        "步幅",
        "填充",
        "滤波器数",
        "输出",
        "神经元",
        "不共享时的参数量",
        "共享时的参数量",
        "比值",
    ),
    "en": (
        "Layer",
        "Input",
        "Kernel",
        "Stride",
        "Padding",
        "Filters",
        "Output",
        "Neurons",
        "Params without sharing",
        "Params with sharing",
        "Ratio",
    ),
}


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric_from: int,
    *,
    transpose: bool = False,
) -> str:
    """A Markdown table; numeric columns (from ``numeric_from`` on) are right-aligned.

    ``transpose=True`` writes one row per quantity and one column per item (the first column of
    ``rows``): a comparison of a few items with many quantities then fits a text column.
    """
    if transpose:
        columns = list(zip(header, *rows, strict=True))
        header = columns[0]
        rows = columns[1:]
        numeric_from = 1
    align = ["---" if i < numeric_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


# Up to this many items, a comparison table is transposed (one row per quantity).
_TRANSPOSE_UP_TO = 4


def _conv_cells(
    label: str, r: ConvResult, shared: int, unshared: int, lang: str
) -> tuple[str, ...]:
    """One conv layer's cells: geometry, output, neurons, parameters without and with sharing."""
    return (
        label,
        shape((*r.input_size, r.in_channels)),
        _pair(r.kernel_size),
        _pair(r.stride),
        _padding(r),
        str(r.out_channels),
        shape((*r.output_size, r.out_channels)),
        fmt(r.neurons, lang),
        fmt(unshared, lang),
        fmt(shared, lang),
    )


def layer_table(rows: Sequence[tuple[str, ConvResult]], lang: str = "en") -> str:
    """A Markdown table of conv layers: geometry, neurons, parameters with and without sharing.

    Up to four layers, one row per quantity and one column per layer (so that the table fits a
    text column); more layers, one row per layer.

    >>> lines = layer_table([("LeNet C1", conv2d(32, 1, 6, 5))], "en").splitlines()
    >>> print("\\n".join(lines[:3] + lines[-3:]))
    | Layer | LeNet C1 |
    | --- | ---: |
    | Input | 32×32×1 |
    | Params without sharing | 122,304 |
    | Params with sharing | 156 |
    | Ratio | 784 |
    """
    header = _COLUMNS[_lang(lang)]
    body = [
        (
            *_conv_cells(label, r, r.params_shared, r.params_unshared, lang),
            fmt(r.sharing_ratio, lang),
        )
        for label, r in rows
    ]
    return _table(header, body, numeric_from=7, transpose=len(body) <= _TRANSPOSE_UP_TO)


def article_layers() -> list[tuple[str, ConvResult]]:
    """The two first layers the article works through: AlexNet (227 input) and LeNet (28 input).

    >>> [(name, r.output_size[0]) for name, r in article_layers()]
    [('AlexNet', 55), ('LeNet', 24)]
    """
    return [
        ("AlexNet", conv2d(227, 3, 96, 11, stride=4)),
        ("LeNet", conv2d(28, 1, 6, 5)),
    ]


_ARTICLE = {
    "zh": (
        "网络",
        "输入宽度",
        "输入通道",
        "卷积核",
        "步幅",
        "填充",
        "滤波器数",
        "输出宽度",
        "神经元",
        "不共享时的参数量",
        "共享时的参数量",
    ),
    "en": (
        "Network",
        "Input width",
        "Input channels",
        "Kernel",
        "Stride",
        "Padding",
        "Filters",
        "Output width",
        "Neurons",
        "Params without sharing",
        "Params with sharing",
    ),
}


def article_table(lang: str = "en", complete: bool = True) -> str:
    """The article's summary table, computed: partial (the given attributes) or complete.

    One row per quantity, one column per network.

    >>> print(article_table("en", complete=False).splitlines()[2])
    | Input width | 227 | 28 |
    """
    header = _ARTICLE[_lang(lang)]
    rows = []
    for name, r in article_layers():
        row = [
            name,
            str(r.input_size[1]),
            str(r.in_channels),
            str(r.kernel_size[1]),
            str(r.stride[1]),
            str(r.padding[1][0]),
            str(r.out_channels),
        ]
        if complete:
            row += [
                str(r.output_size[1]),
                fmt(r.neurons, lang),
                fmt(r.params_unshared, lang),
                fmt(r.params_shared, lang),
            ]
        rows.append(row)
    width = len(rows[0])
    return _table(header[:width], rows, numeric_from=1, transpose=True)


# --- whole networks -------------------------------------------------------------------------

_NET_COLUMNS = {
    "zh": (
        "层",
        "类型",
        "输入",
        "输出",
        "神经元",
        "共享时的参数量",
        "不共享时的参数量",
        "MAC",
        "感受野",
    ),
    "en": (
        "Layer",
        "Type",
        "Input",
        "Output",
        "Neurons",
        "Params with sharing",
        "Params without sharing",
        "MACs",
        "Receptive field",
    ),
}

_BRANCH = {
    "zh": {
        "body": "主路",
        "shortcut": "捷径",
        "add": "相加",
        "branch": "分支",
        "concat": "拼接",
        "sum": "相加",
        "multiply": "相乘",
    },
    "en": {
        "body": "body",
        "shortcut": "shortcut",
        "add": "sum",
        "branch": "branch",
        "concat": "concatenation",
        "sum": "sum",
        "multiply": "product",
    },
}

_CONNECTIONS = {"zh": "连接数", "en": "Connections"}

_WHOLE_INPUT = {"zh": "整幅输入", "en": "whole input"}


_CONSTRUCT_NOTES: dict[str, dict[str, str]] = {
    "concat": {
        "zh": "拼接把各分支的输出沿通道方向接在一起，输出通道数是各分支通道数之和；"
        "拼接本身没有参数。",
        "en": "A concatenation joins the branches' outputs along the channels (its channels are "
        "the sum of theirs); it has no parameters of its own.",
    },
    "sum": {
        "zh": "分支相加把形状相同的输出逐元素相加，没有参数。",
        "en": "A sum of branches adds outputs of equal shape element by element; it has no "
        "parameters.",
    },
    "multiply": {
        "zh": "门控（相乘）把输入逐元素乘以由门控分支算出的每个通道的权重，相乘本身没有参数；"
        "门控分支在全局平均之后只有一个位置，所以它的卷积共享与否参数一样多。",
        "en": "A gate (a product) multiplies the input, element by element, by one weight per "
        "channel computed by the gate's branch; the product has no parameters, and the gate's "
        "convolutions act on a single position after global averaging, so they have as many "
        "parameters with sharing as without.",
    },
    "layernorm": {
        "zh": "层归一化每个通道有 2 个参数（缩放和平移），在所有位置上相同，所以共享与否都一样。",
        "en": "Layer normalisation has 2 parameters per channel (scale and shift), the same at "
        "every position, so the same with or without sharing.",
    },
    "layer_scale": {
        "zh": "层缩放每个通道 1 个参数，在所有位置上相同。",
        "en": "Layer scale has 1 parameter per channel, the same at every position.",
    },
    "stochastic_depth": {
        "zh": "随机深度只在训练时随机跳过整个残差分支，没有参数。",
        "en": "Stochastic depth randomly skips a whole residual branch while training only; it "
        "has no parameters.",
    },
}


def construct_notes(result: NetworkResult, lang: str = "en") -> list[str]:
    """Sentences for the conventions box: how the merges and newer layer types are counted.

    One sentence per construct the network uses, in a fixed order.

    >>> from convshare._spec import parse_spec, check_spec
    >>> net = check_spec(parse_spec({"name": "t", "input": [2, 4, 4], "layers": [
    ...     {"type": "parallel", "name": "p", "merge": "concat", "branches": [[], []]},
    ...     {"type": "layer_scale", "name": "s"}]}))
    >>> construct_notes(net, "en")[1]
    'Layer scale has 1 parameter per channel, the same at every position.'
    """
    lang = _lang(lang)
    used = {r.type for r in result.rows} | {r.branch for r in result.rows if r.type == "parallel"}
    return [text[lang] for key, text in _CONSTRUCT_NOTES.items() if key in used]


def network_name(network: Network, lang: str = "en") -> str:
    """The network's short name in ``lang`` (the spec's ``short``), else its ``name``.

    >>> net = Network("Toy CNN", (1, 8, 8), (), meta={"short": {"zh": "小型 CNN", "en": "Toy CNN"}})
    >>> network_name(net, "zh"), network_name(Network("x", (1, 8, 8), ()), "zh")
    ('小型 CNN', 'x')
    """
    short = network.meta.get("short")
    if isinstance(short, dict):
        text = short.get(_lang(lang))
        if isinstance(text, str) and text.strip():
            return text.strip()
    return network.name


def cell(text: str) -> str:
    """Text for a Markdown table cell, shown as written: no markup, no Markdown syntax.

    >>> cell("<script>alert(1)</script> | x")
    '&#60;script&#62;alert&#40;1&#41;&#60;/script&#62; &#124; x'
    """
    return markdown_text(text)


def tensor_shape(dims: Sequence[int]) -> str:
    """A tensor shape as the article writes it: height×width×channels, or a length.

    >>> tensor_shape((96, 55, 55)), tensor_shape((4096,))
    ('55×55×96', '4096')
    """
    if len(dims) == 3:
        return shape((dims[1], dims[2], dims[0]))
    return shape(dims)


def _rf(row: LayerResult, lang: str) -> str:
    if row.receptive_field is None:
        return _WHOLE_INPUT[lang]
    return _pair(row.receptive_field)


def _hidden(row: LayerResult) -> bool:
    return row.type in ACTIVATIONS


def _publishes_connections(result: NetworkResult) -> bool:
    published = result.network.meta.get("published")
    return isinstance(published, dict) and "connections" in published


def network_table(
    result: NetworkResult,
    lang: str = "en",
    *,
    compact: bool = True,
    connections: bool | None = None,
) -> str:
    """A Markdown table of a network, one row per layer (activations left out when ``compact``).

    ``connections`` adds LeCun et al.'s connection counts; by default, only for a network whose
    spec publishes them.

    >>> from convshare._spec import parse_spec, check_spec
    >>> net = check_spec(parse_spec({"name": "t", "input": [1, 28, 28], "layers": [
    ...     {"type": "conv", "name": "C1", "out_channels": 6, "kernel_size": 5}]}))
    >>> print(network_table(net, "en").splitlines()[2])
    | C1 | conv | 28×28×1 | 24×24×6 | 3,456 | 156 | 89,856 | 86,400 | 5 |
    """
    lang = _lang(lang)
    if connections is None:
        connections = _publishes_connections(result)
    header: tuple[str, ...] = _NET_COLUMNS[lang]
    if connections:
        header = (*header[:7], _CONNECTIONS[lang], *header[7:])
    body: list[tuple[str, ...]] = []
    for row in result.rows:
        if compact and _hidden(row):
            continue
        kind = row.type
        if row.branch:
            branch = _BRANCH[lang][row.branch]
            kind = f"{kind}（{branch}）" if lang == "zh" else f"{kind} ({branch})"
        extra = (fmt(row.connections, lang),) if connections else ()
        body.append(
            (
                cell(row.name),
                cell(kind),
                tensor_shape(row.in_shape),
                tensor_shape(row.out_shape),
                fmt(row.neurons, lang),
                fmt(row.params, lang),
                fmt(row.params_unshared, lang),
                *extra,
                fmt(row.macs, lang),
                _rf(row, lang),
            )
        )
    return _table(header, body, numeric_from=4)


def _ratio_of(result: NetworkResult) -> Fraction:
    """A network's sharing ratio, exactly."""
    return Fraction(result.params_unshared, result.params) if result.params else Fraction(1)


def _quotient(a: int, b: int) -> Decimal:
    """``a / b`` in decimal, exact to 28 significant digits however large ``a`` is (a float
    would overflow past 1e308).

    >>> f"{_quotient(213, 4):.4g}", f"{_quotient(10**400 + 1, 4):.4g}"
    ('53.25', '2.500e+399')
    """
    with localcontext() as ctx:
        ctx.prec = 28
        return Decimal(a) / Decimal(b)


def ratio(value: float | Fraction, lang: str = "en") -> str:
    """A ratio for display: whole numbers above 100, one decimal below; 倍 in Chinese.

    >>> ratio(3025.0), ratio(5.5887, "zh"), ratio(Fraction(10**30 + 2, 3))
    ('3,025×', '5.6\xa0倍', '333,333,333,333,333,333,333,333,333,334×')
    """
    q = Fraction(value)  # exact, also for huge counts (a float would overflow)
    if q >= 100:
        number = f"{round(q):,}"
    else:
        tenths = round(q * 10)
        number = f"{tenths // 10:,}.{tenths % 10}"
    # A no-break space keeps 倍 on the number's line in a narrow table cell.
    return f"{number}\u00a0倍" if _lang(lang) == "zh" else f"{number}×"


_TOTALS = {
    "zh": {
        "params": "可训练参数（共享）",
        "unshared": "不共享时的参数量（每个滑动层换成局部连接层）",
        "ratio": "比值",
        "macs": "乘加运算（MAC，一张图像的前向计算）",
        "flops": "FLOPs（按 2 × MAC 计）",
        "connections": "连接数（按 LeCun 等人 1998 年的计法）",
        "output": "输出形状",
        "what": "合计",
        "value": "数值",
    },
    "en": {
        "params": "Trainable parameters (with sharing)",
        "unshared": "Parameters without sharing (every sliding layer locally connected)",
        "ratio": "Ratio",
        "macs": "Multiply-accumulates (MACs, one image, forward)",
        "flops": "FLOPs (counted as 2 × MACs)",
        "connections": "Connections (as counted by LeCun et al. 1998)",
        "output": "Output shape",
        "what": "Total",
        "value": "Value",
    },
}


def network_totals(result: NetworkResult, lang: str = "en") -> str:
    """A two-column Markdown table of a network's totals (connections where the spec publishes
    them, as in :func:`network_table`)."""
    t = _TOTALS[_lang(lang)]
    rows = [
        (t["params"], fmt(result.params, lang)),
        (t["unshared"], fmt(result.params_unshared, lang)),
        (t["ratio"], ratio(_ratio_of(result), lang)),
        (t["macs"], fmt(result.macs, lang)),
        (t["flops"], fmt(2 * result.macs, lang)),
        *(
            [(t["connections"], fmt(result.connections, lang))]
            if _publishes_connections(result)
            else []
        ),
        (t["output"], tensor_shape(result.output_shape)),
    ]
    return _table((t["what"], t["value"]), rows, numeric_from=1)


# The first-layer comparison: layer_table's columns with kernel, stride and padding in one
# column and without the filter count (the output's channels), so that it fits a text column.
_OVERVIEW_FIRST = {
    "zh": ("网络", "输入", "卷积核 / 步幅 / 填充", *_COLUMNS["zh"][6:10]),
    "en": ("Network", "Input", "Kernel / stride / padding", *_COLUMNS["en"][6:10]),
}

_OVERVIEW_TOTALS = {
    # The layer count is of layers with trainable parameters, batch normalisation included (it
    # has per-channel parameters): the header says so, as depth conventions differ.
    "zh": ("网络", "有参数的层", "共享时的参数量", "不共享时的参数量", "比值", "MAC"),
    "en": (
        "Network",
        "Layers with parameters",
        "Params with sharing",
        "Params without sharing",
        "Ratio",
        "MACs",
    ),
}


def _link(title: str, href: str | None) -> str:
    return f"[{cell(title)}]({href})" if href else cell(title)


def overview_table(
    entries: Sequence[tuple[str, str | None, NetworkResult]], lang: str = "en", *, first: bool
) -> str:
    """Compare networks: their first conv layers (``first=True``) or their totals.

    ``entries`` holds (title, link or None, result) for each network.
    """
    lang = _lang(lang)
    rows: list[tuple[str, ...]] = []
    for title, href, result in entries:
        if first:
            row = result.first_conv()
            if row is None or row.conv is None:
                continue
            cells = _conv_cells(_link(title, href), row.conv, row.params, row.params_unshared, lang)
            rows.append((cells[0], cells[1], " / ".join(cells[2:5]), *cells[6:]))
        else:
            layers = sum(1 for x in result.rows if x.params)
            rows.append(
                (
                    _link(title, href),
                    str(layers),
                    fmt(result.params, lang),
                    fmt(result.params_unshared, lang),
                    ratio(_ratio_of(result), lang),
                    fmt(result.macs, lang),
                )
            )
    header = _OVERVIEW_FIRST[lang] if first else _OVERVIEW_TOTALS[lang]
    return _table(header, rows, numeric_from=1)
