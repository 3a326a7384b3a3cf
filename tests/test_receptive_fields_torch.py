"""Receptive fields against an independent measurement: torch gradients of one output unit.

Araujo, Norris and Sim ("Computing Receptive Fields of Convolutional Neural Networks", Distill,
2019) check their closed-form receptive fields by back-propagating from one output unit: the
input pixels with a non-zero gradient are the unit's receptive field. Here each spec is built in
PyTorch (float64, every weight 1 and no bias, so no two paths can cancel; max pooling replaced by
average pooling of the same geometry, whose gradient reaches every pixel of the window), and the
gradient of one interior output unit gives the field's size and where it starts. The package's
``receptive_field``, ``jump`` and ``start`` must predict both, on each axis.

``start`` is the number of input pixels by which the first output unit's field begins before the
image (padding seen from the input): unit ``i`` of a layer reads input rows
``i * jump - start`` to ``i * jump - start + receptive_field - 1``.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
from torch import nn

import convshare as cs


def _module(spec: dict[str, Any], channels: int) -> tuple[nn.Module, int]:
    """The torch module for one layer, and the channels it gives."""
    t = spec["type"]
    spec = {k: tuple(v) if isinstance(v, list) and k != "body" else v for k, v in spec.items()}
    if t == "conv":
        conv = nn.Conv2d(
            channels,
            spec["out_channels"],
            spec["kernel_size"],
            stride=spec.get("stride", 1),
            padding=spec.get("padding", 0),
            dilation=spec.get("dilation", 1),
            bias=False,
            dtype=torch.float64,
        )
        nn.init.ones_(conv.weight)
        return conv, spec["out_channels"]
    if t in ("maxpool", "avgpool"):
        # Average pooling has the same windows as max pooling, and a gradient on all of them.
        pool = nn.AvgPool2d(
            spec["kernel_size"], stride=spec.get("stride"), padding=spec.get("padding", 0)
        )
        return pool, channels
    if t == "adaptive_avgpool":
        return nn.AdaptiveAvgPool2d(spec["output_size"]), channels
    if t == "relu":
        return nn.Identity(), channels  # ReLU of positive sums: the identity on these inputs
    if t == "residual":
        body, c_body = _sequential(spec["body"], channels)
        shortcut, c_short = _sequential(spec.get("shortcut") or [], channels)
        assert c_body == c_short
        return _Residual(body, shortcut), c_body
    raise ValueError(t)


class _Residual(nn.Module):
    def __init__(self, body: nn.Module, shortcut: nn.Module) -> None:
        super().__init__()
        self.body, self.shortcut = body, shortcut

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x) + self.shortcut(x)


def _sequential(specs: list[dict[str, Any]], channels: int) -> tuple[nn.Module, int]:
    modules = []
    for spec in specs:
        m, channels = _module(spec, channels)
        modules.append(m)
    return nn.Sequential(*modules), channels


def _measured(spec: dict[str, Any], unit: tuple[int, int]) -> tuple[tuple[int, int], ...]:
    """(first row, first column) and (rows, columns) of the input pixels that output ``unit``
    of the last layer depends on, measured by back-propagation."""
    model, _ = _sequential(spec["layers"], spec["input"][0])
    x = torch.rand(1, *spec["input"], dtype=torch.float64, requires_grad=True)
    y = model(x)
    y[0, 0, unit[0], unit[1]].backward()
    assert x.grad is not None
    rows, cols = torch.nonzero(x.grad[0].abs().sum(dim=0) > 0, as_tuple=True)
    first = (int(rows.min()), int(cols.min()))
    size = (int(rows.max()) - first[0] + 1, int(cols.max()) - first[1] + 1)
    return first, size


def _predicted(spec: dict[str, Any], unit: tuple[int, int]) -> tuple[tuple[int, int], ...]:
    """The same, from the package: ``unit * jump - start`` and ``receptive_field``."""
    last = cs.analyse(cs.parse_spec({"name": "case", **spec})).rows[-1]
    assert last.receptive_field and last.jump and last.start
    first = tuple(u * j - s for u, j, s in zip(unit, last.jump, last.start, strict=True))
    return first, last.receptive_field


def _conv(k: Any, s: Any = 1, p: Any = 0, d: Any = 1, c: int = 2) -> dict[str, Any]:
    """A conv layer of the spec format (pairs as [height, width] lists)."""
    pairs = {"kernel_size": k, "stride": s, "padding": p, "dilation": d}
    pairs = {key: list(v) if isinstance(v, tuple) else v for key, v in pairs.items()}
    return {"type": "conv", "out_channels": c, **pairs}


CASES = {
    # Several layers with strides, paddings and a dilation that all differ by axis: start
    # accumulates pad * jump of the layer before, which a one-layer case cannot tell apart.
    "several layers": (
        {
            "input": [1, 61, 67],
            "layers": [
                _conv((3, 5), (1, 2), (1, 2)),
                {"type": "maxpool", "kernel_size": 2, "stride": 2},
                _conv(3, 2, (2, 1), (2, 1)),
                {"type": "relu"},
                _conv((5, 3), 1, (0, 3)),
            ],
        },
        (3, 5),
    ),
    # Adaptive average pooling to 2x3 from 12x12: windows of 6x4 with strides 6 and 4.
    "adaptive pooling, not global": (
        {
            "input": [1, 24, 24],
            "layers": [
                _conv(3, 2, 1),
                {"type": "adaptive_avgpool", "output_size": [2, 3]},
            ],
        },
        (1, 1),
    ),
    # A residual block whose shortcut sees more than its body: a 7x7 shortcut against a 3x3
    # body (both keep the size), the sum sees the larger field and starts where it starts.
    "residual, larger shortcut": (
        {
            "input": [1, 40, 40],
            "layers": [
                _conv(3, 2, 1),
                {
                    "type": "residual",
                    "body": [_conv(3, 1, 1)],
                    "shortcut": [_conv(7, 1, 3)],
                },
                _conv(3, 1, 1),
            ],
        },
        (9, 11),
    ),
    # The same with the larger field on the body side, and an off-centre shortcut.
    "residual, larger body": (
        {
            "input": [1, 40, 40],
            "layers": [
                {
                    "type": "residual",
                    "body": [_conv(5, 1, 2), _conv(5, 1, 2)],
                    "shortcut": [_conv(3, 1, (0, 2)), _conv(3, 1, (2, 0))],
                },
            ],
        },
        (20, 20),
    ),
}


@pytest.mark.parametrize(("spec", "unit"), CASES.values(), ids=CASES.keys())
def test_receptive_field_matches_backpropagation(
    spec: dict[str, Any], unit: tuple[int, int]
) -> None:
    """Size and position of one interior unit's field, per axis, as torch's gradient shows."""
    assert _predicted(spec, unit) == _measured(spec, unit)
