"""Arithmetic of one 2-D convolution, shared and unshared, with PyTorch's conventions."""

from __future__ import annotations

from dataclasses import dataclass

from ._errors import GeometryError

__all__ = [
    "Axis",
    "ConvResult",
    "IntOrPair",
    "Padding",
    "axis_output",
    "conv2d",
    "pair",
]

IntOrPair = int | tuple[int, int]
Padding = int | tuple[int, int] | str

_AXES = (("rows", "纵向"), ("columns", "横向"))


def _show(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _check_int(name: str, value: object, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise GeometryError("not_integer", name=name, value=_show(value))
    if value < minimum:
        raise GeometryError("not_positive" if minimum > 0 else "negative", name=name, value=value)
    return value


def pair(name: str, value: object, *, minimum: int = 1) -> tuple[int, int]:
    """Read an int or an (h, w) pair the way ``torch.nn.Conv2d`` does, and check its range.

    >>> pair("kernel_size", 3)
    (3, 3)
    >>> pair("stride", (2, 1))
    (2, 1)
    """
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise GeometryError("bad_pair", name=name, value=_show(value))
        h, w = value
        return _check_int(name, h, minimum=minimum), _check_int(name, w, minimum=minimum)
    if isinstance(value, bool) or not isinstance(value, int):
        raise GeometryError("bad_pair", name=name, value=_show(value))
    v = _check_int(name, value, minimum=minimum)
    return v, v


@dataclass(frozen=True)
class Axis:
    """One spatial axis of a sliding window: sizes, hyper-parameters and the result."""

    size: int
    kernel: int
    stride: int
    pad_before: int
    pad_after: int
    dilation: int
    output: int
    unused: int
    """Input rows (or columns) of the padded input that no window reaches, at the far end."""

    @property
    def extent(self) -> int:
        """Span of one window on the input: ``dilation * (kernel - 1) + 1``."""
        return self.dilation * (self.kernel - 1) + 1

    @property
    def padded(self) -> int:
        """Input size plus padding on both sides."""
        return self.size + self.pad_before + self.pad_after


def axis_output(
    size: int,
    kernel: int,
    stride: int,
    pad_before: int,
    pad_after: int,
    dilation: int = 1,
    *,
    ceil_mode: bool = False,
    index: int = 0,
) -> Axis:
    """Output length along one axis: ``floor((in + pads - d(k - 1) - 1) / s) + 1``.

    ``ceil_mode`` follows PyTorch's pooling layers: round up, but drop a last window that
    would start in the right padding.

    >>> a = axis_output(224, 11, 4, 0, 0)
    >>> a.output, a.unused
    (54, 1)
    """
    padded = size + pad_before + pad_after
    extent = dilation * (kernel - 1) + 1
    span = padded - extent
    if ceil_mode:
        # PyTorch's pooling_output_shape: round up, then drop a window starting in the padding.
        out = (span + stride - 1) // stride + 1
        if (out - 1) * stride >= size + pad_before:
            out -= 1
    else:
        out = span // stride + 1
    if span < 0 and out < 1:
        axis, axis_zh = _AXES[index]
        raise GeometryError(
            "kernel_too_large",
            extent=extent,
            axis=axis,
            axis_zh=axis_zh,
            padded=padded,
            size=size,
            pad=pad_before + pad_after,
        )
    reached = (out - 1) * stride + extent
    return Axis(
        size=size,
        kernel=kernel,
        stride=stride,
        pad_before=pad_before,
        pad_after=pad_after,
        dilation=dilation,
        output=out,
        unused=max(padded - reached, 0),
    )


@dataclass(frozen=True)
class ConvResult:
    """Everything the site says about one convolutional layer.

    ``params_unshared`` counts a locally connected layer of the same geometry: every output
    position owns its own copy of every filter and bias.
    """

    input_size: tuple[int, int]
    in_channels: int
    out_channels: int
    groups: int
    bias: bool
    axes: tuple[Axis, Axis]

    @property
    def kernel_size(self) -> tuple[int, int]:
        """Kernel (height, width)."""
        return self.axes[0].kernel, self.axes[1].kernel

    @property
    def stride(self) -> tuple[int, int]:
        """Stride (height, width)."""
        return self.axes[0].stride, self.axes[1].stride

    @property
    def dilation(self) -> tuple[int, int]:
        """Dilation (height, width)."""
        return self.axes[0].dilation, self.axes[1].dilation

    @property
    def padding(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """Padding ((top, bottom), (left, right))."""
        return (
            (self.axes[0].pad_before, self.axes[0].pad_after),
            (self.axes[1].pad_before, self.axes[1].pad_after),
        )

    @property
    def output_size(self) -> tuple[int, int]:
        """Output (height, width)."""
        return self.axes[0].output, self.axes[1].output

    @property
    def unused(self) -> tuple[int, int]:
        """Rows and columns of the padded input that the last window leaves unused."""
        return self.axes[0].unused, self.axes[1].unused

    @property
    def positions(self) -> int:
        """Output positions per feature map: out_h × out_w."""
        return self.axes[0].output * self.axes[1].output

    @property
    def neurons(self) -> int:
        """Units in the output volume: out_h × out_w × out_channels."""
        return self.positions * self.out_channels

    @property
    def weights_per_filter(self) -> int:
        """Weights in one filter: k_h × k_w × in_channels / groups."""
        return self.axes[0].kernel * self.axes[1].kernel * (self.in_channels // self.groups)

    @property
    def params_per_filter(self) -> int:
        """Weights in one filter plus its bias, if any."""
        return self.weights_per_filter + int(self.bias)

    @property
    def weights_shared(self) -> int:
        """Weights (no biases) with sharing."""
        return self.out_channels * self.weights_per_filter

    @property
    def biases(self) -> int:
        """Biases with sharing: one per filter, or none."""
        return self.out_channels if self.bias else 0

    @property
    def params_shared(self) -> int:
        """Trainable parameters with sharing: out_channels × (weights per filter + bias)."""
        return self.out_channels * self.params_per_filter

    @property
    def params_unshared(self) -> int:
        """Trainable parameters without sharing: one copy per output position."""
        return self.positions * self.params_shared

    @property
    def connections(self) -> int:
        """Connections as LeCun et al. count them: each unit's inputs plus its bias."""
        return self.neurons * self.params_per_filter

    @property
    def macs(self) -> int:
        """Multiply-accumulates: neurons × weights per filter (the same with or without sharing)."""
        return self.neurons * self.weights_per_filter

    @property
    def sharing_ratio(self) -> int:
        """params_unshared / params_shared, which is exactly the number of output positions."""
        return self.positions


def _padding(
    padding: object, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]
) -> tuple[tuple[int, int], tuple[int, int]]:
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise GeometryError(
                    "same_strided", value=_show(stride if stride[0] != stride[1] else stride[0])
                )
            pads = []
            for k, d in zip(kernel, dilation, strict=True):
                total = d * (k - 1)
                pads.append((total // 2, total - total // 2))
            return pads[0], pads[1]
        raise GeometryError("bad_padding", value=_show(padding))
    ph, pw = pair("padding", padding, minimum=0)
    return (ph, ph), (pw, pw)


def conv2d(
    input_size: IntOrPair,
    in_channels: int,
    out_channels: int,
    kernel_size: IntOrPair,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
    groups: int = 1,
    bias: bool = True,
) -> ConvResult:
    """Compute a ``torch.nn.Conv2d`` layer's output size, neurons, parameters and MACs.

    Padding is per side, as in PyTorch (``'same'`` pads the odd extra row at the bottom).

    >>> r = conv2d(227, 3, 96, 11, stride=4)
    >>> r.output_size, r.neurons, r.params_shared, r.params_unshared, r.macs
    ((55, 55), 290400, 34944, 105705600, 105415200)
    >>> conv2d(224, 3, 96, 11, stride=4).unused
    (1, 1)
    """
    size = pair("input_size", input_size)
    cin = _check_int("in_channels", in_channels, minimum=1)
    cout = _check_int("out_channels", out_channels, minimum=1)
    g = _check_int("groups", groups, minimum=1)
    k = pair("kernel_size", kernel_size)
    s = pair("stride", stride)
    d = pair("dilation", dilation)
    if not isinstance(bias, bool):
        raise GeometryError("not_bool", name="bias", value=_show(bias))
    pads = _padding(padding, k, s, d)
    if cin % g:
        raise GeometryError("groups_in", in_channels=cin, groups=g)
    if cout % g:
        raise GeometryError("groups_out", out_channels=cout, groups=g)
    axes = (
        axis_output(size[0], k[0], s[0], *pads[0], d[0], index=0),
        axis_output(size[1], k[1], s[1], *pads[1], d[1], index=1),
    )
    return ConvResult(
        input_size=size, in_channels=cin, out_channels=cout, groups=g, bias=bias, axes=axes
    )
