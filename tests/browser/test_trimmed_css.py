"""Material's trimmed stylesheet (hooks/page_weight.py) styles every page exactly as the full one.

The built site ships Material's ``main.*.min.css`` without the rules that no page can use, and
its own stylesheets minified. Each page below is opened twice in Debian's Chromium: once as
built, once with the stylesheets' requests answered by the untrimmed file of the installed
Material and by the site's stylesheets as written in docs/. The computed style of every
element, and of its ``::before`` and ``::after``, must be the same in both, property by property
(the list below: what Material's rules set). Pages are seen in light and dark schemes, at a
laptop's and a phone's width, and with the search dialog open on its results in both languages,
so that a rule dropped wrongly for the search UI, the code copy button, tabs, admonitions,
folded blocks, tables, the calculator or the dark palette fails here.

The untrimmed file is served with its table rules aimed at the tables the build wraps
(hooks/table_wrap.py's ``restyle_wrapped``): that rewrite is not a trim, and without it the
untrimmed rules would style no table at all. test_startup.py checks the wrapped tables' style.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import material
import pytest

STYLESHEETS = Path(material.__file__).resolve().parent / "templates" / "assets" / "stylesheets"
DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
_TABLE_WRAP = importlib.util.spec_from_file_location(
    "site_hook_table_wrap", DOCS.parent / "hooks" / "table_wrap.py"
)
assert _TABLE_WRAP is not None and _TABLE_WRAP.loader is not None
table_wrap = importlib.util.module_from_spec(_TABLE_WRAP)
_TABLE_WRAP.loader.exec_module(table_wrap)
WAIT_MS = 60_000  # bounded: a search that never answers fails instead of hanging

# Chinese and English pages that between them show every kind of Material component the site
# uses (tabs, admonitions, folded blocks, code with copy buttons, tables, maths, the
# calculator's form, API reference, a notebook, a network page, the footer's navigation).
PAGES = (
    "/",
    "/article/",
    "/calculator/",
    "/reference/",
    "/notebooks/sharing/",
    "/architectures/lenet-5/",
    "/en/",
    "/en/formulas/",
)
SEARCHES = (("/", "参数共享"), ("/en/", "sharing"))

# What Material's rules set: box, position, colours, type, icons (masks), motion. Left and right
# margins are read from where the element's box lies instead: Chromium gives an ``auto`` margin
# as "0px" or as its length from one load of a page to the next.
PROPERTIES = (
    "display position top right bottom left float clear z-index box-sizing "
    "width height min-width max-width min-height max-height "
    "margin-top margin-bottom "
    "padding-top padding-right padding-bottom padding-left "
    "border-top-width border-right-width border-bottom-width border-left-width "
    "border-top-style border-bottom-style border-left-style border-right-style "
    "border-top-color border-bottom-color border-left-color border-right-color "
    "border-top-left-radius border-bottom-right-radius outline-style outline-color "
    "color background-color background-image box-shadow opacity visibility overflow-x "
    "overflow-y font-family font-size font-weight font-style line-height letter-spacing "
    "text-align text-decoration-line text-transform white-space vertical-align "
    "list-style-type cursor transform transition-property mask-image -webkit-mask-image "
    "content flex-direction flex-wrap justify-content align-items gap grid-template-columns "
    "table-layout scroll-snap-type pointer-events user-select fill"
).split()

_STYLES_JS = """
(properties) => {
  const out = [];
  const describe = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.documentElement && parts.length < 4; e = e.parentElement) {
      let name = e.tagName.toLowerCase();
      if (e.id) name += '#' + e.id;
      else if (e.classList.length) name += '.' + [...e.classList].slice(0, 2).join('.');
      parts.unshift(name);
    }
    return parts.join(' > ');
  };
  for (const el of document.querySelectorAll('*')) {
    if (el.closest('head, script, style, math')) continue;
    for (const pseudo of [null, '::before', '::after']) {
      const style = getComputedStyle(el, pseudo);
      if (pseudo && (style.content === 'none' || style.content === 'normal')) continue;
      const values = properties.map(p => style.getPropertyValue(p));
      if (!pseudo) {
        const box = el.getBoundingClientRect();
        values.push([box.left + scrollX, box.top + scrollY, box.width, box.height]
                    .map(v => Math.round(v)).join(' '));
      }
      out.push([describe(el) + (pseudo || ''), values]);
    }
  }
  return out;
}
"""


def _own_stylesheet(url: str, site_path: str) -> bool:
    path = urlsplit(url).path
    return path.endswith(".css") and (DOCS / path.removeprefix(site_path).lstrip("/")).is_file()


def _styles(
    browser: Any, server: str, path: str, full_css: bool, dark: bool, width: int, search: str | None
) -> list[Any]:
    """Computed styles on ``server + path``; with ``full_css``, Material's stylesheet untrimmed
    and the site's own stylesheets as written in docs/ (not minified)."""
    url = server + path
    site_path = urlsplit(server).path
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme="dark" if dark else "light",
        reduced_motion="reduce",  # no transition caught half-way
    )
    page = context.new_page()
    if full_css:

        def original(route: Any) -> None:
            name = route.request.url.rsplit("/", 1)[1]
            css = table_wrap.restyle_wrapped((STYLESHEETS / name).read_text("utf-8"))
            route.fulfill(body=css, content_type="text/css")

        page.route("**/assets/stylesheets/main.*.min.css", original)

        def source(route: Any) -> None:  # the site's own stylesheet as written, not minified
            path = urlsplit(route.request.url).path
            name = path.removeprefix(site_path).lstrip("/")
            route.fulfill(path=str(DOCS / name), content_type="text/css")

        page.route(lambda url: _own_stylesheet(url, site_path), source)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready.then(() => true)")
        if search is not None:
            page.keyboard.press("/")
            page.locator("input.md-search__input").fill(search)
            page.locator(".md-search-result__item").first.wait_for(
                state="attached", timeout=WAIT_MS
            )
            page.wait_for_load_state("networkidle")
        result: list[Any] = page.evaluate(_STYLES_JS, PROPERTIES)
        return result
    finally:
        context.close()


def _differences(trimmed: list[Any], full: list[Any]) -> list[str]:
    if [name for name, _ in trimmed] != [name for name, _ in full]:
        return ["the two pages hold different elements (a script behaved differently)"]
    found = []
    for (name, values), (_, expected) in zip(trimmed, full, strict=True):
        for prop, value, want in zip([*PROPERTIES, "box"], values, expected, strict=False):
            if value != want:
                found.append(f"{name}: {prop} is {value[:80]!r}, untrimmed {want[:80]!r}")
    return found


# Every page light at a laptop's width and dark at a phone's; the home page and the article
# (tabs, admonitions, folded blocks, code, tables) in the other two combinations too.
VIEWS = [(path, False, 1280) for path in PAGES] + [(path, True, 390) for path in PAGES]
VIEWS += [
    (path, dark, width)
    for path in ("/", "/article/")
    for dark, width in ((True, 1280), (False, 390))
]


@pytest.mark.parametrize(("path", "dark", "width"), VIEWS)
def test_trimmed_stylesheet_styles_pages_as_the_full_one(
    browser: Any, site_server: str, path: str, dark: bool, width: int
) -> None:
    trimmed = _styles(browser, site_server, path, False, dark, width, None)
    full = _styles(browser, site_server, path, True, dark, width, None)
    assert len(trimmed) > 100, "the page was not styled"
    differences = _differences(trimmed, full)
    assert differences == [], f"{len(differences)} differences:\n" + "\n".join(differences[:30])


@pytest.mark.parametrize("dark", [False, True])
@pytest.mark.parametrize(("path", "query"), SEARCHES)
def test_trimmed_stylesheet_styles_search_results(
    browser: Any, site_server: str, path: str, query: str, dark: bool
) -> None:
    trimmed = _styles(browser, site_server, path, False, dark, 1280, query)
    full = _styles(browser, site_server, path, True, dark, 1280, query)
    differences = _differences(trimmed, full)
    assert differences == [], f"{len(differences)} differences:\n" + "\n".join(differences[:30])


def test_the_site_ships_a_trimmed_stylesheet(built_site: Path) -> None:
    """The comparison above means something only if the shipped file is the trimmed one."""
    [shipped] = (built_site / "assets/stylesheets").glob("main.*.min.css")
    original = STYLESHEETS / shipped.name
    assert original.is_file(), f"{shipped.name} is not the installed Material's"
    assert shipped.stat().st_size < original.stat().st_size * 0.75
