"""Search on demand (overrides/assets/javascripts/search-on-demand.js) with the pinned Material.

A page loads neither a search index nor the search worker; starting a search (focus in the box,
the search key, a ?q= link) loads the worker and the index of the page's language only, and the
results appear. Queries are words of the pages themselves: 参数共享 (jieba segments it into 参数
and 共享, tests/test_site_build.py) on the Chinese home page, "sharing" on the English one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

RESULTS = ".md-search-result__item"
WAIT_MS = 60_000  # bounded: a search that never answers fails instead of hanging


def _open(browser: Any, url: str) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return context, page, requested


def _search_files(requested: list[str]) -> list[str]:
    return [p for p in requested if "/search/" in p or "/workers/search." in p]


@pytest.mark.parametrize(
    ("path", "lang", "query", "key"),
    [("/", "zh", "参数共享", "/"), ("/en/", "en", "sharing", "s")],
)
def test_search_loads_on_demand(
    browser: Any, site_server: str, path: str, lang: str, query: str, key: str
) -> None:
    context, page, requested = _open(browser, site_server + path)
    try:
        before = _search_files(requested)
        assert before == [], f"loaded before any search: {before}"
        page.keyboard.press(key)  # Material's search key opens the search box
        page.locator("input.md-search__input").fill(query)
        page.locator(RESULTS).first.wait_for(state="attached", timeout=WAIT_MS)
        after = _search_files(requested)
        indexes = [p for p in after if "/search/search_index" in p]
        assert [p.rsplit("/", 1)[1] for p in indexes] == [f"search_index.{lang}.json"]
        assert any("/workers/search." in p for p in after), after
        links = page.locator(f"{RESULTS} a").evaluate_all("els => els.map(e => e.href)")
        assert links
        other = [u for u in links if (urlsplit(u).path.count("/en/") > 0) != (lang == "en")]
        assert other == [], f"results in the other language: {other}"
    finally:
        context.close()


def test_search_link_loads_the_index(browser: Any, site_server: str) -> None:
    """A ?q= link (Material's share link) opens the search with its results."""
    context, page, requested = _open(browser, site_server + "/en/?q=sharing")
    try:
        page.locator(RESULTS).first.wait_for(state="attached", timeout=WAIT_MS)
        assert any(p.endswith("/search/search_index.en.json") for p in requested)
    finally:
        context.close()
