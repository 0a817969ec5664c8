"""Charts of the public statistics page as inline SVG, drawn on the server: no script, no
third-party library, readable without JavaScript and by screen readers (each chart has a
title, a description and the numbers as text; the page also shows them in tables)."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

BLUE, GREEN, ORANGE, RED, GREY = "#0a4a8f", "#1b7f3b", "#c25e00", "#b3261e", "#9aa4b1"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",") + "%"


def decimal(value: float | None) -> str:
    """Points the Vietnamese way: 48,41."""
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    return Markup(  # noqa: S704 - every text inside is escaped below
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" {FONT}>'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(body)}</svg>"
    )


def on_time_trend(weeks: list[dict]) -> Markup:
    """Bars: dossiers resolved per week; line: the week's on-time rate (0-100 %)."""
    width, height, left, bottom, top = 640, 240, 44, 40, 16
    plot_w, plot_h = width - left - 16, height - bottom - top
    n = max(len(weeks), 1)
    step = plot_w / n
    most = max([w["resolved"] for w in weeks] + [1])
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 16}" y2="{top + plot_h}" '
        f'stroke="{GREY}"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">100%</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0%</text>',
    ]
    points = []
    for i, w in enumerate(weeks):
        x = left + i * step
        bar = plot_h * w["resolved"] / most
        body.append(
            f'<rect x="{x + step * 0.2:.1f}" y="{top + plot_h - bar:.1f}" '
            f'width="{step * 0.6:.1f}" height="{bar:.1f}" fill="#d6e4f5">'
            f"<title>{escape(w['from'])}: {w['resolved']} hồ sơ đã giải quyết</title></rect>"
        )
        if w["on_time_rate"] is not None:
            y = top + plot_h * (1 - w["on_time_rate"])
            points.append(f"{x + step / 2:.1f},{y:.1f}")
            body.append(
                f'<circle cx="{x + step / 2:.1f}" cy="{y:.1f}" r="3.5" fill="{GREEN}">'
                f"<title>{escape(w['from'])}: {percent(w['on_time_rate'])} đúng hạn</title>"
                "</circle>"
            )
        if n <= 14 or i % max(n // 10, 1) == 0:
            label = "/".join(reversed(w["from"].split("-")[1:]))
            body.append(
                f'<text x="{x + step / 2:.1f}" y="{height - bottom + 16}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    if len(points) > 1:
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{GREEN}" stroke-width="2"/>'
        )
    return _svg(
        width,
        height,
        "Tỉ lệ giải quyết đúng hạn theo tuần",
        "Cột: số hồ sơ đã giải quyết trong tuần; đường: tỉ lệ trước hạn và đúng hạn.",
        body,
    )


def by_channel(received: dict) -> Markup:
    """One horizontal bar per channel of receipt."""
    rows = (("Trực tuyến", received["online"], BLUE),
            ("Trực tiếp tại Bộ phận Một cửa", received["counter"], ORANGE),
            ("Qua bưu chính công ích", received["post"], GREEN))  # fmt: skip
    return _bars(
        [(label, value, f"{value}", color) for label, value, color in rows],
        max(received["total"], 1),
        "Hồ sơ tiếp nhận theo kênh",
        f"Tổng {received['total']} hồ sơ.",
    )


def agencies_ranked(agencies: list[dict]) -> Markup:
    """On-time rate of each agency that resolved something, best first."""
    rows = [
        (
            a["name"],
            round((a["on_time_rate"] or 0) * 1000),
            f"{percent(a['on_time_rate'])} ({a['resolved']} hồ sơ)",
            GREEN
            if (a["on_time_rate"] or 0) >= 0.95
            else ORANGE
            if a["on_time_rate"] >= 0.8
            else RED,
        )
        for a in agencies
        if a["on_time_rate"] is not None
    ]
    return _bars(
        rows,
        1000,
        "Xếp hạng cơ quan theo tỉ lệ giải quyết đúng hạn",
        "Chỉ gồm cơ quan có hồ sơ đã giải quyết trong kỳ.",
        label_width=300,
    )


def _bars(
    rows: list[tuple[str, int, str, str]], most: int, title: str, desc: str, label_width: int = 220
) -> Markup:
    width, row_h = 640, 26
    plot = width - label_width - 130
    height = max(len(rows), 1) * row_h + 8
    body = []
    for i, (label, value, text, color) in enumerate(rows):
        y = 4 + i * row_h
        length = plot * value / most if most else 0
        body.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">'
            f"{escape(label[:48])}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="16" fill="{color}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}">{escape(text)}</text>'
        )
    if not rows:
        body.append('<text x="8" y="20">Chưa có số liệu trong kỳ.</text>')
    return _svg(width, height, title, desc, body)
