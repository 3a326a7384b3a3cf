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


def _texts(outputs: list[dict[str, Any]]) -> str:
    parts = []
    for o in outputs:
        parts.append(o.get("text", ""))
        for mime, value in o.get("data", {}).items():
            if mime in ("text/markdown", "text/plain", "text/html"):
                parts.append(_BASE64.sub("", value))
    return "\n".join(parts)


_EXECUTED: dict[tuple[str, str], nbformat.NotebookNode] = {}


def _reexecuted(name: str, lang: str) -> nbformat.NotebookNode:
    """The notebook built from its source and executed now (once per test session)."""
    if (name, lang) not in _EXECUTED:
        _EXECUTED[name, lang] = execute.execute(execute.build(name, lang))
    return _EXECUTED[name, lang]


# --- the committed notebooks --------------------------------------------------------------


@pytest.mark.parametrize(("name", "lang"), CASES, ids=IDS)
def test_committed_notebook_matches_its_source(name: str, lang: str) -> None:
    """Every cell (kind, text, tags) is what `_src_<name>.py` gives for that language."""
    committed, built = _committed(name, lang), execute.build(name, lang)
    assert len(committed.cells) == len(built.cells), REFRESH
    for i, (c, b) in enumerate(zip(committed.cells, built.cells, strict=True)):
        assert (c.cell_type, c.source, c.metadata.get("tags", [])) == (
            b.cell_type,
            b.source,
            b.metadata.get("tags", []),
        ), f"{name}.{lang} cell {i} differs from its source: {REFRESH}"


@pytest.mark.parametrize(("name", "lang"), CASES, ids=IDS)
def test_committed_notebook_is_executed_cleanly(name: str, lang: str) -> None:
    """Every code cell ran, in order, with no error and nothing on stderr (warnings included)."""
    cells = _code_cells(_committed(name, lang))
    assert cells, "a notebook without code"
    counts = [cell.execution_count for cell in cells]
    assert counts == list(range(1, len(cells) + 1)), f"unexecuted or out of order: {REFRESH}"
    for i, cell in enumerate(cells):
        for o in cell.outputs:
            assert o.output_type != "error", f"code cell {i} raised {o.get('ename')}"
            assert o.get("name") != "stderr", f"code cell {i} wrote to stderr: {o.get('text')}"


@pytest.mark.parametrize(("name", "lang"), CASES, ids=IDS)
def test_figures_have_alt_text(name: str, lang: str) -> None:
    """Every figure is an <img> with a description in the notebook's language."""
    figures = 0
    for cell in _code_cells(_committed(name, lang)):
        for o in cell.outputs:
            assert "image/png" not in o.get("data", {}), "a figure without alt text: use show()"
            page = o.get("data", {}).get("text/html", "")
            for img in re.findall(r"<img\b[^>]*>", page):
                figures += 1
                alt = re.search(r'alt="([^"]{40,})"', img)
                assert alt, f"figure without a real description: {img[:80]}"
                chinese = re.search(r"[\u4e00-\u9fff]", alt.group(1))
                assert bool(chinese) == (lang == "zh"), f"alt text not in {lang}: {alt.group(1)}"
    assert figures >= 1


# --- re-execution: the outputs are current --------------------------------------------------


@pytest.mark.parametrize(("name", "lang"), CASES, ids=IDS)
def test_outputs_are_current(name: str, lang: str) -> None:
    """Re-executing gives the committed outputs; timing cells give fresh, real measurements."""
    committed, fresh = _committed(name, lang), _reexecuted(name, lang)
    code = "\n".join(cell.source for cell in _code_cells(committed))
    timed_before, timed_now = [], []
    for i, (old, new) in enumerate(zip(_code_cells(committed), _code_cells(fresh), strict=True)):
        tags = old.metadata.get("tags", [])
        was, now = _outputs(old), _outputs(new)
        if "machine" in tags:
            # The committed measurements were taken with the PyTorch version the lock pins.
            assert f"PyTorch {torch.__version__}" in _texts(was), f"cell {i}: {REFRESH}"
            assert f"PyTorch {torch.__version__}" in _texts(now)
        elif "timing" in tags:
            assert _masked(was) == _masked(now), f"cell {i} changed shape: {REFRESH}"
            numbers = [float(n.replace(",", "")) for n in _NUMBER.findall(_texts(was))]
            assert numbers and all(n > 0 for n in numbers), f"cell {i}: {numbers}"
            # A table or a line of measurements, or a figure drawn from them.
            drawn = "base64," in json.dumps(was)
            assert _DECIMAL.search(_texts(was)) or drawn, f"cell {i} shows no measurement"
            timed_before.append(_DECIMAL.findall(_texts(was)))
            timed_now.append(_DECIMAL.findall(_texts(now)))
        else:
            assert was == now, f"{name}.{lang}: output of code cell {i} is stale: {REFRESH}"
    if timed_before:
        # Measured, not typed: the code reads a clock, and a second run measures other times.
        assert "time.perf_counter()" in code
        assert timed_before != timed_now, "the timings came out identical: are they typed?"


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
