"""Shared fixtures: the site built once per test session, and its pages.

`built_site` is the folder of one `mkdocs build --strict` of the repository. A test that takes
a `site_page` argument is run once for every HTML page of that build, in both languages, so a page
added later is checked with no test edit.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Folders of the built site that hold no pages of their own (theme assets, search index).
_NOT_PAGES = {"assets", "search"}
_SITE = pytest.StashKey[Path]()
_SITE_ERROR = pytest.StashKey[str]()


#: Fixed build time (sitemap dates): two builds of the same sources must be byte-identical.
SOURCE_DATE_EPOCH = "1700000000"


def mkdocs_build(site: Path) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build --strict` into `site`, with a fixed SOURCE_DATE_EPOCH."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH},
        timeout=540,
        check=False,
    )


def build_problem(proc: subprocess.CompletedProcess[str]) -> str | None:
    """Why a build is not clean: a non-zero exit, or any WARNING line (strict mode can miss
    some, e.g. with -q, mkdocs#4126). None when it is clean."""
    log = proc.stdout + proc.stderr
    warnings = [line for line in log.splitlines() if line.startswith("WARNING")]
    if proc.returncode != 0 or warnings:
        return f"`mkdocs build --strict` failed (exit {proc.returncode}):\n{log}"
    return None


def build_site(config: pytest.Config) -> Path:
    """Build the site once per session (`mkdocs build --strict`); fail with its log if it fails."""
    if _SITE_ERROR in config.stash:
        pytest.fail(config.stash[_SITE_ERROR], pytrace=False)
    if _SITE in config.stash:
        return config.stash[_SITE]
    work = Path(tempfile.mkdtemp(prefix="convshare-site-"))
    config.add_cleanup(lambda: shutil.rmtree(work, ignore_errors=True))
    site = work / "site"
    problem = build_problem(mkdocs_build(site))
    if problem:
        config.stash[_SITE_ERROR] = problem
        pytest.fail(problem, pytrace=False)
    config.stash[_SITE] = site
    return site


@pytest.fixture(scope="session")
def built_site(pytestconfig: pytest.Config) -> Path:
    """The folder of the site built once for the session."""
    return build_site(pytestconfig)


@pytest.fixture(scope="session")
def build_site_into() -> Callable[[Path], str | None]:
    """Build the site into a folder as `built_site` was built; returns the problem or None."""
    return lambda site: build_problem(mkdocs_build(site))


@pytest.fixture(scope="session")
def build_site_logged() -> Callable[[Path], tuple[str | None, str]]:
    """As `build_site_into`, also giving the build's log."""

    def build(site: Path) -> tuple[str | None, str]:
        proc = mkdocs_build(site)
        return build_problem(proc), proc.stdout + proc.stderr

    return build


@pytest.fixture(scope="session")
def site_base_path(built_site: Path) -> str:
    """The URL path the site is published under ("" at a domain's root), from its sitemap.

    A project site on GitHub Pages lives under /<repository>/; root-relative links must
    carry that prefix, so the tests serve and resolve the site under the same path.
    """
    return base_path(built_site)


def base_path(site: Path) -> str:
    """The path of `site_url` as written into sitemap.xml, without its final slash."""
    sitemap = site / "sitemap.xml"
    if not sitemap.exists():
        return ""
    match = re.search(r"<loc>\s*([^<\s]+)", sitemap.read_text(encoding="utf-8"))
    if match is None or "://" not in match.group(1):
        return ""  # no site_url: the sitemap holds relative paths ("None/...")
    return urlsplit(match.group(1)).path.rstrip("/")


@dataclass(frozen=True)
class SitePage:
    """One HTML page of the built site."""

    file: Path  # the HTML file
    path: str  # its URL path on the site, e.g. "/en/article/"
    lang: str  # the language it is written in, from <html lang>, or "?" if it has none

    @property
    def id(self) -> str:
        return f"{self.lang}:{self.path}"


_HTML_LANG = re.compile(r"<html\b[^>]*\blang=\"([^\"]+)\"", re.IGNORECASE)


def discover_pages(site: Path) -> list[SitePage]:
    """Every HTML page of the built site (404 page included), sorted by URL path."""
    pages = []
    for file in sorted(site.rglob("*.html")):
        rel = file.relative_to(site)
        if rel.parts[0] in _NOT_PAGES:
            continue
        path = "/" + rel.as_posix()
        if path.endswith("/index.html") or path == "/index.html":
            path = path[: -len("index.html")]
        head = file.read_text(encoding="utf-8", errors="replace")[:4000]
        match = _HTML_LANG.search(head)
        pages.append(SitePage(file=file, path=path, lang=match.group(1) if match else "?"))
    return pages


#: Fixtures that build the site: a test that uses one is slow.
_SLOW_FIXTURES = {
    "built_site",
    "build_site_into",
    "site_base_path",
    "site_page",
    "hostile_site",
    "served",
}

#: Other slow tests, by function name: they build a site of their own, or compare thousands of
#: layers with PyTorch (the fast loop keeps the small property tests and every worked example).
_SLOW_TESTS = {
    # the hostile-spec corpus, one bounded `check` subprocess per case
    "test_committed_hostile_spec",
    "test_generated_hostile_spec",
    "test_check_goes_on_and_speaks_chinese",
    "test_broken_spec_fails_the_build",
    "test_a_new_spec_appears_and_markup_stays_text",
    "test_conv2d_matches_torch_small",
    "test_conv2d_matches_torch_large_meta",
    "test_pool_matches_torch_small",
    "test_pool_matches_torch_large_meta",
}


def _slow_deselected(config: pytest.Config) -> bool:
    """Whether this run leaves out the slow tests (`-m "not slow"`, as `make test-fast` does)."""
    expression = str(config.getoption("markexpr", "") or "")
    return re.search(r"\bnot\s+slow\b", expression) is not None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark as `slow` every test that builds a site, drives the browser or runs thousands of
    PyTorch layers.

    Tests that re-execute notebooks carry the marker themselves. `make test-fast` runs
    `pytest -m "not slow"`; `make test` runs everything.
    """
    browser = ROOT / "tests" / "browser"
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        name = getattr(item, "originalname", item.name)
        slow = fixtures & _SLOW_FIXTURES or name in _SLOW_TESTS
        if slow or browser in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.slow)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that takes `site_page` once per page of the built site."""
    if "site_page" in metafunc.fixturenames:
        if _slow_deselected(metafunc.config):
            # The run leaves these out: don't build the site just to list its pages.
            metafunc.parametrize("site_page", [], ids=[])
            return
        pages = discover_pages(build_site(metafunc.config))
        if not pages:
            pytest.fail("the built site has no HTML pages", pytrace=False)
        # A test that concerns some pages only names them with a predicate on the page's path
        # (a `site_pages` attribute): the others are not generated, rather than skipped.
        keep = getattr(metafunc.function, "site_pages", None)
        if keep is not None:
            pages = [p for p in pages if keep(p.path)]
        metafunc.parametrize("site_page", pages, ids=[p.id for p in pages])
