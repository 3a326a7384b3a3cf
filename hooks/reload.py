"""Fresh numbers under ``mkdocs serve``: the package is re-imported when its files changed.

MkDocs keeps one Python process alive while serving, so ``convshare`` (imported by exec
blocks and by ``hooks/prose_numbers.py``) and markdown-exec's sessions would survive a rebuild and
the pages would keep the old numbers. Before each build this hook empties markdown-exec's
sessions and, when any file of the package changed since the last build (or the imported
package is not the repository's), drops the package and its submodules from ``sys.modules``;
``watch:`` in ``mkdocs.yml`` triggers the rebuild when the package changes. Edited hooks are
re-read at the next rebuild too (``hooks/serve.py``).

The theme's templates are compiled once per process: a bytecode cache, keyed by each template's
source text (an edited template is compiled again), is given to every build's Jinja environment.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

from jinja2.bccache import BytecodeCache
from mkdocs.plugins import event_priority

PACKAGE = "convshare"


def forget_package(name: str = PACKAGE) -> list[str]:
    """Remove ``name`` and its submodules from ``sys.modules``; return what was removed."""
    dropped = [m for m in sys.modules if m == name or m.startswith(name + ".")]
    for module in dropped:
        del sys.modules[module]
    return dropped


def clear_exec_sessions() -> None:
    """Forget markdown-exec's Python sessions (globals kept between blocks of a session)."""
    from markdown_exec._internal.formatters import python as exec_python

    exec_python._sessions_globals.clear()
    exec_python._sessions_counter.clear()
    exec_python._code_blocks.clear()
    # Each block also registers a throw-away module named after it.
    for module in [m for m in sys.modules if m.startswith("_code_block_")]:
        del sys.modules[module]


def fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file under ``folder`` (caches aside) with its modification time and size."""
    return tuple(
        sorted(
            (p.relative_to(folder).as_posix(), st.st_mtime_ns, st.st_size)
            for p in folder.rglob("*")
            if "__pycache__" not in p.parts and p.is_file() and (st := p.stat())
        )
    )


def _state() -> Any:
    """Kept in ``sys.modules``: this hook file itself is re-read (a new module) every build."""
    return sys.modules.setdefault("_convshare_reload_state", types.ModuleType("state"))


def forget_package_if_changed(folder: Path, name: str = PACKAGE) -> bool:
    """Drop the package unless it is imported from ``folder`` and no file there changed since
    the last call. Returns whether it was dropped."""
    state = _state()
    now = fingerprint(folder)
    module = sys.modules.get(name)
    imported_here = (
        module is not None and Path(module.__file__ or "").resolve().parent == folder.resolve()
    )
    if module is not None and imported_here and getattr(state, "fingerprint", None) == now:
        return False
    forget_package(name)
    state.fingerprint = now
    return True


class MemoryBytecodeCache(BytecodeCache):
    """Jinja's bytecode cache in memory: bucket key (name and source checksum) -> bytecode."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Any) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Any) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def template_cache() -> Any:
    """The process's one template cache (a jinja2.BytecodeCache)."""
    state = _state()
    if not isinstance(getattr(state, "templates", None), BytecodeCache):
        state.templates = MemoryBytecodeCache()
    return state.templates


def on_env(env: Any, **kwargs: Any) -> Any:
    env.bytecode_cache = template_cache()
    return env


@event_priority(100)
def on_config(config: Any, **kwargs: Any) -> None:
    forget_package_if_changed(Path(config.config_file_path).resolve().parent / PACKAGE)
    clear_exec_sessions()
