"""Charts drawn on the server as accessible SVG (no script, no inline style: the strict CSP holds).

Each chart has a <title> and <desc>, one `<g class="bar" data-label data-value>` per value with its own
<title> (read by screen readers and shown as a tooltip), and is always placed beside a table of the
same numbers (the templates do that). Colours come from classes styled in web/static/site.css."""
from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 560, 220
LEFT, BOTTOM, TOP = 40, 28, 12


def _fmt(value: float) -> str:
    return f"{value:g}"


def bar_chart(chart_id: str, title: str, desc: str, items: Sequence[tuple[str, float | None]], top: float,
              shown: Sequence[str] | None = None) -> Markup:
    """Vertical bars (e.g. the on-time rate month by month) on a 0…top scale; None draws no bar.
    `shown` are the texts of the values in the tooltips (default: the numbers)."""
    n = max(len(items), 1)
    inner_w, inner_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    step = inner_w / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d">',
             f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
             f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>']
    for frac in (0, 0.5, 1):
        y = TOP + inner_h * (1 - frac)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="axis" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{_fmt(top * frac)}</text>')
    for i, (label, value) in enumerate(items):
        x = LEFT + i * step
        text = shown[i] if shown is not None else ("—" if value is None else _fmt(value))
        h = 0.0 if value is None or top <= 0 else max(0.0, min(value / top, 1.0)) * inner_h
        data = "" if value is None else _fmt(value)
        parts.append(f'<g class="bar" data-label="{escape(label)}" data-value="{escape(data)}">'
                     f'<title>{escape(label)}: {escape(text)}</title>'
                     f'<rect x="{x + step * 0.15:.1f}" y="{TOP + inner_h - h:.1f}" width="{step * 0.7:.1f}" '
                     f'height="{h:.1f}"/>'
                     f'<text class="axis" x="{x + step / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                     f'text-anchor="middle">{escape(label)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def hbar_chart(chart_id: str, title: str, desc: str, items: Sequence[tuple[str, float | None, float]],
               shown: Sequence[str] | None = None) -> Markup:
    """Horizontal bars, each against its own maximum (e.g. the five groups' scores out of 18, 20, 22…):
    a pale bar is the maximum, the dark bar the score; None draws no score."""
    row, label_w = 30, 190
    height = TOP + row * max(len(items), 1) + 8
    bar_w = WIDTH - label_w - 70
    scale = max((m for _, _, m in items), default=1) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
             f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d">',
             f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
             f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>']
    for i, (label, value, top) in enumerate(items):
        y = TOP + i * row
        text = shown[i] if shown is not None else ("—" if value is None else f"{_fmt(value)} / {_fmt(top)}")
        data = "" if value is None else _fmt(value)
        full = bar_w * top / scale
        w = 0.0 if value is None or top <= 0 else full * max(0.0, min(value / top, 1.0))
        parts.append(f'<g class="bar" data-label="{escape(label)}" data-value="{escape(data)}">'
                     f'<title>{escape(label)}: {escape(text)}</title>'
                     f'<text class="axis" x="{label_w - 6}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
                     f'<rect class="room" x="{label_w}" y="{y + 4}" width="{full:.1f}" height="18"/>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="18"/>'
                     f'<text class="axis" x="{label_w + full + 6:.1f}" y="{y + 17}">{escape(text)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))
