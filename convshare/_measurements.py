"""Measured figures (timings, peak memory): read from one data file, shown with their provenance.

Everything else on the site is computed or quoted; measurements are the exception, so they live
in one YAML file (``docs/data/measurements.yml``) with the hardware, software, date and source of
each, and pages render them from there. Ratios are computed from the stored times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import yaml

from ._render import _lang

__all__ = [
    "DataError",
    "Measurement",
    "MeasurementRow",
    "load_measurements",
    "measurement_source",
    "measurement_table",
]


class DataError(ValueError):
    """A bad site data file (measurements, glossary): names the file, the entry and the problem."""

    def __init__(self, problem: str, *, file: str) -> None:
        self.file = file
        self.problem = problem
        super().__init__(f"{file}: {problem}")


@dataclass(frozen=True)
class MeasurementRow:
    """One layer measured with sharing (a convolution) and without (locally connected)."""

    layer: dict[str, str]
    shared_ms: float
    unshared_ms: float
    shared_peak_mb: float
    unshared_peak_mb: float

    @property
    def slowdown(self) -> float:
        """How many times slower the step is without sharing."""
        return self.unshared_ms / self.shared_ms


@dataclass(frozen=True)
class Measurement:
    """One measurement: where, with what, when, how, and its rows."""

    name: str
    hardware: dict[str, str]
    software: dict[str, str]
    date: str
    setup: dict[str, str]
    source: dict[str, str]
    rows: tuple[MeasurementRow, ...]


def _text(value: object, file: str, where: str) -> dict[str, str]:
    if isinstance(value, str) and value.strip():
        return {"zh": value, "en": value}
    if (
        isinstance(value, dict)
        and set(value) == {"zh", "en"}
        and all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        return {str(k): str(v) for k, v in value.items()}
    raise DataError(f"{where} must be a text or a mapping with 'zh' and 'en' texts", file=file)


def _positive(value: object, file: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise DataError(f"{where} must be a positive number, got {value!r}", file=file)
    if not math.isfinite(value):
        raise DataError(f"{where} must be finite, got {value!r}", file=file)
    return float(value)


_FIELDS = {"hardware", "software", "date", "setup", "source", "rows"}
_NUMBERS = ("shared_ms", "unshared_ms", "shared_peak_mb", "unshared_peak_mb")
_ROW_FIELDS = {"layer", *_NUMBERS}


def _entry(name: str, data: object, file: str) -> Measurement:
    if not isinstance(data, dict) or set(data) != _FIELDS:
        raise DataError(f"{name}: needs exactly the fields {sorted(_FIELDS)}", file=file)
    rows = data["rows"]
    if not isinstance(rows, list) or not rows:
        raise DataError(f"{name}.rows must be a non-empty list", file=file)
    parsed = []
    for i, row in enumerate(rows):
        where = f"{name}.rows[{i}]"
        if not isinstance(row, dict) or set(row) != _ROW_FIELDS:
            raise DataError(f"{where}: needs exactly the fields {sorted(_ROW_FIELDS)}", file=file)
        parsed.append(
            MeasurementRow(
                layer=_text(row["layer"], file, f"{where}.layer"),
                **{k: _positive(row[k], file, f"{where}.{k}") for k in _NUMBERS},
            )
        )
    return Measurement(
        name=name,
        hardware=_text(data["hardware"], file, f"{name}.hardware"),
        software=_text(data["software"], file, f"{name}.software"),
        date=str(data["date"]),
        setup=_text(data["setup"], file, f"{name}.setup"),
        source=_text(data["source"], file, f"{name}.source"),
        rows=tuple(parsed),
    )


def load_measurements(path: str | Path) -> dict[str, Measurement]:
    """The measurements of a YAML data file, by name; a bad file raises ``DataError``."""
    file = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DataError(f"cannot read measurements: {error}", file=file) from error
    if not isinstance(data, dict) or not data:
        raise DataError("expected a mapping of named measurements", file=file)
    return {str(name): _entry(str(name), entry, file) for name, entry in data.items()}


def _memory(mb: float) -> str:
    return f"{mb / 1000:.2f} GB" if mb >= 1000 else f"{mb:.0f} MB"


def _times(value: float, lang: str) -> str:
    return f"{value:.1f}\u00a0倍" if lang == "zh" else f"{value:.1f}×"


_HEADERS = {
    "zh": ("层", "共享（卷积层）", "不共享（局部连接层）", "耗时之比", "显存峰值（共享 / 不共享）"),
    "en": (
        "Layer",
        "Shared (convolution)",
        "Unshared (locally connected)",
        "Time ratio",
        "Peak memory (shared / unshared)",
    ),
}


def measurement_table(m: Measurement, lang: str = "en") -> str:
    """A Markdown table of one measurement's rows; the slowdown is computed from the times.

    >>> row = MeasurementRow({"zh": "层", "en": "layer"}, 1.0, 2.5, 10, 1500)
    >>> text = {"zh": "", "en": ""}
    >>> m = Measurement("x", text, text, "2026-11-28", text, text, (row,))
    >>> measurement_table(m, "zh").splitlines()[-1]
    '| 层 | 1.00 ms | 2.50 ms | 2.5\xa0倍 | 10 MB / 1.50 GB |'
    """
    lang = _lang(lang)
    lines = ["| " + " | ".join(_HEADERS[lang]) + " |", "| --- | ---: | ---: | ---: | ---: |"]
    for r in m.rows:
        cells = (
            r.layer[lang],
            f"{r.shared_ms:.2f} ms",
            f"{r.unshared_ms:.2f} ms",
            _times(r.slowdown, lang),
            f"{_memory(r.shared_peak_mb)} / {_memory(r.unshared_peak_mb)}",
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def measurement_source(m: Measurement, lang: str = "en") -> str:
    """One sentence with the measurement's hardware, software, date, set-up and source."""
    if _lang(lang) == "zh":
        return (
            f"测量环境：{m.hardware['zh']}，{m.software['zh']}，记录于 {m.date}。{m.setup['zh']}。"
            f"来源：{m.source['zh']}。"
        )
    return (
        f"Measured on {m.hardware['en']}, {m.software['en']}, recorded {m.date}; {m.setup['en']}. "
        f"Source: {m.source['en']}."
    )
