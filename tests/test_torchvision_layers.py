"""The ten torchvision specs, layer by layer, against torchvision's own definitions.

``tests/data/torchvision_layers.json`` records every module with parameters of each network as
torchvision builds it (torchvision's factory, no weights, evaluation mode, one forward pass; written
by ``scripts/dump_torchvision_layers.py``, whose docstring says how, with the torch and torchvision
versions recorded in the file). torchvision is not installed with the project, so the record stands
in for it: it is torchvision's output, not ours.

For every spec: the layer names are torchvision's module names; every convolution has the same
geometry (kernel, stride, padding, dilation, groups, bias), the same input and output shapes and
the same number of parameters; every linear layer the same features and parameters; every other
module with parameters (normalisations, ConvNeXt's layer scale) the same count; and the total
equals ``sum(p.numel() for p in model.parameters())``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from convshare import load_spec

ROOT = Path(__file__).resolve().parent.parent
RECORD = json.loads((ROOT / "tests" / "data" / "torchvision_layers.json").read_text("utf-8"))
NETWORKS = sorted(RECORD["networks"])


def _ours(stem: str) -> dict[str, Any]:
    result = load_spec(ROOT / "docs" / "architectures" / f"{stem}.yaml")
    return {"result": result, "rows": {row.name: row for row in result.rows}}


def test_the_record_covers_the_ten_networks() -> None:
    """AlexNet, VGG-16, ResNet-18 and -50, MobileNetV2, DenseNet-121, GoogLeNet, SqueezeNet 1.0,
    EfficientNet-B0 and ConvNeXt-Tiny."""
    assert len(NETWORKS) == 10
    for stem in NETWORKS:
        assert (ROOT / "docs" / "architectures" / f"{stem}.yaml").is_file(), stem


def differences(record: dict[str, Any], rows: dict[str, Any]) -> list[str]:
    """Every way the spec's rows differ from torchvision's record of one network."""
    problems = []
    for name, theirs in record["layers"].items():
        row = rows.get(name)
        if row is None:
            problems.append(f"{name} ({theirs['type']}): no layer of that name in the spec")
            continue
        if row.params != theirs["params"]:
            problems.append(f"{name}: {row.params} parameters, torchvision {theirs['params']}")
        if theirs["type"] == "Conv2d":
            conv = row.conv
            if conv is None:
                problems.append(f"{name}: a convolution in torchvision, {row.type} in the spec")
                continue
            geometry = {
                "in_shape": list(row.in_shape),
                "out_shape": list(row.out_shape),
                "in_channels": conv.in_channels,
                "out_channels": conv.out_channels,
                "kernel_size": [a.kernel for a in conv.axes],
                "stride": [a.stride for a in conv.axes],
                "padding": [a.pad_before for a in conv.axes],
                "dilation": [a.dilation for a in conv.axes],
                "groups": conv.groups,
                "bias": conv.bias,
            }
            # torchvision pads symmetrically: the spec must too.
            after = [a.pad_after for a in conv.axes]
            if after != geometry["padding"]:
                problems.append(f"{name}: padding {geometry['padding']} before, {after} after")
            for key, value in geometry.items():
                if value != theirs[key]:
                    problems.append(f"{name}: {key} {value}, torchvision {theirs[key]}")
        elif theirs["type"] == "Linear":
            # A linear layer maps features: the channels of the tensor it reads and writes
            # (ConvNeXt applies its linear layers at every position, channels last).
            features = (row.in_shape[0], row.out_shape[0])
            if features != (theirs["in_features"], theirs["out_features"]):
                problems.append(f"{name}: features {features}, torchvision {theirs}")
    return problems


@pytest.mark.parametrize("stem", NETWORKS)
def test_every_layer_with_parameters_equals_torchvisions(stem: str) -> None:
    record = RECORD["networks"][stem]
    ours = _ours(stem)
    result = ours["result"]
    assert list(result.network.input_shape) == record["input"]
    problems = differences(record, ours["rows"])
    assert not problems, "\n".join(problems)
    assert result.params == record["total"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("stride", [2, 2]), ("padding", [0, 0]), ("groups", 2), ("bias", True), ("params", 1)],
)
def test_a_difference_in_any_field_is_reported(field: str, value: Any) -> None:
    """The comparison is not vacuous: one changed field of one deep convolution is reported."""
    record = copy.deepcopy(RECORD["networks"]["resnet-50"])
    name = "layer3.2.conv2"  # a 3×3 convolution inside a repeated bottleneck
    assert record["layers"][name]["type"] == "Conv2d"
    record["layers"][name][field] = value
    problems = differences(record, _ours("resnet-50")["rows"])
    assert len(problems) == 1 and problems[0].startswith(f"{name}: ")


def test_a_missing_layer_is_reported() -> None:
    record = copy.deepcopy(RECORD["networks"]["convnext-tiny"])
    record["layers"]["features.1.0.extra"] = {"type": "LayerNorm", "params": 192}
    problems = differences(record, _ours("convnext-tiny")["rows"])
    assert problems == ["features.1.0.extra (LayerNorm): no layer of that name in the spec"]
