"""Rendering of the portal's and the console's pages: the shared layout context, their caching,
and a friendly page for what does not exist. Their security headers are set for every HTML
answer in one place, entrypoints/middleware.py `secure`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Blueprint, Response

from chalicelib.config import get_settings
from chalicelib.entrypoints import caching
from chalicelib.entrypoints.http import ROUTES, route
from chalicelib.web import portal
from chalicelib.web.render import environment

PUBLIC_CACHE = caching.CATALOG
PDF = "application/pdf"
# Parts of the contract the pages use only where the running API has them (other blueprints
# add them); a page shows an action only when its route is registered.
FEATURES = {
    "supplements": ("POST", "/v1/dossiers/{code}/supplements"),
    "payments": ("POST", "/v1/dossiers/{code}/payments"),
    "result": ("GET", "/v1/dossiers/{code}/result"),
    "rating": ("POST", "/v1/dossiers/{code}/rating"),
    "feedback": ("POST", "/v1/feedback"),
    "feedback_answers": ("GET", "/v1/feedback"),
    "stats": ("GET", "/v1/stats"),
    "officer_feedback": ("GET", "/v1/officer/feedback"),
}
PRIVATE = caching.PRIVATE


def province_name() -> str:
    """'tỉnh Bắc Ninh', from the provincial People's Committee at the top of the catalog."""
    from chalicelib.services.catalog import reads as catalog_service

    for agency in catalog_service.get_catalog().agencies.values():
        if agency.level == "province" and not agency.data.get("parent_id"):
            return agency.name.removeprefix("Ủy ban nhân dân").strip()
    return ""


def features() -> set[str]:
    registered = {(r.method, r.path) for r in ROUTES}
    return {name for name, key in FEATURES.items() if key in registered}


def _env():
    env = environment()
    if "LEVEL_LABELS" not in env.globals:
        env.globals.update(
            LEVEL_LABELS=portal.LEVEL_LABELS,
            DELIVERY=portal.DELIVERY,
            NOTIFY=portal.NOTIFY,
        )
    return env


def page(
    template: str,
    status: int = 200,
    cache: str = PUBLIC_CACHE,
    session=None,
    headers: dict | None = None,
    **context,
) -> Response:
    """A rendered page. With the viewer's `session` (only on private pages: a public page is
    cached and must not say who is signed in) it shows who is signed in, a sign-out button and
    the CSRF token the pages' script sends with its POSTs."""
    settings = get_settings()
    if session is not None:
        cache = PRIVATE
        context.update(me=session.principal, csrf_token=session.csrf_token)
    body = (
        _env()
        .get_template(template)
        .render(
            province=province_name(),
            is_local=settings.is_local and settings.auth_mode == "local",
            features=" ".join(sorted(features())),
            has=features(),
            **context,
        )
    )
    return Response(
        body=body,
        status_code=status,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": cache,
            **(headers or {}),
        },
    )


def not_found(message: str, console: bool = False) -> Response:
    return page(
        "console/not_found.html" if console else "portal/not_found.html",
        status=404,
        cache=PRIVATE,
        message=message,
        nav="",
    )


def static(name: str) -> Response:
    found = portal.static_file(name)
    if found is None:
        return not_found("Không tìm thấy tệp này.")
    content_type, text = found
    return Response(
        body=text,
        status_code=200,
        headers={
            "Content-Type": content_type,
            "Cache-Control": caching.IMMUTABLE,
        },
    )


def document_response(document, as_pdf: bool) -> Response:
    """A form or receipt (personal data: never cached) as its HTML page or its A4 PDF."""
    from chalicelib.documents.pdf import render_pdf
    from chalicelib.services.dossiers.forms import form_html

    headers = {"Cache-Control": PRIVATE}
    if as_pdf:
        name = document.keywords[0] if document.keywords else "document"
        headers |= {
            "Content-Type": PDF,
            "Content-Disposition": f'inline; filename="{name}.pdf"',
        }
        return Response(body=render_pdf(document), status_code=200, headers=headers)
    headers["Content-Type"] = "text/html; charset=utf-8"
    return Response(body=form_html(document), status_code=200, headers=headers)


def printable(bp: Blueprint, path: str, summary: str, pdf_summary: str, **doc: Any) -> Callable:
    """Register a printable document twice: its HTML page at `path` and its A4 PDF at
    `path`/pdf. The decorated function makes the document from the path's parameters."""

    def decorator(make: Callable) -> Callable:
        for as_pdf in (False, True):
            route(
                bp,
                f"{path}/pdf" if as_pdf else path,
                summary=pdf_summary if as_pdf else summary,
                content_type=PDF if as_pdf else "text/html",
                **doc,
            )(_printed(make, as_pdf))
        return make

    return decorator


def _printed(make: Callable, as_pdf: bool) -> Callable:
    def view(**params: str) -> Response:
        return document_response(make(**params), as_pdf)

    view.__name__ = f"{make.__name__}_pdf" if as_pdf else make.__name__
    return view
