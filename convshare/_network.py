"""Whole networks: layers, shapes flowing from layer to layer, totals and receptive fields.

Receptive field size ``r``, effective stride ``j`` and effective padding ``p`` follow the
recurrences of Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional Neural
Networks", Distill 2019: ``r += (extent - 1) * j``; ``p += pad_before * j``; ``j *= stride``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._blocks import BlockUse
from ._conv import ConvResult, axis_output, conv2d, pair
from ._errors import GeometryError, NetworkShapeError

__all__ = [
    "ACTIVATIONS",
    "MERGES",
    "Layer",
    "LayerResult",
    "Network",
    "NetworkResult",
    "NetworkShapeError",
    "analyse",
]

#: Layers that keep the shape and hold no parameters. ``dropout`` and ``stochastic_depth``
#: (which drops a whole residual branch at random while training) do nothing at inference.
ACTIVATIONS = (
    "relu",
    "relu6",
    "tanh",
    "sigmoid",
    "silu",
    "gelu",
    "hardswish",
    "hardsigmoid",
    "dropout",
    "stochastic_depth",
    "lrn",
    "softmax",
)

#: How a ``parallel`` layer merges its branches: along the channel axis, by an elementwise sum,
#: or by an elementwise product (a gate such as squeeze-and-excitation; a branch that ends in a
#: 1×1 map is broadcast over the other's positions).
MERGES = ("concat", "sum", "multiply")

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Layer:
    """One layer as written in a spec: a type, a name and its arguments.

    A ``residual`` layer holds a ``body`` and a ``shortcut`` (empty for an identity shortcut);
    its output is the sum of both branches. A ``parallel`` layer holds ``branches`` (each a
    sequence of layers, empty for the identity) and merges them as its ``merge`` argument says.
    """

    type: str
    name: str
    args: dict[str, object] = field(default_factory=dict)
    body: tuple[Layer, ...] = ()
    shortcut: tuple[Layer, ...] = ()
    branches: tuple[tuple[Layer, ...], ...] = ()


@dataclass(frozen=True)
class Network:
    """An input shape (channels, height, width) and a sequence of layers."""

    name: str
    input_shape: tuple[int, int, int]
    layers: tuple[Layer, ...]
    meta: dict[str, object] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)
    """Layer name -> where it is written (e.g. ``layers[3] (C3)``), for error messages."""
    uses: tuple[BlockUse, ...] = ()
    """Where the spec's top-level ``use`` entries put their layers (pages group them)."""


@dataclass(frozen=True)
class LayerResult:
    """One row of a network table."""

    name: str
    type: str
    in_shape: Shape
    out_shape: Shape
    params: int
    params_unshared: int
    macs: int
    connections: int
    receptive_field: tuple[int, int] | None
    """Receptive field on the input (rows, columns); None once a layer sees the whole input."""
    jump: tuple[int, int] | None
    """Effective stride: input pixels between neighbouring outputs."""
    start: tuple[int, int] | None
    """Effective padding: how far the first output's receptive field starts before the input."""
    conv: ConvResult | None = None
    branch: str = ""
    """"" on the main path; "body"/"shortcut" inside a residual block and "add" for its sum;
    "branch" inside a parallel layer and its merge ("concat", "sum", "multiply") for the merge."""

    @property
    def neurons(self) -> int:
        """Units in this layer's output."""
        n = 1
        for d in self.out_shape:
            n *= d
        return n

    @property
    def shares(self) -> bool:
        """Whether the layer slides shared weights over space (unshared count differs)."""
        return self.params_unshared != self.params


class Totals:
    """Totals over ``rows``: a whole network's (``NetworkResult``) or one entry of its page
    (``LayerGroup``)."""

    if TYPE_CHECKING:  # a dataclass field or a property of the subclass

        @property
        def rows(self) -> tuple[LayerResult, ...]: ...

    @property
    def params(self) -> int:
        """Trainable parameters, with sharing."""
        return sum(r.params for r in self.rows)

    @property
    def params_unshared(self) -> int:
        """Trainable parameters if every sliding layer were locally connected."""
        return sum(r.params_unshared for r in self.rows)

    @property
    def macs(self) -> int:
        """Multiply-accumulates of one forward pass (one image)."""
        return sum(r.macs for r in self.rows)

    @property
    def connections(self) -> int:
        """Connections as LeCun et al. (1998) count them."""
        return sum(r.connections for r in self.rows)


@dataclass(frozen=True)
class NetworkResult(Totals):
    """Per-layer rows and totals for a network."""

    network: Network
    rows: tuple[LayerResult, ...]
    spans: tuple[int, ...] = ()
    """How many rows each of ``network.layers`` gave (nested layers included); empty when
    unknown."""

    @property
    def output_shape(self) -> Shape:
        """The shape the last layer produces."""
        return self.rows[-1].out_shape if self.rows else self.network.input_shape

    @property
    def sharing_ratio(self) -> float:
        """params_unshared / params."""
        return self.params_unshared / self.params if self.params else 1.0

    def first_conv(self) -> LayerResult | None:
        """The first convolutional layer's row, if any."""
        return next((r for r in self.rows if r.type == "conv"), None)


@dataclass(frozen=True)
class _Field:
    rf: tuple[int, int] | None
    jump: tuple[int, int] | None
    start: tuple[int, int] | None

    def slide(
        self, extent: tuple[int, int], stride: tuple[int, int], pad: tuple[int, int]
    ) -> _Field:
        if self.rf is None or self.jump is None or self.start is None:
            return self
        j, r, p = self.jump, self.rf, self.start
        return _Field(
            rf=(r[0] + (extent[0] - 1) * j[0], r[1] + (extent[1] - 1) * j[1]),
            jump=(j[0] * stride[0], j[1] * stride[1]),
            start=(p[0] + pad[0] * j[0], p[1] + pad[1] * j[1]),
        )


_WHOLE = _Field(None, None, None)


def _spatial(layer: Layer, shape: Shape) -> tuple[int, int, int]:
    if len(shape) != 3:
        raise NetworkShapeError(layer.name, "needs_spatial", type=layer.type, shape=shape)
    return shape[0], shape[1], shape[2]


def _arg(layer: Layer, key: str, default: object = None) -> object:
    return layer.args.get(key, default)


def _int(layer: Layer, key: str, default: int | None = None) -> int:
    value = layer.args.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise GeometryError("not_integer", name=key, value=repr(value))
    return value


def _conv(layer: Layer, shape: Shape, f: _Field) -> tuple[LayerResult, _Field]:
    c, h, w = _spatial(layer, shape)
    in_channels = _arg(layer, "in_channels", c)
    if in_channels != c:
        raise NetworkShapeError(
            layer.name,
            "in_channels_mismatch",
            in_channels=in_channels,
            channels=c,
            s="" if c == 1 else "s",
        )
    r = conv2d(
        (h, w),
        c,
        _int(layer, "out_channels"),
        _arg(layer, "kernel_size"),  # type: ignore[arg-type]
        stride=_arg(layer, "stride", 1),  # type: ignore[arg-type]
        padding=_arg(layer, "padding", 0),  # type: ignore[arg-type]
        dilation=_arg(layer, "dilation", 1),  # type: ignore[arg-type]
        groups=_int(layer, "groups", 1),
        bias=_arg(layer, "bias", True),  # type: ignore[arg-type]
    )
    out = (r.out_channels, *r.output_size)
    params, macs, connections = r.params_shared, r.macs, r.connections
    table = _arg(layer, "connections")
    if table is not None:
        # A partial connection table (LeNet-5's C3): output map i reads only the listed inputs.
        kk = r.kernel_size[0] * r.kernel_size[1]
        assert isinstance(table, list)
        reads = 0
        for i, inputs in enumerate(table):
            for j in inputs:
                if j >= c:
                    raise NetworkShapeError(
                        layer.name,
                        "connections_range",
                        index=i,
                        channel=j,
                        channels=c,
                        last=c - 1,
                    )
            reads += len(inputs)
        weights = kk * reads
        params = weights + r.biases
        macs = r.positions * weights
        connections = r.positions * params
    ah, aw = r.axes
    nf = f.slide((ah.extent, aw.extent), r.stride, (ah.pad_before, aw.pad_before))
    row = _row(layer, shape, out, params, params * r.positions, macs, connections, nf, conv=r)
    return row, nf


def _pool(layer: Layer, shape: Shape, f: _Field) -> tuple[LayerResult, _Field]:
    c, h, w = _spatial(layer, shape)
    if h < 1 or w < 1:
        raise GeometryError("not_positive", name="input_size", value=f"{h}×{w}")
    k = pair("kernel_size", _arg(layer, "kernel_size"))
    stride = _arg(layer, "stride", None)
    s = k if stride is None else pair("stride", stride)
    p = pair("padding", _arg(layer, "padding", 0), minimum=0)
    d = pair("dilation", _arg(layer, "dilation", 1)) if layer.type == "maxpool" else (1, 1)
    ceil = bool(_arg(layer, "ceil_mode", False))
    for i in (0, 1):
        if p[i] > k[i] // 2:
            raise GeometryError("pool_pad_too_large", pad=p[i], kernel=k[i])
    ah = axis_output(h, k[0], s[0], p[0], p[0], d[0], ceil_mode=ceil, index=0)
    aw = axis_output(w, k[1], s[1], p[1], p[1], d[1], ceil_mode=ceil, index=1)
    out = (c, ah.output, aw.output)
    nf = f.slide((ah.extent, aw.extent), s, (p[0], p[1]))
    if layer.type == "subsample":
        # LeNet-5's trainable subsampling: one coefficient and one bias per map; each unit adds
        # its k*k inputs, multiplies by the coefficient and adds the bias.
        params = 2 * c
        positions = ah.output * aw.output
        units = c * positions
        kk = k[0] * k[1]
        return _row(layer, shape, out, params, params * positions, units, units * (kk + 1), nf), nf
    return _row(layer, shape, out, 0, 0, 0, 0, nf), nf


def _adaptive(layer: Layer, shape: Shape, f: _Field) -> tuple[LayerResult, _Field]:
    c, h, w = _spatial(layer, shape)
    oh, ow = pair("output_size", _arg(layer, "output_size"))
    nf = _WHOLE  # global pooling, or windows of varying size: the whole input
    if (h, w) == (oh, ow):
        nf = f
    elif (oh, ow) != (1, 1) and h % oh == 0 and w % ow == 0:
        kh, kw = h // oh, w // ow
        nf = f.slide((kh, kw), (kh, kw), (0, 0))
    return _row(layer, shape, (c, oh, ow), 0, 0, 0, 0, nf), nf


def _row(
    layer: Layer,
    in_shape: Shape,
    out_shape: Shape,
    params: int,
    params_unshared: int,
    macs: int,
    connections: int,
    f: _Field,
    conv: ConvResult | None = None,
    branch: str = "",
) -> LayerResult:
    return LayerResult(
        name=layer.name,
        type=layer.type,
        in_shape=in_shape,
        out_shape=out_shape,
        params=params,
        params_unshared=params_unshared,
        macs=macs,
        connections=connections,
        receptive_field=f.rf,
        jump=f.jump,
        start=f.start,
        conv=conv,
        branch=branch,
    )


def _flat(layer: Layer, shape: Shape) -> int:
    if len(shape) != 1:
        raise NetworkShapeError(layer.name, "needs_flat", type=layer.type, shape=shape)
    return shape[0]


def _layer(layer: Layer, shape: Shape, f: _Field) -> tuple[list[LayerResult], Shape, _Field]:
    try:
        return _layer_unchecked(layer, shape, f)
    except GeometryError as e:
        raise NetworkShapeError(layer.name, e.code, **e.fields) from e


def _layer_unchecked(
    layer: Layer, shape: Shape, f: _Field
) -> tuple[list[LayerResult], Shape, _Field]:
    t = layer.type
    if t == "conv":
        row, f = _conv(layer, shape, f)
        return [row], row.out_shape, f
    if t in ("maxpool", "avgpool", "subsample"):
        row, f = _pool(layer, shape, f)
        return [row], row.out_shape, f
    if t == "adaptive_avgpool":
        row, f = _adaptive(layer, shape, f)
        return [row], row.out_shape, f
    if t == "batchnorm":
        c = _spatial(layer, shape)[0]
        units = c * shape[1] * shape[2]
        return [_row(layer, shape, shape, 2 * c, 2 * c, units, 0, f)], shape, f
    if t in ("layernorm", "layer_scale"):
        # Layer norm over the channels at each position (ConvNeXt's LayerNorm2d, or nn.LayerNorm
        # on a flat input): a scale and a shift per channel. Layer scale: one scale per channel.
        # Both are the same at every position, like batch normalisation: nothing slides.
        c = shape[0]
        units = 1
        for d in shape:
            units *= d
        params = 2 * c if t == "layernorm" else c
        return [_row(layer, shape, shape, params, params, units, 0, f)], shape, f
    if t in ACTIVATIONS:
        return [_row(layer, shape, shape, 0, 0, 0, 0, f)], shape, f
    if t == "flatten":
        n = 1
        for d in shape:
            n *= d
        return [_row(layer, shape, (n,), 0, 0, 0, 0, _WHOLE)], (n,), _WHOLE
    if t in ("linear", "rbf"):
        n_in = _flat(layer, shape)
        n_out = _int(layer, "out_features")
        if n_out < 1:
            raise GeometryError("not_positive", name="out_features", value=n_out)
        if t == "rbf":
            # LeNet-5's output: Euclidean RBF units with fixed parameter vectors.
            row = _row(layer, shape, (n_out,), 0, 0, n_in * n_out, n_in * n_out, _WHOLE)
        else:
            bias = _arg(layer, "bias", True)
            params = n_out * (n_in + int(bool(bias)))
            row = _row(layer, shape, (n_out,), params, params, n_in * n_out, params, _WHOLE)
        return [row], (n_out,), _WHOLE
    if t == "residual":
        return _residual(layer, shape, f)
    if t == "parallel":
        return _parallel(layer, shape, f)
    raise NetworkShapeError(layer.name, "unknown_layer", type=repr(t))


def _branch(
    layers: Sequence[Layer], shape: Shape, f: _Field, label: str
) -> tuple[list[LayerResult], Shape, _Field]:
    rows: list[LayerResult] = []
    for sub in layers:
        sub_rows, shape, f = _layer(sub, shape, f)
        rows += [_relabel(r, label) for r in sub_rows]
    return rows, shape, f


def _relabel(r: LayerResult, label: str) -> LayerResult:
    if r.branch:
        return r
    return LayerResult(**{**r.__dict__, "branch": label})


def _residual(layer: Layer, shape: Shape, f: _Field) -> tuple[list[LayerResult], Shape, _Field]:
    body_rows, body_shape, body_f = _branch(layer.body, shape, f, "body")
    short_rows, short_shape, short_f = _branch(layer.shortcut, shape, f, "shortcut")
    if body_shape != short_shape:
        raise NetworkShapeError(
            layer.name, "residual_mismatch", body=body_shape, shortcut=short_shape
        )
    merged = body_f
    if body_f.rf is not None and short_f.rf is not None:
        # The sum sees the union of both fields: from the earlier of the two starts to the later
        # of the two ends (unit 0 reads input pixels -start to -start + rf - 1 on each axis).
        assert body_f.start is not None and short_f.start is not None
        start = (max(body_f.start[0], short_f.start[0]), max(body_f.start[1], short_f.start[1]))
        end = tuple(
            max(body_f.rf[i] - body_f.start[i], short_f.rf[i] - short_f.start[i]) for i in (0, 1)
        )
        merged = _Field(
            rf=(end[0] + start[0], end[1] + start[1]),
            jump=body_f.jump,
            start=start,
        )
    add = _row(layer, body_shape, body_shape, 0, 0, 0, 0, merged, branch="add")
    return [*body_rows, *short_rows, add], body_shape, merged


def _union(fields: Sequence[_Field]) -> _Field:
    """The receptive field of a unit that reads the same position of several branches.

    Branch ``i`` covers input rows ``-start_i + k * jump`` to ``-start_i + k * jump + rf_i - 1``
    for output row ``k``: the union runs from ``-max(start)`` to ``max(rf_i - 1 - start_i)``.
    A branch that sees the whole input (global pooling) makes the merge see it too.

    >>> _union([_Field((3, 3), (1, 1), (1, 1)), _Field((1, 1), (1, 1), (0, 0))]).rf
    (3, 3)
    >>> _union([_Field((5, 1), (2, 2), (0, 0)), _Field((3, 3), (2, 2), (2, 1))])
    _Field(rf=(7, 3), jump=(2, 2), start=(2, 1))
    """
    if any(x.rf is None or x.jump is None or x.start is None for x in fields):
        return _WHOLE
    rf: list[int] = []
    start: list[int] = []
    for axis in (0, 1):
        s = max(x.start[axis] for x in fields)  # type: ignore[index]
        end = max(x.rf[axis] - 1 - x.start[axis] for x in fields)  # type: ignore[index]
        rf.append(end + s + 1)
        start.append(s)
    jump = fields[0].jump
    assert jump is not None
    if any(x.jump != jump for x in fields):
        # Branches of different strides cannot be merged position by position (their shapes
        # differ, which the merge refuses before this): keep the coarsest for safety.
        jump = (max(x.jump[0] for x in fields), max(x.jump[1] for x in fields))  # type: ignore[index]
    return _Field((rf[0], rf[1]), jump, (start[0], start[1]))


def _parallel(layer: Layer, shape: Shape, f: _Field) -> tuple[list[LayerResult], Shape, _Field]:
    merge = str(_arg(layer, "merge", "concat"))
    if merge not in MERGES:
        raise NetworkShapeError(
            layer.name, "bad_merge", merges=", ".join(MERGES), value=repr(merge)
        )
    if len(layer.branches) < 2:
        raise NetworkShapeError(layer.name, "bad_branches")
    rows: list[LayerResult] = []
    shapes: list[Shape] = []
    fields: list[_Field] = []
    for branch in layer.branches:
        b_rows, b_shape, b_f = _branch(branch, shape, f, "branch")
        rows += b_rows
        shapes.append(b_shape)
        fields.append(b_f)
    listing = ", ".join(str(s) for s in shapes)
    macs = 0
    if merge == "concat":
        ranks = {len(s) for s in shapes}
        if ranks == {3} and len({s[1:] for s in shapes}) == 1:
            out: Shape = (sum(s[0] for s in shapes), *shapes[0][1:])
        elif ranks == {1}:
            out = (sum(s[0] for s in shapes),)
        else:
            raise NetworkShapeError(layer.name, "concat_mismatch", shapes=listing)
    elif merge == "sum":
        if len(set(shapes)) != 1:
            raise NetworkShapeError(layer.name, "sum_mismatch", shapes=listing)
        out = shapes[0]
    else:
        full = [s for s in shapes if len(s) != 3 or s[1:] != (1, 1)]
        out = full[0] if full else shapes[0]
        for s in shapes:
            if s != out and not (len(s) == 3 and len(out) == 3 and s == (out[0], 1, 1)):
                raise NetworkShapeError(layer.name, "multiply_mismatch", shapes=listing)
        units = 1
        for d in out:
            units *= d
        macs = units * (len(shapes) - 1)
    merged = _union(fields)
    row = _row(layer, shape, out, 0, 0, macs, 0, merged, branch=merge)
    return [*rows, row], out, merged


def analyse(network: Network) -> NetworkResult:
    """Flow the input shape through every layer; per-layer rows and totals.

    >>> net = Network("tiny", (1, 28, 28), (Layer("conv", "c1", {"out_channels": 6,
    ...     "kernel_size": 5}), Layer("maxpool", "p1", {"kernel_size": 2})))
    >>> [(r.name, r.out_shape, r.params, r.receptive_field) for r in analyse(net).rows]
    [('c1', (6, 24, 24), 156, (5, 5)), ('p1', (6, 12, 12), 0, (6, 6))]
    """
    shape: Shape = network.input_shape
    f = _Field((1, 1), (1, 1), (0, 0))
    rows: list[LayerResult] = []
    spans: list[int] = []
    for layer in network.layers:
        new_rows, shape, f = _layer(layer, shape, f)
        rows += new_rows
        spans.append(len(new_rows))
    return NetworkResult(network=network, rows=tuple(rows), spans=tuple(spans))
