"""Figures drawn from the numbers: small, self-contained inline SVG (no JavaScript, no fonts)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from ._network import NetworkResult
from ._network_page import layer_groups
from ._pages import plain_html
from ._render import _lang, fmt, network_name

__all__ = ["bar_chart", "network_figure", "overview_figure"]

SHARED = "#1565c0"
UNSHARED = "#d84315"

_TEXT = {
    "zh": {
        "shared": "共享",
        "unshared": "不共享",
        "layer_title": "{name}：每层参数，共享与不共享（对数刻度）",
        "layer_desc": "{n} 个含参数的层。共享时共 {s} 个参数，不共享时共 {u} 个。"
        "每层两根横条：上为共享，下为不共享。",
        "group_desc": "{n} 个含参数的层或块组。共享时共 {s} 个参数，不共享时共 {u} 个。"
        "每层（或每组）两根横条：上为共享，下为不共享。",
        "group_tip": "{name}：{block} 块 ×{n}，{layers} 个含参数的层；共享 {s}，不共享 {u}",
        "net_title": "各网络的参数总数，共享与不共享（对数刻度）",
        "net_desc": "{n} 个网络。{items}。",
        "item": "{name} 共享 {s}、不共享 {u}",
        "sep": "；",
    },
    "en": {
        "shared": "with sharing",
        "unshared": "without sharing",
        "layer_title": "{name}: parameters per layer, with and without sharing (log scale)",
        "layer_desc": "{n} layers with parameters. {s} parameters in all with sharing, "
        "{u} without. Two bars per layer: with sharing above, without below.",
        "group_desc": "{n} layers or groups of blocks with parameters. {s} parameters in all "
        "with sharing, {u} without. Two bars per layer (or group): with sharing above, without "
        "below.",
        "group_tip": "{name}: block {block} ×{n}, {layers} layers with parameters; {s} with "
        "sharing, {u} without",
        "net_title": "Total parameters of each network, with and without sharing (log scale)",
        "net_desc": "{n} networks. {items}.",
        "item": "{name}: {s} with sharing, {u} without",
        "sep": "; ",
    },
}

_SUFFIXES = {
    "en": ((10**9, "B"), (10**6, "M"), (10**3, "k")),
    "zh": ((10**8, "亿"), (10**4, "万")),
}


def _tick(power: int, lang: str) -> str:
    value = 10**power
    for size, suffix in _SUFFIXES[lang]:
        if value >= size:
            return f"{value // size}{suffix}"
    return str(value)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "figure"


def bar_chart(
    labels: Sequence[str],
    shared: Sequence[int],
    unshared: Sequence[int],
    *,
    title: str,
    desc: str,
    lang: str,
    ident: str,
    tips: Sequence[str] | None = None,
) -> str:
    """Two horizontal bars per label on a log scale, as an accessible inline SVG string.

    ``tips`` gives a bar pair a tooltip (an SVG ``<title>``) where it is not empty.

    >>> svg = bar_chart(["C1"], [156], [122304], title="t", desc="d", lang="en", ident="x")
    >>> svg.startswith("<svg") and 'role="img"' in svg and "122,304" in svg
    True
    """
    lang = _lang(lang)
    t = _TEXT[lang]
    # Drawn at its own size, 640 px wide (no wider than the text column on a laptop), so that
    # the labels stay at 12 px and the values at 11 px; a narrower column scrolls the figure.
    left, right, top, row_h = 200, 90, 46, 28
    plot = 350
    width = left + plot + right
    height = top + row_h * len(labels) + 30
    top_value = max([*shared, *unshared, 10])
    decades = max(1, math.ceil(math.log10(top_value)))

    def x(v: int) -> float:
        return left + (plot * math.log10(v) / decades if v > 0 else 0)

    esc = plain_html
    ident = _slug(ident)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cs-figure" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img"'
        f' aria-labelledby="{ident}-title {ident}-desc" font-family="inherit" font-size="12">',
        f'<title id="{ident}-title">{esc(title)}</title>',
        f'<desc id="{ident}-desc">{esc(desc)}</desc>',
        f'<rect x="{left}" y="8" width="12" height="10" fill="{SHARED}"/>',
        f'<text x="{left + 16}" y="17" fill="currentColor">{esc(t["shared"])}</text>',
        f'<rect x="{left + 130}" y="8" width="12" height="10" fill="{UNSHARED}"/>',
        f'<text x="{left + 146}" y="17" fill="currentColor">{esc(t["unshared"])}</text>',
    ]
    bottom = top + row_h * len(labels)
    for p in range(decades + 1):
        gx = left + plot * p / decades
        parts.append(
            f'<line x1="{gx:.1f}" y1="{top - 6}" x2="{gx:.1f}" y2="{bottom}" '
            'stroke="currentColor" stroke-opacity="0.15"/>'
        )
        parts.append(
            f'<text x="{gx:.1f}" y="{bottom + 14}" text-anchor="middle" fill="currentColor">'
            f"{esc(_tick(p, lang))}</text>"
        )
    for i, (label, s, u) in enumerate(zip(labels, shared, unshared, strict=True)):
        y = top + row_h * i
        # Long names keep their end, which tells a network's blocks apart.
        short = label if len(label) <= 28 else "…" + label[-27:]
        tip = tips[i] if tips else ""
        if tip:
            parts.append(f"<g><title>{esc(tip)}</title>")
        parts.append(
            f'<text x="{left - 6}" y="{y + 16}" text-anchor="end" fill="currentColor">'
            f"{esc(short)}</text>"
        )
        for dy, value, colour in ((2, s, SHARED), (13, u, UNSHARED)):
            end = x(value)
            parts.append(
                f'<rect x="{left}" y="{y + dy}" width="{max(end - left, 1):.1f}" height="10" '
                f'fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{end + 4:.1f}" y="{y + dy + 9}" font-size="11" fill="currentColor">'
                f"{esc(fmt(value, lang))}</text>"
            )
        if tip:
            parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def network_figure(result: NetworkResult, lang: str = "en") -> str:
    """Parameters with and without sharing of every layer that has any, the uses of a
    repeated block summed into one pair of bars (so the bars add up to the network's totals).

    >>> from convshare._spec import parse_spec, check_spec
    >>> net = check_spec(parse_spec({"name": "t", "input": [1, 8, 8],
    ...     "blocks": {"c": {"args": ["name"], "layers": [
    ...         {"type": "conv", "name": "$name.conv", "out_channels": 1, "kernel_size": 1}]}},
    ...     "layers": [{"use": "c", "name": "s$i", "repeat": 3}]}))
    >>> svg = network_figure(net, "en")
    >>> svg.count("<rect"), ">s0–2</text>" in svg, "<title>s0–2: block c ×3, 3 layers with" in svg
    (4, True, True)
    """
    lang = _lang(lang)
    t = _TEXT[lang]
    groups = [g for g in layer_groups(result) if g.params or g.params_unshared]
    tips = [
        t["group_tip"].format(
            name=g.label,
            block=g.block,
            n=g.count,
            layers=sum(1 for r in g.rows if r.params),
            s=fmt(g.params, lang),
            u=fmt(g.params_unshared, lang),
        )
        if g.block
        else ""
        for g in groups
    ]
    name = network_name(result.network, lang)
    return bar_chart(
        [g.label for g in groups],
        [g.params for g in groups],
        [g.params_unshared for g in groups],
        title=t["layer_title"].format(name=name),
        desc=t["group_desc" if any(g.block for g in groups) else "layer_desc"].format(
            n=len(groups), s=fmt(result.params, lang), u=fmt(result.params_unshared, lang)
        ),
        lang=lang,
        ident=f"{name}-layers",
        tips=tips,
    )


def overview_figure(entries: Sequence[tuple[str, NetworkResult]], lang: str = "en") -> str:
    """Whole-network totals with and without sharing, one pair of bars per network."""
    t = _TEXT[_lang(lang)]
    items = t["sep"].join(
        t["item"].format(name=name, s=fmt(r.params, lang), u=fmt(r.params_unshared, lang))
        for name, r in entries
    )
    return bar_chart(
        [name for name, _ in entries],
        [r.params for _, r in entries],
        [r.params_unshared for _, r in entries],
        title=t["net_title"],
        desc=t["net_desc"].format(n=len(entries), items=items),
        lang=lang,
        ident="overview",
    )
