"""The spec format's constructs: new layer types, parallel branches, blocks and repeat, import.

Every small network here is analysed by convshare and built independently in PyTorch
(convshare/_torch.py, evaluation mode), layer by layer; the expected counts are also derived by
hand in the comments, so a wrong formula fails twice.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from convshare import _blocks
from convshare._errors import SpecError
from convshare._spec import check_spec, parse_spec
from convshare._torch import compare

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "my_model.py"


def _write(tmp_path: Path, layers: list[Any], shape: list[int], **extra: Any) -> Path:
    import yaml

    path = tmp_path / "net.yaml"
    path.write_text(
        yaml.safe_dump({"name": "t", "input": shape, **extra, "layers": layers}), encoding="utf-8"
    )
    return path


def _rows(path: Path) -> dict[str, Any]:
    from convshare import load_spec

    return {r.name: r for r in load_spec(path).rows}


GATE = {
    "type": "parallel",
    "name": "se",
    "merge": "multiply",
    "branches": [
        [],
        [
            {"type": "adaptive_avgpool", "name": "pool", "output_size": 1},
            {"type": "conv", "name": "fc1", "out_channels": 2, "kernel_size": 1},
            {"type": "silu", "name": "act"},
            {"type": "conv", "name": "fc2", "out_channels": 8, "kernel_size": 1},
            {"type": "hardsigmoid", "name": "gate"},
        ],
    ],
}

CASES: dict[str, tuple[list[int], list[Any], dict[str, tuple[tuple[int, ...], int]]]] = {
    # name: input, layers, {layer: (output shape, parameters)}
    "concat": (
        [3, 9, 11],
        [
            {
                "type": "parallel",
                "name": "cat",
                "merge": "concat",
                "branches": [
                    [],  # identity: 3 channels
                    [
                        {
                            "type": "conv",
                            "name": "a",
                            "out_channels": 5,
                            "kernel_size": 3,
                            "padding": 1,
                        }
                    ],  # 5 * (3*3*3 + 1) = 140
                    [
                        {
                            "type": "maxpool",
                            "name": "p",
                            "kernel_size": 3,
                            "stride": 1,
                            "padding": 1,
                        },
                        {
                            "type": "conv",
                            "name": "b",
                            "out_channels": 2,
                            "kernel_size": 1,
                            "bias": False,
                        },
                    ],  # 2 * 3 = 6
                ],
            }
        ],
        {"cat": ((3 + 5 + 2, 9, 11), 0), "a": ((5, 9, 11), 140), "b": ((2, 9, 11), 6)},
    ),
    "sum": (
        [4, 6, 6],
        [
            {
                "type": "parallel",
                "name": "add",
                "merge": "sum",
                "branches": [
                    [
                        {
                            "type": "conv",
                            "name": "a",
                            "out_channels": 4,
                            "kernel_size": 3,
                            "padding": 1,
                            "bias": False,
                        }
                    ],  # 4 * 4 * 9 = 144
                    [{"type": "conv", "name": "b", "out_channels": 4, "kernel_size": 1}],  # 20
                ],
            }
        ],
        {"add": ((4, 6, 6), 0), "a": ((4, 6, 6), 144), "b": ((4, 6, 6), 20)},
    ),
    "squeeze-and-excitation": (
        [8, 5, 7],
        [GATE],
        # fc1: 2 * (8 + 1) = 18; fc2: 8 * (2 + 1) = 24; the product keeps (8, 5, 7)
        {"se": ((8, 5, 7), 0), "fc1": ((2, 1, 1), 18), "fc2": ((8, 1, 1), 24)},
    ),
    "convnext-like": (
        [6, 8, 8],
        [
            {
                "type": "residual",
                "name": "blk",
                "body": [
                    {
                        "type": "conv",
                        "name": "dw",
                        "out_channels": 6,
                        "kernel_size": 7,
                        "padding": 3,
                        "groups": 6,
                    },  # 6 * (49 + 1) = 300
                    {"type": "layernorm", "name": "ln"},  # 2 * 6 = 12
                    {"type": "conv", "name": "up", "out_channels": 24, "kernel_size": 1},
                    {"type": "gelu", "name": "g"},
                    {"type": "hardswish", "name": "hs"},
                    {"type": "conv", "name": "down", "out_channels": 6, "kernel_size": 1},
                    {"type": "layer_scale", "name": "ls"},  # 6
                    {"type": "stochastic_depth", "name": "sd"},
                ],
            },
            {"type": "adaptive_avgpool", "name": "gap", "output_size": 1},
            {"type": "batchnorm", "name": "bn_after_pool"},  # 12; eval mode accepts 1×1
            {"type": "layernorm", "name": "ln2"},  # 12
            {"type": "flatten", "name": "flat"},
            {"type": "layernorm", "name": "ln_flat"},  # 2 * 6 = 12
            {"type": "layer_scale", "name": "ls_flat"},  # 6
            {"type": "dropout", "name": "drop"},
        ],
        {
            "dw": ((6, 8, 8), 300),
            "ln": ((6, 8, 8), 12),
            "ls": ((6, 8, 8), 6),
            "bn_after_pool": ((6, 1, 1), 12),
            "ln_flat": ((6,), 12),
            "ls_flat": ((6,), 6),
        },
    ),
    "connections-without-bias": (
        [3, 10, 10],
        [
            {
                "type": "conv",
                "name": "c3",
                "out_channels": 2,
                "kernel_size": 5,
                "bias": False,
                "connections": [[0, 1], [1, 2]],
            }
        ],
        {"c3": ((2, 6, 6), 4 * 25)},  # 4 links of 5×5 weights, no bias
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_new_constructs_against_derivations_and_torch(tmp_path: Path, case: str) -> None:
    shape, layers, expected = CASES[case]
    path = _write(tmp_path, layers, shape)
    rows = _rows(path)
    for name, (out, params) in expected.items():
        assert (rows[name].out_shape, rows[name].params) == (out, params), name
    n, problems = compare(path)
    assert problems == [] and n == len(rows)


def test_gate_and_norms_share_nothing_across_positions(tmp_path: Path) -> None:
    rows = _rows(_write(tmp_path, CASES["convnext-like"][1], CASES["convnext-like"][0]))
    # a 7×7 depthwise conv slides: 8×8 positions without sharing; norms and scales do not slide
    assert rows["dw"].params_unshared == 300 * 8 * 8
    assert rows["ln"].params_unshared == rows["ln"].params
    assert rows["ls"].params_unshared == rows["ls"].params


def test_merged_receptive_field_is_the_union_of_the_branches(tmp_path: Path) -> None:
    # branch a: 3×3, pad 1 (covers -1..+1); branch b: 1×5 with padding (0, 0), so its output is
    # narrower; use a 5×1 kernel with padding (2, 0) to keep shapes: covers rows -2..+2, cols 0.
    layers = [
        {
            "type": "parallel",
            "name": "cat",
            "merge": "concat",
            "branches": [
                [{"type": "conv", "name": "a", "out_channels": 1, "kernel_size": 3, "padding": 1}],
                [
                    {
                        "type": "conv",
                        "name": "b",
                        "out_channels": 1,
                        "kernel_size": [5, 1],
                        "padding": [2, 0],
                    }
                ],
            ],
        }
    ]
    rows = _rows(_write(tmp_path, layers, [1, 9, 9]))
    assert rows["cat"].receptive_field == (5, 3)
    assert rows["cat"].start == (2, 1)
    gated = _rows(_write(tmp_path, [GATE], [8, 5, 7]))
    assert gated["se"].receptive_field is None  # the gate reads the whole input


@pytest.mark.parametrize(
    ("merge", "branches", "problem"),
    [
        ("concat", [[], [{"type": "maxpool", "name": "p", "kernel_size": 2}]], "same height"),
        (
            "sum",
            [[], [{"type": "conv", "name": "c", "out_channels": 3, "kernel_size": 1}]],
            "equal shapes",
        ),
        (
            "multiply",
            [[], [{"type": "conv", "name": "c", "out_channels": 3, "kernel_size": 1}]],
            "gate",
        ),
    ],
)
def test_merges_refuse_mismatched_shapes(
    tmp_path: Path, merge: str, branches: list[Any], problem: str
) -> None:
    layers = [{"type": "parallel", "name": "m", "merge": merge, "branches": branches}]
    with pytest.raises(SpecError, match=problem):
        check_spec(parse_spec({"name": "t", "input": [2, 4, 4], "layers": layers}, "x.yaml"))


BLOCKS = {
    "cbr": {
        "args": ["name", "out"],
        "defaults": {"k": 3},
        "layers": [
            {
                "type": "conv",
                "name": "$name.conv",
                "out_channels": "$out",
                "kernel_size": "$k",
                "padding": 1,
            },
            {"type": "relu", "name": "$name.relu"},
        ],
    },
    "pair": {
        "args": ["name"],
        "layers": [
            {"use": "cbr", "name": "$name.a", "out": 4},
            {"use": "cbr", "name": "$name.b", "out": 4},
        ],
    },
    "loop": {"args": ["name"], "layers": [{"use": "loop", "name": "$name.x"}]},
}


def _expand(layers: list[Any]) -> list[Any]:
    return _blocks.expand({"blocks": BLOCKS, "layers": layers}, "x.yaml")["layers"]


def test_blocks_expand_with_arguments_defaults_and_repeat() -> None:
    out = _expand([{"use": "pair", "name": "s$i", "repeat": 2, "from": 3}])
    assert [x["name"] for x in out] == [
        "s3.a.conv",
        "s3.a.relu",
        "s3.b.conv",
        "s3.b.relu",
        "s4.a.conv",
        "s4.a.relu",
        "s4.b.conv",
        "s4.b.relu",
    ]
    assert out[0]["out_channels"] == 4 and out[0]["kernel_size"] == 3  # a number stays a number
    residual = _expand(
        [
            {
                "type": "residual",
                "name": "r",
                "body": [{"use": "cbr", "name": "r.b", "out": 2, "k": 5}],
            }
        ]
    )
    assert residual[0]["body"][0]["kernel_size"] == 5


@pytest.mark.parametrize(
    ("layers", "problem"),
    [
        ([{"use": "nope"}], "unknown block 'nope'"),
        ([{"use": "cbr", "name": "a"}], "needs the argument 'out'"),
        ([{"use": "cbr", "name": "a", "out": 1, "width": 2}], "has no argument 'width'"),
        ([{"use": "cbr", "name": "a", "out": 1, "repeat": 0}], "from 1 to 1000"),
        ([{"use": "cbr", "name": "a", "out": 1, "repeat": True}], "from 1 to 1000"),
        ([{"use": "loop", "name": "a"}], f"nested more than {_blocks.MAX_DEPTH} deep"),
        ([{"type": "relu", "name": "$oops"}], r"\$oops is not an argument"),
        ([{"type": "relu", "name": "r", "repeat": 2}], "repeat and from go with use"),
    ],
)
def test_block_errors_name_file_block_and_limit(layers: list[Any], problem: str) -> None:
    with pytest.raises(SpecError, match=problem) as e:
        _expand(layers)
    assert str(e.value).startswith("x.yaml: ")


def test_expansion_is_bounded_in_total() -> None:
    # 1000 × 1000 uses would be a million layers: stopped as soon as the bound is passed
    blocks = {
        "one": {"args": ["name"], "layers": [{"type": "relu", "name": "$name"}]},
        "many": {"args": ["name"], "layers": [{"use": "one", "name": "$name.$i", "repeat": 1000}]},
    }
    data = {"blocks": blocks, "layers": [{"use": "many", "name": "m$i", "repeat": 1000}]}
    with pytest.raises(SpecError, match=f"more than {_blocks.MAX_LAYERS:,} layers"):
        _blocks.expand(data, "x.yaml")


def _cli(*args: str) -> tuple[int, str]:
    """Run the command line in this process (torch imported once); exit status and stderr."""
    import contextlib
    import io

    from convshare._cli import main

    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, err.getvalue()


@pytest.mark.parametrize(
    ("target", "shape", "spec"),
    [
        ("MyNet", "3,32,32", None),
        ("ToyCNN", "1,28,28", ROOT / "docs" / "architectures" / "toy-cnn.yaml"),
    ],
)
def test_import_then_check_torch(
    tmp_path: Path, target: str, shape: str, spec: Path | None
) -> None:
    import torch

    from convshare import load_spec

    sys.path.insert(0, str(EXAMPLE.parent))
    try:
        import my_model  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(EXAMPLE.parent))
    model = getattr(my_model, target)()
    total = sum(p.numel() for p in model.parameters())
    out = tmp_path / "imported.yaml"
    code, err = _cli("import", f"{EXAMPLE}:{target}", "--input", shape, "-o", str(out))
    assert code == 0, err
    result = load_spec(out)
    assert result.params == total
    names = {r.name for r in result.rows}
    assert {n for n, m in model.named_modules() if isinstance(m, torch.nn.Conv2d)} <= names
    code, err = _cli("check", "--torch", "-q", str(out))
    assert code == 0 and "PyTorch agrees" in err, err
    if spec is not None:  # the how-to's example: the same layers as its hand-written spec
        by_hand = load_spec(spec)
        assert [(r.name, r.out_shape, r.params) for r in result.rows] == [
            (r.name, r.out_shape, r.params) for r in by_hand.rows
        ]
        assert _cli("check", "--torch", "-q", str(spec))[0] == 0
    if target == "MyNet":  # the two identical residual blocks become one block used twice
        assert "repeat: 2" in out.read_text(encoding="utf-8")


def test_import_names_the_unsupported_module(tmp_path: Path) -> None:
    src = tmp_path / "odd.py"
    src.write_text(
        "from torch import nn\n"
        "def make():\n"
        "    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.PixelShuffle(2))\n",
        encoding="utf-8",
    )
    code, err = _cli("import", f"{src}:make")
    assert code == 1
    assert "module '1' (PixelShuffle)" in err and "Traceback" not in err


def test_check_torch_reports_a_disagreement(tmp_path: Path, monkeypatch: Any) -> None:
    import convshare._torch as built

    path = _write(
        tmp_path, [{"type": "conv", "name": "c", "out_channels": 2, "kernel_size": 1}], [1, 4, 4]
    )
    assert compare(path) == (1, [])  # 2 * (1 + 1) = 4 on both sides
    # PyTorch counting one parameter more: the layer and the total are reported, the command fails
    monkeypatch.setattr(built, "trainable", lambda m: 5)
    n, problems = compare(path)
    assert n == 1 and any(p.startswith("c: convshare conv") for p in problems)
    code, err = _cli("check", "--torch", str(path))
    assert code == 1 and "PyTorch: c: convshare conv (1, 4, 4) -> (2, 4, 4), 4 parameters" in err
    # the same report in Chinese with --lang zh, numbers unchanged
    code, err = _cli("check", "--torch", "--lang", "zh", str(path))
    assert code == 1 and "PyTorch: c：convshare 算出 conv (1, 4, 4) -> (2, 4, 4)，4 个参数" in err
    assert "0 个规格有效，1 个无效" in err


def test_check_torch_says_so_in_chinese_when_all_agree(tmp_path: Path) -> None:
    path = _write(
        tmp_path, [{"type": "conv", "name": "c", "out_channels": 2, "kernel_size": 1}], [1, 4, 4]
    )
    code, err = _cli("check", "--torch", "--quiet", "--lang", "zh", str(path))
    assert code == 0 and "PyTorch 与本包在全部 1 层和合计上一致" in err


SPECS = sorted((ROOT / "docs" / "architectures").glob("*.yaml"))


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_every_human_readable_field_exists_in_both_languages(path: Path) -> None:
    """Short name, source and published source: a Chinese page never shows English text."""
    import yaml

    from convshare import load_spec, network_name

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("short", "title", "summary", "conventions", "source"):
        assert set(data.get(key) or {}) == {"zh", "en"}, f"{path.name}: {key}"
    if "published" in data:
        assert set(data["published"]["source"]) == {"zh", "en"}, path.name
    net = load_spec(path).network
    assert network_name(net, "zh") == data["short"]["zh"]
    assert network_name(net, "en") == data["short"]["en"]
