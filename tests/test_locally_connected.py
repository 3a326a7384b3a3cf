"""An independent locally connected layer ("unshared convolution") checks ``params_unshared``.

A locally connected layer has the geometry of a convolution but no sharing: every output
position owns its own filters and biases (Goodfellow, Bengio and Courville, "Deep Learning",
ch. 9.5, "unshared convolution"; Keras' former LocallyConnected2D). The layer below is written
here from that definition, with ``torch.nn.functional.unfold`` and ``torch.einsum``:

* weight: (positions, out_channels, in_channels/groups * kh * kw);
* bias: (positions, out_channels).

Its trainable parameter count must equal convshare's ``params_unshared``; and when every
position holds the same filter as a ``Conv2d``, its output must equal the convolution's.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
import torch.nn.functional as F

import convshare

# float64 sums of at most a few hundred products of numbers in [-1, 1]: rounding errors stay
# near 1e-15; 1e-12 leaves room and still catches any misplaced weight (errors of order 0.1).
TOLERANCE = {"rtol": 1e-12, "atol": 1e-12}


def _pair(v: int | tuple[int, int]) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else v


class LocallyConnected2d(torch.nn.Module):
    """Conv2d's geometry (stride, padding, dilation, groups), one filter bank per position."""

    def __init__(
        self,
        input_size: tuple[int, int],
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        dilation: int | tuple[int, int] = 1,
        groups: int = 1,
        bias: bool = True,
        device: str | torch.device = "cpu",
        dtype: torch.dtype = torch.float64,
    ) -> None:
        super().__init__()
        self.kernel, self.stride = _pair(kernel_size), _pair(stride)
        self.padding, self.dilation = _pair(padding), _pair(dilation)
        self.groups, self.out_channels = groups, out_channels
        self.out_size = tuple(
            (n + 2 * p - d * (k - 1) - 1) // s + 1  # torch.nn.Conv2d docs, per axis
            for n, k, s, p, d in zip(
                input_size, self.kernel, self.stride, self.padding, self.dilation, strict=True
            )
        )
        positions = self.out_size[0] * self.out_size[1]
        fan_in = in_channels // groups * self.kernel[0] * self.kernel[1]
        self.weight = torch.nn.Parameter(
            torch.empty(positions, out_channels, fan_in, device=device, dtype=dtype)
        )
        self.bias = (
            torch.nn.Parameter(torch.empty(positions, out_channels, device=device, dtype=dtype))
            if bias
            else None
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        g = self.groups
        cols = F.unfold(x, self.kernel, self.dilation, self.padding, self.stride)
        # cols: (n, in_channels * kh * kw, positions), channel-major, as the weight's last axis
        cols = cols.reshape(n, g, -1, cols.shape[-1])  # (n, g, fan_in, L)
        positions = cols.shape[-1]
        w = self.weight.reshape(positions, g, self.out_channels // g, -1)  # (L, g, o/g, fan_in)
        y = torch.einsum("ngfl,lgof->ngol", cols, w).reshape(n, self.out_channels, positions)
        if self.bias is not None:
            y = y + self.bias.T.unsqueeze(0)
        return y.reshape(n, self.out_channels, *self.out_size)


GEOMETRIES: list[tuple[tuple[int, int], int, int, Any, dict[str, Any]]] = [
    # (input size, in_channels, out_channels, kernel, other Conv2d arguments)
    ((28, 28), 1, 6, 5, {}),  # the article's LeNet layer
    ((32, 32), 1, 6, 5, {}),  # LeNet-5's C1
    ((13, 11), 3, 4, 3, {"stride": 2}),
    ((9, 12), 2, 6, (3, 2), {"padding": (1, 2)}),
    ((15, 15), 4, 4, 3, {"dilation": 2, "padding": 1}),
    ((10, 9), 4, 6, 3, {"groups": 2, "stride": (1, 2)}),
    ((8, 8), 6, 6, 3, {"groups": 6, "padding": 1, "bias": False}),  # depthwise
    (
        (12, 10),
        6,
        9,
        (2, 3),
        {"stride": (3, 2), "padding": (1, 0), "dilation": (2, 1), "groups": 3},
    ),
]


def _ids(geos: list[Any]) -> list[str]:
    return [f"{g[0][0]}x{g[0][1]}-{g[1]}to{g[2]}-k{g[3]}-{g[4]}" for g in geos]


@pytest.mark.parametrize(("size", "cin", "cout", "k", "kw"), GEOMETRIES, ids=_ids(GEOMETRIES))
def test_parameter_count_is_params_unshared(
    size: tuple[int, int], cin: int, cout: int, k: Any, kw: dict[str, Any]
) -> None:
    lc = LocallyConnected2d(size, cin, cout, k, **kw, device="meta")
    r = convshare.conv2d(size, cin, cout, k, **kw)
    assert lc.out_size == r.output_size
    assert sum(p.numel() for p in lc.parameters()) == r.params_unshared
    conv = torch.nn.Conv2d(cin, cout, k, **kw, device="meta")
    assert sum(p.numel() for p in conv.parameters()) == r.params_shared


def test_alexnet_conv1_unshared_on_meta() -> None:
    """CS231n's AlexNet conv1 (227x227x3, 96 filters 11x11, stride 4), built without sharing on
    the meta device (no memory): 55*55*96*(11*11*3 + 1) = 105,705,600 parameters."""
    lc = LocallyConnected2d((227, 227), 3, 96, 11, stride=4, device="meta")
    assert sum(p.numel() for p in lc.parameters()) == 55 * 55 * 96 * (11 * 11 * 3 + 1)
    assert convshare.conv2d(227, 3, 96, 11, stride=4).params_unshared == 105_705_600
    y = lc(torch.empty(1, 3, 227, 227, device="meta", dtype=torch.float64))
    assert tuple(y.shape) == (1, 96, 55, 55)


@pytest.mark.parametrize(("size", "cin", "cout", "k", "kw"), GEOMETRIES, ids=_ids(GEOMETRIES))
def test_shared_filters_reproduce_conv2d(
    size: tuple[int, int], cin: int, cout: int, k: Any, kw: dict[str, Any]
) -> None:
    gen = torch.Generator().manual_seed(1998)
    conv = torch.nn.Conv2d(cin, cout, k, **kw, dtype=torch.float64)
    lc = LocallyConnected2d(size, cin, cout, k, **kw)
    with torch.no_grad():
        conv.weight.copy_(torch.rand(conv.weight.shape, generator=gen, dtype=torch.float64) * 2 - 1)
        # every position holds the convolution's filters (and biases): sharing by hand
        lc.weight.copy_(conv.weight.reshape(cout, -1).expand_as(lc.weight))
        if conv.bias is not None:
            assert lc.bias is not None
            conv.bias.copy_(torch.rand(cout, generator=gen, dtype=torch.float64) * 2 - 1)
            lc.bias.copy_(conv.bias.expand_as(lc.bias))
        x = torch.rand(2, cin, *size, generator=gen, dtype=torch.float64) * 2 - 1
        expected = F.conv2d(x, conv.weight, conv.bias, conv.stride, conv.padding, conv.dilation,
                            conv.groups)  # fmt: skip
        got = lc(x)
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected, **TOLERANCE)


def test_unshared_layer_differs_when_positions_differ() -> None:
    """The check above can fail: change one position's filter and only that output changes."""
    gen = torch.Generator().manual_seed(2012)
    conv = torch.nn.Conv2d(1, 2, 3, dtype=torch.float64)
    lc = LocallyConnected2d((6, 6), 1, 2, 3)
    with torch.no_grad():
        lc.weight.copy_(conv.weight.reshape(2, -1).expand_as(lc.weight))
        assert lc.bias is not None and conv.bias is not None
        lc.bias.copy_(conv.bias.expand_as(lc.bias))
        lc.weight[5, 1, 4] += 0.5  # position 5 = row 1, column 1 of the 4x4 output; filter 1
        x = torch.rand(1, 1, 6, 6, generator=gen, dtype=torch.float64) + 0.1
        diff = (lc(x) - conv(x)).abs()
    changed = (diff > 1e-9).nonzero().tolist()
    assert changed == [[0, 1, 1, 1]]
    # the change: 0.5 * the input under the kernel centre of that window, x[1 + 1, 1 + 1]
    torch.testing.assert_close(diff[0, 1, 1, 1], 0.5 * x[0, 0, 2, 2], **TOLERANCE)
