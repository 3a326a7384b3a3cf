"""Search: Chinese words segmented at build time, one compact index per language.

Material's search plugin segments Chinese text with jieba at build time. jieba writes a cache of
its dictionary (about 9 MB) to the system's temp folder; this hook keeps it in the repository's
ignored ``.cache/`` folder instead and quietens jieba's log.

After the build it splits Material's one index (both languages) into
``search/search_index.zh.json`` and ``search/search_index.en.json``, each compact UTF-8, and
removes the combined file. A page loads its own language's index, and only when the reader starts a
search (``overrides/assets/javascripts/search-on-demand.js``). A Chinese search finds Chinese pages
only, an English search English pages: every page exists in both languages, so the other
language's results would repeat the same pages.
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


#: The site's languages: the default one at the root, the others under /<locale>/.
DEFAULT_LANGUAGE = "zh"
OTHER_LANGUAGES = ("en",)


def language_of(location: str) -> str:
    """The language of an index entry, from its location (``en/article/#x`` -> ``en``)."""
    first = location.split("/", 1)[0].split("#", 1)[0]
    return first if first in OTHER_LANGUAGES else DEFAULT_LANGUAGE


def split_index(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Material's index of every language -> one index per language, in the same order.

    Each keeps Material's ``config``; the English one searches English only (no Chinese
    segmenter to load in the browser)."""
    out: dict[str, dict[str, Any]] = {}
    for lang in (DEFAULT_LANGUAGE, *OTHER_LANGUAGES):
        config = dict(data["config"])
        if lang != DEFAULT_LANGUAGE:
            config["lang"] = [lang]
        docs = [d for d in data["docs"] if language_of(d["location"]) == lang]
        out[lang] = {"config": config, "docs": docs}
    return out


def write_compact(path: Path, data: dict[str, Any]) -> None:
    """Write an index as UTF-8 without spaces: Material escapes every Chinese character as
    ``\\uXXXX`` (6 bytes instead of 3)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")


def index_path(site_dir: Path, lang: str | None = None) -> Path:
    """``search/search_index.json`` (Material's) or ``search/search_index.<lang>.json``."""
    name = "search_index.json" if lang is None else f"search_index.{lang}.json"
    return site_dir / "search" / name


@event_priority(-100)
def on_post_build(config: Any, **kwargs: Any) -> None:
    site_dir = Path(config["site_dir"])
    index = index_path(site_dir)
    if not index.is_file():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    for lang, part in split_index(data).items():
        write_compact(index_path(site_dir, lang), part)
    index.unlink()
