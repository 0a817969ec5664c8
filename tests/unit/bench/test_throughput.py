"""The lookup throughput bench's plumbing (issue 18): the anonymous and the signed-in lookup
are each measured against the bare route and reported as the target's figure. No timing is
asserted: the figures here are made up."""

from __future__ import annotations

from bench import run, throughput


def test_each_target_is_sent_with_its_headers_in_interleaved_rounds(monkeypatch):
    sent = []

    def fake_request(method, url, headers=None):
        sent.append((url, headers))
        return (200 if url != "/fails" else 404), None

    monkeypatch.setattr(throughput, "request", fake_request)
    found = throughput.timed(
        {"a": ("/a", {}), "b": ("/b", {"Authorization": "Bearer t"}), "c": ("/fails", {})}, 20
    )

    assert [s for s in sent if s[0] == "/b"] == [("/b", {"Authorization": "Bearer t"})] * 20
    assert [url for url, _ in sent[:7]] == ["/a", "/a", "/b", "/b", "/fails", "/fails", "/a"]
    assert {name: errors for name, (_, _, errors) in found.items()} == {"a": 0, "b": 0, "c": 20}


def test_the_target_line_shows_the_anonymous_ratio_and_the_signed_in_one(monkeypatch):
    figures = {
        throughput.BARE: (100.0, 9.0, 0),
        throughput.ANONYMOUS: (30.0, 30.0, 0),
        throughput.SIGNED_IN: (80.0, 11.0, 0),
    }
    monkeypatch.setattr(throughput, "measure", lambda n: figures)
    monkeypatch.setattr(run, "TARGETS", run.Targets())

    rows = run.throughput_rows(10)

    assert ("Lookup throughput", "anonymous / bare", "0.30×") in rows
    assert ("Lookup throughput", "signed in / bare", "0.80×") in rows
    assert run.TARGETS.rows == [
        (
            "local lookup throughput ≥ 0.8× the bare GetItem route",
            "0.30× anonymous (0.80× signed in)",
            "**no**",
        )  # fmt: skip
    ]
