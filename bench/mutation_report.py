"""The performance page's mutation-testing section, in Chinese or English, from bench/mutation.json.

    report = runpy.run_path("bench/mutation_report.py")
    print(report["mutation"]("zh"))

`make mutation` (bench/mutation.py) writes the JSON; nothing here measures anything.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "mutation.json"

_TEXT = {
    "zh": {
        "missing": "还没有变异测试结果：运行 `make mutation` 生成 `bench/mutation.json`。",
        "head": ["对象", "工具", "检验", "已检验的变异体（共生成）", "测试发现的", "得分"],
        "counts": "{run:,}（{made:,}）",
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
        "counts": "{run:,} ({made:,})",
        "survivors": "Mutants the tests did not catch ({target}):",
        "none": "The tests caught every mutant of {target}.",
        "equivalent": "equivalent: {why}",
        "open": "not yet handled",
        "date": "Measured on {date}. {note}",
        "more": "… and {n} more; the full list is in `bench/mutation.json`.",
    },
}

#: The reasons recorded in bench/mutation.json (in English), as the Chinese page words them.
_WHY_ZH = {
    "no selected test reaches this function": "所选的测试都不调用这个函数",
    "the language argument of fmt()/ratio() is dropped: both write numbers the same way in "
    "Chinese and English in the measured version": (
        "丢掉的是 fmt()/ratio() 的语言参数：在被测的版本里，两种语言的数字写法相同"
    ),
    "the rows and columns are added in increasing order, so the sort leaves them as they are "
    "with either comparator": "行和列本来就按递增顺序加入，两种比较方式排序后都不变",
    "an output is never longer than its padded input, so the padded sizes alone decide whether "
    "the figure is drawn": "输出不会比填充后的输入长，是否画图只由填充后的尺寸决定",
    "s[0] is read only when s[0] === s[1]": "只有在 s[0] === s[1] 时才读取 s[0]",
    "the same in Node; in a browser it throws, which the browser test of the calculator page "
    "catches (the harness runs in Node only)": (
        "在 Node 中结果相同；在浏览器中会抛出异常，由计算器页面的浏览器测试发现"
        "（这套变异测试只在 Node 中运行）"
    ),
}

#: The tools and checks recorded in bench/mutation.json (in English), in the Chinese page's words.
_SETUP_ZH = {
    "fast tests under [tool.mutmut] in pyproject.toml; run stopped at a time limit": (
        "pyproject.toml 中 [tool.mutmut] 列出的快速测试；运行到时限即停止"
    ),
    "the tests listed under [tool.mutmut] in pyproject.toml": (
        "pyproject.toml 中 [tool.mutmut] 列出的测试"
    ),
    "bench/mutation.py (operators, constants, swapped result fields)": (
        "bench/mutation.py（运算符、常数、对调结果中的字段）"
    ),
}
_PARITY = re.compile(r"(\S+)'s comparison on ([\d,]+) random layers")


def _setup_zh(text: str) -> str:
    """A tool or check in Chinese; the English as recorded when no wording is known.

    >>> _setup_zh("tests/test_x.py's comparison on 1,000 random layers")
    'tests/test_x.py 在 1,000 个随机层上的对照'
    """
    parity = _PARITY.fullmatch(text)
    if parity:
        return f"{parity[1]} 在 {parity[2]} 个随机层上的对照"
    return _SETUP_ZH.get(text, text)


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
                html.escape(_setup_zh(r["tool"]) if lang == "zh" else r["tool"]),
                html.escape(_setup_zh(r["check"]) if lang == "zh" else r["check"]),
                t["counts"].format(run=r["mutants"], made=r.get("generated", r["mutants"])),
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
            reason = s["equivalent"]
            if reason and lang == "zh":
                reason = _WHY_ZH.get(reason, reason)
            why = t["equivalent"].format(why=reason) if reason else t["open"]
            colon = "：" if lang == "zh" else ": "
            items.append(f"- {_code(s['mutant'])}{colon}{html.escape(why)}")
        if len(survived) > _LISTED:
            items.append("- " + t["more"].format(n=len(survived) - _LISTED))
        parts.append(t["survivors"].format(target=_code(r["target"])) + "\n\n" + "\n".join(items))
    if "date" in data:
        note = data.get("note", {}).get("zh" if lang == "zh" else "en", "")
        parts.append(t["date"].format(date=data["date"], note=note).strip())
    return "\n\n".join(parts) + "\n"
