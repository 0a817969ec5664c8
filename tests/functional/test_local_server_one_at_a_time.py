"""`make run`'s HTTP server handles one request at a time, whatever the method: the Chalice app
keeps the request being handled in one shared attribute (`current_request`), so two at once
could answer one request with another's headers (a signed-in call seen as anonymous)."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from chalice import Chalice

from tests.factories import serving_locally

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "TRACE")


@pytest.fixture
def slow_app_server():
    app = Chalice(app_name="one-at-a-time")
    state = {"running": 0, "most": 0}
    lock = threading.Lock()

    @app.route("/slow", methods=[m for m in METHODS if m != "TRACE"])
    def slow():
        with lock:
            state["running"] += 1
            state["most"] = max(state["most"], state["running"])
        time.sleep(0.05)
        with lock:
            state["running"] -= 1
        return {"seen": app.current_request.headers.get("x-caller")}

    with serving_locally(app) as base:
        yield f"{base}/slow", state


def test_requests_of_every_method_are_handled_one_at_a_time(slow_app_server):
    url, state = slow_app_server
    answers: dict[str, object] = {}

    def call(caller: str, method: str) -> None:
        response = httpx.request(method, url, headers={"X-Caller": caller}, timeout=10)
        answers[caller] = response.json().get("seen") if response.status_code == 200 else None

    threads = [
        threading.Thread(target=call, args=(f"{method}-{n}", method))
        for method in METHODS[:-1]
        for n in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert state["most"] == 1
    assert answers == {caller: caller for caller in answers} and len(answers) == len(threads)


def test_an_unusual_method_still_reaches_the_app(slow_app_server):
    url, _ = slow_app_server
    assert httpx.request("TRACE", url, timeout=10).status_code == 405
