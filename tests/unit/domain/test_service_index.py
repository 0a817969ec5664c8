"""Decision 766 from real data: channels from the dossiers, online payment only through the
recognised channels, feedback on time over feedback due, and each part with its inputs."""

from __future__ import annotations

from chalicelib.domain import service_index, stats_projection

AT = "2026-03-02T09:00:00+07:00"
DAY = "2026-03-02"


def fact(t, at=AT, **data):
    return {"id": f"{t}-{at}-{sorted(data.items())}", "t": t, "at": at, **data}


def names(counts, scope="AGENCY#ubnd-a"):
    return {name: n for (s, bucket, name), n in counts.items() if s == scope and n}


def dossier(*facts, payment_channels=("vnpay",)):
    counts, _ = stats_projection.contributions(
        "DOSSIER#X", list(facts), payment_channels=payment_channels
    )
    return names(counts)


SUBMITTED = {"agency_id": "ubnd-a", "procedure_code": "1.001193"}


def test_channels_are_counted_from_the_dossier():
    """Decision 766: online, counter, post and national-portal dossiers as recorded."""
    assert "received_counter" in dossier(fact("submitted", channel="counter", **SUBMITTED))
    assert "received_post" in dossier(fact("submitted", channel="post", **SUBMITTED))
    portal = dossier(fact("submitted", channel="national_portal", **SUBMITTED))
    assert "received_online" in portal


def test_online_payment_counts_only_through_a_recognised_channel():
    """Decision 766 (online payment component): payments through the national payment
    platform's channels only; which channels is configuration (ONLINE_PAYMENT_CHANNELS)."""
    submitted = fact("submitted", channel="online", **SUBMITTED)
    recognised = fact("paid", channel="online", provider="vnpay", agency_id="ubnd-a")
    other = fact("paid", channel="online", provider="ví-khác", agency_id="ubnd-a")

    assert dossier(submitted, recognised).get("paid_online") == 1
    assert "paid_online" not in dossier(submitted, other)
    assert dossier(submitted, other, payment_channels=("ví-khác",)).get("paid_online") == 1


def feedback(*facts):
    counts, _ = stats_projection.contributions("FEEDBACK#F", list(facts))
    return {(bucket, name): n for (s, bucket, name), n in counts.items() if n}


def test_feedback_due_counts_overdue_unanswered_items():
    """Decision 766 (satisfaction): handled on time ÷ feedback due in the period."""
    received = fact("received", agency_id="ubnd-a")
    classified = fact(
        "classified",
        classification="within_competence",
        due_at="2026-03-16T17:00:00+07:00",
        agency_id="ubnd-a",
    )
    unanswered = feedback(received, classified)
    answered = feedback(
        received,
        classified,
        fact("answered", at="2026-03-10T10:00:00+07:00", timeliness="early", agency_id="ubnd-a"),
    )

    assert unanswered[("2026-03-16", "fb_due")] == 1
    assert ("2026-03-16", "fb_due_answered_on_time") not in unanswered
    assert answered[("2026-03-16", "fb_due_answered_on_time")] == 1


def test_each_part_shows_its_formula_inputs_and_what_is_lacking():
    figures = {
        "received": {"total": 4, "online": 3},
        "resolved": {"total": 2, "early": 1, "on_time": 0},
        "in_progress": {"past_deadline": 1},
        "payments": {"with_fee": 2, "paid_online": 1},
        "e_results": 1,
        "feedback": {
            "answered": 1,
            "answered_on_time": 1,
            "unsatisfactory": 0,
            "due": 3,
            "due_answered_on_time": 1,
        },
        "ratings": {"total": 0, "overall": {"rat_hai_long": 0, "hai_long": 0}},
        "national_sync": {"sent": 0, "on_time": 0, "failed": 0},
        "digitised_at_receipt": 3,
        "reused": 1,
    }

    result = service_index.score(figures, {}, [])
    parts = {p["key"]: p for item in result["items"] for p in item["parts"]}

    assert parts["feedback_on_time"]["inputs"] == {"numerator": 1, "denominator": 3}
    assert "due" in parts["feedback_on_time"]["formula"]
    assert parts["on_time"]["inputs"] == {"numerator": 1, "denominator": 3}
    assert parts["reuse"]["inputs"] == {"numerator": 1, "denominator": 4}
    assert parts["published_on_time"]["inputs"] is None
    assert "published_on_time" in next(
        i["lacks"] for i in result["items"] if i["key"] == "transparency"
    )
