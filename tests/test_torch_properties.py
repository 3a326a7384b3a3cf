"""Property tests: convshare against PyTorch's own layers on thousands of random geometries.

PyTorch is the oracle: for every geometry drawn, ``torch.nn.Conv2d``, ``torch.nn.MaxPool2d``
and ``torch.nn.AvgPool2d`` either give an output shape (and a parameter count) that convshare
must reproduce exactly, or reject the geometry (RuntimeError or ValueError), in which case
convshare must reject it too (GeometryError), and the other way round.

Two families of geometries:

* small ones, zero and negative values included, run on real (uninitialised) CPU tensors: the
  CPU kernels check every argument;
* large ones (inputs up to 100,000 pixels a side, thousands of channels), run on the ``meta``
  device, which infers shapes without memory or compute. The meta device skips some argument
  checks (negative padding, zero dilation, zero kernel), so large geometries draw only
  positive hyper-parameters; the small tests check that, in that range, meta and CPU agree.

Hypothesis runs derandomised and without an example database, so every run draws the same
examples.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import torch
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import convshare
from convshare import GeometryError, Layer, Network

Shape = tuple[int, ...]
# torch.nn raises these for a geometry it refuses (see the module docstring).
TORCH_REJECTS = (RuntimeError, ValueError)

SETTINGS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """One intra-op thread while these tests run: the tensors are tiny, and on a busy 2-core
    machine torch's thread pool costs far more than the convolutions themselves."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@contextlib.contextmanager
def quiet_torch() -> Iterator[None]:
    """Silence two warnings torch emits about valid geometries (the suite turns warnings into
    errors): initialising a zero-element weight, and 'same' padding with an even kernel."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Initializing zero-element tensors is a no-op")
        warnings.filterwarnings("ignore", message="Using padding='same' with even kernel lengths")
        yield


def int_or_pair(lo: int | st.SearchStrategy[Any], hi: int = 0) -> st.SearchStrategy[Any]:
    """An int or an (h, w) pair, from integers(lo, hi) or from the strategy lo."""
    one = lo if isinstance(lo, st.SearchStrategy) else st.integers(lo, hi)
    return st.one_of(one, st.tuples(one, one))


def rarely(bad: st.SearchStrategy[Any], good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``good`` about fifteen times in sixteen, ``bad`` otherwise."""
    return st.tuples(st.integers(0, 15), good, bad).map(lambda t: t[2] if t[0] == 7 else t[1])


def mostly(good: range, bad: tuple[int, ...] = (-1, 0)) -> st.SearchStrategy[int]:
    """One of ``good`` about fifteen times in sixteen, one of ``bad`` otherwise (one draw)."""
    repeat = -(-15 * len(bad) // len(good))
    return st.sampled_from([*bad, *list(good) * repeat])


# Strategies are built once: building them inside each draw costs more than running torch.


def _positive(value: object) -> bool:
    items = value if isinstance(value, tuple) else (value,)
    return all(isinstance(i, int) and i >= 1 for i in items)


# --- Conv2d ----------------------------------------------------------------------------------


def convshare_conv(geo: dict[str, Any]) -> tuple[Shape, int] | None:
    """convshare's answer: (output shape, parameters), or None if it rejects the geometry."""
    try:
        r = convshare.conv2d(
            (geo["h"], geo["w"]),
            geo["cin"],
            geo["cout"],
            geo["k"],
            stride=geo["s"],
            padding=geo["p"],
            dilation=geo["d"],
            groups=geo["g"],
            bias=geo["bias"],
        )
    except GeometryError:
        return None
    return (r.out_channels, *r.output_size), r.params_shared


def _conv_module(geo: dict[str, Any]) -> torch.nn.Conv2d:
    return torch.nn.Conv2d(
        geo["cin"],
        geo["cout"],
        geo["k"],
        stride=geo["s"],
        padding=geo["p"],
        dilation=geo["d"],
        groups=geo["g"],
        bias=geo["bias"],
        device="meta",
    )


def torch_conv_meta(geo: dict[str, Any]) -> tuple[Shape, int] | None:
    """torch.nn.Conv2d on the meta device: (output shape, parameters), or None if rejected."""
    try:
        with quiet_torch():
            m = _conv_module(geo)
            params = sum(p.numel() for p in m.parameters())
            y = m(torch.empty(1, geo["cin"], geo["h"], geo["w"], device="meta"))
    except TORCH_REJECTS:
        return None
    return tuple(y.shape[1:]), params


def torch_conv_cpu(geo: dict[str, Any]) -> tuple[Shape, int] | None:
    """torch.nn.Conv2d on real CPU tensors (weights left uninitialised: only shapes matter)."""
    try:
        with quiet_torch():
            m = _conv_module(geo).to_empty(device="cpu")
            params = sum(p.numel() for p in m.parameters())
            y = m(torch.empty(1, geo["cin"], geo["h"], geo["w"]))
    except TORCH_REJECTS:
        return None
    return tuple(y.shape[1:]), params


SMALL_CONV = {
    "groups": mostly(range(1, 4)),
    "off": mostly(range(0, 1), bad=(1, 2)),
    "size": mostly(range(1, 25), bad=(0,)),
    "k": int_or_pair(mostly(range(1, 8))),
    "s": int_or_pair(mostly(range(1, 5))),
    "p": rarely(
        st.sampled_from(["same", "valid", "full"]),
        int_or_pair(mostly(range(0, 5), bad=(-1,))),
    ),
    "d": int_or_pair(mostly(range(1, 4))),
}


@st.composite
def small_conv(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly valid values, each field sometimes zero, negative or of the wrong kind."""
    g = draw(SMALL_CONV["groups"])
    # channel counts mostly divisible by groups, sometimes not
    cin = max(g, 1) * draw(st.integers(1, 3)) + draw(SMALL_CONV["off"])
    cout = max(g, 1) * draw(st.integers(1, 3)) + draw(SMALL_CONV["off"])
    return {
        "h": draw(SMALL_CONV["size"]),
        "w": draw(SMALL_CONV["size"]),
        "cin": cin,
        "cout": cout,
        "k": draw(SMALL_CONV["k"]),
        "s": draw(SMALL_CONV["s"]),
        "p": draw(SMALL_CONV["p"]),
        "d": draw(SMALL_CONV["d"]),
        "g": g,
        "bias": draw(st.booleans()),
    }


@settings(SETTINGS, max_examples=1500)
@given(small_conv())
@example({"h": 224, "w": 224, "cin": 3, "cout": 96, "k": 11, "s": 4, "p": 0, "d": 1, "g": 1,
          "bias": True})  # fmt: skip
@example({"h": 5, "w": 5, "cin": 2, "cout": 2, "k": 3, "s": 2, "p": "same", "d": 1, "g": 1,
          "bias": True})  # fmt: skip
def test_conv2d_matches_torch_small(geo: dict[str, Any]) -> None:
    expected = torch_conv_cpu(geo)
    got = convshare_conv(geo)
    assert got == expected, f"convshare {got}, torch {expected} for {geo}"
    if in_meta_range(geo):
        # within the range the large test draws from, the meta device accepts and rejects what
        # the CPU kernels do, with the same shapes
        assert torch_conv_meta(geo) == expected


def in_meta_range(geo: dict[str, Any]) -> bool:
    """Positive sizes and hyper-parameters, padding >= 0 or 'same'/'valid': the range of
    geometries where the meta device checks everything the CPU kernels check."""
    p = geo["p"]
    pads_ok = p in ("same", "valid") if isinstance(p, str) else _positive(_shift(p))
    return pads_ok and all(_positive(geo[key]) for key in ("h", "w", "k", "s", "d", "g"))


def _shift(value: int | tuple[int, int]) -> tuple[int, ...]:
    items = value if isinstance(value, tuple) else (value,)
    return tuple(i + 1 for i in items)  # padding may be 0: shifted, "positive" means >= 0


LARGE_CONV = {
    "off": st.sampled_from([0, 0, 0, 1]),
    "k": int_or_pair(1, 64),
    "s": int_or_pair(1, 64),
    "p": st.one_of(int_or_pair(0, 64), st.sampled_from(["same", "valid"])),
    "d": int_or_pair(1, 16),
}


@st.composite
def large_conv(draw: st.DrawFn) -> dict[str, Any]:
    g = draw(st.integers(1, 16))
    # mostly channel counts divisible by groups, sometimes not
    cin = g * draw(st.integers(1, 256)) + draw(LARGE_CONV["off"])
    cout = g * draw(st.integers(1, 256)) + draw(LARGE_CONV["off"])
    return {
        "h": draw(st.integers(1, 100_000)),
        "w": draw(st.integers(1, 100_000)),
        "cin": cin,
        "cout": cout,
        "k": draw(LARGE_CONV["k"]),
        "s": draw(LARGE_CONV["s"]),
        "p": draw(LARGE_CONV["p"]),
        "d": draw(LARGE_CONV["d"]),
        "g": g,
        "bias": draw(st.booleans()),
    }


@settings(SETTINGS, max_examples=1000)
@given(large_conv())
@example({"h": 227, "w": 227, "cin": 3, "cout": 96, "k": 11, "s": 4, "p": 0, "d": 1, "g": 1,
          "bias": True})  # fmt: skip
@example({"h": 100_000, "w": 3, "cin": 2048, "cout": 2048, "k": (64, 1), "s": 1, "p": "same",
          "d": (16, 1), "g": 1, "bias": False})  # fmt: skip
def test_conv2d_matches_torch_large_meta(geo: dict[str, Any]) -> None:
    expected = torch_conv_meta(geo)
    got = convshare_conv(geo)
    assert got == expected, f"convshare {got}, torch {expected} for {geo}"


# --- MaxPool2d and AvgPool2d -----------------------------------------------------------------


def _pool_args(geo: dict[str, Any]) -> dict[str, Any]:
    args = {"kernel_size": geo["k"], "padding": geo["p"], "ceil_mode": geo["ceil"]}
    if geo["s"] is not None:
        args["stride"] = geo["s"]
    if geo["type"] == "maxpool":
        args["dilation"] = geo["d"]
    return args


def convshare_pool(geo: dict[str, Any]) -> Shape | None:
    """convshare's pooling (reached through a one-layer network), or None if it rejects it."""
    net = Network(
        "pool", (geo["c"], geo["h"], geo["w"]), (Layer(geo["type"], "p", _pool_args(geo)),)
    )
    try:
        result = convshare.analyse(net)
    except ValueError as e:
        # a geometry problem inside a network comes back naming the layer, caused by the
        # GeometryError that conv2d and the pooling rules raise
        assert isinstance(e.__cause__, GeometryError), repr(e)
        return None
    (row,) = result.rows
    assert row.params == 0
    return row.out_shape


def torch_pool(geo: dict[str, Any], device: str) -> Shape | None:
    cls = torch.nn.MaxPool2d if geo["type"] == "maxpool" else torch.nn.AvgPool2d
    try:
        m = cls(**_pool_args(geo))
        assert sum(p.numel() for p in m.parameters()) == 0
        y = m(torch.empty(1, geo["c"], geo["h"], geo["w"], device=device))
    except TORCH_REJECTS:
        return None
    return tuple(y.shape[1:])


def pool_padding(draw: st.DrawFn, kernel: int | tuple[int, int]) -> int | tuple[int, int]:
    """PyTorch allows pooling padding up to half the kernel: mostly that, sometimes more or < 0."""
    ks = kernel if isinstance(kernel, tuple) else (kernel,)
    half, most = max(min(ks) // 2, 0), max(max(ks) // 2, 0)

    def one() -> int:
        if draw(st.integers(0, 15)) == 7:
            return draw(st.sampled_from([-1, most + 1, most + 2]))
        return draw(st.integers(0, half))

    return one() if draw(st.booleans()) else (one(), one())


SMALL_POOL = {
    "type": st.sampled_from(["maxpool", "avgpool"]),
    "size": mostly(range(1, 21), bad=(0,)),
    "k": int_or_pair(mostly(range(1, 8))),
    "s": st.one_of(st.none(), int_or_pair(mostly(range(1, 6)))),
    "d": int_or_pair(mostly(range(1, 4))),
}


@st.composite
def small_pool(draw: st.DrawFn) -> dict[str, Any]:
    k = draw(SMALL_POOL["k"])
    return {
        "type": draw(SMALL_POOL["type"]),
        "c": draw(st.integers(1, 3)),
        "h": draw(SMALL_POOL["size"]),
        "w": draw(SMALL_POOL["size"]),
        "k": k,
        "s": draw(SMALL_POOL["s"]),
        "p": pool_padding(draw, k),
        "d": draw(SMALL_POOL["d"]),
        "ceil": draw(st.booleans()),
    }


@settings(SETTINGS, max_examples=1500)
@given(small_pool())
@example({"type": "maxpool", "c": 1, "h": 32, "w": 32, "k": 2, "s": None, "p": 0, "d": 1,
          "ceil": False})  # fmt: skip
@example({"type": "maxpool", "c": 1, "h": 55, "w": 55, "k": 3, "s": 2, "p": 0, "d": 1,
          "ceil": True})  # fmt: skip
def test_pool_matches_torch_small(geo: dict[str, Any]) -> None:
    expected = torch_pool(geo, "cpu")
    got = convshare_pool(geo)
    assert got == expected, f"convshare {got}, torch {expected} for {geo}"
    if expected is not None:
        assert torch_pool(geo, "meta") == expected


LARGE_POOL = {
    "type": st.sampled_from(["maxpool", "avgpool"]),
    "k": int_or_pair(1, 64),
    "s": st.one_of(st.none(), int_or_pair(1, 64)),
    "d": int_or_pair(1, 8),
}


@st.composite
def large_pool(draw: st.DrawFn) -> dict[str, Any]:
    k = draw(LARGE_POOL["k"])
    p = pool_padding(draw, k)
    return {
        "type": draw(LARGE_POOL["type"]),
        "c": draw(st.integers(1, 4096)),
        "h": draw(st.integers(1, 100_000)),
        "w": draw(st.integers(1, 100_000)),
        "k": k,
        "s": draw(LARGE_POOL["s"]),
        "p": tuple(abs(i) for i in p) if isinstance(p, tuple) else abs(p),  # no negative padding
        "d": draw(LARGE_POOL["d"]),
        "ceil": draw(st.booleans()),
    }


@settings(SETTINGS, max_examples=1000)
@given(large_pool())
def test_pool_matches_torch_large_meta(geo: dict[str, Any]) -> None:
    expected = torch_pool(geo, "meta")
    got = convshare_pool(geo)
    assert got == expected, f"convshare {got}, torch {expected} for {geo}"


# --- Disagreements found by the tests above, kept as plain cases -----------------------------


@pytest.mark.parametrize("pool", ["maxpool", "avgpool"])
@pytest.mark.parametrize(
    ("size", "kernel", "stride"),
    [
        # MaxPool2d(2, ceil_mode=True) on a 1x1 map: ceil((1 - 2)/2) + 1 = 1
        (1, 2, 2),
        # ceil((1 - 3)/3) + 1 = 1: the one window starts on the input and runs past its end
        (1, 3, 3),
        # ceil((5 - 7)/3) + 1 = 1
        (5, 7, 3),
    ],
)
def test_pool_ceil_mode_window_longer_than_input(pool: str, size: int, kernel: int, stride: int):
    """With ceil_mode=True, PyTorch keeps a window that starts inside the input even when the
    kernel is longer than the (padded) input: output = ceil((in - k)/s) + 1 = 1."""
    geo = {"type": pool, "c": 1, "h": size, "w": size, "k": kernel, "s": stride, "p": 0, "d": 1,
           "ceil": True}  # fmt: skip
    out = -(-(size - kernel) // stride) + 1
    assert out == 1
    assert torch_pool(geo, "cpu") == (1, out, out)
    assert convshare_pool(geo) == (1, out, out)


@pytest.mark.parametrize("pool", ["maxpool", "avgpool"])
def test_pool_stride_zero_is_rejected(pool: str) -> None:
    """PyTorch refuses stride=0 for pooling ("stride should not be zero"); it does not mean
    "the default stride" (which is stride=None, the kernel size)."""
    geo = {"type": pool, "c": 1, "h": 8, "w": 8, "k": 2, "s": 0, "p": 0, "d": 1, "ceil": False}
    assert torch_pool(geo, "cpu") is None
    assert convshare_pool(geo) is None


@pytest.mark.parametrize("pool", ["maxpool", "avgpool"])
def test_pool_on_an_empty_input_is_rejected(pool: str) -> None:
    """PyTorch refuses an input with no rows ("Expected 3D or 4D (batch mode) tensor with
    optional 0 dim batch size"), even when padding would give the window room."""
    geo = {"type": pool, "c": 1, "h": 0, "w": 5, "k": 2, "s": None, "p": 1, "d": 1, "ceil": False}
    assert torch_pool(geo, "cpu") is None
    assert convshare_pool(geo) is None


# --- convshare itself needs neither torch nor numpy ------------------------------------------


def test_convshare_imports_neither_torch_nor_numpy() -> None:
    code = (
        "import sys, convshare\n"
        "net = convshare.Network('n', (1, 28, 28), (convshare.Layer('conv', 'c', "
        "{'out_channels': 6, 'kernel_size': 5}), convshare.Layer('maxpool', 'p', "
        "{'kernel_size': 2})))\n"
        "result = convshare.analyse(net)\n"
        "convshare.conv2d(227, 3, 96, 11, stride=4)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'numpy'))\n"
        "print(result.params, loaded)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    # 156 = 6*(5*5 + 1), the conv layer's parameters; no torch or numpy module loaded
    assert proc.stdout.strip() == "156 []"
