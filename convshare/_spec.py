"""Architecture specs written by hand in YAML: loading and validation.

A spec is a short YAML file with PyTorch-like names::

    name: LeNet (the article's first layer)
    input: [1, 28, 28]          # channels, height, width
    layers:
      - {type: conv, name: C1, out_channels: 6, kernel_size: 5}

Every problem is reported as a :class:`SpecError` that names the file, the layer (its
position and name) and what is wrong. Only YAML's safe loader is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ._errors import SpecError
from ._network import ACTIVATIONS, Layer, Network, NetworkResult, NetworkShapeError, analyse

__all__ = ["LAYER_FIELDS", "TOP_LEVEL_FIELDS", "check_spec", "load_spec", "parse_spec"]

_INT = "a positive integer"
_PAIR = "a positive integer or a pair of positive integers [height, width]"

#: type -> (required fields, optional fields)
LAYER_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "conv": (
        ("out_channels", "kernel_size"),
        ("in_channels", "stride", "padding", "dilation", "groups", "bias", "connections"),
    ),
    "maxpool": (("kernel_size",), ("stride", "padding", "dilation", "ceil_mode")),
    "avgpool": (("kernel_size",), ("stride", "padding", "ceil_mode")),
    "subsample": (("kernel_size",), ()),
    "adaptive_avgpool": (("output_size",), ()),
    "batchnorm": ((), ()),
    "flatten": ((), ()),
    "linear": (("out_features",), ("bias",)),
    "rbf": (("out_features",), ()),
    "residual": (("body",), ("shortcut",)),
    **{a: ((), ()) for a in ACTIVATIONS},
}

#: top-level key -> what it holds
TOP_LEVEL_FIELDS: dict[str, str] = {
    "name": "the network's name (text)",
    "title": "the page title, {zh: ..., en: ...}",
    "summary": "one paragraph about the network, {zh: ..., en: ...}",
    "conventions": "what is counted and how, {zh: ..., en: ...}",
    "source": "where the architecture comes from (text or {zh, en})",
    "published": "published totals to check: {params: N, connections: N, source: text}",
    "input": "[channels, height, width]",
    "layers": "the list of layers",
}

_KINDS: dict[str, str] = {
    "out_channels": "int",
    "in_channels": "int",
    "groups": "int",
    "out_features": "int",
    "kernel_size": "pair",
    "stride": "pair",
    "dilation": "pair",
    "output_size": "pair",
    "padding": "padding",
    "bias": "bool",
    "ceil_mode": "bool",
    "connections": "table",
    "body": "layers",
    "shortcut": "layers",
}


class _UniqueKeyLoader(yaml.SafeLoader):
    """The safe loader, refusing a key written twice in one mapping."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is written twice", key_node.start_mark
            )
        seen.add(key)
    return dict(loader.construct_pairs(node))


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _describe(v: object) -> str:
    if isinstance(v, bool):
        return f"{str(v).lower()} (a boolean)"
    if isinstance(v, float):
        return f"{v} (not an integer)"
    if isinstance(v, str):
        return repr(v)
    if v is None:
        return "nothing"
    return repr(v)


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.where: dict[str, str] = {}

    def fail(self, problem: str, layer: str | None = None) -> SpecError:
        return SpecError(problem, file=self.file, layer=layer)

    def value(self, key: str, v: object, where: str) -> None:
        kind = _KINDS.get(key)
        if kind == "int":
            if not _is_int(v) or v < 1:  # type: ignore[operator]
                raise self.fail(f"{key} must be {_INT}, got {_describe(v)}", where)
        elif kind in ("pair", "padding"):
            minimum = 0 if kind == "padding" else 1
            if kind == "padding" and isinstance(v, str):
                if v not in ("valid", "same"):
                    raise self.fail(
                        f"padding must be an integer, a pair, 'valid' or 'same', got {v!r}", where
                    )
                return
            items: list[object] = v if isinstance(v, list) else [v]
            ok = not isinstance(v, list) or len(v) == 2
            if not ok or not all(isinstance(i, int) and _is_int(i) and i >= minimum for i in items):
                what = _PAIR if minimum else _PAIR.replace("positive", "non-negative")
                raise self.fail(f"{key} must be {what}, got {_describe(v)}", where)
        elif kind == "bool":
            if not isinstance(v, bool):
                raise self.fail(f"{key} must be true or false, got {_describe(v)}", where)
        elif kind == "table":
            if not isinstance(v, list) or not all(
                isinstance(row, list) and row and all(_is_int(i) and i >= 0 for i in row)
                for row in v
            ):
                raise self.fail(
                    "connections must be a list, one entry per output channel, of non-empty "
                    "lists of input channel indices (0, 1, ...)",
                    where,
                )
            for i, row in enumerate(v):
                if len(set(row)) != len(row):
                    raise self.fail(f"connections[{i}] lists an input channel twice", where)

    def layers(self, raw: object, path: str) -> tuple[Layer, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(f"{path} must be a non-empty list of layers")
        return tuple(self.layer(item, f"{path}[{i}]") for i, item in enumerate(raw))

    def layer(self, raw: object, path: str) -> Layer:
        if not isinstance(raw, dict):
            raise self.fail(
                f"each layer must be a mapping such as {{type: conv, ...}}, got {_describe(raw)}",
                path,
            )
        name = raw.get("name")
        if name is not None and not isinstance(name, str | int):
            raise self.fail(f"name must be text, got {_describe(name)}", path)
        name = str(name) if name is not None else path
        where = f"{path} ({name})" if name != path else path
        if name in self.where:
            raise self.fail(f"the name {name!r} is already used by {self.where[name]}", where)
        self.where[name] = where
        t = raw.get("type")
        if t is None:
            raise self.fail("missing field 'type'", where)
        if t not in LAYER_FIELDS:
            known = ", ".join(sorted(LAYER_FIELDS))
            raise self.fail(f"unknown layer type {t!r}; known types: {known}", where)
        required, optional = LAYER_FIELDS[t]
        for key in required:
            if key not in raw:
                raise self.fail(f"a {t} layer needs the field '{key}'", where)
        allowed = {"type", "name", *required, *optional}
        for key in raw:
            if key not in allowed:
                fields = ", ".join(sorted(allowed - {"type", "name"})) or "none"
                raise self.fail(f"unknown field {key!r} for a {t} layer (fields: {fields})", where)
        args: dict[str, object] = {}
        for key, v in raw.items():
            if key in ("type", "name", "body", "shortcut"):
                continue
            self.value(key, v, where)
            args[key] = tuple(v) if isinstance(v, list) and key != "connections" else v
        if "connections" in args:
            table = args["connections"]
            assert isinstance(table, list)
            if len(table) != raw["out_channels"]:
                raise self.fail(
                    f"connections has {len(table)} entries but out_channels is "
                    f"{raw['out_channels']}",
                    where,
                )
            if raw.get("groups", 1) != 1:
                raise self.fail("connections and groups cannot be used together", where)
        body: tuple[Layer, ...] = ()
        shortcut: tuple[Layer, ...] = ()
        if t == "residual":
            body = self.layers(raw["body"], f"{path}.body")
            short = raw.get("shortcut")
            shortcut = () if short in (None, []) else self.layers(short, f"{path}.shortcut")
        return Layer(type=t, name=name, args=args, body=body, shortcut=shortcut)


def parse_spec(data: object, file: str = "<spec>") -> Network:
    """Validate a spec already read from YAML (a mapping) and build its :class:`Network`.

    >>> net = parse_spec({"name": "LeNet", "input": [1, 28, 28],
    ...                   "layers": [{"type": "conv", "out_channels": 6, "kernel_size": 5}]})
    >>> net.layers[0].name, net.input_shape
    ('layers[0]', (1, 28, 28))
    >>> parse_spec({"name": "x", "input": [1, 28, 28], "layers": [{"type": "conv",
    ...             "out_channels": 6, "kernel_size": 5.5}]}, "x.yaml")
    Traceback (most recent call last):
    ...
    convshare._errors.SpecError: x.yaml: layers[0]: kernel_size must be a positive integer or \
a pair of positive integers [height, width], got 5.5 (not an integer)
    """
    c = _Checker(file)
    if not isinstance(data, dict):
        raise c.fail("a spec must be a mapping with at least name, input and layers")
    for key in data:
        if key not in TOP_LEVEL_FIELDS:
            raise c.fail(f"unknown top-level field {key!r} (fields: {', '.join(TOP_LEVEL_FIELDS)})")
    for key in ("name", "input", "layers"):
        if key not in data:
            raise c.fail(f"missing top-level field '{key}'")
    name = data["name"]
    if not isinstance(name, str) or not name.strip():
        raise c.fail(f"name must be non-empty text, got {_describe(name)}")
    shape = data["input"]
    if not (
        isinstance(shape, list) and len(shape) == 3 and all(_is_int(d) and d >= 1 for d in shape)
    ):
        raise c.fail(
            f"input must be [channels, height, width], three positive integers, "
            f"got {_describe(shape)}"
        )
    for key in ("title", "summary", "conventions"):
        if key in data and not (
            isinstance(data[key], dict)
            and set(data[key]) <= {"zh", "en"}
            and all(isinstance(v, str) for v in data[key].values())
        ):
            raise c.fail(f"{key} must be a mapping {{zh: text, en: text}}")
    published = data.get("published")
    if published is not None:
        if not isinstance(published, dict) or not set(published) <= {
            "params",
            "connections",
            "source",
        }:
            raise c.fail("published must be a mapping with params, connections and source")
        if "source" not in published:
            raise c.fail("published needs a source (where the figures are published)")
        for key in ("params", "connections"):
            if key in published and not (_is_int(published[key]) and published[key] >= 0):
                raise c.fail(f"published.{key} must be a whole number, got {published[key]!r}")
    layers = c.layers(data["layers"], "layers")
    meta = {k: v for k, v in data.items() if k not in ("name", "input", "layers")}
    return Network(
        name=name,
        input_shape=(shape[0], shape[1], shape[2]),
        layers=layers,
        meta=meta,
        locations=c.where,
    )


def check_spec(net: Network, file: str = "<spec>") -> NetworkResult:
    """Analyse a network, turning any shape or geometry problem into a :class:`SpecError`.

    Totals that contradict the spec's ``published`` figures are an error too.
    """
    try:
        result = analyse(net)
    except NetworkShapeError as e:
        raise SpecError(e.problem, file=file, layer=net.locations.get(e.layer, e.layer)) from e
    published = net.meta.get("published")
    if isinstance(published, dict):
        for key in ("params", "connections"):
            computed = getattr(result, key)
            if key in published and published[key] != computed:
                raise SpecError(
                    f"published.{key}: the spec publishes {published[key]:,} but its layers add "
                    f"up to {computed:,} (check the layers, or the published figure)",
                    file=file,
                )
    return result


def load_spec(path: str | Path) -> NetworkResult:
    """Read, validate and analyse a YAML spec file.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
    ...     _ = f.write("name: LeNet\\ninput: [1, 28, 28]\\nlayers:\\n"
    ...                 "  - {type: conv, name: C1, out_channels: 6, kernel_size: 5}\\n")
    >>> load_spec(f.name).params_unshared
    89856
    >>> os.unlink(f.name)
    """
    p = Path(path)
    file = str(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise SpecError(f"cannot read the file: {e.strerror}", file=file) from e
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(e, "problem", None) or str(e)
        raise SpecError(f"not valid YAML: {problem}", file=file, layer=where) from e
    return check_spec(parse_spec(data, file), file)
