"""The built site: computed figures in both languages, nothing from another host, reproducible.

Uses the session's build (`built_site` in conftest.py: `mkdocs build --strict`, no WARNING line,
fixed SOURCE_DATE_EPOCH).
"""

from __future__ import annotations

import filecmp
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from convshare import conv2d, fmt

ROOT = Path(__file__).resolve().parent.parent

ALEXNET1 = conv2d(227, 3, 96, 11, stride=4)  # CS231n: 227x227x3, F=11, S=4, 96 filters
LENET28 = conv2d(28, 1, 6, 5)  # the article's LeNet: 28x28x1, 6 filters of 5x5

#: Figures every language must show, each with its derivation (FACTS.md, CS231n, the article).
KEY_FIGURES = {
    "AlexNet neurons, 55*55*96": (ALEXNET1.neurons, 55 * 55 * 96),
    "AlexNet unshared, 55*55*96*(11*11*3+1)": (ALEXNET1.params_unshared, 55 * 55 * 96 * 364),
    "AlexNet shared, 96*(11*11*3+1)": (ALEXNET1.params_shared, 96 * (11 * 11 * 3 + 1)),
    "AlexNet MACs, 55*55*96*11*11*3": (ALEXNET1.macs, 55 * 55 * 96 * 11 * 11 * 3),
    "LeNet (28) unshared, 24*24*6*(5*5*1+1)": (LENET28.params_unshared, 24 * 24 * 6 * 26),
}

#: Pages (URL paths under the site root) and the figures each must print.
PAGES = {
    "index.html": ["AlexNet unshared, 55*55*96*(11*11*3+1)", "AlexNet shared, 96*(11*11*3+1)"],
    "article/index.html": list(KEY_FIGURES),
    "fact-check/index.html": [
        "AlexNet neurons, 55*55*96",
        "AlexNet unshared, 55*55*96*(11*11*3+1)",
        "AlexNet MACs, 55*55*96*11*11*3",
    ],
}


def test_key_figures_are_the_package_results() -> None:
    """The package agrees with the derivations written out above."""
    for name, (computed, derived) in KEY_FIGURES.items():
        assert computed == derived, name


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_key_figures_appear_in_both_languages(built_site: Path, page: str, lang: str) -> None:
    """Each page prints its key figures, formatted with thousands separators, in each language."""
    html = (built_site / ("en/" if lang == "en" else "") / page).read_text(encoding="utf-8")
    missing = [
        f"{name} = {fmt(KEY_FIGURES[name][0], lang)}"
        for name in PAGES[page]
        if fmt(KEY_FIGURES[name][0], lang) not in html
    ]
    assert not missing, f"{lang}/{page} lacks {missing}"


def test_no_unrendered_expressions_or_maths(built_site: Path) -> None:
    """No page shows a raw {{ … }} expression or arithmatex TeX left unconverted."""
    problems = []
    for file in built_site.rglob("*.html"):
        text = file.read_text(encoding="utf-8")
        for needle in ("{{ fmt(", "{{ tex(", 'class="arithmatex"'):
            if needle in text:
                problems.append(f"{file.relative_to(built_site)}: {needle}")
    assert not problems


_REMOTE = r"""(?:https?:)?//"""
_LOADS = [
    re.compile(rf"""<script\b[^>]*\bsrc\s*=\s*["']?{_REMOTE}""", re.IGNORECASE),
    re.compile(
        rf"""<link\b(?![^>]*\brel\s*=\s*["']?(?:alternate|canonical)\b)[^>]*\bhref\s*=\s*["']?{_REMOTE}""",
        re.IGNORECASE,
    ),
    re.compile(
        rf"""<(?:img|iframe|source|video|audio|embed)\b[^>]*\bsrc\s*=\s*["']?{_REMOTE}""",
        re.IGNORECASE,
    ),
    re.compile(rf"""url\(\s*["']?{_REMOTE}""", re.IGNORECASE),
    re.compile(rf"""@import\s+["']{_REMOTE}""", re.IGNORECASE),
]


def remote_loads(text: str) -> list[str]:
    """Every place where `text` (HTML or CSS) loads something from another host."""
    return [m.group(0) for pattern in _LOADS for m in pattern.finditer(text)]


def test_remote_load_detector() -> None:
    """The detector catches scripts, stylesheets, images, CSS urls; not links or local files."""
    text = (
        '<script src="https://cdn.example/x.js"></script><script src="../assets/a.js"></script>'
        '<link rel="stylesheet" href="//fonts.example/css"><link rel="alternate" href="https://x/">'
        '<img src="http://x/i.png"> <a href="https://example.org">a link</a>'
        "<style>@font-face{src:url('https://f/x.woff2')}"
        " .a{background:url(data:image/png;base64,)}</style>"
    )
    assert len(remote_loads(text)) == 4


def test_nothing_loads_from_another_host(built_site: Path) -> None:
    """No script, stylesheet, font, image or CSS url() of the built site points to another host."""
    found = []
    for file in built_site.rglob("*"):
        if file.suffix in {".html", ".css"}:
            for hit in remote_loads(file.read_text(encoding="utf-8", errors="replace")):
                found.append(f"{file.relative_to(built_site)}: {hit}")
    assert not found


def test_maths_is_mathml_without_javascript(built_site: Path) -> None:
    """Formulas arrive as MathML; no MathJax or KaTeX script is shipped."""
    article = (built_site / "article/index.html").read_text(encoding="utf-8")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in article
    scripts = " ".join(p.name.lower() for p in built_site.rglob("*.js"))
    assert "mathjax" not in scripts and "katex" not in scripts


def test_chinese_search_segments_words(built_site: Path) -> None:
    """jieba segments the index (参数共享 -> 参数, U+200B, 共享): both words find the pages."""
    index = json.loads((built_site / "search/search_index.zh.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["zh", "en"]
    docs = [(d["location"].split("#")[0], d["title"] + d["text"]) for d in index["docs"]]
    sharing = {page for page, text in docs if "参数\u200b共享" in text}
    weights = {page for page, text in docs if "权重" in text}
    for page in ("", "article/", "fact-check/", "glossary/"):
        assert page in sharing, f"searching 参数共享 misses /{page}"
    for page in ("", "article/", "glossary/"):
        assert page in weights, f"searching 权重 misses /{page}"


def test_remembered_segmentations_are_jiebas(built_site: Path) -> None:
    """Every segmentation hooks/search_zh.py keeps between builds is what jieba itself gives
    for that text now (its dictionary loaded here, in this process), and every run of Chinese
    characters in the built index is segmented as the memo says."""
    import jieba

    memo = json.loads((ROOT / ".cache" / "jieba" / "segments.json").read_text(encoding="utf-8"))
    assert memo["identity"] == {"jieba": jieba.__version__, "dictionaries": []}
    segments = memo["segments"]
    jieba.dt.tmp_dir = str(ROOT / ".cache" / "jieba")
    wrong = {t: w for t, w in segments.items() if list(jieba.dt.cut(t.encode("utf-8"))) != w}
    assert not wrong, list(wrong.items())[:5]
    # The index's segmented text, run by run (Material's own expression for a run of Chinese
    # characters; it joins the words with U+200B), is the memo's.
    from backrefs import bre

    han = bre.compile(r"[\p{script: Han}\u200b]+", bre.UNICODE)
    index = json.loads((built_site / "search/search_index.zh.json").read_text(encoding="utf-8"))
    runs = {
        run.strip("\u200b")
        for doc in index["docs"]
        for field in ("title", "text")
        for run in han.findall(doc[field])
    }
    assert len(runs) > 1000, len(runs)
    missing = [r for r in runs if segments.get(r.replace("\u200b", "")) != r.split("\u200b")]
    assert not missing, missing[:5]


def test_two_builds_are_byte_identical(
    built_site: Path, build_site_logged: Callable[[Path], tuple[str | None, str]]
) -> None:
    """A second build with the same SOURCE_DATE_EPOCH gives the same bytes, file for file.

    The session's build left every notebook in mkdocs-jupyter's cache (hooks/notebooks.py; in a
    fresh clone it converted each one), so this build reads each from it: a page made from the
    cache must be the page a conversion makes."""
    notebooks = [n for n in (ROOT / "docs").rglob("*.ipynb") if ".ipynb_checkpoints" not in n.parts]
    assert len(notebooks) >= 2, notebooks
    work = Path(tempfile.mkdtemp(prefix="convshare-site-again-"))
    try:
        again = work / "site"
        problem, log = build_site_logged(again)
        assert problem is None, problem
        hits = set(re.findall(r"Cache hit: (\S+\.ipynb)", log))
        assert hits == {str(n) for n in notebooks}, log[-3000:]
        # ... and every Chinese text of the search index from hooks/search_zh.py's memo, so
        # jieba's dictionary was never loaded (test_remembered_segmentations_are_jiebas).
        memo = re.findall(r"Chinese search: (\d+) texts segmented from the memo, (\d+) by", log)
        assert len(memo) == 1 and int(memo[0][0]) > 0 and memo[0][1] == "0", log[-3000:]
        comparison = filecmp.dircmp(built_site, again)
        differences: list[str] = []

        def collect(cmp: filecmp.dircmp[str], prefix: str) -> None:
            differences.extend(f"only in first: {prefix}{n}" for n in cmp.left_only)
            differences.extend(f"only in second: {prefix}{n}" for n in cmp.right_only)
            _, mismatch, errors = filecmp.cmpfiles(
                cmp.left, cmp.right, cmp.common_files, shallow=False
            )
            differences.extend(f"differs: {prefix}{n}" for n in mismatch + errors)
            for name, sub in cmp.subdirs.items():
                collect(sub, f"{prefix}{name}/")

        collect(comparison, "")
        assert not differences, differences[:20]
    finally:
        shutil.rmtree(work, ignore_errors=True)
