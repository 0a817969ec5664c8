"""Feedback (PAKN) under Decree 20/2008: intake, classification, the 5-working-day forwarding
limit, the answer deadline, publication with consent, and the sender's rating."""

from datetime import date, datetime, timedelta

import pytest

from chalicelib.domain import feedback_workflow as workflow
from chalicelib.domain.calendar import VN_TZ, WorkingCalendar
from chalicelib.domain.errors import Forbidden, InvalidTransition, ValidationFailed
from chalicelib.domain.feedback import Category, Status, rate, receive

CALENDAR = WorkingCalendar(holidays=frozenset())
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
INTAKE = {
    "title": "Đèn đường hỏng",
    "content": "Đèn đường trước số 12 phố Kinh Bắc hỏng đã một tuần.",
    "category": "co_so_ha_tang",
    "agency": "ubnd-a",
    "sender": {"full_name": "Trần Thị Bình", "phone": "0912345678", "email": None},
    "public": True,
}


def make(at=MONDAY, calendar=CALENDAR, **overrides):
    feedback = receive("PAKN-260302-ABCDE", {**INTAKE, **overrides}, at, calendar)
    feedback.pending_events.clear()
    feedback.pending_history.clear()
    return feedback


def act(feedback, action, role="leader", at=MONDAY, note=None, calendar=CALENDAR, **params):
    command = workflow.Command(action, role, "officer-1", "ubnd-a", at, note=note, params=params)
    workflow.apply(feedback, command, calendar)
    return feedback.pending_events[-1]


def test_a_new_feedback_must_be_forwarded_within_five_working_days():
    feedback = receive("PAKN-1", INTAKE, MONDAY, CALENDAR)

    assert feedback.status is Status.RECEIVED and feedback.is_open
    assert feedback.forward_by == datetime(2026, 3, 9, 9, 0, tzinfo=VN_TZ)
    assert feedback.due_at == feedback.forward_by
    (event,) = feedback.pending_events
    assert event.type == "feedback.received" and event.data["agency_id"] == "ubnd-a"


def test_the_forwarding_limit_skips_weekends_and_holidays():
    calendar = WorkingCalendar(holidays={date(2026, 3, 4)})
    friday_evening = datetime(2026, 2, 27, 18, 0, tzinfo=VN_TZ)

    feedback = receive("PAKN-1", INTAKE, friday_evening, calendar)

    # clock starts Monday 07:00; Wednesday is a holiday: five working days end Monday 17:00
    assert feedback.forward_by == datetime(2026, 3, 9, 17, 0, tzinfo=VN_TZ)


def test_events_never_carry_the_sender():
    feedback = receive("PAKN-1", INTAKE, MONDAY, CALENDAR)

    text = repr([e.to_dict() for e in feedback.pending_events])
    assert "0912345678" not in text and "Bình" not in text


def test_intake_without_content_or_with_an_unknown_category_lists_both_problems():
    with pytest.raises(ValidationFailed) as error:
        receive("PAKN-1", {**INTAKE, "content": "  ", "category": "x"}, MONDAY, CALENDAR)

    assert {d.field for d in error.value.details} == {"content", "category"}


def test_a_missing_title_is_taken_from_the_content():
    feedback = receive("PAKN-1", {**INTAKE, "title": None}, MONDAY, CALENDAR)

    assert feedback.title == INTAKE["content"]


def test_within_competence_starts_the_ten_working_day_answer_clock():
    feedback = make()

    event = act(feedback, "classify", "receptionist", classification="within_competence")

    assert feedback.status is Status.CLASSIFIED
    assert feedback.due_at == datetime(2026, 3, 16, 9, 0, tzinfo=VN_TZ)
    assert event.type == "feedback.classified"
    assert event.data["classification"] == "within_competence"
    assert event.data["timeliness"] == "early"


def test_not_accepted_needs_a_reason_and_closes_the_feedback():
    feedback = make()
    with pytest.raises(ValidationFailed):
        act(feedback, "classify", classification="not_accepted")

    event = act(feedback, "classify", classification="not_accepted", note="Thiếu nội dung")

    assert feedback.status is Status.NOT_ACCEPTED and not feedback.is_open
    assert event.data["reason"] == "Thiếu nội dung"


def test_other_agency_forwards_and_the_receiving_agency_gets_its_own_five_days():
    feedback = make()
    later = MONDAY + timedelta(days=2)

    event = act(feedback, "classify", at=later, classification="other_agency", agency="ubnd-b")

    assert feedback.status is Status.FORWARDED and feedback.agency_id == "ubnd-b"
    assert feedback.is_open
    assert feedback.forward_by == datetime(2026, 3, 11, 9, 0, tzinfo=VN_TZ)
    assert event.type == "feedback.forwarded"
    assert event.data["from"] == "ubnd-a" and event.data["timeliness"] == "early"
    assert workflow.allowed_actions(feedback, "receptionist") == ["classify"]


def test_forwarding_after_five_working_days_is_late():
    feedback = make()
    late = datetime(2026, 3, 10, 9, 0, tzinfo=VN_TZ)

    event = act(feedback, "classify", at=late, classification="other_agency", agency="ubnd-b")

    assert event.data["timeliness"] == "late"


def test_forwarding_outside_the_portal_ends_the_case_here():
    feedback = make()

    act(feedback, "classify", classification="other_agency", external_agency="Bộ Tư pháp")

    assert feedback.status is Status.FORWARDED and not feedback.is_open
    assert workflow.allowed_actions(feedback, "admin") == []
    with pytest.raises(InvalidTransition):
        act(feedback, "classify", classification="within_competence")


def test_forwarding_needs_exactly_one_other_agency():
    feedback = make()
    for params in ({}, {"agency": "ubnd-a"}, {"agency": "ubnd-b", "external_agency": "Bộ"}):
        with pytest.raises(ValidationFailed):
            act(feedback, "classify", classification="other_agency", **params)


def test_answer_records_the_text_and_its_timeliness():
    feedback = make()
    act(feedback, "classify", classification="within_competence")
    act(feedback, "assign", assignee="specialist-1")

    event = act(feedback, "answer", "specialist", answer="Đã thay bóng đèn.")

    assert feedback.status is Status.ANSWERED and not feedback.is_open
    assert feedback.answer["text"] == "Đã thay bóng đèn."
    assert feedback.answer["timeliness"] == "early"
    assert event.type == "feedback.answered" and event.data["timeliness"] == "early"


def test_an_answer_after_the_deadline_is_late():
    feedback = make()
    act(feedback, "classify", classification="within_competence")

    act(feedback, "answer", at=feedback.due_at + timedelta(days=1), answer="Trả lời muộn")

    assert feedback.answer["timeliness"] == "late"


def test_a_receptionist_may_not_answer():
    feedback = make()
    act(feedback, "classify", classification="within_competence")

    with pytest.raises(Forbidden):
        act(feedback, "answer", "receptionist", answer="...")


def test_an_answer_is_published_anonymised_without_the_senders_consent():
    """Decree 20/2008 art. 14: the result of handling is published; without the sender's
    consent only anonymised (services/feedback/views.public_view withholds their words)."""
    private = make(public=False)
    act(private, "classify", classification="within_competence")
    act(private, "answer", answer="Đã xử lý")
    assert "publish" in workflow.allowed_actions(private, "leader")
    act(private, "publish")
    assert private.is_public and private.anonymised

    public = make()
    act(public, "classify", classification="within_competence")
    act(public, "answer", answer="Đã xử lý")
    assert not public.is_public
    act(public, "publish")
    assert not public.anonymised
    assert public.is_public and public.published_at == MONDAY


def test_what_may_be_disclosed_is_nothing_of_the_sender_before_publication():
    """One rule for the web API and Open311 (issue 15 #7)."""
    media = [{"url": "https://example.vn/a.jpg"}, {"key": "feedback/x.jpg", "filename": "x.jpg"}]
    public = make(location={"address": "Số 12 phố Kinh Bắc"}, attachments=media)
    private = make(public=False, location={"address": "Số 12 phố Kinh Bắc"}, attachments=media)
    for feedback in (public, private):
        act(feedback, "classify", classification="within_competence")
        act(feedback, "answer", answer="Đã thay đèn")
        hidden = feedback.disclosure()
        assert hidden.content is None and hidden.location == {} and hidden.media_urls == ()
        assert hidden.title == "Cơ sở hạ tầng, giao thông" and hidden.answer is None
        act(feedback, "publish")

    assert public.disclosure().content == INTAKE["content"]
    assert public.disclosure().media_urls == ("https://example.vn/a.jpg",)
    assert public.disclosure().location == {"address": "Số 12 phố Kinh Bắc"}
    assert private.disclosure().content is None and private.disclosure().media_urls == ()
    assert private.disclosure().answer == public.disclosure().answer == "Đã thay đèn"


@pytest.mark.parametrize("url", ["http://example.vn/a.jpg", "ftp://x/a", "https:///a", 7])
def test_only_https_media_links_are_taken_from_any_channel(url):
    with pytest.raises(ValidationFailed) as raised:
        make(attachments=[{"url": url}], channel="zalo")

    assert [d.field for d in raised.value.details] == ["attachments[0].url"]


@pytest.mark.parametrize("action", sorted(workflow.FEEDBACK_TRANSITIONS))
@pytest.mark.parametrize("status", list(Status))
def test_every_action_outside_its_statuses_is_an_invalid_transition(action, status):
    feedback = make()
    feedback.status = status
    if status in workflow.FEEDBACK_TRANSITIONS[action].sources:
        pytest.skip("allowed here")
    with pytest.raises(InvalidTransition):
        act(feedback, action, "admin", classification="within_competence", answer="x")


def test_the_sender_rates_an_answer_once():
    feedback = make()
    with pytest.raises(InvalidTransition):
        rate(feedback, True, MONDAY)
    act(feedback, "classify", classification="within_competence")
    act(feedback, "answer", answer="Đã xử lý")

    rate(feedback, False, MONDAY, "Chưa thỏa đáng")

    assert feedback.rating["satisfied"] is False
    assert feedback.pending_events[-1].type == "feedback.rated"
    assert feedback.pending_events[-1].data["satisfied"] is False
    with pytest.raises(InvalidTransition):
        rate(feedback, True, MONDAY)


def test_categories_have_vietnamese_labels():
    assert Category.MOI_TRUONG.label == "Môi trường"
    assert all(c.label and c.description for c in Category)


def test_a_classified_feedback_can_still_be_forwarded_against_the_first_limit():
    feedback = make()
    act(feedback, "classify", classification="within_competence")
    act(feedback, "assign", assignee="specialist-1")
    late = datetime(2026, 3, 10, 9, 0, tzinfo=VN_TZ)

    event = act(feedback, "forward", "receptionist", at=late, agency="ubnd-b")

    assert feedback.status is Status.FORWARDED and feedback.assignee is None
    assert event.type == "feedback.forwarded" and event.data["timeliness"] == "late"
    assert event.data["from"] == "ubnd-a" and event.data["to_agency"] == "ubnd-b"
