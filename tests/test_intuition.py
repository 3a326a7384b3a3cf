"""The intuition figure: drawn from a real layer, readable on a phone, with alternative text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import convshare as cs


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_counts_come_from_the_layer(lang: str) -> None:
    """The printed counts follow the layer: 6×6 input, one 3×3 filter -> 4×4 = 16 positions,
    1 × (3·3 + 1) = 10 parameters shared, 16 × 10 = 160 unshared; a 7×7 input gives 25 × 10."""
    svg = cs.intuition_figure(lang)
    assert f"{4 * 4 * 10}" in svg and f"= {3 * 3 + 1}" in svg
    bigger = cs.intuition_figure(lang, cs.conv2d(7, 1, 1, 3))
    assert f"{5 * 5 * 10}" in bigger and f"{4 * 4 * 10}" not in bigger


def test_three_windows_shared_colour_or_three_colours() -> None:
    """Shared: the three windows have one colour; unshared: three different colours."""
    figure = ET.fromstring(cs.intuition_figure("en"))
    shared, unshared = figure.findall("{http://www.w3.org/2000/svg}svg")
    outlines = [
        {
            r.get("stroke")
            for r in svg.iter("{http://www.w3.org/2000/svg}rect")
            if r.get("stroke-width")
        }
        for svg in (shared, unshared)
    ]
    assert len(outlines[0]) == 1 and len(outlines[1]) == 3


def test_readable_at_390_px_with_alt_text() -> None:
    """Each panel is at most 358 px wide (a 390 px screen's column), so 12 px text stays >= 11 px;
    every panel is labelled by its title and the figure's caption."""
    html = cs.intuition_figure("zh")
    figure = ET.fromstring(html)
    caption = figure.find("figcaption")
    assert caption is not None and caption.text and "16" in caption.text
    for svg in figure.findall("{http://www.w3.org/2000/svg}svg"):
        assert int(svg.get("width", "0")) <= 358
        assert svg.get("role") == "img" and caption.get("id") in svg.get("aria-labelledby", "")
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', html)]
    assert sizes and min(sizes) >= 11


def test_rejects_a_layer_it_cannot_draw() -> None:
    """Several filters or groups are not what the figure shows: a clear error."""
    with pytest.raises(ValueError, match="one filter"):
        cs.intuition_figure("en", cs.conv2d(6, 1, 2, 3))
