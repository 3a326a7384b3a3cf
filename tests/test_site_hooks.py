"""The MkDocs hooks of hooks/: computed numbers in prose, MathML, Chinese line breaks, reload."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from convshare import conv2d

HOOKS = Path(__file__).resolve().parent.parent / "hooks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"site_hook_{name}", HOOKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


numbers = _load("prose_numbers")
maths = _load("maths")
cjk = _load("cjk")
reload = _load("reload")
griffe_doctest = _load("griffe_doctest")


def _page(src_uri: str) -> SimpleNamespace:
    return SimpleNamespace(file=SimpleNamespace(src_uri=src_uri))


# --- hooks/prose_numbers.py ---------------------------------------------------------------------


def test_expression_becomes_its_formatted_value() -> None:
    """{{ fmt(alexnet1.params_unshared) }} prints 55*55*96*(11*11*3+1) with separators."""
    out = numbers.on_page_markdown("a {{ fmt(alexnet1.params_unshared) }} b", page=_page("x.md"))
    assert out == f"a {55 * 55 * 96 * (11 * 11 * 3 + 1):,} b"


def test_integer_values_are_formatted_and_strings_kept() -> None:
    """An int result goes through fmt; a str result is inserted as it is."""
    names = numbers.namespace("en")
    assert numbers.substitute("{{ lenet28.params_unshared }}", names) == f"{24 * 24 * 6 * 26:,}"
    assert numbers.substitute("{{ 'x' + 'y' }}", names) == "xy"


def test_tex_keeps_the_comma_inside_braces() -> None:
    """tex(n) writes 290{,}400 (55*55*96) for use inside maths."""
    names = numbers.namespace("zh")
    assert numbers.substitute("$ {{ tex(alexnet1.neurons) }} $", names) == "$ 290{,}400 $"


def test_code_is_left_alone() -> None:
    """Fenced blocks (exec blocks included), indented fences and inline code keep their braces."""
    names = numbers.namespace("en")
    text = (
        "`{{ a }}` and {{ lenet32.params_shared }}\n"
        '```python exec="on"\nprint("{{ b }}")\n```\n'
        "!!! note\n    ````md\n    {{ c }}\n    ```\n    {{ d }}\n    ````\n"
        "{{ lenet28.output_size[0] }}"
    )
    out = numbers.substitute(text, names)
    assert "`{{ a }}`" in out and "{{ b }}" in out and "{{ c }}" in out and "{{ d }}" in out
    # 6 * (5*5*1 + 1) = 156 and 28 - 5 + 1 = 24
    assert out.startswith("`{{ a }}` and 156\n") and out.endswith("\n24")


@pytest.mark.parametrize(
    ("expression", "error"),
    [
        ("nope", "unknown name: nope"),
        ("alexnet1.params_unshared / 2", "not allowed in an inline figure: BinOp"),
        ("open('x')", "unknown name: open"),
        # The escape found in review: a function's globals hold the real builtins.
        ("fmt.__globals__['__builtins__']['open']('x', 'w')", "no name that starts with '_'"),
        ("fmt.__globals__", "no name that starts with '_'"),
        ("'{0.__globals__}'.format(fmt)", "only for the package's objects"),
        ("alexnet1.__class__.__init__.__globals__", "no name that starts with '_'"),
        ("[c for c in ().__class__.__base__.__subclasses__()]", "ListComp"),
        ("(lambda: 1)()", "Lambda"),
        ("__import__('os')", "unknown name: __import__"),
        ("2 ** 10 ** 10", "BinOp"),
        ("'x' * 10 ** 9", "BinOp"),
        ("str(1).join(['a'])", "only for the package's objects"),
        ("fmt(*[1])", "no * or **"),
        ("alexnet1.output_size[alexnet1.groups]", "literal integer or string"),
        ("'abc'[0]", "only tuples and lists"),
        ("lenet28.axes[0].size.bit_length()", "only for the package's objects"),
    ],
)
def test_a_bad_expression_fails_the_build_naming_page_and_expression(
    expression: str, error: str
) -> None:
    """Errors become PluginError with the page, the expression and the cause; no builtins leak,
    and nothing outside the small expression language (names, public attributes of the
    package's objects, literal subscripts, calls of allowed functions, + - * // on integers)
    can be written."""
    with pytest.raises(PluginError) as info:
        numbers.on_page_markdown(f"x {{{{ {expression} }}}} y", page=_page("dir/page.en.md"))
    message = str(info.value)
    assert "dir/page.en.md" in message and expression in message and error in message


def test_language_comes_from_the_file_name() -> None:
    """*.en.md pages are English, every other page Chinese (the default language)."""
    assert numbers.page_language("a/b.en.md") == "en"
    assert numbers.page_language("a/b.md") == "zh"
    assert numbers.page_language("index.md") == "zh"


def test_named_layers_match_conv2d() -> None:
    """The shared named layers are the documented conv2d calls."""
    names = numbers.namespace("en")
    assert names["alexnet1"] == conv2d(227, 3, 96, 11, stride=4)
    assert names["alexnet1_224"] == conv2d(224, 3, 96, 11, stride=4)
    assert names["lenet28"] == conv2d(28, 1, 6, 5)
    assert names["lenet32"] == conv2d(32, 1, 6, 5)


# --- hooks/maths.py -----------------------------------------------------------------------------


def test_display_maths_is_block_mathml() -> None:
    """Display maths becomes <math display="block">, inline maths display="inline"."""
    html = (
        '<p>a <span class="arithmatex">\\(x &lt; 1\\)</span></p>\n'
        '<div class="arithmatex">\\[\n\\frac{1}{2}\n\\]</div>'
    )
    out = maths.render_arithmatex(html)
    assert 'display="inline"' in out and 'display="block"' in out
    assert "<mo>&#x0003C;</mo>" in out  # the escaped "<" was unescaped before conversion
    assert "arithmatex" not in out and "\\(" not in out and "\\[" not in out


def test_grouped_number_stays_one_mn() -> None:
    """290{,}400 renders as one number, not 290, an operator comma and 400."""
    assert "<mn>290,400</mn>" in maths.tex_to_mathml("290{,}400")
    assert "<mn>105,705,600</mn>" in maths.tex_to_mathml("105{,}705{,}600", display=True)


def test_chain_of_equalities_splits_at_top_level_equals() -> None:
    """A derivation becomes one <math> per side of each top-level "=", so that a narrow column
    can wrap it; an "=" inside braces or \\left…\\right does not split."""
    tex = r"W = \left\lfloor \frac{a = b}{S} \right\rfloor + 1 = \left\lfloor 3 \right\rfloor = 4"
    assert maths.split_relations(tex) == [
        "W",
        r"= \left\lfloor \frac{a = b}{S} \right\rfloor + 1",
        r"= \left\lfloor 3 \right\rfloor",
        "= 4",
    ]
    out = maths.display_mathml(tex)
    # Four sides, the second in two terms ("= ⌊…⌋" and "+ 1"): five <math> elements.
    assert out.count("<math ") == 5 and 'class="maths__chain"' in out
    assert maths.split_relations(r"\frac{1}{2}") == [r"\frac{1}{2}"]
    single = maths.display_mathml(r"\frac{1}{2}")
    assert single.count("<math ") == 1 and "maths__chain" not in single


def test_long_side_splits_before_top_level_plus() -> None:
    """A side wider than a phone's column can wrap before a binary "+" outside braces."""
    tex = r"H_{i,j} = u_{i,j} + \sum_{a=-\Delta}^{\Delta} V_{a} X_{i+a}"
    assert maths.split_terms(r"= u_{i,j} + \sum_{a=-\Delta}^{\Delta} V_{a} X_{i+a}") == [
        "= u_{i,j}",
        r"+ \sum_{a=-\Delta}^{\Delta} V_{a} X_{i+a}",
    ]
    out = maths.display_mathml(tex)
    assert out.count("<math ") == 3 and out.count('class="maths__side"') == 1
    assert maths.split_terms("= +1") == ["= +1"]  # a sign, not an operator between terms


def test_second_equation_on_a_line_is_marked() -> None:
    """An equation after \\qquad is marked as a second one (it may wrap to its own line)."""
    out = maths.display_mathml(r"a = 1, \qquad b \approx 2 = 3")
    assert out.count("<math ") == 4 and out.count('class="maths__next"') == 1


def test_unsupported_tex_raises() -> None:
    """An alignment environment, which latex2mathml leaves as a bare &, is refused."""
    with pytest.raises(ValueError, match="unsupported"):
        maths.tex_to_mathml(r"\begin{aligned} a &= b \end{aligned}", display=True)


def test_dollars_for_notebook_cells() -> None:
    """render_dollars converts $…$ and $$…$$ and leaves an escaped or lone dollar alone."""
    out = maths.render_dollars("cost \\$5, $a_1$ and $$b$$ or $ 3")
    assert out.count("<math") == 2 and "\\$5" in out and "$ 3" in out


def test_unconverted_display_maths_fails_the_page() -> None:
    """$$ that arithmatex left as text (e.g. glued to prose) fails the page, naming it."""
    with pytest.raises(PluginError, match=r"p\.md"):
        maths.on_page_content("<p>$$\nN = 1\n$$\nNext.</p>", page=_page("p.md"))
    with pytest.raises(PluginError, match=r"p\.md"):
        maths.on_page_content("<p>text $$ x</p>", page=_page("p.md"))


# --- hooks/cjk.py -------------------------------------------------------------------------------


def test_line_break_between_chinese_characters_is_removed() -> None:
    """滤波器\\n因此 joins; English lines and code keep their breaks."""
    html = "<p>滤波器\n因此，\nAlexNet 的\nfirst\nline</p><pre><code>一\n二</code></pre>"
    assert (
        cjk.join_cjk_lines(html)
        == "<p>滤波器因此，AlexNet 的\nfirst\nline</p><pre><code>一\n二</code></pre>"
    )


def test_line_breaks_are_judged_through_inline_tags() -> None:
    """The characters around a break are looked up through inline tags, not into code."""
    assert cjk.join_cjk_lines("数，\n<a href=x>事实核查</a>") == "数，<a href=x>事实核查</a>"
    assert cjk.join_cjk_lines("<strong>共享</strong>\n时") == "<strong>共享</strong>时"
    assert cjk.join_cjk_lines("见\n<code>conv2d</code>") == "见\n<code>conv2d</code>"


def test_spaces_between_chinese_characters_are_removed() -> None:
    """Spaces from YAML folding, joined strings or after a bold 。 go; Latin spacing stays."""
    assert cjk.join_cjk_lines("<p>恒等映射， 没有参数；最后一列 不被覆盖</p>") == (
        "<p>恒等映射，没有参数；最后一列不被覆盖</p>"
    )
    assert cjk.join_cjk_lines("<p><strong>不变。</strong> 两种层</p>") == (
        "<p><strong>不变。</strong>两种层</p>"
    )
    assert cjk.join_cjk_lines("<p>两块 GPU 上</p>") == "<p>两块 GPU 上</p>"
    # Not across a cell, a form control or a code span, and never a non-breaking space.
    assert cjk.join_cjk_lines("<td>高</td> <td>宽</td>") == "<td>高</td> <td>宽</td>"
    assert cjk.join_cjk_lines("高 <input> 宽") == "高 <input> 宽"
    assert cjk.join_cjk_lines("见 <code>共</code> 享") == "见 <code>共</code> 享"
    assert cjk.join_cjk_lines("高\u00a0宽") == "高\u00a0宽"


def test_curly_quotes_join_only_next_to_chinese() -> None:
    """A curly quote is shared with English: “共享”\\n即 joins, English”\\nNext does not."""
    assert cjk.join_cjk_lines("“共享”\n即") == "“共享”即"
    assert cjk.join_cjk_lines("said”\nNext") == "said”\nNext"


# --- hooks/reload.py ----------------------------------------------------------------------------


def test_reload_forgets_the_package() -> None:
    """forget_package drops convshare and its submodules, and a re-import is a new module."""
    import convshare  # noqa: F401

    def ours() -> dict[str, ModuleType]:
        return {
            m: mod
            for m, mod in sys.modules.items()
            if m == "convshare" or m.startswith("convshare.")
        }

    saved = ours()
    try:
        dropped = reload.forget_package()
        assert "convshare" in dropped and "convshare._conv" in dropped
        assert not ours()
        assert importlib.import_module("convshare") is not saved["convshare"]
    finally:
        # Put the original modules back so that other tests keep their class identities.
        for name in ours():
            del sys.modules[name]
        sys.modules.update(saved)


# --- hooks/griffe_doctest.py --------------------------------------------------------------------


def test_doctests_are_fenced_for_the_api_reference() -> None:
    """Doctest lines and their output become one pycon block, other text is untouched."""
    text = "Compute.\n\n>>> f(1)\n[('a', 1)]\n\nMore text."
    assert griffe_doctest.fence_doctests(text) == (
        "Compute.\n\n```pycon\n>>> f(1)\n[('a', 1)]\n```\n\nMore text."
    )


# --- hooks/alternates.py ------------------------------------------------------------------------


def test_alternate_links_leave_the_head_only() -> None:
    """hreflang links leave <head> (Material fetched a sitemap beside each); the body keeps its."""
    alternates = _load("alternates")
    html = (
        '<head>\n  <link rel="alternate" href="./" hreflang="zh">\n'
        '  <link rel="alternate" href="../en/article/" hreflang="en">\n<title>t</title></head>'
        '<body><link rel="alternate" href="x" hreflang="en"></body>'
    )
    out = alternates.strip_alternates(html)
    body = '<body><link rel="alternate" href="x" hreflang="en"></body>'
    assert out == "<head>\n<title>t</title></head>" + body


def test_glossary_markdown_has_headings_and_both_languages(tmp_path: Path) -> None:
    """glossary() writes one heading and one two-column table per section: the page language's
    term first, the other language's under it (marked with its language), then the definition."""
    data = tmp_path / "glossary.yml"
    data.write_text(
        "sections:\n  - title: {zh: 核心, en: Core}\n    terms:\n"
        "      - {zh: 步幅, en: stride, def_zh: 窗口每次移动的距离。, def_en: How far it moves.}\n",
        encoding="utf-8",
    )
    zh = numbers.glossary_markdown(data, "zh")
    en = numbers.glossary_markdown(data, "en")
    assert zh.startswith("## 核心\n") and "| 术语 | 释义 |" in zh
    assert '| **步幅**<br><span lang="en">stride</span> | 窗口每次移动的距离。 |' in zh
    assert en.startswith("## Core\n") and "| Term | Definition |" in en
    assert '| **stride**<br><span lang="zh">步幅</span> | How far it moves. |' in en


def test_404_language_menu_points_at_home_pages() -> None:
    """The 404 page's language menu leads to each language's home page, under the site's path."""
    alternates = _load("alternates")
    menu = (
        '<a href="/architectures/vgg-16/" hreflang="zh" class="md-select__link">中文</a>'
        '<a href="/en/architectures/vgg-16/" hreflang="en" class="md-select__link">English</a>'
    )
    out = alternates.language_roots(menu, "/convshare/")
    assert 'href="/convshare/" hreflang="zh"' in out
    assert 'href="/convshare/en/" hreflang="en"' in out


def test_a11y_names_search_dialog_and_section_navigation() -> None:
    """The search dialog gets a name in the page's language; section navs their titles."""
    a11y = _load("a11y")
    page = (
        '<html lang="en"><div class="md-search" data-md-component="search" role="dialog">'
        '<nav class="md-nav" data-md-level="1" aria-labelledby="__nav_4_label" '
        'aria-expanded="false">'
        '\n  <label class="md-nav__title" for="__nav_4">\n<span class="md-icon"></span>\n'
        "  Architectures &amp; more\n</label>"
    )
    out = a11y.repair(page)
    assert 'role="dialog" aria-label="Search">' in out
    assert '<nav class="md-nav" data-md-level="1" aria-label="Architectures &amp; more"' in out
    assert "aria-labelledby" not in out
    assert 'aria-label="搜索"' in a11y.repair(page.replace('lang="en"', 'lang="zh"'))


def test_a11y_titles_permalinks_in_the_pages_language(built_site: Path) -> None:
    """The toc extension titles every heading's permalink "Permanent link"; Chinese pages say it
    in Chinese, English pages keep it."""
    zh = (built_site / "article/index.html").read_text("utf-8")
    en = (built_site / "en/article/index.html").read_text("utf-8")
    assert zh.count('class="headerlink"') >= 5 and "Permanent link" not in zh
    assert zh.count('title="永久链接"') == zh.count('class="headerlink"')
    assert en.count('title="Permanent link"') == en.count('class="headerlink"') >= 5


@pytest.mark.parametrize(
    ("src", "name"),
    [
        ("article.md", "搜索"),
        ("article.en.md", "Search"),
        ("notebooks/sharing.ipynb", "搜索"),
        ("notebooks/sharing.en.ipynb", "Search"),  # a notebook page is English by its name too
    ],
)
def test_search_dialog_is_named_in_the_page_language(src: str, name: str) -> None:
    """on_post_page names the search dialog from the page's file name (convshare.page_language)."""
    a11y = _load("a11y")
    page = SimpleNamespace(file=SimpleNamespace(src_uri=src))
    html = '<html lang="zh"><div class="md-search" data-md-component="search" role="dialog">'
    assert f'role="dialog" aria-label="{name}">' in a11y.on_post_page(html, page=page)


# --- hooks/notebooks.py: mkdocs-jupyter's cache ---------------------------------------------------


def _notebooks_hook() -> ModuleType:
    if str(HOOKS) not in sys.path:
        sys.path.insert(0, str(HOOKS))  # as MkDocs does: hooks import their neighbours
    return _load("notebooks")


def _jupyter_config(language: str, cache: bool = True) -> SimpleNamespace:
    plugin = SimpleNamespace(config={"cache": cache, "cache_dir": ".cache/mkdocs-jupyter"})
    return SimpleNamespace(
        plugins={"mkdocs-jupyter": plugin, "i18n": SimpleNamespace(current_language=language)},
        config_file_path="/elsewhere/mkdocs.yml",
        docs_dir="/repo/docs",
    )


def _cache_dir(hook: ModuleType, config: SimpleNamespace) -> Path:
    hook.on_pre_build(config)
    return Path(config.plugins["mkdocs-jupyter"].config["cache_dir"])


def test_notebook_cache_has_a_folder_per_language_and_converter_versions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hook = _notebooks_hook()
    zh, en = _cache_dir(hook, _jupyter_config("zh")), _cache_dir(hook, _jupyter_config("en"))
    assert (zh.name, en.name) == ("zh", "en")
    assert zh.parent == en.parent and zh.parent.parent == Path("/repo/.cache/notebooks")
    # Another version of any converter: another folder, never the old version's HTML.
    for name in hook.CONVERTERS:
        monkeypatch.setattr(hook, "_version", lambda n, name=name: "0" if n == name else "1")
        assert _cache_dir(hook, _jupyter_config("zh")).parent != zh.parent, name
    # The cache turned off in mkdocs.yml: the plugin's folder is left alone.
    off = _jupyter_config("zh", cache=False)
    assert str(_cache_dir(hook, off)) == ".cache/mkdocs-jupyter"


def test_a_dirty_build_evicts_no_notebook(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A dirty build of `make serve` renders no notebook: the plugin must not evict the cache."""
    hook = _notebooks_hook()
    config = _jupyter_config("zh")
    config.docs_dir = str(tmp_path / "docs")
    full = _cache_dir(hook, config)
    monkeypatch.setattr(hook, "partial_build", lambda: True)
    dirty = _cache_dir(hook, config)
    assert dirty != full and not dirty.exists()


def test_mkdocs_jupyter_evicts_only_its_cache_folder(tmp_path: Path) -> None:
    """What the per-language folders rely on (mkdocs-jupyter, pinned in requirements.lock): after
    a build the plugin deletes the cache entries that build did not use, in its folder only, and
    does nothing when the folder does not exist."""
    from mkdocs_jupyter.plugin import Plugin

    zh, en = tmp_path / "zh", tmp_path / "en"
    for folder in (zh, en):
        folder.mkdir()
        (folder / "entry.json").write_text("{}", encoding="utf-8")
    plugin = Plugin()
    errors, warnings = plugin.load_config({"cache": True, "cache_dir": str(zh)})
    assert not errors and not warnings, (errors, warnings)
    plugin.on_pre_build(config=None)
    plugin.on_post_build(config=None)
    assert not (zh / "entry.json").exists() and (en / "entry.json").exists()
    plugin.config["cache_dir"] = str(tmp_path / "missing")
    plugin.on_pre_build(config=None)
    plugin.on_post_build(config=None)
    assert (en / "entry.json").exists()


def test_partial_build_reads_the_serve_hooks_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """hooks/notebooks.py asks hooks/serve.py's state (kept in sys.modules, attributes `active`:
    serving with --dirty, and `plan`: None for a full build, else the pages to render)."""
    hook = _notebooks_hook()
    source = (HOOKS / "serve.py").read_text(encoding="utf-8")
    assert 'types.ModuleType("_convshare_serve_state")' in source
    assert "state.active = " in source and "state.plan = " in source
    monkeypatch.delitem(sys.modules, "_convshare_serve_state", raising=False)
    assert not hook.partial_build()  # mkdocs build: no serve state
    for active, plan, partial in ((True, set(), True), (True, None, False), (False, set(), False)):
        state = SimpleNamespace(active=active, plan=plan)
        monkeypatch.setitem(sys.modules, "_convshare_serve_state", state)
        assert hook.partial_build() is partial, (active, plan)
