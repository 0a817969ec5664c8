"""Fixtures of the functional tests that several files use."""

from __future__ import annotations

import pytest

from chalicelib.integrations import notify_channels
from tests.functional.notify_helpers import Recording


@pytest.fixture
def channels(monkeypatch):
    """Scripted channels in place of the fakes: {name: Recording}."""

    def use(name, error=None):
        channel = Recording(name, error)
        monkeypatch.setitem(notify_channels.OVERRIDES, name, channel)
        return channel

    return use
