"""Griffe extension: doctest examples in docstrings become ``pycon`` code blocks.

The package's docstrings carry ``>>>`` examples in plain paragraphs (they run as doctests).
Rendered as Markdown, a result such as ``[('AlexNet', 55)]`` would read as a link; fenced,
it shows as a Python session with its output.
"""

from __future__ import annotations

from typing import Any

import griffe

__all__ = ["DoctestFences", "fence_doctests"]


def fence_doctests(text: str) -> str:
    """Wrap each run of ``>>>`` lines and their output in a fenced ``pycon`` block."""
    out: list[str] = []
    block: list[str] = []
    indent = ""
    for line in text.split("\n"):
        stripped = line.lstrip()
        if not block and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            block.append(line)
        elif block and stripped:
            block.append(line)
        elif block:
            out += [f"{indent}```pycon", *block, f"{indent}```", line]
            block = []
        else:
            out.append(line)
    if block:
        out += [f"{indent}```pycon", *block, f"{indent}```"]
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence doctest examples in every docstring."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)
