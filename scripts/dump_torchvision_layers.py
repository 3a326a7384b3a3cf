"""Write tests/data/torchvision_layers.json: every layer with parameters of the ten torchvision
networks that have specs in docs/architectures/, as torchvision itself builds them.

torchvision is not a dependency of the project (PyPI's torchvision release for the pinned CPU torch
does not import beside it), so its layers are recorded once, by this script, in a separate
environment, and the test suite compares the specs with the record
(tests/test_torchvision_layers.py). To refresh it:

    python3 -m venv /tmp/tv && /tmp/tv/bin/pip install torch==2.14.1 torchvision==0.29.1
    /tmp/tv/bin/python scripts/dump_torchvision_layers.py

For each network: torchvision's factory with no weights (nothing is downloaded), evaluation mode,
one forward pass of a zero image of the spec's input size, with a hook on every module. Recorded:

* every convolution (``nn.Conv2d``): its geometry, and the shapes of its input and output;
* every linear layer (``nn.Linear``): its input and output features;
* every layer's parameters: a convolution's weight and bias, a normalisation's scale and shift;
  a parameter held by a block itself (ConvNeXt's layer scale) under its full name
  (``features.1.0.layer_scale``);
* the total, ``sum(p.numel() for p in model.parameters())``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import torch
import torchvision
from torch import nn
from torchvision import models

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "torchvision_layers.json"

#: spec file stem -> (torchvision factory, keyword arguments, input C, H, W)
NETWORKS: dict[str, tuple[str, dict[str, Any], tuple[int, int, int]]] = {
    "alexnet-torchvision": ("alexnet", {}, (3, 224, 224)),
    "vgg-16": ("vgg16", {}, (3, 224, 224)),
    "resnet-18": ("resnet18", {}, (3, 224, 224)),
    "resnet-50": ("resnet50", {}, (3, 224, 224)),
    "mobilenet-v2": ("mobilenet_v2", {}, (3, 224, 224)),
    "densenet-121": ("densenet121", {}, (3, 224, 224)),
    # GoogLeNet without its two auxiliary classifiers, as the spec describes it.
    "googlenet": ("googlenet", {"aux_logits": False, "init_weights": False}, (3, 224, 224)),
    "squeezenet-1-0": ("squeezenet1_0", {}, (3, 224, 224)),
    "efficientnet-b0": ("efficientnet_b0", {}, (3, 224, 224)),
    "convnext-tiny": ("convnext_tiny", {}, (3, 224, 224)),
}


def _pair(value: Any) -> list[int]:
    return [int(value), int(value)] if isinstance(value, int) else [int(v) for v in value]


def _count(parameters: dict[str, nn.Parameter]) -> int:
    return sum(p.numel() for p in parameters.values())


def record(factory: str, kwargs: dict[str, Any], shape: tuple[int, int, int]) -> dict[str, Any]:
    model = getattr(models, factory)(weights=None, **kwargs).eval()
    layers: dict[str, dict[str, Any]] = {}
    for name, module in model.named_modules():
        own = dict(module.named_parameters(recurse=False))
        if not own:
            continue
        if next(module.children(), None) is None:  # a layer: its weight and bias together
            layers[name] = {"type": type(module).__name__, "params": _count(own)}
        else:  # a block holding a parameter of its own (ConvNeXt's layer scale): by its name
            for pname, p in own.items():
                layers[f"{name}.{pname}"] = {
                    "type": f"{type(module).__name__}.{pname}",
                    "params": p.numel(),
                }
    hooks = []

    def watch(name: str) -> Any:
        def hook(module: nn.Module, inputs: tuple[torch.Tensor, ...], output: Any) -> None:
            entry = layers[name]
            if isinstance(module, nn.Conv2d):
                entry.update(
                    in_shape=list(inputs[0].shape[1:]),
                    out_shape=list(output.shape[1:]),
                    in_channels=module.in_channels,
                    out_channels=module.out_channels,
                    kernel_size=_pair(module.kernel_size),
                    stride=_pair(module.stride),
                    padding=_pair(module.padding),
                    dilation=_pair(module.dilation),
                    groups=module.groups,
                    bias=module.bias is not None,
                )
            elif isinstance(module, nn.Linear):
                entry.update(in_features=module.in_features, out_features=module.out_features)

        return hook

    for name, module in model.named_modules():
        if isinstance(module, nn.Conv2d | nn.Linear):
            hooks.append(module.register_forward_hook(watch(name)))
    with torch.no_grad():
        model(torch.zeros(1, *shape))
    for h in hooks:
        h.remove()
    return {
        "factory": f"torchvision.models.{factory}",
        "kwargs": kwargs,
        "input": list(shape),
        "total": sum(p.numel() for p in model.parameters()),
        "layers": layers,
    }


def compact(data: dict[str, Any]) -> str:
    """JSON with one layer a line, so that a refreshed record reads as a short diff."""
    lines = ["{"]
    for key in ("generated_by", "torch", "torchvision"):
        lines.append(f"  {json.dumps(key)}: {json.dumps(data[key])},")
    lines.append('  "networks": {')
    stems = list(data["networks"])
    for i, stem in enumerate(stems):
        net = data["networks"][stem]
        lines.append(f"    {json.dumps(stem)}: {{")
        for key in ("factory", "kwargs", "input", "total"):
            lines.append(f"      {json.dumps(key)}: {json.dumps(net[key])},")
        lines.append('      "layers": {')
        names = list(net["layers"])
        for j, name in enumerate(names):
            comma = "," if j < len(names) - 1 else ""
            lines.append(f"        {json.dumps(name)}: {json.dumps(net['layers'][name])}{comma}")
        lines.append("      }")
        lines.append("    }" + ("," if i < len(stems) - 1 else ""))
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def main() -> int:
    data = {
        "generated_by": "scripts/dump_torchvision_layers.py",
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "networks": {stem: record(*args) for stem, args in NETWORKS.items()},
    }
    OUT.write_text(compact(data), encoding="utf-8")
    for stem, net in data["networks"].items():
        print(f"{stem}: {len(net['layers'])} modules with parameters, total {net['total']:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
