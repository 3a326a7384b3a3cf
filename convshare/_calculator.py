"""What the calculator page shows for one layer, rendered by the package.

The page (``docs/assets/calculator.js``) computes in the browser; these functions render the
same lines and the same figure cells in Python, from :func:`convshare.conv2d`'s result, so that
``tests/test_calculator_parity.py`` can compare the page's whole display with the package, not
only its numbers. The page's words come from :data:`CALCULATOR_TEXT`, exported into the page at
build time, so both sides read one set of templates.
"""

from __future__ import annotations

import re
from typing import Any

from ._conv import ConvResult

__all__ = ["CALCULATOR_TEXT", "calculator_cells", "calculator_lines"]

#: The calculator's words, per language; ``{name}`` fields are filled with grouped numbers.
CALCULATOR_TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "axes": ["输出高度", "输出宽度"],
        "unused": [
            "（步幅除不尽：填充后输入最后 {n} 行没有被任何窗口覆盖）",
            "（步幅除不尽：填充后输入最后 {n} 列没有被任何窗口覆盖）",
        ],
        "fig": ["输入", "卷积核", "输出"],
        "big": "每边超过 32 格时不画图。在这里仍可用方向键选择输出单元，下面的文字说明它的感受野。",
        "rf": "所选输出单元：第 {i} 行、第 {j} 列（从 0 数起）。它看到填充后输入第 {r0}–{r1} 行、"
        "第 {c0}–{c1} 列中的 {kh} × {kw} 个位置，每个位置 {ch} 个通道，共 {n} 个输入值。",
    },
    "en": {
        "axes": ["output height", "output width"],
        "unused": [
            " (the stride does not divide evenly: the last {n} row(s) of the padded input are "
            "never covered by a window)",
            " (the stride does not divide evenly: the last {n} column(s) of the padded input are "
            "never covered by a window)",
        ],
        "fig": ["input", "kernel", "output"],
        "big": "Layers above 32 cells a side are not drawn. The arrow keys still pick an output "
        "unit here; the text below describes its receptive field.",
        "rf": "Selected output unit: row {i}, column {j} (counting from 0). It sees {kh} × {kw} "
        "positions in rows {r0}–{r1} and columns {c0}–{c1} of the padded input, {ch} channel(s) "
        "at each position: {n} input values.",
    },
}

_DIGITS = re.compile(r"\B(?=(\d{3})+(?!\d))")

#: The page draws the figure only up to this many cells a side.
FIGURE_LIMIT = 32


def _g(value: object) -> str:
    """A value as the page writes it: every run of digits grouped by thousands with commas."""
    return _DIGITS.sub(",", str(value))


def _say(template: str, **fields: object) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: _g(fields[m.group(1)]), template)


def _formula(r: ConvResult, i: int, text: dict[str, Any]) -> str:
    a = r.axes[i]
    pads = f"2·{a.pad_before}" if a.pad_before == a.pad_after else f"{a.pad_before} + {a.pad_after}"
    if a.dilation == 1:
        top = f"{_g(a.size)} − {_g(a.kernel)} + {_g(pads)}"
    else:
        top = f"{_g(a.size)} + {_g(pads)} − {_g(a.dilation)}·({_g(a.kernel)} − 1) − 1"
    line = (
        f"{text['axes'][i]} = ⌊({top}) / {_g(a.stride)}⌋ + 1 = "
        f"⌊{_g(a.padded - a.extent)} / {_g(a.stride)}⌋ + 1 = {_g(a.output)}"
    )
    if a.unused:
        line += " " + _say(text["unused"][i], n=a.unused)
    return line


def calculator_lines(r: ConvResult, lang: str, unit: tuple[int, int] = (0, 0)) -> dict[str, str]:
    """Every line of the calculator's result for layer ``r`` and the selected output ``unit``.

    >>> from convshare import conv2d
    >>> lines = calculator_lines(conv2d(227, 3, 96, 11, stride=4), "en")
    >>> lines["unshared"]
    '105,705,600 = 3,025 × 34,944'
    >>> lines["fh"]
    'output height = ⌊(227 − 11 + 2·0) / 4⌋ + 1 = ⌊216 / 4⌋ + 1 = 55'
    """
    text = CALCULATOR_TEXT["zh" if lang == "zh" else "en"]
    oh, ow = r.output_size
    kh, kw = r.kernel_size
    cin = r.in_channels
    channels = _g(cin) if r.groups == 1 else f"({_g(cin)}/{_g(r.groups)})"
    i, j = (min(u, n - 1) for u, n in zip(unit, r.output_size, strict=True))
    r0, c0 = i * r.stride[0], j * r.stride[1]
    ah, aw = r.axes
    return {
        "out": f"{_g(oh)} × {_g(ow)} × {_g(r.out_channels)}",
        "neurons": f"{_g(r.neurons)} = {_g(oh)} × {_g(ow)} × {_g(r.out_channels)}",
        "shared": f"{_g(r.params_shared)} = {_g(r.out_channels)} × "
        f"({_g(kh)} × {_g(kw)} × {channels}{' + 1' if r.bias else ''})",
        "unshared": f"{_g(r.params_unshared)} = {_g(r.positions)} × {_g(r.params_shared)}",
        "ratio": f"{_g(r.positions)} = {_g(oh)} × {_g(ow)}",
        "macs": f"{_g(r.macs)} = {_g(r.neurons)} × {_g(r.weights_per_filter)}",
        "fh": _formula(r, 0, text),
        "fw": _formula(r, 1, text),
        "rf": _say(
            text["rf"],
            i=i,
            j=j,
            r0=r0,
            r1=r0 + ah.extent - 1,
            c0=c0,
            c1=c0 + aw.extent - 1,
            kh=kh,
            kw=kw,
            ch=cin // r.groups,
            n=r.weights_per_filter,
        ),
    }


def calculator_cells(r: ConvResult, unit: tuple[int, int] = (0, 0)) -> dict[str, Any] | None:
    """The calculator figure's cells for output ``unit``, in padded-input coordinates, or None
    when the page does not draw the layer (more than 32 cells a side).

    ``taps``: the (row, column) of every input cell that one kernel weight reads (dilation
    spreads them); ``window``: (row, column, height, width) of the window's outline;
    ``padding``: how many cells are padding; ``uncovered``: how many cells no window reaches.

    >>> from convshare import conv2d
    >>> calculator_cells(conv2d(5, 1, 1, 2, dilation=2), (0, 1))["taps"]
    [[0, 1], [0, 3], [2, 1], [2, 3]]
    """
    ah, aw = r.axes
    if max(ah.padded, aw.padded, *r.output_size) > FIGURE_LIMIT:
        return None
    i, j = (min(u, n - 1) for u, n in zip(unit, r.output_size, strict=True))
    rows = sorted({i * ah.stride + m * ah.dilation for m in range(ah.kernel)})
    cols = sorted({j * aw.stride + m * aw.dilation for m in range(aw.kernel)})
    inside = ah.size * aw.size
    covered_h, covered_w = ah.padded - ah.unused, aw.padded - aw.unused
    return {
        "taps": [[y, x] for y in rows for x in cols],
        "window": [i * ah.stride, j * aw.stride, ah.extent, aw.extent],
        "padding": ah.padded * aw.padded - inside,
        "uncovered": ah.padded * aw.padded - covered_h * covered_w,
        "unit": [i, j],
    }
