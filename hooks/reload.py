"""Fresh numbers under ``mkdocs serve``: the package is re-imported before every build.

MkDocs keeps one Python process alive while serving, so ``convshare`` (imported by exec
blocks and by ``hooks/prose_numbers.py``) and markdown-exec's sessions would survive a rebuild and
the pages would keep the old numbers. Before each build this hook drops the package and its
submodules from ``sys.modules`` and empties markdown-exec's sessions; ``watch:`` in
``mkdocs.yml`` triggers the rebuild when the package changes. Edited hooks are re-read at the
next rebuild too.
"""

from __future__ import annotations

import sys
from typing import Any

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


def forget_hooks() -> None:
    """Make the next configuration load re-read the hook files.

    MkDocs caches loaded hooks for the life of the process (``Hooks._load_hook`` is an
    ``lru_cache``), so without this an edited hook takes effect only after a restart.
    """
    from mkdocs.config.config_options import Hooks

    Hooks._load_hook.cache_clear()


@event_priority(100)
def on_config(config: Any, **kwargs: Any) -> None:
    forget_package()
    clear_exec_sessions()
    forget_hooks()
