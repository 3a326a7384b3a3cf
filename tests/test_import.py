"""``python -m convshare import`` on the patterns of DenseNet, ConvNeXt and GoogLeNet.

The small models below are written here (not torchvision's code) with the same constructs:

- ``Dense``: dense blocks that keep a list of features and concatenate all of it before each
  layer and at the end (DenseNet's ``torch.cat(features, 1)``);
- ``NeXt``: a patchify stem, ConvNeXt blocks (depthwise convolution, permute to channels last,
  ``nn.LayerNorm``, ``nn.Linear``, GELU, ``nn.Linear``, permute back, a per-channel parameter held
  by the block and multiplied, the input added back) and a ``LayerNorm2d`` that calls
  ``F.layer_norm`` between two permutes;
- ``Aux``: a classifier held by the model that the forward pass uses only while training.

Each goes through ``import``; the expected numbers come from the model itself: the spec's total
equals ``sum(p.numel() for p in model.parameters())``, every module's parameters equal the row of
the same name, and every convolution's input and output shapes equal those that forward hooks
record on the model. ``check --torch`` then builds the spec in PyTorch and agrees.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

SOURCE = """
import torch
import torch.nn.functional as F
from torch import nn


class DenseLayer(nn.Module):
    def __init__(self, cin: int, growth: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(cin)
        self.relu = nn.ReLU()
        self.conv = nn.Conv2d(cin, growth, 3, padding=1, bias=False)

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        return self.conv(self.relu(self.norm(torch.cat(features, 1))))


class DenseBlock(nn.ModuleDict):
    def __init__(self, cin: int, growth: int, n: int) -> None:
        super().__init__({f"layer{i + 1}": DenseLayer(cin + i * growth, growth) for i in range(n)})

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = [x]
        for layer in self.values():
            features.append(layer(features))
        return torch.cat(features, 1)


class Dense(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.block1 = DenseBlock(8, 4, 3)  # 8 + 3 * 4 = 20 channels out
        self.down = nn.Conv2d(20, 10, 1)
        self.pool = nn.AvgPool2d(2)
        self.block2 = DenseBlock(10, 5, 2)  # 10 + 2 * 5 = 20 channels out
        self.fc = nn.Linear(20, 7)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.block2(self.pool(self.down(self.block1(self.stem(x)))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class LayerNorm2d(nn.LayerNorm):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class NeXtBlock(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.up = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.down = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(torch.full((dim, 1, 1), 1e-6))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.permute(self.dw(x), (0, 2, 3, 1))
        y = self.down(self.act(self.up(self.norm(y)))).permute(0, 3, 1, 2)
        return x + self.gamma * y


class NeXt(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 4, stride=4), LayerNorm2d(8))
        self.stage1 = nn.Sequential(NeXtBlock(8), NeXtBlock(8))
        self.downsample = nn.Sequential(LayerNorm2d(8), nn.Conv2d(8, 16, 2, stride=2))
        self.stage2 = NeXtBlock(16)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Sequential(nn.Flatten(1), nn.Linear(16, 5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stage2(self.downsample(self.stage1(self.stem(x))))
        return self.head(self.pool(x))


class Aux(nn.Module):
    def __init__(self, aux_logits: bool = True) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3)
        self.aux = nn.Sequential(nn.Flatten(1), nn.Linear(6 * 14 * 14, 10)) if aux_logits else None
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(6, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        if self.aux is not None and self.training:
            return self.aux(x)
        return self.fc(torch.flatten(self.pool(x), 1))


def aux_free() -> Aux:
    return Aux(aux_logits=False)


class Sideways(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x).permute(0, 2, 1, 3)


class Untraceable(nn.Module):
    # a branch on the input's shape: torch.fx cannot trace it, forward hooks record it

    def __init__(self, held: bool = False) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.spare = None if held else nn.Linear(4, 4)
        self.scale = nn.Parameter(torch.ones(4, 1, 1)) if held else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        if x.shape[0] > 0 and self.scale is not None:
            x = x * self.scale
        return x


def untraceable_held() -> Untraceable:
    return Untraceable(held=True)


class Scaled(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.scale = nn.Parameter(torch.ones(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x) * self.scale
"""

INPUT = (3, 16, 16)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    path = tmp_path_factory.mktemp("import") / "patterns.py"
    path.write_text(SOURCE, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("patterns_for_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return path, module


def _cli(*args: str) -> tuple[int, str]:
    from convshare._cli import main

    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, err.getvalue()


def _import(path: Path, factory: str, out: Path, *extra: str) -> tuple[int, str]:
    shape = ",".join(map(str, INPUT))
    try:
        return _cli("import", f"{path}:{factory}", "--input", shape, "-o", str(out), *extra)
    finally:
        sys.modules.pop(path.stem, None)


def _conv_shapes(model: Any) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
    """Each convolution's input and output shapes (C, H, W), recorded while the model runs."""
    shapes = {}
    handles = []
    for name, m in model.named_modules():
        if isinstance(m, torch.nn.Conv2d):

            def hook(m: Any, i: Any, o: Any, name: str = name) -> None:
                shapes[name] = (tuple(i[0].shape[1:]), tuple(o.shape[1:]))

            handles.append(m.register_forward_hook(hook))
    with torch.no_grad():
        model.eval()(torch.zeros(1, *INPUT))
    for h in handles:
        h.remove()
    return shapes


def _agrees(model: Any, spec: Path) -> Any:
    """The imported spec against the model: total, each layer's parameters, conv shapes."""
    from convshare import load_spec

    result = load_spec(spec)
    assert result.params == sum(p.numel() for p in model.parameters())
    rows = {r.name: r for r in result.rows}
    # each parameter belongs to the row named after its module (a leaf module's name) or after
    # itself (a parameter the block holds, such as a layer scale)
    per_row: dict[str, int] = {}
    for pname, p in model.named_parameters():
        owner = pname.rpartition(".")[0]
        key = pname if pname in rows else owner
        assert key in rows, f"{pname}: no layer named {owner!r} or {pname!r}"
        per_row[key] = per_row.get(key, 0) + p.numel()
    for key, n in per_row.items():
        assert rows[key].params == n, key
    for name, (shape_in, shape_out) in _conv_shapes(model).items():
        assert (tuple(rows[name].in_shape), tuple(rows[name].out_shape)) == (shape_in, shape_out)
    code, err = _cli("check", "--torch", "-q", str(spec))
    assert code == 0 and "PyTorch agrees" in err, err
    return result


def test_a_dense_block_becomes_nested_concatenations(models: Any, tmp_path: Path) -> None:
    path, module = models
    out = tmp_path / "dense.yaml"
    code, err = _import(path, "Dense", out)
    assert code == 0, err
    result = _agrees(module.Dense(), out)
    rows = {r.name: r for r in result.rows}
    # every dense layer is a parallel layer named after its module: input and new channels
    assert rows["block1.layer3"].type == "parallel"
    assert rows["block1.layer3"].out_shape == (20, 16, 16)  # 8 + 3 × 4 channels
    assert rows["block2.layer2"].out_shape == (20, 8, 8)  # 10 + 2 × 5 channels
    text = out.read_text(encoding="utf-8")
    assert "merge: concat" in text
    # the dense layers of a block differ only in their number: one block used with repeat (the
    # second dense block grows by 5 channels, not 4, so it has a block of its own)
    uses = [line.strip() for line in text.splitlines() if "use: " in line]
    assert uses == [
        "- {use: block1, name: block1.layer$i, repeat: 3, from: 1}",
        "- {use: block2, name: block2.layer$i, repeat: 2, from: 1}",
    ]


def test_channels_last_layer_norm_linear_and_layer_scale(models: Any, tmp_path: Path) -> None:
    path, module = models
    out = tmp_path / "next.yaml"
    code, err = _import(path, "NeXt", out)
    assert code == 0, err
    result = _agrees(module.NeXt(), out)
    types = {r.name: r.type for r in result.rows}
    # linear layers applied at every position are 1×1 convolutions, as the hand-written spec of
    # ConvNeXt-Tiny writes them; the layer norms are per position; gamma is a layer scale
    assert types["stage1.0.up"] == types["stage1.0.down"] == "conv"
    assert types["stage1.0.norm"] == types["stem.1"] == types["downsample.0"] == "layernorm"
    assert types["stage1.0.gamma"] == types["stage2.gamma"] == "layer_scale"
    assert types["head.1"] == "linear"  # after flatten: a plain fully connected layer
    # a block's sum is named after the block's module, as hand-written specs name it
    assert types["stage1.0"] == types["stage1.1"] == types["stage2"] == "residual"
    # the two blocks of stage1 are one block used twice; no block of a single plain layer
    text = out.read_text(encoding="utf-8")
    uses = [line.strip() for line in text.splitlines() if "use: " in line]
    assert uses == ["- {use: block1, name: stage1.$i, repeat: 2}"]


def test_unused_parameters_are_named_then_left_out_on_request(models: Any, tmp_path: Path) -> None:
    path, module = models
    out = tmp_path / "aux.yaml"
    code, err = _import(path, "Aux", out)
    aux = sum(p.numel() for p in module.Aux().aux.parameters())  # 1176 × 10 + 10
    assert code == 1 and "Traceback" not in err and not out.exists()
    assert "never uses the parameters of aux:" in err and f"{aux:,} of the model's" in err
    assert "--ignore-unused" in err and "aux_logits=False" in err
    # a factory without the module: accepted as it is
    code, err = _import(path, "aux_free", out)
    assert code == 0, err
    _agrees(module.aux_free(), out)
    # the flag: written without it, which the spec's conventions say in both languages
    code, err = _import(path, "Aux", out, "--ignore-unused")
    assert code == 0 and "left out: aux" in err, err
    from convshare import load_spec

    result = load_spec(out)
    assert result.params == sum(p.numel() for p in module.Aux().parameters()) - aux
    conventions = result.network.meta["conventions"]
    assert "aux" in conventions["en"] and "aux" in conventions["zh"]
    assert f"{aux:,}" in conventions["en"] and f"{aux:,}" in conventions["zh"]
    assert _cli("check", "--torch", "-q", str(out))[0] == 0


@pytest.mark.parametrize(
    ("factory", "says"),
    [
        ("Sideways", ["permute(0, 2, 1, 3)", "(0, 2, 3, 1) and (0, 3, 1, 2)"]),
        (
            "Scaled",
            ["multiplied by scale (shape (1,))", "per-channel parameter of shape (C, 1, 1)"],
        ),
        # recorded by forward hooks (4 × 27 + 4 = 112 conv, 4 × 4 + 4 = 20 spare): the module
        # never called is named
        ("Untraceable", ["never uses the parameters of spare: 20 of the model's 132"]),
        # a parameter the model holds itself is used (hooks cannot tell), but no layer says so
        ("untraceable_held", ["the spec counts 112 parameters but the model has 116"]),
    ],
)
def test_what_is_not_described_is_named(
    models: Any, tmp_path: Path, factory: str, says: list[str]
) -> None:
    path, _module = models
    code, err = _import(path, factory, tmp_path / "x.yaml")
    assert code == 1 and "Traceback" not in err
    for words in says:
        assert words in err, err


def test_no_block_of_one_plain_layer() -> None:
    """Ten ReLUs named features.0 to features.9 stay ten layers, not a one-layer block repeated."""
    from convshare._import import _group

    layers: list[dict[str, Any]] = [{"type": "relu", "name": f"features.{i}"} for i in range(10)]
    assert _group(layers) == ({}, layers)
    # two layers a number are a block: features.$i.conv and .relu, used with repeat
    pairs: list[dict[str, Any]] = [
        {"type": t, "name": f"features.{i}.{t}"} for i in range(3) for t in ("conv", "relu")
    ]
    blocks, out = _group(pairs)
    assert out == [{"use": "block1", "name": "features.$i", "repeat": 3}]
    assert blocks["block1"]["layers"] == [
        {"type": "conv", "name": "$name.conv"},
        {"type": "relu", "name": "$name.relu"},
    ]
