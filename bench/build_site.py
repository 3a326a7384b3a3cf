"""Build the site in a fresh process, the way `mkdocs build --strict` does: one timed sample.

    python bench/build_site.py live SITE_DIR
        the site as it is (every exec block run, every {{ expression }} computed);
    python bench/build_site.py floor SITE_DIR FLOOR_DOCS
        the same pages from FLOOR_DOCS, a copy of docs/ whose computed parts were replaced by
        their recorded output (see bench/run.py), with the recorded navigation (nav.json next
        to FLOOR_DOCS) and the plugins and hooks that only serve computation switched off.
        A network page's spec texts stay placeholders in its Markdown (hooks/architectures.py
        makes spec text inert that way); their recorded HTML (deferred.json next to FLOOR_DOCS)
        is put in by that hook's own string swap, which computes nothing;
    python bench/build_site.py capture SITE_DIR CAPTURE_JSON
        a live build that also records, per page, its Markdown after the build's own
        substitutions and the output of each exec block, for bench/run.py to make FLOOR_DOCS.

Run from the repository root. bench/run.py times the whole process (interpreter start, imports,
build), so that both variants pay the same fixed costs.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "mkdocs.yml"

# Plugins and hooks that exist only to compute what a page shows. The floor build drops them;
# every other plugin and hook (i18n, search, maths to MathML, typography) stays.
COMPUTING_PLUGINS = {"markdown-exec"}
COMPUTING_HOOKS = {
    "prose_numbers.py": "evaluates the {{ expression }} figures in the prose",
    "reload.py": "re-imports the package before each build, for `mkdocs serve`",
    "architectures.py": "analyses the network specs and generates their pages and nav entries",
}
# mkdocs-jupyter options that run code; the floor renders notebooks from their stored outputs.
JUPYTER_PLUGINS = {"mkdocs-jupyter"}


def _name(entry: Any) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def floor_overrides(floor_docs: Path, nav: Any) -> dict[str, Any]:
    """Config options of the floor build: its docs, its recorded navigation, and the computing
    plugins and hooks off."""
    from mkdocs.utils.yaml import yaml_load

    with CONFIG.open("rb") as fd:
        raw = yaml_load(fd)
    plugins = []
    for entry in raw.get("plugins", []):
        name = _name(entry)
        if name in COMPUTING_PLUGINS:
            continue
        if name in JUPYTER_PLUGINS and isinstance(entry, dict):
            options = dict(entry[name] or {})
            options["execute"] = False
            entry = {name: options}
        plugins.append(entry)
    hooks = [h for h in raw.get("hooks", []) if Path(h).name not in COMPUTING_HOOKS]
    return {"docs_dir": str(floor_docs), "plugins": plugins, "hooks": hooks, "nav": nav}


def _architectures_hook() -> Any:
    """hooks/architectures.py as the build loaded it (the capture) or, for the floor, loaded
    here for its placeholder swap alone."""
    path = ROOT / "hooks" / "architectures.py"
    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None) == str(path):
            return module
    import importlib.util

    sys.path.insert(0, str(path.parent))  # as MkDocs does: hooks import their neighbours
    spec = importlib.util.spec_from_file_location("convshare_floor_architectures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def floor_swap_plugin(deferred: dict[str, dict[str, list[str]]]) -> Any:
    """The floor's stand-in for hooks/architectures.py's swap: the hook's own ``on_page_content``
    and ``on_post_page`` (placeholders to HTML, a network page's title), each given the page's
    recorded placeholder HTML instead of computing it."""
    from mkdocs.plugins import BasePlugin, event_priority

    hook = _architectures_hook()

    def recorded(page: Any) -> bool:
        own = deferred.get(page.file.src_uri)
        if own:
            hook._DEFERRED.clear()
            hook._DEFERRED.update({token: (html, kind) for token, (html, kind) in own.items()})
        return bool(own)

    class FloorSwap(BasePlugin):  # type: ignore[type-arg]
        @event_priority(10)  # as the hook's: before hooks/cjk.py joins Chinese lines
        def on_page_content(self, html: str, page: Any, **kwargs: Any) -> str:
            return str(hook.on_page_content(html, page)) if recorded(page) else html

        @event_priority(100)  # first, as the hook's own
        def on_post_page(self, output: str, page: Any, **kwargs: Any) -> str:
            return str(hook.on_post_page(output, page)) if recorded(page) else output

    return FloorSwap()


def nav_config(items: list[Any]) -> list[Any]:
    """A built navigation written back as a `nav:` option (titles given only where set; a
    network page's title, a placeholder, is left for the floor's swap to set, in each
    language)."""
    out: list[Any] = []
    for item in items:
        if item.is_section:
            out.append({item.title: nav_config(item.children)})
        elif item.is_page:
            uri = item.file.src_uri
            title = item.title
            placeholder = title and _architectures_hook()._TOKEN_NAME.fullmatch(title)
            out.append({title: uri} if title and not placeholder else uri)
        else:
            out.append({item.title: item.url})
    return out


class _Capture:
    """Records each page's final Markdown and the output of each of its exec blocks."""

    def __init__(self) -> None:
        self.pages: dict[str, dict[str, Any]] = {}
        self.current: str | None = None
        self.nav: dict[str, Any] = {}  # language -> the navigation as a `nav:` option
        self.timings: dict[str, float] = {}  # plugin or hook (or "exec blocks") -> seconds
        self._stack: list[float] = []

    def timed(self, name: str, call: Any, *args: Any, **kwargs: Any) -> Any:
        """Run call(*args, **kwargs), adding its own time (nested timed calls excluded) to name.

        mkdocs-static-i18n builds the other language from inside an event, so without this
        the whole English build would count as time spent in the i18n plugin.
        """
        self._stack.append(0.0)
        start = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - start
            nested = self._stack.pop()
            self.timings[name] = self.timings.get(name, 0.0) + elapsed - nested
            if self._stack:
                self._stack[-1] += elapsed

    def time_events(self, plugins: Any) -> None:
        """Wrap every registered event handler to add up the time spent in each plugin."""
        for event, methods in plugins.events.items():
            wrapped = []
            for method in methods:
                name = plugins._event_origins.get(method, "<unknown>")

                def timed(*args: Any, _m: Any = method, _n: str = name, **kwargs: Any) -> Any:
                    return self.timed(_n, _m, *args, **kwargs)

                timed.mkdocs_priority = getattr(method, "mkdocs_priority", 0)  # type: ignore[attr-defined]
                plugins._event_origins[timed] = name
                wrapped.append(timed)
            plugins.events[event] = wrapped

    def plugin(self) -> Any:
        from mkdocs.plugins import BasePlugin, event_priority

        capture = self

        class CapturePlugin(BasePlugin):  # type: ignore[type-arg]
            @event_priority(-1000)  # after every plugin and hook that edits the navigation
            def on_nav(self, nav: Any, config: Any, **kwargs: Any) -> Any:
                capture.nav.setdefault(config.theme["language"], nav_config(nav.items))
                return nav

            @event_priority(-1000)  # after every plugin and hook that edits the Markdown
            def on_page_markdown(self, markdown: str, page: Any, **kwargs: Any) -> str:
                capture.current = page.file.src_uri
                hook = _architectures_hook()
                tokens = set(hook._TOKEN_NAME.findall(markdown))
                capture.pages[capture.current] = {
                    "meta": dict(page.meta),
                    "markdown": markdown,
                    "blocks": [],
                    "deferred": {t: list(hook._DEFERRED[t]) for t in sorted(tokens)},
                }
                return markdown

        return CapturePlugin()

    def patch_markdown_exec(self) -> None:
        from markdown_exec._internal.formatters import python as formatter

        run = formatter._run_python
        capture = self

        def recording_run(code: str, *args: Any, **kwargs: Any) -> str:
            output: str = capture.timed("exec blocks", run, code, *args, **kwargs)
            if capture.current is not None:
                capture.pages[capture.current]["blocks"].append({"code": code, "output": output})
            return output

        formatter._run_python = recording_run


def main(argv: list[str]) -> int:
    mode, site_dir = argv[0], Path(argv[1]).resolve()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    overrides: dict[str, Any] = {"site_dir": str(site_dir), "strict": True}
    capture = None
    floor_swap = None
    if mode == "floor":
        floor_docs = Path(argv[2]).resolve()
        nav = json.loads((floor_docs.parent / "nav.json").read_text(encoding="utf-8"))
        overrides |= floor_overrides(floor_docs, nav)
        deferred = json.loads((floor_docs.parent / "deferred.json").read_text(encoding="utf-8"))
        floor_swap = floor_swap_plugin(deferred)
    elif mode == "capture":
        capture = _Capture()
        capture.patch_markdown_exec()
    elif mode != "live":
        raise SystemExit(f"unknown mode {mode!r}")
    config = load_config(str(CONFIG), **overrides)
    if capture is not None:
        config.plugins["convshare-bench-capture"] = capture.plugin()
        capture.time_events(config.plugins)
    if floor_swap is not None:
        config.plugins["convshare-bench-floor-swap"] = floor_swap
    start = time.perf_counter()
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    if capture is not None:
        capture.timings.pop("convshare-bench-capture", None)
        ranked = sorted(capture.timings.items(), key=lambda kv: -kv[1])
        timings = {name: round(seconds, 3) for name, seconds in ranked}
        timings["whole build"] = round(time.perf_counter() - start, 3)
        record = {"pages": capture.pages, "nav": capture.nav, "timings": timings}
        Path(argv[2]).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
