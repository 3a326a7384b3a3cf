"""Computed numbers inside prose: ``{{ expression }}`` in a page's Markdown becomes its value.

Prose never types a figure that the package can produce; it writes, for example,
``{{ fmt(alexnet1.params_unshared) }}`` and the build puts the number there. Expressions are
evaluated (outside fenced code blocks and inline code) in a small namespace:

* the public names of ``convshare`` (``conv2d``, ...);
* ``fmt(n)``: ``n`` with thousands separators, in the page's language (``*.en.md`` is English,
  every other page Chinese);
* ``tex(n)``: the same for use inside maths (``{,}`` keeps TeX from spacing the comma);
* the named layers of :data:`LAYERS`, shared by every page;
* ``glossary()``: the glossary's sections (``docs/glossary.yml``) as Markdown, on its own line.

A value must be a string or an integer (an integer is formatted with ``fmt``). Any error
stops the build with a ``PluginError`` that names the page and the expression.

Expressions are page authors' text, and only theirs: this hook runs before the hooks that
insert generated text (architectures.py), which never holds ``{{``. They are not Python: a
small language is parsed with :mod:`ast` and walked by :func:`evaluate`, which allows names
from the namespace, attribute access on the package's objects (never a name that starts with
``_``), subscripts by literal integers or strings, calls of the namespace's functions, a few
builtins and public methods of the package's objects, integer and string literals,
``+ - * //`` on integers and ``+`` on two strings. Nothing else (``__globals__``, lambdas,
comprehensions, ``**``) can be written.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

__all__ = ["LAYERS", "evaluate", "namespace", "page_language", "substitute"]

#: Layers that pages name in prose: name -> (positional, keyword) arguments of ``conv2d``.
#: The one place where the site's recurring examples are defined.
LAYERS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    # AlexNet's first layer as CS231n and the article compute it (227x227x3 input).
    "alexnet1": ((227, 3, 96, 11), {"stride": 4}),
    # The same layer on the 224x224x3 input that the AlexNet paper states.
    "alexnet1_224": ((224, 3, 96, 11), {"stride": 4}),
    # torchvision's AlexNet ("one weird trick" variant): 64 filters, padding 2 on 224.
    "alexnet1_tv": ((224, 3, 64, 11), {"stride": 4, "padding": 2}),
    # LeNet-5's C1 on the unpadded 28x28 MNIST digit, as the article computes it.
    "lenet28": ((28, 1, 6, 5), {}),
    # LeNet-5's C1 on the 32x32 input of LeCun et al. (1998).
    "lenet32": ((32, 1, 6, 5), {}),
}

_EXPR = re.compile(r"\{\{(.+?)\}\}")
_INLINE_CODE = re.compile(r"(`+)(?:.+?)(?<!`)\1(?!`)")

_BUILTINS: dict[str, Any] = {
    name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
    for name in ("abs", "int", "len", "max", "min", "round", "str", "sum")
}


def page_language(src_uri: str) -> str:
    """``"en"`` for ``*.en.md`` pages, otherwise ``"zh"`` (the default language)."""
    return str(importlib.import_module("convshare").page_language(src_uri))


def _fallback_fmt(n: int, lang: str = "zh") -> str:
    return f"{n:,}"


def glossary_markdown(path: Path, lang: str) -> str:
    """The glossary's sections as Markdown (written into the page before parsing, so the
    headings join the table of contents); rendered by the package."""
    return str(importlib.import_module("convshare").glossary_markdown(path, lang))


def namespace(lang: str, docs_dir: str | None = None) -> dict[str, Any]:
    """Names available to ``{{ … }}`` on a page in ``lang``; imports ``convshare`` afresh."""
    convshare = importlib.import_module("convshare")
    package_fmt: Callable[..., str] = getattr(convshare, "fmt", _fallback_fmt)

    def fmt(n: int) -> str:
        return package_fmt(n, lang)

    def tex(n: int) -> str:
        return fmt(n).replace(",", "{,}")

    names: dict[str, Any] = {name: getattr(convshare, name) for name in convshare.__all__}
    names.update(fmt=fmt, tex=tex, lang=lang)
    if docs_dir is not None:
        glossary_file = Path(docs_dir) / "glossary.yml"
        names["glossary"] = lambda: glossary_markdown(glossary_file, lang)
    for layer, (args, kwargs) in LAYERS.items():
        names[layer] = convshare.conv2d(*args, **kwargs)
    names["__builtins__"] = _BUILTINS
    return names


class ExpressionError(ValueError):
    """Something an inline-figure expression may not do."""


_OPERATORS: dict[type[ast.operator], Callable[[int, int], int]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.FloorDiv: lambda a, b: a // b,
}
_MAX_LENGTH = 300


def _ours(value: object) -> bool:
    """Whether ``value`` is an object of the package (a result, a layer ...), not a module."""
    return type(value).__module__.split(".")[0] == "convshare" and not isinstance(
        value, type(importlib)
    )


def evaluate(expression: str, names: dict[str, Any]) -> object:
    """The value of an inline-figure expression, in the small language described above.

    >>> import convshare
    >>> names = {"alexnet1": convshare.conv2d(227, 3, 96, 11, stride=4), "fmt": "{:,}".format}
    >>> evaluate("fmt(2 * alexnet1.macs)", names), evaluate("alexnet1.output_size[0] + 1", names)
    ('210,830,400', 56)
    >>> evaluate("'{0.__globals__}'.format(fmt)", names)
    Traceback (most recent call last):
    ...
    prose_numbers.ExpressionError: attribute access is only for the package's objects
    >>> evaluate("fmt.__globals__", names)
    Traceback (most recent call last):
    ...
    prose_numbers.ExpressionError: no name that starts with '_': __globals__
    >>> evaluate("[x for x in ()]", names)
    Traceback (most recent call last):
    ...
    prose_numbers.ExpressionError: not allowed in an inline figure: ListComp
    """
    if len(expression) > _MAX_LENGTH:
        raise ExpressionError(f"longer than {_MAX_LENGTH} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"not an expression: {error.msg}") from None
    return _walk(tree.body, names)


def _walk(node: ast.AST, names: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant) and type(node.value) in (int, str):
        return node.value
    if isinstance(node, ast.Name):
        builtins = names.get("__builtins__", {})
        if node.id.startswith("_") or (node.id not in names and node.id not in builtins):
            raise ExpressionError(f"unknown name: {node.id}")
        return names[node.id] if node.id in names else builtins[node.id]
    if isinstance(node, ast.Attribute):
        if node.attr.startswith("_"):
            raise ExpressionError(f"no name that starts with '_': {node.attr}")
        owner = _walk(node.value, names)
        if not _ours(owner):
            raise ExpressionError("attribute access is only for the package's objects")
        return getattr(owner, node.attr)
    if isinstance(node, ast.Subscript):
        index = node.slice
        if not (isinstance(index, ast.Constant) and type(index.value) in (int, str)):
            raise ExpressionError("a subscript must be a literal integer or string")
        owner = _walk(node.value, names)
        if not isinstance(owner, tuple | list | dict) or (
            isinstance(owner, dict) != isinstance(index.value, str)
        ):
            raise ExpressionError("only tuples and lists (by integer), dicts (by string)")
        return owner[index.value]
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _walk(node.left, names), _walk(node.right, names)
        if isinstance(node.op, ast.Add) and isinstance(left, str) and isinstance(right, str):
            return left + right
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right)):
            raise ExpressionError("arithmetic is only for integers (and + joins two strings)")
        return _OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _walk(node.operand, names)
        if not isinstance(value, int):
            raise ExpressionError("arithmetic is only for integers")
        return -value
    if isinstance(node, ast.Call):
        function = _walk(node.func, names)
        if not _callable(node.func, function, names):
            raise ExpressionError("only the namespace's functions can be called")
        if any(k.arg is None for k in node.keywords) or any(
            isinstance(a, ast.Starred) for a in node.args
        ):
            raise ExpressionError("no * or ** in a call")
        args = [_walk(a, names) for a in node.args]
        kwargs = {k.arg: _walk(k.value, names) for k in node.keywords if k.arg}
        return function(*args, **kwargs)
    raise ExpressionError(f"not allowed in an inline figure: {type(node).__name__}")


def _callable(node: ast.AST, function: object, names: dict[str, Any]) -> bool:
    """A function named in the namespace (the package's, fmt, tex, a few builtins), or a
    public method of one of the package's objects."""
    if isinstance(node, ast.Name):
        return callable(function)  # _walk found it in the namespace or the builtins above
    owner = getattr(function, "__self__", None)
    return isinstance(node, ast.Attribute) and owner is not None and _ours(owner)


def _evaluate(expression: str, names: dict[str, Any]) -> str:
    value = evaluate(expression, names)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"value must be a string or an integer, got {type(value).__name__}")
    return names["fmt"](value) if isinstance(value, int) else value


def _substitute_text(text: str, names: dict[str, Any], where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        try:
            return _evaluate(expression, names)
        except Exception as error:
            raise PluginError(
                f"{where}: cannot evaluate {{{{ {expression} }}}}: {type(error).__name__}: {error}"
            ) from error

    out = []
    last = 0
    for code in _INLINE_CODE.finditer(text):
        out.append(_EXPR.sub(replace, text[last : code.start()]))
        out.append(code.group(0))
        last = code.end()
    out.append(_EXPR.sub(replace, text[last:]))
    return "".join(out)


def substitute(markdown: str, names: dict[str, Any], where: str = "<page>") -> str:
    """Replace every ``{{ … }}`` outside fenced code blocks and inline code (the package's
    ``map_outside_fences`` decides what is code)."""
    scan = importlib.import_module("convshare").map_outside_fences
    return str(scan(markdown, lambda text: _substitute_text(text, names, where)))


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    src = page.file.src_uri
    if "{{" not in markdown:
        return markdown
    try:
        config = kwargs.get("config")
        names = namespace(page_language(src), config["docs_dir"] if config else None)
    except Exception as error:
        raise PluginError(f"{src}: cannot prepare the names for {{{{ … }}}}: {error}") from error
    return substitute(markdown, names, src)
