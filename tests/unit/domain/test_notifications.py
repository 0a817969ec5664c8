"""Who is told about each event, on which channels, and where a failed channel falls back to."""

import pytest

from chalicelib.domain import notifications as plan

AUDIENCE = plan.Audience(
    notify=("zalo", "sms"),
    phone="0912345678",
    email="an@example.vn",
    agency_id="ubnd-phuong-kinh-bac",
    assignee=None,
)


def channels(planned, recipient="citizen"):
    return {(p.channel, p.template) for p in planned if p.recipient == recipient}


@pytest.mark.parametrize(("event", "template"), sorted(plan.CITIZEN_TEMPLATES.items()))
def test_every_citizen_event_goes_to_each_channel_the_citizen_chose(event, template):
    planned = plan.plan(event, {}, AUDIENCE)

    assert channels(planned) == {("zalo", template), ("sms", template)}


def test_email_is_used_only_when_chosen_and_known():
    chosen = plan.Audience(("email",), "0912345678", "", "a")

    assert plan.plan("dossier.accepted", {}, chosen) == []


def test_siblings_know_each_other_so_that_fallback_stops_at_a_covered_channel():
    zalo, sms = plan.plan("dossier.accepted", {}, AUDIENCE)

    assert (zalo.channel, zalo.covered) == ("zalo", ("sms",))
    assert (sms.channel, sms.covered) == ("sms", ("zalo",))
    assert zalo.addresses == {"zalo": "0912345678", "sms": "0912345678", "email": "an@example.vn"}


def test_a_new_dossier_is_announced_in_the_agency_inbox():
    planned = plan.plan("dossier.submitted", {}, AUDIENCE)

    assert channels(planned, "agency:ubnd-phuong-kinh-bac") == {("inbox", "officer_new_dossier")}


def test_the_assignee_is_told_of_an_assignment():
    planned = plan.plan("dossier.assigned", {"assignee": "cb-1"}, AUDIENCE)

    assert channels(planned, "officer:cb-1") == {("inbox", "officer_assigned")}
    assert channels(planned) == set()


def test_a_transfer_is_new_work_for_the_receiving_agency():
    planned = plan.plan("dossier.transferred", {"to_agency": "so-tu-phap"}, AUDIENCE)

    assert channels(planned, "agency:so-tu-phap") == {("inbox", "officer_new_dossier")}


@pytest.mark.parametrize("event", ["dossier.due_soon", "dossier.overdue"])
def test_deadlines_go_to_the_assignee_or_else_to_the_agency(event):
    assigned = plan.plan(event, {"assignee": "cb-2"}, AUDIENCE)
    unassigned = plan.plan(event, {}, AUDIENCE)

    assert [p.recipient for p in assigned] == ["officer:cb-2"]
    assert [p.recipient for p in unassigned] == ["agency:ubnd-phuong-kinh-bac"]


def test_events_nobody_is_told_about_plan_nothing():
    assert plan.plan("dossier.something_else", {}, AUDIENCE) == []


def test_ids_are_stable_distinct_and_never_look_like_phone_numbers():
    first = plan.notification_id("event-1", "citizen", "sms")

    assert first == plan.notification_id("event-1", "citizen", "sms")
    assert first != plan.notification_id("event-1", "citizen", "zalo")
    assert first != plan.notification_id("event-2", "citizen", "sms")
    assert not set(first) & set("01890")


class TestFallback:
    ORDER = ("zalo_oa", "zalo", "sms", "email")
    ADDRESSES = {"zalo": "0912345678", "sms": "0912345678", "email": "an@example.vn"}

    def test_zns_falls_back_to_sms_then_email(self):
        assert plan.next_channel("zalo", self.ORDER, self.ADDRESSES) == "sms"
        assert plan.next_channel("sms", self.ORDER, self.ADDRESSES, ["zalo"]) == "email"
        assert plan.next_channel("email", self.ORDER, self.ADDRESSES, ["zalo", "sms"]) is None

    def test_a_channel_without_an_address_is_skipped(self):
        assert plan.next_channel("zalo", self.ORDER, {"zalo": "x", "email": "e@x.vn"}) == "email"

    def test_the_chain_stops_where_a_sibling_already_tells_the_citizen(self):
        assert plan.next_channel("zalo", self.ORDER, self.ADDRESSES, covered=["sms"]) is None

    def test_channels_outside_the_order_do_not_fall_back(self):
        assert plan.next_channel("inbox", self.ORDER, {"inbox": "agency:x"}) is None

    def test_the_configured_order_is_parsed_leniently(self):
        assert plan.parse_order(" SMS, email ,pigeon,sms") == ("sms", "email")
        assert plan.parse_order("") == plan.DEFAULT_FALLBACK


def test_an_answered_feedback_goes_back_where_the_sender_wrote_from():
    (zalo,) = plan.plan_feedback("feedback.answered", {"zalo_user_id": "u1", "phone": "0912"})
    (sms,) = plan.plan_feedback("feedback.answered", {"phone": "0912345678"})

    assert (zalo.channel, zalo.addresses) == ("zalo_oa", {"zalo_oa": "u1", "sms": "0912"})
    assert sms.channel == "sms"
    assert plan.plan_feedback("feedback.answered", {"full_name": "An"}) == []
    assert plan.plan_feedback("feedback.classified", {"phone": "0912345678"}) == []


@pytest.mark.parametrize(
    ("channel", "address", "key"),
    [
        (plan.SMS, "0912345678", "0912345678"),
        (plan.ZNS, "+84912345678", "0912345678"),  # ZNS and SMS to one phone: one budget
        (plan.EMAIL, " An@Example.VN ", "an@example.vn"),
        (plan.INBOX, "agency:ubnd-a", None),
        (plan.ZALO_OA, "2468458835291979", None),
    ],
)
def test_the_contact_whose_message_budget_a_message_spends(channel, address, key):
    assert plan.contact_key(channel, address) == key
