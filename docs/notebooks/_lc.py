"""A locally connected 2-D layer: ``torch.nn.Conv2d``'s geometry without parameter sharing.

Every output position owns its own copy of every filter and bias (an "unshared convolution",
Goodfellow et al., *Deep Learning*, section 9.5). The notebooks import it from this folder.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["LocallyConnected2d"]

Pair = tuple[int, int]


def _pair(v: int | Pair) -> Pair:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


class LocallyConnected2d(nn.Module):
    """Locally connected layer with the geometry of ``nn.Conv2d`` (no dilation, no groups).

    ``weight`` has shape (positions, out_channels, in_channels * kh * kw) and ``bias``
    (positions, out_channels): one filter bank per output position.
    """

    def __init__(
        self,
        input_size: int | Pair,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Pair,
        stride: int | Pair = 1,
        padding: int | Pair = 0,
        bias: bool = True,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        self.input_size = _pair(input_size)
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride)
        self.padding = _pair(padding)
        self.in_channels, self.out_channels = in_channels, out_channels
        # Output size as torch itself computes it for Conv2d (floor rounding, padding per side).
        self.output_size: Pair = tuple(  # type: ignore[assignment]
            (n + 2 * p - k) // s + 1
            for n, k, s, p in zip(
                self.input_size, self.kernel_size, self.stride, self.padding, strict=True
            )
        )
        positions = self.output_size[0] * self.output_size[1]
        fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
        like = {"device": device, "dtype": dtype}
        self.weight = nn.Parameter(torch.empty(positions, out_channels, fan_in, **like))
        self.bias = nn.Parameter(torch.empty(positions, out_channels, **like)) if bias else None
        if self.weight.device.type != "meta":
            bound = fan_in**-0.5  # the same uniform range as Conv2d's default initialisation
            nn.init.uniform_(self.weight, -bound, bound)
            if self.bias is not None:
                nn.init.uniform_(self.bias, -bound, bound)

    @classmethod
    def from_conv(cls, conv: nn.Conv2d, input_size: int | Pair) -> LocallyConnected2d:
        """A locally connected layer in which every position holds a copy of ``conv``'s filters."""
        if conv.dilation != (1, 1) or conv.groups != 1 or isinstance(conv.padding, str):
            raise ValueError("only dilation 1, groups 1 and numeric padding are supported")
        lc = cls(
            input_size,
            conv.in_channels,
            conv.out_channels,
            conv.kernel_size,  # type: ignore[arg-type]
            conv.stride,  # type: ignore[arg-type]
            conv.padding,  # type: ignore[arg-type]
            bias=conv.bias is not None,
            device=conv.weight.device,
            dtype=conv.weight.dtype,
        )
        with torch.no_grad():
            lc.weight.copy_(conv.weight.reshape(conv.out_channels, -1).expand_as(lc.weight))
            if lc.bias is not None and conv.bias is not None:
                lc.bias.copy_(conv.bias.expand_as(lc.bias))
        return lc

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # cols: (batch, in_channels * kh * kw, positions), the same patches a convolution reads.
        cols = F.unfold(x, self.kernel_size, padding=self.padding, stride=self.stride)
        out = torch.einsum("nkl,lok->nol", cols, self.weight)
        if self.bias is not None:
            out = out + self.bias.t()
        return out.reshape(x.shape[0], self.out_channels, *self.output_size)
