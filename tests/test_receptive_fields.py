"""Receptive fields, effective strides and paddings (Araujo, Norris and Sim, Distill 2019)."""

from __future__ import annotations

from pathlib import Path

import pytest

import convshare as cs

SPECS = Path(__file__).resolve().parent.parent / "docs" / "architectures"


def _last_spatial(name: str) -> cs.LayerResult:
    rows = [r for r in cs.load_spec(SPECS / name).rows if r.receptive_field is not None]
    return rows[-1]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        # Araujo et al. 2019, "Computing Receptive Fields of Convolutional Neural Networks",
        # Table 1: AlexNet 195, VGG-16 212, MobileNetV2 491 (the last layer before pooling to 1x1).
        ("alexnet-cs231n.yaml", 195),
        ("vgg-16.yaml", 212),
        ("mobilenet-v2.yaml", 491),
    ],
)
def test_published_receptive_fields(spec: str, expected: int) -> None:
    """The last spatial layer's receptive field equals the published value."""
    assert _last_spatial(spec).receptive_field == (expected, expected)


def test_recurrence_by_hand() -> None:
    """r = 1 + sum (k_l - 1) * prod s_i; j = prod s; p = sum pad_l * j_(l-1), worked by hand."""
    net = cs.parse_spec(
        {
            "name": "by hand",
            "input": [1, 64, 64],
            "layers": [
                {"type": "conv", "name": "a", "out_channels": 1, "kernel_size": 3, "padding": 1},
                {"type": "maxpool", "name": "b", "kernel_size": 2},
                {"type": "conv", "name": "c", "out_channels": 1, "kernel_size": 3, "dilation": 2},
                {"type": "conv", "name": "d", "out_channels": 1, "kernel_size": 5, "stride": 2},
            ],
        }
    )
    rows = {r.name: r for r in cs.analyse(net).rows}
    # a: r = 1 + 2*1 = 3, j = 1, p = 1*1
    assert (rows["a"].receptive_field, rows["a"].jump, rows["a"].start) == ((3, 3), (1, 1), (1, 1))
    # b: r = 3 + 1*1 = 4, j = 2
    assert (rows["b"].receptive_field, rows["b"].jump) == ((4, 4), (2, 2))
    # c: dilated extent 2*(3-1)+1 = 5: r = 4 + 4*2 = 12, j = 2
    assert (rows["c"].receptive_field, rows["c"].jump) == ((12, 12), (2, 2))
    # d: r = 12 + 4*2 = 20, j = 4
    assert (rows["d"].receptive_field, rows["d"].jump) == ((20, 20), (4, 4))


def test_fully_connected_and_global_pooling_see_the_whole_input() -> None:
    """After a flatten, a linear layer or a global average pool, every unit sees everything."""
    rows = cs.load_spec(SPECS / "resnet-18.yaml").rows
    pool = next(r for r in rows if r.type == "adaptive_avgpool")
    assert pool.receptive_field is None
    assert all(r.receptive_field is None for r in rows if r.type in ("flatten", "linear"))
