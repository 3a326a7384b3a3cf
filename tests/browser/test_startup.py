"""What a page costs the browser while it starts, with the pinned Material.

Traces of the article page on a throttled phone profile (Lighthouse's "total blocking time") showed
the whole page restyled several times by Material's script alone: when it turned ``no-js`` into
``js`` on ``<html>`` (and its focus-visible polyfill added ``js-focus-visible``), and each time its
palette code set and removed ``data-md-color-switching`` on ``<body>``, which the palette
stylesheet's ``[data-md-color-switching] *`` rule watches, and twice more when its palette code
inserted a ``<meta name="color-scheme">`` and then set its content. The site now sets the ``<html>``
classes and that meta in ``<head>`` (overrides/main.html), drops that rule (hooks/page_weight.py)
and keeps Material's meta out of the page (color-scheme.js). These tests fail
when a Material upgrade changes either behaviour, so that the fix is revisited rather than
silently lost; and they check that display equations and per-layer tables, which the browser may
skip laying out while they are off screen (site.css, architectures.css), are drawn once the
reader reaches them.
"""

from __future__ import annotations

from typing import Any

import pytest

PAGES = ["/article/", "/en/article/", "/architectures/densenet-121/"]

# Records, from before the page's first script, every change to <html>'s attributes that
# actually changes a value, and whether <body> existed yet (it does not while <head> is parsed).
_RECORD_HTML = """
window.__htmlChanges = [];
new MutationObserver((records) => {
  for (const r of records) {
    const now = r.target.getAttribute(r.attributeName);
    if (now !== r.oldValue) {
      window.__htmlChanges.push({name: r.attributeName, old: r.oldValue, now: now,
                                 body: document.body !== null});
    }
  }
}).observe(document.documentElement, {attributes: true, attributeOldValue: true});
"""

# Records, from before the page's first script, each <meta name="color-scheme"> inserted into the
# page and each change of its content, with whether <body> existed yet.
_RECORD_SCHEME = """
window.__schemeChanges = [];
new MutationObserver((records) => {
  for (const r of records) {
    const metas = r.type === "childList"
      ? [...r.addedNodes].filter((n) => n.nodeName === "META" && n.name === "color-scheme")
      : (r.target.name === "color-scheme" ? [r.target] : []);
    for (const m of metas) {
      window.__schemeChanges.push({kind: r.type, now: m.getAttribute("content"),
                                   body: document.body !== null});
    }
  }
}).observe(document, {subtree: true, childList: true, attributes: true,
                      attributeFilter: ["content"]});
"""

_SCHEME = """
() => [...document.querySelectorAll('meta[name="color-scheme"]')].map(m => m.content)
"""

_SWITCHING_RULES = """
() => {
  const found = [];
  const walk = (rules) => {
    for (const rule of rules) {
      if (rule.selectorText && rule.selectorText.includes('data-md-color-switching')) {
        found.push(rule.selectorText);
      }
      if (rule.cssRules) walk(rule.cssRules);
    }
  };
  for (const sheet of document.styleSheets) walk(sheet.cssRules);
  return found;
}
"""


def _loaded(browser: Any, url: str, init: str = "") -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    if init:
        page.add_init_script(init)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")  # Material's start-up is over
    return context, page


@pytest.mark.parametrize("path", PAGES)
def test_html_classes_are_final_before_the_body_is_styled(
    browser: Any, site_server: str, path: str
) -> None:
    """<html> gets Material's classes while <head> is parsed, and Material's start-up then
    changes none of its attributes (each such change restyled the whole page)."""
    context, page = _loaded(browser, site_server + path, _RECORD_HTML)
    try:
        changes = page.evaluate("window.__htmlChanges")
        final = page.evaluate("document.documentElement.className")
    finally:
        context.close()
    late = [c for c in changes if c["body"]]
    assert not late, f"{path}: <html> attributes changed after <head>: {late}"
    assert final.split() == ["js", "js-focus-visible"], (
        f"{path}: <html class={final!r}>; Material's script now sets other classes than the "
        "ones overrides/main.html sets in advance"
    )


_RECORD_MOVED_TABLES = """
window.__movedTables = 0;
new MutationObserver((records) => {
  for (const r of records) {
    for (const n of r.removedNodes) if (n.nodeName === "TABLE") window.__movedTables += 1;
  }
}).observe(document, {subtree: true, childList: true});
"""

_TABLES = """
() => [...document.querySelectorAll('.md-content table')].map((t) => {
  const style = getComputedStyle(t);
  const wrap = t.parentElement;
  return {
    wrapped: wrap.matches('.md-typeset__scrollwrap > .md-typeset__table'),
    twice: wrap.closest('.md-typeset__scrollwrap').parentElement.closest('.md-typeset__table')
      !== null && !t.closest('td, th'),
    border: style.borderTopWidth, display: style.display,
    cell: t.querySelector('td') ? getComputedStyle(t.querySelector('td')).verticalAlign : 'top',
  };
})
"""


@pytest.mark.parametrize("path", ["/article/", "/en/architectures/densenet-121/"])
def test_tables_are_wrapped_when_built_not_moved_at_start_up(
    browser: Any, site_server: str, path: str
) -> None:
    """Each table arrives in Material's scrolling wrapper (hooks/table_wrap.py), once, and
    Material's script moves none of them (each move restyled the block around it); the theme's
    table style still applies (a border, inline-block, cells aligned at the top)."""
    context, page = _loaded(browser, site_server + path, _RECORD_MOVED_TABLES)
    try:
        moved = page.evaluate("window.__movedTables")
        tables = page.evaluate(_TABLES)
    finally:
        context.close()
    assert tables, f"{path}: no tables"
    assert moved == 0, f"{path}: {moved} tables moved at start-up"
    for table in tables:
        assert table["wrapped"] and not table["twice"], f"{path}: {table}"
        assert table["border"] != "0px" and table["display"] == "inline-block", f"{path}: {table}"
        assert table["cell"] == "top", f"{path}: {table}"


def test_no_rule_watches_the_palette_switch(browser: Any, site_server: str) -> None:
    """No stylesheet of the page has a rule on data-md-color-switching, which Material's script
    sets and removes on <body> at every load."""
    context, page = _loaded(browser, site_server + "/article/")
    try:
        found = page.evaluate(_SWITCHING_RULES)
        sheets = page.evaluate("document.styleSheets.length")
    finally:
        context.close()
    assert sheets >= 3, "the page's stylesheets did not load"
    assert not found, f"rules that restyle the whole page at every load: {found}"


def test_colour_scheme_is_in_place_before_the_body_and_follows_the_palette(
    browser: Any, site_server: str
) -> None:
    """The page has one colour-scheme meta, written in <head> with the palette the reader chose
    last; Material's start-up neither inserts another nor changes it (each did restyle the whole
    page). Switching the palette changes it, as Material's own meta did."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.add_init_script(_RECORD_SCHEME)
    try:
        page.goto(site_server + "/en/article/", wait_until="load")
        page.wait_for_load_state("networkidle")
        first = (page.evaluate(_SCHEME), page.evaluate("window.__schemeChanges"))
        page.locator("label.md-header__button[for^='__palette_']").first.click()
        page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
        page.wait_for_function(
            "document.querySelector('meta[name=\"color-scheme\"]').content === 'dark'"
        )
        switched = page.evaluate(_SCHEME)
        page.reload(wait_until="load")
        page.wait_for_load_state("networkidle")
        again = (page.evaluate(_SCHEME), page.evaluate("window.__schemeChanges"))
        scheme = page.evaluate("document.body.dataset.mdColorScheme")
    finally:
        context.close()
    parsed_light = [{"kind": "childList", "now": "light", "body": False}]
    assert first == (["light"], parsed_light), f"first load: {first}"
    assert switched == ["dark"], f"after switching to dark: {switched}"
    assert scheme == "slate", "the dark palette was not kept across the reload"
    late = [c for c in again[1] if c["body"]]
    assert again[0] == ["dark"] and not late, f"reload with the dark palette stored: {again}"


@pytest.mark.parametrize(
    ("path", "block", "inner"),
    [
        ("/article/", ".maths--display", "math"),
        ("/en/formulas/", ".maths--display", "math"),
        ("/en/architectures/densenet-121/", ".cs-layers", "table"),
    ],
)
def test_off_screen_blocks_are_drawn_when_reached(
    browser: Any, site_server: str, path: str, block: str, inner: str
) -> None:
    """The last display equation of a long page, or a network's per-layer table, is skipped
    while far off screen, and laid out with its real size once scrolled into view."""
    context, page = _loaded(browser, site_server + path)
    try:
        # The last one shown to a reader who scrolls (not one in a closed tab or block).
        shown = page.evaluate(
            f"[...document.querySelectorAll('{block}')].filter(e => e.checkVisibility()).length"
        )
        assert shown >= 1, f"{path}: no {block}"
        last = page.locator(block).filter(visible=True).last
        content = last.locator(inner).first  # skipped: the block's contents, not the block
        skipped = content.evaluate("e => !e.checkVisibility({contentVisibilityAuto: true})")
        last.scroll_into_view_if_needed()
        page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        drawn = content.evaluate("e => e.checkVisibility({contentVisibilityAuto: true})")
        width = content.evaluate("e => e.getBoundingClientRect().width")
    finally:
        context.close()
    assert skipped, f"{path}: the last {block} was laid out before it was reached"
    assert drawn, f"{path}: the last {block} is still skipped in view"
    assert width > 20, f"{path}: the last {block} is {width} px wide in view"


_CODE_BLOCKS = """
() => [...document.querySelectorAll('.md-content pre > code')].map((c) => {
  const box = c.getBoundingClientRect();
  return {
    inView: box.bottom > 0 && box.top < innerHeight && c.checkVisibility(),
    button: c.parentElement.querySelector('.md-code__button[data-md-type="copy"]') !== null,
    tabindex: c.getAttribute('tabindex'),
    overflows: c.scrollWidth > c.clientWidth,
    label: (c.parentElement.querySelector('.md-code__nav') || {ariaLabel: null}).ariaLabel,
  };
})
"""


@pytest.mark.parametrize("path", ["/reference/", "/en/notebooks/training-speed/"])
def test_code_blocks_are_set_up_when_they_come_into_view(
    browser: Any, site_server: str, path: str
) -> None:
    """Material sets up a code block (its copy button; keyboard focus when it overflows) when it
    first comes into view (``content.lazy``), not all at start-up: each set-up laid out the whole
    page again. Until then each block is focusable (hooks/a11y.py); the last block, once
    reached, gets its button and keeps focus only if it overflows. Fails when a Material upgrade
    drops the flag (every block gets its button at once) or stops honouring it."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(site_server + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        before = page.evaluate(_CODE_BLOCKS)
        last = page.locator(".md-content pre > code").filter(visible=True).last
        last.scroll_into_view_if_needed()
        page.wait_for_function(
            "[...document.querySelectorAll('.md-content pre > code')]"
            ".filter(c => c.checkVisibility()).at(-1).parentElement"
            ".querySelector('.md-code__button[data-md-type=copy]')"
        )
        after = page.evaluate(_CODE_BLOCKS)
    finally:
        context.close()
    seen = [b for b in before if b["inView"]]
    unseen = [b for b in before if not b["inView"]]
    assert len(before) >= 10, f"{path}: only {len(before)} code blocks"
    assert len(unseen) >= 5, f"{path}: expected code blocks below the first screen: {before}"
    assert not any(b["button"] for b in unseen), f"{path}: blocks off screen set up at start-up"
    assert all(b["tabindex"] == "0" for b in unseen), f"{path}: a block off screen not focusable"
    for block in [*seen, after[-1]]:
        assert block["button"], f"{path}: a block in view has no copy button: {block}"
        assert (block["tabindex"] == "0") == block["overflows"], f"{path}: {block}"
    assert after[-1]["button"], f"{path}: the last block has no copy button once reached"
    # Each toolbar landmark is named after its block's place in the page (docs/assets/site.js),
    # whenever it was added: the first on screen, and the last once reached.
    number = {
        "/reference/": "代码块 {} 的操作",
        "/en/notebooks/training-speed/": "Code block {} actions",
    }
    assert seen[0]["label"] == number[path].format(1), f"{path}: {seen[0]}"
    assert after[-1]["label"] == number[path].format(len(after)), f"{path}: {after[-1]}"
