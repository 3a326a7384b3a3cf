"""Plumbing shared by the notebooks: reproducible set-up, figures with alt text, tables, machine.

Kept out of the notebooks' visible code so that each code cell shows only what it measures.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import platform
import random
import re
from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import HTML, Markdown
from matplotlib.figure import Figure

__all__ = ["cpu_model", "machine", "setup", "show", "table"]


#: Colours that the figures are drawn in and that ``show`` then hands to the page: lines and
#: text in the page's text colour, legend boxes in its background colour, so that a figure
#: reads in the light and the dark scheme alike.
_INK, _PAPER = "#010203", "#fdfcfb"
_PAGE_COLOURS = {
    _INK: "currentColor",
    "#000000": "currentColor",  # markers drawn in black ("k")
    _PAPER: "var(--md-default-bg-color, #fff)",
}


def setup(seed: int = 0, threads: int = 1) -> None:
    """Fix every seed, the number of CPU threads and the figure style (CJK-capable fonts)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    mpl.rcParams.update(
        {
            "figure.dpi": 96,
            "savefig.dpi": 96,
            "font.size": 9,
            # Latin from DejaVu Sans; Chinese characters fall back to Noto Sans CJK SC.
            "font.family": ["DejaVu Sans", "Noto Sans CJK SC"],
            "axes.unicode_minus": False,
            # Text as outlines: the figure looks the same whatever fonts the reader has.
            "svg.fonttype": "path",
            "svg.hashsalt": "convshare",
            "image.cmap": "viridis",
            "text.color": _INK,
            "axes.labelcolor": _INK,
            "axes.edgecolor": _INK,
            "xtick.color": _INK,
            "ytick.color": _INK,
            "legend.facecolor": _PAPER,
            "legend.framealpha": 0.9,
        }
    )


def show(fig: Figure, alt: str) -> HTML:
    """A figure as inline SVG with alt text, the same bytes on every run (no date, no tool name).

    The background is transparent and text, axes and legends take the page's colours, so the
    figure follows the site's light or dark scheme; vector text stays sharp at any zoom.
    """
    buf = io.StringIO()
    fig.savefig(
        buf,
        format="svg",
        bbox_inches="tight",
        transparent=True,
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML declaration or doctype inside HTML
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    # A <style> element would apply to the whole page: its rules go on the root, and inherit.
    svg = re.sub(r"\s*<defs>\s*<style[^>]*>[^<]*</style>\s*</defs>", "", svg, count=1)
    for colour, page_colour in _PAGE_COLOURS.items():
        svg = svg.replace(colour, page_colour)
    # Ids unique on the page: several figures share glyph and clip-path names.
    prefix = "f" + hashlib.sha1(alt.encode()).hexdigest()[:8] + "-"
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", svg)
    # Size in CSS pixels (matplotlib writes points); the stylesheet caps it at the text width.
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    svg = re.sub(
        r'<svg [^>]*?width="[^"]*" height="[^"]*"',
        f'<svg width="{round(width * 4 / 3)}" height="{round(height * 4 / 3)}"'
        f' role="img" aria-label="{html.escape(alt)}"'
        ' style="stroke-linejoin: round; stroke-linecap: butt"',
        svg,
        count=1,
    )
    return HTML(f'<figure class="nb-figure">{svg.strip()}</figure>')


def table(
    header: Sequence[str], rows: Sequence[Sequence[object]], numeric_from: int = 1
) -> Markdown:
    """A Markdown table; columns from ``numeric_from`` on are right-aligned."""
    align = ["---" if i < numeric_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return Markdown("\n".join(lines))


def cpu_model() -> str:
    """The CPU's model name as the operating system reports it."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine(lang: str) -> Markdown:
    """Where the timings were taken: CPU, cores, threads used, PyTorch and Python versions."""
    cores = os.cpu_count()
    if lang == "zh":
        text = (
            f"**测量环境**：CPU {cpu_model()}，{cores} 个逻辑核心，PyTorch 使用 "
            f"{torch.get_num_threads()} 个线程；PyTorch {torch.__version__}，"
            f"Python {platform.python_version()}，{platform.system()}。"
        )
    else:
        text = (
            f"**Measured on**: CPU {cpu_model()}, {cores} logical cores, PyTorch using "
            f"{torch.get_num_threads()} thread(s); PyTorch {torch.__version__}, "
            f"Python {platform.python_version()}, {platform.system()}."
        )
    return Markdown(text)
