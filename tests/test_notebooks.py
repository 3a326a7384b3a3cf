"""The notebooks: committed as executed, current, and rendered as light, self-contained pages.

The site shows each notebook's committed outputs (mkdocs-jupyter ``execute: false``). These
tests re-execute every notebook with the same kernel and compare each output with the
committed one, so a stale output fails. Cells tagged ``timing`` print measurements that depend
on the machine: for them the structure must match, and the numbers must be real measurements.
To refresh the notebooks: ``.venv/bin/python docs/notebooks/execute.py``.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import nbformat
import pytest
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "docs" / "notebooks"
REFRESH = "re-execute with `.venv/bin/python docs/notebooks/execute.py`"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, NOTEBOOKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # the notebook sources import `execute` by this name
    spec.loader.exec_module(module)
    return module


execute = _load("execute")
if str(NOTEBOOKS) not in sys.path:
    sys.path.insert(0, str(NOTEBOOKS))
_lc = _load("_lc")

CASES = [(name, lang) for name in execute.NAMES for lang in execute.LANGS]
IDS = [f"{name}.{lang}" for name, lang in CASES]

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_DECIMAL = re.compile(r"\d+\.\d+")
_BASE64 = re.compile(r"base64,[A-Za-z0-9+/=]+")


def _committed(name: str, lang: str) -> nbformat.NotebookNode:
    return nbformat.read(execute.notebook_path(name, lang), as_version=4)


def _code_cells(nb: nbformat.NotebookNode) -> list[Any]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def _outputs(cell: Any) -> list[dict[str, Any]]:
    """A cell's outputs, without the fields that carry no content."""
    out = []
    for o in cell.outputs:
        item = {"output_type": o.output_type}
        for key in ("name", "text", "data", "execution_count", "ename", "evalue"):
            if key in o:
                item[key] = o[key]
        out.append(item)
    return out


def _masked(outputs: list[dict[str, Any]]) -> str:
    """Outputs as text with every number and every embedded image replaced by a placeholder."""
    text = json.dumps(outputs, sort_keys=True, ensure_ascii=False)
    return _NUMBER.sub("#", _BASE64.sub("base64,…", text))


_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def _texts(outputs: list[dict[str, Any]]) -> str:
    parts = []
    for o in outputs:
        parts.append(o.get("text", ""))
        for mime, value in o.get("data", {}).items():
            if mime in ("text/markdown", "text/plain", "text/html"):
                parts.append(_BASE64.sub("", value))
    return "\n".join(parts)


_EXECUTED: dict[tuple[str, str, tuple[tuple[str, str], ...]], nbformat.NotebookNode] = {}


def _reexecuted(name: str, lang: str, **env: str) -> nbformat.NotebookNode:
    """The notebook built from its source and executed now, once per test session.

    ``env`` is set for the kernel (which inherits the environment when it starts): e.g.
    ``ATEN_CPU_CAPABILITY="default"`` makes PyTorch pick other kernels, as another CPU would.
    """
    key = (name, lang, tuple(sorted(env.items())))
    if key not in _EXECUTED:
        with pytest.MonkeyPatch.context() as patch:
            for var, value in env.items():
                patch.setenv(var, value)
            _EXECUTED[key] = execute.execute(execute.build(name, lang))
    return _EXECUTED[key]


def _svg_masked(outputs: list[dict[str, Any]]) -> str:
    """A timing cell's outputs with each figure reduced to a placeholder: a chart of other
    measurements has other ticks, so only its presence and its description are compared."""
    text = _masked(outputs)
    return re.sub(r"<svg\b[^>]*?(aria-label=[^>]*)>.*?</svg>", r"<svg \1>…</svg>", text)


def _assert_current(
    committed: nbformat.NotebookNode, fresh: nbformat.NotebookNode, what: str
) -> None:
    """Every output of ``fresh`` is the committed one, except measurements and the machine's
    description, which are checked by shape and bound."""
    code = "\n".join(cell.source for cell in _code_cells(committed))
    pairs = zip(_code_cells(committed), _code_cells(fresh), strict=True)
    for i, (old, new) in enumerate(pairs):
        tags = old.metadata.get("tags", [])
        was, now = _outputs(old), _outputs(new)
        if "machine" in tags:
            # The committed measurements were taken with the PyTorch version the lock pins.
            assert f"PyTorch {torch.__version__}" in _texts(was), f"cell {i}: {REFRESH}"
            assert f"PyTorch {torch.__version__}" in _texts(now)
        elif "timing" in tags:
            # Measured, not typed: the code reads a clock.
            assert "time.perf_counter()" in code
            assert _svg_masked(was) == _svg_masked(now), f"cell {i} changed shape: {REFRESH}"
            for outputs in (was, now):
                # The words and tables, not a figure's drawing coordinates (which include 0).
                words = _SVG.sub("", _texts(outputs))
                numbers = [float(n.replace(",", "")) for n in _NUMBER.findall(words)]
                # A table or a line of measurements, or a figure drawn from them.
                drawn = "<svg" in json.dumps(outputs)
                assert (numbers or drawn) and all(n > 0 for n in numbers), f"cell {i}: {numbers}"
                assert _DECIMAL.search(_texts(outputs)) or drawn, f"cell {i}: no measurement"
        else:
            assert was == now, f"{what}: output of code cell {i} is stale: {REFRESH}"


@pytest.mark.slow
@pytest.mark.parametrize(("name", "lang"), CASES, ids=IDS)
def test_outputs_are_current(name: str, lang: str) -> None:
    """Re-executing gives the committed outputs; timing cells give real measurements."""
    _assert_current(_committed(name, lang), _reexecuted(name, lang), f"{name}.{lang}")


#: Settings that change PyTorch's kernels on this machine as another CPU would: its portable
#: kernels instead of the machine's vectorised ones, and another number of OpenMP threads.
OTHER_CPU = {"ATEN_CPU_CAPABILITY": "default", "OMP_NUM_THREADS": "2"}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sharing", "equivariance"])
def test_outputs_do_not_depend_on_the_cpu(name: str) -> None:
    """Under other kernels the notebook gives the same outputs, to the byte: nothing committed
    depends on the CPU's rounding except what is tagged as a measurement.

    (A notebook that printed a float32 rounding residue, e.g. ``2.3e-06``, fails here: the
    portable kernels sum in another order.)
    """
    fresh = _reexecuted(name, "en", **OTHER_CPU)
    _assert_current(_committed(name, "en"), fresh, f"{name}.en under {OTHER_CPU}")


# --- the helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "cin", "cout", "kernel", "stride", "padding"),
    [
        ((9, 7), 2, 3, (3, 2), (2, 1), (1, 0)),  # every pair different
        (12, 3, 4, 5, 3, 2),  # floor rounding: (12 + 4 - 5) / 3 = 3.67
        (6, 1, 1, 6, 1, 0),  # a single output position
    ],
)
def test_locally_connected_layer_equals_conv(
    size: Any, cin: int, cout: int, kernel: Any, stride: Any, padding: Any
) -> None:
    """With the conv's filters at every position, the layer computes F.conv2d exactly."""
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(cin, cout, kernel, stride, padding, dtype=torch.float64)
    lc = _lc.LocallyConnected2d.from_conv(conv, size)
    h, w = (size, size) if isinstance(size, int) else size
    x = torch.randn(2, cin, h, w, dtype=torch.float64)
    expected = F.conv2d(x, conv.weight, conv.bias, conv.stride, conv.padding)
    assert lc(x).shape == expected.shape
    torch.testing.assert_close(lc(x), expected, rtol=0, atol=1e-12)
    positions = expected.shape[2] * expected.shape[3]
    shared = sum(p.numel() for p in conv.parameters())
    assert sum(p.numel() for p in lc.parameters()) == positions * shared


def test_chinese_line_breaks_are_joined() -> None:
    """A line break between Chinese characters would show as a space; list items stay apart."""
    cell = execute.md("参数\n  共享：\n- 卷积层；\n- 局部连接层\n\n第二段", "x")
    assert cell.text["zh"] == "参数共享：\n- 卷积层；\n- 局部连接层\n\n第二段"


# --- the built pages -----------------------------------------------------------------------

#: Page-weight target for a notebook page, images included (the site's budget).
PAGE_BUDGET = 400 * 1024


@pytest.mark.parametrize(("name", "lang"), CASES, ids=IDS)
def test_notebook_page_is_rendered_light_and_self_contained(
    built_site: Path, name: str, lang: str
) -> None:
    """The page is HTML with outputs, maths, anchors and figures; no JSON, CSS dump or CDN."""
    prefix = "" if lang == "zh" else f"{lang}/"
    page = built_site / f"{prefix}notebooks/{name}/index.html"
    assert page.is_file(), f"no page for {name}.{lang}"
    html = page.read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in html
    assert '"nbformat"' not in html, "the notebook was copied as JSON, not rendered"
    assert "jp-OutputArea-output" in html, "no rendered output cell"
    assert "<style" not in html.split('class="md-content"')[1], "inline notebook CSS left"
    for loader in ("mathjax", "mermaid", "cdnjs", "require.js", '<script src="http'):
        assert loader not in html.lower(), f"{loader} on a self-contained page"
    prose = "".join(c.source for c in _committed(name, lang).cells if c.cell_type == "markdown")
    assert "$$" not in html
    assert ("<math" in html) == ("$" in prose), "maths in the notebook, none rendered"
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    toc = re.findall(r'<a href="#([^"]*)" class="md-nav__link"', html)
    assert toc, "no table of contents"
    assert all(anchor in ids for anchor in toc), f"TOC links to missing ids: {toc}"
    assert 'id=""' not in html
    css = re.search(r'<link rel="stylesheet" href="([^"]*notebook\.css)">', html)
    assert css, "the notebook stylesheet is not linked"
    stylesheet = (page.parent / css.group(1)).resolve()
    assert stylesheet.is_file()
    weight = len(html.encode()) + stylesheet.stat().st_size
    assert weight < PAGE_BUDGET, f"{weight} bytes"


def test_notebook_helpers_stay_off_the_site(built_site: Path) -> None:
    """The notebooks' Python sources and helpers are not published."""
    assert not list(built_site.rglob("notebooks/*.py"))
