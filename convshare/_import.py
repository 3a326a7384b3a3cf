"""A PyTorch model turned into a spec: ``python -m convshare import MODULE:CALLABLE``.

The model is traced with ``torch.fx`` (a graph of module calls and functions); where tracing
fails (control flow that depends on the data), forward hooks record the modules in the order they
run, which describes a plain sequence of layers. Layer names are the model's module names. A
sum, product or concatenation of branches becomes a ``residual`` or ``parallel`` layer; the graph
must be series-parallel (every fork closed by one merge), which covers ResNet, Inception and
squeeze-and-excitation. DenseNet's concatenation of all the earlier outputs of a block is first
rewritten as nested concatenations, one per dense layer (``cat([x, f1, f2])`` is
``cat([cat([x, f1]), f2])``), which are series-parallel. A permute to channels-last
``(0, 2, 3, 1)`` and back ``(0, 3, 1, 2)`` writes no layer; between the two, a layer norm over the
channels is ``layernorm`` and ``nn.Linear`` the 1×1 convolution it equals (ConvNeXt). A tensor
multiplied by a parameter of shape (C, 1, 1) held by a module is ``layer_scale``. Consecutive
stretches of layers that differ only in a number of their module prefix (``layer1.0``,
``layer1.1``; ``features.denseblock1.denselayer1``, ``...denselayer2``) become one block used
with ``repeat``.

Not covered: graphs that are not series-parallel (U-Net's skips across encoder and decoder),
other permutations and reshapes, functions with no layer type, a convolution or pooling on a
channels-last tensor, parameters used other than as a per-channel scale.

The spec is checked before it is written: its total must equal
``sum(p.numel() for p in model.parameters())``. Parameters that the traced forward pass
(evaluation mode) never uses, such as GoogLeNet's auxiliary classifiers, stop the command with a
message naming their modules, unless ``ignore_unused`` leaves them out (and the spec's
conventions say so). Running the user's module is the point of this command: it imports the
file or module named on the command line, as Python would.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import operator
import re
import sys
from pathlib import Path
from typing import Any, NamedTuple

from . import _blocks
from ._errors import SpecError

__all__ = ["ImportProblem", "Imported", "import_model", "load_callable", "to_yaml"]

TORCH_MISSING = (
    "the import command needs PyTorch, which the site itself does not: install the version this "
    "project pins with `.venv/bin/pip install torch==2.13.0` (or `pip install torch`), then retry"
)
#: The same, for ``check --torch --lang zh``.
TORCH_MISSING_ZH = (
    "这一步需要 PyTorch（网站本身不需要）：用 `.venv/bin/pip install torch==2.13.0` 安装本项目"
    "锁定的版本（或 `pip install torch`），然后重试"
)


class ImportProblem(ValueError):
    """A model that cannot be written as a spec; the message names the module and the problem."""


def load_callable(target: str) -> Any:
    """``MODULE:CALLABLE`` (a dotted module or a ``.py`` file) -> the object it names."""
    module_name, sep, attr = target.partition(":")
    if not sep or not module_name or not attr:
        raise ImportProblem(f"expected MODULE:CALLABLE (e.g. my_model.py:Net), got {target!r}")
    if module_name.endswith(".py"):
        path = Path(module_name)
        if not path.is_file():
            raise ImportProblem(f"{module_name}: no such file")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
    else:
        try:
            module = importlib.import_module(module_name)
        except ImportError as e:
            raise ImportProblem(f"cannot import {module_name}: {e}") from e
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ImportProblem(f"{module_name} has no attribute {attr!r}")
        obj = getattr(obj, part)
    return obj


def _conv_args(m: Any) -> dict[str, object]:
    if m.padding_mode != "zeros":
        raise ImportProblem(f"padding_mode={m.padding_mode!r} (only zero padding is described)")
    args: dict[str, object] = {"out_channels": m.out_channels}

    def one(v: tuple[int, ...]) -> object:
        return v[0] if len(set(v)) == 1 else list(v)

    args["kernel_size"] = one(m.kernel_size)
    if m.stride != (1, 1):
        args["stride"] = one(m.stride)
    if isinstance(m.padding, str):
        if m.padding != "valid":
            args["padding"] = m.padding
    elif m.padding != (0, 0):
        args["padding"] = one(m.padding)
    if m.dilation != (1, 1):
        args["dilation"] = one(m.dilation)
    if m.groups != 1:
        args["groups"] = m.groups
    if m.bias is None:
        args["bias"] = False
    return args


def _module_layer(m: Any, name: str) -> dict[str, object] | None:
    """The spec layer for one leaf module (None for an identity)."""
    from torch import nn

    simple = {
        nn.ReLU: "relu",
        nn.ReLU6: "relu6",
        nn.Tanh: "tanh",
        nn.Sigmoid: "sigmoid",
        nn.SiLU: "silu",
        nn.GELU: "gelu",
        nn.Hardswish: "hardswish",
        nn.Hardsigmoid: "hardsigmoid",
        nn.Dropout: "dropout",
        nn.Dropout2d: "dropout",
        nn.Flatten: "flatten",
    }
    for cls, t in simple.items():
        if type(m) is cls:
            return {"type": t, "name": name}
    if isinstance(m, nn.Identity):
        return None
    if type(m) is nn.Conv2d:
        return {"type": "conv", "name": name, **_conv_args(m)}
    if type(m) is nn.BatchNorm2d:
        if not m.affine:
            raise ImportProblem("BatchNorm2d without affine parameters is not described")
        return {"type": "batchnorm", "name": name}
    if type(m) in (nn.MaxPool2d, nn.AvgPool2d):
        t = "maxpool" if type(m) is nn.MaxPool2d else "avgpool"
        layer: dict[str, object] = {"type": t, "name": name, "kernel_size": m.kernel_size}
        if m.stride not in (None, m.kernel_size):
            layer["stride"] = m.stride
        if m.padding not in (0, (0, 0)):
            layer["padding"] = m.padding
        if t == "maxpool" and m.dilation not in (1, (1, 1)):
            layer["dilation"] = m.dilation
        if m.ceil_mode:
            layer["ceil_mode"] = True
        return {k: list(v) if isinstance(v, tuple) else v for k, v in layer.items()}
    if type(m) is nn.AdaptiveAvgPool2d:
        size: object = m.output_size
        size = list(size) if isinstance(size, tuple) else size
        if size is None or (isinstance(size, list) and None in size):
            raise ImportProblem("AdaptiveAvgPool2d with a None output size is not described")
        return {"type": "adaptive_avgpool", "name": name, "output_size": size}
    if type(m) is nn.Linear:
        layer = {"type": "linear", "name": name, "out_features": m.out_features}
        if m.bias is None:
            layer["bias"] = False
        return layer
    if type(m) is nn.LocalResponseNorm:
        return {"type": "lrn", "name": name}
    if type(m) is nn.Softmax:
        return {"type": "softmax", "name": name}
    raise ImportProblem(f"{type(m).__module__}.{type(m).__qualname__} has no spec layer type")


_FUNCTIONS: dict[str, str] = {
    "relu": "relu",
    "relu6": "relu6",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "silu": "silu",
    "gelu": "gelu",
    "hardswish": "hardswish",
    "hardsigmoid": "hardsigmoid",
    "dropout": "dropout",
    "flatten": "flatten",
    "stochastic_depth": "stochastic_depth",
}


#: The spec layer types that may apply to a channels-last tensor.
_CHANNELS_LAST = {*_FUNCTIONS.values(), "conv", "layernorm", "layer_scale"} - {"flatten"}


def _permute_dims(node: Any) -> tuple[int, ...] | None:
    """The dimensions of a ``permute`` node (function or method), or None for another node."""
    import torch

    if node.op == "call_function" and node.target is torch.permute:
        dims = node.args[1] if len(node.args) > 1 else node.kwargs.get("dims")
    elif node.op == "call_method" and node.target == "permute":
        dims = node.args[1] if len(node.args) == 2 else node.args[1:]
    else:
        return None
    if isinstance(dims, int):
        dims = (dims,)
    return tuple(int(d) for d in dims)


def _layouts(nodes: list[Any]) -> dict[Any, str]:
    """Each tensor's layout: channels first (N, C, H, W), channels last, or another.

    A permute to (0, 2, 3, 1) makes a channels-first tensor channels-last, (0, 3, 1, 2) turns it
    back; other nodes keep the layout of their first tensor input.
    """
    layout: dict[Any, str] = {}
    for node in nodes:
        if node.op == "placeholder":
            layout[node] = "channels_first"
            continue
        args = list(node.args)
        if args and isinstance(args[0], (list, tuple)):
            args = list(args[0]) + args[1:]
        first = next((a for a in args if hasattr(a, "op") and a.op != "get_attr"), None)
        if first is None:
            continue
        before = layout.get(first, "other")
        dims = _permute_dims(node)
        if dims is None:
            layout[node] = before
        elif before == "channels_first" and dims == (0, 2, 3, 1):
            layout[node] = "channels_last"
        elif before == "channels_last" and dims == (0, 3, 1, 2):
            layout[node] = "channels_first"
        else:
            layout[node] = "other"
    return layout


def _channels_last_layer(m: Any) -> dict[str, object]:
    """nn.Linear or nn.LayerNorm applied at each position of a channels-last tensor.

    A linear layer applied at every position with the same weights is a 1×1 convolution; a layer
    norm over the last dimension normalises the channels at each position (``layernorm``).
    """
    from torch import nn

    if isinstance(m, nn.Linear):
        layer: dict[str, object] = {"type": "conv", "name": "", "out_channels": m.out_features}
        layer["kernel_size"] = 1
        if m.bias is None:
            layer["bias"] = False
        return layer
    if len(m.normalized_shape) != 1 or m.weight is None or m.bias is None:
        raise ImportProblem(
            "a layer norm is described over the channels alone, with a weight and a bias"
        )
    return {"type": "layernorm", "name": ""}


class _Graph:
    """A traced graph walked into nested spec layers."""

    def __init__(self, gm: Any) -> None:
        self.gm = gm
        self.modules = dict(gm.named_modules())
        self.nodes = list(gm.graph.nodes)
        self.order = {n: i for i, n in enumerate(self.nodes)}
        self.names: set[str] = set()
        self.layout = _layouts(self.nodes)
        self.reach: dict[Any, set[Any]] = {}
        for n in reversed(self.nodes):
            r = {n}
            for u in n.users:
                r |= self.reach[u]
            self.reach[n] = r

    def unique(self, name: str) -> str:
        base, k = name, 1
        while name in self.names:
            k += 1
            name = f"{base}_{k}"
        self.names.add(name)
        return name

    @staticmethod
    def base(node: Any) -> str:
        """A function's name without torch.fx's numbering: add_3 -> add."""
        return re.sub(r"_\d+$", "", str(node.name))

    def scope(self, node: Any) -> str:
        stack = node.meta.get("nn_module_stack") or {}
        keys = [k for k in stack if k]
        return f"{keys[-1]}." if keys else ""

    def merge_kind(self, node: Any) -> str | None:
        """'sum', 'multiply' or 'concat' for a node that joins two or more tensors."""
        import torch

        if node.op == "call_function":
            target = node.target
            if target in (operator.add, torch.add):
                kind = "sum"
            elif target in (operator.mul, torch.mul):
                kind = "multiply"
            elif target in (torch.cat, torch.concat):
                dim = node.args[1] if len(node.args) > 1 else node.kwargs.get("dim", 0)
                if dim != 1:
                    raise ImportProblem(f"{node.name}: torch.cat along dim {dim} (only channels)")
                return "concat"
            else:
                return None
        elif node.op == "call_method" and node.target in ("add", "mul", "add_", "mul_"):
            kind = "sum" if node.target.startswith("add") else "multiply"
        else:
            return None
        tensors = [a for a in node.args if hasattr(a, "op") and a.op != "get_attr"]
        return kind if len(tensors) >= 2 else None

    def inputs(self, node: Any) -> list[Any]:
        if self.merge_kind(node) == "concat":
            return list(node.args[0])
        return [a for a in node.args if hasattr(a, "op") and a.op != "get_attr"]

    def convert(self, node: Any) -> list[dict[str, object]]:
        """The spec layers for one node that is not a merge."""
        layers = self._convert(node)
        first = next((a for a in node.args if hasattr(a, "op") and a.op != "get_attr"), None)
        if first is not None and self.layout.get(first) == "channels_last":
            for layer in layers:
                if layer["type"] not in _CHANNELS_LAST:
                    raise ImportProblem(
                        f"{node.name}: a {layer['type']} layer applied to a channels-last tensor "
                        "(after a permute); only layer norm, linear layers and element-wise "
                        "functions are described there"
                    )
        return layers

    def _convert(self, node: Any) -> list[dict[str, object]]:
        import torch

        first = next((a for a in node.args if hasattr(a, "op") and a.op != "get_attr"), None)
        channels_last = first is not None and self.layout.get(first) == "channels_last"
        if node.op == "call_module":
            m = self.modules[node.target]
            layer: dict[str, object] | None
            try:
                if channels_last and type(m) in (torch.nn.Linear, torch.nn.LayerNorm):
                    layer = _channels_last_layer(m)
                elif type(m) is torch.nn.LayerNorm:
                    raise ImportProblem(
                        "a layer norm is described over the channels of a channels-last tensor "
                        "(permute(0, 2, 3, 1) first), as ConvNeXt applies it"
                    )
                else:
                    layer = _module_layer(m, "")
            except ImportProblem as e:
                raise ImportProblem(f"module {node.target!r} ({type(m).__name__}): {e}") from e
            if layer is None:
                return []
            layer["name"] = self.unique(node.target)
            return [layer]
        if _permute_dims(node) is not None:
            if self.layout.get(node) in ("channels_last", "channels_first"):
                return []  # a change of memory layout only; the layers around it say which
            raise ImportProblem(
                f"{node.name}: permute{_permute_dims(node)} (only channels-last and back, "
                "(0, 2, 3, 1) and (0, 3, 1, 2), is described)"
            )
        if node.op == "call_function" and node.target is torch.nn.functional.layer_norm:
            return [self._functional_layer_norm(node, channels_last)]
        scale = self._layer_scale(node, channels_last)
        if scale is not None:
            return [scale]
        if node.op in ("call_function", "call_method"):
            fname = getattr(node.target, "__name__", str(node.target)).rstrip("_")
            if fname in _FUNCTIONS:
                scope = self.scope(node)
                # a module that only wraps the function (StochasticDepth) gives its name alone
                own = scope.rstrip(".").rpartition(".")[2] == self.base(node)
                name = self.unique(scope.rstrip(".") if own else f"{scope}{self.base(node)}")
                return [{"type": _FUNCTIONS[fname], "name": name}]
            if node.target is torch.nn.functional.adaptive_avg_pool2d:
                size = node.args[1] if len(node.args) > 1 else node.kwargs["output_size"]
                name = self.unique(f"{self.scope(node)}{self.base(node)}")
                size = list(size) if isinstance(size, tuple) else size
                return [{"type": "adaptive_avgpool", "name": name, "output_size": size}]
        what = node.target if node.op != "call_module" else type(self.modules[node.target])
        raise ImportProblem(f"{node.name} ({node.op} {what}) has no spec layer type")

    def _functional_layer_norm(self, node: Any, channels_last: bool) -> dict[str, object]:
        """``F.layer_norm(x, (C,), weight, bias)`` inside a module (torchvision's LayerNorm2d)."""
        shape = node.args[1] if len(node.args) > 1 else node.kwargs.get("normalized_shape")
        weight = node.args[2] if len(node.args) > 2 else node.kwargs.get("weight")
        bias = node.args[3] if len(node.args) > 3 else node.kwargs.get("bias")
        attrs = [a for a in (weight, bias) if hasattr(a, "op") and a.op == "get_attr"]
        if not channels_last or len(attrs) != 2 or len(tuple(shape)) != 1:
            raise ImportProblem(
                f"{node.name}: layer_norm is described with a weight and a bias, over the "
                "channels of a channels-last tensor"
            )
        owner = str(weight.target).rpartition(".")[0] or self.base(node)
        return {"type": "layernorm", "name": self.unique(owner)}

    def _layer_scale(self, node: Any, channels_last: bool) -> dict[str, object] | None:
        """A tensor multiplied by a per-channel parameter (ConvNeXt's layer scale), or None."""
        import torch

        if not (
            (node.op == "call_function" and node.target in (operator.mul, torch.mul))
            or (node.op == "call_method" and node.target in ("mul", "mul_"))
        ):
            return None
        attrs = [a for a in node.args if hasattr(a, "op") and a.op == "get_attr"]
        tensors = [a for a in node.args if hasattr(a, "op") and a.op != "get_attr"]
        if len(attrs) != 1 or len(tensors) != 1:
            return None
        owner, _, attr = str(attrs[0].target).rpartition(".")
        value = getattr(self.modules[owner], attr) if owner in self.modules else None
        per_channel = isinstance(value, torch.nn.Parameter) and (
            tuple(value.shape[1:]) == (() if channels_last else (1, 1))
        )
        if not per_channel:
            shape = tuple(value.shape) if isinstance(value, torch.Tensor) else None
            raise ImportProblem(
                f"{node.name}: multiplied by {attrs[0].target} (shape {shape}): only a "
                "per-channel parameter of shape (C, 1, 1) is described (layer_scale)"
            )
        return {"type": "layer_scale", "name": self.unique(str(attrs[0].target))}

    def chain(self, start: Any, stop: Any) -> tuple[list[dict[str, object]], Any]:
        """Layers applied to ``start``'s output up to ``stop`` (excluded); the last node."""
        out: list[dict[str, object]] = []
        cur = start
        while True:
            users = list(cur.users)
            if not users:
                return out, cur
            if len(users) == 1:
                u = users[0]
                if u is stop or u.op == "output" or self.merge_kind(u):
                    return out, cur
                out += self.convert(u)
                cur = u
                continue
            join = self.join(cur, users)
            branches: list[tuple[list[dict[str, object]], Any]] = []
            for u in users:
                if u is join:
                    branches.append(([], cur))
                    continue
                if self.merge_kind(u):
                    raise ImportProblem(f"{u.name}: a merge inside a branch that is not closed")
                layers, last = self.chain(u, join)
                branches.append((self.convert(u) + layers, last))
            out.append(self.merge(join, branches))
            cur = join

    def join(self, fork: Any, users: list[Any]) -> Any:
        common = set.intersection(*(self.reach[u] for u in users))
        if not common:
            raise ImportProblem(f"the branches after {fork.name} never merge")
        join = min(common, key=lambda n: self.order[n])
        if not self.merge_kind(join):
            raise ImportProblem(
                f"{fork.name}: its branches meet at {join.name}, which is not a sum, a product "
                "or a concatenation"
            )
        return join

    def merge(
        self, join: Any, branches: list[tuple[list[dict[str, object]], Any]]
    ) -> dict[str, Any]:
        kind = self.merge_kind(join)
        order = self.inputs(join)
        if len(order) != len(branches):
            raise ImportProblem(
                f"{join.name} merges {len(order)} tensors, not the {len(branches)} branches that "
                "fork before it (a series-parallel graph is needed: DenseNet's concatenation of "
                "every earlier output is not one)"
            )
        ranked = sorted(branches, key=lambda b: order.index(b[1]) if b[1] in order else 0)
        # named after the module that merges (a residual block, an inception module) when free
        own = self.scope(join).rstrip(".")
        name = own if own and own not in self.names else f"{self.scope(join)}{self.base(join)}"
        added = [b[0] for b in ranked if b[0]]
        if kind == "concat" and len(added) == 1 < len(ranked):
            # A dense layer: its input and its new channels, named after the layer's module.
            parts = [str(layer["name"]).split(".") for layer in added[0]]
            common = []
            for same in zip(*parts, strict=False):
                if len(set(same)) > 1:
                    break
                common.append(same[0])
            if common and ".".join(common) not in self.names:
                name = ".".join(common)
        name = self.unique(name)
        if kind == "sum" and len(ranked) == 2:
            body, short = sorted((b[0] for b in ranked), key=len, reverse=True)
            layer: dict[str, Any] = {"type": "residual", "name": name, "body": body}
            if short:
                layer["shortcut"] = short
            return layer
        return {
            "type": "parallel",
            "name": name,
            "merge": kind,
            "branches": [b[0] for b in ranked],
        }


def _nest_concatenations(graph: Any) -> None:
    """DenseNet's concatenations of every earlier output, rewritten as nested pairs.

    A dense block keeps a list of features and concatenates all of it before each layer:
    ``cat([x, f1])``, ``cat([x, f1, f2])``, ... Each concatenation whose list begins with the whole
    list of an earlier one is rewritten to concatenate that earlier result with the rest:
    ``cat([cat([x, f1]), f2])``, the same tensor, channel for channel. Every layer then reads one
    tensor and adds its channels to it, which the spec writes as a parallel layer with an empty
    (identity) branch. A concatenation of one tensor is that tensor.
    """
    import torch

    lists: list[tuple[Any, tuple[Any, ...]]] = []
    for node in list(graph.nodes):
        if not (node.op == "call_function" and node.target in (torch.cat, torch.concat)):
            continue
        if not node.args or not isinstance(node.args[0], (list, tuple)):
            continue
        items = tuple(node.args[0])
        if len(items) == 1 and hasattr(items[0], "op"):
            node.replace_all_uses_with(items[0])
            graph.erase_node(node)
            continue
        dim = node.args[1] if len(node.args) > 1 else node.kwargs.get("dim", 0)
        best: tuple[Any, tuple[Any, ...]] | None = None
        for earlier, earlier_items in lists:
            k = len(earlier_items)
            if 2 <= k < len(items) and items[:k] == earlier_items:
                earlier_dim = (
                    earlier.args[1] if len(earlier.args) > 1 else earlier.kwargs.get("dim", 0)
                )
                if earlier_dim == dim and (best is None or k > len(best[1])):
                    best = (earlier, earlier_items)
        lists.append((node, items))
        if best is not None:
            node.args = ([best[0], *items[len(best[1]) :]], *node.args[1:])


def _from_graph(model: Any) -> tuple[list[dict[str, object]], set[int]]:
    """The layers of the traced model and the parameters its graph uses (their ``id``)."""
    import torch.fx

    gm = torch.fx.symbolic_trace(model)
    _nest_concatenations(gm.graph)
    g = _Graph(gm)
    inputs = [n for n in g.nodes if n.op == "placeholder"]
    if len(inputs) != 1:
        raise ImportProblem(f"the model takes {len(inputs)} inputs; a spec has one image input")
    used: set[int] = set()
    for node in g.nodes:
        if node.op == "call_module":
            used |= {id(p) for p in g.modules[node.target].parameters()}
        elif node.op == "get_attr":
            owner, _, attr = str(node.target).rpartition(".")
            used.add(id(getattr(g.modules[owner], attr)))
    layers, _last = g.chain(inputs[0], None)
    return layers, used


def _from_hooks(
    model: Any, shape: tuple[int, int, int]
) -> tuple[list[dict[str, object]], set[int]]:
    """The layers of a plain sequence of modules, as they run, and the parameters they use."""
    import torch

    calls: list[tuple[str, Any, tuple[int, ...], tuple[int, ...]]] = []
    handles = []
    for name, m in model.named_modules():
        if name and not list(m.children()):

            def hook(mod: Any, inp: Any, out: Any, name: str = name) -> None:
                calls.append((name, mod, tuple(inp[0].shape), tuple(out.shape)))

            handles.append(m.register_forward_hook(hook))
    try:
        with torch.no_grad():
            model(torch.zeros(1, *shape))
    finally:
        for h in handles:
            h.remove()
    used = {id(p) for _name, m, _i, _o in calls for p in m.parameters()}
    # hooks see leaf modules only: a parameter that a container holds itself may well be used
    used |= {
        id(p) for m in model.modules() if list(m.children()) for p in m.parameters(recurse=False)
    }
    layers: list[dict[str, object]] = []
    previous: tuple[int, ...] = (1, *shape)
    seen: set[str] = set()
    for name, m, in_shape, out_shape in calls:
        if in_shape != previous:
            raise ImportProblem(
                f"module {name!r} receives {in_shape[1:]} but the module before it gives "
                f"{previous[1:]}: the model is not a plain sequence and torch.fx cannot trace it"
            )
        previous = out_shape
        try:
            layer = _module_layer(m, name if name not in seen else f"{name}_{len(seen)}")
        except ImportProblem as e:
            raise ImportProblem(f"module {name!r} ({type(m).__name__}): {e}") from e
        seen.add(name)
        if layer is not None:
            layers.append(layer)
    return layers, used


_NUMBERED = re.compile(r"\d+$")


def _prefix(name: str, depth: int) -> str | None:
    """``name`` up to its ``depth``-th part that ends in a number (None if it has fewer).

    >>> _prefix("features.1.0.block.0", 2), _prefix("layer1.0.conv1", 1), _prefix("fc", 1)
    ('features.1.0', 'layer1', None)
    """
    parts = name.split(".")
    numbered = [k for k, part in enumerate(parts) if _NUMBERED.search(part)]
    if len(numbered) < depth:
        return None
    return ".".join(parts[: numbered[depth - 1] + 1])


def _group(layers: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Blocks for runs of top-level layers that differ only in their module prefix.

    The prefix ends at the first, second, third or fourth numbered part of the names (``layer1``,
    ``layer1.0``, ``features.denseblock1.denselayer1``); the depth that writes the shortest spec
    wins, among those whose blocks expand back to exactly the layers found. A block holds two
    layers or more, or one with branches.
    """
    best: tuple[dict[str, Any], list[dict[str, Any]]] = ({}, layers)
    size = len(json.dumps(layers))
    for depth in (1, 2, 3, 4):
        blocks, out = _group_at(layers, depth)
        if not blocks:
            continue
        text = len(json.dumps([blocks, out]))
        if text >= size:
            continue
        try:
            same = _blocks.expand({"blocks": blocks, "layers": out})["layers"] == layers
        except SpecError:  # a module name that reads as a block argument ($...)
            same = False
        if same:
            best, size = (blocks, out), text
    return best


def _group_at(
    layers: list[dict[str, Any]], depth: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    groups: list[tuple[str | None, list[dict[str, Any]]]] = []
    for layer in layers:
        prefix = _prefix(str(layer["name"]), depth)
        if prefix is not None and groups and groups[-1][0] == prefix:
            groups[-1][1].append(layer)
        else:
            groups.append((prefix, [layer]))

    def template(prefix: str, items: list[dict[str, Any]]) -> str:
        text = json.dumps(items)
        return re.sub('"' + re.escape(prefix) + '(?=[."])', '"$name', text)

    def worth(items: list[dict[str, Any]]) -> bool:
        """A block of one plain layer (a ReLU) would be longer to read than the layer."""
        return len(items) > 1 or any(k in items[0] for k in ("body", "shortcut", "branches"))

    templates = [template(p, items) if p and worth(items) else "" for p, items in groups]
    counts: dict[str, int] = {}
    for t in templates:
        if t:
            counts[t] = counts.get(t, 0) + 1
    blocks: dict[str, Any] = {}
    names: dict[str, str] = {}
    out: list[dict[str, Any]] = []
    i = 0
    while i < len(groups):
        prefix, items = groups[i]
        t = templates[i]
        if not prefix or counts.get(t, 0) < 2:
            out += items
            i += 1
            continue
        if t not in names:
            names[t] = f"block{len(names) + 1}"
            blocks[names[t]] = {"args": ["name"], "layers": json.loads(t)}
        index = _NUMBERED.search(prefix)
        assert index is not None
        stem, first = prefix[: index.start()], int(index.group())
        run = 1
        while (
            i + run < len(groups)
            and templates[i + run] == t
            and groups[i + run][0] == f"{stem}{first + run}"
        ):
            run += 1
        use: dict[str, Any] = {"use": names[t]}
        if run == 1:
            use["name"] = prefix
        else:
            use.update({"name": f"{stem}$i", "repeat": run})
            if first:
                use["from"] = first
        out.append(use)
        i += run
    return blocks, out


def _unused(model: Any, used: set[int]) -> tuple[list[str], int]:
    """The outermost modules none of whose parameters the forward pass uses, and their count.

    ``used`` holds the parameters (by identity: a weight shared by two modules is one) that the
    traced graph reads.
    """
    params = dict(model.named_parameters())
    unused = [n for n, p in params.items() if id(p) not in used]
    modules: list[str] = []
    for name in unused:
        parts = name.split(".")[:-1]
        for k in range(1, len(parts) + 1):
            prefix = ".".join(parts[:k])
            if all(n in unused for n in params if n.startswith(prefix + ".")):
                break
        else:
            prefix = name  # a parameter held by the model itself
        if prefix not in modules:
            modules.append(prefix)
    return modules, sum(params[n].numel() for n in unused)


class Imported(NamedTuple):
    """What ``import`` wrote: the spec's text, its total and what was left out."""

    text: str
    params: int
    model_params: int
    left_out: list[str]


def import_model(
    target: str, input_shape: tuple[int, int, int] = (3, 224, 224), ignore_unused: bool = False
) -> Imported:
    """The spec (YAML text) of the model ``MODULE:CALLABLE`` and its checked total.

    Modules that hold parameters the forward pass never uses (in evaluation mode: GoogLeNet's
    auxiliary classifiers) are refused, naming them, or left out with ``ignore_unused``, which the
    spec's conventions then say.
    """
    try:
        import torch
    except ImportError as e:
        raise ImportProblem(TORCH_MISSING) from e
    factory = load_callable(target)
    model = factory() if callable(factory) and not isinstance(factory, torch.nn.Module) else factory
    if not isinstance(model, torch.nn.Module):
        raise ImportProblem(f"{target} gives a {type(model).__name__}, not a torch.nn.Module")
    model.eval()
    try:
        layers, used = _from_graph(model)
    except (torch.fx.proxy.TraceError, TypeError, NotImplementedError):
        layers, used = _from_hooks(model, input_shape)
    total = sum(p.numel() for p in model.parameters())
    left_out, unused = _unused(model, used)
    if left_out and not ignore_unused:
        raise ImportProblem(
            f"the forward pass (evaluation mode) never uses the parameters of "
            f"{', '.join(left_out)}: {unused:,} of the model's {total:,} parameters. A spec "
            "describes the layers an image goes through: build the model without them (for "
            "torchvision's googlenet, a factory that returns googlenet(aux_logits=False)), or "
            "pass --ignore-unused to write the spec without them"
        )
    blocks, top = _group(layers)
    name = target.rpartition(":")[2]
    data: dict[str, Any] = {"name": name, "input": list(input_shape)}
    if left_out:
        listed_en, listed_zh = ", ".join(left_out), "、".join(left_out)
        data["conventions"] = {
            "zh": (
                f"由 `import --ignore-unused` 写出：模型的 {listed_zh} 共有 {unused:,} 个参数，"
                "评估模式下的前向传播从不使用它们，规格中没有这些模块；模型共有 "
                f"{total:,} 个参数，规格的合计比它少 {unused:,} 个。"
            ),
            "en": (
                f"Written by `import --ignore-unused`: the model's {listed_en} hold {unused:,} "
                "parameters that its forward pass in evaluation mode never uses, and the spec "
                f"leaves them out; the model has {total:,} parameters, the spec's total "
                f"{unused:,} fewer."
            ),
        }
    if blocks:
        data["blocks"] = blocks
    data["layers"] = top
    data_text = to_yaml(data, target, total)
    from ._spec import check_spec, parse_spec

    try:
        result = check_spec(parse_spec(data, target), target)
    except SpecError as e:
        raise ImportProblem(f"the spec written for {target} is not valid: {e}") from e
    if result.params != total - unused:
        raise ImportProblem(
            f"the spec counts {result.params:,} parameters but the model has {total - unused:,}: "
            "a module holds parameters that no layer type describes"
        )
    return Imported(data_text, result.params, total, left_out)


_PLAIN = re.compile(r"^[A-Za-z_$][A-Za-z0-9_.$\-]*$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def _scalar(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_scalar(x) for x in v) + "]"
    text = str(v)
    if _PLAIN.match(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def _layers_yaml(layers: list[dict[str, Any]], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for layer in layers:
        nested = {k: v for k, v in layer.items() if k in ("body", "shortcut", "branches")}
        flat = ", ".join(f"{k}: {_scalar(v)}" for k, v in layer.items() if k not in nested)
        if not nested:
            lines.append(f"{pad}- {{{flat}}}")
            continue
        first = True
        for k, v in layer.items():
            if k in nested:
                continue
            lines.append(f"{pad}{'- ' if first else '  '}{k}: {_scalar(v)}")
            first = False
        for k, v in nested.items():
            if k == "branches":
                lines.append(f"{pad}  branches:")
                for branch in v:
                    if not branch:
                        lines.append(f"{pad}    - []")
                        continue
                    sub = _layers_yaml(branch, indent + 6)
                    sub[0] = f"{pad}    - " + sub[0].lstrip()[2:].join(["- ", ""])
                    lines += sub
            else:
                lines.append(f"{pad}  {k}:")
                lines += _layers_yaml(v, indent + 4)
    return lines


def to_yaml(data: dict[str, Any], target: str, total: int) -> str:
    """The spec as hand-written specs look: one flow mapping per plain layer."""
    lines = [
        f"# Written by `python -m convshare import {target}`; "
        f"sum(p.numel() for p in model.parameters()) = {total}.",
        f"name: {_scalar(data['name'])}",
        f"input: {_scalar(data['input'])}",
    ]
    if data.get("conventions"):
        lines.append("conventions:")
        for lang, text in data["conventions"].items():
            lines.append(f"  {lang}: {json.dumps(text, ensure_ascii=False)}")
    if data.get("blocks"):
        lines.append("blocks:")
        for bname, block in data["blocks"].items():
            lines.append(f"  {bname}:")
            lines.append(f"    args: {_scalar(block['args'])}")
            lines.append("    layers:")
            lines += _layers_yaml(block["layers"], 6)
    lines.append("layers:")
    lines += _layers_yaml(data["layers"], 2)
    return "\n".join(lines) + "\n"
