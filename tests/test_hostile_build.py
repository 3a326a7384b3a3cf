"""Hostile spec text through a real strict build: inert everywhere.

One spec carries every injection found in the spec-safety review and its cousins: inline-figure
expressions (``{{ ... }}``), a markdown-exec fence, attr_list attributes, snippets lines that name
repository files, raw HTML, ``javascript:`` links, maths and emoji syntax, in every text field and
in layer names. One strict build of a small copy of the site (the repository's configuration,
hooks and overview, plus that spec and a normal one) must succeed, and then:

* no file appears outside the site folder (the payloads would write ``PWNED-*`` files);
* no repository file's contents are in the output (``.git`` HEAD, ``mkdocs.yml``, ``README.md``);
* the spec's text is shown as written (its characters, not their effects) in both languages;
* in Chromium, no dialog opens when every element is hovered, focused and clicked (links that
  lead away excepted) and the DOM holds no ``on*`` attribute and no ``javascript:`` URL.

The build runs once for the module, in a subprocess bounded like the check cases.
"""

from __future__ import annotations

import html
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT / "docs" / "architectures"
CHROMIUM = Path("/usr/bin/chromium")

MEMORY_BOUND = 4 * 2**30  # the build needs about 300 MB; this bounds a runaway
WALL_BOUND = 600


def _payloads(marker: Path) -> dict[str, str]:
    """Every way spec text has been found, or could be expected, to turn into code or markup."""
    touch = f"open({str(marker)!r} + '-{{}}', 'w')"
    return {
        "figure": "{{ __import__('os').system('touch " + str(marker) + "-figure') }}",
        "globals": "{{ fmt.__globals__['__builtins__']['open'](" + repr(str(marker)) + ", 'w') }}",
        "exec": f'\n\n```python exec="on"\n{touch.format("exec")}\n```\n\n',
        "attr": 'hover me {: onmouseover="alert(11)" onclick="alert(12)" }',
        "link": "[click](javascript:alert(13)) <a href='javascript:alert(14)'>a</a>",
        "html": "<img src=x onerror=alert(15)><script>alert(16)</script><svg onload=alert(17)>",
        "snippet": '\n\n--8<-- ".git/HEAD"\n\n--8<-- "mkdocs.yml"\n\n;--8<-- "README.md"\n\n',
        # (with spaces: "$x" in a layer name would be a block argument of the spec format)
        "maths": "$ x $ $$ y $$ \\[z\\] :smile: ++ctrl++ ==mark== ^^sup^^ ~~del~~ *[HTML]: H",
    }


def _hostile_spec(marker: Path) -> str:
    p = _payloads(marker)
    block = "".join(p.values())
    line = " ".join(v.strip() for k, v in p.items() if "\n" not in v)
    return "\n".join(
        [
            f"name: {json.dumps('Hostile ' + p['figure'])}",
            f"title: {{zh: {json.dumps('敌意 ' + p['globals'])}, en: {json.dumps(line[:190])}}}",
            f"summary: {{zh: {json.dumps(block)}, en: {json.dumps(block)}}}",
            f"conventions: {{zh: {json.dumps(block)}, en: {json.dumps(block)}}}",
            f"source: {json.dumps(block)}",
            "published: {source: " + json.dumps(p["figure"] + p["link"]) + "}",
            "input: [1, 8, 8]",
            "layers:",
            # Convolutions, so that every name shows in the (compact) per-layer table.
            *(
                f"  - {{type: conv, name: {json.dumps(v.strip()[:190])}, out_channels: 2, "
                f"kernel_size: {3 if i == 0 else 1}}}"
                for i, v in enumerate(x for x in p.values() if "\n" not in x)
            ),
            "",
        ]
    )


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BOUND, MEMORY_BOUND))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, str]]:
    """(the temporary project, its site folder, the build log)."""
    tmp = tmp_path_factory.mktemp("hostile-build")
    marker = tmp / "PWNED"
    docs = tmp / "docs"
    (docs / "architectures").mkdir(parents=True)
    shutil.copytree(ROOT / "hooks", tmp / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    if (ROOT / "overrides").is_dir():  # the theme's custom_dir, relative to the config
        shutil.copytree(ROOT / "overrides", tmp / "overrides")
    for name in ("index.md", "index.en.md"):
        shutil.copy(SPEC_DIR / name, docs / "architectures" / name)
    shutil.copy(SPEC_DIR / "lenet-5.yaml", docs / "architectures" / "lenet-5.yaml")
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    (docs / "index.en.md").write_text("# Home\n", encoding="utf-8")
    (docs / "add-architecture.md").write_text("# 添加\n", encoding="utf-8")
    (docs / "add-architecture.en.md").write_text("# Add\n", encoding="utf-8")
    (docs / "architectures" / "hostile.yaml").write_text(_hostile_spec(marker), encoding="utf-8")
    nav = (
        "nav:\n  - index.md\n  - 网络结构:\n      - architectures/index.md\n"
        "      - add-architecture.md\nwatch: [hooks]\n"
    )
    config = tmp / "mkdocs.yml"
    config.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: docs\n{nav}", encoding="utf-8")
    site = tmp / "site"
    before = _tree(tmp)
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=ROOT,  # snippets read paths relative to here: the repository's own files
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)},
        timeout=WALL_BOUND,
        preexec_fn=_limits,
        check=False,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-5000:]
    after = _tree(tmp)
    # The site, and the search's word-segmentation cache (hooks/search_zh.py puts it beside
    # docs/), are all a build may write.
    new = {p for p in after - before if p.split("/")[0] not in ("site", ".cache")}
    assert new == set(), f"files written outside the site folder: {sorted(new)}"
    assert not list(tmp.glob("PWNED*")) and not list(ROOT.glob("PWNED*"))
    yield tmp, site, log


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _secrets() -> list[str]:
    """Lines of repository files that the snippets payloads name, as they would appear."""
    found = []
    git = ROOT / ".git"
    head = git / "HEAD" if git.is_dir() else git  # a worktree's .git is a file
    found.append(head.read_text(encoding="utf-8").strip())
    found.append("markdown_extensions:")
    found.append((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[2])
    return [s for s in found if s]


def test_build_succeeds_and_writes_only_the_site(hostile_site: tuple[Path, Path, str]) -> None:
    _, site, _ = hostile_site
    for lang_dir in (site, site / "en"):
        assert (lang_dir / "architectures" / "hostile" / "index.html").is_file()


def test_no_repository_file_in_the_output(hostile_site: tuple[Path, Path, str]) -> None:
    _, site, _ = hostile_site
    for file in site.rglob("*"):
        if file.suffix not in (".html", ".json", ".xml", ".txt"):
            continue
        text = html.unescape(file.read_text(encoding="utf-8", errors="replace"))
        for secret in _secrets():
            assert secret not in text, f"{file}: contains {secret!r}"


def test_spec_text_is_shown_as_written(hostile_site: tuple[Path, Path, str]) -> None:
    """Its characters reach the reader: the payloads are visible text, not their effects."""
    _, site, _ = hostile_site
    for lang_dir in (site, site / "en"):
        raw = (lang_dir / "architectures" / "hostile" / "index.html").read_text(encoding="utf-8")
        text = html.unescape(re.sub(r"<[^>]+>", "", raw))
        for shown in ("{{ __import__('os')", 'exec="on"', "{: onmouseover=", "--8<--", "$$ y $$"):
            assert shown in text, (lang_dir, shown)
        assert "<script>alert(16)" not in raw and "onerror=alert" not in raw.replace(
            "&lt;img src=x onerror=alert", ""
        )
    indexes = sorted((site / "search").glob("search_index*.json"))
    assert indexes, "a search index is built"
    docs = [
        d
        for index in indexes
        for d in json.loads(index.read_text(encoding="utf-8"))["docs"]
        if "hostile" in d["location"]
    ]
    assert docs, "the hostile page is in the search index"
    for doc in docs:
        assert "<script" not in doc["text"] and "onerror=" not in doc["text"].replace(
            "&lt;img src=x onerror=", ""
        )


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


# Run in a process of its own: the browser suite's session holds a Playwright (an asyncio loop)
# in this process, and a second synchronous Playwright refuses to start beside it.
_VISIT = """
import json, sys
from playwright.sync_api import sync_playwright
base, chromium, probe = sys.argv[1], sys.argv[2], sys.stdin.read()
dialogs, found = [], {}
with sync_playwright() as pw:
    browser = pw.chromium.launch(
        executable_path=chromium,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
    )
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("/architectures/hostile/", "/en/architectures/hostile/"):
        page.goto(base + path)
        found[path] = page.evaluate(probe)
    browser.close()
print(json.dumps({"dialogs": dialogs, "found": found}))
"""


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_no_script_runs_in_chromium(hostile_site: tuple[Path, Path, str]) -> None:
    _, site, _ = hostile_site
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        done = subprocess.run(
            [sys.executable, "-c", _VISIT, base, str(CHROMIUM)],
            input=_PROBE,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    for path, found in result["found"].items():
        assert found == {"handlers": [], "urls": []}, (path, found)
    assert sorted(result["found"]) == ["/architectures/hostile/", "/en/architectures/hostile/"]
    assert result["dialogs"] == []


# Every element: on* attributes and javascript: URLs recorded; then hovered, focused and
# clicked (a click on a link is cancelled so the page stays).
_PROBE = """() => {
  const handlers = [], urls = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (a.name.startsWith("on")) handlers.push(el.tagName + " " + a.name);
      if (/^\\s*javascript:/i.test(a.value)) urls.push(el.tagName + " " + a.name);
    }
  }
  const stop = (e) => { if (e.target.closest("a")) e.preventDefault(); };
  document.addEventListener("click", stop, true);
  for (const el of document.querySelectorAll(".md-content *")) {
    for (const type of ["mouseover", "mouseenter", "focus", "click"]) {
      el.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true}));
    }
  }
  return {handlers, urls};
}"""
