"""Network pages: repeated blocks grouped in the per-layer table and the figure, exactly.

A spec's top-level ``use`` of a block (with its ``repeat``) is one group: one row of the
per-layer table that unfolds to its layers, one pair of bars in the figure. The sums over the
groups must be the network's totals; the groups' sizes come from the specs' ``repeat`` fields,
which follow the papers (ResNet-50's stages of 3, 4, 6 and 3 bottlenecks, He et al. 2015, Table
1; DenseNet-121's dense blocks of 6, 12, 24 and 16 layers, Huang et al. 2016, Table 1).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

import convshare
from convshare._network_page import layer_groups, layers_html

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "docs" / "architectures").glob("*.yaml"))
LANGS = ("zh", "en")


def _load(stem: str) -> convshare.NetworkResult:
    return convshare.load_spec(ROOT / "docs" / "architectures" / f"{stem}.yaml")


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_groups_cover_every_row_once_and_sum_to_the_totals(path: Path) -> None:
    """Every row is in exactly one group, in order, and the groups add up to the totals."""
    result = convshare.load_spec(path)
    groups = layer_groups(result)
    assert tuple(r for g in groups for r in g.rows) == result.rows
    assert sum(g.params for g in groups) == result.params
    assert sum(g.params_unshared for g in groups) == result.params_unshared
    assert sum(g.macs for g in groups) == result.macs
    # A group's input is what the group before it gave.
    previous = result.network.input_shape
    for g in groups:
        assert g.in_shape == previous, g.label
        previous = g.last.out_shape


def test_resnet50_groups_are_its_stages_blocks() -> None:
    """ResNet-50: each stage's first (downsampling) bottleneck, then its other 2, 3, 5, 2."""
    blocks = [(g.label, g.block, g.count) for g in layer_groups(_load("resnet-50")) if g.block]
    assert blocks == [
        ("layer1.0", "bottleneck_down", 1),
        ("layer1.1–2", "bottleneck", 2),
        ("layer2.0", "bottleneck_down", 1),
        ("layer2.1–3", "bottleneck", 3),
        ("layer3.0", "bottleneck_down", 1),
        ("layer3.1–5", "bottleneck", 5),
        ("layer4.0", "bottleneck_down", 1),
        ("layer4.1–2", "bottleneck", 2),
    ]


def test_densenet121_dense_blocks_sum_their_layers() -> None:
    """DenseNet-121's dense block i: 6, 12, 24, 16 layers; layer j reads c0 + 32 j channels.

    Each dense layer has batch norm (2 c), a 1×1 conv to 128 (128 c), batch norm (256) and a
    3×3 conv to 32 (128 × 9 × 32), no biases (torchvision's _DenseLayer).
    """
    dense = [g for g in layer_groups(_load("densenet-121")) if g.block == "dense_layer"]
    assert [g.count for g in dense] == [6, 12, 24, 16]
    c0 = 64
    for g in dense:
        expected = 0
        for j in range(g.count):
            c = c0 + 32 * j
            expected += 2 * c + 128 * c + 2 * 128 + 128 * 9 * 32
        assert g.params == expected, g.label
        c0 = (c0 + 32 * g.count) // 2  # the transition halves the channels
    assert dense[0].label == "features.denseblock1.denselayer1–6"


class _Rows(HTMLParser):
    """Each <tbody>'s rows, each row its cells' text (a <summary> marked with "▸")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bodies: list[tuple[str, list[list[str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self.bodies.append((dict(attrs).get("class") or "", []))
        elif tag == "tr" and self.bodies:
            self.bodies[-1][1].append([])
        elif tag == "td" and self.bodies:
            self.bodies[-1][1][-1].append("")
        elif tag == "summary" and self.bodies:
            self.bodies[-1][1][-1][-1] += "▸"

    def handle_data(self, data: str) -> None:
        if self.bodies and self.bodies[-1][1] and self.bodies[-1][1][-1]:
            self.bodies[-1][1][-1][-1] += data


@pytest.mark.parametrize("lang", LANGS)
def test_a_group_row_unfolds_to_its_layers(lang: str) -> None:
    """DenseNet-121's first dense block: one row with the sums, then its 6 × 5 shown layers."""
    result = _load("densenet-121")
    parser = _Rows()
    parser.feed(layers_html(result, lang))
    groups = [rows for kind, rows in parser.bodies if kind == "cs-group"]
    assert len(groups) == sum(1 for g in layer_groups(result) if g.block)
    head, *layers = groups[0]
    assert head[0] == "▸features.denseblock1.denselayer1–6"
    block = "dense_layer（块）×6" if lang == "zh" else "dense_layer (block) ×6"
    assert head[1] == block
    assert head[2:4] == ["56×56×64", "56×56×256"]  # 64 + 6 × 32 channels out
    assert head[5] == convshare.fmt(335_040, lang)  # the sum computed in the test above
    names = [row[0] for row in layers]
    assert len(names) == 6 * 5  # norm1, conv1, norm2, conv2 and the concatenation; no ReLU
    assert names[:5] == [
        "denselayer1.norm1",
        "denselayer1.conv1",
        "denselayer1.norm2",
        "denselayer1.conv2",
        "denselayer1",
    ]
    assert sum(int(row[5].replace(",", "")) for row in layers) == 335_040


def _bar_values(svg: str) -> list[int]:
    """The values written at the end of the figure's bars, in order (shared, unshared, ...)."""
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    values = []
    for text in root.iter(f"{ns}text"):
        if text.get("font-size") == "11":
            values.append(int((text.text or "").replace(",", "")))
    return values


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_figure_bars_add_up_to_the_totals(path: Path) -> None:
    """One pair of bars per layer with parameters or per group; they sum to the totals."""
    result = convshare.load_spec(path)
    values = _bar_values(convshare.network_figure(result, "en"))
    assert sum(values[0::2]) == result.params
    assert sum(values[1::2]) == result.params_unshared


def test_resnet50_figure_has_one_bar_pair_per_block_group() -> None:
    """conv1, bn1, the 8 groups of bottlenecks and fc: 11 pairs, not one per layer (54)."""
    svg = convshare.network_figure(_load("resnet-50"), "zh")
    assert len(_bar_values(svg)) == 2 * 11
    # 5 bottlenecks of 3 convolutions and 3 batch normalisations each
    assert re.search(r"<title>layer3\.1–5：bottleneck 块 ×5，30 个含参数的层；", svg)


#: Bytes of a network page's HTML: the 400 KB a page may load, less the theme's scripts,
#: styles and fonts (about 300 KB).
MAX_PAGE_BYTES = 100_000


@pytest.mark.parametrize("lang", LANGS)
def test_every_network_page_stays_light(built_site: Path, lang: str) -> None:
    """Every architecture page's HTML, both languages, DenseNet-121's included, ≤ 100 KB."""
    root = built_site if lang == "zh" else built_site / lang
    pages = sorted((root / "architectures").glob("*/index.html"))
    assert len(pages) == len(SPECS)
    heavy = {p.parent.name: p.stat().st_size for p in pages if p.stat().st_size > MAX_PAGE_BYTES}
    assert not heavy, f"pages over {MAX_PAGE_BYTES:,} bytes: {heavy}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_table_is_on_the_page_and_out_of_search(built_site: Path, lang: str) -> None:
    """The per-layer table is put into the written page, after search has read the content:
    its rows are on the page but not in the search index, and what follows it on the page (the
    spec's listing) is still indexed, so the table's HTML does not swallow the rest."""
    root = built_site if lang == "zh" else built_site / lang
    page = (root / "architectures" / "densenet-121" / "index.html").read_text(encoding="utf-8")
    assert "<td>denselayer1.norm1<td>" in page and "CSLATE" not in page
    index = json.loads((built_site / f"search/search_index.{lang}.json").read_text("utf-8"))
    text = " ".join(d["text"] for d in index["docs"] if "densenet-121" in d["location"])
    assert "denselayer1.norm1" not in text
    assert "dense_layer:" in text  # the spec's listing, after the table
