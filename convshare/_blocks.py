"""Named blocks and ``repeat`` in architecture specs, expanded into a plain list of layers.

A spec may define blocks once, with arguments, and use them many times::

    blocks:
      basic:                          # the block's name
        args: [name, width]           # arguments every use must give
        defaults: {stride: 1}         # arguments with a default value
        layers:
          - {type: conv, name: $name.conv1, out_channels: $width, kernel_size: 3,
             stride: $stride, padding: 1}
          - {type: relu, name: $name.relu}
    layers:
      - {use: basic, name: layer1.$i, width: 64, repeat: 2}          # layer1.0, layer1.1
      - {use: basic, name: layer2.$i, width: 128, repeat: 3, from: 1}  # layer2.1 to layer2.3

``$word`` stands for an argument: a value that is exactly ``$word`` becomes the argument's value
(a number stays a number), and inside longer text it is replaced by the value's text. ``repeat``
uses the block several times, ``$i`` counting from ``from`` (0 unless given). Blocks may use other
blocks, and a ``use`` may appear anywhere a layer may (inside residual bodies and parallel
branches too). Nothing is evaluated: substitution is the only operation, so a spec stays data.

Expansion is bounded: a ``repeat`` of at most :data:`MAX_REPEAT`, blocks nested at most
:data:`MAX_DEPTH` deep, and at most :data:`MAX_LAYERS` layers once everything is expanded; each
limit, when exceeded, is a :class:`SpecError` naming the file, the block and the limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._errors import Bilingual, SpecError

__all__ = [
    "BLOCK_LIMITS",
    "MAX_DEPTH",
    "MAX_LAYERS",
    "MAX_REPEAT",
    "USE_FIELDS",
    "BlockUse",
    "expand",
    "expand_with_uses",
]

#: Most uses one ``repeat`` may ask for.
MAX_REPEAT = 1000
#: Deepest nesting of blocks that use blocks.
MAX_DEPTH = 16
#: Most layers a spec may hold once its blocks are expanded (nested layers included).
MAX_LAYERS = 20000

#: The three bounds by name, as the how-to quotes them.
BLOCK_LIMITS = {"repeat": MAX_REPEAT, "depth": MAX_DEPTH, "layers": MAX_LAYERS}

#: Fields of a ``use`` entry that are not the block's arguments.
USE_FIELDS = ("use", "repeat", "from")

_VAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NESTED = ("body", "shortcut")


@dataclass(frozen=True)
class BlockUse:
    """One ``use`` of a block in a spec's top-level ``layers``, as expansion laid it out.

    Its instances are ``len(names)`` consecutive runs of ``size`` top-level layers each, the
    first at index ``start`` of the expanded layers.
    """

    block: str
    """The block's name."""
    names: tuple[str, ...]
    """Each instance's name: its ``name`` argument (``$i`` replaced), else its first layer's."""
    start: int
    size: int

    @property
    def count(self) -> int:
        """How many times the block is used here (the ``repeat``)."""
        return len(self.names)


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


class _Expander:
    def __init__(self, blocks: dict[str, dict[str, Any]], file: str) -> None:
        self.blocks = blocks
        self.file = file
        self.count = 0

    def fail(self, code: str, where: str | None = None, **fields: Any) -> SpecError:
        return SpecError(code, file=self.file, layer=where, **fields)

    def subst(self, value: object, scope: dict[str, object], where: str) -> object:
        if isinstance(value, str):
            whole = _VAR.fullmatch(value)
            if whole:
                return self.lookup(whole.group(1), scope, where)
            return _VAR.sub(lambda m: str(self.lookup(m.group(1), scope, where)), value)
        if isinstance(value, list):
            return [self.subst(v, scope, where) for v in value]
        if isinstance(value, dict):
            return {k: self.subst(v, scope, where) for k, v in value.items()}
        return value

    def lookup(self, var: str, scope: dict[str, object], where: str) -> object:
        if var not in scope:
            known = ", ".join(f"${k}" for k in sorted(scope)) or "none"
            raise self.fail("unknown_var", where, var=var, known=known)
        return scope[var]

    def layers(self, raw: object, scope: dict[str, object], where: str, depth: int) -> list[object]:
        if not isinstance(raw, list):
            return raw  # type: ignore[return-value]  # the checker reports the wrong type
        out: list[object] = []
        for i, item in enumerate(raw):
            out += self.item(item, scope, f"{where}[{i}]", depth)
        return out

    def item(self, raw: object, scope: dict[str, object], where: str, depth: int) -> list[object]:
        if not isinstance(raw, dict):
            return [raw]
        if "use" in raw:
            return self.use(raw, scope, where, depth)
        if "repeat" in raw or "from" in raw:
            raise self.fail("repeat_without_use", where)
        layer: dict[str, object] = {}
        for key, v in raw.items():
            if key in _NESTED:
                layer[key] = self.layers(v, scope, f"{where}.{key}", depth)
            elif key == "branches" and isinstance(v, list):
                layer[key] = [
                    self.layers(b, scope, f"{where}.branches[{j}]", depth) for j, b in enumerate(v)
                ]
            else:
                layer[key] = self.subst(v, scope, where)
        self.count += 1
        if self.count > MAX_LAYERS:
            raise self.fail("expanded_too_many", where, limit=f"{MAX_LAYERS:,}")
        return [layer]

    def use(
        self, raw: dict[str, Any], scope: dict[str, object], where: str, depth: int
    ) -> list[object]:
        return [layer for run in self.instances(raw, scope, where, depth) for layer in run]

    def instances(
        self, raw: dict[str, Any], scope: dict[str, object], where: str, depth: int
    ) -> list[list[object]]:
        """The layers of each instance of a ``use``, one list per instance."""
        name = raw["use"]
        if not isinstance(name, str) or name not in self.blocks:
            known = ", ".join(sorted(self.blocks)) or "none (define them under blocks:)"
            raise self.fail("unknown_block", where, name=repr(name)[:80], known=known)
        where = f"{where} (use: {name})"
        if depth >= MAX_DEPTH:
            raise self.fail("block_nested", where, limit=MAX_DEPTH, name=repr(name))
        block = self.blocks[name]
        repeat = self.subst(raw.get("repeat", 1), scope, where)
        first = self.subst(raw.get("from", 0), scope, where)
        if not _is_int(repeat) or not 1 <= repeat <= MAX_REPEAT:  # type: ignore[operator]
            raise self.fail("bad_repeat", where, limit=MAX_REPEAT, value=repr(repeat)[:80])
        if not _is_int(first) or first < 0:  # type: ignore[operator]
            raise self.fail("bad_from", where, value=repr(first)[:80])
        args: list[str] = block.get("args", [])
        defaults: dict[str, object] = block.get("defaults", {})
        given = {k: v for k, v in raw.items() if k not in USE_FIELDS}
        for key in given:
            if key not in args and key not in defaults:
                expected = ", ".join([*args, *defaults]) or "none"
                raise self.fail(
                    "block_no_arg", where, name=repr(name), key=repr(key)[:80], known=expected
                )
        for key in args:
            if key not in given:
                raise self.fail("block_needs_arg", where, name=repr(name), key=repr(key))
        out: list[list[object]] = []
        assert isinstance(first, int) and isinstance(repeat, int)
        for i in range(first, first + repeat):
            outer = {**scope, "i": i}
            inner = {**defaults, **{k: self.subst(v, outer, where) for k, v in given.items()}}
            inner["i"] = i
            out.append(self.layers(block["layers"], inner, f"blocks.{name}.layers", depth + 1))
        return out


def _check_blocks(raw: object, file: str) -> dict[str, dict[str, Any]]:
    def fail(code: str, where: str | None = None, **fields: Any) -> SpecError:
        return SpecError(code, file=file, layer=where, **fields)

    if not isinstance(raw, dict):
        raise fail("blocks_not_mapping")
    for name, block in raw.items():
        where = f"blocks.{name}"
        if not isinstance(name, str) or not _WORD.match(name):
            raise fail("block_bad_name", value=repr(name)[:80])
        if not isinstance(block, dict):
            raise fail("block_not_mapping", where)
        for key in block:
            if key not in ("args", "defaults", "layers"):
                raise fail("block_unknown_field", where, key=repr(key)[:80])
        if not isinstance(block.get("layers"), list) or not block["layers"]:
            raise fail("block_no_layers", where)
        args = block.get("args", [])
        defaults = block.get("defaults", {})
        if not isinstance(args, list) or not all(
            isinstance(a, str) and _WORD.match(a) for a in args
        ):
            raise fail("block_bad_args", where)
        if not isinstance(defaults, dict) or not all(
            isinstance(a, str) and _WORD.match(a) for a in defaults
        ):
            raise fail("block_bad_args", where)
        both = set(args) & set(defaults)
        if both:
            raise fail(
                "block_arg_reserved",
                where,
                key=", ".join(sorted(both)),
                why=Bilingual("in args and in defaults", "既在 args 中又在 defaults 中"),
            )
        if "i" in args or "i" in defaults:
            raise fail(
                "block_arg_reserved",
                where,
                key="i",
                why=Bilingual("$i is the repeat counter", "$i 是重复计数"),
            )
        for key in (*args, *defaults):
            if key in USE_FIELDS:
                raise fail(
                    "block_arg_reserved",
                    where,
                    key=key,
                    why=Bilingual(f"{key}: is a field of use", f"{key}: 是 use 的字段"),
                )
    return raw


def expand(data: dict[str, Any], file: str = "<spec>") -> dict[str, Any]:
    """The spec ``data`` with its ``blocks`` expanded: a spec of plain layers.

    A spec without ``blocks`` and without ``use`` comes back unchanged.

    >>> spec = {"name": "t", "input": [1, 8, 8],
    ...     "blocks": {"cr": {"args": ["name", "n"], "layers": [
    ...         {"type": "conv", "name": "$name.conv", "out_channels": "$n", "kernel_size": 3},
    ...         {"type": "relu", "name": "$name.relu"}]}},
    ...     "layers": [{"use": "cr", "name": "s$i", "n": 4, "repeat": 2, "from": 1}]}
    >>> [(x["name"], x.get("out_channels")) for x in expand(spec)["layers"]]
    [('s1.conv', 4), ('s1.relu', None), ('s2.conv', 4), ('s2.relu', None)]
    >>> expand({**spec, "layers": [{"use": "cr", "name": "a", "n": 4, "repeat": 10**6}]}, "t.yaml")
    Traceback (most recent call last):
    ...
    convshare._errors.SpecError: t.yaml: layers[0] (use: cr): repeat must be a whole number \
from 1 to 1000, got 1000000
    """
    return expand_with_uses(data, file)[0]


def _instance_name(raw: dict[str, Any], run: list[object], i: int) -> str:
    name = raw.get("name")
    if isinstance(name, str):
        return _VAR.sub(lambda m: str(i) if m.group(1) == "i" else m.group(0), name)
    first = run[0] if run else None
    return str(first.get("name", "")) if isinstance(first, dict) else ""


def expand_with_uses(
    data: dict[str, Any], file: str = "<spec>"
) -> tuple[dict[str, Any], tuple[BlockUse, ...]]:
    """:func:`expand`, and where each ``use`` of the top-level ``layers`` put its layers.

    Pages group a block's instances into one row (or one bar) from this.

    >>> spec = {"name": "t", "input": [1, 8, 8],
    ...     "blocks": {"cr": {"args": ["name"], "layers": [
    ...         {"type": "conv", "name": "$name.conv", "out_channels": 2, "kernel_size": 3},
    ...         {"type": "relu", "name": "$name.relu"}]}},
    ...     "layers": [{"type": "relu", "name": "r"},
    ...                {"use": "cr", "name": "s$i", "repeat": 2, "from": 1}]}
    >>> expand_with_uses(spec)[1]
    (BlockUse(block='cr', names=('s1', 's2'), start=1, size=2),)
    """
    blocks = _check_blocks(data.get("blocks", {}), file)
    expander = _Expander(blocks, file)
    out = {k: v for k, v in data.items() if k != "blocks"}
    uses: list[BlockUse] = []
    raw_layers = data.get("layers")
    if not isinstance(raw_layers, list):
        if "layers" in data:
            out["layers"] = raw_layers
        return out, ()
    layers: list[object] = []
    for i, item in enumerate(raw_layers):
        where = f"layers[{i}]"
        if not (isinstance(item, dict) and "use" in item):
            layers += expander.item(item, {}, where, 0)
            continue
        runs = expander.instances(item, {}, where, 0)
        first = expander.subst(item.get("from", 0), {}, where)
        assert isinstance(first, int)
        names = tuple(_instance_name(item, run, first + k) for k, run in enumerate(runs))
        sizes = {len(run) for run in runs}
        if len(sizes) == 1 and runs[0]:
            uses.append(BlockUse(str(item["use"]), names, len(layers), len(runs[0])))
        for run in runs:
            layers += run
    out["layers"] = layers
    return out, tuple(uses)
