"""An architecture spec (the YAML format of docs/architectures/) built as a PyTorch model.

Written from the spec format alone, to check convshare's analysis independently: the YAML is
read with PyYAML's safe loader, its named blocks expanded (a substitution of text, no
arithmetic: :func:`convshare._blocks.expand`), each layer becomes the torch module it names, and
every size (input channels of a convolution, features of a linear layer, channels of a norm) is
read off the tensor that reaches the layer, so no shape arithmetic is done here. Models are built
on the ``meta`` device (shapes and parameter counts without memory or compute) and run in
evaluation mode, as at inference: batch normalisation uses its running statistics (so it accepts
a 1×1 map of a batch of one), dropout and stochastic depth pass their input through.

``python -m convshare check --torch FILE`` runs :func:`compare`. torch is optional for the rest
of the package: this module is imported only by that command and by the tests.

The spec format, per layer ``type``:

* ``conv``: torch.nn.Conv2d (out_channels, kernel_size, stride, padding, dilation, groups,
  bias; in_channels, if written, must match the input). ``connections`` (LeNet-5's C3, LeCun et
  al. 1998, Table I) lists, for each output map, the input maps it reads: a convolution whose
  other weights are masked to zero, the trainable count taken from the mask.
* ``maxpool`` / ``avgpool``: torch.nn.MaxPool2d / AvgPool2d (stride defaults to the kernel).
* ``subsample``: LeNet-5's S2 and S4 (LeCun et al. 1998, section II.B): each unit adds its
  kernel_size x kernel_size inputs (non-overlapping), multiplies the sum by one trainable
  coefficient per map and adds one trainable bias per map.
* ``adaptive_avgpool``: torch.nn.AdaptiveAvgPool2d; ``batchnorm``: torch.nn.BatchNorm2d;
  ``flatten``: torch.nn.Flatten; ``linear``: torch.nn.Linear (on a flat input only).
* ``rbf``: LeNet-5's output layer: Euclidean radial basis function units, each the squared
  distance between the input and a fixed (not trained) parameter vector, held in a buffer.
* ``residual``: the sum of ``body`` and ``shortcut`` (identity when absent), of equal shapes.
* ``parallel``: ``branches`` (identity when empty) merged by ``merge``: ``concat``
  (torch.cat on the channel axis), ``sum`` (equal shapes) or ``multiply`` (equal shapes, or a
  (channels, 1, 1) gate broadcast over the positions, as in squeeze-and-excitation).
* ``layernorm``: torch.nn.LayerNorm over the channels at each position (the input moved to
  channels-last and back, as torchvision's ConvNeXt does), or over the features of a flat input.
* ``layer_scale``: one trainable scale per channel (ConvNeXt's layer scale), a (C, 1, 1) tensor.
* ``relu``, ``relu6``, ``tanh``, ``sigmoid``, ``silu``, ``gelu``, ``hardswish``,
  ``hardsigmoid``, ``dropout``, ``stochastic_depth``, ``softmax``, ``lrn`` (AlexNet's local
  response normalisation, n = 5, Krizhevsky et al. 2012, section 3.3): no parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
import yaml
from torch import nn

from ._blocks import expand

__all__ = ["Built", "Row", "build", "compare"]

DEVICE = "meta"


@dataclass(frozen=True)
class Row:
    """One layer as the built model sees it."""

    name: str
    type: str
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    params: int


def _arg(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


class MaskedConv2d(nn.Conv2d):
    """A convolution in which output map i reads only the input maps ``table[i]``."""

    def __init__(self, table: list[list[int]], in_channels: int, **kwargs: Any) -> None:
        super().__init__(in_channels, len(table), **kwargs)
        mask = torch.zeros(len(table), in_channels, 1, 1)  # built on the CPU, to count from
        for i, inputs in enumerate(table):
            for j in inputs:
                if not 0 <= j < in_channels:
                    raise ValueError(f"connections[{i}] reads input {j} of {in_channels}")
                mask[i, j] = 1
        kh, kw = self.kernel_size
        bias = self.bias.numel() if self.bias is not None else 0
        self.trainable = int(mask.sum().item()) * kh * kw + bias
        self.masked_out = self.weight.numel() + bias - self.trainable
        self.register_buffer("mask", mask.to(self.weight.device))

    mask: torch.Tensor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y: torch.Tensor = self._conv_forward(x, self.weight * self.mask, self.bias)
        return y


class Subsample(nn.Module):
    """LeNet-5's trainable subsampling: sum of k x k inputs, times a coefficient, plus a bias."""

    def __init__(self, channels: int, kernel_size: int | tuple[int, int]) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.weight = nn.Parameter(torch.empty(channels, device=DEVICE))
        self.bias = nn.Parameter(torch.empty(channels, device=DEVICE))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        k = self.kernel_size
        kh, kw = (k, k) if isinstance(k, int) else k
        sums = F.avg_pool2d(x, k, k) * (kh * kw)
        return sums * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)


class RBF(nn.Module):
    """Euclidean RBF units with fixed parameter vectors (a buffer: nothing to train)."""

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.register_buffer("centres", torch.empty(out_features, in_features, device=DEVICE))

    centres: torch.Tensor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return ((x.unsqueeze(1) - self.centres) ** 2).sum(-1)


class FlatOnly(nn.Module):
    """Wraps a layer that must receive a flat (batch, features) input."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 2:
            raise ValueError(f"needs a flat input, got {tuple(x.shape[1:])}")
        y: torch.Tensor = self.inner(x)
        return y


class Residual(nn.Module):
    """body(x) + shortcut(x), refusing to broadcast two different shapes."""

    def __init__(self, body: nn.Sequential, shortcut: nn.Sequential) -> None:
        super().__init__()
        self.body = body
        self.shortcut = shortcut

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a: torch.Tensor = self.body(x)
        b: torch.Tensor = self.shortcut(x)
        if a.shape != b.shape:
            raise ValueError(f"body {tuple(a.shape)} and shortcut {tuple(b.shape)} differ")
        return a + b


class Parallel(nn.Module):
    """Branches of one input, concatenated on the channels, summed or multiplied."""

    def __init__(self, branches: list[nn.Sequential], merge: str) -> None:
        super().__init__()
        self.branches = nn.ModuleList(branches)
        self.merge = merge

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ys: list[torch.Tensor] = [b(x) for b in self.branches]
        if self.merge == "concat":
            return torch.cat(ys, dim=1)
        out = ys[0]
        for y in ys[1:]:
            if self.merge == "sum":
                if y.shape != out.shape:
                    raise ValueError(f"a sum of {tuple(out.shape)} and {tuple(y.shape)}")
                out = out + y
            elif self.merge == "multiply":
                a, b = (out, y) if out.dim() == 2 or out.shape[2:] != (1, 1) else (y, out)
                gate = b.dim() == 4 and b.shape[2:] == (1, 1) and b.shape[:2] == a.shape[:2]
                if a.shape != b.shape and not gate:
                    raise ValueError(f"a product of {tuple(a.shape)} and {tuple(b.shape)}")
                out = a * b
            else:
                raise ValueError(f"unknown merge {self.merge!r}")
        return out


class LayerNorm2d(nn.LayerNorm):
    """Layer normalisation over the channels at each position of a (N, C, H, W) tensor."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 4:
            return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        return super().forward(x)


class LayerScale(nn.Module):
    """One trainable scale per channel."""

    def __init__(self, channels: int, flat: bool) -> None:
        super().__init__()
        shape = (channels,) if flat else (channels, 1, 1)
        self.scale = nn.Parameter(torch.empty(shape, device=DEVICE))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.scale


ACTIVATIONS: dict[str, Any] = {
    "relu": nn.ReLU,
    "relu6": nn.ReLU6,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "silu": nn.SiLU,
    "gelu": nn.GELU,
    "hardswish": nn.Hardswish,
    "hardsigmoid": nn.Hardsigmoid,
    "dropout": nn.Dropout,
    "stochastic_depth": nn.Identity,
    "softmax": lambda: nn.Softmax(dim=1),
    "lrn": lambda: nn.LocalResponseNorm(5),
}


def trainable(m: nn.Module) -> int:
    """Trainable parameters of one module (masked weights of a connection table excluded)."""
    if isinstance(m, MaskedConv2d):
        return m.trainable
    return sum(p.numel() for p in m.parameters() if p.requires_grad)


def _layer(spec: dict[str, Any], x: torch.Tensor) -> nn.Module:
    """The torch module for one (non-residual) layer, sized from the tensor it receives."""
    t = spec["type"]
    a = {k: _arg(v) for k, v in spec.items() if k not in ("type", "name")}
    if t == "conv":
        cin = x.shape[1]
        if "in_channels" in a and a.pop("in_channels") != cin:
            raise ValueError(f"in_channels {spec['in_channels']} but the input has {cin}")
        kwargs = {
            "kernel_size": a["kernel_size"],
            "stride": a.get("stride", 1),
            "padding": a.get("padding", 0),
            "dilation": a.get("dilation", 1),
            "groups": a.get("groups", 1),
            "bias": a.get("bias", True),
            "device": DEVICE,
        }
        if "connections" in spec:
            if len(spec["connections"]) != a["out_channels"]:
                raise ValueError("one connections entry per output channel")
            return MaskedConv2d(spec["connections"], cin, **kwargs)
        return nn.Conv2d(cin, a["out_channels"], **kwargs)
    if t == "maxpool":
        return nn.MaxPool2d(
            a["kernel_size"],
            stride=a.get("stride"),
            padding=a.get("padding", 0),
            dilation=a.get("dilation", 1),
            ceil_mode=a.get("ceil_mode", False),
        )
    if t == "avgpool":
        return nn.AvgPool2d(
            a["kernel_size"],
            stride=a.get("stride"),
            padding=a.get("padding", 0),
            ceil_mode=a.get("ceil_mode", False),
        )
    if t == "subsample":
        return Subsample(x.shape[1], a["kernel_size"])
    if t == "adaptive_avgpool":
        return nn.AdaptiveAvgPool2d(a["output_size"])
    if t == "batchnorm":
        return nn.BatchNorm2d(x.shape[1], device=DEVICE)
    if t == "layernorm":
        return LayerNorm2d(x.shape[1], device=DEVICE)
    if t == "layer_scale":
        return LayerScale(x.shape[1], x.dim() == 2)
    if t == "flatten":
        return nn.Flatten()
    if t == "linear":
        n_in = x.shape[1] if x.dim() == 2 else -1
        return FlatOnly(nn.Linear(n_in, a["out_features"], bias=a.get("bias", True), device=DEVICE))
    if t == "rbf":
        return FlatOnly(RBF(x.shape[1] if x.dim() == 2 else 1, a["out_features"]))
    if t in ACTIVATIONS:
        act: nn.Module = ACTIVATIONS[t]()
        return act
    raise ValueError(f"unknown layer type {t!r}")


def _sequence(
    specs: list[dict[str, Any]], x: torch.Tensor, rows: list[Row]
) -> tuple[nn.Sequential, torch.Tensor]:
    modules: list[nn.Module] = []
    for i, spec in enumerate(specs):
        name = str(spec.get("name", f"[{i}]"))
        if spec["type"] == "residual":
            body, a = _sequence(spec["body"], x, rows)
            shortcut, _ = _sequence(spec.get("shortcut") or [], x, rows)
            m: nn.Module = Residual(body, shortcut).eval()
            y = m(x)  # refuses two different branch shapes
            rows.append(Row(name, "residual", tuple(a.shape[1:]), tuple(y.shape[1:]), 0))
        elif spec["type"] == "parallel":
            branches = [_sequence(b or [], x, rows)[0] for b in spec["branches"]]
            m = Parallel(branches, spec["merge"]).eval()
            y = m(x)
            rows.append(Row(name, "parallel", tuple(x.shape[1:]), tuple(y.shape[1:]), 0))
        else:
            m = _layer(spec, x).eval()
            y = m(x)
            rows.append(
                Row(name, spec["type"], tuple(x.shape[1:]), tuple(y.shape[1:]), trainable(m))
            )
        modules.append(m)
        x = y
    return nn.Sequential(*modules).eval(), x


@dataclass
class Built:
    """A spec built as a torch model, with one row per layer (residual sums included)."""

    spec: dict[str, Any]
    model: nn.Sequential
    rows: list[Row]

    @property
    def params(self) -> int:
        """Trainable parameters of the whole model, counted from the model itself."""
        masked = sum(m.masked_out for m in self.model.modules() if isinstance(m, MaskedConv2d))
        return sum(p.numel() for p in self.model.parameters() if p.requires_grad) - masked

    def forward(self) -> tuple[int, ...]:
        """Run the assembled model once on the spec's input shape; the output shape."""
        c, h, w = self.spec["input"]
        self.model.eval()
        with torch.no_grad():
            y = self.model(torch.empty(1, c, h, w, device=DEVICE))
        return tuple(y.shape[1:])


def build(path: str | Path) -> Built:
    """Read a spec file and build its model in evaluation mode, layer after layer."""
    spec = expand(yaml.safe_load(Path(path).read_text(encoding="utf-8")), str(path))
    c, h, w = spec["input"]
    rows: list[Row] = []
    with torch.no_grad():
        model, _ = _sequence(spec["layers"], torch.empty(1, c, h, w, device=DEVICE), rows)
    return Built(spec=spec, model=model, rows=rows)


#: The comparison's messages, in the command line's two languages.
_SAID = {
    "en": {
        "cannot": "PyTorch cannot build this network: {e}",
        "layers": "the layers differ: convshare has {ours}, PyTorch {theirs}",
        "layer": "{name}: convshare {a_type} {a_in} -> {a_out}, {a_params} parameters; "
        "PyTorch {b_type} {b_in} -> {b_out}, {b_params}",
        "total": "total: convshare {ours} parameters, PyTorch {theirs}",
        "output": "output: convshare {ours}, PyTorch {theirs}",
    },
    "zh": {
        "cannot": "PyTorch 无法搭建这个网络：{e}",
        "layers": "层不一致：convshare 有 {ours} 层，PyTorch 有 {theirs} 层",
        "layer": "{name}：convshare 算出 {a_type} {a_in} -> {a_out}，{a_params} 个参数；"
        "PyTorch 是 {b_type} {b_in} -> {b_out}，{b_params} 个参数",
        "total": "合计：convshare {ours} 个参数，PyTorch {theirs} 个",
        "output": "输出：convshare {ours}，PyTorch {theirs}",
    },
}


def compare(path: str | Path, lang: str = "en") -> tuple[int, list[str]]:
    """Build the spec in PyTorch and compare it with convshare's analysis, layer by layer.

    Returns the number of layers compared and the differences found (none when they agree), in
    ``lang`` (``"zh"`` or ``"en"``): each layer's name, type, input and output shapes and
    trainable parameters, then the totals.
    """
    from ._spec import load_spec

    said = _SAID["zh" if lang == "zh" else "en"]
    result = load_spec(path)
    try:
        built = build(path)
        out_shape = built.forward()
    except (ValueError, RuntimeError, TypeError, KeyError) as e:
        return 0, [said["cannot"].format(e=e)]
    ours = [Row(r.name, r.type, r.in_shape, r.out_shape, r.params) for r in result.rows]
    problems: list[str] = []
    names = [r.name for r in built.rows]
    if [r.name for r in ours] != names:
        problems.append(said["layers"].format(ours=len(ours), theirs=len(names)))
    for a, b in zip(ours, built.rows, strict=False):
        if a != b:
            problems.append(
                said["layer"].format(
                    name=a.name,
                    a_type=a.type,
                    a_in=a.in_shape,
                    a_out=a.out_shape,
                    a_params=f"{a.params:,}",
                    b_type=b.type,
                    b_in=b.in_shape,
                    b_out=b.out_shape,
                    b_params=f"{b.params:,}",
                )
            )
    if built.params != result.params:
        problems.append(said["total"].format(ours=f"{result.params:,}", theirs=f"{built.params:,}"))
    if out_shape != result.output_shape:
        problems.append(said["output"].format(ours=result.output_shape, theirs=out_shape))
    return len(ours), problems
