"""Mutation testing: how many deliberately broken versions of the code the tests catch.

    python bench/mutation.py [--part js|python|all] [--cases N]

Run from the repository root (`make mutation`; not part of `make test`: it takes long).

python  mutmut (pinned in requirements.lock, configured under [tool.mutmut] in pyproject.toml)
        over the package `convshare/`: every mutant is run against the fast tests that reach
        the mutated function. Reads mutmut's results after `mutmut run`.
js      the calculator's logic, `docs/assets/calculator.js` (the part that runs outside the
        browser: conv2d, messages, number format, field parsing, the result lines and the
        figure's cells). One mutation at a time (an operator, a constant, a field of the result
        swapped for a neighbour), each mutant run through the parity check of
        tests/test_calculator_parity.py on a batch of random layers, in Node.

Results go to bench/mutation.json: score, counts, and every surviving mutant with the reason it
is equivalent where it is; the performance page renders them (bench/mutation_report.py).
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import difflib
import importlib.util
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "mutation.json"
CALCULATOR = ROOT / "docs" / "assets" / "calculator.js"
DRIVER = ROOT / "tests" / "js" / "run_calculator.js"

#: Surviving mutants judged equivalent (no input can tell them apart), by mutant description:
#: the reason, shown on the performance page.
EQUIVALENT_JS: dict[str, str] = {
    "line 75: 0 -> 1": "s[0] is read only when s[0] === s[1]",
    "line 180: r.out -> r.padded": "an output is never longer than its padded input, so the "
    "padded sizes alone decide whether the figure is drawn",
    "line 187: - -> +": "the rows and columns are added in increasing order, so the sort leaves "
    "them as they are with either comparator",
    "line 195: && -> ||": "the same in Node; in a browser it throws, which the browser test of "
    "the calculator page catches (the harness runs in Node only)",
}


# --- the calculator ---------------------------------------------------------------------------


def _code_mask(src: str) -> list[bool]:
    """True for each character of `src` that is code: not a comment, not inside a string, a
    regular expression or the literal text of a template (its ${...} parts are code)."""
    mask = [True] * len(src)
    i, n = 0, len(src)
    stack: list[str] = []  # "`" for a template, "{" for a brace inside ${...}
    prev = ""  # the last code character that is not a space
    while i < n:
        c = src[i]
        in_template = stack and stack[-1] == "`"
        if in_template:
            if c == "\\":
                mask[i : i + 2] = [False, False]
                i += 2
                continue
            if c == "`":
                mask[i] = False
                stack.pop()
                i += 1
                prev = "`"
                continue
            if src.startswith("${", i):
                mask[i : i + 2] = [False, False]
                stack.append("${")
                i += 2
                prev = "{"
                continue
            mask[i] = False
            i += 1
            continue
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            mask[i:j] = [False] * (j - i)
            i = j
            continue
        if src.startswith("/*", i):
            j = src.find("*/", i) + 2
            mask[i:j] = [False] * (j - i)
            i = j
            continue
        if c in "'\"":
            j = i + 1
            while src[j] != c:
                j += 2 if src[j] == "\\" else 1
            mask[i : j + 1] = [False] * (j + 1 - i)
            i = j + 1
            prev = c
            continue
        if c == "/" and (prev == "" or prev in "(,=:[!&|?{};"):
            j, in_class = i + 1, False
            while src[j] != "/" or in_class:
                if src[j] == "\\":
                    j += 1
                elif src[j] == "[":
                    in_class = True
                elif src[j] == "]":
                    in_class = False
                j += 1
            j += 1
            while j < n and src[j].isalpha():
                j += 1
            mask[i:j] = [False] * (j - i)
            i = j
            prev = "/"
            continue
        if c == "`":
            mask[i] = False
            stack.append("`")
            i += 1
            continue
        if c == "{" and stack:
            stack.append("{")
        elif c == "}" and stack:
            top = stack.pop()
            if top == "${":
                mask[i] = False
                i += 1
                continue
        if not c.isspace():
            prev = c
        i += 1
    return mask


#: (pattern, replacements) applied to code; each match and each replacement is one mutant.
_OPERATORS: list[tuple[str, list[str]]] = [
    (r"(?<![+=!<>])===(?!=)", ["!=="]),
    (r"!==", ["==="]),
    (r"(?<![<=>!])<(?![<=])", ["<=", ">"]),
    (r"(?<![<=>!])>(?![>=])", [">=", "<"]),
    (r"<=", ["<", ">"]),
    (r">=", [">", "<"]),
    (r"&&", ["||"]),
    (r"\|\|", ["&&"]),
    (r"(?<![+])\+(?![+=])", ["-"]),
    (r"(?<![-])-(?![->=])", ["+"]),
    (r"(?<![*/])\*(?![*/=])", ["/"]),
    (r"(?<![/*])/(?![/*=])", ["*"]),
    (r"%", ["*"]),
    (r"\b0n\b", ["1n"]),
    (r"\b1n\b", ["0n", "2n"]),
    (r"\b2n\b", ["1n"]),
    (r"(?<![\w.])(\d+)(?![\w.])", ["+1"]),
    (r"!(?!=)", [""]),
]

#: Fields of the result that a slip could swap for a neighbour (the display's mutations).
_FIELDS = [
    ("positions", "neurons"),
    ("shared", "unshared"),
    ("s", "d"),
    ("k", "d"),
    ("out", "padded"),
    ("cin", "cout"),
    ("extent", "padded"),
]


def js_mutants(src: str, start: int, end: int) -> list[tuple[str, str]]:
    """Every (description, mutated source) for the code between offsets `start` and `end`."""
    mask = _code_mask(src)
    out = []

    def line_of(pos: int) -> int:
        return src.count("\n", 0, pos) + 1

    for pattern, replacements in _OPERATORS:
        for m in re.finditer(pattern, src[start:end]):
            a, b = start + m.start(), start + m.end()
            if not all(mask[a:b]):
                continue
            for rep in replacements:
                new = str(int(m.group(0)) + 1) if rep == "+1" else rep
                what = f"line {line_of(a)}: {m.group(0)} -> {new or 'removed'}"
                out.append((what, src[:a] + new + src[b:]))
    for x, y in _FIELDS:
        for old, new in ((x, y), (y, x)):
            for m in re.finditer(rf"\br\.{old}\b", src[start:end]):
                a, b = start + m.start(), start + m.end()
                if all(mask[a:b]):
                    what = f"line {line_of(a)}: r.{old} -> r.{new}"
                    out.append((what, src[:a] + f"r.{new}" + src[b:]))
    # Literal words that build the display: a "2·" dropped, a " + 1" dropped.
    for literal in ('"2·"', '" + 1"'):
        for m in re.finditer(re.escape(literal), src[start:end]):
            a, b = start + m.start(), start + m.end()
            out.append((f'line {line_of(a)}: {literal} -> ""', src[:a] + '""' + src[b:]))
    return out


def _parity_module() -> Any:
    path = ROOT / "tests" / "test_calculator_parity.py"
    spec = importlib.util.spec_from_file_location("calculator_parity", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(path: Path, batch: str) -> str | None:
    """The driver's output for `batch` with calculator file `path`; None when it fails."""
    env = {**os.environ, "CALCULATOR_JS": str(path)}
    node = shutil.which("node")
    assert node
    try:
        proc = subprocess.run(
            [node, str(DRIVER)],
            input=batch,
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    return proc.stdout if proc.returncode == 0 else None


def run_js(cases: int, budget_s: float = 0.0) -> dict[str, Any]:
    """Mutants of the calculator's logic against the parity check on `cases` random layers."""
    parity = _parity_module()
    rng = random.Random(parity.SEED)
    layers = [parity.random_case(rng) for _ in range(cases)]
    units_rng = random.Random(parity.SEED + 1)
    units = [(units_rng.randint(0, 40), units_rng.randint(0, 40)) for _ in layers]
    numbers = [rng.randint(0, 10 ** rng.randint(0, 30)) for _ in range(300)] + [0, 999, 1000]
    from convshare._calculator import CALCULATOR_TEXT
    from convshare._conv import _AXES
    from convshare._errors import MESSAGES

    batch = json.dumps(
        {
            "data": {"messages": MESSAGES, "axes": _AXES},
            "text": CALCULATOR_TEXT,
            "cases": [{k: parity.encode(v) for k, v in c.items()} for c in layers],
            "units": [[str(i), str(j)] for i, j in units],
            "numbers": [str(n) for n in numbers],
        }
    )
    want = {
        "results": [parity.expected(c, u) for c, u in zip(layers, units, strict=True)],
        "numbers": [f"{n:,}" for n in numbers],
    }
    src = CALCULATOR.read_text(encoding="utf-8")
    # The logic: from the top to the line that stops outside a browser.
    end = src.index('if (typeof document === "undefined") return;')
    with tempfile.TemporaryDirectory(prefix="convshare-mutants-") as tmp:
        original = _run(CALCULATOR, batch)
        assert original is not None and json.loads(original) == want, "unmutated file fails"
        killed, survived = 0, []
        mutants = js_mutants(src, 0, end)
        started, run = time.monotonic(), 0
        for n, (what, text) in enumerate(mutants):
            if budget_s and time.monotonic() - started > budget_s:
                break  # out of time: the rest are counted as not run
            run += 1
            path = Path(tmp) / f"m{n}.js"
            path.write_text(text, encoding="utf-8")
            out = _run(path, batch)
            if out is None or json.loads(out) != want:
                killed += 1
            else:
                survived.append({"mutant": what, "equivalent": EQUIVALENT_JS.get(what, "")})
            print(f"\r{n + 1}/{len(mutants)} killed {killed}", end="", file=sys.stderr)
        print(file=sys.stderr)
    return {
        "target": "docs/assets/calculator.js",
        "tool": "bench/mutation.py (operators, constants, swapped result fields)",
        "check": f"tests/test_calculator_parity.py's comparison on {cases:,} random layers",
        "mutants": run,
        "generated": len(mutants),
        "killed": killed,
        "survived": survived,
        "score": killed / run if run else 0.0,
    }


# --- the package ------------------------------------------------------------------------------


_SOURCES: dict[str, dict[str, str]] = {}


def _mutant_diff(name: str) -> tuple[list[str], list[str]]:
    """The lines a mutmut mutant removes and adds, read from mutmut's copy of the module
    (mutants/<module>.py holds the original of each function and every mutant of it)."""
    module, _, func = name.rpartition(".")
    if module not in _SOURCES:
        path = ROOT / "mutants" / (module.replace(".", "/") + ".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        _SOURCES[module] = {
            node.name: ast.unparse(node)
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
    functions = _SOURCES[module]
    original = functions.get(func.rsplit("__mutmut_", 1)[0] + "__mutmut_orig", "")
    mutant = functions.get(func, "")
    a = [x.strip() for x in original.splitlines()[1:]]
    b = [x.strip() for x in mutant.splitlines()[1:]]
    diff = list(difflib.ndiff(a, b))
    minus = [x[2:] for x in diff if x.startswith("- ")]
    plus = [x[2:] for x in diff if x.startswith("+ ")]
    if not minus and not plus:  # the mutation is in the signature (a default value)
        minus, plus = original.splitlines()[:1], mutant.splitlines()[:1]
    return minus, plus


def _equivalent(before: str, after: str) -> str:
    """Why a surviving mutant of the package cannot be told apart, where it cannot; else ""."""
    lang_arg = r"(fmt|ratio)\((.*?), (lang|None)?\s*\)"
    if re.search(r"\b(fmt|ratio)\(", before) and re.sub(lang_arg, r"\1(\2)", before) == re.sub(
        lang_arg, r"\1(\2)", after.replace("fmt(lang)", "fmt()")
    ):
        return (
            "the language argument of fmt()/ratio() is dropped: both write numbers the same way "
            "in Chinese and English in the measured version"
        )
    return ""


def run_python() -> dict[str, Any]:
    """mutmut over convshare/: run it, then read its verdict for every mutant."""
    mutmut = Path(sys.executable).parent / "mutmut"
    subprocess.run([str(mutmut), "run", "--max-children", "2"], cwd=ROOT, check=False)
    return read_mutmut()


def read_mutmut() -> dict[str, Any]:
    """Counts and survivors from mutmut's results (`mutmut results --all true`)."""
    mutmut = Path(sys.executable).parent / "mutmut"
    proc = subprocess.run(
        [str(mutmut), "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    status: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"\s*(\S+): (.+)$", line)
        if m:
            status[m.group(1)] = m.group(2).strip()
    counts: dict[str, int] = {}
    for verdict in status.values():
        counts[verdict] = counts.get(verdict, 0) + 1
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    judged = sum(v for k, v in counts.items() if k not in ("not checked", "skipped"))
    survivors = []
    for name in sorted(n for n, v in status.items() if v in ("survived", "no tests")):
        survivors.append({"mutant": name, "equivalent": ""})
        if status[name] == "no tests":
            survivors[-1]["equivalent"] = "no selected test reaches this function"
            continue
        minus, plus = _mutant_diff(name)
        if minus and plus:
            survivors[-1]["mutant"] = f"{name}: {minus[0]} → {plus[0]}"
            survivors[-1]["equivalent"] = _equivalent(minus[0], plus[0])
    return {
        "target": "convshare/",
        "tool": "mutmut 3.8.1",
        "check": "the tests listed under [tool.mutmut] in pyproject.toml",
        "mutants": judged,
        "killed": killed,
        "counts": counts,
        "survived": survivors,
        "score": killed / judged if judged else 0.0,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["js", "python", "all"], default="all")
    parser.add_argument("--cases", type=int, default=1500)
    parser.add_argument(
        "--budget-s", type=float, default=0.0, help="stop running calculator mutants after this"
    )
    parser.add_argument(
        "--read-mutmut", action="store_true", help="read an earlier `mutmut run` instead"
    )
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    if RESULTS.exists():
        results = json.loads(RESULTS.read_text(encoding="utf-8"))
    if args.part in ("js", "all"):
        results["js"] = run_js(args.cases, args.budget_s)
    if args.part in ("python", "all"):
        results["python"] = read_mutmut() if args.read_mutmut else run_python()
    results["date"] = dt.date.today().isoformat()
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for part in ("python", "js"):
        if part in results:
            r = results[part]
            print(f"{part}: {r['killed']}/{r['mutants']} killed ({r['score']:.1%})")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
