"""Chinese search: Material's search plugin segments Chinese text with jieba at build time.

jieba writes a cache of its dictionary (about 9 MB) to the system's temp folder; this hook
keeps it in the repository's ignored ``.cache/`` folder instead and quietens jieba's log.
"""

from __future__ import annotations

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
