"""The built site served on 127.0.0.1 and visited in Debian's Chromium, once per page.

One browser for the session; each page is opened once, in a fresh tab, and everything the tests
look at is recorded during that one visit (requests, console, text, maths, tables, fonts, axe,
a full-page screenshot under `screenshots/`).
"""

from __future__ import annotations

import functools
import importlib.util
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "screenshots"
# Off-screen display equations and per-layer tables are laid out only when the reader scrolls
# near (content-visibility in the site's stylesheets): this style lays them all out, for
# full-page screenshots and for measuring them. A block made skippable is added here, once.
LAY_OUT_SKIPPED_CSS = ".maths--display,.cs-layers{content-visibility:visible!important}"
SET_UP = "run the README's set-up (apt packages chromium and fonts-noto-cjk, then `npm ci`)"


def load_known_issues() -> ModuleType:
    """tests/browser/known_issues.py, the one list of the theme's own accepted findings."""
    name = "convshare_tests_known_issues"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / "known_issues.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def known_issues() -> ModuleType:
    return load_known_issues()


@pytest.fixture(scope="session")
def lay_out_skipped_css() -> str:
    """``LAY_OUT_SKIPPED_CSS``, for the test modules."""
    return LAY_OUT_SKIPPED_CSS


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves the site under its published path prefix (e.g. /convshare/), quietly."""

    prefix = ""

    def send_head(self) -> Any:
        if not self.path.startswith(self.prefix + "/"):
            self.send_error(404, "outside the site's path")
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path(path[len(self.prefix) :])

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site_server(built_site: Path, site_base_path: str) -> Iterator[str]:
    """The built site served on 127.0.0.1, on a free port; yields its base URL (no slash)."""
    handler_class = type("Handler", (_SiteHandler,), {"prefix": site_base_path})
    handler = functools.partial(handler_class, directory=str(built_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{site_base_path}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright; never a downloaded browser."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: {SET_UP}", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Visit:
    """What one page showed and did in the browser."""

    url: str
    html_lang: str = ""
    foreign_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    prose: str = ""  # text outside code, scripts and MathML annotations (hidden parts included)
    body_text: str = ""  # document.body.textContent, everything
    maths: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)
    cjk_text: str = ""  # the Chinese text whose font was asked for ("" if the page has none)
    cjk_fonts: list[dict[str, Any]] = field(default_factory=list)
    axe_violations: list[dict[str, Any]] = field(default_factory=list)
    axe_excused: list[str] = field(default_factory=list)
    screenshot: Path | None = None


# Runs in the page: collects the text and structure that the tests assert on.
_INSPECT_JS = """
() => {
  const SKIP = 'script, style, noscript, template, code, .highlight, annotation, annotation-xml';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const prose = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && !parent.closest(SKIP)) prose.push(node.nodeValue);
  }
  const wrappers = [...document.querySelectorAll('.maths, .maths--display, .arithmatex')];
  const tables = [...document.querySelectorAll('article table')];
  return {
    lang: document.documentElement.lang,
    prose: prose.join(' '),
    body: document.body ? document.body.textContent : '',
    maths: {
      math: document.querySelectorAll('math').length,
      wrappers: wrappers.length,
      unconverted: wrappers.filter(w => !w.querySelector('math'))
                           .map(w => w.outerHTML.slice(0, 200)),
    },
    tables: {
      count: tables.length,
      empty: tables.filter(t => !t.querySelector('tr > td, tr > th'))
                   .map(t => t.outerHTML.slice(0, 200)),
    },
  };
}
"""

# Marks the first visible element whose own text is Chinese, preferring the page's content.
_MARK_CJK_JS = """
() => {
  const cjk = /[\\u3400-\\u4dbf\\u4e00-\\u9fff]/;
  for (const scope of [document.querySelector('article'), document.body]) {
    if (!scope) continue;
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || !cjk.test(node.nodeValue) || el.closest('script, style, template, title')) {
        continue;
      }
      // Only text that is laid out has a font: skip closed <details>, hidden tabs and menus.
      if (el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})) {
        el.setAttribute('data-cjk-probe', '');
        return node.nodeValue.trim().slice(0, 60);
      }
    }
  }
  return '';
}
"""

# Runs axe, then sets aside each violating node that a known issue names (rule + selector).
_AXE_JS = """
async (known) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  const kept = [], excused = [];
  for (const v of result.violations) {
    const nodes = [];
    for (const n of v.nodes) {
      const el = n.target.length === 1 ? document.querySelector(n.target[0]) : null;
      const k = el && known.find(k => k.rule === v.id && el.matches(k.selector));
      if (k) excused.push(`${v.id} on ${n.target.join(' ')}`);
      else nodes.push({target: n.target.join(' '), html: n.html.slice(0, 200),
                       summary: n.failureSummary});
    }
    if (nodes.length) kept.push({id: v.id, impact: v.impact, help: v.help, nodes});
  }
  return {kept, excused};
}
"""


def screenshot_path(path: str, lang: str) -> Path:
    """screenshots/<lang>/<page>.png: /en/architectures/lenet/ -> en/architectures-lenet.png."""
    parts = [p for p in path.strip("/").split("/") if p]
    if parts and parts[0] == lang:
        parts = parts[1:]
    name = "-".join(parts).removesuffix(".html") or "index"
    return SCREENSHOTS / lang / f"{name}.png"


@pytest.fixture(scope="session")
def visit(
    browser: Any, site_server: str, known_issues: ModuleType
) -> Iterator[Callable[[Any], Visit]]:
    """visit(site_page) -> Visit: opens the page once (later calls reuse the record)."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS.relative_to(ROOT)} is missing: {SET_UP}", pytrace=False)
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    known = [{"rule": k.rule, "selector": k.selector} for k in known_issues.AXE]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    local = urlsplit(site_server).netloc
    records: dict[str, Visit] = {}

    def open_page(site_page: Any) -> Visit:
        if site_page.path in records:
            return records[site_page.path]
        record = Visit(url=site_server + site_page.path)
        page = context.new_page()

        def route(route: Any) -> None:
            url = urlsplit(route.request.url)
            if url.scheme in ("data", "blob") or url.netloc == local:
                route.continue_()
            else:
                record.foreign_requests.append(route.request.url)
                route.abort()

        def failed(request: Any) -> None:
            if urlsplit(request.url).netloc == local:
                record.failed_requests.append(f"{request.url}: {request.failure}")

        def response(resp: Any) -> None:
            if resp.status >= 400:
                record.failed_requests.append(f"{resp.url}: HTTP {resp.status}")

        def console(message: Any) -> None:
            if message.type == "error":
                record.console_errors.append(f"{message.text} ({message.location})")

        page.route("**/*", route)
        page.on("requestfailed", failed)
        page.on("response", response)
        page.on("console", console)
        page.on("pageerror", lambda error: record.page_errors.append(str(error)))
        try:
            page.goto(record.url, wait_until="load")
            found = page.evaluate(_INSPECT_JS)
            record.html_lang = found["lang"]
            record.prose = found["prose"]
            record.body_text = found["body"]
            record.maths = found["maths"]
            record.tables = found["tables"]
            record.cjk_text = page.evaluate(_MARK_CJK_JS)
            selector = page.locator(".md-header .md-select").first
            if not record.cjk_text and selector.count():
                # An English page may show Chinese only in the language menu ("中文"): open it.
                selector.hover()
                record.cjk_text = page.evaluate(_MARK_CJK_JS)
            if record.cjk_text:
                cdp = context.new_cdp_session(page)
                cdp.send("DOM.enable")
                cdp.send("CSS.enable")
                root = cdp.send("DOM.getDocument")["root"]["nodeId"]
                query = {"nodeId": root, "selector": "[data-cjk-probe]"}
                node = cdp.send("DOM.querySelector", query)
                fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
                record.cjk_fonts = fonts["fonts"]
                cdp.detach()
                page.mouse.move(0, 0)
            page.add_script_tag(path=str(AXE_JS))
            axe = page.evaluate(_AXE_JS, known)
            record.axe_violations = axe["kept"]
            record.axe_excused = axe["excused"]
            record.screenshot = screenshot_path(site_page.path, site_page.lang)
            record.screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.add_style_tag(content=LAY_OUT_SKIPPED_CSS)  # all of the page in the shot
            page.screenshot(path=str(record.screenshot), full_page=True)
            # Requests the page makes after "load" (the search index, its language scripts)
            # are recorded too: close only after half a second without network activity.
            page.wait_for_load_state("networkidle")
        finally:
            page.close()
        records[site_page.path] = record
        return record

    try:
        yield open_page
    finally:
        context.close()
