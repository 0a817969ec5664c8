"""The HTTP edge shared by every blueprint: routes that map domain errors to the contract's
error body, strict body and query parsing, and the registry the OpenAPI document is built from.

Chalice turns exceptions raised in a view into its own error bodies before middleware runs, so
each view is wrapped here; the `normalize_errors` middleware rewrites the errors Chalice makes by
itself (415, 405, 500) into the same shape.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.domain.errors import DomainError, FieldError, PayloadTooLarge, ValidationFailed
from chalicelib.integrations.aws_errors import as_service_unavailable, aws_error_code
from chalicelib.services.shared import clock
from chalicelib.validation import property_types, validate

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 256 * 1024
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
# The OpenAPI parameter of every create that a client may safely retry (docs/api.md).
IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 200},
}


@dataclass(frozen=True)
class RouteDoc:
    path: str
    method: str
    summary: str
    tag: str
    request: str | None = None
    query: str | None = None
    response: str | None = None
    status: int = 200
    auth: tuple[str, ...] = ()
    errors: tuple[int, ...] = ()
    content_type: str = "application/json"
    extra: dict = field(default_factory=dict)
    # A page's own answers: errors shown as an HTML page (not the JSON error body), redirects.
    pages: tuple[int, ...] = ()
    redirects: tuple[int, ...] = ()
    takes_body: bool = False


ROUTES: list[RouteDoc] = []
# A request without a body is not refused for the Content-Type it names (Chalice checks it on
# every method): httpx keeps a form's Content-Type on the GET it follows a redirect with.
_ANY_WITHOUT_BODY = {"GET": ["*/*"], "DELETE": ["*/*"]}
# Every GET route also answers HEAD (HTTP requires it): Chalice and API Gateway route by method,
# so each GET route is declared for both. /openapi.json and docs/api-routes.md describe the GET
# only (HEAD is implied by HTTP for every GET, and `ROUTES` holds one entry per operation).


def error_body(code: str, message: str, details: list[FieldError] | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = [d.to_dict() for d in details]
    return {"error": body}


def dumps(body: Any) -> str:
    """UTF-8 JSON (Vietnamese text stays readable and short)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def error_response(error: DomainError, headers: dict | None = None) -> Response:
    return ok(error_body(error.code, error.message, error.details), error.status, headers)


def route(
    bp: Blueprint, path: str, method: str = "GET", idempotent: bool = False, **doc: Any
) -> Callable:
    """Register a view on `bp` and describe it for /openapi.json. An `idempotent` create (its view
    answers through `idempotent_create`) answers 201 and takes the Idempotency-Key header. The
    view may name the inputs the route declares as parameters (see `_inputs`)."""
    content_types = doc.pop("content_types", None)
    if idempotent:
        extra = doc.get("extra", {})
        parameters = [*extra.get("parameters", []), IDEMPOTENCY_HEADER]
        doc |= {"status": 201, "extra": {**extra, "parameters": parameters}}

    def decorator(view: Callable) -> Callable:
        extra = doc.get("extra", {})
        takes_body = bool(content_types or doc.get("request") or "requestBody" in extra)
        route_doc = RouteDoc(path=path, method=method, takes_body=takes_body, **doc)
        inputs = _inputs(view, route_doc)
        ROUTES.append(route_doc)

        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            try:
                given = inputs(bp.current_request) if inputs else {}
                return view(*args, **kwargs, **given)
            except DomainError as exc:
                return error_response(exc, getattr(exc, "headers", None))
            except Exception as exc:
                retryable = as_service_unavailable(exc)
                if retryable is None:
                    raise
                log.warning("transient AWS failure", extra={"aws_error": aws_error_code(exc)})
                return error_response(retryable, retryable.headers)

        # HEAD is GET without the body (middleware drops it): the same view, so the same auth.
        options: dict[str, Any] = {"methods": [method, "HEAD"] if method == "GET" else [method]}
        accepted = content_types or _ANY_WITHOUT_BODY.get(method)
        if accepted:
            options["content_types"] = accepted
        bp.route(path, **options)(wrapped)
        return wrapped

    return decorator


def routes_of(bp: Blueprint, **defaults: Any) -> BlueprintRoutes:
    """`route` for the views of one blueprint, which share `defaults` (their tag, the roles they
    admit); a route's own arguments win."""
    return BlueprintRoutes(bp, defaults)


@dataclass(frozen=True)
class BlueprintRoutes:
    """The routes of one blueprint: called with `(path, method, **doc)` it decorates a view;
    `listing` and `action` declare the two kinds of route whose view would only hand its inputs
    to one service call (with the clock's `now`) and answer the result. That call is named
    `"module:function"` and imported with the route's first request, as every entrypoint imports
    its services (the cold start, docs/performance.md)."""

    bp: Blueprint
    defaults: dict

    def __call__(self, path: str, method: str = "GET", **doc: Any) -> Callable:
        return route(self.bp, path, method, **{**self.defaults, **doc})

    def listing(self, path: str, page: str, **doc: Any) -> None:
        """GET `path`: one page of the caller's list, as `page(principal, params, now)` finds
        it; the caller is one of the route's roles and `params` its query, valid against the
        `query` schema (a listing declares both)."""
        service = deferred(page)

        def view(principal: Any, params: dict) -> Response:
            return ok(service()(principal, params, clock.now()))

        view.__name__ = view.__qualname__ = page.rpartition(":")[2]
        self(path, **doc)(view)

    def action(self, path: str, act: str, **doc: Any) -> None:
        """POST `path`, an action on the one item the path names: `act(item_id, principal, body,
        now)` changes it and answers what the caller now sees of it; the caller is one of the
        route's roles and `body` is valid against the `request` schema (an action declares
        both)."""
        service = deferred(act)

        def view(principal: Any, body: dict, **path_params: str) -> Response:
            (item_id,) = path_params.values()
            return ok(service()(item_id, principal, body, clock.now()))

        view.__name__ = view.__qualname__ = act.rpartition(":")[2]
        self(path, "POST", **doc)(view)


def deferred(reference: str) -> Callable[[], Callable]:
    """The function `reference` names (`"package.module:function"`), imported when first asked
    for (importlib keeps the module once loaded)."""
    module, _, name = reference.partition(":")
    if not module or not name:
        raise ValueError(f"expected 'module:function', got {reference!r}")
    return lambda: getattr(importlib.import_module(module), name)


def _inputs(view: Callable, doc: RouteDoc) -> Callable[[Request], dict] | None:
    """What the route declares, handed to a view that names it: `principal` (the caller, one of
    the declared `auth` roles), `body` (valid against `request`), `params` (the query, valid
    against `query`); in that order, so that a stranger learns nothing about a body's rules."""
    named = inspect.signature(view).parameters.values()
    wanted = {p.name for p in named if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
    wanted &= {"principal", "body", "params"}
    if not wanted:
        return None
    declared = {"principal": doc.auth, "body": doc.request, "params": doc.query}
    missing = [name for name, source in declared.items() if name in wanted and not source]
    if missing:
        raise TypeError(f"{view.__name__} takes {missing} that its route does not declare")

    def inputs(request: Request) -> dict:
        from chalicelib.entrypoints.auth import require  # auth builds on this module

        found: dict[str, Any] = {}
        if "principal" in wanted:
            found["principal"] = require(request, *doc.auth)
        if "body" in wanted:
            found["body"] = json_body(request, doc.request)
        if "params" in wanted:
            found["params"] = query_params(request, doc.query)
        return found

    return inputs


def json_body(request: Request, schema_name: str) -> dict:
    """The request body parsed and validated; every failure is a contract error."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"Nội dung yêu cầu vượt quá {MAX_BODY_BYTES // 1024} KB.")
    if not raw.strip():
        raise ValidationFailed("Thiếu nội dung yêu cầu (JSON).", [FieldError("(body)", "Bắt buộc")])
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed(
            "Nội dung yêu cầu không phải JSON hợp lệ.", [FieldError("(body)", "JSON không hợp lệ")]
        ) from None
    return validate(body, schema_name)


def query_params(request: Request, schema_name: str) -> dict:
    """Query string coerced to the types its schema declares, then validated."""
    raw = dict(request.query_params or {})
    types = property_types(schema_name)
    coerced = {name: _coerce(value, types.get(name)) for name, value in raw.items()}
    return validate(coerced, schema_name, "Tham số truy vấn không hợp lệ.")


def _coerce(value: str, kind: str | None) -> Any:
    if kind == "integer" and value.lstrip("-").isdigit():
        return int(value)
    if kind == "number":
        try:
            return float(value) if any(c in value for c in ".eE") else int(value)
        except ValueError:
            return value
    if kind == "boolean" and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    return value


def ok(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(
        body=dumps(body), status_code=status, headers={**JSON_HEADERS, **(headers or {})}
    )


def html(text: str, status: int = 200) -> Response:
    return Response(
        body=text, status_code=status, headers={"Content-Type": "text/html; charset=utf-8"}
    )


def redirect(location: str, cookies: list[str] | None = None, status: int = 302) -> Response:
    """A redirect that no cache keeps, setting `cookies` (Set-Cookie values) on the way."""
    headers: dict[str, Any] = {"Location": location, "Cache-Control": "no-store"}
    if cookies:
        headers["Set-Cookie"] = cookies
    return Response(body="", status_code=status, headers=headers)


def idempotent_create(
    request: Request,
    operation: str,
    caller: str | None,
    body: dict,
    work: Callable[[Any], dict],
    completes_claim: bool = False,
) -> Response:
    """Run `work(claim)` once per Idempotency-Key; replays answer 201 with the first body.

    `completes_claim` means `work` stores its answer itself, inside its own transaction."""
    from chalicelib.services.shared import idempotency

    key = (request.headers or {}).get("idempotency-key")
    claim = idempotency.claim(operation, caller or "anonymous", key, body)
    if claim is not None and claim.replay is not None:
        return ok(claim.replay, 201, {"Idempotent-Replayed": "true"})
    try:
        result = work(claim)
    except Exception:
        idempotency.release(claim)
        raise
    if not completes_claim:
        idempotency.complete(claim, result)
    return ok(result, 201)
