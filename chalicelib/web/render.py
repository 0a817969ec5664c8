"""Server-rendered HTML (Jinja2, autoescaped) for printable forms and the portal pages."""

from __future__ import annotations

import base64
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib.domain.text import tokens

if TYPE_CHECKING:  # imported on the first page rendered: JSON routes never load it (cold start)
    from jinja2 import Environment
    from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"


def vn_datetime(value: str | datetime | None) -> str:
    if not value:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.strftime("%H giờ %M, ngày %d/%m/%Y")


def vn_date(value: str | datetime | None) -> str:
    if not value:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.strftime("%d/%m/%Y")


def vnd(amount: int | None) -> str:
    return f"{amount or 0:,}".replace(",", ".") + " đồng"


def bold_runs(text: str) -> Markup:
    """Escape `text` and show its `**bold**` runs in bold (the PDF renderer's markup)."""
    from markupsafe import Markup, escape

    parts = str(escape(text)).split("**")
    html = "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))
    return Markup(html)  # noqa: S704 - built from escaped text only


def data_uri(data: bytes) -> str:
    kind = "image/jpeg" if data[:2] == b"\xff\xd8" else "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        vn_datetime=vn_datetime, vn_date=vn_date, vnd=vnd, bold_runs=bold_runs, data_uri=data_uri
    )
    from chalicelib.web.portal import static_url

    env.globals["static_url"] = static_url  # styles and scripts are files (the pages' CSP)
    env.tests["searchable"] = lambda text: bool(tokens(text))  # Catalog.search's words
    return env


def render(name: str, **context) -> str:
    return environment().get_template(name).render(**context)
