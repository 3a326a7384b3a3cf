"""The performance page's tables and verdicts, in Chinese or English, from bench/results.json.

The page runs, at build time::

    report = runpy.run_path("bench/report.py")
    print(report["build"]("zh"))

Every figure is read from the JSON and every verdict (target met, or missed by how much and
why) is computed here, so the page's prose never types a measured number.
"""

from __future__ import annotations

import html
import json
import statistics
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"

_T: dict[str, dict[str, str]] = {
    "zh": {
        "missing": "还没有测量结果：运行 `make bench` 生成 `bench/results.json`。",
        "not_run": "这一项没有测量。",
        "item": "项目",
        "value": "值",
        "cpu": "处理器",
        "cores": "{n} 个逻辑核",
        "memory": "内存",
        "os": "操作系统",
        "load": "系统负载（1 分钟平均，开始 / 结束）",
        "commit": "提交",
        "generated": "测量时间（UTC）",
        "uncommitted": "（工作区，有未提交的改动）",
        "exported": "（测量的是该提交本身，用 git archive 导出）",
        "kind": "构建",
        "median": "中位数",
        "each": "各次",
        "live": "实际构建（执行全部计算）",
        "floor": "静态下限（计算结果预先写入）",
        "overhead": "实时计算使构建慢了 **{pct}%**（{live} s 对 {floor} s，比值 {ratio}）。",
        "fidelity": "静态下限重现了 {total} 个页面中的 {same} 个，文字逐字相同{differ}。",
        "differ": "；不同的页面：{pages}",
        "met": "✓ 达到目标（{target}）。",
        "missed": "✗ 未达到目标（{target}），差 {by}。",
        "build_target": "不超过静态下限的 {t}%",
        "points": "{x} 个百分点",
        "build_why": "多出的时间来自实际构建独有的部分：{parts}。",
        "breakdown_head": "一次实际构建（单独一次，用于分解）中各部分所占的时间：",
        "part": "部分",
        "seconds": "秒",
        "computes": "（计算）",
        "part_names": "exec blocks=页面中的 Python 代码块;whole build=整个构建;"
        "i18n=i18n 插件（含英文版的页面渲染）;material/search=搜索索引（含 jieba 中文分词）",
        "lang": "语言",
        "page": "页面",
        "path": "路径",
        "zh": "中文",
        "en": "英文",
        "serve_target": "保存后 {t} s 内看到新页面",
        "full": "整个重新构建（两种语言）的中位数是 {s} s。",
        "serve_why": "`mkdocs serve` 每次保存都重新构建整个站点，两种语言各一遍，"
        "所以新页面出现得不会比一次重新构建更快；"
        "同一台机器上在新进程中整个构建一次的中位数是 {cold} s，"
        "其中只有 {computed} s 属于计算（见上节），最大的两项是 {top}。",
        "serve_why_dirty": "`make serve` 只重建改动的那一页；其余的等待是每次重建都少不了的工作"
        "（读取配置、列出文件、生成导航、写出搜索索引）和机器上同时运行的其他程序。",
        "command": "命令",
        "make_serve": "`make serve`（只重建改动的页面）",
        "plain_serve": "`mkdocs serve`（每次重建整个站点）",
        "bytes": "传输字节",
        "gzip": "gzip 压缩后",
        "requests": "请求数",
        "largest": "最大的部分",
        "home": "首页",
        "home_en": "英文首页",
        "heaviest": "最重的页面",
        "weight_target": "每页不超过 {kb}",
        "over": "全部 {total} 个页面中有 {n} 个超过 {kb}（按未压缩计算）。",
        "over_gzip": "按 gzip 压缩后计算，超过的有 {n} 个。",
        "weight_why": "最重的页面里，最大的部分是{part}，占 {size}{explain}",
        "search_explain": "：这是读者开始搜索后才下载的、本页语言的搜索索引。",
        "byte_kinds": "html=HTML;css=CSS;javascript=JavaScript;font=字体;image=图片;"
        "search index=搜索索引",
        "after_search": "{page}，搜索“{query}”之后",
        "en_suffix": "（英文）",
        "lh_uncompressed": "同样的页面不经压缩传输时（比如本地预览）的得分，只作参考，不设目标：",
        "lh_calibrated": "4 倍降速对应的是 Lighthouse 设想的机器（速度指数约 1,533）。"
        "Lighthouse 的节流说明建议：本机比这慢或比这快时，按速度指数校准 CPU 降速倍数，"
        "让模拟的手机始终是同一档中端手机。下表用 Lighthouse 的 CPU 降速计算器的换算"
        "（指数 800 → 2 倍，1,300 → 3 倍，1,533 → 4 倍，2,000 → 6 倍，中间线性），"
        "每次的倍数取自这次加载开始时测得的指数。Lighthouse 的节流是模拟的：页面不降速加载一次，"
        "评分时再由这次加载的记录推算慢速手机上的各项指标，所以上表和下表是同样几次加载"
        "按两种倍数算出的分数；其余设置同上，每个页面测 {runs} 次，取中位数。",
        "lh_slowdown": "本次的降速倍数在 {low} 到 {high} 倍之间（中位数 {mid} 倍）。",
        "other_explain": "。",
        "kinds": "页面类型",
        "performance": "性能",
        "accessibility": "无障碍",
        "lh_target": "每项不低于 {t}",
        "lh_why": "{kind}（{path}）{category}得分 {score}，比目标低 {by}；"
        "得分低于 0.9 的审查项：{audits}。",
        "lh_settings": "Lighthouse 默认设置：模拟手机、模拟慢速 4G 网络和 4 倍 CPU 降速；"
        "每个页面测 {runs} 次，取中位数。FCP：首次内容绘制；LCP：最大内容绘制；"
        "TBT：总阻塞时间。",
        "lh_speed": "模拟手机的速度取决于本机：Lighthouse 每次测量前给本机测一个速度指数"
        "（benchmarkIndex，越高越快），本次在 {low} 到 {high} 之间（中位数 {mid}）。"
        "指数低时页面的阻塞时间按比例变长，得分随之降低。",
        "kind_names": "home=首页;article=文章精读;calculator=计算器;notebook=笔记本;"
        "architecture=网络结构",
        "and": "、",
        "more": " 等，另有 {n} 个",
        "net_head": "网络数",
        "net_without": "仓库中的 {n} 个网络",
        "net_first": "仓库中的 {n} 个网络，首次构建"
        "（尚无缓存：笔记本逐个转换，中文全部交给 jieba 分词）",
        "net_with": "每个网络再加一份副本（共 {n} 个）",
        "net_per": "每增加一个网络，整个构建（两种语言）多花 **{s} s**"
        "（两种情形各构建 {runs} 次，中位数之差除以 {n}）。",
        "net_error": "这一项测量失败：{error}",
        "full_target": "整个构建不超过 {t} s",
    },
    "en": {
        "missing": "No measurements yet: run `make bench` to write `bench/results.json`.",
        "not_run": "Not measured.",
        "item": "Item",
        "value": "Value",
        "cpu": "Processor",
        "cores": "{n} logical cores",
        "memory": "Memory",
        "os": "Operating system",
        "load": "System load (1-minute average, start / end)",
        "commit": "Commit",
        "generated": "Measured (UTC)",
        "uncommitted": " (the working tree, with uncommitted changes)",
        "exported": " (the commit itself, exported with git archive)",
        "kind": "Build",
        "median": "Median",
        "each": "Each run",
        "live": "Live build (all computation runs)",
        "floor": "Static floor (computed output recorded in advance)",
        "overhead": "Live computation makes the build **{pct}%** slower "
        "({live} s against {floor} s, a ratio of {ratio}).",
        "fidelity": "The static floor reproduces {same} of the {total} pages with exactly the "
        "same text{differ}.",
        "differ": "; pages that differ: {pages}",
        "met": "✓ Target met ({target}).",
        "missed": "✗ Target missed ({target}) by {by}.",
        "build_target": "at most {t}% over the static floor",
        "points": "{x} percentage points",
        "build_why": "The extra time comes from what only the live build does: {parts}.",
        "breakdown_head": "Where one live build (a separate run, for this breakdown) spends "
        "its time:",
        "part": "Part",
        "seconds": "Seconds",
        "computes": " (computation)",
        "part_names": "exec blocks=Python blocks in the pages;whole build=whole build;"
        "i18n=i18n plugin (includes rendering the English pages);"
        "material/search=search index (includes jieba's Chinese word segmentation)",
        "lang": "Language",
        "page": "Page",
        "path": "Path",
        "zh": "Chinese",
        "en": "English",
        "serve_target": "the new page served within {t} s of saving",
        "full": "A whole rebuild (both languages) takes {s} s (median).",
        "serve_why": "`mkdocs serve` rebuilds the whole site, both languages, on every save, so "
        "a new page cannot appear sooner than a rebuild; a whole build in a new process "
        "takes {cold} s on the same machine (median), of which only {computed} s is "
        "computation (see above); the two largest parts are {top}.",
        "serve_why_dirty": "`make serve` rebuilds the edited page alone; the rest of the wait is "
        "work every rebuild does (reading the configuration, listing the files, making the "
        "navigation, writing the search index) and whatever else runs on the machine.",
        "command": "Command",
        "make_serve": "`make serve` (rebuilds the edited page only)",
        "plain_serve": "plain `mkdocs serve` (rebuilds the whole site)",
        "bytes": "Bytes transferred",
        "gzip": "gzip-compressed",
        "requests": "Requests",
        "largest": "Largest part",
        "home": "Home",
        "home_en": "English home",
        "heaviest": "Heaviest page",
        "weight_target": "no page over {kb}",
        "over": "{n} pages (of {total}) are over {kb}, counted uncompressed.",
        "over_gzip": "Counted gzip-compressed, {n} pages are over.",
        "weight_why": "On the heaviest page, the {part} makes up {size}: {explain}",
        "search_explain": "the search index of the page's language, loaded once the reader "
        "starts a search.",
        "after_search": "{page}, after searching “{query}”",
        "en_suffix": " (English)",
        "lh_uncompressed": "The same pages sent uncompressed (as a local preview sends them), "
        "for reference, with no target:",
        "lh_calibrated": "A 4x slowdown is meant for the machine Lighthouse has in mind (a "
        "benchmark index of about 1,533). Lighthouse's throttling guide advises calibrating "
        "the CPU slowdown to the index on a slower or faster machine, so that the simulated "
        "phone stays the same mid-tier phone. The table below uses the conversion of "
        "Lighthouse's CPU throttling calculator (index 800 → 2x, 1,300 → 3x, 1,533 → 4x, "
        "2,000 → 6x, linear in between), each load's slowdown from the index measured as it "
        "started. Lighthouse's throttling is simulated: it loads the page once, at full speed, "
        "and works out the slow phone's metrics from that load's trace when it scores, so the "
        "table above and the one below score the same page loads with the two slowdowns; all "
        "else as above, the median of {runs} run(s) per page.",
        "lh_slowdown": "In these runs the slowdown ranged from {low}x to {high}x (median {mid}x).",
        "other_explain": "it is the largest part of that page.",
        "byte_kinds": "html=HTML;css=CSS;javascript=JavaScript;font=font;image=image;"
        "search index=search index",
        "kinds": "Kind of page",
        "performance": "Performance",
        "accessibility": "Accessibility",
        "lh_target": "each at least {t}",
        "lh_why": "{kind} ({path}): {category} {score}, {by} under the target; audits "
        "scoring under 0.9: {audits}.",
        "lh_settings": "Lighthouse defaults: an emulated phone, simulated slow 4G and a 4x "
        "CPU slowdown; the median of {runs} run(s) per page. FCP: first contentful "
        "paint; LCP: largest contentful paint; TBT: total blocking time.",
        "lh_speed": "The simulated phone is only as fast as the machine: before each run "
        "Lighthouse measures the machine's speed (its benchmark index; higher is faster), "
        "which ranged from {low} to {high} in these runs (median {mid}). A lower index "
        "lengthens the blocking time in proportion and lowers the score.",
        "kind_names": "home=Home;article=The article;calculator=Calculator;notebook=Notebook;"
        "architecture=Architecture",
        "and": ", ",
        "more": " and {n} more",
        "net_head": "Networks",
        "net_without": "the repository's {n} networks",
        "net_first": "the repository's {n} networks, first build (nothing cached yet: each "
        "notebook converted, all Chinese text segmented by jieba)",
        "net_with": "a second copy of each added ({n} in all)",
        "net_per": "Each added network costs the whole build (both languages) **{s} s** "
        "(the difference of the medians, {runs} build(s) of each case, divided by {n}).",
        "net_error": "This measurement failed: {error}",
        "full_target": "the whole build within {t} s",
    },
}

# The live build's parts that compute (the static floor leaves them out).
COMPUTING = ("exec blocks", "hooks/architectures.py", "hooks/prose_numbers.py", "hooks/reload.py")


def _load() -> dict[str, Any] | None:
    if not RESULTS.exists():
        return None
    data: dict[str, Any] = json.loads(RESULTS.read_text(encoding="utf-8"))
    return data


def _names(lang: str, key: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in _T[lang][key].split(";"))


def _kb(n: float) -> str:
    return f"{n / 1000:,.1f}".removesuffix(".0") + " kB"


def _path(path: str) -> str:
    """A page's path as code that a narrow table column may break after a slash, and nowhere
    else inside a name (site.css's ``.cs-path``; Material lets code break between any two
    letters).

    >>> _path("/en/a-b/")
    '<code class="cs-path">/<wbr>en/<wbr>a-b/</code>'
    """
    return (
        '<code class="cs-path">'
        + html.escape(path).replace("/", "/<wbr>").removesuffix("<wbr>")
        + "</code>"
    )


def _some(lang: str, paths: list[str], shown: int = 5) -> str:
    """Up to ``shown`` paths, and how many more there are."""
    t = _T[lang]
    listed = t["and"].join(_path(p) for p in paths[:shown])
    rest = len(paths) - shown
    return listed + (t["more"].format(n=rest) if rest > 0 else "")


def _s(x: float) -> str:
    return f"{x:.2f}"


def _unit(label: str, unit: str, lang: str) -> str:
    """A column heading with its unit: full-width brackets in Chinese."""
    return f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})"


def _part(lang: str, kind: str) -> str:
    """The name of a kind of bytes (HTML, CSS, search index), spaced for Chinese text."""
    name = _names(lang, "byte_kinds").get(kind, kind)
    return f" {name}" if lang == "zh" and name.isascii() else name


def _table(head: list[str], rows: list[list[str]], align: str = "") -> str:
    align = align or "l" * len(head)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _verdict(lang: str, ok: bool, target: str, by: str) -> str:
    t = _T[lang]
    return t["met"].format(target=target) if ok else t["missed"].format(target=target, by=by)


def machine(lang: str) -> str:
    """The machine and software the figures were measured on."""
    t, data = _T[lang], _load()
    if data is None:
        return t["missing"]
    m = data["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    load = m.get("load_average_at_start", [None])[0], m.get("load_average_at_end", [None])[0]
    commit = f"`{(data.get('commit') or '?')[:10]}`"
    measured = data.get("measured", "")
    if measured.startswith("the commit"):
        commit += t["exported"]
    elif "uncommitted" in measured:
        commit += t["uncommitted"]
    rows = [
        [t["cpu"], f"{m['cpu']}, {t['cores'].format(n=m['cores'])}"],
        [t["memory"], f"{m['memory_gib']} GiB"],
        [t["os"], m["os"]],
        ["Python", m["python"]],
        ["Node.js", m.get("node") or "-"],
        ["Chromium", m.get("chromium") or "-"],
        ["Python / npm", versions],
        [t["load"], f"{load[0]} / {load[1]}"],
        [t["commit"], commit],
        [t["generated"], data["generated"]],
    ]
    return _table([t["item"], t["value"]], rows)


def build(lang: str) -> str:
    """Live build against the static floor, its verdict, and where the time goes."""
    t, data = _T[lang], _load()
    if data is None:
        return t["missing"]
    b = data.get("build")
    if not b:
        return t["not_run"]
    target = data["targets"]["build_overhead_pct"]
    rows = [
        [t["live"], _s(b["live_s"]), ", ".join(_s(x) for x in b["live_runs_s"])],
        [t["floor"], _s(b["floor_s"]), ", ".join(_s(x) for x in b["floor_runs_s"])],
    ]
    out = [
        _table(
            [t["kind"], _unit(t["median"], "s", lang), _unit(t["each"], "s", lang)], rows, "lrl"
        ),
        "",
    ]
    out.append(
        t["overhead"].format(
            pct=b["overhead_pct"], live=_s(b["live_s"]), floor=_s(b["floor_s"]), ratio=b["ratio"]
        )
    )
    ok = b["overhead_pct"] <= target
    out.append("")
    out.append(
        _verdict(
            lang,
            ok,
            t["build_target"].format(t=target),
            t["points"].format(x=round(b["overhead_pct"] - target, 1)),
        )
    )
    breakdown = b.get("cost_breakdown", {})
    names = _names(lang, "part_names")
    if not ok and breakdown:
        parts = [f"`{k}` {_s(v)} s" for k, v in breakdown.items() if k in COMPUTING and v >= 0.005]
        out.append(t["build_why"].format(parts=t["and"].join(parts)))
    floor = b["floor"]
    differ = floor["pages_that_differ"]
    total = floor["pages_with_identical_text"] + len(differ)
    out += [
        "",
        t["fidelity"].format(
            same=floor["pages_with_identical_text"],
            total=total,
            differ=t["differ"].format(pages=_some(lang, differ)) if differ else "",
        ),
    ]
    if breakdown:
        rows = []
        for key, seconds in breakdown.items():
            label = f"`{key}`" + (f" {names[key]}" if key in names else "")
            if key in COMPUTING:
                label += t["computes"]
            rows.append([label, _s(seconds)])
        out += ["", t["breakdown_head"], "", _table([t["part"], t["seconds"]], rows, "lr")]
    return "\n".join(out)


def networks(lang: str) -> str:
    """Build seconds per network: builds with and without a copy of every spec."""
    t, data = _T[lang], _load()
    if data is None:
        return t["missing"]
    n = data.get("networks")
    if not n:
        return t["not_run"]
    if "error" in n:
        return t["net_error"].format(error=f"`{n['error'][-300:]}`")
    rows = [
        [
            t["net_without"].format(n=n["networks"]),
            _s(n["without_s"]),
            ", ".join(map(_s, n["without_runs_s"])),
        ],
        [
            t["net_with"].format(n=n["networks"] + n["added"]),
            _s(n["with_s"]),
            ", ".join(map(_s, n["with_runs_s"])),
        ],
    ]
    if "first_build_s" in n:
        first = _s(n["first_build_s"])
        rows.insert(0, [t["net_first"].format(n=n["networks"]), first, first])
    head = [t["net_head"], _unit(t["median"], "s", lang), _unit(t["each"], "s", lang)]
    out = [_table(head, rows, "lrl")]
    out.append(t["net_per"].format(s=_s(n["per_network_s"]), runs=n["runs"], n=n["added"]))
    limit = data["targets"].get("full_build_s")
    if limit:
        ok = n["without_s"] <= limit
        by = f"{_s(n['without_s'] - limit)} s"
        out.append(_verdict(lang, ok, t["full_target"].format(t=limit), by))
    return "\n\n".join(out)


def serve(lang: str) -> str:
    """Edit to served: `make serve` and plain `mkdocs serve` side by side, the verdict and why."""
    t, data = _T[lang], _load()
    if data is None:
        return t["missing"]
    s = data.get("serve")
    if not s:
        return t["not_run"]
    target = data["targets"]["serve_reload_s"]
    dirty = bool(s.get("make_serve"))
    full = data.get("serve_full") or (None if dirty else s)
    measured = [(t["make_serve"] if dirty else t["plain_serve"], s)]
    if full is not None and full is not s:
        measured.append((t["plain_serve"], full))
    rows = []
    for label, m in measured:
        for code in ("zh", "en"):
            runs = ", ".join(map(_s, m[f"{code}_runs_s"]))
            rows.append([label, t[code], _path(m["pages"][code]), _s(m[f"{code}_s"]), runs])
    head = [
        t["command"],
        t["lang"],
        t["path"],
        _unit(t["median"], "s", lang),
        _unit(t["each"], "s", lang),
    ]
    out = [_table(head, rows, "lllrl")]
    if full is not None:
        out.append(t["full"].format(s=_s(full["full_rebuild_s"])))
    worst = max(s["zh_s"], s["en_s"])
    ok = worst <= target
    out.append(_verdict(lang, ok, t["serve_target"].format(t=target), f"{_s(worst - target)} s"))
    b = data.get("build") or {}
    if not ok and dirty:
        out.append(t["serve_why_dirty"])
    elif not ok and b:
        breakdown = b.get("cost_breakdown", {})
        computed = sum(v for k, v in breakdown.items() if k in COMPUTING)
        parts = [(k, v) for k, v in breakdown.items() if k != "whole build"][:2]
        top = t["and"].join(f"`{k}` {_s(v)} s" for k, v in parts)
        out.append(t["serve_why"].format(cold=_s(b["live_s"]), computed=_s(computed), top=top))
    return "\n\n".join(out)


def weight(lang: str) -> str:
    """Bytes per page: home pages and the heaviest, the verdict and why."""
    t, data = _T[lang], _load()
    if data is None:
        return t["missing"]
    w = data.get("weight")
    if not w:
        return t["not_run"]
    limit = data["targets"]["page_bytes"]
    rows = []
    for key in ("home", "home_en", "heaviest"):
        page = w.get(key)
        if not page:
            continue
        part, size = next(iter(page["by_kind"].items()))
        rows.append(
            [
                t[key],
                _path(page["path"]),
                _kb(page["bytes"]),
                _kb(page["gzip_bytes"]),
                str(page["requests"]),
                f"{_part(lang, part).strip()} {_kb(size)}",
            ]
        )
    labels = {
        w["home"]["path"]: t["home"],
        "/en/": t["home_en"],
        w["heaviest"]["path"]: t["heaviest"],
    }
    for path, page in (w.get("after_search") or {}).items():
        part, size = next(iter(page["by_kind"].items()))
        rows.append(
            [
                t["after_search"].format(page=labels.get(path, path), query=page["query"]),
                _path(path),
                _kb(page["bytes"]),
                _kb(page["gzip_bytes"]),
                str(page["requests"]),
                f"{_part(lang, part).strip()} {_kb(size)}",
            ]
        )
    head = [t["page"], t["path"], t["bytes"], t["gzip"], t["requests"], t["largest"]]
    out = [_table(head, rows, "llrrrl")]
    over = w["pages_over_target"]
    heaviest = w["heaviest"]
    by = heaviest["bytes"] - limit
    out.append(_verdict(lang, not over, t["weight_target"].format(kb=_kb(limit)), _kb(by)))
    if over:
        pages = w["pages"]
        over_gzip = [p for p in pages if pages[p]["gzip_bytes"] > limit]
        out.append(
            t["over"].format(n=len(over), total=len(pages), kb=_kb(limit))
            + ("" if lang == "zh" else " ")
            + t["over_gzip"].format(n=len(over_gzip))
        )
        part, size = next(iter(heaviest["by_kind"].items()))
        is_index = part == "search index"
        out.append(
            t["weight_why"].format(
                part=_part(lang, part),
                size=_kb(size),
                explain=t["search_explain"] if is_index else t["other_explain"],
            )
        )
    return "\n\n".join(out)


def lighthouse(lang: str) -> str:
    """Lighthouse scores per kind of page served gzip-compressed, the verdict, and the audits
    that cost points; then the same pages served uncompressed, for reference."""
    t, data = _T[lang], _load()
    if data is None:
        return t["missing"]
    out = _lighthouse(lang, data, "lighthouse", verdict=True)
    calibrated = data.get("lighthouse_calibrated")
    if calibrated:
        out += "\n\n" + t["lh_calibrated"].format(runs=calibrated["runs"]) + "\n\n"
        out += _lighthouse(lang, data, "lighthouse_calibrated", verdict=True)
    if data.get("lighthouse_uncompressed"):
        out += "\n\n" + t["lh_uncompressed"] + "\n\n"
        out += _lighthouse(lang, data, "lighthouse_uncompressed", verdict=False)
    return out


def _kind_name(lang: str, kind: str) -> str:
    kinds = _names(lang, "kind_names")
    base = kind.removesuffix("_en")
    name = kinds.get(base, base)
    return name + _T[lang]["en_suffix"] if kind.endswith("_en") else name


def _score(value: float) -> str:
    """A Lighthouse score, without the float noise of a median (of an even number of runs it
    falls halfway between two scores).

    >>> _score(0.8400000000000001), _score(0.935), _score(1), _score(1.0)
    ('0.84', '0.935', '1', '1')
    """
    return f"{round(value, 3):g}"


def _spread(values: list[float], form: str) -> dict[str, str]:
    """The lowest, highest and median of ``values``, each written with ``form``.

    >>> _spread([4.0, 2.54, 6.3, 3.5], "{:.1f}")
    {'low': '2.5', 'high': '6.3', 'mid': '3.8'}
    >>> _spread([1023.4, 2068.0, 1533.2, 1400.0], "{:,.0f}")
    {'low': '1,023', 'high': '2,068', 'mid': '1,467'}
    """
    low, high, mid = min(values), max(values), statistics.median(values)
    return {"low": form.format(low), "high": form.format(high), "mid": form.format(mid)}


def _lighthouse(lang: str, data: dict[str, Any], key: str, verdict: bool) -> str:
    t = _T[lang]
    lh = data.get(key)
    if not lh or not lh.get("pages"):
        return t["not_run"]
    target = data["targets"]["lighthouse_score"]
    rows, why = [], []
    for kind, page in lh["pages"].items():
        metrics = page.get("metrics_median", {})
        rows.append(
            [
                _kind_name(lang, kind),
                _path(page["path"]),
                _score(page["performance"]),
                _score(page["accessibility"]),
                _s(metrics.get("first-contentful-paint", 0) / 1000),
                _s(metrics.get("largest-contentful-paint", 0) / 1000),
                str(round(metrics.get("total-blocking-time", 0))),
            ]
        )
        for category in ("performance", "accessibility"):
            score = page[category]
            if score < target:
                audits = t["and"].join(f"`{a}`" for a in page["audits_below_0_9"][category])
                why.append(
                    t["lh_why"].format(
                        kind=_kind_name(lang, kind),
                        path=page["path"],
                        category=t[category],
                        score=_score(score),
                        by=round(target - score, 2),
                        audits=audits,
                    )
                )
    head = [t["kinds"], t["path"], t["performance"], t["accessibility"]]
    head += [_unit("FCP", "s", lang), _unit("LCP", "s", lang), _unit("TBT", "ms", lang)]
    table = _table(head, rows, "llrrrrr")
    if not verdict:
        return table
    out = [table] if lh.get("calibrated") else [t["lh_settings"].format(runs=lh["runs"]), table]
    speeds = [x for p in lh["pages"].values() for x in p.get("benchmark_index", [])]
    slowdowns = [x for p in lh["pages"].values() for x in p.get("cpu_slowdown", [])]
    if slowdowns:
        out.append(t["lh_slowdown"].format(**_spread(slowdowns, "{:.1f}")))
    elif speeds:
        out.append(t["lh_speed"].format(**_spread(speeds, "{:,.0f}")))
    worst = min(min(p["performance"], p["accessibility"]) for p in lh["pages"].values())
    by = str(round(target - worst, 2))
    out.append(_verdict(lang, not why, t["lh_target"].format(t=target), by))
    if why:
        out.append("\n".join(f"- {line}" for line in why))
    return "\n\n".join(out)
