"""The command line: the article's rows, one layer, spec checking, errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from convshare._cli import main

ROOT = Path(__file__).resolve().parent.parent
LENET5 = ROOT / "docs" / "architectures" / "lenet-5.yaml"


def test_module_runs_and_prints_the_article_rows_in_both_languages() -> None:
    """`python -m convshare` prints AlexNet's and LeNet's first layers, corrected, zh then en."""
    out = subprocess.run(
        [sys.executable, "-m", "convshare"], capture_output=True, text=True, check=True
    ).stdout
    # CS231n: 55*55*96 = 290,400 neurons, 290,400*(11*11*3+1) without sharing, 96*(363+1) with.
    for figure in (55 * 55 * 96, 55 * 55 * 96 * (11 * 11 * 3 + 1), 96 * (11 * 11 * 3 + 1)):
        assert out.count(f"{figure:,}") == 2, figure
    # The article's LeNet (28x28 input): 24*24*6 neurons, 3,456*(5*5+1), 6*(25+1).
    for figure in (24 * 24 * 6, 24 * 24 * 6 * 26, 6 * 26):
        assert out.count(f"{figure:,}") == 2, figure
    assert "神经元" in out and "Neurons" in out
    assert out.index("神经元") < out.index("Neurons")


def test_layer_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`layer --json` gives AlexNet conv1 at the paper's 224: floor gives 54, 1 unused."""
    assert main(["layer", "--input", "224", "--in-channels", "3", "--filters", "96",
                 "--kernel", "11", "--stride", "4", "--json"]) == 0  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert data["output_size"] == [(224 - 11) // 4 + 1] * 2
    assert data["unused"] == [(224 - 11) % 4] * 2
    assert data["params_shared"] == 96 * (11 * 11 * 3 + 1)
    assert data["params_unshared"] == 54 * 54 * 96 * (11 * 11 * 3 + 1)


def test_layer_pairs_and_same_padding(capsys: pytest.CaptureFixture[str]) -> None:
    """Pairs are written H,W; 'same' keeps the size with stride 1."""
    assert main(["layer", "--input", "30,20", "--in-channels", "4", "--filters", "8",
                 "--kernel", "3,5", "--padding", "same", "--json"]) == 0  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert data["output_size"] == [30, 20]
    assert data["padding"] == [[1, 1], [2, 2]]


def test_layer_error_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid geometry exits 1 with the package's message in the chosen language."""
    code = main(["layer", "--input", "5", "--in-channels", "3", "--filters", "4",
                 "--kernel", "7", "--lang", "zh"])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert "卷积核" in err and "7" in err and "5" in err


def test_layer_derivation_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    """`--derivation` adds the steps with values substituted."""
    assert main(["layer", "--input", "227", "--in-channels", "3", "--filters", "96",
                 "--kernel", "11", "--stride", "4", "--derivation"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert r"\frac{227 - 11 + 2 \cdot 0}{4}" in out
    assert "105{,}705{,}600" in out


def test_check_valid_spec(capsys: pytest.CaptureFixture[str]) -> None:
    """`check` tabulates a valid spec: LeNet-5's totals (LeCun et al. 1998: 60,000; 340,908)."""
    assert main(["check", str(LENET5)]) == 0
    out = capsys.readouterr().out
    assert "60,000" in out and "340,908" in out


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`check --json` gives machine-readable totals."""
    assert main(["check", "--json", str(LENET5)]) == 0
    (data,) = json.loads(capsys.readouterr().out)
    assert data["params"] == 60_000 and data["connections"] == 340_908


def test_check_invalid_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid spec exits 1 and the message names the file, the layer and the problem."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\ninput: [3, 32, 32]\nlayers:\n"
        "  - {type: conv, name: c1, out_channels: 8, kernel_size: 3}\n"
        "  - {type: conv, name: c2, out_channels: 8, kernel_size: 40}\n",
        encoding="utf-8",
    )
    assert main(["check", str(bad), str(LENET5), "-q"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: layers[1] (c2): the kernel spans 40 rows" in err
    assert "1 spec(s) valid, 1 invalid" in err


def test_check_compares_published_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spec whose published total disagrees with its layers fails `check`, saying both."""
    bad = tmp_path / "wrong-total.yaml"
    bad.write_text(
        "name: t\ninput: [1, 28, 28]\n"
        "published: {params: 157, source: a typo}\n"
        "layers:\n  - {type: conv, name: c1, out_channels: 6, kernel_size: 5}\n",
        encoding="utf-8",
    )
    assert main(["check", str(bad)]) == 1
    # 6*(5*5*1+1) = 156 computed, 157 published
    assert "published.params: the spec publishes 157 but its layers add up to 156" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    "value",
    ["0x20", "３２", "32,３２", "1_000", "0b11", "1e3", "32,32,32", "", "+", "1" * 501],
)
def test_layer_refuses_what_the_calculator_refuses(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only ASCII decimal digits (the calculator's /^[+-]?\\d+$/): 0x20 is not the pair (0, 20),
    full-width digits are not 32, and a usage error (exit 2) says so, without a traceback."""
    for flag in ("--input", "--in-channels"):
        args = {"--input": "32", "--in-channels": "3", "--filters": "4", "--kernel": "3"}
        args[flag] = value
        with pytest.raises(SystemExit) as info:
            main(["layer", *(x for kv in args.items() for x in kv)])
        assert info.value.code == 2
        assert "expected an integer" in capsys.readouterr().err


def test_layer_with_a_400_digit_input(capsys: pytest.CaptureFixture[str]) -> None:
    """Huge sizes stay exact: integer arithmetic, no float overflow in the unused-input note or
    the derivation. 10**400 + 2 with kernel 3, stride 2: (10**400 - 1) // 2 + 1 outputs per
    axis, and the last input row and column unused (10**400 - 1 is odd)."""
    n = 10**400 + 2
    assert main(["layer", "--input", str(n), "--in-channels", "1", "--filters", "1",
                 "--kernel", "3", "--stride", "2", "--derivation"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    side = (n - 3) // 2 + 1
    assert f"{side * side * (3 * 3 + 1):,}" in out
    assert "5.000e+399" in out  # (10**400 - 1) / 2, to four digits
