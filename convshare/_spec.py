"""Architecture specs written by hand in YAML: loading and validation.

A spec is a short YAML file with PyTorch-like names::

    name: LeNet (the article's first layer)
    input: [1, 28, 28]          # channels, height, width
    layers:
      - {type: conv, name: C1, out_channels: 6, kernel_size: 5}

Every problem is reported as a :class:`SpecError` that names the file, the layer (its
position and name) and what is wrong, in English or Chinese (``error.message("zh")``).

A spec is data, never code: only YAML's safe loader is used, anchors and aliases are refused,
and every size is bounded (:data:`LIMITS`): the file, the nesting, the number of values, of
layers, of digits, every integer and every text. Every field is type-checked, and text fields
refuse control characters.
"""

from __future__ import annotations

import importlib
import reprlib
import unicodedata
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import yaml

from ._blocks import expand_with_uses
from ._errors import Bilingual, NetworkShapeError, SpecError
from ._network import ACTIVATIONS, MERGES, Layer, Network, NetworkResult, analyse

__all__ = ["LAYER_FIELDS", "LIMITS", "TOP_LEVEL_FIELDS", "check_spec", "load_spec", "parse_spec"]

#: Bounds on what a spec may hold; each one exceeded is a clear error, never a long wait.
LIMITS: dict[str, int] = {
    "file_bytes": 1_000_000,
    "yaml_depth": 40,
    "yaml_values": 200_000,
    "number_digits": 30,
    "layers": 2_000,
    "block_depth": 12,
    "integer": 1_000_000,
    "published": 10**15,
    "name_chars": 200,
    "text_chars": 10_000,
}

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
    "parallel": (("branches", "merge"), ()),
    "layernorm": ((), ()),
    "layer_scale": ((), ()),
    **{a: ((), ()) for a in ACTIVATIONS},
}

#: top-level key -> what it holds
TOP_LEVEL_FIELDS: dict[str, str] = {
    "name": "the network's name (text)",
    "short": "the short name in tables and figures, {zh: ..., en: ...}",
    "title": "the page title, {zh: ..., en: ...}",
    "summary": "one paragraph about the network, {zh: ..., en: ...}",
    "conventions": "what is counted and how, {zh: ..., en: ...}",
    "source": "where the architecture comes from (text or {zh, en})",
    "published": "published totals to check: {params: N, connections: N, source: text}",
    "input": "[channels, height, width]",
    "layers": "the list of layers",
    "blocks": "named blocks of layers, defined once and used with {use: name, ...}",
}

#: layer field -> its kind, a key of ``_CHECKS`` ("layers": a nested list of layers)
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
    "branches": "branches",
    "merge": "merge",
}


# Reading YAML, bounded.


class _Refused(yaml.MarkedYAMLError):
    """A YAML construct a spec may not use, with a message code for :class:`SpecError`."""

    def __init__(self, code: str, mark: yaml.Mark | None, **fields: Any) -> None:
        super().__init__(problem=code, problem_mark=mark)
        self.code = code
        self.fields = fields


class _SpecLoader(yaml.SafeLoader):
    """The safe loader, bounded: no aliases, a depth and a count of values, short numbers,
    hashable keys written once."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._values = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused("yaml_alias", event.start_mark)
        self._values += 1
        if self._values > LIMITS["yaml_values"]:
            raise _Refused("yaml_too_many", event.start_mark, limit=f"{LIMITS['yaml_values']:,}")
        self._depth += 1
        if self._depth > LIMITS["yaml_depth"]:
            raise _Refused("yaml_too_deep", event.start_mark, limit=LIMITS["yaml_depth"])
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node.tag.endswith((":int", ":float")) and isinstance(node.value, str):
            digits = sum(ch.isdigit() for ch in node.value)
            if digits > LIMITS["number_digits"]:
                raise _Refused("yaml_long_number", node.start_mark, limit=LIMITS["number_digits"])
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as e:
            # e.g. a date that does not exist (2024-13-45), read by the timestamp constructor
            raise _Refused("yaml_bad_value", node.start_mark, problem=type(e).__name__) from e


def _construct_mapping(loader: _SpecLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key_node, yaml.CollectionNode) or not isinstance(key, Hashable):
            kind = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
            zh = "列表" if isinstance(key_node, yaml.SequenceNode) else "映射"
            raise _Refused("yaml_bad_key", key_node.start_mark, value=Bilingual(kind, zh))
        if key in seen:
            raise _Refused("yaml_duplicate_key", key_node.start_mark, key=_short(key))
        seen.add(key)
    return dict(loader.construct_pairs(node))


_SpecLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _libyaml_parser() -> Any:
    """libyaml's event parser, or None where PyYAML was built without it."""
    try:
        cyaml = importlib.import_module("yaml.cyaml")
    except ImportError:  # pragma: no cover - the pure-Python parser is used instead
        return None
    return cyaml.CParser


_CParser = _libyaml_parser()


class _FastSpecLoader(_SpecLoader):
    """:class:`_SpecLoader` reading its events from libyaml's parser (about four times faster,
    where PyYAML was built with it): the same bounded composition and construction in Python,
    the same checks, the same values."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)  # the reader's check of unprintable characters included
        self._events = _CParser(stream)

    def check_event(self, *choices: Any) -> bool:
        return bool(self._events.check_event(*choices))

    def peek_event(self) -> Any:
        return self._events.peek_event()

    def get_event(self) -> Any:
        return self._events.get_event()

    def dispose(self) -> None:
        super().dispose()
        self._events.dispose()


#: libyaml's own refusal of deep nesting (its problem text), read as ``yaml_too_deep``.
_LIBYAML_TOO_DEEP = ("exceeded maximum nesting depth",)

_LOADER: type[_SpecLoader] = _FastSpecLoader if _CParser is not None else _SpecLoader


def _read_yaml(path: Path, file: str) -> object:
    try:
        with path.open("rb") as f:
            raw = f.read(LIMITS["file_bytes"] + 1)
    except OSError as e:
        raise SpecError("file_unreadable", file=file, reason=e.strerror or type(e).__name__) from e
    if len(raw) > LIMITS["file_bytes"]:
        raise SpecError("file_too_large", file=file, limit=f"{LIMITS['file_bytes']:,}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SpecError("not_utf8", file=file, byte=f"0x{raw[e.start]:02x}", offset=e.start) from e
    loader = _LOADER(text)
    try:
        return loader.get_single_data()
    except _Refused as e:
        raise SpecError(e.code, file=file, layer=_line(e.problem_mark), **e.fields) from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        problem = getattr(e, "problem", None) or type(e).__name__
        if problem in _LIBYAML_TOO_DEEP:
            # libyaml's parser looks ahead and stops deep nesting (at 1,000 levels) before the
            # loader's own limit is reached: the same refusal, in the same words.
            raise SpecError(
                "yaml_too_deep", file=file, layer=_line(mark), limit=LIMITS["yaml_depth"]
            ) from e
        raise SpecError("yaml_invalid", file=file, layer=_line(mark), problem=problem) from e
    except RecursionError as e:  # pragma: no cover - the depth limit comes first
        raise SpecError("yaml_too_deep", file=file, limit=LIMITS["yaml_depth"]) from e
    finally:
        loader.dispose()


def _line(mark: yaml.Mark | None) -> str | None:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else None


# Describing values in messages: short, escaped, never a huge or recursive repr.


class _Repr(reprlib.Repr):
    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxstring, self.maxother = 3, 60, 60
        self.maxlist = self.maxdict = self.maxtuple = self.maxset = 6

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 64:
            return f"<about {int(x.bit_length() * 0.30103) + 1} digits>"
        return repr(x)

    def repr_str(self, x: str, level: int) -> str:
        return ascii(x[: self.maxstring]) if not x.isprintable() else super().repr_str(x, level)


_SHORT = _Repr()


def _short(v: object) -> str:
    return _SHORT.repr(v)


def _describe(v: object) -> Bilingual:
    if isinstance(v, bool):
        return Bilingual(f"{str(v).lower()} (a boolean)", f"{str(v).lower()}（布尔值）")
    if isinstance(v, float):
        return Bilingual(f"{v} (not an integer)", f"{v}（不是整数）")
    if v is None:
        return Bilingual("nothing", "空值")
    text = _short(v)
    return Bilingual(text, text)


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


# Text fields.

_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def _check_text(c: _Checker, key: str, v: object, *, line: bool, where: str | None = None) -> str:
    """Refuse control characters (line breaks too in a one-line text) and over-long text."""
    assert isinstance(v, str)
    limit = LIMITS["name_chars" if line else "text_chars"]
    if len(v) > limit:
        raise c.fail("text_too_long", where, key=key, limit=f"{limit:,}")
    for ch in v:
        if ch in "\n\t" and not line:
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs", "Zl", "Zp") or ch in _BIDI:
            raise c.fail("text_control", where, key=key, char=f"U+{ord(ch):04X}")
    return v


def _bilingual(c: _Checker, key: str, v: object, *, line: bool, plain: bool) -> None:
    """``{zh: text, en: text}`` (either may be left out), or plain text where ``plain``."""
    if plain and isinstance(v, str):
        _check_text(c, key, v, line=line)
        return
    if not (
        isinstance(v, dict)
        and all(isinstance(k, str) for k in v)
        and set(v) <= {"zh", "en"}
        and all(isinstance(t, str) for t in v.values())
    ):
        raise c.fail("bad_text" if plain else "bad_bilingual", key=key, value=_describe(v))
    for lang, text in v.items():
        _check_text(c, f"{key}.{lang}", text, line=line)


# Layer fields, by kind: each check raises, or returns the value as the Layer holds it.


def _check_int(c: _Checker, key: str, v: object, where: str) -> object:
    if not _is_int(v) or v < 1:  # type: ignore[operator]
        raise c.fail("not_positive", where, name=key, value=_describe(v))
    c.bounded(key, v, where)
    return v


def _check_pair(c: _Checker, key: str, v: object, where: str, minimum: int = 1) -> object:
    items: list[object] = v if isinstance(v, list) else [v]
    ok = not isinstance(v, list) or len(v) == 2
    if not ok or not all(_is_int(i) and i >= minimum for i in items):  # type: ignore[operator]
        code = "bad_pair_spec" if minimum else "bad_pair_spec0"
        raise c.fail(code, where, name=key, value=_describe(v))
    for i in items:
        c.bounded(key, i, where)
    return tuple(v) if isinstance(v, list) else v


def _check_padding(c: _Checker, key: str, v: object, where: str) -> object:
    if isinstance(v, str):
        if v not in ("valid", "same"):
            raise c.fail("bad_padding", where, value=_describe(v))
        return v
    return _check_pair(c, key, v, where, minimum=0)


def _check_bool(c: _Checker, key: str, v: object, where: str) -> object:
    if not isinstance(v, bool):
        raise c.fail("not_bool", where, name=key, value=_describe(v))
    return v


def _check_table(c: _Checker, key: str, v: object, where: str) -> object:
    if not isinstance(v, list) or not all(
        isinstance(row, list) and row and all(_is_int(i) and i >= 0 for i in row) for row in v
    ):
        raise c.fail("bad_connections", where)
    for i, row in enumerate(v):
        for j in row:
            c.bounded(f"{key}[{i}]", j, where)
        if len(set(row)) != len(row):
            raise c.fail("connections_repeat", where, index=i)
    return v


def _check_merge(c: _Checker, key: str, v: object, where: str) -> object:
    if not isinstance(v, str) or v not in MERGES:
        raise c.fail("bad_merge", where, merges=", ".join(MERGES), value=_describe(v))
    return v


#: kind -> check(checker, field, value, where) returning the value as the Layer holds it
_CHECKS: dict[str, Callable[[_Checker, str, object, str], object]] = {
    "int": _check_int,
    "pair": _check_pair,
    "padding": _check_padding,
    "bool": _check_bool,
    "table": _check_table,
    "merge": _check_merge,
}


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.where: dict[str, str] = {}
        self.count = 0

    def fail(self, code: str, layer: str | None = None, **fields: Any) -> SpecError:
        return SpecError(code, file=self.file, layer=layer, **fields)

    def bounded(self, key: str, v: object, where: str | None = None) -> None:
        limit = LIMITS["integer"]
        if _is_int(v) and v > limit:  # type: ignore[operator]
            raise self.fail("too_large", where, name=key, limit=f"{limit:,}", value=_describe(v))

    def value(self, key: str, v: object, where: str) -> object:
        """Check one layer field by its kind; returns the value as the Layer holds it."""
        kind = _KINDS.get(key)
        check = _CHECKS.get(kind) if kind else None
        return check(self, key, v, where) if check else v

    def layers(self, raw: object, path: str, depth: int = 0) -> tuple[Layer, ...]:
        if depth > LIMITS["block_depth"]:
            raise self.fail("too_deep", path, limit=LIMITS["block_depth"])
        if not isinstance(raw, list) or not raw:
            raise self.fail("bad_layers", path=path)
        return tuple(self.layer(item, f"{path}[{i}]", depth) for i, item in enumerate(raw))

    def layer(self, raw: object, path: str, depth: int = 0) -> Layer:
        self.count += 1
        if self.count > LIMITS["layers"]:
            raise self.fail("too_many_layers", path, limit=f"{LIMITS['layers']:,}")
        if not isinstance(raw, dict):
            raise self.fail("layer_not_mapping", path, value=_describe(raw))
        name = raw.get("name")
        if name is not None and not (isinstance(name, str) or _is_int(name)):
            raise self.fail("bad_layer_name", path, value=_describe(name))
        if _is_int(name):
            self.bounded("name", name, path)
        name = str(name) if name is not None else path
        _check_text(self, "name", name, line=True, where=path)
        where = f"{path} ({name})" if name != path else path
        if name in self.where:
            raise self.fail("name_taken", where, name=_short(name), other=self.where[name])
        self.where[name] = where
        t = raw.get("type")
        if t is None:
            raise self.fail("missing_type", where)
        if not isinstance(t, str) or t not in LAYER_FIELDS:
            known = ", ".join(sorted(LAYER_FIELDS))
            raise self.fail("unknown_type", where, type=_short(t), known=known)
        required, optional = LAYER_FIELDS[t]
        for key in required:
            if key not in raw:
                raise self.fail("missing_field", where, type=t, key=key)
        allowed = {"type", "name", *required, *optional}
        for key in raw:
            if key not in allowed:
                fields = ", ".join(sorted(allowed - {"type", "name"})) or "none"
                raise self.fail("unknown_field", where, key=_short(key), type=t, fields=fields)
        args: dict[str, object] = {}
        for key, v in raw.items():
            if key in ("type", "name") or _KINDS.get(key) in ("layers", "branches"):
                continue
            args[key] = self.value(key, v, where)
        if "connections" in args:
            table = args["connections"]
            assert isinstance(table, list)
            if len(table) != raw["out_channels"]:
                raise self.fail(
                    "connections_count", where, count=len(table), out_channels=raw["out_channels"]
                )
            if raw.get("groups", 1) != 1:
                raise self.fail("connections_groups", where)
        body: tuple[Layer, ...] = ()
        shortcut: tuple[Layer, ...] = ()
        if t == "residual":
            body = self.layers(raw["body"], f"{path}.body", depth + 1)
            short = raw.get("shortcut")
            shortcut = (
                () if short in (None, []) else self.layers(short, f"{path}.shortcut", depth + 1)
            )
        branches: tuple[tuple[Layer, ...], ...] = ()
        if t == "parallel":
            raw_branches = raw["branches"]
            if not isinstance(raw_branches, list) or len(raw_branches) < 2:
                raise self.fail("bad_branches", where)
            branches = tuple(
                () if b in (None, []) else self.layers(b, f"{path}.branches[{j}]", depth + 1)
                for j, b in enumerate(raw_branches)
            )
        return Layer(type=t, name=name, args=args, body=body, shortcut=shortcut, branches=branches)


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
        raise c.fail("not_mapping")
    for key in data:
        if key not in TOP_LEVEL_FIELDS:
            fields = ", ".join(TOP_LEVEL_FIELDS)
            raise c.fail("unknown_top_field", key=_short(key), fields=fields)
    for key in ("name", "input", "layers"):
        if key not in data:
            raise c.fail("missing_top_field", key=key)
    data, uses = expand_with_uses(data, file)
    name = data["name"]
    if not isinstance(name, str) or not name.strip():
        raise c.fail("bad_name", value=_describe(name))
    _check_text(c, "name", name, line=True)
    shape = data["input"]
    if not (
        isinstance(shape, list) and len(shape) == 3 and all(_is_int(d) and d >= 1 for d in shape)
    ):
        raise c.fail("bad_input", value=_describe(shape))
    for d in shape:
        c.bounded("input", d)
    _bilingual(c, "title", data.get("title", {}), line=True, plain=False)
    _bilingual(c, "short", data.get("short", {}), line=True, plain=False)
    for key in ("summary", "conventions"):
        _bilingual(c, key, data.get(key, {}), line=False, plain=False)
    if "source" in data:
        _bilingual(c, "source", data["source"], line=False, plain=True)
    published = data.get("published")
    if published is not None:
        if not isinstance(published, dict) or not set(published) <= {
            "params",
            "connections",
            "source",
        }:
            raise c.fail("bad_published", value=_describe(published))
        if "source" not in published:
            raise c.fail("published_no_source")
        _bilingual(c, "published.source", published["source"], line=False, plain=True)
        for key in ("params", "connections"):
            v = published.get(key, 0)
            if not (_is_int(v) and 0 <= v <= LIMITS["published"]):
                raise c.fail("published_not_whole", key=key, value=_describe(v))
    layers = c.layers(data["layers"], "layers")
    meta = {k: v for k, v in data.items() if k not in ("name", "input", "layers", "blocks")}
    return Network(
        name=name,
        input_shape=(shape[0], shape[1], shape[2]),
        layers=layers,
        meta=meta,
        locations=c.where,
        uses=uses,
    )


def check_spec(net: Network, file: str = "<spec>") -> NetworkResult:
    """Analyse a network, turning any shape or geometry problem into a :class:`SpecError`.

    Totals that contradict the spec's ``published`` figures are an error too.
    """
    try:
        result = analyse(net)
    except NetworkShapeError as e:
        where = net.locations.get(e.layer, e.layer)
        raise SpecError(e.code, file=file, layer=where, **e.fields) from e
    published = net.meta.get("published")
    if isinstance(published, dict):
        for key in ("params", "connections"):
            computed = getattr(result, key)
            if key in published and published[key] != computed:
                raise SpecError(
                    "published_mismatch",
                    file=file,
                    key=key,
                    published=f"{published[key]:,}",
                    computed=f"{computed:,}",
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
    file = str(path)
    file = file if file.isprintable() else ascii(file)
    data = _read_yaml(Path(path), file)
    return check_spec(parse_spec(data, file), file)
