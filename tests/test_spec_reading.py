"""Reading a spec's YAML: libyaml's event parser and PyYAML's pure-Python one agree.

Specs are read with libyaml's parser where PyYAML has it (about four times faster, which is
most of a spec's cost in a site build); the composition, with its bounds (no aliases, depth,
number of values, digits, duplicate keys), stays in Python. Every value and every refusal (its
kind and line) must be what the pure-Python loader gives, for hostile text and real specs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from convshare import _spec

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "docs" / "architectures").glob("*.yaml"))

CASES = {
    "alias": "a: &x 1\nb: *x\n",
    "duplicate key": "a: 1\na: 2\n",
    "list as key": "? [k]\n: 1\n",
    "too many digits": "n: " + "9" * 60 + "\n",
    "no such date": "d: 2024-13-45\n",
    "too deep": "x: " + "[" * 80 + "]" * 80 + "\n",
    "unclosed": "a: [1, 2\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "plain": "a: 'x'\nb: [1, {c: 2.5, d: null, e: true, f: 0x1f}]\n",
    **{p.stem: p.read_text(encoding="utf-8") for p in SPECS},
}


def _outcome(loader: type[_spec._SpecLoader], text: str) -> tuple[object, ...]:
    reader = loader(text)
    try:
        return ("value", reader.get_single_data())
    except _spec._Refused as e:
        mark = e.problem_mark
        return ("refused", e.code, mark.line if mark else None)
    except yaml.YAMLError:
        return ("invalid",)
    finally:
        reader.dispose()


def test_libyaml_is_used() -> None:
    """The test environment's PyYAML has libyaml, so the fast loader is the one in use."""
    assert _spec._LOADER is _spec._FastSpecLoader


@pytest.mark.parametrize("name", sorted(CASES))
def test_libyaml_events_give_what_the_python_parser_gives(name: str) -> None:
    """The same values, the same refusals at the same lines, the same invalid texts."""
    text = CASES[name]
    fast, slow = _outcome(_spec._FastSpecLoader, text), _outcome(_spec._SpecLoader, text)
    assert fast == slow
    if name in ("alias", "duplicate key", "too many digits", "too deep"):
        assert fast[0] == "refused"
