"""The formulas page's exercises: each folded answer shows the figures worked out by hand below.

The answers on the page are computed at build time (exec blocks calling `convshare`); this test
reads them from the built page (`built_site`, conftest.py) and compares them with arithmetic
written here, each with its derivation, so a wrong package result or an exercise whose layer was
changed without its answer being rechecked shows up as a failure.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from convshare import fmt

# Output size per axis, PyTorch's convention: floor((in + 2P - F) / S) + 1 (dilation 1).
# 1. 47x47x8 input, 16 filters of 5x5, stride 3, no padding:
#    (47 - 5) / 3 + 1 = 14 + 1 = 15 (exact); neurons 15 * 15 * 16.
EX1 = [(47 - 5) // 3 + 1, 15 * 15 * 16]
# 2. LeNet-5's C3 with every filter reading all 6 channels: 14x14x6, 16 filters of 5x5, stride 1:
#    14 - 5 + 1 = 10; per filter 5 * 5 * 6 weights + 1 bias = 151; neurons 10 * 10 * 16 = 1,600;
#    without sharing 1,600 * 151, with sharing 16 * 151; their ratio is 10 * 10.
EX2 = [14 - 5 + 1, 10 * 10 * 16 * (5 * 5 * 6 + 1), 16 * (5 * 5 * 6 + 1)]
EX2_RATIO = 10 * 10
# 3. A 1x1 convolution, stride 2, 28x28x256 -> 512 channels: (28 - 1) // 2 + 1 = 14 (27 / 2 is
#    13.5, floored); with biases 512 * (256 + 1) shared, without 512 * 256; unshared = 14 * 14 times
#    each, so the ratio is 14 * 14 = 196 both ways.
EX3_SHARED = [512 * (256 + 1), 512 * 256]
EX3_UNSHARED = [14 * 14 * 512 * (256 + 1), 14 * 14 * 512 * 256]
EX3_RATIO = [14 * 14, 14 * 14]
# 4. ResNet's stem: 224x224x3, 64 filters of 7x7, stride 2, padding 3: (224 + 6 - 7) / 2 = 111.5,
#    floored to 111, + 1 = 112. The padded input has 230 rows (0 to 229); the last window covers
#    rows 111 * 2 = 222 to 228, so 1 row (229) and likewise 1 column are left, both in the bottom
#    and right padding (rows 227 to 229).
EX4 = [(224 + 2 * 3 - 7) // 2 + 1]
# 5. The layer of exercise 2: 1,600 neurons, each 5 * 5 * 6 = 150 multiply-accumulates.
EX5 = [10 * 10 * 16 * 5 * 5 * 6]

#: Per language: the section's heading id, the table's row labels, and the sentences that
#: exercise 4's answer must hold (the unused row and column, and where they lie).
LANGS = {
    "zh": {
        "page": "formulas/index.html",
        "id": "练习",
        "ratio": "比值",
        "shared": "共享时的参数量",
        "unshared": "不共享时的参数量",
        "positions": "10×10 = {n}",
        "unused": ["最后的 1 行和 1 列", "都落在下方和右侧的填充里"],
    },
    "en": {
        "page": "en/formulas/index.html",
        "id": "exercises",
        "ratio": "Ratio",
        "shared": "Params with sharing",
        "unshared": "Params without sharing",
        "positions": "10×10 = {n}",
        "unused": ["the last 1 row and 1 column", "all lie in the padding"],
    },
}


def _answers(html: str, heading_id: str) -> list[str]:
    """The HTML of each folded answer after the exercises' heading, in page order."""
    start = html.find(f'id="{heading_id}"')
    assert start >= 0, f"no heading with id {heading_id!r}"
    return re.findall(r"<details\b.*?</details>", html[start:], re.S)


def _results(answer: str) -> list[int]:
    """The right-hand sides of the derivation's equations that are a bare number, in order:
    the result of each step (`= 15`), not the intermediate products (`= 15 × 15 × 16`)."""
    found = re.findall(r"<mrow><mo>&#x0003D;</mo><mn>([\d,]+)</mn></mrow>", answer)
    return [int(n.replace(",", "")) for n in found]


def _row(answer: str, label: str) -> list[str]:
    """The cells after the label cell of one row of the answer's table."""
    match = re.search(rf"<tr>\s*<td>{re.escape(label)}</td>(.*?)</tr>", answer, re.S)
    assert match, f"no table row {label!r}"
    return re.findall(r"<td[^>]*>([^<]*)</td>", match[1])


def _text(answer: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_exercise_answers_match_the_arithmetic(built_site: Path, lang: str) -> None:
    """Five folded answers, each showing the figures derived by hand above."""
    t = LANGS[lang]
    html = (built_site / t["page"]).read_text(encoding="utf-8")
    answers = _answers(html, t["id"])
    assert len(answers) == 5, f"{lang}: {len(answers)} folded answers"
    ex1, ex2, ex3, ex4, ex5 = answers
    assert _results(ex1) == EX1
    assert _results(ex2) == EX2
    assert t["positions"].format(n=fmt(EX2_RATIO, lang)) in _text(ex2)
    assert _row(ex3, t["shared"]) == [fmt(n, lang) for n in EX3_SHARED]
    assert _row(ex3, t["unshared"]) == [fmt(n, lang) for n in EX3_UNSHARED]
    assert _row(ex3, t["ratio"]) == [fmt(n, lang) for n in EX3_RATIO]
    assert _results(ex4) == EX4
    for sentence in t["unused"]:
        assert sentence in _text(ex4), sentence
    assert _results(ex5) == EX5
