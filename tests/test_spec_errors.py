"""Broken architecture specs: every one is refused with a message that names the file, where in
it the problem is (the layer's position and name, e.g. ``layers[3] (C3)``, or the line for a
YAML error) and what is wrong.

Each spec is written as YAML text into a temporary file and read with ``convshare.load_spec``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import convshare
from convshare import SpecError


def spec(layers: str, *, name: str = "broken", input_shape: str = "[1, 28, 28]") -> str:
    """A spec with the given layers (YAML lines, indented as a list under ``layers:``)."""
    body = textwrap.indent(textwrap.dedent(layers).strip("\n"), "  ")
    return f"name: {name}\ninput: {input_shape}\nlayers:\n{body}\n"


C1 = "- {type: conv, name: C1, out_channels: 6, kernel_size: 5}\n"

# (id, YAML text, where (None: the spec as a whole), fragments of the problem)
CASES: list[tuple[str, str, str | None, list[str]]] = [
    (
        "unknown-layer-type",
        spec(C1 + "- {type: pool, name: P1, kernel_size: 2}"),
        "layers[1] (P1)",
        ["unknown layer type 'pool'", "maxpool"],
    ),
    (
        "missing-field",
        spec("- {type: conv, name: C1, out_channels: 6}"),
        "layers[0] (C1)",
        ["a conv layer needs the field 'kernel_size'"],
    ),
    (
        "missing-type",
        spec(C1 + "- {name: S2, kernel_size: 2}"),
        "layers[1] (S2)",
        ["missing field 'type'"],
    ),
    (
        "string-kernel",
        spec("- {type: conv, name: C1, out_channels: 6, kernel_size: '5'}"),
        "layers[0] (C1)",
        ["kernel_size", "got '5'"],
    ),
    (
        "float-input-size",
        spec("- {type: relu, name: r}", input_shape="[1, 28.0, 28]"),
        None,
        ["input must be [channels, height, width]", "got [1, 28.0, 28]"],
    ),
    (
        "non-integer-kernel",
        spec("- {type: conv, name: C1, out_channels: 6, kernel_size: [5, 2.5]}"),
        "layers[0] (C1)",
        ["kernel_size", "got [5, 2.5]"],
    ),
    (
        "bool-channels",
        spec("- {type: conv, name: C1, out_channels: true, kernel_size: 5}"),
        "layers[0] (C1)",
        ["out_channels must be a positive integer", "true (a boolean)"],
    ),
    (
        "zero-stride",
        spec("- {type: conv, name: C1, out_channels: 6, kernel_size: 5, stride: 0}"),
        "layers[0] (C1)",
        ["stride", "got 0"],
    ),
    (
        "bool-ceil-mode",
        spec("- {type: maxpool, name: P1, kernel_size: 2, ceil_mode: 'yes'}"),
        "layers[0] (P1)",
        ["ceil_mode must be true or false", "got 'yes'"],
    ),
    (
        "unknown-field",
        spec("- {type: conv, name: C1, out_channels: 6, kernel_size: 5, strides: 2}"),
        "layers[0] (C1)",
        ["unknown field 'strides' for a conv layer", "stride"],
    ),
    (
        "unknown-top-level-field",
        "name: broken\ninput: [1, 28, 28]\nlayer:\n  - {type: relu}\n",
        None,
        ["unknown top-level field 'layer'"],
    ),
    (
        "duplicate-key",
        spec(
            """
            - type: conv
              name: C1
              out_channels: 6
              kernel_size: 5
              kernel_size: 3
            """
        ),
        "line 8, column 5",  # the second kernel_size
        ["the key 'kernel_size' is written twice"],
    ),
    (
        "duplicate-layer-name",
        spec(C1 + "- {type: relu, name: r1}\n- {type: relu, name: C1}"),
        "layers[2] (C1)",
        ["the name 'C1' is already used by layers[0] (C1)"],
    ),
    (
        "bad-input-shape",
        spec(C1, input_shape="[28, 28]"),
        None,
        ["input must be [channels, height, width]", "got [28, 28]"],
    ),
    (
        "zero-input-channels",
        spec(C1, input_shape="[0, 28, 28]"),
        None,
        ["input must be [channels, height, width]", "got [0, 28, 28]"],
    ),
    (
        "kernel-larger-than-input-deep-inside",
        # 28 -> C1 24 -> S2 12 -> C3 8 -> S4 4: C5's 5x5 kernel no longer fits (LeNet on 28x28)
        spec(
            """
            - {type: conv, name: C1, out_channels: 6, kernel_size: 5}
            - {type: maxpool, name: S2, kernel_size: 2}
            - {type: conv, name: C3, out_channels: 16, kernel_size: 5}
            - {type: maxpool, name: S4, kernel_size: 2}
            - {type: conv, name: C5, out_channels: 120, kernel_size: 5}
            """
        ),
        "layers[4] (C5)",
        ["kernel spans 5 rows", "padded input's 4"],
    ),
    (
        "linear-without-flatten",
        spec(C1 + "- {type: linear, name: F6, out_features: 84}"),
        "layers[1] (F6)",
        ["a linear layer needs a flat input", "(6, 24, 24)", "flatten"],
    ),
    (
        "pool-after-flatten",
        spec(C1 + "- {type: flatten, name: flat}\n- {type: maxpool, name: P, kernel_size: 2}"),
        "layers[2] (P)",
        ["maxpool layer needs a (channels, height, width) input", "(3456,)"],  # 24*24*6
    ),
    (
        "channels-not-divisible-by-groups",
        spec(C1 + "- {type: conv, name: C2, out_channels: 8, kernel_size: 3, groups: 4}"),
        "layers[1] (C2)",
        ["in_channels (6) must be divisible by groups (4)"],
    ),
    (
        "in-channels-disagree",
        spec("- {type: conv, name: C1, in_channels: 3, out_channels: 6, kernel_size: 5}"),
        "layers[0] (C1)",
        ["in_channels is 3", "previous layer gives 1"],
    ),
    (
        "same-padding-with-stride",
        spec("- {type: conv, name: C1, out_channels: 6, kernel_size: 5, padding: same, stride: 2}"),
        "layers[0] (C1)",
        ["padding='same' needs stride 1", "stride 2"],
    ),
    (
        "residual-branches-differ",
        spec(
            """
            - {type: conv, name: C1, out_channels: 8, kernel_size: 3, padding: 1}
            - type: residual
              name: block1
              body:
                - {type: conv, name: b1, out_channels: 8, kernel_size: 3, stride: 2, padding: 1}
            """
        ),
        "layers[1] (block1)",
        ["the body gives (8, 14, 14) but the shortcut gives (8, 28, 28)"],
    ),
    (
        "kernel-too-large-inside-residual-body",
        spec(
            """
            - {type: conv, name: C1, out_channels: 8, kernel_size: 3}
            - type: residual
              name: block1
              body:
                - {type: conv, name: b1, out_channels: 8, kernel_size: 3, padding: 1}
                - {type: conv, name: b2, out_channels: 8, kernel_size: 40}
            """
        ),
        "layers[1].body[1] (b2)",
        ["kernel spans 40 rows", "padded input's 26"],
    ),
    (
        "connections-wrong-length",
        spec(
            "- {type: conv, name: C1, out_channels: 3, kernel_size: 5}\n"
            "- {type: conv, name: C3, out_channels: 4, kernel_size: 5, "
            "connections: [[0], [1], [2]]}"
        ),
        "layers[1] (C3)",
        ["connections has 3 entries but out_channels is 4"],
    ),
    (
        "connections-index-out-of-range",
        spec(
            "- {type: conv, name: C1, out_channels: 3, kernel_size: 5}\n"
            "- {type: conv, name: C3, out_channels: 2, kernel_size: 5, "
            "connections: [[0, 1], [2, 3]]}"
        ),
        "layers[1] (C3)",
        ["connections[1] reads input channel 3", "only 3 channels"],
    ),
    (
        "invalid-yaml-syntax",
        spec("- {type: conv, name: C1, out_channels: 6, kernel_size: 5\n- {type: relu, name: r}"),
        "line 5, column 5",
        ["not valid YAML"],
    ),
    (
        "empty-layers",
        "name: broken\ninput: [1, 28, 28]\nlayers: []\n",
        None,
        ["layers must be a non-empty list of layers"],
    ),
    (
        "no-layers",
        "name: broken\ninput: [1, 28, 28]\n",
        None,
        ["missing top-level field 'layers'"],
    ),
    (
        "layer-is-not-a-mapping",
        spec(C1 + "- relu"),
        "layers[1]",
        ["each layer must be a mapping", "got 'relu'"],
    ),
    (
        "zero-out-features",
        spec(C1 + "- {type: flatten, name: flat}\n- {type: linear, name: F6, out_features: 0}"),
        "layers[2] (F6)",
        ["out_features must be a positive integer", "got 0"],
    ),
]


@pytest.mark.parametrize(
    ("text", "where", "problem"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_broken_spec(tmp_path: Path, text: str, where: str | None, problem: list[str]) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        convshare.load_spec(path)
    err = info.value
    message = str(err)
    assert err.file == str(path)
    assert err.layer == where
    prefix = f"{path}: {where}: " if where else f"{path}: "
    assert message.startswith(prefix), message
    for fragment in problem:
        assert fragment in message[len(prefix) :], (fragment, message)


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 15
    assert len({c[0] for c in CASES}) == len(CASES)


def test_a_case_fixed_is_accepted(tmp_path: Path) -> None:
    """The spec helper writes valid YAML: LeNet's first layer alone loads (89,856 = 24*24*6*26)."""
    path = tmp_path / "ok.yaml"
    path.write_text(spec(C1), encoding="utf-8")
    assert convshare.load_spec(path).params_unshared == 24 * 24 * 6 * (5 * 5 + 1)


def test_missing_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(SpecError) as info:
        convshare.load_spec(path)
    assert str(info.value).startswith(f"{path}: cannot read the file")


def test_script_in_the_name_is_just_text(tmp_path: Path) -> None:
    """A name with markup parses like any other text (the site escapes it when it prints it)."""
    path = tmp_path / "script.yaml"
    path.write_text(spec(C1, name="'<script>alert(1)</script>'"), encoding="utf-8")
    result = convshare.load_spec(path)
    assert result.network.name == "<script>alert(1)</script>"
    assert result.params == 6 * (5 * 5 + 1)
