"""`mkdocs serve` never serves stale numbers, and its search indexes stay whole.

A copy of the site is served on a free port, with a probe function added to the copy's package
and used in the home page's prose. Editing only the package must change the served page; after
the rebuild, every page appears exactly once in its language's search index. Waits are bounded
(a rebuild takes minutes on a busy machine); nothing here measures time.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WAIT_S = 900  # the longest wait for one (re)build, on a loaded 2-core machine

PROBE = '''

def serve_probe() -> str:
    """A value only this test's copy of the package computes."""
    return "{value}"


__all__ = [*__all__, "serve_probe"]
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (OSError, ValueError):
        return None


def _copy_repository(dest: Path) -> None:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if source.is_file() and not name.startswith(("node_modules", ".venv")):
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, list[str]]]:
    copy = tmp_path_factory.mktemp("serve") / "repo"
    _copy_repository(copy)
    init = copy / "convshare" / "__init__.py"
    init.write_text(init.read_text("utf-8") + PROBE.format(value="probe-one"), "utf-8")
    with (copy / "docs" / "index.md").open("a", encoding="utf-8") as fd:
        fd.write("\n\n探针：{{ serve_probe() }}\n")
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(copy)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=copy,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []  # what mkdocs serve says, for the failure messages
    assert proc.stderr is not None
    stderr = proc.stderr
    reader = threading.Thread(target=lambda: [log.append(x.rstrip()) for x in stderr], daemon=True)
    reader.start()
    try:
        yield copy, f"http://127.0.0.1:{port}", log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        reader.join(timeout=30)  # the pipe ends with the process
        stderr.close()


def _wait_for(url: str, text: str, log: list[str]) -> str:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        body = _get(url)
        if body is not None and text in body:
            return body
        if any(line.startswith(("ERROR", "Aborted")) for line in log):
            break
        time.sleep(1)
    pytest.fail(f"{url} never showed {text!r} within {WAIT_S} s; serve said: {log[-5:]}")


def test_a_package_edit_shows_on_the_next_page_served(served: tuple[Path, str, list[str]]) -> None:
    copy, base, log = served
    _wait_for(base + "/", "probe-one", log)
    init = copy / "convshare" / "__init__.py"
    text = init.read_text("utf-8").replace('return "probe-one"', 'return "probe-two"')
    init.write_text(text, "utf-8")  # the package only: no page changed
    page = _wait_for(base + "/", "probe-two", log)
    assert "probe-one" not in page


def test_each_page_in_its_languages_index_once(served: tuple[Path, str, list[str]]) -> None:
    _, base, log = served
    _wait_for(base + "/", "probe-", log)  # the site is built
    seen: dict[str, list[str]] = {}
    for lang in ("zh", "en"):
        body = _get(f"{base}/search/search_index.{lang}.json")
        assert body is not None, f"no {lang} index served"
        docs = json.loads(body)["docs"]
        seen[lang] = [d["location"] for d in docs if "#" not in d["location"]]
    for lang, tops in seen.items():
        assert len(tops) == len(set(tops)), f"{lang}: pages listed twice"
        assert all(t.startswith("en/") == (lang == "en") for t in tops), lang
    english = {t.removeprefix("en/") for t in seen["en"]}
    assert english == set(seen["zh"]), "the languages' indexes list different pages"
