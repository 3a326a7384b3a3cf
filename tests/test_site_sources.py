"""The site's Markdown sources: both languages, computed numbers, and the site's terminology.

Reads ``docs/`` only; building the site is ``test_site_build.py``'s job.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

#: The marker that sets a quotation of the source article's wrong figures or wording apart.
MARKER = re.compile(r'<q class="quoted-wrong">(.*?)</q>', re.DOTALL)
#: Only the fact-check page quotes the article's wrong wording.
FACT_CHECK = {"fact-check.md", "fact-check.en.md"}

#: Mistranslations of the article's Chinese machine translation (FACTS.md, "Chinese
#: terminology"): 重量共享 and 权重分配 for weight sharing, 特征地图 and 要素地图 for feature map,
#: 输出音量 for output volume, 万辆 and 台 counting neurons as vehicles and machines; 重量
#: (physical weight) for a model's weights and "conv 图层" for conv layer.
MISTRANSLATIONS = (
    "重量共享",
    "权重分配",
    "特征地图",
    "要素地图",
    "输出音量",
    "万辆",
    "三千四百五十六台",
    "重量",
    "图层",
)

_TEXT_SUFFIXES = {".md", ".yml", ".yaml", ".ipynb", ".py", ".js", ".json", ".css", ".html"}


def _pages(suffix: str) -> list[Path]:
    return sorted(p for p in DOCS.rglob(f"*{suffix}") if not p.name.startswith("."))


def _is_english(path: Path) -> bool:
    return path.name.endswith((".en.md", ".en.ipynb"))


def _counterpart(path: Path) -> Path:
    """The other language's file: ``a.md`` <-> ``a.en.md``, ``a.ipynb`` <-> ``a.en.ipynb``."""
    suffix = path.suffix
    if _is_english(path):
        return path.with_name(path.name[: -len(".en" + suffix)] + suffix)
    return path.with_name(path.name[: -len(suffix)] + ".en" + suffix)


SOURCES = [p for suffix in (".md", ".ipynb") for p in _pages(suffix)]


@pytest.mark.parametrize("page", SOURCES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_exists_in_both_languages(page: Path) -> None:
    """Every page has its counterpart in the other language (suffix structure)."""
    other = _counterpart(page)
    assert other.is_file(), f"{page.relative_to(DOCS)} has no counterpart {other.relative_to(DOCS)}"


# --- numbers in prose -------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+).+?(?<!`)\1(?!`)", re.DOTALL)
_EXPRESSION = re.compile(r"\{\{.+?\}\}", re.DOTALL)
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<https?://[^>]+>")
_HTML_TAG = re.compile(r"<[^>]+>")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_AUTODOC = re.compile(r"^:::.*(?:\n[ \t]+.*)*", re.MULTILINE)
#: A number of four or more digits, grouped with commas or not (TeX's ``{,}`` included).
_BIG_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\d,])|(?<![\w.,])\d{4,}(?![\d])")
_YEAR = re.compile(r"(?:19|20)\d\d")


def strip_fences(text: str) -> str:
    """Remove fenced code blocks (exec blocks included), indented ones inside admonitions too."""
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        match = _FENCE_OPEN.match(line)
        if fence is None:
            if match:
                fence = match.group("fence")
            else:
                out.append(line)
        elif (
            match
            and match.group("fence")[0] == fence[0]
            and len(match.group("fence")) >= len(fence)
        ):
            if not line.strip()[len(match.group("fence")) :].strip():
                fence = None
    return "\n".join(out)


def prose(text: str) -> str:
    """The text a reader reads as prose: no code, no ``{{ … }}``, no marked quotations, no URLs."""
    text = _FRONT_MATTER.sub("", text)
    text = strip_fences(text)
    text = _HTML_COMMENT.sub("", text)
    text = _AUTODOC.sub("", text)
    text = _INLINE_CODE.sub("", text)
    text = _EXPRESSION.sub("", text)
    text = MARKER.sub("", text)
    text = _LINK_TARGET.sub("]", text)
    text = _HTML_TAG.sub("", text)
    return text.replace("{,}", ",")


def typed_numbers(text: str) -> list[str]:
    """Numbers of four or more digits typed into prose; years (19xx, 20xx) are allowed."""
    return [m for m in _BIG_NUMBER.findall(prose(text)) if not _YEAR.fullmatch(m)]


MARKDOWN = _pages(".md")


@pytest.mark.parametrize("page", MARKDOWN, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_prose_types_no_large_number(page: Path) -> None:
    """Figures of four or more digits come from the package (exec blocks or {{ … }}), not typing."""
    found = typed_numbers(page.read_text(encoding="utf-8"))
    assert not found, f"{page.relative_to(DOCS)}: numbers typed into prose: {found}"


def test_number_scanner_sees_typed_figures() -> None:
    """The scanner finds typed figures and skips code, expressions, quotations, links and years."""
    text = (
        "---\ntitle: x\n---\n"
        "It has 290,400 neurons and 34944 parameters, or $105{,}705{,}600$.\n"
        'Computed: {{ fmt(alexnet1.neurons) }}; quoted: <q class="quoted-wrong">105,415,600</q>.\n'
        "`conv2d(1234)` [link](https://example.org/4824-paper.pdf) in 1998.\n"
        '```python exec="on"\nprint(105_705_600, 12345)\n```\n'
        "!!! note\n    ```python\n    x = 99999\n    ```\n"
    )
    assert typed_numbers(text) == ["290,400", "34944", "105,705,600"]


# --- terminology ------------------------------------------------------------------------------

DOC_FILES = sorted(
    p
    for p in DOCS.rglob("*")
    if p.is_file() and p.suffix in _TEXT_SUFFIXES and ".ipynb_checkpoints" not in p.parts
)


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_no_mistranslation(path: Path) -> None:
    """The machine translation's wrong terms appear only as marked quotations on the fact check."""
    text = path.read_text(encoding="utf-8")
    if path.relative_to(DOCS).as_posix() in FACT_CHECK:
        text = MARKER.sub("", text)
    found = [term for term in MISTRANSLATIONS if term in text]
    assert not found, f"{path.relative_to(DOCS)} uses {found}; see docs/glossary.yml"


@pytest.mark.parametrize("name", sorted(FACT_CHECK))
def test_fact_check_quotes_the_wrong_figure_marked(name: str) -> None:
    """The article's printed 105,415,600 is quoted, and only inside the marker."""
    text = (DOCS / name).read_text(encoding="utf-8")
    assert text.count("<q ") == text.count("</q>"), "unbalanced <q> quotation marks"
    quoted = [q for q in MARKER.findall(text) if "105,415,600" in q]
    assert quoted, "the article's wrong figure 105,415,600 is not quoted"
    assert "105,415,600" not in MARKER.sub("", text)


def test_marked_quotations_are_closed() -> None:
    """Every marked quotation is closed, on every page."""
    for page in MARKDOWN:
        text = page.read_text(encoding="utf-8")
        opened = len(re.findall(r'<q class="quoted-wrong">', text))
        assert opened == len(MARKER.findall(text)), f"{page.relative_to(DOCS)}: unclosed marker"
