"""Architecture specs and their pages: every spec in docs/architectures/ is found and checked.

A spec added to docs/architectures/ is checked here with no edit: it must load through the build
hook (hooks/architectures.py), its totals must agree with its rows and with its `published`
figures, and the built site must have its page in both languages, showing the computed total,
a figure and the language switch, and list it on the overview and in the navigation.

Broken specs are given to the hook directly (each kind must be refused with the file, the layer
and the problem) and, for a few kinds, to a real `mkdocs build --strict` of a small site that
inherits the repository's mkdocs.yml: the build must fail and render no page for the spec. A spec
whose name and title are markup must show as text.
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
import yaml
from mkdocs.exceptions import PluginError

import convshare
from convshare._spec import LAYER_FIELDS, TOP_LEVEL_FIELDS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SPEC_DIR = DOCS / "architectures"
SPECS = sorted(SPEC_DIR.glob("*.yaml"))
LANGS = ("zh", "en")


def load_hook() -> ModuleType:
    """hooks/architectures.py, imported as MkDocs imports a hook (a module of its own)."""
    spec = importlib.util.spec_from_file_location(
        "architectures_hook", ROOT / "hooks" / "architectures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as MkDocs does: the hook's dataclass needs it
    spec.loader.exec_module(module)
    return module


hook = load_hook()


def spec_data(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def page_path(site: Path, stem: str, lang: str) -> Path:
    prefix = site if lang == "zh" else site / lang
    return prefix / "architectures" / stem / "index.html"


# --- Discovery -------------------------------------------------------------------------------


def test_the_required_networks_are_there() -> None:
    """The networks this site promises have specs (more may be added freely)."""
    stems = {p.stem for p in SPECS}
    required = {
        "lenet-5",
        "lenet-article",
        "alexnet-paper",
        "alexnet-cs231n",
        "alexnet-torchvision",
        "vgg-16",
        "resnet-18",
        "resnet-50",
        "mobilenet-v2",
    }
    assert required <= stems, f"missing specs: {sorted(required - stems)}"


def test_no_spec_is_missed() -> None:
    """Nothing in docs/architectures/ looks like a spec without being one (e.g. a .yml file)."""
    for path in SPEC_DIR.iterdir():
        assert path.suffix in (".yaml", ".md"), f"{path.name}: not a spec (*.yaml) or a page (*.md)"
    assert len(hook.discover(DOCS)) == len(SPECS)


# --- Every spec: valid, consistent, published ------------------------------------------------


@pytest.fixture(scope="module", params=SPECS, ids=[p.stem for p in SPECS])
def spec_path(request: pytest.FixtureRequest) -> Path:
    return request.param  # type: ignore[no-any-return]


def _layers_by_name(layers: tuple[Any, ...]) -> Iterator[Any]:
    for layer in layers:
        yield layer
        yield from _layers_by_name(layer.body)
        yield from _layers_by_name(layer.shortcut)
        for branch in layer.branches:
            yield from _layers_by_name(branch)


def test_spec_loads_through_the_hook(spec_path: Path) -> None:
    """The hook accepts the spec: valid, a usable file name, totals equal to `published`."""
    result = hook.load_network(spec_path)
    assert result.rows, f"{spec_path.name}: no layers"


def test_rows_follow_the_formulas_and_add_up(spec_path: Path) -> None:
    """Each row's parameters follow from its own geometry, shapes chain, and totals are sums."""
    result = convshare.load_spec(spec_path)
    layers = {layer.name: layer for layer in _layers_by_name(result.network.layers)}
    shape: tuple[int, ...] = result.network.input_shape
    top = {layer.name for layer in result.network.layers}
    for row in result.rows:
        layer = layers[row.name]
        if row.name in top:
            # each top-level layer (a residual's sum, a parallel layer's merge, or a plain layer)
            # reads what the one before it gives; a residual's sum row shows its body's output
            if row.branch != "add":
                assert row.in_shape == shape, f"{row.name}: input {row.in_shape}, expected {shape}"
            shape = row.out_shape
        positions = row.out_shape[1] * row.out_shape[2] if len(row.out_shape) == 3 else 1
        if row.type == "conv" and "connections" not in layer.args:
            r = row.conv
            assert r is not None
            kh, kw = r.kernel_size
            per_filter = kh * kw * (row.in_shape[0] // r.groups) + (1 if r.bias else 0)
            assert row.params == row.out_shape[0] * per_filter, row.name
            assert row.params_unshared == row.params * positions, row.name
        elif row.type == "conv":
            # A partial connection table: each output map reads only the listed inputs.
            reads = sum(len(inputs) for inputs in layer.args["connections"])
            kh, kw = row.conv.kernel_size
            assert row.params == kh * kw * reads + row.out_shape[0], row.name
            assert row.params_unshared == row.params * positions, row.name
        elif row.type == "subsample":
            assert row.params == 2 * row.in_shape[0], row.name  # a coefficient and a bias per map
            assert row.params_unshared == row.params * positions, row.name
        elif row.type in ("batchnorm", "layernorm"):
            assert row.params == row.params_unshared == 2 * row.in_shape[0], row.name  # γ and β
        elif row.type == "layer_scale":
            assert row.params == row.params_unshared == row.in_shape[0], row.name  # one per channel
        elif row.type == "linear":
            bias = 1 if layer.args.get("bias", True) else 0
            assert (
                row.params == row.params_unshared == row.out_shape[0] * (row.in_shape[0] + bias)
            ), row.name
        else:
            assert row.params == row.params_unshared == 0, row.name
    assert result.params == sum(r.params for r in result.rows)
    assert result.params_unshared == sum(r.params_unshared for r in result.rows)
    assert result.macs == sum(r.macs for r in result.rows)


WITH_PUBLISHED = [p for p in SPECS if "published" in spec_data(p)]


@pytest.mark.parametrize("path", WITH_PUBLISHED, ids=[p.stem for p in WITH_PUBLISHED])
def test_published_figures_match(path: Path) -> None:
    """Where a spec states published totals, the computed ones are exactly those."""
    published = spec_data(path)["published"]
    assert published.get("source"), f"{path.name}: published figures need a source"
    assert {"params", "connections"} & set(published), f"{path.name}: published states no total"
    result = convshare.load_spec(path)
    for key in ("params", "connections"):
        if key in published:
            assert getattr(result, key) == published[key], f"{path.name}: {key}"


# The published totals themselves, with their sources, so that a spec cannot be made to pass by
# editing its `published` field.
PUBLISHED = [
    ("lenet-5", "params", 60_000),  # LeCun et al. 1998, section II.B
    ("lenet-5", "connections", 340_908),  # LeCun et al. 1998, section II.B
    ("lenet-article", "params", 6 * (5 * 5 * 1 + 1)),  # the article: 156
    ("alexnet-torchvision", "params", 61_100_840),  # torchvision docs, AlexNet_Weights
    ("vgg-16", "params", 138_357_544),  # torchvision docs, VGG16_Weights
    ("resnet-18", "params", 11_689_512),  # torchvision docs, ResNet18_Weights
    ("resnet-50", "params", 25_557_032),  # torchvision docs, ResNet50_Weights
    ("mobilenet-v2", "params", 3_504_872),  # torchvision docs, MobileNet_V2_Weights
]


@pytest.mark.parametrize(
    ("stem", "key", "value"), PUBLISHED, ids=[f"{s}-{k}" for s, k, _ in PUBLISHED]
)
def test_the_sources_totals(stem: str, key: str, value: int) -> None:
    """The totals the sources publish, reproduced by the specs and stated in them."""
    path = SPEC_DIR / f"{stem}.yaml"
    assert getattr(convshare.load_spec(path), key) == value
    assert spec_data(path)["published"][key] == value


def test_alexnet_224_against_227() -> None:
    """The paper's 224 input gives 54, not 55, leaves a row and a column out, and a smaller fc6."""
    paper = convshare.load_spec(SPEC_DIR / "alexnet-paper.yaml")
    cs231n = convshare.load_spec(SPEC_DIR / "alexnet-cs231n.yaml")
    p1, c1 = paper.first_conv(), cs231n.first_conv()
    assert p1 is not None and c1 is not None and p1.conv is not None and c1.conv is not None
    assert p1.out_shape == (96, (224 - 11) // 4 + 1, (224 - 11) // 4 + 1)  # 54
    assert p1.conv.unused == (1, 1)  # (224 - 11) % 4 = 1
    assert c1.out_shape == (96, 55, 55)  # CS231n: (227 - 11)/4 + 1
    assert c1.params == 96 * (11 * 11 * 3 + 1)  # CS231n: 34,944
    assert c1.params_unshared == 55 * 55 * 96 * (11 * 11 * 3 + 1)  # CS231n: 105,705,600
    fc6 = {r.name: r for r in paper.rows}["fc6"], {r.name: r for r in cs231n.rows}["fc6"]
    # pool5 gives 5×5×256 after 54 -> 26 -> 12 -> 5, and 6×6×256 after 55 -> 27 -> 13 -> 6.
    assert fc6[0].in_shape == (256 * 5 * 5,)
    assert fc6[1].in_shape == (256 * 6 * 6,)
    # Grouped convolutions (Krizhevsky et al. 2012, two GPUs): conv2 filters read 48 channels.
    conv2 = {r.name: r for r in cs231n.rows}["conv2"]
    assert conv2.params == 256 * (5 * 5 * 48 + 1)


# --- Broken specs, given to the hook ---------------------------------------------------------

GOOD_LAYERS = """\
  - {type: conv, name: c1, out_channels: 4, kernel_size: 3}
  - {type: flatten, name: flat}
  - {type: linear, name: fc, out_features: 10}
"""

# (id, file name, spec text, fragments the message must contain besides the file name)
BROKEN: list[tuple[str, str, str, list[str]]] = [
    (
        "yaml-colon",
        "bad.yaml",
        "name: x\ntitle: {en: Example: a CNN}\ninput: [1, 8, 8]\nlayers:\n" + GOOD_LAYERS,
        ["line 2, column", "not valid YAML"],
    ),
    (
        "unknown-type",
        "bad.yaml",
        "name: x\ninput: [1, 8, 8]\nlayers:\n  - {type: pool, name: p1, kernel_size: 2}\n",
        ["layers[0] (p1)", "unknown layer type 'pool'"],
    ),
    (
        "missing-field",
        "bad.yaml",
        "name: x\ninput: [1, 8, 8]\nlayers:\n  - {type: conv, name: c1, out_channels: 4}\n",
        ["layers[0] (c1)", "needs the field 'kernel_size'"],
    ),
    (
        "misspelt-field",
        "bad.yaml",
        "name: x\ninput: [1, 8, 8]\nlayers:\n"
        "  - {type: conv, name: c1, out_channels: 4, kernel_size: 3, strides: 2}\n",
        ["layers[0] (c1)", "unknown field 'strides'"],
    ),
    (
        "no-flatten",
        "bad.yaml",
        "name: x\ninput: [1, 8, 8]\nlayers:\n"
        "  - {type: conv, name: c1, out_channels: 4, kernel_size: 3}\n"
        "  - {type: linear, name: fc, out_features: 10}\n",
        ["layers[1] (fc)", "needs a flat input"],
    ),
    (
        "kernel-too-large",
        "bad.yaml",
        "name: x\ninput: [1, 8, 8]\nlayers:\n"
        "  - {type: conv, name: c1, out_channels: 4, kernel_size: 9}\n",
        ["layers[0] (c1)", "kernel"],
    ),
    (
        "groups",
        "bad.yaml",
        "name: x\ninput: [3, 8, 8]\nlayers:\n"
        "  - {type: conv, name: c1, out_channels: 4, kernel_size: 3, groups: 2}\n",
        ["layers[0] (c1)", "divisible by groups"],
    ),
    (
        "in-channels",
        "bad.yaml",
        "name: x\ninput: [1, 8, 8]\nlayers:\n"
        "  - {type: conv, name: c1, in_channels: 3, out_channels: 4, kernel_size: 3}\n",
        ["layers[0] (c1)", "in_channels is 3 but the previous layer gives 1"],
    ),
    (
        "duplicate-name",
        "bad.yaml",
        "name: x\ninput: [1, 8, 8]\nlayers:\n"
        "  - {type: conv, name: c1, out_channels: 4, kernel_size: 3}\n"
        "  - {type: conv, name: c1, out_channels: 4, kernel_size: 3}\n",
        ["layers[1] (c1)", "already used by layers[0] (c1)"],
    ),
    (
        "residual-shapes",
        "bad.yaml",
        "name: x\ninput: [4, 8, 8]\nlayers:\n"
        "  - type: residual\n    name: block\n    body:\n"
        "      - {type: conv, name: b1, out_channels: 8, kernel_size: 3, padding: 1}\n",
        ["layers[0] (block)", "the body gives (8, 8, 8) but the shortcut gives (4, 8, 8)"],
    ),
    (
        "same-strided",
        "bad.yaml",
        "name: x\ninput: [1, 8, 8]\nlayers:\n"
        "  - {type: conv, name: c1, out_channels: 4, kernel_size: 3, stride: 2, padding: same}\n",
        ["layers[0] (c1)", "padding='same' needs stride 1"],
    ),
    (
        "published-mismatch",
        "bad.yaml",
        "name: x\ninput: [1, 8, 8]\npublished: {params: 1000, source: a test}\nlayers:\n"
        + GOOD_LAYERS,
        # c1: 4*(3*3*1+1) = 40; fc: 10*(4*6*6+1) = 1450
        [
            "published.params",
            "publishes 1,000",
            f"add up to {4 * (3 * 3 + 1) + 10 * (4 * 6 * 6 + 1):,}",
        ],
    ),
    (
        "published-no-source",
        "bad.yaml",
        "name: x\ninput: [1, 8, 8]\npublished: {params: 1490}\nlayers:\n" + GOOD_LAYERS,
        ["published needs a source"],
    ),
    (
        "unknown-top-level",
        "bad.yaml",
        "name: x\nimput: [1, 8, 8]\nlayers:\n" + GOOD_LAYERS,
        ["unknown top-level field 'imput'"],
    ),
    (
        "file-name-uppercase",
        "My Net.yaml",
        "name: x\ninput: [1, 8, 8]\nlayers:\n" + GOOD_LAYERS,
        ["must be lowercase letters and digits"],
    ),
    (
        "file-name-index",
        "index.yaml",
        "name: x\ninput: [1, 8, 8]\nlayers:\n" + GOOD_LAYERS,
        ["index.yaml is reserved"],
    ),
]


@pytest.mark.parametrize(("kind", "file", "text", "fragments"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_spec_is_refused(
    tmp_path: Path, kind: str, file: str, text: str, fragments: list[str]
) -> None:
    """The hook refuses each kind of broken spec with the file, the layer and the problem."""
    folder = tmp_path / "docs" / "architectures"
    folder.mkdir(parents=True)
    (folder / file).write_text(text, encoding="utf-8")
    with pytest.raises(PluginError) as caught:
        hook.discover(tmp_path / "docs")
    message = str(caught.value)
    assert "Architecture spec error" in message
    assert file in message, message
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize("suffix", [".yml", ".YAML", ".Yml"])
def test_yml_extension_is_refused(tmp_path: Path, suffix: str) -> None:
    """A spec saved as .yml or .YAML would be silently ignored: the build says so instead."""
    folder = tmp_path / "docs" / "architectures"
    folder.mkdir(parents=True)
    (folder / f"my-net{suffix}").write_text("name: x\n", encoding="utf-8")
    with pytest.raises(PluginError, match=rf"my-net\{suffix}: name the file \*\.yaml"):
        hook.discover(tmp_path / "docs")


def _page(src_uri: str) -> SimpleNamespace:
    return SimpleNamespace(file=SimpleNamespace(src_uri=src_uri), meta={}, title=None)


def test_page_markers_are_checked() -> None:
    """A marker naming no spec, or a network's page without its own marker, stops the build."""
    config = SimpleNamespace(docs_dir=str(DOCS))
    hook.on_config(config)
    with pytest.raises(PluginError, match=r"'no-such-net\.yaml' is no spec"):
        hook.on_page_markdown(
            "<!-- network: no-such-net.yaml -->", _page("architectures/x.md"), config
        )
    with pytest.raises(PluginError, match=r"does not contain <!-- network: vgg-16\.yaml -->"):
        hook.on_page_markdown("# VGG\n\nNo tables.", _page("architectures/vgg-16.en.md"), config)


def test_markers_inside_code_are_left_alone() -> None:
    """A marker shown in a code block (as on the how-to page) is text, not a request."""
    config = SimpleNamespace(docs_dir=str(DOCS))
    hook.on_config(config)
    text = "```markdown\n<!-- network: no-such-net.yaml -->\n```\n"
    assert hook.on_page_markdown(text, _page("architectures/index.md"), config) == text


# --- The built site ---------------------------------------------------------------------------


class _Scan(HTMLParser):
    """Collects the text of <script>, <title>, <h1> and SVG titles, and the links of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.title = ""
        self.h1 = ""
        self.alternates: dict[str, str] = {}
        self.svg_titles: list[str] = []
        self.links: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("hreflang") and a.get("href"):
            self.alternates[a["hreflang"] or ""] = a["href"] or ""
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag in ("script", "title", "h1"):
            self._in.append(tag)
            if tag == "script":
                self.scripts.append("")
            if tag == "title" and "svg" in self._in:
                self.svg_titles.append("")
        elif tag == "svg":
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "title", "h1", "svg") and tag in self._in:
            while self._in and self._in.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self._in:
            return
        top = self._in[-1]
        if top == "script":
            self.scripts[-1] += data
        elif top == "title" and "svg" in self._in:
            self.svg_titles[-1] += data
        elif top == "title":
            self.title += data
        elif top == "h1":
            self.h1 += data


def scan(file: Path) -> _Scan:
    parser = _Scan()
    parser.feed(file.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("lang", LANGS)
def test_every_spec_has_its_page(built_site: Path, spec_path: Path, lang: str) -> None:
    """Each spec's page, in each language: its title, total, figure and language switch."""
    result = convshare.load_spec(spec_path)
    page = page_path(built_site, spec_path.stem, lang)
    assert page.is_file(), f"no {lang} page for {spec_path.name}"
    text = page.read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in text
    found = scan(page)
    assert convshare.fmt(result.params, lang) in text, "the computed total is not on the page"
    assert convshare.ratio(result.sharing_ratio, lang) in text, "the sharing ratio is missing"
    assert found.svg_titles, "no figure with a title (alt text)"
    assert convshare.network_name(result.network, lang) in found.svg_titles[0]
    if lang == "zh":
        assert re.search(r"[\u4e00-\u9fff]", found.svg_titles[0]), (
            "the figure's title is not Chinese"
        )
    conventions = (spec_data(spec_path).get("conventions") or {}).get(lang)
    if conventions:
        first_words = " ".join(conventions.split())[:20]
        assert html.escape(first_words, quote=False) in " ".join(text.split())
    # The language switch leads to the same network's page in the other language.
    other = "en" if lang == "zh" else "zh"
    target = (page.parent / found.alternates[other] / "index.html").resolve()
    assert target == page_path(built_site, spec_path.stem, other).resolve()


@pytest.mark.parametrize("lang", LANGS)
def test_overview_lists_every_spec(built_site: Path, lang: str) -> None:
    """The overview links every network's page and shows its total, in both languages."""
    overview = (built_site if lang == "zh" else built_site / lang) / "architectures" / "index.html"
    text = overview.read_text(encoding="utf-8")
    found = scan(overview)
    for path in SPECS:
        assert f"{path.stem}/" in found.links, f"{path.stem} is not linked from the overview"
        assert convshare.fmt(convshare.load_spec(path).params, lang) in text
    assert len(found.svg_titles) == 1, "the overview has one comparison figure"


@pytest.mark.parametrize("lang", LANGS)
def test_navigation_lists_every_network(built_site: Path, lang: str) -> None:
    """Every network's page is in the navigation (seen from the home page, which links none)."""
    home = (built_site if lang == "zh" else built_site / lang) / "index.html"
    text = home.read_text(encoding="utf-8")
    nav = text[text.index("md-nav--primary") :]
    links = re.findall(r'href="([^"]+)"', nav)
    for path in SPECS:
        assert f"architectures/{path.stem}/" in links, f"{path.stem} is not in the navigation"


def test_how_to_documents_every_type_and_field() -> None:
    """The how-to names every layer type, layer field and top-level field, in both languages."""
    for page in (DOCS / "add-architecture.md", DOCS / "add-architecture.en.md"):
        text = page.read_text(encoding="utf-8")
        for name in [*LAYER_FIELDS, *TOP_LEVEL_FIELDS]:
            assert f"`{name}`" in text, f"{page.name} does not mention `{name}`"
        for required, optional in LAYER_FIELDS.values():
            for field in (*required, *optional):
                assert f"`{field}`" in text, f"{page.name} does not mention `{field}`"


def test_how_to_error_example_is_real(tmp_path: Path) -> None:
    """The how-to's example error (the toy without flatten) is what the command really prints."""
    folder = tmp_path / "docs" / "architectures"
    folder.mkdir(parents=True)
    toy = (SPEC_DIR / "toy-cnn.yaml").read_text(encoding="utf-8")
    without = "".join(line for line in toy.splitlines(True) if "type: flatten" not in line)
    (folder / "my-net.yaml").write_text(without, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "convshare", "check", "docs/architectures/my-net.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    for page in (DOCS / "add-architecture.md", DOCS / "add-architecture.en.md"):
        shown = re.search(
            r"^error: docs/architectures/my-net\.yaml: .*$", page.read_text("utf-8"), re.M
        )
        assert shown is not None, f"{page.name} shows no example error"
        assert shown.group(0) in proc.stderr.splitlines()


# --- Small sites built by MkDocs ----------------------------------------------------------------

MINI_NAV = """\
nav:
  - index.md
  - 网络结构:
      - architectures/index.md
      - add-architecture.md
watch: [hooks]
"""


def build_mini_site(
    tmp_path: Path, specs: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """A site with the repository's configuration and overview, and only the given specs."""
    docs = tmp_path / "docs"
    (docs / "architectures").mkdir(parents=True)
    shutil.copytree(
        ROOT / "hooks", tmp_path / "hooks", ignore=shutil.ignore_patterns("__pycache__")
    )
    if (ROOT / "overrides").is_dir():  # the theme's custom_dir, relative to the config
        shutil.copytree(ROOT / "overrides", tmp_path / "overrides")
    (docs / "add-architecture.md").write_text("# 添加\n", encoding="utf-8")
    (docs / "add-architecture.en.md").write_text("# Add\n", encoding="utf-8")
    for name in ("index.md", "index.en.md"):
        shutil.copy(SPEC_DIR / name, docs / "architectures" / name)
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    (docs / "index.en.md").write_text("# Home\n", encoding="utf-8")
    for name, text in specs.items():
        (docs / "architectures" / name).write_text(text, encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: docs\n{MINI_NAV}", encoding="utf-8"
    )
    site = tmp_path / "site"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(config),
            "--site-dir",
            str(site),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
        check=False,
    )
    return proc, site


TOY = (
    (SPEC_DIR / "toy-cnn.yaml").read_text(encoding="utf-8")
    if (SPEC_DIR / "toy-cnn.yaml").exists()
    else ""
)

SITE_BREAKERS = [
    (
        "layer-error",
        "my-net.yaml",
        "name: x\ninput: [1, 8, 8]\nlayers:\n"
        "  - {type: conv, name: c1, out_channels: 4, kernel_size: 3}\n"
        "  - {type: linear, name: fc, out_features: 10}\n",
        ["layers[1] (fc)", "needs a flat input"],
    ),
    (
        "published-mismatch",
        "my-net.yaml",
        TOY.replace(
            "input: [1, 28, 28]", "published: {params: 9000, source: a test}\ninput: [1, 28, 28]"
        ),
        ["published.params", "publishes 9,000"],
    ),
]


@pytest.mark.parametrize(
    ("kind", "file", "text", "fragments"), SITE_BREAKERS, ids=[b[0] for b in SITE_BREAKERS]
)
def test_broken_spec_fails_the_build(
    tmp_path: Path, kind: str, file: str, text: str, fragments: list[str]
) -> None:
    """`mkdocs build --strict` fails, naming the file, the layer and the problem; makes no page."""
    proc, site = build_mini_site(tmp_path, {file: text, "toy-cnn.yaml": TOY})
    assert proc.returncode != 0
    log = proc.stdout + proc.stderr
    assert "Architecture spec error" in log, log
    assert f"architectures/{file}" in log, log
    for fragment in fragments:
        assert fragment in log, log
    stem = file.removesuffix(".yaml")
    for lang in LANGS:
        assert not page_path(site, stem, lang).exists()


def test_a_new_spec_appears_and_markup_stays_text(tmp_path: Path) -> None:
    """The how-to's steps: a copied spec gets pages, overview rows and a nav entry; markup in a spec
    shows as text, never as an element."""
    evil = textwrap.dedent(
        """\
        name: "</title><script>alert(1)</script>"
        title: {zh: "<script>alert(2)</script>", en: "</title><script>alert(3)</script>"}
        summary: {zh: "<img src=x onerror=alert(4)>", en: "<b>bold</b> | pipe"}
        conventions: {zh: "<script>alert(5)</script>", en: "<script>alert(5)</script>"}
        source: "<script>alert(6)</script>"
        input: [1, 8, 8]
        layers:
          - {type: conv, name: "<script>alert(7)</script>", out_channels: 2, kernel_size: 3}
        """
    )
    mine = TOY.replace("name: Toy CNN", "name: My Net").replace("zh: 小型 CNN", "zh: 我的网络")
    mine = mine.replace("en: Toy CNN", "en: My Net")
    proc, site = build_mini_site(tmp_path, {"my-net.yaml": mine, "evil.yaml": evil})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Step 1 of the how-to: a copied spec is a new network, with pages, overview rows and nav.
    total = convshare.fmt(convshare.load_spec(SPEC_DIR / "toy-cnn.yaml").params, "en")
    for lang in LANGS:
        page = page_path(site, "my-net", lang)
        assert page.is_file()
        assert total in page.read_text(encoding="utf-8")
        overview = page.parent.parent / "index.html"
        assert "my-net/" in scan(overview).links
        assert ("我的网络" if lang == "zh" else "My Net") in overview.read_text(encoding="utf-8")
    # Markup from the spec is text everywhere: in scripts, nothing of it; in headings, all of it.
    pages = sorted(site.rglob("*.html"))
    for file in pages:
        for script in scan(file).scripts:
            assert "alert(" not in script, f"{file}: spec text inside a <script>"
        raw = file.read_text(encoding="utf-8")
        assert "<img src=x" not in raw and "<b>bold</b>" not in raw, file
    zh, en = scan(page_path(site, "evil", "zh")), scan(page_path(site, "evil", "en"))
    assert "<script>alert(2)</script>" in zh.h1
    assert "</title><script>alert(3)</script>" in en.title
    assert "</title><script>alert(1)</script>" in en.svg_titles[0]
