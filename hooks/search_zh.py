"""Chinese search: Material's search plugin segments Chinese text with jieba at build time.

jieba writes a cache of its dictionary (about 9 MB) to the system's temp folder; this hook
keeps it in the repository's ignored ``.cache/`` folder instead and quietens jieba's log. After the
build it writes the search index as compact UTF-8.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority


@event_priority(100)
def on_config(config: Any, **kwargs: Any) -> None:
    try:
        import jieba
    except ImportError:  # Material then indexes Chinese text unsegmented
        return
    cache = Path(config.config_file_path).parent / ".cache" / "jieba"
    cache.mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(cache)
    jieba.setLogLevel(logging.WARNING)


def compact_index(path: Path) -> None:
    """Rewrite the search index as UTF-8 without spaces: Material escapes every Chinese
    character as ``\\uXXXX`` (6 bytes instead of 3), and every page downloads this file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")


@event_priority(-100)
def on_post_build(config: Any, **kwargs: Any) -> None:
    index = Path(config["site_dir"]) / "search" / "search_index.json"
    if index.is_file():
        compact_index(index)
