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


def _records(markdown: str, labels: list[str]) -> dict[str, dict[str, str]]:
    """{label: {header: cell}} for a table of the layers or networks named `labels`, one row per
    layer, or transposed (one column per layer, one row per quantity, as short tables are)."""
    header, rows = _table(markdown)
    if header[1:] == labels:
        return {
            label: {header[0]: label, **{row[0]: row[i + 1] for row in rows}}
            for i, label in enumerate(labels)
        }
    assert len(set(header)) == len(header), f"two columns with one name: {header}"
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


#: What a header names, by the words a reader goes by (case ignored in English). A combined
#: header ("Kernel / stride / padding") names each part, and its cell holds each value.
_MEANINGS = {
    "zh": [
        ("unshared", r"不共享"),
        ("shared", r"(?<!不)共享"),
        ("layers", r"层数|参数的层"),
        ("layer", r"^(层|网络)$"),
        ("type", r"类型"),
        ("input", r"^输入"),
        ("kernel", r"卷积核"),
        ("stride", r"步幅"),
        ("padding", r"填充"),
        ("filters", r"滤波器"),
        ("output", r"^输出"),
        ("neurons", r"神经元"),
        ("ratio", r"比值|倍数"),
        ("macs", r"MAC"),
        ("rf", r"感受野"),
    ],
    "en": [
        ("unshared", r"without sharing"),
        ("shared", r"with sharing"),
        ("layers", r"^layers"),
        ("layer", r"^(layer|network)$"),
        ("type", r"^type$"),
        ("input", r"^input"),
        ("kernel", r"^kernel"),
        ("stride", r"^stride"),
        ("padding", r"^padding"),
        ("filters", r"^filters"),
        ("output", r"^output"),
        ("neurons", r"^neurons"),
        ("ratio", r"^ratio"),
        ("macs", r"mac"),
        ("rf", r"receptive"),
    ],
}


def _meaning(header: str, lang: str) -> str:
    """The one quantity a header (or a part of a combined header) names."""
    flags = re.IGNORECASE if lang == "en" else 0
    found = [key for key, pattern in _MEANINGS[lang] if re.search(pattern, header, flags)]
    assert found, f"a header that names nothing known: {header!r}"
    return found[0]


def _number(text: str) -> float:
    """The number in a cell such as "9,660", "18.7×" or "18.7 倍"."""
    return float(re.sub(r"[^\d.]", "", text))


def _check(record: dict[str, str], expected: dict[str, str], lang: str) -> None:
    """Every header of `record` names a quantity of `expected`, and its cell holds that value."""
    seen = set()
    for header, cell in record.items():
        parts = [p.strip() for p in header.split(" / ")]
        keys = [_meaning(p, lang) for p in parts]
        values = [expected[k] for k in keys]
        if keys == ["ratio"]:
            assert abs(_number(cell) - float(values[0])) <= 0.051 * max(1.0, float(values[0])), (
                header,
                cell,
            )
        else:
            assert cell == " / ".join(values), f"{header!r} is over {cell!r}, not {values}"
        seen.update(keys)
    missing = {"layer", "shared", "unshared"} & set(expected) - seen
    assert not missing, f"no column for {missing}"


def _n(value: int, lang: str) -> str:
    """A count as the site writes it: thousands separated by commas in both languages."""
    return f"{value:,}"


# --- layer_table ------------------------------------------------------------------------------


def _layer_expected(label: str, r: cs.ConvResult, lang: str) -> dict[str, str]:
    h, w = r.output_size
    return {
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
        "ratio": str(h * w),
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_layer_table_headers_sit_over_their_values(lang: str) -> None:
    """`layer_table`: each header over its own quantity (swapped 共享/不共享 columns fail), as
    rows or transposed, with one layer and with five."""
    for n in (1, 5):
        labels = [f"L{i}" for i in range(n)]
        records = _records(_render.layer_table([(x, CONV) for x in labels], lang), labels)
        for label in labels:
            _check(records[label], _layer_expected(label, CONV, lang), lang)


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
    table = _render.overview_table([("N", None, cs.analyse(net))], lang, first=True)
    _check(_records(table, ["N"])["N"], _layer_expected("N", CONV, lang), lang)


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


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_network_table_headers_sit_over_their_values(lang: str) -> None:
    """`network_table`: every column of every shown row under the header that names it."""
    result = cs.analyse(cs.parse_spec(SPEC))
    hand = _by_hand()
    records = _records(cs.network_table(result, lang), list(hand))
    whole = {"zh": "整幅输入", "en": "whole input"}[lang]
    for name, want in hand.items():
        expected = {
            "layer": name,
            "type": {"c1": "conv", "p1": "maxpool", "fc": "linear"}[name],
            "input": want["in"],
            "output": want["out"],
            "rf": want.get("rf", whole),
            **{k: _n(want[k], lang) for k in ("neurons", "shared", "unshared", "macs")},
        }
        _check(records[name], expected, lang)


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
    meaning = {label: _meaning(label, lang) for label in labelled if "FLOP" not in label}
    (unshared_label,) = [label for label, m in meaning.items() if m == "unshared"]
    (shared_label,) = [label for label, m in meaning.items() if m == "shared"]
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
    hand = _by_hand()
    shared = sum(layer["shared"] for layer in hand.values())
    unshared = sum(layer["unshared"] for layer in hand.values())
    table = _render.overview_table([("N", None, result)], lang, first=False)
    expected = {
        "layer": "N",
        "layers": "2",  # c1 and fc have parameters
        "shared": _n(shared, lang),
        "unshared": _n(unshared, lang),
        "ratio": str(unshared / shared),
        "macs": _n(sum(layer["macs"] for layer in hand.values()), lang),
    }
    _check(_records(table, ["N"])["N"], expected, lang)


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
        "zh": ("输出尺寸", "神经元", "不共享", "共享时", "乘加"),
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


# --- alignment and optional rows --------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_counts_are_right_aligned_and_names_left(lang: str) -> None:
    """In a table of layers (one row per layer), the counts are right-aligned, so that digits
    line up, and the names left-aligned."""
    many = _render.layer_table([(f"L{i}", CONV) for i in range(5)], lang)
    result = cs.analyse(cs.parse_spec(SPEC))
    for table in (many, cs.network_table(result, lang)):
        lines = table.splitlines()
        header, _ = _table(table)
        align = [c.strip() for c in lines[1].strip("|").split("|")]
        for name, a in zip(header, align, strict=True):
            key = _meaning(name.split(" / ")[0], lang)
            if key in ("neurons", "shared", "unshared", "macs", "ratio"):
                assert a == "---:", (name, a)
            if key == "layer":
                assert a == "---", (name, a)


def test_totals_list_connections_only_where_the_spec_publishes_them() -> None:
    """LeNet-5's totals add LeCun et al.'s connection count (340,908, section II.B); a network
    whose spec publishes no such count has no such row."""
    from pathlib import Path

    specs = Path(__file__).resolve().parent.parent / "docs" / "architectures"
    lenet = cs.load_spec(specs / "lenet-5.yaml")
    assert lenet.connections == 340_908
    for lang, word in (("zh", "连接数"), ("en", "Connections")):
        _, rows = _table(cs.network_totals(lenet, lang))
        (row,) = [r for r in rows if word in r[0]]
        assert row[1] == "340,908"
        _, rows = _table(cs.network_totals(cs.analyse(cs.parse_spec(SPEC)), lang))
        assert not [r for r in rows if word in r[0]]
