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

jieba's answers are kept between builds (:class:`SegmentMemo`, in ``.cache/jieba/``): loading
its dictionary takes about a second of every build, and a build whose Chinese text was
all segmented before does not load it at all. The memo gives the words jieba gave, for the same
text, jieba version and dictionaries; anything else goes to jieba.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator
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
    # Called again by each language's build (mkdocs-static-i18n); the memo is made once per
    # process and kept on jieba itself, so that it outlives a reload of this hook under serve.
    memo = jieba.cut if isinstance(getattr(jieba.cut, "segment_memo", None), str) else None
    dictionaries = _dictionaries(config)
    if memo is None or memo.path != cache / SEGMENTS or memo.dictionaries != dictionaries:
        original = memo.cut if memo is not None else jieba.cut
        jieba.cut = SegmentMemo(original, cache / SEGMENTS, dictionaries, jieba.__version__)


#: The memo's file in jieba's cache folder.
SEGMENTS = "segments.json"


def _dictionaries(config: Any) -> tuple[str, ...]:
    """The dictionaries Material's search plugin gives jieba (``jieba_dict``,
    ``jieba_dict_user``), as it resolves them; empty for jieba's own."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None:
            given = (plugin.config.get("jieba_dict"), plugin.config.get("jieba_dict_user"))
            return tuple(os.path.normpath(path) for path in given if path)
    return ()


def _file_digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "missing"


class SegmentMemo:
    """``jieba.cut`` that remembers: the words of each text it was given, kept in ``path``.

    Only a call with the text alone (how Material calls it; jieba's defaults) is remembered;
    any other goes to jieba. The file names jieba's version and the digest of each dictionary
    given; when either differs, it is ignored and rewritten. After each build (:meth:`save`) it
    holds the texts this process segmented; older ones stay while they are at most as many again
    (another build of the same text, the benchmark's static pages, keeps its entries), and are
    dropped past that.

    >>> calls = []
    >>> def cut(text):
    ...     calls.append(text)
    ...     return iter(text.split())
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / SEGMENTS
    >>> memo = SegmentMemo(cut, path, (), "0.42.1")
    >>> list(memo("参数 共享")), list(memo("参数 共享".encode())), calls
    (['参数', '共享'], ['参数', '共享'], ['参数 共享'])
    >>> memo.save()
    >>> again = SegmentMemo(cut, path, (), "0.42.1")
    >>> list(again("参数 共享")), calls, again.segmented, again.remembered
    (['参数', '共享'], ['参数 共享'], 0, 1)
    >>> list(SegmentMemo(cut, path, (), "0.43")("参数 共享")), calls[-1]
    (['参数', '共享'], '参数 共享')
    """

    segment_memo = "convshare"  # marks the memo for the next build's on_config

    def __init__(
        self,
        cut: Callable[..., Iterator[str]],
        path: Path,
        dictionaries: tuple[str, ...],
        version: str,
    ) -> None:
        self.cut = cut
        self.path = path
        self.dictionaries = dictionaries
        self.version = version
        self.known: dict[str, list[str]] | None = None  # read at the first call
        self.used: dict[str, list[str]] = {}
        self.segmented = 0  # texts given to jieba
        self.remembered = 0  # texts answered from the file

    def _identity(self) -> dict[str, Any]:
        digests = [_file_digest(path) for path in self.dictionaries]
        return {"jieba": self.version, "dictionaries": digests}

    def _read(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("identity") != self._identity():
            return {}
        segments = data.get("segments")
        if not isinstance(segments, dict):
            return {}
        return {
            text: words
            for text, words in segments.items()
            if isinstance(words, list) and all(isinstance(w, str) for w in words)
        }

    def __call__(self, sentence: str | bytes, *args: Any, **kwargs: Any) -> Iterator[str]:
        if args or kwargs:
            return self.cut(sentence, *args, **kwargs)
        try:
            text = sentence.decode("utf-8") if isinstance(sentence, bytes) else sentence
        except UnicodeDecodeError:
            return self.cut(sentence)
        if self.known is None:
            self.known = self._read()
        words = self.used.get(text)
        if words is None:
            words = self.known.get(text)
            if words is None:
                words = list(self.cut(sentence))
                self.segmented += 1
            else:
                self.remembered += 1
            self.used[text] = words
        return iter(words)

    def save(self) -> None:
        """Write the file if this process segmented anything or left an entry unused. A process
        that never asked the memo (no Chinese text) leaves the file as it is."""
        known = self.known
        if known is None or (not self.segmented and set(known) <= set(self.used)):
            return
        older = {text: words for text, words in known.items() if text not in self.used}
        kept = {**self.used, **older} if len(older) <= len(self.used) else dict(self.used)
        data = {"identity": self._identity(), "segments": dict(sorted(kept.items()))}
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)
        self.known, self.segmented = kept, 0


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
    _save_memo()
    site_dir = Path(config["site_dir"])
    index = index_path(site_dir)
    if not index.is_file():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    for lang, part in split_index(data).items():
        write_compact(index_path(site_dir, lang), part)
    index.unlink()


def _save_memo() -> None:
    try:
        import jieba
    except ImportError:
        return
    memo = jieba.cut
    if isinstance(getattr(memo, "segment_memo", None), str):
        if memo.segmented or memo.remembered:
            logging.getLogger("mkdocs").info(
                f"Chinese search: {memo.remembered} texts segmented from the memo, "
                f"{memo.segmented} by jieba"
            )
        memo.save()
        memo.remembered = 0
