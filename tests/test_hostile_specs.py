"""Hostile and careless specs: ``python -m convshare check`` answers each with a clear error,
never a traceback, within hard resource bounds, and goes on to the next file.

The corpus is ``tests/data/hostile/*.yaml`` (one file per finding of the spec-safety review and
its cousins) plus a few large cases generated here (a file over the size limit, too many layers,
blocks nested too deep, an over-long summary). Each case runs in its own subprocess under
``RLIMIT_AS`` and ``RLIMIT_CPU`` and a kill timeout, far above what a normal check needs (about
20 MB and half a second): these are bounds that turn a runaway into a failure, not timing
assertions. A property test feeds random YAML-like data to ``parse_spec``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convshare
from convshare import ConvShareError, SpecError
from convshare._errors import SPEC_MESSAGES, message
from convshare._spec import LIMITS

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "data" / "hostile"

# Hard bounds for one `check` run (a normal run: ~20 MB resident, well under a second).
MEMORY_BOUND = 512 * 2**20  # address space, bytes
CPU_BOUND = 30  # seconds of CPU
WALL_BOUND = 120  # seconds before the process is killed

HEAD = "name: hostile\ninput: [1, 28, 28]\n"
C1 = "layers:\n  - {type: conv, name: C1, out_channels: 6, kernel_size: 5}\n"

#: committed file -> (the error's code, where it is reported or None)
EXPECTED: dict[str, tuple[str, str | None]] = {
    "alias-bomb.yaml": ("yaml_alias", "line 3, column 4"),
    "alias-under-source.yaml": ("yaml_alias", "line 5, column 9"),
    "merge-key.yaml": ("yaml_alias", "line 4, column 5"),
    "deep-flow.yaml": ("yaml_too_deep", None),
    "deep-block.yaml": ("yaml_too_deep", None),
    "long-number.yaml": ("yaml_long_number", "line 2, column 12"),
    "big-number.yaml": ("too_large", None),
    "huge-connections-index.yaml": ("too_large", "layers[0] (C1)"),
    "infinite-kernel.yaml": ("bad_pair_spec", "layers[0] (C1)"),
    "unhashable-key.yaml": ("yaml_bad_key", "line 5, column 3"),
    "duplicate-key.yaml": ("yaml_duplicate_key", "line 5, column 1"),
    "bad-date.yaml": ("yaml_bad_value", "line 1, column 7"),
    "python-tag.yaml": ("yaml_invalid", "line 1, column 7"),
    "binary-name.yaml": ("bad_name", None),
    "source-tree.yaml": ("bad_text", None),
    "published-source-list.yaml": ("bad_text", None),
    "layer-type-list.yaml": ("unknown_type", "layers[0] (C1)"),
    "layer-name-mapping.yaml": ("bad_layer_name", "layers[0]"),
    "crlf-layer-name.yaml": ("text_control", "layers[0]"),
    "esc-bel-name.yaml": ("text_control", None),
    "bidi-name.yaml": ("text_control", None),
    "newline-title.yaml": ("text_control", None),
    "nul-summary.yaml": ("text_control", None),
    "not-utf8.yaml": ("not_utf8", None),
}

#: generated file -> (its text or bytes, the error's code)
GENERATED: dict[str, tuple[str | bytes, str]] = {
    "too-large-file.yaml": (HEAD + C1 + "# " + "x" * LIMITS["file_bytes"] + "\n", "file_too_large"),
    "too-many-layers.yaml": (
        HEAD + "layers:\n" + "  - {type: relu}\n" * (LIMITS["layers"] + 1),
        "too_many_layers",
    ),
    "nested-blocks.yaml": (
        HEAD
        + "layers:\n"
        + "".join(
            "  " * (2 * i + 1) + "- type: residual\n" + "  " * (2 * i + 2) + "body:\n"
            for i in range(LIMITS["block_depth"] + 2)
        )
        + "  " * (2 * LIMITS["block_depth"] + 5)
        + "- {type: relu}\n",
        "too_deep",
    ),
    "long-summary.yaml": (
        HEAD + C1 + "summary: {en: " + "a" * (LIMITS["text_chars"] + 1) + "}\n",
        "text_too_long",
    ),
}


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BOUND, MEMORY_BOUND))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_BOUND, CPU_BOUND))


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str
    seconds: float  # CPU time, user + system
    peak_kb: int  # peak resident memory


def check(*args: str | Path, cwd: Path = ROOT) -> Run:
    """``python -m convshare check ARGS`` in a bounded subprocess, with its resource usage."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with (
        open(os.devnull, "rb") as stdin,
        open(cwd / ".out", "w+b") as out,
        open(cwd / ".err", "w+b") as err,
    ):
        proc = subprocess.Popen(
            [sys.executable, "-m", "convshare", "check", *map(str, args)],
            stdin=stdin,
            stdout=out,
            stderr=err,
            cwd=cwd,
            env=env,
            preexec_fn=_limits,
        )
        timer = threading.Timer(WALL_BOUND, proc.kill)
        timer.start()
        try:
            _, wait_status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(wait_status)
        out.seek(0)
        err.seek(0)
        return Run(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss,
        )


def _static(code: str, lang: str) -> str:
    """The message's words up to its first field: what every instance of it contains."""
    table = SPEC_MESSAGES.get(code) or convshare._errors.MESSAGES[code]
    return table[lang].split("{")[0]


def _assert_refused(run: Run, name: str, code: str, where: str | None, lang: str = "en") -> None:
    assert run.status == 1, (run.status, run.stderr[-2000:])
    assert "Traceback" not in run.stderr + run.stdout
    first = run.stderr.splitlines()[0]
    prefix = f"error: {name}: " + (f"{where}: " if where else "")
    assert first.startswith(prefix), first[:300]
    assert _static(code, lang) in first[len(prefix) :], (code, first[:300])
    assert len(first) < 600, "messages stay short"
    assert first.isprintable(), "no control character reaches the terminal"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_committed_hostile_spec(name: str, tmp_path: Path) -> None:
    code, where = EXPECTED[name]
    run = check(HOSTILE / name, cwd=tmp_path)
    _assert_refused(run, str(HOSTILE / name), code, where)
    assert run.stderr.splitlines()[-1] == "0 spec(s) valid, 1 invalid"


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_hostile_spec(name: str, tmp_path: Path) -> None:
    text, code = GENERATED[name]
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    run = check(name, cwd=tmp_path)
    _assert_refused(run, name, code, None if code != "too_many_layers" else "layers[2000]")


def test_corpus_is_complete() -> None:
    """Every committed file has its expectation, and every expectation its file."""
    assert sorted(p.name for p in HOSTILE.glob("*.yaml")) == sorted(EXPECTED)


def test_check_goes_on_and_speaks_chinese(tmp_path: Path) -> None:
    """All hostile files and one good spec in one run: every file answered, in order, in
    Chinese, and the summary counts them."""
    good = ROOT / "docs" / "architectures" / "lenet-5.yaml"
    hostile = sorted(HOSTILE.glob("*.yaml"))
    run = check("--lang", "zh", "-q", *hostile[:5], good, *hostile[5:], cwd=tmp_path)
    assert run.status == 1
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == len(EXPECTED) + 1
    for line, path in zip(lines, hostile, strict=False):
        code, _ = EXPECTED[path.name]
        assert line.startswith(f"error: {path}: "), line
        assert _static(code, "zh") in line, (code, line)
    assert lines[-1] == f"1 个规格有效，{len(EXPECTED)} 个无效"


def test_bounds_are_real(tmp_path: Path) -> None:
    """The runner's bounds bite: a program that allocates past them is stopped."""
    script = tmp_path / "hog.py"
    script.write_text("x = bytearray(1 << 30)\n")
    proc = subprocess.run(
        [sys.executable, str(script)], preexec_fn=_limits, capture_output=True, check=False
    )
    assert proc.returncode != 0 and b"MemoryError" in proc.stderr


def test_a_normal_spec_passes_the_runner(tmp_path: Path) -> None:
    """The same runner accepts a real spec (so the bounds are well above the normal need)."""
    run = check("-q", ROOT / "docs" / "architectures" / "resnet-50.yaml", cwd=tmp_path)
    assert run.status == 0, run.stderr
    assert run.stderr.strip() == "1 spec(s) valid, 0 invalid"


def test_messages_exist_in_both_languages() -> None:
    """Spec codes do not shadow geometry codes; every template names the same fields."""
    assert not set(SPEC_MESSAGES) & set(convshare._errors.MESSAGES)
    for code, table in SPEC_MESSAGES.items():
        assert set(table) == {"en", "zh"}, code
        fields = {lang: sorted(_fields(t)) for lang, t in table.items()}
        # English may pluralise with {s}; otherwise both name the same values.
        assert set(fields["zh"]) <= set(fields["en"]), code


def _fields(template: str) -> set[str]:
    import string

    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_every_error_is_a_convshare_error(tmp_path: Path) -> None:
    """SpecError and NetworkShapeError belong to the family: a code and both languages."""
    assert issubclass(SpecError, ConvShareError)
    assert issubclass(convshare.NetworkShapeError, ConvShareError)
    path = tmp_path / "x.yaml"
    path.write_text(HEAD + "layers:\n  - {type: flatten}\n  - {type: conv, name: c, "
                    "out_channels: 2, kernel_size: 3}\n")  # fmt: skip
    with pytest.raises(ConvShareError) as info:
        convshare.load_spec(path)
    assert info.value.code == "needs_spatial"
    assert info.value.message("zh") == (
        f"{path}: layers[1] (c): " + message("needs_spatial", "zh", type="conv", shape=(784,))
    )


# Random YAML-like data: parse_spec answers with a result or a ConvShareError, nothing else.

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["conv", "relu", "residual", "same", "valid", "zh", "en", "type"]),
)
_keys = st.sampled_from(
    [*convshare._spec.TOP_LEVEL_FIELDS, *convshare._spec._KINDS, "type", "name", "zh", "en"]
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(_keys, children, max_size=5)
    ),
    max_leaves=30,
)
_layer = st.dictionaries(_keys, _values, max_size=6).map(
    lambda d: {"type": "conv", **d} if "type" not in d else d
)
_text = st.one_of(st.just({"en": "text", "zh": "文字"}), _values)
_spec = st.fixed_dictionaries(
    {
        "name": st.one_of(st.just("net"), _values),
        "input": st.one_of(
            st.just([1, 28, 28]),
            st.lists(st.integers(min_value=-2, max_value=64), min_size=3, max_size=3),
            _values,
        ),
        "layers": st.lists(_layer, max_size=5),
    },
    optional={"summary": _text, "source": _text, "published": _values},
)


@settings(
    derandomize=True,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.one_of(_spec, _values))
def test_parse_spec_on_random_data(data: object) -> None:
    try:
        net = convshare.parse_spec(data, "random.yaml")
        convshare._spec.check_spec(net, "random.yaml")
    except ConvShareError as e:
        assert e.message("zh") and e.message("en")
