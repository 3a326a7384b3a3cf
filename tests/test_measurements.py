"""Measured figures: one data file with provenance, rendered by the package, not typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import convshare as cs

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "docs" / "data" / "measurements.yml"


def _figures(m: cs.Measurement) -> list[str]:
    """Every stored number of a measurement, as a page would print it."""
    out = []
    for r in m.rows:
        out += [f"{r.shared_ms:.2f} ms", f"{r.unshared_ms:.2f} ms"]
    return out


def test_every_measurement_has_provenance_and_renders() -> None:
    """Each entry names hardware, software, date and source, and its table shows every row."""
    measurements = cs.load_measurements(DATA)
    assert measurements
    for m in measurements.values():
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", m.date), m.date
        for lang in ("zh", "en"):
            table = cs.measurement_table(m, lang)
            source = cs.measurement_source(m, lang)
            assert m.hardware[lang] in source and m.software[lang] in source and m.date in source
            assert len(table.splitlines()) == 2 + len(m.rows)
            for figure in _figures(m):
                assert figure in table


def test_ratio_is_computed_from_the_times() -> None:
    """The slowdown column is unshared / shared time: 2.5 ms / 1.0 ms = 2.5."""
    text = {"zh": "x", "en": "x"}
    row = cs.MeasurementRow({"zh": "层", "en": "layer"}, 1.0, 2.5, 47, 2420)
    m = cs.Measurement("t", text, text, "2026-11-28", text, text, (row,))
    assert "| 2.5\u00a0倍 |" in cs.measurement_table(m, "zh")
    assert "| 2.5× |" in cs.measurement_table(m, "en")
    assert "47 MB / 2.42 GB" in cs.measurement_table(m, "en")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: [", "cannot read measurements"),
        ("- 1", "mapping of named measurements"),
        ("gpu: {hardware: h}", "gpu: needs exactly the fields"),
        (
            "gpu: {hardware: h, software: s, date: d, setup: s, source: s, rows: [{layer: l,"
            " shared_ms: -1, unshared_ms: 2, shared_peak_mb: 1, unshared_peak_mb: 1}]}",
            "gpu.rows[0].shared_ms must be a positive number",
        ),
        (
            "gpu: {hardware: {zh: h}, software: s, date: d, setup: s, source: s, rows: []}",
            "gpu.rows must be a non-empty list",
        ),
        (
            "gpu: {hardware: {zh: h}, software: s, date: d, setup: s, source: s, rows: [{layer: l,"
            " shared_ms: 1, unshared_ms: 2, shared_peak_mb: 1, unshared_peak_mb: 1}]}",
            "gpu.hardware must be a text or a mapping",
        ),
    ],
)
def test_bad_data_file_names_file_entry_and_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    """A bad data file raises DataError naming the file and the entry, never a traceback."""
    path = tmp_path / "m.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(cs.DataError) as error:
        cs.load_measurements(path)
    assert str(path) in str(error.value) and problem in str(error.value)


def test_pages_do_not_type_measured_figures() -> None:
    """No page or notebook source types a measured time: they render them from the data file."""
    figures = [f for m in cs.load_measurements(DATA).values() for f in _figures(m)]
    # Pages and the notebooks' sources (the executed notebooks hold the rendered outputs).
    sources = [*(ROOT / "docs").rglob("*.md"), *(ROOT / "docs" / "notebooks").glob("_src_*.py")]
    offenders = [
        f"{p.relative_to(ROOT)}: {f}"
        for p in sources
        for f in figures
        if f in p.read_text(encoding="utf-8")
    ]
    assert not offenders
