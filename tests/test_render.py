"""Rendering: derivations, tables and figures in both languages, escaping of text from specs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import convshare as cs
from convshare._spec import check_spec, parse_spec

ALEXNET1 = cs.conv2d(227, 3, 96, 11, stride=4)  # CS231n's AlexNet conv1: 227, F=11, S=4, P=0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_derivation_substitutes_every_value(lang: str) -> None:
    """Each step shows the formula with the layer's numbers and the computed result."""
    text = cs.derivation(ALEXNET1, lang)
    assert r"\left\lfloor \frac{227 - 11 + 2 \cdot 0}{4} \right\rfloor + 1 = 55" in text
    assert r"55 \times 55 \times 96 = 290{,}400" in text
    assert r"290{,}400 \times (11 \times 11 \times 3 + 1) = 105{,}705{,}600" in text
    assert r"96 \times (11 \times 11 \times 3 + 1) = 34{,}944" in text
    assert r"290{,}400 \times 363 = 105{,}415{,}200" in text
    assert text.count("$$") == 2 * 5


def test_derivation_languages_differ_only_in_words() -> None:
    """The maths is the same in both languages; the prose is translated."""
    zh, en = cs.derivation(ALEXNET1, "zh"), cs.derivation(ALEXNET1, "en")
    maths = re.compile(r"\$\$\n(.*?)\n\$\$", re.S)
    assert maths.findall(zh) == maths.findall(en)
    assert "第 1 步" in zh and "Step 1" in en


def test_derivation_reports_unused_input() -> None:
    """At the paper's 224, (224 - 11) / 4 = 53.25: one row and one column are never covered."""
    zh = cs.derivation(cs.conv2d(224, 3, 96, 11, stride=4), "zh", steps=("output",))
    en = cs.derivation(cs.conv2d(224, 3, 96, 11, stride=4), "en", steps=("output",))
    assert "213 ÷ 4 = 53.25" in zh and "1 行和 1 列" in zh
    assert "213 / 4 = 53.25" in en and "1 row and 1 column" in en


def test_derivation_with_dilation_and_unequal_axes() -> None:
    """Height and width get their own lines when they differ; dilation uses PyTorch's form."""
    text = cs.derivation(cs.conv2d((32, 20), 3, 8, (3, 5), dilation=(1, 2)), "en", ["output"])
    assert r"\frac{32 - 3 + 2 \cdot 0}{1}" in text
    assert r"\frac{20 + 2 \cdot 0 - 2 \cdot (5 - 1) - 1}{1}" in text


def test_unknown_language_is_refused() -> None:
    """Only zh and en exist; a typo is an error, not English by accident."""
    with pytest.raises(ValueError, match="lang"):
        cs.fmt(1, "fr")


def test_article_table_complete_and_partial() -> None:
    """The article's two summary tables: given attributes, then computed ones."""
    partial = cs.article_table("en", complete=False)
    complete = cs.article_table("zh", complete=True)
    # One column per network (AlexNet, LeNet), one row per quantity: the article gives six
    # (input width and channels, kernel, stride, padding, filters), the site adds four.
    assert partial.splitlines()[0] == "| Network | AlexNet | LeNet |"
    assert len(partial.splitlines()) == 2 + 6
    assert len(complete.splitlines()) == 2 + 6 + 4
    assert "105,705,600" in complete and "89,856" in complete
    assert "105,415,600" not in complete  # the article's slip never appears as a computed value


def test_layer_table_transposes_a_few_layers() -> None:
    """Up to four layers, one row per quantity (the table fits a text column); more, one row
    per layer."""
    few = cs.layer_table([(f"L{i}", cs.conv2d(32, 1, 6, 5)) for i in range(4)], "en")
    many = cs.layer_table([(f"L{i}", cs.conv2d(32, 1, 6, 5)) for i in range(5)], "en")
    assert few.splitlines()[0] == "| Layer | L0 | L1 | L2 | L3 |"
    assert few.splitlines()[1] == "| --- | ---: | ---: | ---: | ---: |"
    # LeNet-5's C1: 6 * (5 * 5 * 1 + 1) parameters with sharing, 28 * 28 times that without.
    assert f"| Params with sharing | {6 * 26} | {6 * 26} | {6 * 26} | {6 * 26} |" in few
    assert f"| Params without sharing | {28 * 28 * 6 * 26:,} |" in few
    assert many.splitlines()[0].startswith("| Layer | Input | Kernel |")
    assert len(many.splitlines()) == 2 + 5


def _tiny(name: str) -> cs.NetworkResult:
    return check_spec(
        parse_spec(
            {
                "name": name,
                "input": [1, 8, 8],
                "layers": [
                    {"type": "conv", "name": name, "out_channels": 2, "kernel_size": 3},
                    {"type": "relu"},
                    {"type": "flatten"},
                    {"type": "linear", "out_features": 3},
                ],
            }
        )
    )


def test_text_from_specs_is_escaped() -> None:
    """A name like <script> shows as text in tables and figures."""
    evil = "<script>alert(1)</script>|x"
    result = _tiny(evil)
    table = cs.network_table(result, "en")
    assert "<script>" not in table and "|x" not in table
    # Through Markdown (with the site's table and attribute extensions), the cell shows the name
    # exactly as written, and nothing else of it becomes markup.
    import html

    import markdown

    page = markdown.markdown(table, extensions=["tables", "attr_list", "md_in_html"])
    cells = re.findall(r"<td>(.*?)</td>", page)
    assert html.unescape(cells[0]) == evil
    assert "<script" not in page
    svg = cs.network_figure(result, "zh")
    assert "<script>" not in svg
    ET.fromstring(svg)  # well-formed XML despite the name


def test_network_table_hides_activations_when_compact() -> None:
    """Activations hold no parameters; the compact table leaves them out."""
    result = _tiny("t")
    assert "relu" not in cs.network_table(result, "en")
    assert "relu" in cs.network_table(result, "en", compact=False)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_figure_is_accessible_svg(lang: str) -> None:
    """Figures are SVG with a title and a description in the page's language."""
    svg = cs.network_figure(_tiny("t"), lang)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    title = root.find(f"{ns}title")
    desc = root.find(f"{ns}desc")
    assert root.get("role") == "img" and title is not None and desc is not None
    assert ("参数" in (title.text or "")) == (lang == "zh")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_overview_tables_and_figure() -> None:
    """The overview compares first layers and totals, with links."""
    entries = [("A", "a.md", _tiny("a")), ("B", None, _tiny("b"))]
    first = cs.overview_table(entries, "en", first=True)
    totals = cs.overview_table(entries, "zh", first=False)
    assert "[A](a.md)" in first and "| B |" in first
    # Kernel, stride and padding share one column: 3 / 1 / 0 for a 3×3 kernel.
    assert "| 8×8×1 | 3 / 1 / 0 | 6×6×2 |" in first
    # conv 2*(3*3*1+1) = 20, linear 3*(2*6*6+1) = 219
    assert f"{20 + 219:,}" in totals
    # The layer column counts the layers with parameters (the conv and the linear layer: 2) and
    # its header says what it counts.
    assert "有参数的层" in totals
    assert totals.splitlines()[2].split("|")[2].strip() == "2"
    svg = cs.overview_figure([(t, r) for t, _, r in entries], "en")
    assert "A: 239 with sharing" in svg
