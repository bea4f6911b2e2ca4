"""The targets of issue 7, the readable table, and the growth plot (SVG, drawn by hand). The table
says which figures the run measured and which are reference values measured elsewhere."""

from __future__ import annotations

import math
from typing import Any
from xml.sax.saxutils import escape

# (dotted path, comparison, bound, what it means)
TARGETS: list[tuple[str, str, float, str]] = [
    (
        "peer.usecase_sqlite_per_s",
        ">=",
        110.0,
        "peer instances/s through the use cases, SQLite (10x spiff-arena's reference value)",
    ),
    ("peer.completion_ms_median", "<=", 5.0, "median task completion through the use cases, SQLite"),
    ("peer.ratio", ">=", 0.2, "full system / bare engine"),
    ("peer.http_completion_ms_median", "<=", 10.0, "median task completion through HTTP, one client"),
    ("concurrency.p50_ms", "<=", 10.0, "median task completion through HTTP, 16 clients"),
    ("concurrency.p99_ms", "<=", 50.0, "p99 task completion through HTTP, 16 clients"),
    ("concurrency.errors", "<=", 0.0, "errors under 16 concurrent clients"),
    ("concurrency.postgresql.p99_ms", "<=", 100.0, "p99 task completion through HTTP, 16 clients, PostgreSQL"),
    ("growth.ratio_1e5_1e3", "<=", 1.15, "per-operation cost at the largest / smallest history"),
    ("timers.sweep_10k_s", "<", 10.0, "one sweep firing 10,000 due timers (s)"),
    ("timers.pg_sweep_10k_s", "<", 10.0, "10,000 due timers fired by 2 sweepers on PostgreSQL (s)"),
    ("memory.peak_rss_mb", "<", 250.0, "peak RSS of a server process under load (MB)"),
    ("memory.db_bytes_per_dossier", "<", 8192.0, "database bytes per finished dossier (peer process)"),
    ("memory.db_bytes_per_hkd_dossier", "<", 8192.0, "database bytes per finished HKD dossier"),
    ("memory.db_bytes_per_hkd_dossier_archived", "<", 8192.0,
     "the same a month later: messages sent, their bodies archived (the steady state)"),
    ("multinode.errors", "<=", 0.0, "errors with 3 nodes on one PostgreSQL database"),
    ("multinode.duplicate_firings", "<=", 0.0, "timers fired more than once by the nodes' sweepers"),
    ("multinode.lost_writes", "<=", 0.0, "completions answered 200 but not in the database"),
]


def lookup(result: dict[str, Any], path: str) -> Any:
    value: Any = result
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def check_targets(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    checks = {}
    for path, op, bound, label in TARGETS:
        value = lookup(result, path)
        met = None if value is None else {">=": value >= bound, "<=": value <= bound, "<": value < bound}[op]
        checks[path] = {"target": f"{op} {bound:g}", "value": value, "met": met, "what": label}
    return checks


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def table(result: dict[str, Any]) -> str:
    """Every figure of the run as aligned text, the targets last."""
    lines: list[str] = []
    m = result["machine"]
    lines.append(
        f"MotCua benchmark — {m['cpus']} CPU ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}, "
        f"SQLite {m['sqlite']}, PostgreSQL {m['postgresql'] or 'not measured'}"
    )
    lines.append("Measured in this run: every section below except [reference].")
    for section in ("peer", "profile", "lifecycle", "growth", "timers", "concurrency", "multinode", "audit",
                    "memory"):
        data = result.get(section) or {}
        lines.append("")
        lines.append(f"[{section}]")
        _flatten(lines, data, "  ")
    _reference(lines, result.get("reference") or {})
    lines.append("")
    lines.append("[targets]")
    for path, check in result["targets"].items():
        mark = {True: "met ", False: "MISS", None: "n/a "}[check["met"]]
        lines.append(
            f"  {mark}  {path:34} {_fmt(check['value']):>12}  {check['target']:>10}   {check['what']}"
        )
    for note in result.get("notes", []):
        lines.append(f"note: {note}")
    return "\n".join(lines)


def _reference(lines: list[str], reference: dict[str, Any]) -> None:
    """Values measured elsewhere, each line saying so, so that no one reads them as this run's."""
    note = reference.get("note", "reference, not measured in this run")
    for name, system in reference.items():
        if not isinstance(system, dict):
            continue
        lines.append("")
        lines.append(f"[reference: {name}] ({note})")
        lines.append(f"  {system.get('system', name)}")
        lines.append(f"  source: {system.get('source', 'measured elsewhere')}")
        for key, value in system.get("figures", {}).items():
            lines.append(f"  {key:32} {_fmt(value):>12}   ({note})")


def _flatten(lines: list[str], data: Any, indent: str) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, dict) or (isinstance(value, list) and value and isinstance(value[0], dict)):
                lines.append(f"{indent}{key}:")
                _flatten(lines, value, indent + "  ")
            else:
                shown = ", ".join(_fmt(v) for v in value) if isinstance(value, list) else _fmt(value)
                lines.append(f"{indent}{key:32} {shown}")
    elif isinstance(data, list):
        for item in data:
            lines.append(indent + "  ".join(f"{k}={_fmt(v)}" for k, v in item.items()))


COLOURS = {
    "submit": "#1f77b4",
    "complete": "#d62728",
    "task_list": "#2ca02c",
    "lookup": "#9467bd",
    "view": "#ff7f0e",
    "total_ms": "#333333",
}


def growth_svg(growth: dict[str, Any], title: str) -> str:
    """Milliseconds per operation against dossiers in the database (log scale)."""
    steps = growth["steps"]
    w, h, left, right, top, bottom = 640, 360, 60, 150, 40, 50
    xs = [math.log10(max(p["dossiers"], 1)) for p in steps]
    x0, x1 = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
    y1 = max(max(p[k] for k in COLOURS) for p in steps) * 1.1 or 1.0

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * (w - left - right)

    def py(y: float) -> float:
        return h - bottom - y / y1 * (h - top - bottom)

    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
            f'font-family="sans-serif" font-size="12">'
        ),
        f'<rect width="{w}" height="{h}" fill="white"/>',
        f'<text x="{w / 2 - 60}" y="22" font-size="14">{escape(title)}</text>',
        f'<line x1="{left}" y1="{h - bottom}" x2="{w - right}" y2="{h - bottom}" stroke="black"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="black"/>',
        f'<text x="{(w - right + left) / 2 - 70}" y="{h - 12}">dossiers in the database</text>',
        (
            f'<text x="14" y="{top + 120}" transform="rotate(-90 14 {top + 120})">'
            "ms per operation (median)</text>"
        ),
    ]
    for p, x in zip(steps, xs, strict=True):
        out.append(
            f'<line x1="{px(x):.1f}" y1="{h - bottom}" x2="{px(x):.1f}" y2="{h - bottom + 5}" '
            'stroke="black"/>'
        )
        out.append(f'<text x="{px(x) - 18:.1f}" y="{h - bottom + 18}">{p["dossiers"]:,}</text>')
    for i in range(6):
        y = y1 * i / 5
        out.append(
            f'<line x1="{left - 5}" y1="{py(y):.1f}" x2="{w - right}" y2="{py(y):.1f}" stroke="#ddd"/>'
        )
        out.append(f'<text x="{left - 45}" y="{py(y) + 4:.1f}">{y:.1f}</text>')
    for n, (key, colour) in enumerate(COLOURS.items()):
        points = " ".join(f"{px(x):.1f},{py(p[key]):.1f}" for p, x in zip(steps, xs, strict=True))
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for p, x in zip(steps, xs, strict=True):
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(p[key]):.1f}" r="3" fill="{colour}"/>')
        ly = top + 10 + n * 20
        out.append(
            f'<line x1="{w - right + 15}" y1="{ly}" x2="{w - right + 35}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="2"/>'
        )
        out.append(f'<text x="{w - right + 40}" y="{ly + 4}">{key.replace("_ms", "")}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
