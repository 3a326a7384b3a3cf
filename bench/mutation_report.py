"""The performance page's mutation-testing section, in Chinese or English, from bench/mutation.json.

    report = runpy.run_path("bench/mutation_report.py")
    print(report["mutation"]("zh"))

`make mutation` (bench/mutation.py) writes the JSON; nothing here measures anything.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "mutation.json"

_TEXT = {
    "zh": {
        "missing": "还没有变异测试结果：运行 `make mutation` 生成 `bench/mutation.json`。",
        "head": ["对象", "工具", "检验", "已检验的变异体（共生成）", "被测试发现", "得分"],
        "survivors": "未被发现的变异体（{target}）：",
        "none": "{target} 的变异体全部被测试发现。",
        "equivalent": "等价：{why}",
        "open": "尚未处理",
        "date": "测量日期：{date}。{note}",
        "more": "……另有 {n} 个，完整列表见 `bench/mutation.json`。",
    },
    "en": {
        "missing": "No mutation results yet: run `make mutation` to write `bench/mutation.json`.",
        "head": [
            "Target",
            "Tool",
            "Check",
            "Mutants run (generated)",
            "Caught by the tests",
            "Score",
        ],
        "survivors": "Mutants the tests did not catch ({target}):",
        "none": "The tests caught every mutant of {target}.",
        "equivalent": "equivalent: {why}",
        "open": "not yet handled",
        "date": "Measured on {date}. {note}",
        "more": "… and {n} more; the full list is in `bench/mutation.json`.",
    },
}

#: Survivors listed on the page per target; the JSON holds them all.
_LISTED = 25


def _code(text: str) -> str:
    """Inline code as HTML: braces as entities, so that no "{{ }}" reaches the page's hooks."""
    escaped = html.escape(text).replace("{", "&#123;").replace("}", "&#125;")
    return f"<code>{escaped.replace('|', '&#124;')}</code>"


def mutation(lang: str) -> str:
    """Markdown: one row per target (score, counts), then each target's surviving mutants."""
    t = _TEXT["zh" if lang == "zh" else "en"]
    if not RESULTS.exists():
        return t["missing"]
    data: dict[str, Any] = json.loads(RESULTS.read_text(encoding="utf-8"))
    parts = []
    rows = []
    for key in ("python", "js"):
        if key not in data:
            continue
        r = data[key]
        rows.append(
            [
                _code(r["target"]),
                html.escape(r["tool"]),
                html.escape(r["check"]),
                f"{r['mutants']:,} ({r.get('generated', r['mutants']):,})",
                f"{r['killed']:,}",
                f"{r['score']:.1%}",
            ]
        )
    align = ["---", "---", "---", "---:", "---:", "---:"]
    lines = ["| " + " | ".join(t["head"]) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    parts.append("\n".join(lines))
    for key in ("python", "js"):
        if key not in data:
            continue
        r = data[key]
        survived = r["survived"]
        if not survived:
            parts.append(t["none"].format(target=_code(r["target"])))
            continue
        items = []
        for s in survived[:_LISTED]:
            why = t["equivalent"].format(why=s["equivalent"]) if s["equivalent"] else t["open"]
            items.append(f"- {_code(s['mutant'])}: {html.escape(why)}")
        if len(survived) > _LISTED:
            items.append("- " + t["more"].format(n=len(survived) - _LISTED))
        parts.append(t["survivors"].format(target=_code(r["target"])) + "\n\n" + "\n".join(items))
    if "date" in data:
        note = data.get("note", {}).get("zh" if lang == "zh" else "en", "")
        parts.append(t["date"].format(date=data["date"], note=note).strip())
    return "\n\n".join(parts) + "\n"
