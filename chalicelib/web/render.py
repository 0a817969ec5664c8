"""Server-rendered HTML (Jinja2, autoescaped) for printable forms and the portal pages."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on the first page rendered: JSON routes never load it (cold start)
    from jinja2 import Environment

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


@lru_cache(maxsize=1)
def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(vn_datetime=vn_datetime, vn_date=vn_date, vnd=vnd)
    return env


def render(name: str, **context) -> str:
    return environment().get_template(name).render(**context)
