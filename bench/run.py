"""Benchmarks of the site, written to bench/results.json and shown on the performance page.

    python bench/run.py [--runs N] [--edits N] [--lighthouse-runs N] [--network-runs N]
                        [--skip PART ...]

Run from the repository root (`make bench`). Parts, each figure a median of several runs:

build       `mkdocs build --strict` of the whole site (a fresh process and output folder),
            against the static floor: the same pages from a copy of docs/ whose computed parts
            (exec blocks, {{ expressions }}, generated network pages) are replaced by their
            recorded output, with the computing plugins and hooks off (bench/build_site.py).
networks    build seconds per network: builds with and without a copy of every spec added.
serve       time from saving a page to its new HTML being served, under what `make serve` runs
            (`mkdocs serve --dirty` with hooks/serve.py) and under plain `mkdocs serve`.
weight      bytes the browser loads per page (Chromium, empty cache, counted by the server so
            the search worker is included), every page; the homes and the heaviest page
            again after a search.
lighthouse  Lighthouse performance and accessibility scores for each kind of page in each
            language, served gzip-compressed (as in production) and uncompressed, with
            Lighthouse's 4x CPU slowdown; the gzip-compressed loads are also scored with the
            slowdown calibrated to the machine (`cpu_slowdown`), as Lighthouse's throttling
            guide advises for a machine slower or faster than the one its 4x assumes.

Nothing here is a test: the figures describe one machine at one moment; the performance page
compares them with the project's targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import io
import json
import os
import platform
import queue
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
# The source tree that is measured: the working tree, or with --snapshot an export of the
# last commit (set in main()).
TREE = ROOT
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"

# The project's targets; the performance page compares each figure with them.
TARGETS = {
    "build_overhead_pct": 15.0,  # live build at most 15% slower than the static floor
    "serve_reload_s": 1.0,  # an edited page served again within 1 second
    "page_bytes": 400_000,  # no page over 400 kB (1 kB = 1000 bytes)
    "lighthouse_score": 0.95,  # performance and accessibility, each
    "full_build_s": 15.0,  # a whole build of the site (new process), every network included
}

# Kinds of page for Lighthouse: name -> test on the page's path (Chinese pages, the default).
PAGE_KINDS: dict[str, Callable[[str], bool]] = {
    "home": lambda p: p == "/",
    "article": lambda p: p == "/article/",
    "calculator": lambda p: p == "/calculator/",
    "notebook": lambda p: p.startswith("/notebooks/") and p != "/notebooks/",
    "architecture": lambda p: p.startswith("/architectures/") and p != "/architectures/",
}

# As the Makefile sets them (`make bench` has them already; this is for a direct run).
ENV = {
    **os.environ,
    "NO_MKDOCS_2_WARNING": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "NBCONVERT_DISABLE_CONFIG_EXPORTERS": "1",
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# The machine


def _run_text(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
    memory = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        memory = round(int(found.group(1)) / 1024**2, 1) if found else None
    packages = [
        "mkdocs",
        "mkdocs-material",
        "mkdocs-static-i18n",
        "markdown-exec",
        "mkdocs-jupyter",
        "pymdown-extensions",
        "latex2mathml",
        "jieba",
        "playwright",
    ]
    versions = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    lighthouse_pkg = ROOT / "node_modules" / "lighthouse" / "package.json"
    if lighthouse_pkg.exists():
        versions["lighthouse"] = json.loads(lighthouse_pkg.read_text())["version"]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "node": _run_text(["node", "--version"]).removeprefix("v") or None,
        "chromium": _run_text([CHROMIUM, "--version"]) or None,
        "packages": versions,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def commit(snapshot: bool) -> dict[str, Any]:
    sha = _run_text(["git", "-C", str(ROOT), "rev-parse", "HEAD"])
    if snapshot:
        return {"commit": sha or None, "measured": "the commit (exported)"}
    changed = _run_text(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"])
    return {
        "commit": sha or None,
        "measured": "the working tree" + (", with uncommitted changes" if changed else ""),
    }


def export_commit(work: Path) -> Path:
    """The last commit's files, exported (git archive) into work/tree."""
    tree = work / "tree"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", "HEAD"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


# --------------------------------------------------------------------------------------------
# Build: live against the static floor

_EXEC_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})python[ \t]+"
    r"(?P<options>[^\n]*\bexec=\"(?:on|1|true|yes)\"[^\n]*)$",
    re.MULTILINE,
)


def _closing(fence: str, indent: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(indent)}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")


def static_block(options: str, code: str, output: str) -> str:
    """What markdown-exec would convert for one block, with `output` instead of running it."""
    from markdown_exec._internal.formatters.base import default_tabs
    from markdown_exec._internal.rendering import add_source, code_block

    opts = dict(re.findall(r'(\w+)="([^"]*)"', options))
    truthy = {"on", "1", "true", "yes"}
    source, result = opts.get("source", ""), opts.get("result", "")
    tabs = tuple(opts["tabs"].split("|", 1)) if "tabs" in opts else default_tabs
    if opts.get("html", "").lower() in truthy:
        if source:
            raise ValueError("an html exec block that also shows its source is not supported")
        return output.strip("\n")  # raw HTML, passed through by Markdown
    wrapped = output
    if result and source != "console":
        wrapped = code_block(result, output)
    if source:
        wrapped = add_source(
            source=code, location=source, output=wrapped, language="python", tabs=tabs
        )
    return wrapped


def replace_exec_blocks(markdown: str, blocks: list[dict[str, str]], page: str) -> str:
    """Each exec fence of a page's Markdown replaced by its recorded result, in order."""
    lines = markdown.split("\n")
    out: list[str] = []
    taken = 0
    i = 0
    while i < len(lines):
        match = _EXEC_FENCE.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        indent, fence = match.group("indent"), match.group("fence")
        closing = _closing(fence, indent)
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            j += 1
        code = "\n".join(line.removeprefix(indent) for line in lines[i + 1 : j])
        if taken >= len(blocks):
            raise RuntimeError(f"{page}: more exec blocks than recorded outputs")
        block = blocks[taken]
        if block["code"].strip() != code.strip() and "--8<--" not in code:
            raise RuntimeError(f"{page}: exec block {taken + 1} does not match its recording")
        static = static_block(match.group("options"), block["code"], block["output"])
        out.extend("" if not line else indent + line for line in static.split("\n"))
        taken += 1
        i = j + 1
    if taken != len(blocks):
        raise RuntimeError(f"{page}: {len(blocks)} recorded outputs, {taken} exec blocks")
    return "\n".join(out)


def make_floor(capture: dict[str, Any], work: Path, language: str) -> dict[str, Any]:
    """Write the static floor's docs (work/docs) and navigation (work/nav.json)."""
    import yaml

    docs = work / "docs"
    shutil.copytree(TREE / "docs", docs)
    blocks = 0
    generated = 0
    for src_uri, page in capture["pages"].items():
        target = docs / src_uri
        generated += not (TREE / "docs" / src_uri).exists()
        blocks += len(page["blocks"])
        body = replace_exec_blocks(page["markdown"], page["blocks"], src_uri)
        front = ""
        if page["meta"]:
            front = "---\n" + yaml.safe_dump(page["meta"], allow_unicode=True) + "---\n\n"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(front + body, encoding="utf-8")
    (work / "nav.json").write_text(json.dumps(capture["nav"][language], ensure_ascii=False))
    deferred = {uri: page["deferred"] for uri, page in capture["pages"].items() if page["deferred"]}
    (work / "deferred.json").write_text(json.dumps(deferred, ensure_ascii=False))
    return {"pages": len(capture["pages"]), "exec_blocks": blocks, "generated_pages": generated}


def _page_text(html: str) -> str:
    body = html.split("<body", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def compare_sites(live: Path, floor: Path) -> dict[str, Any]:
    """How many pages of the floor show exactly the live page's text."""
    same, differ = 0, []
    for file in sorted(live.rglob("*.html")):
        rel = file.relative_to(live)
        if rel.parts[0] in ("assets", "search"):
            continue
        other = floor / rel
        if other.exists() and _page_text(file.read_text("utf-8")) == _page_text(
            other.read_text("utf-8")
        ):
            same += 1
        else:
            differ.append("/" + rel.as_posix())
    return {"pages_with_identical_text": same, "pages_that_differ": differ}


def _timed_build(args: list[str], tree: Path | None = None) -> float:
    tree = tree or TREE
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(tree / "bench" / "build_site.py"), *args],
        cwd=tree,
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"build {args[0]} failed:\n{proc.stdout}{proc.stderr}")
    return elapsed


def bench_build(work: Path, runs: int) -> tuple[dict[str, Any], Path]:
    from mkdocs.utils.yaml import yaml_load

    with (TREE / "mkdocs.yml").open("rb") as fd:
        language = yaml_load(fd)["theme"].get("language", "en")
    log("build: recording every page's computed output")
    capture_json = work / "capture.json"
    build_site = TREE / "bench" / "build_site.py"
    subprocess.run(
        [sys.executable, str(build_site), "capture", str(work / "capture-site"), str(capture_json)],
        cwd=TREE,
        env=ENV,
        check=True,
        capture_output=True,
    )
    capture = json.loads(capture_json.read_text(encoding="utf-8"))
    floor_info = make_floor(capture, work / "floor", language)
    live_times, floor_times = [], []
    for run in range(runs):
        for kind, times in (("live", live_times), ("floor", floor_times)):
            site = work / f"{kind}-site"
            shutil.rmtree(site, ignore_errors=True)
            args = [kind, str(site)] + ([str(work / "floor" / "docs")] if kind == "floor" else [])
            times.append(round(_timed_build(args), 3))
            log(f"build: run {run + 1}/{runs} {kind} {times[-1]:.2f} s")
    live, floor = statistics.median(live_times), statistics.median(floor_times)
    result = {
        "runs": runs,
        "live_s": round(live, 3),
        "floor_s": round(floor, 3),
        "live_runs_s": live_times,
        "floor_runs_s": floor_times,
        "ratio": round(live / floor, 3),
        "overhead_pct": round((live / floor - 1) * 100, 1),
        "floor": floor_info | compare_sites(work / "live-site", work / "floor-site"),
        "cost_breakdown": capture.get("timings", {}),
    }
    return result, work / "live-site"


# --------------------------------------------------------------------------------------------
# mkdocs serve: edit to served


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (OSError, ValueError):
        return None


def copy_tree(copy: Path) -> None:
    """The measured tree's files, copied into ``copy`` (a place to edit or add files)."""
    if TREE == ROOT:  # the working tree: its tracked files and new files not ignored
        files = _run_text(["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard"])
        for name in files.splitlines():
            source = ROOT / name
            if source.is_file():
                (copy / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy / name)
    else:
        shutil.copytree(TREE, copy)


def bench_networks(work: Path, runs: int) -> dict[str, Any]:
    """Build seconds per network: builds (each a new process) of a copy of the tree with its
    specs, and with a second copy of every spec added (each one more network page in both
    languages), taking turns; the difference of the medians divided by the number of added
    specs. First, the copy's first build, with nothing in its `.cache/` yet (as in a fresh
    clone): every notebook is converted and all Chinese text goes to jieba; every later build
    reads the notebooks (hooks/notebooks.py) and the segmented words (hooks/search_zh.py) from
    the cache."""
    copy = work / "networks-copy"
    copy_tree(copy)
    specs = sorted((copy / "docs" / "architectures").glob("*.yaml"))
    added = [s.with_name(f"{s.stem}-again.yaml") for s in specs]
    # A snapshot's export holds the cache of the builds measured before (bench_build).
    shutil.rmtree(copy / ".cache", ignore_errors=True)
    first = round(_timed_build(["live", str(work / "networks-site")], tree=copy), 3)
    log(f"networks: first build of the copy (notebooks converted) {first:.2f} s")
    times: dict[str, list[float]] = {"with": [], "without": []}
    for run in range(runs):
        for kind in ("without", "with"):
            for spec, extra in zip(specs, added, strict=True):
                if kind == "with":
                    shutil.copy2(spec, extra)
                else:
                    extra.unlink(missing_ok=True)
            site = work / "networks-site"
            shutil.rmtree(site, ignore_errors=True)
            times[kind].append(round(_timed_build(["live", str(site)], tree=copy), 3))
            log(f"networks: run {run + 1}/{runs} {kind} the copies {times[kind][-1]:.2f} s")
    without, with_ = statistics.median(times["without"]), statistics.median(times["with"])
    return {
        "runs": runs,
        "networks": len(specs),
        "added": len(added),
        "without_s": round(without, 3),
        "first_build_s": first,
        "with_s": round(with_, 3),
        "without_runs_s": times["without"],
        "with_runs_s": times["with"],
        "per_network_s": round((with_ - without) / len(added), 3),
    }


def make_serve_args() -> list[str]:
    """The arguments of `mkdocs` in the Makefile's `serve` recipe, without the address
    (``["serve", "--dirty"]``): the benchmark runs what `make serve` runs."""
    text = (TREE / "Makefile").read_text("utf-8")
    recipe = re.search(r"^serve:.*\n\t(.+)$", text, re.MULTILINE)
    if recipe is None:
        raise RuntimeError("no serve target in the Makefile")
    words = shlex.split(recipe.group(1))
    if Path(words[0]).name != "mkdocs" or words[1:2] != ["serve"]:
        raise RuntimeError(f"make serve runs {recipe.group(1)!r}, not mkdocs serve")
    args = words[1:]
    if "-a" in args:
        i = args.index("-a")
        del args[i : i + 2]
    return args


def bench_serve(work: Path, edits: int, args: list[str], name: str) -> dict[str, Any]:
    """Edit a page of a copy of the repository under `mkdocs <args>`; time until it is served.

    Each edit appends a line to a home page, Chinese and English in turn; the time runs from
    the write to the first response that contains the line, then the benchmark waits for the
    rebuild to end ("Reloading browsers") before the next edit.
    """
    copy = work / f"serve-copy-{name}"
    copy_tree(copy)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", *args, "-a", f"127.0.0.1:{port}"],
        cwd=copy,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stderr is not None
    stderr = proc.stderr
    threading.Thread(target=lambda: [lines.put(line) for line in stderr], daemon=True).start()

    seen: list[str] = []

    def wait_for(text: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
                seen.append(line.strip())
                if text in line:
                    return
            except queue.Empty:
                if proc.poll() is not None:
                    # Say why: its warnings and errors, else its last words.
                    said = [line for line in seen if line]
                    bad = [x for x in said if x.startswith(("WARNING", "ERROR", "Aborted"))]
                    why = " / ".join((bad or said)[-3:])
                    raise RuntimeError(f"mkdocs serve stopped: {why}") from None
        raise RuntimeError(f"mkdocs serve: no {text!r} within {timeout} s")

    results: dict[str, list[float]] = {"zh": [], "en": []}
    full: list[float] = []
    try:
        wait_for("Serving on")
        pages = {"zh": ("docs/index.md", "/"), "en": ("docs/index.en.md", "/en/")}
        for i in range(edits):
            for lang, (doc, path) in pages.items():
                marker = f"convshare-bench-edit-{i}-{lang}-{time.time_ns()}"
                while not lines.empty():
                    lines.get_nowait()
                with (copy / doc).open("a", encoding="utf-8") as fd:
                    fd.write(f"\n\n{marker}\n")
                start = time.perf_counter()
                while True:
                    body = _fetch(base + path)
                    if body is not None and marker in body:
                        break
                    if time.perf_counter() - start > 120:
                        raise RuntimeError(f"mkdocs serve: {path} never showed the edit")
                    time.sleep(0.02)
                results[lang].append(round(time.perf_counter() - start, 3))
                wait_for("Reloading browsers", timeout=120)  # the whole rebuild is over
                full.append(round(time.perf_counter() - start, 3))
                log(f"{name}: edit {i + 1}/{edits} {lang} {results[lang][-1]:.2f} s")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {
        "command": "mkdocs " + " ".join(args),
        "edits_per_language": edits,
        "pages": {"zh": "/", "en": "/en/"},
        "zh_s": statistics.median(results["zh"]),
        "en_s": statistics.median(results["en"]),
        "zh_runs_s": results["zh"],
        "en_runs_s": results["en"],
        "full_rebuild_s": statistics.median(full),
        "full_rebuild_runs_s": full,
    }


# --------------------------------------------------------------------------------------------
# Serving a built site


def base_path(site: Path) -> str:
    """The path of site_url, read from sitemap.xml ("" when the site sits at a domain root)."""
    sitemap = site / "sitemap.xml"
    text = sitemap.read_text("utf-8") if sitemap.exists() else ""
    found = re.search(r"<loc>\s*([^<\s]+)", text)
    if found is None or "://" not in found.group(1):
        return ""
    return urlsplit(found.group(1)).path.rstrip("/")


#: Types a compressing server (GitHub Pages) sends gzip-encoded.
_COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")


@contextmanager
def serve_site(
    site: Path, gzipped: bool = False, sent: list[tuple[str, int]] | None = None
) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 under its published path.

    gzipped: text files are sent gzip-compressed to clients that accept it (as GitHub Pages
    does). sent: every response is appended as (path, bytes on the wire, headers included):
    the server sees what any part of the browser loads, search worker and its scripts included."""
    prefix = base_path(site)

    class Handler(SimpleHTTPRequestHandler):
        def send_head(self) -> Any:
            self._header_bytes = 0
            if not self.path.startswith(prefix + "/"):
                self.send_error(404)
                return None
            path = self.translate_path(self.path)
            if os.path.isdir(path):
                path = os.path.join(path, "index.html")
            accepts = "gzip" in self.headers.get("Accept-Encoding", "")
            if gzipped and accepts and path.endswith(_COMPRESSIBLE) and os.path.isfile(path):
                with open(path, "rb") as fd:
                    body = gzip.compress(fd.read(), 6, mtime=0)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(path))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return io.BytesIO(body)
            return super().send_head()

        def translate_path(self, path: str) -> str:
            return super().translate_path(path[len(prefix) :])

        def send_header(self, keyword: str, value: str) -> None:
            self._header_bytes = getattr(self, "_header_bytes", 0) + len(keyword) + len(value) + 4
            super().send_header(keyword, value)

        def copyfile(self, source: Any, outputfile: Any) -> None:
            data = source.read()
            try:
                outputfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                return  # the browser gave up on it (a page closed): not loaded
            if sent is not None:
                sent.append((self.path, len(data) + getattr(self, "_header_bytes", 0)))

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


def site_pages(site: Path) -> list[str]:
    paths = []
    for file in sorted(site.rglob("*.html")):
        rel = file.relative_to(site)
        if rel.parts[0] in ("assets", "search"):
            continue
        path = "/" + rel.as_posix()
        paths.append(path.removesuffix("index.html"))
    return paths


# --------------------------------------------------------------------------------------------
# Page weight


def _kind(path: str) -> str:
    if "search_index" in path:
        return "search index"
    if "/workers/" in path or "/lunr/" in path:
        return "search worker"
    for kind, suffixes in (
        ("html", (".html", "/")),
        ("css", (".css",)),
        ("javascript", (".js",)),
        ("json", (".json",)),
        ("image", (".png", ".jpg", ".svg", ".ico", ".webp")),
        ("font", (".woff", ".woff2", ".ttf")),
    ):
        if path.endswith(suffixes):
            return kind
    return "other"


#: A word of every page's language, typed into the search box to load and use the index.
SEARCH_WORDS = {"zh": "参数共享", "en": "sharing"}


def _tally(sent: list[tuple[str, int]]) -> tuple[int, dict[str, int]]:
    by_kind: dict[str, int] = {}
    for path, size in sent:
        kind = _kind(urlsplit(path).path)
        by_kind[kind] = by_kind.get(kind, 0) + size
    return sum(by_kind.values()), dict(sorted(by_kind.items(), key=lambda kv: -kv[1]))


def _visit(browser: Any, url: str, sent: list[tuple[str, int]], search: str | None) -> int:
    """Open url in a fresh context (empty cache); with search, type it and wait for results.
    Returns the number of requests."""
    context = browser.new_context()
    page = context.new_page()
    sent.clear()
    page.goto(url, wait_until="networkidle")
    if search is not None:
        page.keyboard.press("/")
        page.locator("input.md-search__input").fill(search)
        page.locator(".md-search-result__item").first.wait_for(state="attached", timeout=60_000)
        page.wait_for_load_state("networkidle")
    count = len(sent)
    context.close()
    return count


def bench_weight(site: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    pages: dict[str, Any] = {}
    searched: dict[str, Any] = {}
    plain: list[tuple[str, int]] = []
    packed: list[tuple[str, int]] = []
    with (
        serve_site(site, sent=plain) as base,
        serve_site(site, gzipped=True, sent=packed) as gz_base,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in site_pages(site):
            requests = _visit(browser, base + path, plain, None)
            total, by_kind = _tally(plain)
            _visit(browser, gz_base + path, packed, None)
            compressed, _ = _tally(packed)
            pages[path] = {
                "bytes": total,
                "gzip_bytes": compressed,
                "requests": requests,
                "by_kind": by_kind,
            }
        heaviest = max(pages, key=lambda p: pages[p]["bytes"])
        for path in dict.fromkeys(["/", "/en/", heaviest]):
            if path not in pages:
                continue
            word = SEARCH_WORDS["en" if path.startswith("/en/") else "zh"]
            requests = _visit(browser, base + path, plain, word)
            total, by_kind = _tally(plain)
            _visit(browser, gz_base + path, packed, word)
            compressed, _ = _tally(packed)
            searched[path] = {
                "query": word,
                "bytes": total,
                "gzip_bytes": compressed,
                "requests": requests,
                "by_kind": by_kind,
            }
        browser.close()
    return {
        "method": "Chromium, empty cache, bytes of every response (body and headers) as counted "
        "by the local server, so the search worker and its scripts are included; bytes: sent "
        "uncompressed; gzip_bytes: served gzip-compressed (level 6) to the same browser, as "
        "GitHub Pages serves text. after_search: the same page after typing a word into the "
        "search box and waiting for its results",
        "home": {"path": "/", **pages["/"]},
        "home_en": {"path": "/en/", **pages["/en/"]} if "/en/" in pages else None,
        "heaviest": {"path": heaviest, **pages[heaviest]},
        "pages_over_target": sorted(p for p in pages if pages[p]["bytes"] > TARGETS["page_bytes"]),
        "after_search": searched,
        "pages": pages,
    }


# --------------------------------------------------------------------------------------------
# Lighthouse


def cpu_slowdown(benchmark_index: float) -> float:
    """The CPU slowdown that makes this machine a mid-tier phone, from Lighthouse's benchmark
    index: Lighthouse's CPU throttling calculator (linked from its docs/throttling.md,
    "Calibrating the CPU slowdown"): 800 -> 2x, 1,300 -> 3x, 1,533 -> 4x, 2,000 -> 6x, linear in
    between; 1x below 150 (as slow as the phone). Lighthouse's default, 4x, assumes a machine of
    about 1,533.

    >>> [round(cpu_slowdown(i), 2) for i in (800, 1050, 1300, 1533, 2000)]
    [2.0, 2.5, 3.0, 4.0, 6.0]
    >>> cpu_slowdown(100), cpu_slowdown(475)
    (1.0, 1.5)
    """
    if benchmark_index >= 1300:
        return 3 + (benchmark_index - 1300) / 233
    if benchmark_index >= 800:
        return 2 + (benchmark_index - 800) / 500
    if benchmark_index >= 150:
        return 1 + (benchmark_index - 150) / 650
    return 1.0


def bench_lighthouse(
    site: Path,
    runs: int,
    weights: dict[str, Any] | None,
    gzipped: bool = True,
    calibrate: bool = False,
) -> dict[str, dict[str, Any]]:
    """Each kind of page in each language (kind "home", "home_en", ...), served gzip-compressed
    (as in production) or not: {"default": scores with Lighthouse's 4x CPU slowdown}, and with
    calibrate also {"calibrated": the same page loads scored with `cpu_slowdown` of the benchmark
    index Lighthouse measured at the start of each}.

    Lighthouse's default throttling is simulated: it loads the page once, unthrottled, and
    computes the metrics of the slow phone from that load's trace when it audits. Each run
    therefore loads the page once (``-G``, the artifacts saved) and audits it once per slowdown
    (``-A``); the slowdown is a setting of the audit, written into the saved artifacts too
    (Lighthouse refuses to audit with settings other than the gathering's)."""
    if not LIGHTHOUSE.exists():
        raise RuntimeError("node_modules/.bin/lighthouse is missing: run `npm ci`")
    paths = site_pages(site)
    chosen: dict[str, str] = {}
    for kind, test in PAGE_KINDS.items():
        for suffix, prefix in (("", ""), ("_en", "/en")):
            candidates = [p for p in paths if p.startswith(prefix + "/") and test(p[len(prefix) :])]
            if suffix == "":
                candidates = [p for p in candidates if not p.startswith("/en/")]
            if not candidates:
                continue
            if weights:  # the heaviest page of its kind: the worst case
                candidates.sort(key=lambda p: -weights["pages"].get(p, {}).get("bytes", 0))
            chosen[kind + suffix] = candidates[0]
    env = {**ENV, "CHROME_PATH": CHROMIUM}
    flags = [
        "--only-categories=performance,accessibility",
        "--quiet",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    modes = ["default", "calibrated"] if calibrate else ["default"]

    def lighthouse(args: list[str]) -> str:
        proc = subprocess.run(
            [str(LIGHTHOUSE), *args, *flags],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"lighthouse {args[0]} failed:\n{proc.stderr[-2000:]}")
        return proc.stdout

    def audit(artifacts: Path, slowdown: float | None) -> dict[str, Any]:
        args = [f"-A={artifacts}", "--output=json", "--output-path=stdout"]
        if slowdown is not None:
            saved = artifacts / "artifacts.json"
            data = json.loads(saved.read_text("utf-8"))
            data["settings"]["throttling"]["cpuSlowdownMultiplier"] = slowdown
            saved.write_text(json.dumps(data), "utf-8")
            args.append(f"--throttling.cpuSlowdownMultiplier={slowdown}")
        report: dict[str, Any] = json.loads(lighthouse(args))
        return report

    results: dict[str, dict[str, Any]] = {mode: {} for mode in modes}
    with serve_site(site, gzipped=gzipped) as base, tempfile.TemporaryDirectory() as tmp:
        artifacts = Path(tmp) / "artifacts"
        for kind, path in chosen.items():
            scores = {m: {"performance": [], "accessibility": []} for m in modes}
            failing = {m: {"performance": {}, "accessibility": {}} for m in modes}
            metrics: dict[str, dict[str, list[float]]] = {m: {} for m in modes}
            speeds: list[float] = []
            slowdowns: list[float] = []
            for run in range(runs):
                shutil.rmtree(artifacts, ignore_errors=True)
                lighthouse([base + path, f"-G={artifacts}"])
                reports = {"default": audit(artifacts, None)}
                # Lighthouse's measure of the machine's speed just before the load (higher is
                # faster); its simulated phone runs the page's work 4x slower than this machine,
                # or cpu_slowdown(index) times, calibrated.
                speeds.append(reports["default"]["environment"]["benchmarkIndex"])
                if calibrate:
                    slowdowns.append(round(cpu_slowdown(speeds[-1]), 2))
                    reports["calibrated"] = audit(artifacts, slowdowns[-1])
                for mode, report in reports.items():
                    for category in ("performance", "accessibility"):
                        scores[mode][category].append(report["categories"][category]["score"])
                        for ref in report["categories"][category]["auditRefs"]:
                            result = report["audits"][ref["id"]]
                            score = result.get("score")
                            if ref.get("weight", 0) > 0 and score is not None and score < 0.9:
                                failing[mode][category][ref["id"]] = result["title"]
                    for metric in (
                        "first-contentful-paint",
                        "largest-contentful-paint",
                        "total-blocking-time",
                        "cumulative-layout-shift",
                        "speed-index",
                    ):
                        value = report["audits"][metric].get("numericValue")
                        if value is not None:
                            metrics[mode].setdefault(metric, []).append(value)
                log(
                    f"lighthouse: {kind} {path} run {run + 1}/{runs}: "
                    + "; ".join(
                        f"{m} {scores[m]['performance'][-1]} / {scores[m]['accessibility'][-1]}"
                        for m in modes
                    )
                    + f" (benchmark index {round(speeds[-1])}"
                    + (f", calibrated slowdown {slowdowns[-1]}x)" if calibrate else ")")
                )
            for mode in modes:
                results[mode][kind] = {
                    "path": path,
                    "performance": round(statistics.median(scores[mode]["performance"]), 3),
                    "accessibility": round(statistics.median(scores[mode]["accessibility"]), 3),
                    "runs": scores[mode],
                    "metrics_median": {
                        k: round(statistics.median(v), 3) for k, v in metrics[mode].items()
                    },
                    "benchmark_index": [round(x) for x in speeds],
                    "audits_below_0_9": failing[mode],
                }
                if mode == "calibrated":
                    results[mode][kind]["cpu_slowdown"] = slowdowns
    served = "gzip-compressed, as GitHub Pages serves it" if gzipped else "without compression"
    cpu = {
        "default": "4x CPU slowdown",
        "calibrated": "CPU slowdown calibrated to the machine (cpu_slowdown of each load's "
        "benchmark index), scored from the same page loads as the 4x runs",
    }
    return {
        mode: {
            "runs": runs,
            "served": "gzip" if gzipped else "uncompressed",
            "calibrated": mode == "calibrated",
            "settings": f"Lighthouse defaults (mobile emulation, simulated slow 4G, {cpu[mode]}),"
            f" headless Chromium, the built site served locally {served}",
            "pages": results[mode],
        }
        for mode in modes
    }


# --------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=5, help="builds of each kind, each a new process"
    )
    parser.add_argument("--edits", type=int, default=5, help="serve edits per language")
    parser.add_argument(
        "--lighthouse-runs", type=int, default=5, help="runs per page, served gzip-compressed"
    )
    parser.add_argument(
        "--lighthouse-uncompressed-runs", type=int, default=3, help="runs per page, uncompressed"
    )
    parser.add_argument(
        "--network-runs", type=int, default=3, help="builds with and without added specs"
    )
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=[
            "build",
            "networks",
            "serve",
            "weight",
            "lighthouse",
            "lighthouse-uncompressed",
        ],
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="measure the last commit (exported with git archive), not the working tree",
    )
    args = parser.parse_args()

    previous = json.loads(args.output.read_text("utf-8")) if args.output.exists() else {}
    results: dict[str, Any] = {
        "generated": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        **commit(args.snapshot),
        "machine": machine(),
        "targets": TARGETS,
    }
    global TREE
    with tempfile.TemporaryDirectory(prefix="convshare-bench-") as tmp:
        work = Path(tmp)
        if args.snapshot:
            TREE = export_commit(work)
            # The package too comes from the export, not from the editable install.
            ENV["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TREE), ENV.get("PYTHONPATH")]))
        site = None
        if "build" not in args.skip:
            results["build"], site = bench_build(work, args.runs)
        else:
            results["build"] = previous.get("build")
        if "networks" not in args.skip:
            try:
                results["networks"] = bench_networks(work, args.network_runs)
            except RuntimeError as error:
                results["networks"] = {"error": str(error)[-2000:]}
        else:
            results["networks"] = previous.get("networks")
        if site is None and not {"weight", "lighthouse"} <= set(args.skip):
            site = work / "site"
            _timed_build(["live", str(site)])
        if "serve" not in args.skip:
            # Side by side: what `make serve` runs (the target), and plain `mkdocs serve`,
            # which rebuilds the whole site at every save.
            results["serve"] = bench_serve(work, args.edits, make_serve_args(), "make-serve")
            results["serve"]["make_serve"] = True
            results["serve_full"] = bench_serve(work, args.edits, ["serve"], "plain-serve")
        else:
            results["serve"] = previous.get("serve")
            results["serve_full"] = previous.get("serve_full")
        if "weight" not in args.skip:
            log("weight: every page in Chromium")
            assert site is not None
            results["weight"] = bench_weight(site)
        else:
            results["weight"] = previous.get("weight")
        if "lighthouse" not in args.skip:
            assert site is not None
            # Lighthouse's 4x and the calibrated slowdown, scored from the same page loads.
            gzip_runs = bench_lighthouse(
                site, args.lighthouse_runs, results.get("weight"), gzipped=True, calibrate=True
            )
            results["lighthouse"] = gzip_runs["default"]
            results["lighthouse_calibrated"] = gzip_runs["calibrated"]
            if "lighthouse-uncompressed" not in args.skip:
                results["lighthouse_uncompressed"] = bench_lighthouse(
                    site, args.lighthouse_uncompressed_runs, results.get("weight"), gzipped=False
                )["default"]
            else:
                results["lighthouse_uncompressed"] = None
        else:
            results["lighthouse"] = previous.get("lighthouse")
            results["lighthouse_uncompressed"] = previous.get("lighthouse_uncompressed")
            results["lighthouse_calibrated"] = previous.get("lighthouse_calibrated")
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
