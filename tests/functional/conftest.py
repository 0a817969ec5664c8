"""Fixtures of the functional tests that several files use."""

from __future__ import annotations

import pytest

from chalicelib.integrations import notify_channels
from tests.factories import serving_locally
from tests.functional.notify_helpers import Recording


@pytest.fixture
def channels(monkeypatch):
    """Scripted channels in place of the fakes: {name: Recording}."""

    def use(name, error=None):
        channel = Recording(name, error)
        monkeypatch.setitem(notify_channels.OVERRIDES, name, channel)
        return channel

    return use


@pytest.fixture
def local_server(app):
    """The app served by `make run`'s HTTP server, on a free port: its base URL."""
    with serving_locally(app) as base:
        yield base
