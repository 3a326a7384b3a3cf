"""The site's glossary (``docs/glossary.yml``): one chosen term per concept, rendered and checked.

The same file drives the glossary pages and the terminology check of the test suite: each term's
chosen name (first in ``zh``), its accepted synonyms (after `` / ``), and the other names readers
meet in other books (``zh_alt``), which the site uses only where it quotes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ._measurements import DataError
from ._render import _lang

__all__ = ["Term", "glossary_markdown", "load_glossary"]


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    zh: str
    en: str
    def_zh: str
    def_en: str
    zh_alt: tuple[tuple[str, dict[str, str] | None], ...] = ()

    @property
    def chosen(self) -> str:
        """The Chinese name the site uses, without a bracketed qualifier: 参数共享, 平移不变性."""
        return re.sub(r"（.*?）", "", self.accepted[0]).strip()

    @property
    def accepted(self) -> tuple[str, ...]:
        """The chosen name and its accepted synonyms."""
        return tuple(part.strip() for part in self.zh.split(" / "))


@dataclass(frozen=True)
class Glossary:
    """The glossary's sections."""

    sections: tuple[tuple[dict[str, str], tuple[Term, ...]], ...]

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(t for _, terms in self.sections for t in terms)


def _term(data: Any, file: str) -> Term:
    fields = {"zh", "en", "def_zh", "def_en"}
    if not isinstance(data, dict) or not fields <= set(data) <= fields | {"zh_alt"}:
        raise DataError(f"a term needs the fields {sorted(fields)}, zh_alt optional", file=file)
    alts = []
    for alt in data.get("zh_alt", []):
        if not isinstance(alt, dict) or not isinstance(alt.get("term"), str):
            raise DataError(f"{data['zh']}: each zh_alt needs a 'term'", file=file)
        where = alt.get("where")
        alts.append((alt["term"], where if isinstance(where, dict) else None))
    zh, en, def_zh, def_en = (str(data[k]) for k in ("zh", "en", "def_zh", "def_en"))
    return Term(zh, en, def_zh, def_en, zh_alt=tuple(alts))


def load_glossary(path: str | Path) -> Glossary:
    """The glossary file's sections and terms; a bad file raises ``DataError``."""
    file = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DataError(f"cannot read the glossary: {error}", file=file) from error
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        raise DataError("expected a mapping with a list of sections", file=file)
    sections = tuple(
        (dict(section["title"]), tuple(_term(t, file) for t in section["terms"]))
        for section in data["sections"]
    )
    return Glossary(sections)


def _alternatives(term: Term, lang: str) -> str:
    if not term.zh_alt:
        return ""
    names = []
    for name, where in term.zh_alt:
        if where is None:
            names.append(f"“{name}”" if lang == "zh" else name)
        elif lang == "zh":
            names.append(f"“{name}”（{where['zh']}）")
        else:
            names.append(f"{name} ({where['en']})")
    if lang == "zh":
        return "其他叫法：" + "、".join(names) + "，本站不用。"
    return " Other Chinese names: " + "; ".join(names) + ". Not used on this site."


def glossary_markdown(path: str | Path, lang: str) -> str:
    """The glossary's sections as Markdown headings and tables, with the other names readers meet.

    Written into the page before Markdown is parsed, so the headings join the table of contents.
    Two columns, so that a phone's column leaves room for both: the term in the page's language
    with the other language's term under it, then the definition.
    """
    lang = _lang(lang)
    glossary = load_glossary(path)
    other = "zh" if lang == "en" else "en"
    header = "| Term | Definition |" if lang == "en" else "| 术语 | 释义 |"
    parts = []
    for title, terms in glossary.sections:
        parts += [f"## {title[lang]}", "", '<div class="glossary-table" markdown>', ""]
        parts += [header, "| --- | --- |"]
        for term in terms:
            name, other_name = getattr(term, lang), getattr(term, other)
            definition = getattr(term, "def_" + lang) + _alternatives(term, lang)
            names = f'**{name}**<br><span lang="{other}">{other_name}</span>'
            parts.append(f"| {names} | {definition} |")
        parts += ["", "</div>", ""]
    return "\n".join(parts)
