"""`make serve` never serves stale numbers, rebuilds an edited page alone, and its search indexes
stay whole.

A copy of the site is served on a free port by the command ``make serve`` runs (read from the
Makefile), with a probe function added to the copy's package and used in the home page's prose.
Editing only the package must change the served page (a full rebuild); editing one page, the home
pages included, must show the edit, rebuild that page alone, keep the other pages' titles in its
navigation, and leave every page exactly once in its language's search index. Waits are bounded
and stop at the first error the server logs, or when it dies, with its last lines; nothing here
measures time.

The private MkDocs, mkdocs-static-i18n, Material and watchdog APIs that ``hooks/serve.py`` relies
on are checked here too, so that an upgrade that breaks them fails a fast test.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIRST_BUILD_S = 600  # the longest wait for the first (full) build, on a loaded 2-core machine
REBUILD_S = 300  # the longest wait for one rebuild
#: Lines of `mkdocs serve` that mean a build went wrong: the test stops at once.
FAILURE = ("ERROR", "Aborted", "Traceback", "WARNING")
#: The line MkDocs' live-reload server logs after a failed rebuild (mkdocs/livereload).
REBUILD_FAILED = "An error happened during the rebuild"

PROBE = '''

def serve_probe() -> str:
    """A value only this test's copy of the package computes."""
    return "{value}"


__all__ = [*__all__, "serve_probe"]
'''


def serve_command() -> list[str]:
    """The `mkdocs serve` command line of the Makefile's `serve` target, without the address."""
    text = (ROOT / "Makefile").read_text("utf-8")
    recipe = re.search(r"^serve:.*\n\t(.+)$", text, re.MULTILINE)
    assert recipe is not None, "no serve target in the Makefile"
    words = shlex.split(recipe.group(1))
    assert Path(words[0]).name == "mkdocs" and words[1] == "serve", words
    args = words[2:]
    if "-a" in args:
        i = args.index("-a")
        del args[i : i + 2]
    return ["serve", *args]


def test_make_serve_is_a_dirty_serve() -> None:
    """`make serve` rebuilds edited pages alone: hooks/serve.py acts under `--dirty` only."""
    assert "--dirty" in serve_command()


# --- the private APIs hooks/serve.py relies on ----------------------------------------------------


@pytest.fixture(scope="module")
def serve_hook() -> Iterator[ModuleType]:
    """hooks/serve.py, loaded; MkDocs' hook loader (which it replaces) put back afterwards."""
    from mkdocs.config.config_options import Hooks

    loader = Hooks.__dict__["_load_hook"]
    spec = importlib.util.spec_from_file_location("serve_hook_test", ROOT / "hooks" / "serve.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        yield module
    finally:
        Hooks._load_hook = loader  # type: ignore[method-assign]
        sys.modules.pop("_convshare_serve_state", None)


def _parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_private_mkdocs_apis_are_there() -> None:
    """MkDocs 1.6.1: what a dirty build renders is File.is_modified's answer; theme files come
    from Files.add_files_from_theme, the theme's pages from _build_theme_template, environments
    from Theme.get_env; the dirty warning has this text; Page.title may be set; hooks are loaded
    by an lru_cache'd Hooks._load_hook."""
    import mkdocs.commands.build as build_module
    from mkdocs.config.config_options import Hooks
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page
    from mkdocs.theme import Theme
    from mkdocs.utils import weak_property

    assert _parameters(File.is_modified) == ["self"]
    assert _parameters(Files.add_files_from_theme) == ["self", "env", "config"]
    build_source = inspect.getsource(build_module)
    assert "A 'dirty' build is being performed" in build_source
    assert "file.page.is_modified" not in build_source
    assert build_source.count("page.file.is_modified()") == 2  # _populate_page and _build_page
    assert "files.add_files_from_theme(env, config)" in build_source
    assert _parameters(build_module._build_theme_template) == [
        "template_name",
        "env",
        "files",
        "config",
        "nav",
    ]
    assert "_build_theme_template(template, env, files, config, nav)" in build_source
    assert _parameters(Theme.get_env) == ["self"]
    assert isinstance(Page.__dict__["title"], weak_property)
    assert not hasattr(weak_property, "__set__")  # an instance attribute overrides it
    assert _parameters(Hooks.__dict__["_load_hook"].__wrapped__) == ["self", "name", "path"]
    assert "polling.PollingObserver" in inspect.getsource(LiveReloadServer.__init__)


def test_private_i18n_material_watchdog_apis_are_there() -> None:
    """mkdocs-static-i18n 1.3.1 builds the other languages with its module's `build` and says
    which language it builds; Material 9.8.2's search merges a dirty index with these attributes;
    watchdog's polling interval is `_timeout`."""
    import mkdocs.commands.build as build_module
    from material.plugins.search.plugin import SearchPlugin
    from mkdocs_static_i18n import plugin as i18n_plugin
    from watchdog.observers.api import EventEmitter
    from watchdog.observers.polling import PollingObserver

    assert i18n_plugin.build is build_module.build or _parameters(i18n_plugin.build)[:2] == [
        "config",
        "dirty",
    ]
    source = inspect.getsource(i18n_plugin.I18n.on_post_build)
    assert "self.current_language = locale" in source and "build(config, dirty=dirty)" in source
    plugin = i18n_plugin.I18n()
    assert plugin.current_language is None
    assert {"all_languages", "default_language"} <= set(dir(type(plugin)))
    search = SearchPlugin()
    assert search.is_dirty is False and search.search_index_prev is None
    assert "self.search_index_prev" in inspect.getsource(SearchPlugin.on_post_build)
    observer = PollingObserver(timeout=0.5)
    assert observer._timeout == 0.5
    assert "self._timeout" in inspect.getsource(EventEmitter.timeout.fget)  # type: ignore[attr-defined]


# --- hooks/serve.py's decisions -------------------------------------------------------------------


def test_plan_renders_changed_pages_only(serve_hook: ModuleType, tmp_path: Path) -> None:
    docs = str(tmp_path / "docs")
    page, twin = os.path.join(docs, "a.md"), os.path.join(docs, "a.en.md")
    spec = os.path.join(docs, "architectures", "x.yaml")
    before = {page: (1, 10), twin: (1, 10), spec: (1, 10)}
    assert serve_hook.plan(before, dict(before), docs) == set()
    assert serve_hook.plan(before, {**before, twin: (2, 10)}, docs) == {twin}
    assert serve_hook.plan(before, {**before, page: (1, 11)}, docs) == {page}
    # anything else: a full build (None)
    assert serve_hook.plan(before, {**before, spec: (2, 10)}, docs) is None
    assert serve_hook.plan(before, {**before, os.path.join(docs, "b.md"): (1, 1)}, docs) is None
    assert serve_hook.plan(before, {page: (1, 10), spec: (1, 10)}, docs) is None
    package = str(tmp_path / "convshare" / "x.py")
    assert serve_hook.plan({**before, package: (1, 1)}, {**before, package: (2, 1)}, docs) is None
    assert serve_hook.plan(None, before, docs) is None


def test_index_merge_replaces_the_rendered_pages_entries(serve_hook: ModuleType) -> None:
    old = [
        {"location": "", "text": "old home"},
        {"location": "#part", "text": "old home part"},
        {"location": "article/", "text": "article"},
        {"location": "en/", "text": "English home"},
        {"location": "en/article/", "text": "English article"},
    ]
    fresh = [{"location": "", "text": "new home"}, {"location": "#other", "text": "new part"}]
    merged = serve_hook.merge_index(old, fresh, {""})
    assert [e["text"] for e in merged] == [
        "new home",
        "new part",
        "article",
        "English home",
        "English article",
    ]
    fresh_en = [{"location": "en/article/", "text": "new English article"}]
    merged = serve_hook.merge_index(old, fresh_en, {"en/article/"})
    assert [e["text"] for e in merged][-1] == "new English article" and len(merged) == len(old)


def test_language_of_a_page_source(serve_hook: ModuleType) -> None:
    assert serve_hook.language_of("/d/index.en.md", ["zh", "en"], "zh") == "en"
    assert serve_hook.language_of("/d/index.md", ["zh", "en"], "zh") == "zh"
    assert serve_hook.language_of("/d/open.ended.md", ["zh", "en"], "zh") == "zh"


def test_hooks_are_loaded_again_only_when_their_folder_changed(
    serve_hook: ModuleType, tmp_path: Path
) -> None:
    """MkDocs keeps a hook file's first version for the life of the process; the replacement
    loader keeps it until a file of its folder changes."""
    from mkdocs.config.config_options import Hooks

    hook = tmp_path / "probe_hook.py"
    hook.write_text("VALUE = 1\n", "utf-8")
    option = Hooks("plugins")
    first = option._load_hook("serve_probe_hook", str(hook))
    assert option._load_hook("serve_probe_hook", str(hook)) is first
    hook.write_text("VALUE = 22\n", "utf-8")  # another size: seen even within one mtime tick
    second = option._load_hook("serve_probe_hook", str(hook))
    assert second is not first and second.VALUE == 22
    (tmp_path / "sibling.py").write_text("", "utf-8")
    assert option._load_hook("serve_probe_hook", str(hook)) is not second
    sys.modules.pop("serve_probe_hook", None)


# --- a served copy --------------------------------------------------------------------------------


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


class Server:
    """`mkdocs serve` on a copy of the repository, and what it said."""

    def __init__(self, copy: Path, proc: subprocess.Popen[str], base: str) -> None:
        self.copy, self.proc, self.base = copy, proc, base
        self.log: list[str] = []
        self.excused = 0  # lines before this one hold failures a test asked for

    def builds(self) -> int:
        """How many builds have finished (the first one and each rebuild)."""
        return sum(
            1 for x in self.log if x.startswith("INFO") and ("Serving on" in x or "Reloading" in x)
        )

    def check(self) -> None:
        """Fail now, with the server's last lines, if it died or logged a failure."""
        bad = [x for x in self.log[self.excused :] if x.startswith(FAILURE)]
        if bad or self.proc.poll() is not None:
            why = "died" if self.proc.poll() is not None else f"said {bad[0]!r}"
            pytest.fail(f"mkdocs serve {why}; its last lines:\n" + "\n".join(self.log[-15:]))

    def wait_builds(self, count: int, limit: float) -> None:
        """Wait until `count` builds have finished."""
        deadline = time.monotonic() + limit
        while self.builds() < count:
            self.check()
            if time.monotonic() > deadline:
                pytest.fail(
                    f"no build {count} within {limit} s; mkdocs serve's last lines:\n"
                    + "\n".join(self.log[-15:])
                )
            time.sleep(0.05)
        self.check()

    def edit(self, name: str, old: str | None, new: str) -> str:
        """Replace `old` by `new` in a file of the copy (append `new` when `old` is None), wait
        for the rebuild it starts, and return what the server said meanwhile."""
        done, said = self.builds(), len(self.log)
        path = self.copy / name
        text = path.read_text("utf-8")
        if old is None:
            text += f"\n\n{new}\n"
        else:
            assert old in text, (name, old)
            text = text.replace(old, new)
        path.write_text(text, "utf-8")
        self.wait_builds(done + 1, REBUILD_S)
        return "\n".join(self.log[said:])

    def edit_failing(self, name: str, new: str) -> str:
        """Append `new` to a file of the copy, expecting the rebuild it starts to fail; wait
        for mkdocs serve's failure line and return what it said meanwhile."""
        done, said = self.builds(), len(self.log)
        path = self.copy / name
        path.write_text(path.read_text("utf-8") + f"\n\n{new}\n", "utf-8")
        deadline = time.monotonic() + REBUILD_S
        while not any(REBUILD_FAILED in x for x in self.log[said:]):
            passed = self.builds() > done
            if passed or self.proc.poll() is not None or time.monotonic() > deadline:
                why = "passed" if passed else "did not fail"
                pytest.fail(f"the rebuild {why}; last lines:\n" + "\n".join(self.log[-15:]))
            time.sleep(0.05)
        self.excused = len(self.log)
        return "\n".join(self.log[said:])

    def page(self, path: str) -> str:
        body = _get(self.base + path)
        assert body is not None, f"{path} not served"
        return body

    def index(self, lang: str) -> list[dict[str, Any]]:
        docs = json.loads(self.page(f"/search/search_index.{lang}.json"))["docs"]
        assert isinstance(docs, list)
        return docs


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    copy = tmp_path_factory.mktemp("serve") / "repo"
    _copy_repository(copy)
    init = copy / "convshare" / "__init__.py"
    init.write_text(init.read_text("utf-8") + PROBE.format(value="probe-one"), "utf-8")
    with (copy / "docs" / "index.md").open("a", encoding="utf-8") as fd:
        fd.write("\n\n探针：{{ serve_probe() }}\n")
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(copy)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", *serve_command(), "-a", f"127.0.0.1:{port}"],
        cwd=copy,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = Server(copy, proc, f"http://127.0.0.1:{port}")
    assert proc.stderr is not None
    stderr = proc.stderr
    reader = threading.Thread(
        target=lambda: [server.log.append(x.rstrip()) for x in stderr], daemon=True
    )
    reader.start()
    try:
        server.wait_builds(1, FIRST_BUILD_S)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        reader.join(timeout=30)  # the pipe ends with the process
        stderr.close()


def _nav_titles(html: str) -> set[str]:
    """The titles in a page's navigation (site, pages, sections, its own headings)."""
    return set(re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', html, re.S))


def _pages(docs: list[dict[str, Any]]) -> list[str]:
    return [d["location"] for d in docs if "#" not in d["location"]]


def _check_indexes(server: Server, pages: dict[str, set[str]] | None = None) -> None:
    """Each page once in its language's index, the same pages in both languages (and, given
    `pages`, the same pages as then)."""
    seen = {lang: _pages(server.index(lang)) for lang in ("zh", "en")}
    for lang, tops in seen.items():
        twice = sorted({t for t in tops if tops.count(t) > 1})
        assert not twice, f"{lang}: listed twice: {twice}"
        assert all(t.startswith("en/") == (lang == "en") for t in tops), lang
        if pages is not None:
            assert set(tops) == pages[lang], f"{lang}: {set(tops) ^ pages[lang]}"
    english = {t.removeprefix("en/") for t in seen["en"]}
    assert english == set(seen["zh"]), "the languages' indexes list different pages"


def test_a_package_edit_shows_on_the_next_page_served(served: Server) -> None:
    assert "probe-one" in served.page("/")
    # the package only: no page changed
    said = served.edit("convshare/__init__.py", 'return "probe-one"', 'return "probe-two"')
    assert "Full rebuild" in said and "Rebuilding only" not in said
    page = served.page("/")
    assert "probe-two" in page and "probe-one" not in page
    _check_indexes(served)


@pytest.mark.parametrize(
    ("source", "path", "lang"),
    [
        ("docs/index.md", "/", "zh"),
        ("docs/index.en.md", "/en/", "en"),
        ("docs/glossary.md", "/glossary/", "zh"),
        ("docs/glossary.en.md", "/en/glossary/", "en"),
    ],
)
def test_a_page_edit_rebuilds_that_page_and_keeps_each_index_whole(
    served: Server, source: str, path: str, lang: str
) -> None:
    pages = {lang: set(_pages(served.index(lang))) for lang in ("zh", "en")}
    assert len(pages["zh"]) > 10, "the first build indexes every page"
    marker = f"servemarker{abs(hash(source)) % 10**8}x{len(served.log)}"
    titles = _nav_titles(served.page(path))
    said = served.edit(source, None, f"## {marker}")
    assert f"Rebuilding only: {Path(source).name}\n" in said + "\n" and "Full rebuild" not in said
    assert marker in served.page(path)
    # the pages not rebuilt keep their titles in the rebuilt page's navigation
    assert _nav_titles(served.page(path)) == titles | {marker}
    _check_indexes(served, pages)
    texts = [d for d in served.index(lang) if marker in d["title"] + d["text"]]
    assert len(texts) == 1, f"the new heading is indexed once: {texts}"
    other = "en" if lang == "zh" else "zh"
    assert not any(marker in d["title"] + d["text"] for d in served.index(other))


def test_edits_made_while_the_build_fails_are_served_once_it_passes(served: Server) -> None:
    """A page edit saved while another page breaks the strict build is not lost: the failed
    rebuilds leave the hook's record of the last good build as it was, so the save that mends
    the build renders both pages, and each index lists each page once with the edit once."""
    pages = {lang: set(_pages(served.index(lang))) for lang in ("zh", "en")}
    marker = f"failmarker{len(served.log)}x"
    broken = "[断开的链接](no-such-page.md)"
    said = served.edit_failing("docs/formulas.md", broken)
    assert "Rebuilding only: formulas.md" in said and "no-such-page.md" in said
    # Saved while formulas.md still breaks the build: fails too (formulas.md is rendered again).
    said = served.edit_failing("docs/glossary.md", f"## {marker}")
    assert "Rebuilding only:" in said and "no-such-page.md" in said
    # The mending save touches formulas.md only; glossary.md's edit must be rendered as well.
    said = served.edit("docs/formulas.md", broken, "")
    assert "glossary.md" in said and "formulas.md" in said and "Full rebuild" not in said
    assert marker in served.page("/glossary/")
    assert "no-such-page" not in served.page("/formulas/")
    _check_indexes(served, pages)
    texts = [d for d in served.index("zh") if marker in d["title"] + d["text"]]
    assert len(texts) == 1, f"the heading saved during the failure is indexed once: {texts}"
