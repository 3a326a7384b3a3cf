"""Plumbing shared by the notebooks: reproducible set-up, figures with alt text, tables, machine.

Kept out of the notebooks' visible code so that each code cell shows only what it measures.
"""

from __future__ import annotations

import base64
import html
import io
import os
import platform
import random
from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import HTML, Markdown
from matplotlib.figure import Figure
from PIL import Image

__all__ = ["cpu_model", "machine", "setup", "show", "table"]


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
            "svg.hashsalt": "convshare",
            "image.cmap": "viridis",
        }
    )


def show(fig: Figure, alt: str) -> HTML:
    """A figure as a PNG with alt text, the same bytes on every run (no date, no software tag).

    The image is reduced to a 256-colour palette, which halves its size with no visible change.
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    image = Image.open(buf).convert("RGB")
    palette = image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    width, height = image.size
    src = base64.b64encode(out.getvalue()).decode("ascii")
    return HTML(
        f'<figure class="nb-figure"><img src="data:image/png;base64,{src}" '
        f'width="{width}" height="{height}" alt="{html.escape(alt)}"></figure>'
    )


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
