"""The calculator page's JavaScript gives exactly what `convshare.conv2d` gives, and shows it.

`docs/assets/calculator.js`, the very file the calculator page loads, runs in Node on one batch of
random geometries, valid and invalid; every expected value comes from `convshare.conv2d` (which
other tests check against PyTorch) and every expected message from `GeometryError.message`.
JavaScript computes on BigInt, so sizes far beyond 2**53 are included and must stay exact.

Not only the numbers: every line the page displays (the results, the two formula lines, the
selected unit's receptive field) in both languages, and the figure's cells (which input cells
the kernel's taps read, the window, the padding and the uncovered cells), are compared with what
`convshare._calculator` renders for the same layer and the same selected unit.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from convshare import GeometryError, conv2d, fmt
from convshare._calculator import CALCULATOR_TEXT, calculator_cells, calculator_lines
from convshare._conv import _AXES
from convshare._errors import MESSAGES

ROOT = Path(__file__).resolve().parent.parent
DRIVER = ROOT / "tests" / "js" / "run_calculator.js"
CALCULATOR = ROOT / "docs" / "assets" / "calculator.js"
SEED = 20_200_601
CASES = 12_000

# Characters that Python's repr() treats specially: quotes, backslash, control characters,
# non-breaking and zero-width spaces, a line separator, CJK and a character beyond the BMP.
_ALPHABET = "ab'\"\\\t\n\r\x00\x1f\x7f\xa0\u200b\u2028é中😀 "
_ODD = [
    0,
    -1,
    -7,
    True,
    False,
    2.0,
    2.5,
    -0.0,
    1e16,
    1.5e-5,
    1e300,
    math.nan,
    math.inf,
    "3",
    "",
    "same",
    None,
    [],
    [1],
    [1, 2, 3],
    (1, 2, 3),
    (4,),
    (),
    [1, "a"],
    [0, 3],
    (2.0, 1),
    ["x", 1],
    (3, None),
    [[1, 2], 3],
]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 6)))


def _odd(rng: random.Random) -> Any:
    return _text(rng) if rng.random() < 0.15 else rng.choice(_ODD)


def _pair(rng: random.Random, good: Any) -> Any:
    """An int or an (h, w) pair drawn by `good`, now and then an invalid value or element."""
    if rng.random() < 0.03:
        return _odd(rng)
    if rng.random() < 0.5:
        return good()
    h, w = (good() if rng.random() > 0.02 else _odd(rng) for _ in range(2))
    return (h, w) if rng.random() < 0.5 else [h, w]


def _scalar(rng: random.Random, good: Any) -> Any:
    return _odd(rng) if rng.random() < 0.03 else good()


def _size(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.8:
        return rng.randint(1, 40)
    if r < 0.93:
        return rng.randint(41, 5000)
    return rng.randint(1, 10**30)  # beyond 2**53: only exact integer arithmetic agrees


def random_case(rng: random.Random) -> dict[str, Any]:
    """Keyword arguments for `conv2d`, some omitted so that the defaults are exercised too."""
    channels = [1, 2, 3, 4, 6, 8, 12, 16, 32, 64, 96, 256]
    cin = rng.choice(channels)
    case: dict[str, Any] = {
        "input_size": _pair(rng, lambda: _size(rng)),
        "in_channels": _scalar(rng, lambda: cin),
        "out_channels": _scalar(rng, lambda: rng.choice(channels)),
        "kernel_size": _pair(rng, lambda: rng.choice([1, 2, 3, 3, 5, 7, 11, rng.randint(1, 60)])),
        "stride": _pair(rng, lambda: 1 if rng.random() < 0.4 else rng.randint(1, 5)),
        "padding": (
            _pair(rng, lambda: rng.randint(0, 4) if rng.random() > 0.03 else -rng.randint(1, 3))
            if rng.random() < 0.75
            else rng.choice(["same", "same", "valid", "SAME", "full", _text(rng)])
        ),
        "dilation": _pair(rng, lambda: 1 if rng.random() < 0.6 else rng.randint(1, 4)),
        "groups": _scalar(
            rng,
            lambda: rng.choice([1, 1, 1, 1, 1, 1, cin, 2, 3, rng.randint(1, 8)]),
        ),
        "bias": rng.choice([True, False] * 10 + [0, 1, "yes", None]),
    }
    for optional in ("stride", "padding", "dilation", "groups", "bias"):
        if rng.random() < 0.08:
            del case[optional]
    return case


def encode(v: Any) -> Any:
    """Tag values so that int, float and tuple survive JSON (see tests/js/run_calculator.js)."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return {"i": str(v)}
    if isinstance(v, float):
        return {"f": repr(v)}
    if isinstance(v, tuple):
        return {"t": [encode(x) for x in v]}
    if isinstance(v, list):
        return [encode(x) for x in v]
    raise TypeError(type(v))


def expected(case: dict[str, Any], unit: tuple[int, int] | None = None) -> dict[str, Any]:
    """What the package says about `case`, in the driver's output format; with `unit`, also what
    the page shows for that selected output unit."""
    try:
        r = conv2d(**case)
    except GeometryError as e:
        return {"code": e.code, "zh": e.message("zh"), "en": e.message("en")}
    shown: dict[str, Any] = {}
    if unit is not None:
        shown = {
            "lines": {lang: calculator_lines(r, lang, unit) for lang in ("zh", "en")},
            "cells": calculator_cells(r, unit),
        }
    return shown | {
        "out": [str(n) for n in r.output_size],
        "unused": [str(n) for n in r.unused],
        "pads": [[str(n) for n in side] for side in r.padding],
        "neurons": str(r.neurons),
        "shared": str(r.params_shared),
        "unshared": str(r.params_unshared),
        "positions": str(r.positions),
        "macs": str(r.macs),
        "wpf": str(r.weights_per_filter),
    }


def run_js(
    cases: list[dict[str, Any]],
    numbers: list[int],
    units: list[tuple[int, int]] | None = None,
) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "Node.js is needed to run the calculator's JavaScript"
    batch: dict[str, Any] = {
        "data": {"messages": MESSAGES, "axes": _AXES},
        "text": CALCULATOR_TEXT,
        "cases": [{k: encode(v) for k, v in c.items()} for c in cases],
        "numbers": [str(n) for n in numbers],
    }
    if units is not None:
        batch["units"] = [[str(i), str(j)] for i, j in units]
    proc = subprocess.run(
        [node, str(DRIVER)],
        input=json.dumps(batch),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out: dict[str, Any] = json.loads(proc.stdout)
    return out


@pytest.fixture(scope="module")
def batch() -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    rng = random.Random(SEED)
    cases = [random_case(rng) for _ in range(CASES)]
    # The article's layers go first, so that a failure there reads plainly.
    cases[:2] = [
        {"input_size": 227, "in_channels": 3, "out_channels": 96, "kernel_size": 11, "stride": 4},
        {"input_size": 28, "in_channels": 1, "out_channels": 6, "kernel_size": 5},
    ]
    numbers = [rng.randint(0, 10 ** rng.randint(0, 30)) for _ in range(2000)] + [0, 999, 1000]
    # The selected output unit: mostly inside small outputs, now and then past the edge (the
    # page keeps it inside).
    units_rng = random.Random(SEED + 1)
    units = [(units_rng.randint(0, 40), units_rng.randint(0, 40)) for _ in cases]
    want = [expected(c, u) for c, u in zip(cases, units, strict=True)]
    return cases, want, run_js(cases, numbers, units) | {"numbers_in": numbers}


def test_article_layers_first() -> None:
    """Sanity check of the driver on CS231n's AlexNet conv1: 55*55*96*(11*11*3+1) unshared."""
    got = run_js(
        [{"input_size": 227, "in_channels": 3, "out_channels": 96, "kernel_size": 11, "stride": 4}],
        [],
    )["results"][0]
    assert got["out"] == ["55", "55"]  # floor((227 - 11)/4) + 1, CS231n
    assert got["unshared"] == str(55 * 55 * 96 * (11 * 11 * 3 + 1))
    assert got["shared"] == str(96 * (11 * 11 * 3 + 1))
    assert got["macs"] == str(55 * 55 * 96 * 11 * 11 * 3)


def test_every_case_matches_the_package(batch: Any) -> None:
    """Same accept/reject, same code and messages in both languages, same counts, for every case."""
    cases, want, got = batch
    assert len(got["results"]) == len(cases)
    mismatches = [
        (case, w, g) for case, w, g in zip(cases, want, got["results"], strict=True) if w != g
    ]
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:3]}"


def test_the_batch_covers_every_rule(batch: Any) -> None:
    """The random batch is not degenerate: many valid layers, every error code conv2d raises."""
    cases, want, _ = batch
    codes = Counter(w.get("code", "ok") for w in want)
    conv_codes = {c for c in MESSAGES if c != "pool_pad_too_large"}
    for code in conv_codes:
        assert codes[code] >= 20, (code, codes)
    assert codes["ok"] >= len(cases) * 0.3, codes
    valid = [w for w in want if "code" not in w]
    assert sum(w["unused"] != ["0", "0"] for w in valid) >= 100
    assert sum(int(w["unshared"]) > 2**53 for w in valid) >= 100
    # The display: drawn figures with dilation, padding and uncovered cells; uneven padding and
    # grouped channels in the lines.
    drawn = [w["cells"] for w in valid if w["cells"] is not None]
    assert len(drawn) >= 500
    assert (
        sum(
            len({y for y, _ in c["taps"]}) > 1 and c["taps"][1][1] - c["taps"][0][1] > 1
            for c in drawn
        )
        >= 50
    )
    assert (
        sum(c["padding"] > 0 for c in drawn) >= 100
        and sum(c["uncovered"] > 0 for c in drawn) >= 100
    )
    assert sum(w["lines"]["en"]["fh"].split("⌋")[0].count(" + ") >= 2 for w in valid) >= 10
    assert sum("/" in w["lines"]["en"]["shared"] for w in valid) >= 20


def test_number_format_matches_fmt(batch: Any) -> None:
    """Thousands separators as `convshare.fmt` writes them, in both languages."""
    _, _, got = batch
    for n, text in zip(got["numbers_in"], got["numbers"], strict=True):
        assert text == fmt(n, "zh") == fmt(n, "en")


def test_field_text_reads_like_a_python_literal() -> None:
    """The page reads a field as Python would read the typed literal: int, float, else a string."""
    texts = {
        "3": 3,
        " 07 ": 7,
        "-2": -2,
        "+4": 4,
        "2.0": 2.0,
        "2.5": 2.5,
        "1e3": 1000.0,
        ".5": 0.5,
        "abc": "abc",
        "": "",
        "1,2": "1,2",
        "1e400": math.inf,
    }
    script = (
        "const c = require(process.argv[1]);"
        "const texts = JSON.parse(process.argv[2]);"
        "process.stdout.write(JSON.stringify(texts.map(t => c.repr(c.parse(t)))))"
    )
    node = shutil.which("node")
    assert node
    proc = subprocess.run(
        [node, "-e", script, str(CALCULATOR), json.dumps(list(texts))],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(proc.stdout) == [repr(v) for v in texts.values()]
