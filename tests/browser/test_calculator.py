"""The calculator page in Debian's Chromium, in both languages, checked against `convshare`.

The site is the session's strict build (`built_site` in tests/conftest.py), served on 127.0.0.1.
Every expected number comes from `convshare.conv2d`, every expected message from
`GeometryError.message`, every preset from docs/assets/calculator-presets.json.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from convshare import ConvResult, GeometryError, conv2d, fmt

ROOT = Path(__file__).resolve().parents[2]
PRESETS = json.loads((ROOT / "docs/assets/calculator-presets.json").read_text(encoding="utf-8"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LANGS = {"zh": "/calculator/", "en": "/en/calculator/"}
FIELDS = ("ih", "iw", "cin", "cout", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw", "g")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=built_site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab; the test fails if the page throws or asks another host for anything."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.on(
        "request",
        lambda r: (
            None
            if urlsplit(r.url).hostname in ("127.0.0.1", None) or r.url.startswith("data:")
            else problems.append(f"request to another host: {r.url}")
        ),
    )
    yield tab
    context.close()
    assert not problems, problems


def open_calculator(page: Page, base_url: str, lang: str, query: str = "") -> None:
    page.goto(base_url + LANGS[lang] + query)
    expect(page.locator("#calc-out")).not_to_have_text("")


def fill(page: Page, values: dict[str, object]) -> None:
    for name, value in values.items():
        page.fill(f"#calc-form [name={name}]", str(value))


def assert_shows(page: Page, r: ConvResult, lang: str) -> None:
    """The results the page shows are the package's numbers."""
    (oh, ow), cout = r.output_size, r.out_channels
    expect(page.locator("#calc-error")).to_be_hidden()
    expect(page.locator("#calc-out")).to_have_text(f"{oh} × {ow} × {cout}")
    leading = {
        "neurons": r.neurons,
        "shared": r.params_shared,
        "unshared": r.params_unshared,
        "ratio": r.sharing_ratio,
        "macs": r.macs,
    }
    for key, value in leading.items():
        text = page.locator(f"#calc-{key}").inner_text()
        assert text.split(" = ")[0] == fmt(value, lang), (key, text)
    assert page.locator("#calc-ratio").inner_text() == f"{fmt(r.positions, lang)} = {oh} × {ow}"
    for axis, key in zip(r.axes, ("fh", "fw"), strict=True):
        line = page.locator(f"#calc-{key}").inner_text()
        assert f"= {fmt(axis.output, lang)}" in line, line
        assert (f" {axis.unused} " in line) == bool(axis.unused), line


def preset_result(preset: dict[str, Any]) -> ConvResult:
    return conv2d(**preset["args"])


@pytest.mark.parametrize("lang", LANGS)
def test_default_then_typing(page: Page, base_url: str, lang: str) -> None:
    """The first preset loads by default; typed values give the package's numbers."""
    open_calculator(page, base_url, lang)
    assert_shows(page, preset_result(PRESETS[0]), lang)
    expect(page.locator("#calc-preset")).to_have_value(PRESETS[0]["id"])
    # AlexNet's first layer on the paper's 224 input: floor((224 - 11)/4) + 1 = 54, one unused row
    fill(page, {"ih": 224, "iw": 224, "cin": 3, "cout": 96, "kh": 11, "kw": 11, "sh": 4, "sw": 4})
    fill(page, {"ph": 0, "pw": 0})
    assert_shows(page, conv2d(224, 3, 96, 11, stride=4), lang)
    expect(page.locator("#calc-preset")).to_have_value("alexnet-224")
    # an asymmetric layer with dilation and groups, no bias
    fill(page, {"ih": 30, "iw": 17, "cin": 6, "cout": 9, "kh": 3, "kw": 2, "sh": 2, "sw": 3})
    fill(page, {"ph": 1, "pw": 0, "dh": 2, "dw": 1, "g": 3})
    page.uncheck("#calc-form [name=bias]")
    r = conv2d((30, 17), 6, 9, (3, 2), (2, 3), (1, 0), (2, 1), 3, bias=False)
    assert_shows(page, r, lang)
    expect(page.locator("#calc-preset")).to_have_value("")


@pytest.mark.parametrize("lang", LANGS)
def test_every_preset(page: Page, base_url: str, lang: str) -> None:
    """Picking each preset fills the form with its values and shows the package's numbers."""
    open_calculator(page, base_url, lang)
    labels = page.locator("#calc-preset option").all_inner_texts()
    assert labels[1:] == [p[lang] for p in PRESETS]
    for preset in PRESETS:
        page.select_option("#calc-preset", preset["id"])
        r = preset_result(preset)
        assert_shows(page, r, lang)
        expect(page.locator("#calc-form [name=ih]")).to_have_value(str(r.input_size[0]))
        expect(page.locator("#calc-form [name=g]")).to_have_value(str(r.groups))
        expect(page.locator("#calc-form [name=bias]")).to_be_checked(checked=r.bias)
        padding = preset["args"].get("padding", 0)
        mode = padding if isinstance(padding, str) else "n"
        expect(page.locator("#calc-form [name=pad]")).to_have_value(mode)
        expect(page.locator("#calc-form [name=ph]")).to_be_visible(visible=mode == "n")


@pytest.mark.parametrize("lang", LANGS)
def test_invalid_geometry_shows_the_package_message(page: Page, base_url: str, lang: str) -> None:
    """Rejected layers show GeometryError.message in the page's language, and no stale numbers."""
    open_calculator(page, base_url, lang)
    # The last item: the fields the message is about, marked aria-invalid (and only those).
    cases: list[tuple[dict[str, object], dict[str, Any], list[str]]] = [
        ({"g": 2}, {"groups": 2}, ["cin", "g"]),  # 3 input channels do not split into 2 groups
        ({"g": 1, "kh": 9}, {"kernel_size": (9, 3)}, ["kh"]),  # 9 rows > 5 + 2*1 padded
        ({"kh": 3, "sh": 0}, {"stride": (0, 2)}, ["sh"]),  # the height's stride, not the width's
        ({"sh": 2, "cin": -3}, {"in_channels": -3}, ["cin"]),
        ({"cin": "2.5"}, {"in_channels": 2.5}, ["cin"]),
        ({"cin": ""}, {"in_channels": ""}, ["cin"]),
    ]
    base = dict(PRESETS[0]["args"])
    invalid = page.locator("#calc-form [aria-invalid=true]")
    for typed, change, culprits in cases:
        fill(page, typed)
        args = base | change
        with pytest.raises(GeometryError) as caught:
            conv2d(**args)
        expect(page.locator("#calc-error")).to_have_text(caught.value.message(lang))
        expect(page.locator("#calc-out")).to_be_hidden()
        expect(invalid).to_have_count(len(culprits))
        assert sorted(invalid.evaluate_all("es => es.map(e => e.name)")) == sorted(culprits)
    fill(page, {"cin": 3})
    page.select_option("#calc-form [name=pad]", "same")
    with pytest.raises(GeometryError) as caught:
        conv2d(5, 3, 2, 3, stride=2, padding="same")
    expect(page.locator("#calc-error")).to_have_text(caught.value.message(lang))
    assert sorted(invalid.evaluate_all("es => es.map(e => e.name)")) == ["pad", "sh", "sw"]
    fill(page, {"sh": 1, "sw": 1})
    assert_shows(page, conv2d(5, 3, 2, 3, padding="same"), lang)
    expect(invalid).to_have_count(0)


@pytest.mark.parametrize("lang", LANGS)
def test_shared_link_and_back_button(page: Page, base_url: str, lang: str) -> None:
    """A link restores its layer and its selected unit; Back returns to the previous layer."""
    query = (
        "?ih=20&iw=12&cin=4&cout=8&kh=5&kw=3&sh=3&sw=1&pad=n&ph=2&pw=0&dh=1&dw=2&g=2&bias=0&u=4,2"
    )
    open_calculator(page, base_url, lang, query)
    r = conv2d((20, 12), 4, 8, (5, 3), (3, 1), (2, 0), (1, 2), 2, bias=False)
    assert_shows(page, r, lang)
    # unit (4, 2): rows 4*3 .. 4*3 + 5 - 1 and columns 2*1 .. 2 + 2*(3 - 1) of the padded input
    rf = page.locator("#calc-rf").inner_text()
    assert "12–16" in rf and "2–6" in rf and " 4" in rf and " 2" in rf, rf
    # the language switcher carries the same layer over
    hrefs = [a.get_attribute("href") or "" for a in page.locator("a[hreflang]").all()]
    assert hrefs, "no language switcher"
    for href in hrefs:
        assert parse_qs(urlsplit(href).query) == parse_qs(query[1:]), href

    page.select_option("#calc-preset", "lenet-32")
    page.select_option("#calc-preset", "alexnet-227")
    assert_shows(page, conv2d(227, 3, 96, 11, stride=4), lang)
    page.go_back()
    expect(page.locator("#calc-preset")).to_have_value("lenet-32")
    assert_shows(page, conv2d(32, 1, 6, 5), lang)
    page.go_back()
    assert_shows(page, r, lang)
    page.go_forward()
    assert_shows(page, conv2d(32, 1, 6, 5), lang)
    state = parse_qs(urlsplit(page.url).query)
    assert {k: v[0] for k, v in state.items() if k in FIELDS} == {
        "ih": "32", "iw": "32", "cin": "1", "cout": "6", "kh": "5", "kw": "5", "sh": "1",
        "sw": "1", "ph": "0", "pw": "0", "dh": "1", "dw": "1", "g": "1",
    }  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_receptive_field_by_keyboard_and_click(page: Page, base_url: str, lang: str) -> None:
    """Arrow keys and clicks choose the output unit; its receptive field is drawn and described."""
    open_calculator(page, base_url, lang)  # CS231n demo: 5x5 input, padding 1, 3x3, stride 2
    fig = page.locator("#calc-fig")
    expect(fig.locator("svg")).to_be_visible()
    # 7x7 padded input cells + 3x3 kernel cells + 3x3 output cells + the window frame
    assert fig.locator("rect:not(pattern rect)").count() == 7 * 7 + 3 * 3 + 3 * 3 + 1
    assert fig.locator("rect.i.t, rect.p.t").count() == 3 * 3  # taps of unit (0, 0)
    fig.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # stops at the last row, 2
    expect(fig.locator("rect.o.t")).to_have_attribute("data-u", "2,1")
    expect(page).to_have_url(re.compile(r"[?&]u=2,1(&|$)"))  # once the keys pause
    rf = page.locator("#calc-rf").inner_text()
    assert "4–6" in rf and "2–4" in rf, rf  # rows 2*2 .. 2*2 + 3 - 1, columns 1*2 .. 1*2 + 3 - 1
    fig.locator('rect[data-u="0,2"]').click()
    expect(fig.locator("rect.o.t")).to_have_attribute("data-u", "0,2")
    # AlexNet's 227x227 input is too large to draw: the figure gives way to words
    page.select_option("#calc-preset", "alexnet-227")
    expect(fig.locator("svg")).to_have_count(0)
    expect(fig).not_to_be_empty()  # a sentence in place of the drawing
    expect(page.locator("#calc-rf")).to_contain_text(
        fmt(conv2d(227, 3, 96, 11, 4).weights_per_filter)
    )


@pytest.mark.parametrize("lang", LANGS)
def test_no_axe_violations(page: Page, base_url: str, lang: str) -> None:
    """axe-core finds nothing in the calculator, with results, with an error, and drawn or not."""
    assert AXE_JS.is_file(), "axe-core is missing: run `npm ci`"
    open_calculator(page, base_url, lang)
    page.add_script_tag(path=str(AXE_JS))

    def violations() -> list[str]:
        found = page.evaluate(
            "async () => (await axe.run('#calc')).violations"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        return list(found)

    assert violations() == []
    fill(page, {"g": 2})
    expect(page.locator("#calc-error")).to_be_visible()
    assert violations() == []
    page.select_option("#calc-preset", "alexnet-227")
    assert violations() == []
