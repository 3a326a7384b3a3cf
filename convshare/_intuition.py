"""The intuition figure: one filter reused at every position, or one filter per position.

Two small SVG panels drawn from a real layer (``conv2d``), so the counts they print stay live:
with sharing, the same filter (same colour, same weights) at three positions of the input;
without sharing, three different filters at the same three positions. Each panel is drawn at
330 CSS px, so its 12-13 px text stays at least 11 px on a 390 px phone screen.
"""

from __future__ import annotations

import html

from ._conv import ConvResult, conv2d
from ._render import _lang, fmt

__all__ = ["intuition_figure"]

_COLOURS = ("#3949ab", "#e65100", "#2e7d32")
_WIDTH, _HEIGHT = 330, 214
_CELL, _FCELL = 20, 13

_FILTERS = ("W₁", "W₂", "W₃")
_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "shared": "共享：一个滤波器用在每个位置",
        "unshared": "不共享：每个位置一个滤波器",
        "filter": "滤波器 W",
        "more": "……共 {n} 个",
        "input": "输入 {h}×{w}",
        "count_shared": "参数量：{k} × ({f} + 1) = {p}",
        "count_unshared": "参数量：{n} 个位置 × {s} = {p}",
        "title": "参数共享的直观图",
        "desc": (
            "两幅图画的是同一个 {h}×{w} 的输入和三个 {kh}×{kw} 的窗口。左图（共享）："
            "三个窗口颜色相同、权重相同，整层只有一个滤波器，参数量 {s}。右图（不共享）："
            "三个窗口颜色不同、权重不同，输出的 {n} 个位置各有一个滤波器，参数量 {u}，"
            "是共享时的 {n} 倍。"
        ),
    },
    "en": {
        "shared": "Shared: one filter at every position",
        "unshared": "Unshared: one filter per position",
        "filter": "filter W",
        "more": "… {n} in all",
        "input": "input {h}×{w}",
        "count_shared": "parameters: {k} × ({f} + 1) = {p}",
        "count_unshared": "parameters: {n} positions × {s} = {p}",
        "title": "Parameter sharing at a glance",
        "desc": (
            "Both panels show the same {h}×{w} input and three {kh}×{kw} windows. Left (shared): "
            "the three windows have the same colour and the same weights; the layer has one "
            "filter, {s} parameters. Right (unshared): the three windows have different colours "
            "and weights; each of the {n} output positions has its own filter, {u} parameters, "
            "{n} times as many."
        ),
    },
}


def _weight(filter_index: int, a: int, b: int) -> float:
    """A fixed, made-up weight pattern per filter, drawn as opacity (0.15-0.95)."""
    return 0.15 + 0.2 * ((a * 3 + b * 2 + filter_index * 4 + a * b * filter_index) % 5)


def _window(x: float, y: float, kh: int, kw: int, cell: float, colour: str, index: int) -> str:
    parts = []
    for a in range(kh):
        for b in range(kw):
            parts.append(
                f'<rect x="{x + b * cell:g}" y="{y + a * cell:g}" width="{cell:g}" '
                f'height="{cell:g}" fill="{colour}" fill-opacity="{_weight(index, a, b):.2f}"/>'
            )
    parts.append(
        f'<rect x="{x:g}" y="{y:g}" width="{kw * cell:g}" height="{kh * cell:g}" fill="none" '
        f'stroke="{colour}" stroke-width="2"/>'
    )
    return "".join(parts)


def _panel(r: ConvResult, shared: bool, lang: str, uid: str, caption: str) -> str:
    t = _TEXT[lang]
    h, w = r.input_size
    kh, kw = r.kernel_size
    oh, ow = r.output_size
    sh, sw = r.stride
    # Three windows that do not overlap: top left, top right, bottom middle (output positions).
    positions = [(0, 0), (0, ow - 1), (oh - 1, ow // 2)]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'width="{_WIDTH}" role="img" aria-labelledby="{uid}-t {caption}" '
        f'style="max-width:100%;height:auto" font-size="12" fill="currentColor">',
        f'<title id="{uid}-t">{html.escape(t["shared" if shared else "unshared"])}</title>',
        f'<text x="8" y="16" font-size="13" font-weight="bold">'
        f"{html.escape(t['shared' if shared else 'unshared'])}</text>",
    ]
    x0, y0 = 8, 28
    for a in range(h):
        for b in range(w):
            out.append(
                f'<rect x="{x0 + b * _CELL}" y="{y0 + a * _CELL}" width="{_CELL}" '
                f'height="{_CELL}" fill="none" stroke="currentColor" stroke-opacity="0.35"/>'
            )
    for i, (p, q) in enumerate(positions):
        colour = _COLOURS[0] if shared else _COLOURS[i]
        out.append(
            _window(
                x0 + q * sw * _CELL, y0 + p * sh * _CELL, kh, kw, _CELL, colour, 0 if shared else i
            )
        )
    out.append(
        f'<text x="{x0}" y="{y0 + h * _CELL + 14}">'
        f"{html.escape(t['input'].format(h=h, w=w))}</text>"
    )
    fx = x0 + w * _CELL + 22
    if shared:
        out.append(_window(fx, y0 + 20, kh, kw, _FCELL + 5, _COLOURS[0], 0))
        out.append(
            f'<text x="{fx}" y="{y0 + 20 + kh * (_FCELL + 5) + 16}">'
            f"{html.escape(t['filter'])}</text>"
        )
    else:
        for i, name in enumerate(_FILTERS):
            fy = y0 + i * (kh * _FCELL + 7)
            out.append(_window(fx, fy, kh, kw, _FCELL, _COLOURS[i], i))
            out.append(
                f'<text x="{fx + kw * _FCELL + 6}" y="{fy + kh * _FCELL / 2 + 4:g}">{name}</text>'
            )
        out.append(
            f'<text x="{fx}" y="{y0 + 3 * (kh * _FCELL + 7) + 10}">'
            f"{html.escape(t['more'].format(n=fmt(r.positions, lang)))}</text>"
        )
    per_filter = r.params_per_filter
    if shared:
        count = t["count_shared"].format(
            k=r.out_channels, f=f"{kh}×{kw}×{r.in_channels}", p=fmt(r.params_shared, lang)
        )
    else:
        count = t["count_unshared"].format(
            n=fmt(r.positions, lang),
            s=fmt(per_filter * r.out_channels, lang),
            p=fmt(r.params_unshared, lang),
        )
    out.append(f'<text x="8" y="{_HEIGHT - 8}" font-size="13">{html.escape(count)}</text>')
    out.append("</svg>")
    return "".join(out)


def intuition_figure(lang: str = "en", layer: ConvResult | None = None) -> str:
    """Two SVG panels, shared and unshared, of one small layer (6×6 input, one 3×3 filter).

    The HTML is one ``<figure>`` whose caption is the alternative text of both panels.

    >>> svg = intuition_figure("en")
    >>> "parameters: 1 × (3×3×1 + 1) = 10" in svg, "16 positions × 10 = 160" in svg
    (True, True)
    """
    lang = _lang(lang)
    r = layer if layer is not None else conv2d(6, 1, 1, 3)
    if r.out_channels != 1 or r.groups != 1:
        raise ValueError("the intuition figure draws a layer with one filter and no groups")
    t = _TEXT[lang]
    h, w = r.input_size
    kh, kw = r.kernel_size
    desc = t["desc"].format(
        h=h,
        w=w,
        kh=kh,
        kw=kw,
        s=fmt(r.params_shared, lang),
        u=fmt(r.params_unshared, lang),
        n=fmt(r.positions, lang),
    )
    uid = f"intuition-{lang}"
    caption = f"{uid}-d"
    panels = _panel(r, True, lang, f"{uid}-a", caption) + _panel(
        r, False, lang, f"{uid}-b", caption
    )
    return (
        f'<figure class="intuition" aria-label="{html.escape(t["title"])}" '
        'style="display:flex;flex-wrap:wrap;gap:0.5rem 1.5rem;margin:1em 0">'
        f"{panels}"
        f'<figcaption id="{caption}" style="flex-basis:100%">{html.escape(desc)}</figcaption>'
        "</figure>"
    )
