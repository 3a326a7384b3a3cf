"""Every architecture spec, built independently as a PyTorch model, against convshare's analysis.

The specs in docs/architectures/*.yaml are discovered, so a spec added there is checked with no
edit here. For each one, convshare/_torch.py (the builder behind ``check --torch``) builds the
model on the meta device, in evaluation mode, from the YAML alone and runs it on the spec's input
shape; per layer, the output shape and the trainable parameters must equal convshare's rows, and
so must the totals. Where a spec states a published total (``published.params``), the torch
model must have exactly that many parameters too.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import yaml

import convshare
from convshare._torch import Built, Row, build

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "docs" / "architectures").glob("*.yaml"))

# Total parameters of torchvision's model definitions, as the torchvision documentation lists
# them (the num_params of each model's IMAGENET1K_V1 weights); the specs named here reproduce
# those models.
TORCHVISION_TOTALS = {
    "alexnet-torchvision": 61_100_840,  # torchvision.models.alexnet
    "vgg-16": 138_357_544,  # torchvision.models.vgg16
    "resnet-18": 11_689_512,  # torchvision.models.resnet18
    "resnet-50": 25_557_032,  # torchvision.models.resnet50
    "mobilenet-v2": 3_504_872,  # torchvision.models.mobilenet_v2
    # FACTS.md, "More reference totals": sum(p.numel() for p in torchvision.models.X().parameters())
    "densenet-121": 7_978_856,  # torchvision.models.densenet121
    "googlenet": 6_624_904,  # torchvision.models.googlenet(aux_logits=False)
    "squeezenet-1-0": 1_248_424,  # torchvision.models.squeezenet1_0
    "efficientnet-b0": 5_288_548,  # torchvision.models.efficientnet_b0
    "convnext-tiny": 28_589_128,  # torchvision.models.convnext_tiny
}


def test_specs_are_found() -> None:
    assert SPECS, "no spec in docs/architectures"
    assert (ROOT / "docs" / "architectures" / "lenet-5.yaml") in SPECS


_BUILT: dict[Path, Built] = {}


def built(path: Path) -> Built:
    if path not in _BUILT:
        _BUILT[path] = build(path)
    return _BUILT[path]


@functools.cache
def analysed(path: Path) -> convshare.NetworkResult:
    """One analysis per spec for the whole module (results are frozen)."""
    return convshare.load_spec(path)


def _convshare_rows(path: Path) -> list[Row]:
    result = analysed(path)
    return [Row(r.name, r.type, r.in_shape, r.out_shape, r.params) for r in result.rows]


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_per_layer_shapes_and_parameters(path: Path) -> None:
    expected = built(path).rows
    got = _convshare_rows(path)
    assert [r.name for r in got] == [r.name for r in expected]
    for g, e in zip(got, expected, strict=True):
        assert g == e, f"{path.name}, layer {e.name}: convshare {g}, torch {e}"


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_totals_and_forward_pass(path: Path) -> None:
    model = built(path)
    result = analysed(path)
    # the assembled model runs on the input shape and ends where convshare's last row does
    assert model.forward() == result.output_shape == model.rows[-1].out_shape
    # trainable parameters counted over the whole model, not summed from the rows
    assert model.params == result.params == sum(r.params for r in model.rows)


def _published(path: Path) -> dict[str, object]:
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("published") or {}


PUBLISHED = [p for p in SPECS if "params" in _published(p)]


def test_some_specs_state_published_totals() -> None:
    assert ROOT / "docs" / "architectures" / "lenet-5.yaml" in PUBLISHED


@pytest.mark.parametrize("path", PUBLISHED, ids=[p.stem for p in PUBLISHED])
def test_published_total(path: Path) -> None:
    """A spec's published.params (its source named in the spec) is the torch model's total."""
    published = _published(path)
    assert published.get("source"), "a published total names its source"
    assert built(path).params == published["params"]
    if "connections" in published:
        # connections as LeCun et al. (1998) count them; torch has no such count
        assert analysed(path).connections == published["connections"]


@pytest.mark.parametrize(("stem", "total"), sorted(TORCHVISION_TOTALS.items()))
def test_torchvision_totals(stem: str, total: int) -> None:
    path = ROOT / "docs" / "architectures" / f"{stem}.yaml"
    assert path in SPECS, f"{path.name} is missing"
    assert built(path).params == total
    assert analysed(path).params == total
