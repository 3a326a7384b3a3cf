"""Words that name numbers: every header over the column it names, every label beside its value.

The renderers' arithmetic is checked elsewhere; here the question is what a reader would read
wrong. Each case is non-square and non-symmetric (every quantity a different number), so that two
swapped columns, a height read as a width, "with" written for "without" or a FLOPs count equal
to the MACs change what a header or a label sits over. The expected words are written out here,
in each language, independently of the package's own tables of words.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import convshare as cs
from convshare import _render

# A conv layer with every pair different: input 13×17, kernel 3×5, stride 2×3, padding 1×2.
CONV = cs.conv2d((13, 17), 3, 5, (3, 5), stride=(2, 3), padding=(1, 2))
# Output 7×6 from (13 + 2 - 3) // 2 + 1 and (17 + 4 - 5) // 3 + 1.
assert CONV.output_size == (7, 6)


def _table(markdown: str) -> tuple[list[str], list[list[str]]]:
    """The header and the body rows of the first Markdown table in ``markdown``."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]

    def cells(line: str) -> list[str]:
        return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]

    assert re.fullmatch(r"\|( *-+:? *\|)+", lines[1].replace(" ", "")), lines[1]
    return cells(lines[0]), [cells(line) for line in lines[2:]]


def _columns(markdown: str) -> list[dict[str, str]]:
    """Each body row as {header: cell}."""
    header, rows = _table(markdown)
    assert len(set(header)) == len(header), f"two columns with one name: {header}"
    return [dict(zip(header, row, strict=True)) for row in rows]


def _n(value: int, lang: str) -> str:
    """A count as the site writes it: thousands separated by commas in both languages."""
    return f"{value:,}"


# --- layer_table ------------------------------------------------------------------------------


def _layer_expected(lang: str, label: str, r: cs.ConvResult) -> dict[str, str]:
    h, w = r.output_size
    values = {
        "layer": label,
        "input": f"{r.input_size[0]}×{r.input_size[1]}×{r.in_channels}",
        "kernel": "3×5",
        "stride": "2×3",
        "padding": "1×2",
        "filters": "5",
        "output": f"{h}×{w}×5",
        "neurons": _n(h * w * 5, lang),
        # Without sharing: every output position has its own 5 filters of 3·5·3 weights + 1 bias.
        "unshared": _n(h * w * 5 * (3 * 5 * 3 + 1), lang),
        "shared": _n(5 * (3 * 5 * 3 + 1), lang),
        "ratio": _n(h * w, lang),
    }
    names = {
        "zh": {
            "layer": "层",
            "input": "输入",
            "kernel": "卷积核",
            "stride": "步幅",
            "padding": "填充",
            "filters": "滤波器数",
            "output": "输出",
            "neurons": "神经元",
            "unshared": "不共享参数",
            "shared": "共享参数",
            "ratio": "比值",
        },
        "en": {
            "layer": "Layer",
            "input": "Input",
            "kernel": "Kernel",
            "stride": "Stride",
            "padding": "Padding",
            "filters": "Filters",
            "output": "Output",
            "neurons": "Neurons",
            "unshared": "Params without sharing",
            "shared": "Params with sharing",
            "ratio": "Ratio",
        },
    }[lang]
    return {names[key]: value for key, value in values.items()}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_layer_table_headers_sit_over_their_values(lang: str) -> None:
    """`layer_table`: each header over its own quantity (swapped 共享/不共享 columns fail)."""
    (row,) = _columns(_render.layer_table([("L", CONV)], lang))
    assert row == _layer_expected(lang, "L", CONV)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_first_layers_headers_sit_over_their_values(lang: str) -> None:
    """The architectures overview's first-layer table: the same words over the same numbers."""
    net = cs.parse_spec(
        {
            "name": "n",
            "input": [3, 13, 17],
            "layers": [
                {
                    "type": "conv",
                    "name": "c",
                    "out_channels": 5,
                    "kernel_size": [3, 5],
                    "stride": [2, 3],
                    "padding": [1, 2],
                }
            ],
        }
    )
    (row,) = _columns(_render.overview_table([("N", None, cs.analyse(net))], lang, first=True))
    expected = _layer_expected(lang, "N", CONV)
    expected.pop({"zh": "比值", "en": "Ratio"}[lang])
    first = {"zh": "网络", "en": "Network"}[lang]
    expected = {first: expected.pop({"zh": "层", "en": "Layer"}[lang]), **expected}
    assert row == expected


# --- whole networks -------------------------------------------------------------------------

SPEC: dict[str, Any] = {
    "name": "words",
    "input": [2, 20, 26],
    "layers": [
        {
            "type": "conv",
            "name": "c1",
            "out_channels": 3,
            "kernel_size": [3, 5],
            "stride": [1, 2],
            "padding": [1, 0],
        },
        {"type": "relu", "name": "r1"},
        {"type": "maxpool", "name": "p1", "kernel_size": 2},
        {"type": "flatten", "name": "f"},
        {"type": "linear", "name": "fc", "out_features": 7},
    ],
}


def _by_hand() -> dict[str, dict[str, Any]]:
    """Each layer's numbers worked out here from the spec, without the package."""
    # c1: H (20 + 2 - 3) + 1 = 20, W (26 - 5) // 2 + 1 = 11; 3 filters of 3·5·2 + 1.
    c1_params = 3 * (3 * 5 * 2 + 1)
    c1 = {
        "in": "20×26×2",
        "out": "20×11×3",
        "neurons": 20 * 11 * 3,
        "shared": c1_params,
        "unshared": 20 * 11 * c1_params,
        "macs": 20 * 11 * 3 * 3 * 5 * 2,
        "rf": "3×5",
    }
    # p1: 10×5 (rounded down); receptive field 3 + 1·1 = 4 by 5 + 1·2 = 7.
    p1 = {"in": "20×11×3", "out": "10×5×3", "neurons": 150, "shared": 0, "unshared": 0, "macs": 0}
    p1["rf"] = "4×7"
    fc = {
        "in": "150",
        "out": "7",
        "neurons": 7,
        "shared": 150 * 7 + 7,
        "unshared": 150 * 7 + 7,
        "macs": 150 * 7,
    }
    return {"c1": c1, "p1": p1, "fc": fc}


_NET_HEADERS = {
    "zh": {
        "name": "层",
        "type": "类型",
        "in": "输入",
        "out": "输出",
        "neurons": "神经元",
        "shared": "共享参数",
        "unshared": "不共享参数",
        "macs": "MAC",
        "rf": "感受野",
    },
    "en": {
        "name": "Layer",
        "type": "Type",
        "in": "Input",
        "out": "Output",
        "neurons": "Neurons",
        "shared": "Params with sharing",
        "unshared": "Params without sharing",
        "macs": "MACs",
        "rf": "Receptive field",
    },
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_network_table_headers_sit_over_their_values(lang: str) -> None:
    """`network_table`: every column of every shown row under the header that names it."""
    result = cs.analyse(cs.parse_spec(SPEC))
    rows = {
        row[_NET_HEADERS[lang]["name"]]: row for row in _columns(cs.network_table(result, lang))
    }
    h = _NET_HEADERS[lang]
    whole = {"zh": "整幅输入", "en": "whole input"}[lang]
    for name, want in _by_hand().items():
        row = rows[name]
        assert row[h["in"]] == want["in"] and row[h["out"]] == want["out"], name
        for key in ("neurons", "shared", "unshared", "macs"):
            assert row[h[key]] == _n(want[key], lang), (name, h[key])
        assert row[h["rf"]] == want.get("rf", whole), name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_network_totals_say_with_and_without_rightly(lang: str) -> None:
    """`network_totals`: the label that says "without" carries the count without sharing, and
    FLOPs are twice the MACs (one multiply and one add)."""
    result = cs.analyse(cs.parse_spec(SPEC))
    header, rows = _table(cs.network_totals(result, lang))
    assert len(header) == 2
    hand = _by_hand()
    shared = sum(layer["shared"] for layer in hand.values())
    unshared = sum(layer["unshared"] for layer in hand.values())
    macs = sum(layer["macs"] for layer in hand.values())
    labelled = {label: value for label, value in rows}
    without = {"zh": "不共享", "en": "without sharing"}[lang]
    with_ = {"zh": "（共享）", "en": "(with sharing)"}[lang]
    (unshared_label,) = [label for label in labelled if without in label]
    (shared_label,) = [label for label in labelled if with_ in label]
    assert labelled[unshared_label] == _n(unshared, lang)
    assert labelled[shared_label] == _n(shared, lang)
    (macs_label,) = [label for label in labelled if "MAC" in label and "FLOP" not in label]
    (flops_label,) = [label for label in labelled if "FLOP" in label]
    assert labelled[macs_label] == _n(macs, lang)
    assert labelled[flops_label] == _n(2 * macs, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_totals_headers_sit_over_their_values(lang: str) -> None:
    """The architectures overview's totals: layers with parameters, with and without sharing."""
    result = cs.analyse(cs.parse_spec(SPEC))
    (row,) = _columns(_render.overview_table([("N", None, result)], lang, first=False))
    hand = _by_hand()
    shared = sum(layer["shared"] for layer in hand.values())
    unshared = sum(layer["unshared"] for layer in hand.values())
    names = {
        "zh": ("网络", "含参数的层（含批归一化）", "共享参数", "不共享参数", "比值", "MAC"),
        "en": (
            "Network",
            "Layers with parameters (batch norm included)",
            "Params with sharing",
            "Params without sharing",
            "Ratio",
            "MACs",
        ),
    }[lang]
    expected = (
        "N",
        "2",  # c1 and fc have parameters
        _n(shared, lang),
        _n(unshared, lang),
        f"{unshared / shared:,.1f}×",
        _n(sum(layer["macs"] for layer in hand.values()), lang),
    )
    assert row == dict(zip(names, expected, strict=True))


# --- the derivation ---------------------------------------------------------------------------


def _display_maths(text: str) -> list[str]:
    return re.findall(r"\$\$\n(.*?)\n\$\$", text, flags=re.S)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_derivation_reads_each_axis_on_its_own(lang: str) -> None:
    """Input 224×226, 11×11 kernel, stride 4: each axis its own division and its own leftover.

    Height: 224 - 11 = 213, 213 / 4 = 53.25, 1 row left over; width: 226 - 11 = 215,
    215 / 4 = 53.75, 3 columns left over. Output 54 on both axes, yet the axes differ.
    """
    r = cs.conv2d((224, 226), 3, 96, 11, stride=4)
    text = cs.derivation(r, lang, steps=("output",))
    h_line, w_line = _display_maths(text)
    assert h_line.startswith("H_") and "{224 - 11 + 2 \\cdot 0}" in h_line
    assert w_line.startswith("W_") and "{226 - 11 + 2 \\cdot 0}" in w_line
    note = text.split("$$")[-1]
    div = "÷" if lang == "zh" else "/"
    height, width = {"zh": ("高", "宽"), "en": ("height", "width")}[lang]
    assert f"{height}" in note and f"213 {div} 4 = 53.25" in note
    assert f"{width}" in note and f"215 {div} 4 = 53.75" in note
    assert note.index("213") < note.index("215")
    leftover = {"zh": "1 行和 3 列", "en": "1 row and 3 columns"}[lang]
    assert leftover in note


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_derivation_with_uneven_same_padding(lang: str) -> None:
    """'same' with a 4×3 kernel pads 1 above and 2 below, 1 left and 1 right: the height line
    names both sides in its general formula, and no sentence claims P on each side."""
    r = cs.conv2d((10, 12), 3, 4, (4, 3), padding="same")
    assert r.padding == ((1, 2), (1, 1))
    text = cs.derivation(r, lang, steps=("output",))
    h_line, w_line = _display_maths(text)
    general, values = h_line.split(" = ")[1], h_line.split(" = ")[2]
    assert "2P" not in general and "P_\\text{top} + P_\\text{bottom}" in general
    assert "{10 - 4 + 1 + 2}" in values
    assert "2P" in w_line and "2 \\cdot 1" in w_line  # equal sides keep 2P
    prose = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)
    each_side = {"zh": "P 加在每一侧", "en": "P on each side"}[lang]
    assert each_side not in prose
    # The sentence names the symmetric case only when it holds.
    even = cs.derivation(cs.conv2d((10, 12), 3, 4, 3, padding="same"), lang, steps=("output",))
    assert each_side in even


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_derivation_ratio_sentence_names_height_then_width(lang: str) -> None:
    """The ratio sentence names the output positions as height × width (7×6 = 42 here)."""
    text = cs.derivation(CONV, lang, steps=("shared",))
    assert "7×6 = 42" in text and "6×7" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_derivation_steps_say_what_they_count(lang: str) -> None:
    """Each step's title over its own number: neurons, without sharing, with sharing, MACs."""
    h, w = CONV.output_size
    text = cs.derivation(CONV, lang)
    steps = re.split(r"\*\*", text)[1::2]
    bodies = re.split(r"\*\*[^*]+\*\*", text)[1:]
    assert len(steps) == len(bodies) == 5
    titles = {
        "zh": ("输出尺寸", "神经元", "不共享", "参数共享", "乘加"),
        "en": ("output size", "neurons", "without sharing", "with sharing", "multiply-accumulates"),
    }[lang]
    numbers = (
        None,
        h * w * 5,
        h * w * 5 * (3 * 5 * 3 + 1),
        5 * (3 * 5 * 3 + 1),
        h * w * 5 * 3 * 5 * 3,
    )
    for title, body, word, number in zip(steps, bodies, titles, numbers, strict=True):
        assert word in title, title
        if number is not None:
            result = _display_maths(body)[0].rsplit(" = ", 1)[1]
            assert result == _render.tex_int(number), (title, result)
