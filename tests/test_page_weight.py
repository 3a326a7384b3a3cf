"""The hooks that keep pages light: per-language search indexes, theme CSS only where used,
notebook figures as files. The built-site checks at the end look at the real build."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

HOOKS = Path(__file__).resolve().parent.parent / "hooks"


def _load(name: str) -> ModuleType:
    if str(HOOKS) not in sys.path:
        sys.path.insert(0, str(HOOKS))  # as MkDocs does: hooks import their neighbours
    spec = importlib.util.spec_from_file_location(f"site_hook_{name}", HOOKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as MkDocs does (dataclasses look their module up there)
    spec.loader.exec_module(module)
    return module


search = _load("search_zh")
table_wrap = _load("table_wrap")
weight = _load("page_weight")
notebooks = _load("notebooks")

# --- hooks/search_zh.py ---------------------------------------------------------------------


def test_index_is_split_by_language_in_order() -> None:
    data = {
        "config": {"lang": ["zh", "en"], "separator": "x"},
        "docs": [
            {"location": "", "title": "首页", "text": ""},
            {"location": "en/", "title": "Home", "text": ""},
            {"location": "article/#a", "title": "甲", "text": ""},
            {"location": "en/article/#a", "title": "A", "text": ""},
            {"location": "english-notes/", "title": "not under en/", "text": ""},
        ],
    }
    parts = search.split_index(data)
    assert [d["location"] for d in parts["zh"]["docs"]] == ["", "article/#a", "english-notes/"]
    assert [d["location"] for d in parts["en"]["docs"]] == ["en/", "en/article/#a"]
    assert parts["zh"]["config"]["lang"] == ["zh", "en"]
    assert parts["en"]["config"] == {"lang": ["en"], "separator": "x"}
    assert data["config"]["lang"] == ["zh", "en"]  # the input is not changed


def test_segment_memo_examples() -> None:
    """The examples in hooks/search_zh.py's docstrings: answers kept, read back, and ignored
    under another jieba version."""
    import doctest

    result = doctest.testmod(search)
    assert result.attempted >= 5
    assert result.failed == 0


def _fake_cut(calls: list[object]) -> Callable[..., Iterator[str]]:
    def cut(text: object, *args: object, **kwargs: object) -> Iterator[str]:
        calls.append((text, args, kwargs))
        value = text.decode("utf-8", "ignore") if isinstance(text, bytes) else str(text)
        return iter(value.split())

    return cut


def test_segment_memo_passes_other_calls_and_undecodable_text_to_jieba(tmp_path: Path) -> None:
    calls: list[object] = []
    memo = search.SegmentMemo(_fake_cut(calls), tmp_path / "m.json", (), "1")
    for _ in range(2):
        assert list(memo("甲 乙", cut_all=True)) == ["甲", "乙"]
        assert list(memo("甲 乙", False, False)) == ["甲", "乙"]
        assert list(memo(b"\xff \xfe")) == []  # not UTF-8: jieba decides (here: no words)
    assert len(calls) == 6 and memo.segmented == 0 and memo.used == {}


def test_segment_memo_follows_the_dictionaries(tmp_path: Path) -> None:
    """A changed dictionary (its bytes) makes the file stale: the text goes to jieba again."""
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("参数 3\n", encoding="utf-8")
    calls: list[object] = []
    path = tmp_path / "m.json"
    memo = search.SegmentMemo(_fake_cut(calls), path, (str(dictionary),), "1")
    list(memo("甲 乙"))
    memo.save()
    list(search.SegmentMemo(_fake_cut(calls), path, (str(dictionary),), "1")("甲 乙"))
    assert len(calls) == 1
    dictionary.write_text("参数 4\n", encoding="utf-8")
    list(search.SegmentMemo(_fake_cut(calls), path, (str(dictionary),), "1")("甲 乙"))
    assert len(calls) == 2


def test_segment_memo_keeps_older_entries_up_to_as_many_as_it_used(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    first = search.SegmentMemo(_fake_cut([]), path, (), "1")
    for text in ("a", "b", "c"):
        list(first(text))
    first.save()
    second = search.SegmentMemo(_fake_cut([]), path, (), "1")
    for text in ("c", "d"):
        list(second(text))
    second.save()  # a and b unused, as many as it used: kept
    assert set(json.loads(path.read_text(encoding="utf-8"))["segments"]) == {"a", "b", "c", "d"}
    third = search.SegmentMemo(_fake_cut([]), path, (), "1")
    list(third("d"))
    third.save()  # a, b and c unused, more than it used: dropped
    assert set(json.loads(path.read_text(encoding="utf-8"))["segments"]) == {"d"}
    search.SegmentMemo(_fake_cut([]), path, (), "1").save()  # never asked: file kept
    assert set(json.loads(path.read_text(encoding="utf-8"))["segments"]) == {"d"}
    for broken in ("{", '{"identity": 1}', "[]"):
        path.write_text(broken, encoding="utf-8")
        memo = search.SegmentMemo(_fake_cut([]), path, (), "1")
        assert list(memo("e f")) == ["e", "f"] and memo.segmented == 1


# --- hooks/page_weight.py ---------------------------------------------------------------------

PALETTE = (
    "@media screen{[data-md-color-scheme=slate]{color-scheme:dark}}"
    "[data-md-color-primary=red]{--a:1}"
    "[data-md-color-primary=indigo],[data-md-color-primary=teal]{--a:2}"
    "@media screen{[data-md-color-accent=red] .x{--b:1}}"
    "[data-md-color-scheme=slate][data-md-color-primary=indigo] .y{--c:3}"
    # Material 9.8's palette.css (assets/stylesheets/palette.*.min.css), verbatim:
    "[data-md-color-switching] *,[data-md-color-switching] :after,[data-md-color-switching] "
    ":before{transition-duration:0s!important}"
)


def test_palette_keeps_only_the_sites_colours_and_no_switching_rule() -> None:
    assert weight.keep_palette(PALETTE, {"indigo"}) == (
        "@media screen{[data-md-color-scheme=slate]{color-scheme:dark}}"
        "[data-md-color-primary=indigo]{--a:2}"
        "[data-md-color-scheme=slate][data-md-color-primary=indigo] .y{--c:3}"
    )


def test_unbalanced_css_is_refused() -> None:
    for bad in ("a{b:c", "a{b:c}}"):
        try:
            weight.split_rules(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} accepted")


def test_page_weight_examples() -> None:
    """The examples in hooks/page_weight.py's docstrings (pytest collects doctests from the
    package and the tests only)."""
    import doctest

    result = doctest.testmod(weight, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 10
    assert result.failed == 0


def test_table_wrap_examples() -> None:
    """The examples in hooks/table_wrap.py's docstrings."""
    import doctest

    result = doctest.testmod(table_wrap)
    assert result.attempted >= 4
    assert result.failed == 0


def test_bench_report_examples() -> None:
    """The examples in bench/report.py's docstrings (how a page's path is shown)."""
    import doctest

    spec = importlib.util.spec_from_file_location("bench_report", HOOKS.parent / "bench/report.py")
    assert spec is not None and spec.loader is not None
    report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(report)
    result = doctest.testmod(report)
    assert result.attempted >= 1
    assert result.failed == 0


def test_bench_cpu_slowdown_follows_lighthouses_calculator() -> None:
    """bench/run.py's calibrated CPU slowdown: the points of Lighthouse's CPU throttling
    calculator (patrickhulce/lighthouse-cpu-throttling-calculator, linked from Lighthouse's
    docs/throttling.md): 800 -> 2x, 1,300 -> 3x, 1,533 -> 4x (Lighthouse's default), 2,000 -> 6x."""
    import doctest

    spec = importlib.util.spec_from_file_location("bench_run", HOOKS.parent / "bench/run.py")
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    points = {800: 2.0, 1300: 3.0, 1533: 4.0, 1766: 5.0, 2000: 6.0}
    for index, slowdown in points.items():
        assert abs(run.cpu_slowdown(index) - slowdown) < 0.01, index
    assert doctest.testmod(run).failed == 0


# Material-like rules: each kept or dropped for the reason its comment gives.
MAIN = (
    '@charset "UTF-8";'
    ":root{--md-a:1;--md-unread:2;--md-b:var(--md-c);--md-c:3;--md-js-only:4}"
    "html{box-sizing:border-box}"  # an element on every page
    "#top p,#gone p{k:1}"  # an id on the page, one nowhere
    ".md-typeset .admonition{color:var(--md-a)}"  # classes in the HTML
    ".md-typeset .md-tag{x:1}"  # a class nowhere: dropped
    ".md-search-result__item{y:var(--md-b)}"  # a class only the script creates: kept
    ".md-typeset .tabbed-set,.md-typeset .md-tag{z:2}"  # one selector of two kept
    "@media screen{.md-tag{a:1}}"  # emptied: dropped with its @media
    "@media print{.md-typeset kbd{b:1}.md-typeset p{c:1}}"  # kbd dropped, p kept
    "[dir=rtl] .md-typeset p{d:1}"  # no page is right-to-left: dropped
    ".md-typeset :is(.md-tag,.admonition)>p{e:1}"  # one alternative matches: kept
    ".md-typeset :is(.md-tag,kbd){f:1}"  # none does: dropped
    ".md-typeset p:not(.md-tag){g:1}"  # :not() needs nothing: kept
    ".md-search-result__item{animation:spin 1s}"
    "@keyframes spin{0%{o:0}}@keyframes pulse{0%{o:1}}"  # pulse only used by dropped rules
    ".md-tag{animation:pulse 1s}"
    ".md-tag--one{h:1}.md-version__list{i:1}"  # a template prefix: kept; a feature off: dropped
    "/*# sourceMappingURL=main.min.css.map*/"
)


def test_main_css_keeps_what_pages_and_scripts_can_use() -> None:
    names = weight.names_in_html(
        '<html dir="ltr"><body id="top"><article class="md-typeset">'
        '<div class="admonition"><p style="--md-js-only:0">x</p></div>'
        '<div class="tabbed-set"></div></article></body></html>'
    )
    script = weight.names_in_script(
        'a.className="md-search-result__item";b=`md-tag--${t}`;c="md-version__list"'
    )
    script.classes = {c for c in script.classes if not c.startswith("md-version")}
    names.update(script)
    out = weight.keep_used_rules(MAIN, names)
    assert out == (
        '@charset "UTF-8";'
        ":root{--md-a:1;--md-b:var(--md-c);--md-c:3;--md-js-only:4}"
        "html{box-sizing:border-box}"
        "#top p{k:1}"
        ".md-typeset .admonition{color:var(--md-a)}"
        ".md-search-result__item{y:var(--md-b)}"
        ".md-typeset .tabbed-set{z:2}"
        "@media print{.md-typeset p{c:1}}"
        ".md-typeset :is(.md-tag,.admonition)>p{e:1}"
        ".md-typeset p:not(.md-tag){g:1}"
        ".md-search-result__item{animation:spin 1s}"
        "@keyframes spin{0%{o:0}}"
        ".md-tag--one{h:1}"
    )


def test_trim_reads_the_themes_file_again(tmp_path: Path) -> None:
    """A second trim (a rebuild of one page under ``mkdocs serve --dirty``, which copies no
    theme file again) starts from the theme's untrimmed file: a class the edited page now uses
    gets its rule back."""
    theme, site = tmp_path / "theme", tmp_path / "site"
    for folder in (theme, site):
        (folder / "assets/stylesheets").mkdir(parents=True)
    full = "p{a:1}.md-tag{b:2}/*# sourceMappingURL=main.x.min.css.map*/"
    (theme / "assets/stylesheets/main.x.min.css").write_text(full)
    (site / "assets/stylesheets/main.x.min.css").write_text(full)
    (site / "assets/stylesheets/main.x.min.css.map").write_text("{}")
    page = site / "index.html"
    page.write_text("<p>no tags</p>")
    [(_, before, after)] = weight.trim_main_css(site, weight.site_names(site), [theme])
    css = site / "assets/stylesheets/main.x.min.css"
    assert (before, after, css.read_text()) == (len(full), 6, "p{a:1}")
    assert not css.with_name("main.x.min.css.map").exists()
    page.write_text('<p class="md-tag">a tag</p>')
    os.utime(page, ns=(1, 1))  # another modification time, even on a coarse clock
    weight.trim_main_css(site, weight.site_names(site), [theme])
    assert css.read_text() == "p{a:1}.md-tag{b:2}"


def test_features_off_follow_the_config() -> None:
    config = {"theme": {"features": ["content.code.copy"]}, "plugins": {"search": None}}
    assert weight.features_off(config) == {
        "md-annotation",
        "md-version",
        "md-tag",
        "md-tags",
        "md-source",
    }
    config = {
        "theme": {"features": ["content.code.annotate"]},
        "plugins": {"tags": None},
        "extra": {"version": {"provider": "mike"}},
        "repo_url": "https://example.org/r",
    }
    assert weight.features_off(config) == set()


def test_page_load_counts_what_the_browser_fetches(tmp_path: Path) -> None:
    """Stylesheets, scripts, the icon, eager images; the maths font only on a page with maths;
    not lazy images, links to other pages, or anything from another host."""
    site = tmp_path / "site"
    (site / "assets/fonts").mkdir(parents=True)
    (site / "page").mkdir()
    files = {
        "assets/s.css": '@font-face{font-family:m;src:url("fonts/m.woff2")}' + "x" * 50,
        "assets/fonts/m.woff2": "f" * 1000,
        "assets/a.js": "j" * 300,
        "assets/i.png": "i" * 70,
        "assets/eager.svg": "e" * 11,
        "assets/lazy.svg": "l" * 13,
    }
    for name, text in files.items():
        (site / name).write_text(text)
    head = (
        '<link rel="stylesheet" href="../assets/s.css"><link rel="icon" href="../assets/i.png">'
        '<link rel="next" href="../other/"><script defer src="../assets/a.js"></script>'
        '<script src="https://elsewhere.example/x.js"></script>'
        '<img src="../assets/eager.svg"><img src="../assets/lazy.svg" loading="lazy">'
    )
    plain = head + "<p>no maths</p>"
    (site / "page/index.html").write_text(plain)
    loads = weight.page_load(site / "page/index.html", site)
    assert loads == {
        "assets/s.css": len(files["assets/s.css"]),
        "assets/i.png": 70,
        "assets/a.js": 300,
        "assets/eager.svg": 11,
        "page/index.html": len(plain),
    }
    maths = head + "<math><mi>x</mi></math>"
    (site / "page/index.html").write_text(maths)
    loads = weight.page_load(site / "page/index.html", site)
    assert loads["assets/fonts/m.woff2"] == 1000
    assert weight.page_weights(site) == {"page/index.html": sum(loads.values())}


LINK = '<link rel="stylesheet" href="../assets/_mkdocstrings.css">'


def test_mkdocstrings_css_only_on_api_pages() -> None:
    plain = f"<head>\n  {LINK}\n  {LINK}\n</head><p>text</p>"
    assert "_mkdocstrings" not in weight.mkdocstrings_css_only_for_api(plain)
    api = f'<head>\n  {LINK}\n  {LINK}\n</head><div class="doc doc-object">'
    assert weight.mkdocstrings_css_only_for_api(api).count("_mkdocstrings.css") == 1


# --- hooks/notebooks.py: figures as files -------------------------------------------------------

# The 8-byte PNG signature followed by arbitrary bytes: the hook names files by content only.
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))


def test_figures_become_lazy_files() -> None:
    encoded = base64.b64encode(PNG).decode()
    html = (
        f'<p><img alt="a figure" height="10" width="20" src="data:image/png;base64,{encoded}"/></p>'
    )
    figures: dict[str, bytes] = {}
    out = notebooks.figures_as_files(html, "en/notebooks/sharing/", figures)
    name = f"notebooks/figures/{hashlib.sha256(PNG).hexdigest()[:16]}.png"
    assert figures == {name: PNG}
    assert out == (
        f'<p><img alt="a figure" height="10" width="20" src="../../../{name}" '
        'loading="lazy" decoding="async"></p>'
    )


def test_invalid_base64_is_left_alone() -> None:
    html = '<img alt="x" src="data:image/png;base64,@@@">'
    figures: dict[str, bytes] = {}
    assert notebooks.figures_as_files(html, "notebooks/sharing/", figures) == html
    assert figures == {}


# An inline SVG figure as docs/notebooks/_nb.py writes it: the root without xmlns:xlink (its
# size attributes replaced it), an embedded image referenced with xlink:href, an escaped label.
SVG = (
    '<svg width="80" height="40" role="img" aria-label="a &quot;line&quot; &amp; dots" '
    'viewBox="0 0 60 30" xmlns="http://www.w3.org/2000/svg" version="1.1">'
    '<image xlink:href="data:image/png;base64,AAAA"/>'
    '<path d="M 0 0 L 1 1" style="stroke: currentColor"/></svg>'
)


def test_svg_figures_become_lazy_files() -> None:
    """The figure becomes a file named by its content; the <img> keeps size and label; the
    file is well-formed XML with the xlink namespace and its own light/dark colours."""
    import xml.etree.ElementTree as ET

    html = f'<p>x</p><figure class="nb-figure">\n{SVG}\n</figure><p>y</p>'
    figures: dict[str, bytes] = {}
    out = notebooks.figures_as_files(html, "notebooks/equivariance/", figures)
    [(name, data)] = figures.items()
    assert name == f"notebooks/figures/{hashlib.sha256(data).hexdigest()[:16]}.svg"
    assert out == (
        f'<p>x</p><figure class="nb-figure"><img src="../{name.removeprefix("notebooks/")}" '
        'alt="a &quot;line&quot; &amp; dots" width="80" height="40" loading="lazy" '
        'decoding="async"></figure><p>y</p>'
    )
    root = ET.fromstring(data)  # a standalone file must parse as XML: namespaces declared
    assert root.get("aria-label") == 'a "line" & dots'
    text = data.decode()
    assert notebooks.SVG_STYLE in text
    assert "@media (prefers-color-scheme:dark)" in notebooks.SVG_STYLE
    # The same figure on the other language's page is the same file.
    again: dict[str, bytes] = {}
    notebooks.figures_as_files(html, "en/notebooks/equivariance/", again)
    assert again == figures


def test_svg_outside_a_notebook_figure_stays_inline() -> None:
    """Icons and other inline SVG (not a notebook figure) are left alone."""
    html = f'<span class="twemoji">{SVG}</span>'
    figures: dict[str, bytes] = {}
    assert notebooks.figures_as_files(html, "notebooks/sharing/", figures) == html
    assert figures == {}


# --- the built site ---------------------------------------------------------------------------


def _pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("*.html") if p.relative_to(site).parts[0] not in {"assets"}]


def test_built_indexes_hold_each_page_once_in_its_language(built_site: Path) -> None:
    """One index per language; each built page (except 404) appears in its language's index
    exactly once; Material's combined index is gone."""
    assert not (built_site / "search/search_index.json").exists()
    pages = {
        p.relative_to(built_site).as_posix().removesuffix("index.html")
        for p in _pages(built_site)
        if p.name != "404.html"
    }
    seen: dict[str, list[str]] = {}
    for lang in ("zh", "en"):
        data = json.loads((built_site / f"search/search_index.{lang}.json").read_text("utf-8"))
        tops = [d["location"] for d in data["docs"] if "#" not in d["location"]]
        assert all(t.startswith("en/") == (lang == "en") for t in tops), lang
        seen[lang] = tops
    everything = seen["zh"] + seen["en"]
    assert sorted(everything) == sorted(pages)


def test_built_pages_carry_no_base64_figures_or_unused_css(built_site: Path) -> None:
    data_images, api_css = [], []
    for page in _pages(built_site):
        text = page.read_text("utf-8")
        name = page.relative_to(built_site).as_posix()
        if re.search(r'<img[^>]+src="data:', text):
            data_images.append(name)
        if "_mkdocstrings.css" in text and 'class="doc doc-' not in text:
            api_css.append(name)
    assert data_images == []
    assert api_css == []
    for figure in (built_site / "notebooks/figures").glob("*.png"):
        assert figure.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), figure


def test_built_code_carries_no_spans_that_show_nothing(built_site: Path) -> None:
    """Pygments opens every block with an empty span and wraps white space in ``class="w"``
    (no stylesheet colours it); hooks/page_weight.py drops both. The reference page has
    highlighted signatures and examples, the notebooks highlighted cells."""
    found = {}
    for page in _pages(built_site):
        text = page.read_text("utf-8")
        count = text.count("<span></span>") + text.count('<span class="w">')
        if count:
            found[page.relative_to(built_site).as_posix()] = count
    assert found == {}
    reference = (built_site / "reference" / "index.html").read_text("utf-8")
    assert reference.count('<div class="doc-signature highlight"><pre><code') > 40


def test_built_notebook_figures_are_svg_files(built_site: Path) -> None:
    """No notebook page carries a figure as inline SVG; every figure is an <img> of an SVG
    file that exists, with its size and alt text; every file written is used."""
    import xml.etree.ElementTree as ET

    notebook_pages = [p for p in _pages(built_site) if "jupyter-wrapper" in p.read_text("utf-8")]
    assert len(notebook_pages) >= 2, "notebook pages not found"
    used: set[Path] = set()
    for page in notebook_pages:
        text = page.read_text("utf-8")
        name = page.relative_to(built_site).as_posix()
        figures = re.findall(r'<figure class="nb-figure">(.*?)</figure>', text, re.DOTALL)
        for figure in figures:
            assert "<svg" not in figure, f"{name}: inline SVG figure"
            img = re.fullmatch(
                r'<img src="(?P<src>[^"]+\.svg)" alt="(?P<alt>[^"]+)" width="\d+" height="\d+" '
                r'loading="lazy" decoding="async">',
                figure.strip(),
            )
            assert img, f"{name}: {figure[:200]}"
            target = (page.parent / img.group("src")).resolve()
            assert target.is_file(), f"{name}: {img.group('src')} missing"
            ET.fromstring(target.read_bytes())  # well-formed
            used.add(target)
    assert used, "no SVG figure on any notebook page"
    written = {p.resolve() for p in (built_site / "notebooks/figures").glob("*.svg")}
    assert written == used


# --- hooks/reload.py: the package re-imported only when it changed ------------------------------

reload = _load("reload")


def test_package_is_dropped_only_when_its_files_change(tmp_path: Path) -> None:
    """A package imported from the folder is kept while no file changes; editing any file (or
    importing it from elsewhere) drops it, and the re-import computes the new value."""
    import importlib
    import os

    name = "convshare_reload_probe"
    folder = tmp_path / name
    folder.mkdir()
    (folder / "__init__.py").write_text("VALUE = 1\n")
    sys.path.insert(0, str(tmp_path))
    try:
        assert reload.forget_package_if_changed(folder, name)  # first build: nothing known
        first = importlib.import_module(name)
        assert first.VALUE == 1
        assert not reload.forget_package_if_changed(folder, name)  # unchanged: kept
        assert sys.modules[name] is first
        (folder / "__init__.py").write_text("VALUE = 2\n")
        os.utime(folder / "__init__.py", ns=(1, 1))  # a different mtime even on coarse clocks
        assert reload.forget_package_if_changed(folder, name)
        assert name not in sys.modules
        assert importlib.import_module(name).VALUE == 2
        assert not reload.forget_package_if_changed(folder, name)
        other = tmp_path / "elsewhere"
        other.mkdir()
        assert reload.forget_package_if_changed(other, name)  # not the folder's package
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)


def test_templates_compile_once_per_source() -> None:
    """A second build's environment takes the compiled template from the cache; an edited
    template is compiled again."""
    import jinja2

    cache = reload.MemoryBytecodeCache()
    compiled: list[str] = []

    def environment(source: str) -> jinja2.Environment:
        env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": source}))
        reload.on_env(env)
        env.bytecode_cache = cache  # the same cache, as on_env gives every build
        original = env.compile

        def counting(*args: object, **kwargs: object) -> object:
            compiled.append(source)
            return original(*args, **kwargs)  # type: ignore[arg-type]

        env.compile = counting  # type: ignore[method-assign]
        return env

    assert environment("{{ 1 + 1 }}").get_template("t.html").render() == "2"
    assert environment("{{ 1 + 1 }}").get_template("t.html").render() == "2"
    assert environment("{{ 2 + 2 }}").get_template("t.html").render() == "4"
    assert compiled == ["{{ 1 + 1 }}", "{{ 2 + 2 }}"]
    assert isinstance(reload.template_cache(), jinja2.BytecodeCache)
    assert reload.template_cache() is reload.template_cache()


def test_display_maths_chains_are_lifted_out_of_paragraphs_whole() -> None:
    """A chain of equalities (two nested <div>s, hooks/maths.py) leaves its <p> in one piece."""
    maths = _load("maths")
    chain = maths.display_mathml("a = b + 1 = c")
    assert chain.count("<div") == 2  # the case this test is about
    simple = maths.display_mathml("x")
    out = notebooks._lift_display_maths(f"<p>before {chain} middle {simple} after</p>")
    assert out == f"<p>before</p>\n{chain}\n<p>middle</p>\n{simple}\n<p>after</p>"


def test_built_main_stylesheet_is_trimmed(built_site: Path) -> None:
    """The shipped stylesheet lacks the rules of features the site does not use (tags, version
    selector) and keeps those its scripts create (search results, the code copy button); its
    source map is gone (it described the untrimmed file)."""
    [main] = (built_site / "assets/stylesheets").glob("main.*.min.css")
    css = main.read_text("utf-8")
    assert ".md-tag" not in css and ".md-version__list" not in css
    for used in (
        ".md-search-result__item",
        ".md-code__button",
        ".md-typeset .admonition",
        ".md-tooltip2",
    ):
        assert used in css, used
    assert "sourceMappingURL" not in css
    assert not main.with_name(main.name + ".map").exists()


def test_rules_only_without_script_are_dropped_from_the_themes_stylesheet(
    built_site: Path,
) -> None:
    """The theme's own file (Material, pinned) has the rule exactly as ``ONLY_WITHOUT_SCRIPT``
    spells it, so an upgrade that rewrites it fails here; the shipped copy lacks it and keeps
    the rule beside it (``@media print``'s table rule, written just before it, now aimed at
    wrapped tables)."""
    import material

    theme = Path(material.__file__).parent / "templates/assets/stylesheets"
    [name] = [p.name for p in (built_site / "assets/stylesheets").glob("main.*.min.css")]
    untrimmed = (theme / name).read_text("utf-8")
    shipped = (built_site / "assets/stylesheets" / name).read_text("utf-8")
    for selector in weight.ONLY_WITHOUT_SCRIPT:
        assert f"}}{selector}{{" in untrimmed, selector
        assert selector not in shipped, selector
    assert "@media print{.md-typeset .md-typeset__table>table{display:table}}" in shipped


def test_built_pages_are_within_the_budget(built_site: Path) -> None:
    """Every page, HTML and everything it loads, is at most 400,000 bytes (project issue 14):
    counted by hooks/page_weight.py from the built files, uncompressed."""
    over = {
        page: size for page, size in weight.page_weights(built_site).items() if size > weight.BUDGET
    }
    assert over == {}, "over 400,000 bytes: " + ", ".join(f"{p} {s:,}" for p, s in over.items())


def test_every_table_ships_wrapped_and_the_themes_table_rules_follow(built_site: Path) -> None:
    """No built page has a table Material's script would move (one without a class); every
    table hooks/table_wrap.py marked sits in the wrapper the script would have made. Each of the
    theme's bare-table selectors is a descendant (``x table:not([class])``), the one form that
    ``restyle_wrapped`` rewrites without changing what it matches; none is left in the shipped
    stylesheet, and as many wrapped-table selectors took their place."""
    import material

    pages = list(built_site.rglob("*.html"))
    wrapped = 0
    for page in pages:
        html = page.read_text("utf-8")
        bare = re.findall(r"<table(?![^>]*\sclass[\s=>])[^>]*>", html)
        assert not bare, f"{page.relative_to(built_site)}: {bare[:2]}"
        marked = html.count(f'<table class="{table_wrap.WRAPPED}"')
        assert marked == html.count(
            '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
            f'<table class="{table_wrap.WRAPPED}"'
        ), page
        wrapped += marked
    assert wrapped >= 100, wrapped  # the architecture and fact-check tables, among others

    theme = Path(material.__file__).parent / "templates/assets/stylesheets"
    [name] = [p.name for p in (built_site / "assets/stylesheets").glob("main.*.min.css")]
    untrimmed = (theme / name).read_text("utf-8")
    bare_selectors = untrimmed.count("table:not([class])")
    assert bare_selectors == untrimmed.count(table_wrap.BARE) >= 10
    shipped = (built_site / "assets/stylesheets" / name).read_text("utf-8")
    assert "table:not([class])" not in shipped
    # Rewritten, less ONLY_WITHOUT_SCRIPT's and the right-to-left rules (no page is written
    # right to left, so the trim drops them).
    assert shipped.count(".md-typeset__table>table") >= 10


def test_own_scripts_ship_without_whole_line_comments(built_site: Path) -> None:
    """Every page loads the site's own scripts: they are sent without the comments that take
    lines of their own, and what is sent still parses (Node) and keeps every line of code."""
    import shutil
    import subprocess

    node = shutil.which("node")
    assert node is not None, "node is missing: the project installs it for its JavaScript tests"
    overrides = HOOKS.parent / "overrides"
    sources = {
        "assets/site.js": HOOKS.parent / "docs/assets/site.js",
        "assets/javascripts/search-on-demand.js": overrides
        / "assets/javascripts/search-on-demand.js",
        "assets/javascripts/color-scheme.js": overrides / "assets/javascripts/color-scheme.js",
    }
    assert set(sources) == set(weight.OWN_SCRIPTS)
    for name, source in sources.items():
        text = source.read_text("utf-8")
        sent = (built_site / name).read_text("utf-8")
        assert "/*" in text  # the source explains itself
        assert len(sent) < len(text), name
        code = [line for line in sent.splitlines() if line.strip()]
        assert not [line for line in code if line.lstrip().startswith(("//", "/*", "*"))], name
        # Every line sent is a line of the source, in order.
        rest = iter(text.splitlines())
        assert all(any(line == other for other in rest) for line in sent.splitlines()), name
        check = subprocess.run([node, "--check", str(built_site / name)], capture_output=True)
        assert check.returncode == 0, (name, check.stderr)
