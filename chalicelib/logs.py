"""Structured JSON logs carrying the request id. Never log personal data: log ids and codes."""

from __future__ import annotations

import contextvars
import json
import logging
import os
import sys
import time

from chalicelib.config import LOG_LEVEL

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_RESERVED = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
        entry.setdefault("request_id", request_id.get())
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _with_request_id(factory):
    """Stamp each record with the request id when it is created (formatting may come later)."""

    def create(*args, **kwargs):
        record = factory(*args, **kwargs)
        record.request_id = request_id.get()
        return record

    create.stamps_request_id = True
    return create


def level_from_environment() -> str:
    """The stage's `LOG_LEVEL` (.chalice/config.json: WARNING in production), INFO by default.

    Read from the environment when the app is imported: Lambda and the local stack set every
    stage variable before that. An unknown name falls back to INFO rather than failing the
    cold start."""
    wanted = (os.environ.get(LOG_LEVEL) or "INFO").strip().upper()
    return wanted if isinstance(logging.getLevelName(wanted), int) else "INFO"


def configure(level: str | None = None) -> None:
    """JSON lines on stdout at `level` (by default the stage's `LOG_LEVEL`)."""
    level = level or level_from_environment()
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "stamps_request_id", False):
        logging.setLogRecordFactory(_with_request_id(factory))
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        root.setLevel(level)
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("botocore", "boto3", "urllib3", "pynamodb"):
        logging.getLogger(noisy).setLevel("WARNING")
