"""Serve the Chalice app over HTTP locally (Chalice's local gateway), with fixes that make it
behave like the deployed API: unknown routes answer the contract's 404 body (API Gateway is
configured the same way by infra/), any method reaches the app (TRACE is its 405, not the bare
server's 501 page), a HEAD answer keeps its GET's Content-Length, and requests run one at a time,
as in one Lambda container (the Chalice app object keeps `current_request` in a shared
attribute)."""

from __future__ import annotations

import json
import threading

from chalice.config import Config
from chalice.local import ChaliceRequestHandler, ForbiddenError, LocalDevServer

_ONE_AT_A_TIME = threading.Lock()
NOT_FOUND = json.dumps(
    {"error": {"code": "NOT_FOUND", "message": "Không tìm thấy đường dẫn yêu cầu."}},
    ensure_ascii=False,
).encode()
# What the app's middleware adds to every answer of its own (entrypoints/middleware.py).
NOT_FOUND_HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


class PortalRequestHandler(ChaliceRequestHandler):
    def _generic_handle(self) -> None:
        with _ONE_AT_A_TIME:
            super()._generic_handle()

    def _send_error_response(self, error) -> None:
        if isinstance(error, ForbiddenError):
            self._send_http_response(404, dict(NOT_FOUND_HEADERS), NOT_FOUND)  # it pops from it
            return
        super()._send_error_response(error)

    def _send_http_response_with_body(self, code, headers, body) -> None:
        """A HEAD answer (no body: the app's middleware) keeps the Content-Length of its GET,
        which the app set; Chalice's server would send 0."""
        if self.command != "HEAD" or "Content-Length" not in headers:
            super()._send_http_response_with_body(code, headers, body)
            return
        self.send_response(code)
        headers.setdefault("Content-Type", "application/json")
        self._send_headers(headers)

    def log_message(self, format, *args):  # noqa: A002 - the access log comes from the app
        return

    # Chalice's handler binds these to its own, unserialised `_generic_handle`: rebind them.
    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def __getattr__(self, name: str):
        """Every other method reaches the app too (the bare server answers 501 to any it has no
        `do_<METHOD>` for: TRACE, QUERY, …), which answers an unknown one 405."""
        if name.startswith("do_"):
            return self._generic_handle
        raise AttributeError(name)


def make_server(app, host: str, port: int, stage: str = "local") -> LocalDevServer:
    config = Config.create(
        chalice_stage=stage,
        app_name=app.app_name,
        chalice_app=app,
        lambda_timeout=30,
        lambda_memory_size=1024,
    )
    return LocalDevServer(app, config, host, port, handler_cls=PortalRequestHandler)
