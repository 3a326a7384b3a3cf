"""Fast previews: under ``mkdocs serve --dirty`` (``make serve``) an edited page is rebuilt alone.

Each rebuild compares what MkDocs watches (``docs/``, ``mkdocs.yml`` and the ``watch:`` folders:
the package, the hooks, the theme override) with the snapshot taken when the last successful build
started (modification time and size of every file, taken before any file is read, so that an edit
saved while a build is running is seen by the next one):

* only Markdown pages changed, none added or removed: a *dirty* build renders those pages and
  nothing else, in their language (the other language's build renders no page);
* anything else changed (the package, a hook, ``mkdocs.yml``, the override, a spec, a notebook,
  an asset, a page added or removed), or the last build failed: a full build of both languages.

Strict mode stays on: only MkDocs' own warning that a dirty build is being performed is dropped.
The search index is merged here: the entries of the pages just rendered replace those of the same
pages in the index of the last build (Material's own dirty merge, with mkdocs-static-i18n, lists
every Chinese page twice and empties the index when the home page is edited). Pages not rendered
keep the titles they had in the last full build, for the navigation of the pages that are.

Outside ``mkdocs serve --dirty`` (``mkdocs build``, plain ``mkdocs serve``) the above is off. In
every mode, the hook files are loaded again only when a file in their folder changed (MkDocs would
otherwise keep the first version for the life of the process, and re-reading them at every
rebuild would throw away their caches: the parsed specs of ``hooks/architectures.py``), and every
Jinja environment of the theme gets the compiled templates of ``hooks/reload.py``.

Every use of MkDocs', mkdocs-static-i18n's and Material's internals is in this module, and
``tests/test_serve.py`` checks each against the versions pinned in ``requirements.lock``:

* ``mkdocs.structure.files.File.is_modified`` (replaced: it decides what a dirty build renders
  and which static files it copies), ``Files.add_files_from_theme`` (its result kept from the last
  full build);
* ``mkdocs.commands.build._build_theme_template`` (skipped in a dirty build) and
  ``mkdocs.theme.Theme.get_env`` (every environment gets hooks/reload.py's compiled templates);
* ``mkdocs_static_i18n.plugin.build`` (the other language's build, skipped when none of its pages
  changed), the plugin's ``all_languages``, ``default_language`` and ``current_language``;
* the message ``A 'dirty' build is being performed`` of the logger ``mkdocs.commands.build``;
* Material's search plugin attributes ``is_dirty`` and ``search_index_prev`` (its own merge,
  turned off), and the file ``search/search_index.json`` it writes;
* watchdog's polling interval, ``_timeout`` of MkDocs' ``server.observer`` and of its emitters;
* ``Page.title`` being a ``weak_property`` (a title can be given to a page that was not read);
* ``mkdocs.config.config_options.Hooks._load_hook`` (an ``lru_cache``; replaced by a cache that
  notices edits).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import types
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import mkdocs.commands.build as build_module
from mkdocs.config.config_options import Hooks
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.theme import Theme
from mkdocs_static_i18n import plugin as i18n_plugin  # type: ignore[import-untyped]

#: MkDocs' warning at the start of every dirty build; strict mode would abort on it.
DIRTY_WARNING = "A 'dirty' build is being performed"

Snapshot = dict[str, tuple[int, int]]


def _state() -> Any:
    """Kept in ``sys.modules``: a hook file is read again (a new module) when it changes."""
    state: Any = sys.modules.get("_convshare_serve_state")
    if state is None:
        state = types.ModuleType("_convshare_serve_state")
        state.active = False  # serving with --dirty
        state.depth = 0  # nested builds: mkdocs-static-i18n builds the other language inside
        state.plan = None  # this build: None (full) or the set of page sources to render
        state.started = None  # the snapshot taken as this build started
        state.snapshot = None  # the snapshot of the last successful build
        state.index = None  # the last successful build's whole search index
        state.before = (None, None)  # snapshot and index as this build started, for a failure
        state.titles = {}  # page destination -> title, from the builds that read the page
        state.rendered = set()  # URLs of the pages rendered by this build
        state.site_dir = ""
        state.hooks = {}  # (name, path) -> (stamp of the hooks' folder, loaded module)
        state.theme_files = {}  # theme folders -> the theme's files (path, folder)
        sys.modules[state.__name__] = state
    return state


# --------------------------------------------------------------------------------------------
# What changed


def snapshot(paths: Iterable[str]) -> Snapshot:
    """Every file under ``paths`` (files or folders; caches aside): absolute path -> (mtime_ns,
    size)."""
    found: Snapshot = {}

    def visit(path: str) -> None:
        try:
            entries = list(os.scandir(path))
        except NotADirectoryError:
            st = os.stat(path)
            found[os.path.abspath(path)] = (st.st_mtime_ns, st.st_size)
            return
        except FileNotFoundError:
            return
        for entry in entries:
            if entry.name in ("__pycache__", ".ipynb_checkpoints") or entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                visit(entry.path)
            elif entry.is_file():
                st = entry.stat()
                found[os.path.abspath(entry.path)] = (st.st_mtime_ns, st.st_size)

    for path in paths:
        visit(path)
    return found


def plan(before: Snapshot | None, now: Snapshot, docs_dir: str) -> set[str] | None:
    """The pages a build must render: ``None`` for all of them (a full build), else the set of
    page sources that changed, when only existing Markdown pages under ``docs_dir`` changed.

    >>> docs = os.path.abspath("docs")
    >>> page, spec = os.path.join(docs, "a.md"), os.path.join(docs, "b.yaml")
    >>> plan({page: (1, 1), spec: (1, 1)}, {page: (2, 1), spec: (1, 1)}, docs) == {page}
    True
    >>> plan({page: (1, 1), spec: (1, 1)}, {page: (1, 1), spec: (2, 1)}, docs) is None
    True
    >>> plan({page: (1, 1)}, {page: (1, 1), os.path.join(docs, "c.md"): (1, 1)}, docs) is None
    True
    >>> plan(None, {page: (1, 1)}, docs) is None
    True
    """
    if before is None:
        return None
    changed = {p for p in before.keys() | now.keys() if before.get(p) != now.get(p)}
    root = os.path.abspath(docs_dir) + os.sep
    for path in changed:
        if not (path.startswith(root) and path.endswith(".md") and path in before and path in now):
            return None
    return changed


def language_of(path: str, languages: Iterable[str], default: str) -> str:
    """The language of a page source with suffixes (``article.en.md`` -> ``en``).

    >>> language_of("/d/article.en.md", ["zh", "en"], "zh"), language_of("/d/a.md", ["en"], "zh")
    ('en', 'zh')
    """
    name = os.path.basename(path)
    return next((lang for lang in languages if name.endswith(f".{lang}.md")), default)


def _is_modified(self: File) -> bool:
    """``File.is_modified`` while serving with --dirty: in a full build every file, in a dirty
    build the pages whose source changed (no static file: none changed)."""
    state = _state()
    if not state.active or state.depth == 0:
        return bool(state.original_is_modified(self))
    if state.plan is None:
        return True
    return self.abs_src_path is not None and self.abs_src_path in state.plan


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (_state().active and str(record.msg).startswith(DIRTY_WARNING))


def _add_files_from_theme(self: Files, env: Any, config: Any) -> None:
    """``Files.add_files_from_theme``, which lists the theme's 14,000 files at every build: in a
    dirty build (the theme unchanged), the list found by the last full build."""
    state = _state()
    key = tuple(config.theme.dirs)
    known = state.theme_files.get(key)
    if state.active and state.depth > 0 and state.plan is not None and known is not None:
        for path, folder in known:
            if self.get_file_from_path(path) is None:
                self.append(File(path, folder, config.site_dir, config.use_directory_urls))
        return
    before = {id(f) for f in self}
    state.original_add_files_from_theme(self, env, config)
    state.theme_files[key] = [(f.src_uri, f.src_dir) for f in self if id(f) not in before]


def _build_language(config: Any, dirty: bool = False) -> None:
    """mkdocs-static-i18n's build of another language: skipped in a dirty build that changed
    none of that language's pages."""
    state = _state()
    i18n = config.plugins.get("i18n")
    if state.active and state.plan is not None and i18n is not None:
        languages, default = i18n.all_languages, i18n.default_language
        wanted = {language_of(p, languages, default) for p in state.plan}
        if i18n.current_language not in wanted:
            return
    state.original_i18n_build(config, dirty=dirty)


def _build_theme_template(template_name: str, *args: Any) -> None:
    """MkDocs' rendering of the theme's own pages (``404.html``, ``sitemap.xml``): skipped in a
    dirty build, where they would not change (and the sitemap would lose the other language)."""
    state = _state()
    if state.active and state.depth > 0 and state.plan is not None:
        return
    state.original_build_theme_template(template_name, *args)


def _install() -> None:
    """Replace ``File.is_modified``, ``Files.add_files_from_theme``, MkDocs' rendering of the
    theme's pages and mkdocs-static-i18n's ``build``, and filter the dirty-build warning, once
    per process."""
    state = _state()
    if File.is_modified is not _is_modified:
        if not hasattr(state, "original_is_modified"):
            state.original_is_modified = File.is_modified
            state.original_add_files_from_theme = Files.add_files_from_theme
            state.original_i18n_build = i18n_plugin.build
            state.original_build_theme_template = build_module._build_theme_template
        File.is_modified = _is_modified  # type: ignore[method-assign]
        Files.add_files_from_theme = _add_files_from_theme  # type: ignore[method-assign]
        i18n_plugin.build = _build_language
        build_module._build_theme_template = _build_theme_template  # type: ignore[assignment]
    build_log = logging.getLogger("mkdocs.commands.build")
    if not any(isinstance(f, _DropDirtyWarning) for f in build_log.filters):
        build_log.addFilter(_DropDirtyWarning())


# --------------------------------------------------------------------------------------------
# Hook files


def _hook_folder_stamp(folder: str) -> tuple[tuple[str, int, int], ...]:
    return tuple(sorted((name, *times) for name, times in snapshot([folder]).items()))


def _load_hook(self: Hooks, name: str, path: str) -> Any:
    """``Hooks._load_hook`` that loads a hook file again when a file in its folder changed
    (and forgets the modules imported from that folder, which hooks share)."""
    state = _state()
    folder = os.path.dirname(os.path.abspath(path))
    stamp = _hook_folder_stamp(folder)
    known = state.hooks.get((name, path))
    if known is not None and known[0] == stamp:
        return known[1]
    if known is not None:
        for key, module in list(sys.modules.items()):
            file = getattr(module, "__file__", None)
            if file and os.path.dirname(os.path.abspath(file)) == folder:
                del sys.modules[key]
    module = state.original_load_hook(self, name, path)
    state.hooks[(name, path)] = (stamp, module)
    return module


def _install_hook_loader() -> None:
    state = _state()
    if getattr(Hooks._load_hook, "__name__", "") != "_load_hook_when_changed":
        # The undecorated original: MkDocs' lru_cache would keep the first version forever.
        state.original_load_hook = getattr(Hooks._load_hook, "__wrapped__", Hooks._load_hook)

        def _load_hook_when_changed(self: Hooks, name: str, path: str) -> Any:
            return sys.modules["_convshare_serve_state"].load_hook(self, name, path)

        Hooks._load_hook = _load_hook_when_changed  # type: ignore[method-assign,assignment]
    state.load_hook = _load_hook  # this version of the file's


_install_hook_loader()


def _get_env(self: Theme) -> Any:
    """``Theme.get_env`` with the process's compiled templates (hooks/reload.py's cache) given to
    every environment, Material's search plugin's own included (it renders a template of the
    theme in every build, in both languages, to find the search language's settings)."""
    env = _state().original_get_env(self)
    cache = getattr(sys.modules.get("_convshare_reload_state"), "templates", None)
    if cache is not None:
        env.bytecode_cache = cache
    return env


def _install_template_cache() -> None:
    state = _state()
    if getattr(Theme.get_env, "__name__", "") != "_get_env_cached":
        state.original_get_env = Theme.get_env

        def _get_env_cached(self: Theme) -> Any:
            return sys.modules["_convshare_serve_state"].get_env(self)

        Theme.get_env = _get_env_cached  # type: ignore[method-assign]
    state.get_env = _get_env


_install_template_cache()


# --------------------------------------------------------------------------------------------
# The search index


def page_of(location: str) -> str:
    """The page of a search entry (``en/article/#x`` -> ``en/article/``)."""
    return location.split("#", 1)[0]


def merge_index(
    previous: list[dict[str, Any]], fresh: list[dict[str, Any]], rendered: set[str]
) -> list[dict[str, Any]]:
    """The previous build's entries with those of the ``rendered`` pages (URLs) replaced by the
    ``fresh`` ones, in place.

    >>> old = [{"location": ""}, {"location": "#a"}, {"location": "b/"}, {"location": "en/"}]
    >>> new = [{"location": "", "title": "new"}]
    >>> merge_index(old, new, {""})
    [{'location': '', 'title': 'new'}, {'location': 'b/'}, {'location': 'en/'}]
    """
    by_page: dict[str, list[dict[str, Any]]] = {}
    for entry in fresh:
        by_page.setdefault(page_of(entry["location"]), []).append(entry)
    merged: list[dict[str, Any]] = []
    placed: set[str] = set()
    for entry in previous:
        page = page_of(entry["location"])
        if page not in rendered:
            merged.append(entry)
        elif page not in placed:
            merged += by_page.get(page, [])
            placed.add(page)
    for page in sorted(rendered - placed):  # a page the previous index did not list
        merged += by_page.get(page, [])
    return merged


def _search_plugin(config: Any) -> Any:
    for name in ("material/search", "search"):
        if name in config.plugins:
            return config.plugins[name]
    return None


# --------------------------------------------------------------------------------------------
# Events


def on_startup(command: str, dirty: bool, **kwargs: Any) -> None:
    state = _state()
    state.active = command == "serve" and dirty
    if state.active:
        _install()


#: How often ``mkdocs serve`` looks for changed files (MkDocs: every 0.5 s, on average 0.25 s
#: of every preview's wait).
POLL_S = 0.1


def on_serve(server: Any, **kwargs: Any) -> Any:
    """Look for edits every ``POLL_S`` seconds (MkDocs' watcher polls the folders it watches)."""
    if _state().active:
        server.observer._timeout = POLL_S  # for the folders watched from now on
        for emitter in server.observer.emitters:
            emitter._timeout = POLL_S
    return server


@event_priority(1000)  # first: before any other hook reads a file
def on_config(config: Any, **kwargs: Any) -> None:
    state = _state()
    if not state.active:
        return
    _install()
    state.depth += 1
    if state.depth > 1:  # the other language's build, inside this one
        return
    roots = [config.docs_dir, *([config.config_file_path] if config.config_file_path else [])]
    state.started = snapshot([*roots, *config.watch])
    state.plan = plan(state.snapshot, state.started, config.docs_dir)
    state.before = (state.snapshot, state.index)
    state.rendered = set()
    state.site_dir = config.site_dir
    search = _search_plugin(config)
    if search is not None:  # Material's dirty merge of its index: ours replaces it
        search.is_dirty = False
        search.search_index_prev = None
    if state.plan is None:
        from mkdocs import utils

        utils.clean_directory(config.site_dir)  # a full build: nothing stale stays
        logging.getLogger("mkdocs").info("Full rebuild (both languages)")
    else:
        pages = ", ".join(os.path.relpath(p, config.docs_dir) for p in sorted(state.plan))
        logging.getLogger("mkdocs").info(f"Rebuilding only: {pages or 'nothing'}")


def on_env(env: Any, config: Any, files: Any, **kwargs: Any) -> None:
    """Titles: remember those of the pages read, give the others their last known title."""
    state = _state()
    if not state.active:
        return
    for file in files.documentation_pages():
        page = file.page
        if page is None:
            continue
        if page.markdown is not None:
            state.titles[file.dest_uri] = page.title
        elif file.dest_uri in state.titles:
            page.title = state.titles[file.dest_uri]


def on_page_context(context: Any, page: Any, **kwargs: Any) -> Any:
    state = _state()
    if state.active:
        state.rendered.add(page.url)
    return context


@event_priority(-100)  # after mkdocs-static-i18n's (its last build), before hooks/search_zh.py
def on_post_build(config: Any, **kwargs: Any) -> None:
    state = _state()
    if not state.active:
        return
    state.depth -= 1
    if state.depth > 0:
        return
    path = Path(state.site_dir) / "search" / "search_index.json"
    data = json.loads(path.read_text("utf-8")) if path.is_file() else None
    if data is not None:
        if state.plan is not None and state.index is not None:
            data["docs"] = merge_index(state.index, data["docs"], state.rendered)
            path.write_text(json.dumps(data, separators=(",", ":")), "utf-8")
        state.index = data["docs"]
    state.snapshot = state.started


def on_build_error(error: Exception, **kwargs: Any) -> None:
    """A failed build: the next one renders everything that changed since the last good one
    (everything, after a failed full build)."""
    state = _state()
    if not state.active:
        return
    # Strict mode aborts after the post-build events: undo what on_post_build recorded.
    state.snapshot, state.index = (None, None) if state.plan is None else state.before
    state.depth = 0
