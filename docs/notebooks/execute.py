"""Write the notebooks from their sources, in both languages, and execute them in place.

Each notebook has one source, ``_src_<name>.py``: a list of cells in which Markdown is written
in Chinese and English and code is shared (``«word»`` marks a word that differs by language).
This script writes ``<name>.ipynb`` (Chinese, the site's default language) and
``<name>.en.ipynb`` (English), then runs every code cell with the same kernel the tests use and
stores the outputs, so that the site shows the committed results without executing anything.

    python docs/notebooks/execute.py                 # every notebook
    python docs/notebooks/execute.py training-speed  # one notebook, both languages

Cells tagged ``timing`` print machine-dependent measurements; ``machine`` prints the machine.
``tests/test_notebooks.py`` re-executes the notebooks and compares every other output exactly.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tempfile
import textwrap
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

HERE = Path(__file__).resolve().parent
LANGS = ("zh", "en")
NAMES = ("sharing", "equivariance", "training-speed")
TIMEOUT_S = 300  # per cell

# Chinese characters and full-width punctuation on both sides of a line break.
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])\n[ \t]*(?=[{_CJK}])")


@dataclass(frozen=True)
class Cell:
    """One cell in both languages."""

    kind: str  # "markdown" or "code"
    text: dict[str, str]
    tags: tuple[str, ...] = field(default=())


def md(zh: str, en: str) -> Cell:
    """A Markdown cell, written in each language.

    Chinese lines are joined where a line break falls between two Chinese characters: a browser
    shows such a break as a space, which Chinese text does not have.
    """
    return Cell("markdown", {"zh": _CJK_BREAK.sub("", _clean(zh)), "en": _clean(en)})


def code(
    src: str,
    *,
    tags: Iterable[str] = (),
    alt: tuple[str, str] | None = None,
    **words: tuple[str, str],
) -> Cell:
    """A code cell shared by both languages; ``«name»`` becomes ``words[name]`` (zh, en).

    ``«lang»`` becomes the language code itself, and ``«alt»`` a figure's description, as a
    string literal cut into lines.
    """
    src = _clean(src)
    text = {}
    for i, lang in enumerate(LANGS):
        out = src.replace("«lang»", lang)
        if alt is not None:
            out = out.replace("«alt»", literal(alt[i]))
        for name, pair in words.items():
            out = out.replace(f"«{name}»", pair[i])
        if "«" in out:
            raise ValueError(f"untranslated placeholder in code cell:\n{out}")
        text[lang] = out
    return Cell("code", text, tuple(tags))


def literal(text: str, width: int = 64) -> str:
    """``text`` as a Python string literal in pieces of at most ``width`` columns.

    A Chinese character takes two columns; English text is cut after a space.
    """
    pieces, piece, columns = [], "", 0
    for char in text:
        w = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if columns + w > width:
            cut = piece.rfind(" ") + 1 if " " in piece and char != " " else len(piece)
            cut = cut or len(piece)
            pieces.append(piece[:cut])
            piece = piece[cut:]
            columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in piece)
        piece += char
        columns += w
    pieces.append(piece)
    return "(\n" + "\n".join(repr(p) for p in pieces) + "\n)"


def _clean(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def notebook_path(name: str, lang: str) -> Path:
    """``name.ipynb`` for Chinese (the default language), ``name.en.ipynb`` for English."""
    return HERE / (f"{name}.ipynb" if lang == "zh" else f"{name}.{lang}.ipynb")


def cells(name: str) -> list[Cell]:
    """The cells of notebook ``name`` from its source module ``_src_<name>.py``."""
    module_name = "_src_" + name.replace("-", "_")
    spec = importlib.util.spec_from_file_location(module_name, HERE / f"{module_name}.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(module_name)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("execute", sys.modules[__name__])
    spec.loader.exec_module(module)
    result: list[Cell] = module.CELLS
    return result


def _format(src: str) -> str:
    """Code as ``ruff format`` lays it out in 80 columns, the width of the site's code blocks."""
    ruff = [sys.executable, "-m", "ruff", "format", "--line-length", "80", "--stdin-filename"]
    result = subprocess.run(
        [*ruff, "cell.py", "-"], input=src, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ValueError(f"ruff cannot format a code cell: {result.stderr}\n{src}")
    return result.stdout.rstrip("\n")


def build(name: str, lang: str) -> nbformat.NotebookNode:
    """The unexecuted notebook ``name`` in ``lang``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    for i, cell in enumerate(cells(name)):
        if cell.kind == "markdown":
            nb_cell = nbformat.v4.new_markdown_cell(cell.text[lang], id=f"{name}-{i:02d}")
        else:
            nb_cell = nbformat.v4.new_code_cell(_format(cell.text[lang]), id=f"{name}-{i:02d}")
        if cell.tags:
            nb_cell.metadata["tags"] = list(cell.tags)
        nb.cells.append(nb_cell)
    return nb


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Run every code cell in this folder with a fresh ``python3`` kernel; errors raise."""
    with tempfile.TemporaryDirectory(prefix="convshare-kernel-") as sockets:
        # Local sockets (ipc) rather than TCP: nothing listens on the network. The client
        # creates, owns and shuts down the kernel and closes its sockets.
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = f"{sockets}/kernel"
        client = NotebookClient(
            nb,
            config=config,
            kernel_name="python3",
            timeout=TIMEOUT_S,
            allow_errors=False,
            record_timing=False,
            resources={"metadata": {"path": str(HERE)}},
        )
        client.execute()
    return nb


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write a notebook the way Jupyter does (one-space indent, trailing newline)."""
    nbformat.validate(nb)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    names = argv or list(NAMES)
    unknown = sorted(set(names) - set(NAMES))
    if unknown:
        print(f"unknown notebook(s): {', '.join(unknown)}; choose from {', '.join(NAMES)}")
        return 2
    for name in names:
        for lang in LANGS:
            path = notebook_path(name, lang)
            print(f"executing {path.relative_to(HERE.parent.parent)}", flush=True)
            write(execute(build(name, lang)), path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
