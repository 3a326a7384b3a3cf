"""Notebook pages (mkdocs-jupyter) under mkdocs-static-i18n, light and self-contained.

* **Pages, not downloads.** mkdocs-static-i18n re-creates every file after mkdocs-jupyter has
  wrapped the notebooks; a re-created ``.ipynb`` is no longer a documentation page and would be
  copied to the site as raw JSON. Registering ``.ipynb`` as a Markdown extension before the
  files are collected keeps it a page, which mkdocs-jupyter then renders.
* **No inline Jupyter CSS.** mkdocs-jupyter inlines JupyterLab's whole stylesheet (about 600 KB)
  into every notebook page. This hook removes every ``<style>`` element from the notebook's HTML
  and links ``notebooks/notebook.css``, a few kilobytes written for this site's theme. Code
  cells become Material code blocks (its colours, its copy button), so mkdocs-jupyter's own
  copy widget and its script go too.
* **Nothing from another host.** The notebook template also carries a MathJax loader and a
  Mermaid loader that point to a CDN; every script of the notebook's HTML is removed.
* **Working anchors.** mkdocs-jupyter's heading ids drop Chinese characters (empty ids, a TOC
  pointing nowhere); headings and TOC get the site's slugs instead.
* **Maths as MathML.** ``$…$`` and ``$$…$$`` in Markdown cells become MathML with the site's
  converter (``hooks/maths.py``), like every other page.
* **Figures as files, loaded lazily.** A figure output is a base64 PNG inside the page (the
  equivariance page carried 114 KB of them); each becomes a file ``notebooks/figures/<hash>.png``
  (named by its content, so both languages share identical figures) with ``loading="lazy"``:
  the browser fetches it when the reader scrolls near it. Inline SVG figures
  (``<figure class="nb-figure"><svg …>``, written by ``docs/notebooks/_nb.py``) become files
  ``notebooks/figures/<hash>.svg`` the same way: the ``<img>`` keeps the figure's width and
  height (no layout jump) and takes its ``aria-label`` as ``alt``. An SVG shown by ``<img>``
  does not see the page's CSS, so the file carries its own colours: the page's text and
  background colours of Material's light scheme, and of its dark scheme under
  ``prefers-color-scheme: dark`` (which an image follows from the ``color-scheme`` of the page
  that shows it, set by Material's dark palette).
* **Each notebook converted once.** mkdocs-jupyter's own cache (``cache: true`` in
  ``mkdocs.yml``) keeps the HTML of each notebook, keyed by the notebook's bytes and the plugin's
  options; a build then converts only a notebook that changed (nbconvert takes most of a second
  per notebook). Two things the plugin leaves out are added here: its key ignores the versions of
  the converters, so the folder is named after them (:func:`cache_folder`); and after each build
  it deletes every entry that build did not use, which under mkdocs-static-i18n (one build per
  language) would delete the other language's, so each language has its own folder. A dirty
  build of ``make serve`` renders no notebook, so it is given a folder that does not exist and
  evicts nothing. What this hook does to the HTML (above) runs after the cache, on every build.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import importlib.metadata
import re
import sys
from pathlib import Path
from typing import Any

import mkdocs.utils
from maths import render_dollars
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url
from pymdownx.slugs import slugify

__all__ = [
    "CONVERTERS",
    "CSS",
    "FIGURES",
    "SVG_STYLE",
    "cache_folder",
    "figures_as_files",
    "is_notebook",
    "rewrite_notebook_html",
]

#: The stylesheet notebook pages link instead of JupyterLab's, relative to docs_dir.
CSS = "notebooks/notebook.css"
#: Where the figures of notebook outputs are written, relative to site_dir.
FIGURES = "notebooks/figures"

_DATA_IMAGE = re.compile(
    r'<img\b(?P<before>[^>]*?)\ssrc="data:image/(?P<type>png|jpeg);base64,(?P<data>[^"]*)"'
    r"(?P<after>[^>]*?)/?>"
)
# A notebook figure as inline SVG (docs/notebooks/_nb.py: show), the only SVG in its <figure>.
_SVG_FIGURE = re.compile(
    r'(?P<open><figure class="nb-figure">)\s*(?P<svg><svg\b(?P<attrs>[^>]*)>.*?</svg>)\s*</figure>',
    re.DOTALL,
)
_ATTR = re.compile(r'\s(?P<name>[\w:-]+)="(?P<value>[^"]*)"')
# What the page's CSS gives an inline figure (currentColor, --md-default-bg-color), for a file
# that no page CSS reaches: Material's default and slate scheme colours (--md-hue 232deg).
SVG_STYLE = (
    "<style>svg{color:#000000de;--md-default-bg-color:#fff}"
    "@media (prefers-color-scheme:dark){svg{color:hsla(232,15%,90%,0.82);"
    "--md-default-bg-color:hsla(232,15%,14%,1)}}</style>"
)
_XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'
# Figures of this build: site-relative path -> bytes, written after the build.
_figures: dict[str, bytes] = {}

_slugify = slugify(case="lower")  # the site's own slugs (markdown_extensions.toc), CJK kept

_STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.DOTALL | re.IGNORECASE)
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# mkdocs-jupyter's own copy button: Material's (content.code.copy) replaces it.
_COPY_BUTTON = re.compile(
    r'<div class="zeroclipboard-container">.*?</clipboard-copy>\s*</div>', re.DOTALL
)
# The cell's tags (``timing``, ``machine``) are for the tests, not for readers.
_TAGS = re.compile(
    r'<div class="celltoolbar">(?:\s*<div class="button_container[^"]*">.*?</div>)*\s*</div>',
    re.DOTALL,
)
_COPY_TEXT = re.compile(r'<div class="clipboard-copy-txt" id="cell-\d+">.*?</div>', re.DOTALL)
# Pygments output of a code cell, re-dressed as Material's code block (colours, copy button).
_CODE = re.compile(
    r'<div class="highlight-ipynb hl-(?P<lang>[\w-]+)[^"]*"><pre>(?P<code>.*?)</pre></div>',
    re.DOTALL,
)
_FOCUSABLE_INPUT = re.compile(r'(<div class="jp-Cell-inputWrapper") tabindex="0"')
_HEADING = re.compile(
    r'<h(?P<level>[1-6]) id="[^"]*">(?P<text>.*?)'
    r'<a class="anchor-link" href="#[^"]*">¶</a></h(?P=level)>',
    re.DOTALL,
)
_TAG = re.compile(r"<[^>]+>")
# A Markdown cell's rendered HTML; mistune puts no <div> inside it.
_MARKDOWN_CELL = re.compile(
    r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput[^"]*"[^>]*>)'
    r"(.*?)(</div>)",
    re.DOTALL,
)


# Display maths is a <div>, which a <p> cannot hold: mistune wraps "$$…$$" in one.
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
# One <div>, or (a chain of equalities, hooks/maths.py) a <div> holding one more <div>.
_DISPLAY = re.compile(
    r'(<div class="maths maths--display">(?:<div class="maths__chain">.*?</div>)?.*?</div>)',
    re.DOTALL,
)


def _lift_display_maths(content: str) -> str:
    """Move display maths out of paragraphs: <p>a $$x$$ b</p> -> <p>a</p><div>x</div><p>b</p>."""

    def split(match: re.Match[str]) -> str:
        inner = match.group(1)
        if 'class="maths maths--display"' not in inner:
            return match.group(0)
        parts = _DISPLAY.split(inner)
        out = []
        for i, part in enumerate(parts):
            if i % 2:
                out.append(part)
            elif part.strip():
                out.append(f"<p>{part.strip()}</p>")
        return "\n".join(out)

    return _PARAGRAPH.sub(split, content)


def is_notebook(page: Any) -> bool:
    """Whether ``page`` comes from a notebook."""
    return bool(page.file.src_uri.endswith(".ipynb"))


def _flatten(items: Any) -> list[Any]:
    out = []
    for item in items:
        out.append(item)
        out.extend(_flatten(item.children))
    return out


def _headings(content: str, toc: Any, where: str) -> str:
    """Give headings the site's slugs (mkdocs-jupyter's drop Chinese), and the TOC the same."""
    items = _flatten(toc) if toc is not None else []
    found = list(_HEADING.finditer(content))
    if len(found) != len(items):
        raise PluginError(
            f"{where}: {len(found)} headings in the notebook, {len(items)} in its TOC"
        )
    used: set[str] = set()
    replacements = iter(range(len(found)))

    def replace(match: re.Match[str]) -> str:
        i = next(replacements)
        text = html.unescape(_TAG.sub("", match.group("text"))).strip()
        slug = base = _slugify(text, "-") or "section"
        n = 0
        while slug in used:
            n += 1
            slug = f"{base}_{n}"
        used.add(slug)
        items[i].id = slug
        level = match.group("level")
        return (
            f'<h{level} id="{slug}">{match.group("text")}'
            f'<a class="headerlink" href="#{slug}" title="Permanent link">¶</a></h{level}>'
        )

    return _HEADING.sub(replace, content)


def rewrite_notebook_html(content: str, toc: Any = None, where: str = "<notebook>") -> str:
    """Strip inline styles, scripts and copy widgets; Material code blocks; slugs; MathML."""
    content = _STYLE.sub("", content)
    content = _SCRIPT.sub("", content)
    content = _COMMENT.sub("", content)
    content = _COPY_BUTTON.sub("", content)
    content = _COPY_TEXT.sub("", content)
    content = _TAGS.sub("", content)
    content = _CODE.sub(
        lambda m: (
            f'<div class="language-{m.group("lang")} highlight"><pre><code>'
            f"{m.group('code')}</code></pre></div>"
        ),
        content,
    )
    content = _FOCUSABLE_INPUT.sub(r"\1", content)
    content = _headings(content, toc, where)
    return _MARKDOWN_CELL.sub(
        lambda m: m.group(1) + _lift_display_maths(render_dollars(m.group(2))) + m.group(3),
        content,
    )


def figures_as_files(content: str, page_url: str, figures: dict[str, bytes]) -> str:
    """Replace each base64 PNG/JPEG ``<img>`` and each inline SVG figure by a lazily loaded
    file; record the files' bytes in ``figures`` (site-relative path -> bytes)."""

    def replace(match: re.Match[str]) -> str:
        try:
            data = base64.b64decode("".join(match.group("data").split()), validate=True)
        except (binascii.Error, ValueError):
            return match.group(0)  # not valid base64: left as it was
        suffix = "png" if match.group("type") == "png" else "jpg"
        path = f"{FIGURES}/{hashlib.sha256(data).hexdigest()[:16]}.{suffix}"
        figures[path] = data
        src = get_relative_url(path, page_url or ".")
        attrs = f"{match.group('before')}{match.group('after')}".rstrip()
        return f'<img{attrs} src="{src}" loading="lazy" decoding="async">'

    content = _DATA_IMAGE.sub(replace, content)
    return _SVG_FIGURE.sub(lambda m: _svg_as_file(m, page_url, figures), content)


def _svg_as_file(match: re.Match[str], page_url: str, figures: dict[str, bytes]) -> str:
    """One inline SVG figure as a standalone file behind a lazy ``<img>``."""
    attrs = {a.group("name"): a.group("value") for a in _ATTR.finditer(match.group("attrs"))}
    svg = match.group("svg")
    head = len("<svg") + len(match.group("attrs")) + 1  # up to and with the root's ">"
    root = svg[:head]
    if "xlink:" in svg and "xmlns:xlink" not in root:  # HTML needs no namespace, a file does
        root = root.replace("<svg", f"<svg {_XLINK}", 1)
    data = f"{root}{SVG_STYLE}{svg[head:]}\n".encode()
    path = f"{FIGURES}/{hashlib.sha256(data).hexdigest()[:16]}.svg"
    figures[path] = data
    src = get_relative_url(path, page_url or ".")
    size = "".join(f' {k}="{attrs[k]}"' for k in ("width", "height") if k in attrs)
    alt = attrs.get("aria-label", "")
    return (
        f'{match.group("open")}<img src="{src}" alt="{alt}"{size} loading="lazy" '
        'decoding="async"></figure>'
    )


#: The distributions whose versions shape the HTML of a converted notebook.
CONVERTERS = (
    "mkdocs-jupyter",
    "nbconvert",
    "nbformat",
    "mistune",
    "pygments",
    "jupyterlab-pygments",
    "jupytext",
    "markdown",
)


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def cache_folder(root: Path, language: str) -> Path:
    """Where mkdocs-jupyter keeps the converted notebooks of one language: a folder named after
    the converters' versions, so that an upgrade never serves HTML of the previous version.

    >>> folder = cache_folder(Path("/repo"), "en")
    >>> folder.parent.parent == Path("/repo/.cache/notebooks"), folder.name
    (True, 'en')
    >>> cache_folder(Path("/repo"), "zh").parent == folder.parent
    True
    """
    versions = ";".join(f"{name}={_version(name)}" for name in CONVERTERS)
    digest = hashlib.sha256(versions.encode()).hexdigest()[:16]
    return root / ".cache" / "notebooks" / digest / language


def partial_build() -> bool:
    """Whether the build under way is a dirty one of ``make serve``, which renders only the
    edited Markdown pages (hooks/serve.py keeps its state in this module; importing that hook
    here would install its patches of MkDocs in every process that imports this one)."""
    state = sys.modules.get("_convshare_serve_state")
    return bool(state is not None and state.active and state.plan is not None)


def on_pre_build(config: Any, **kwargs: Any) -> None:
    # Called once per language build (mkdocs-static-i18n builds the others from its own
    # on_post_build); mkdocs-jupyter reads the folder when each page is rendered and when it
    # evicts, after the build.
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None or not plugin.config.get("cache"):
        return
    i18n = config.plugins.get("i18n")
    language = getattr(i18n, "current_language", None) or "default"
    # Beside the docs folder: a build of other notebooks (another docs_dir) has its own cache.
    folder = cache_folder(Path(config.docs_dir).parent, language)
    if partial_build():  # renders no notebook: nothing to read, nothing to evict
        folder = folder / "unused-by-a-dirty-build"
    plugin.config["cache_dir"] = str(folder)


def on_config(config: Any, **kwargs: Any) -> Any:
    # This build's figures only: a hook module now lives as long as its file is unchanged.
    _figures.clear()
    if ".ipynb" not in mkdocs.utils.markdown_extensions:
        mkdocs.utils.markdown_extensions = (*mkdocs.utils.markdown_extensions, ".ipynb")
    return config


def on_page_content(html_: str, page: Any, **kwargs: Any) -> str:
    if not is_notebook(page):
        return html_
    try:
        html_ = rewrite_notebook_html(html_, page.toc, page.file.src_uri)
    except ValueError as error:  # maths that latex2mathml cannot convert
        raise PluginError(f"{page.file.src_uri}: {error}") from error
    return figures_as_files(html_, page.url, _figures)


def on_post_build(config: Any, **kwargs: Any) -> None:
    for path, data in _figures.items():
        target = Path(config["site_dir"]) / path
        if not (target.is_file() and target.read_bytes() == data):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def on_post_page(output: str, page: Any, config: Any, **kwargs: Any) -> str:
    if not is_notebook(page):
        return output
    href = get_relative_url(CSS, page.url or ".")
    link = f'<link rel="stylesheet" href="{href}">'
    return output.replace("</head>", f"  {link}\n  </head>", 1)
