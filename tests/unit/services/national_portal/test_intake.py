"""Dossiers and feedback from the national portal: one per national code or reference (a later
request gets the same one back, a race loses to the first); URL attachments are fetched only
from the national portal's hosts into quarantine under an upload id derived from the national
code, so a retry finds them; a refused request lists every problem at its place in the request
and keeps nothing it fetched, but for files still being scanned."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.errors import FieldError, UploadScanPending, ValidationFailed
from chalicelib.domain.principal import Principal
from chalicelib.integrations.attachment_fetch import Fetched, FetchError
from chalicelib.services.national_portal import intake
from tests.builders import MONDAY, dossier

CONNECTOR = Principal("national-portal", "service")
COMPONENT = SimpleNamespace(code="TP1", file_types=("application/pdf",), max_size_bytes=10**6)
PROCEDURE = SimpleNamespace(code="1.001193", component={"TP1": COMPONENT}.get)
CODE = "000.00.51.H06-260302-0001"


def body(*attachments) -> dict:
    return {"national_code": "G22.99-260302-0001", "procedure_code": "1.001193",
            "agency": "ubnd-a", "applicant": {"full_name": "A"}, "form": {},
            "submitted_at": "2026-03-02T08:00:00+07:00",
            "attachments": list(attachments)}  # fmt: skip


def by_url(url="https://files.dichvucong.gov.vn/a.pdf", component="TP1", **more) -> dict:
    return {"url": url, "component_code": component, "content_type": "application/pdf",
            "filename": "a.pdf", **more}  # fmt: skip


@pytest.fixture
def portal(monkeypatch):
    """The markers by national code, the uploads, what was fetched, checked, created, forgotten."""
    state = SimpleNamespace(markers={}, uploads={}, fetched=[], forgotten=[], created=[],
                            problems=[], fetch_error=None, race=False)  # fmt: skip
    monkeypatch.delenv("NATIONAL_PORTAL_FILE_HOSTS", raising=False)  # the default hosts

    def fetch(http, url, declared, allowed, max_bytes, hosts):
        state.fetched.append((url, allowed, max_bytes, hosts))
        if state.fetch_error:
            raise FetchError(state.fetch_error)
        return Fetched(b"%PDF", "application/pdf")

    def record(upload_id, key, procedure, component, meta, principal, now):
        state.uploads[upload_id] = (key, principal.subject)

    def check(sub_body, procedure, principal):
        if state.problems:
            raise intake.refusal("", list(state.problems))
        return [SimpleNamespace(attachment=dict(a)) for a in sub_body["attachments"]]

    def create(sub_body, procedure, principal, claim, checked, now, channel, extra, also):
        if state.race:
            state.markers["G22.99-260302-0001"] = CODE
            raise intake.submission.AlsoRefused("national_intake")
        state.created.append((sub_body, checked, channel, extra, also.label))
        state.markers["G22.99-260302-0001"] = CODE

    stored = dossier(code=CODE, channel="national_portal",
                     extra={"national_code": "G22.99-260302-0001"})  # fmt: skip
    monkeypatch.setattr(intake.markers, "created", lambda kind, ref: state.markers.get(ref))
    monkeypatch.setattr(intake.dossier_store, "get", lambda code: stored)
    monkeypatch.setattr(intake.uploads, "online_procedure", lambda code: PROCEDURE)
    monkeypatch.setattr(intake.uploads, "record", record)
    monkeypatch.setattr(intake.uploads, "forget", state.forgotten.append)
    monkeypatch.setattr(intake.upload_store, "get", state.uploads.get)
    monkeypatch.setattr(intake.storage, "put", lambda *a: None)
    monkeypatch.setattr(intake, "get_settings", lambda: SimpleNamespace(bucket_uploads="up"))
    monkeypatch.setattr(intake, "fetch", fetch)
    monkeypatch.setattr(intake.submission, "check", check)
    monkeypatch.setattr(intake.submission, "create", create)
    return state


def test_a_first_request_creates_the_dossier_with_its_national_code(portal):
    answer, created = intake.receive_dossier(
        CONNECTOR, body(by_url(from_national_repository=True), {"component_code": "TP2",
                                                                 "upload_id": "u-2"}),
        MONDAY, http=object(),
    )  # fmt: skip

    assert created and answer["code"] == CODE and answer["channel"] == "national_portal"
    ((sub_body, checked, channel, extra, label),) = portal.created
    (fetched_id,) = portal.uploads
    assert [a["upload_id"] for a in sub_body["attachments"]] == [fetched_id, "u-2"]
    assert sub_body["result_delivery"] == "online"
    assert checked[0].attachment.get("from_national_repository") is True
    assert "from_national_repository" not in checked[1].attachment
    assert (channel, label) == ("national_portal", "national_intake")
    assert extra == {"national_code": "G22.99-260302-0001",
                     "national_submitted_at": "2026-03-02T08:00:00+07:00"}  # fmt: skip
    assert portal.uploads[fetched_id] == (f"quarantine/{fetched_id}/a.pdf", "national-portal")
    assert portal.fetched[0][1:] == (("application/pdf",), 10**6, ("dichvucong.gov.vn",))


def test_a_later_request_gets_the_same_dossier_back(portal):
    portal.markers["G22.99-260302-0001"] = CODE

    answer, created = intake.receive_dossier(CONNECTOR, body(by_url()), MONDAY, http=object())

    assert (answer["code"], created) == (CODE, False)
    assert portal.fetched == [] and portal.created == []


def test_a_race_lost_to_the_first_request_answers_its_dossier(portal):
    portal.race = True

    answer, created = intake.receive_dossier(CONNECTOR, body(by_url()), MONDAY, http=object())

    assert (answer["code"], created) == (CODE, False)
    assert portal.forgotten == list(portal.uploads)


def test_a_retry_finds_the_files_an_earlier_request_fetched(portal):
    intake.receive_dossier(CONNECTOR, body(by_url()), MONDAY, http=object())
    portal.markers.clear()

    intake.receive_dossier(CONNECTOR, body(by_url()), MONDAY, http=object())

    assert len(portal.fetched) == 1 and len(portal.created) == 2


def test_every_problem_is_named_at_its_place_and_nothing_fetched_stays(portal):
    portal.fetch_error = "Tệp không phải PDF"
    portal.problems = [FieldError("attachments[0].upload_id", "Tệp đã dùng")]
    request = body(by_url(), {"component_code": "TP2", "upload_id": "u-2"},
                   by_url(component="TP9"))  # fmt: skip

    with pytest.raises(ValidationFailed) as refused:
        intake.receive_dossier(CONNECTOR, request, MONDAY, http=object())

    assert [d.field for d in refused.value.details] == [
        "attachments[0].url", "attachments[2].component_code", "attachments[1].upload_id",
    ]  # fmt: skip
    assert portal.created == []


def test_a_refused_request_forgets_what_it_fetched(portal):
    portal.problems = [FieldError("form.x", "Thiếu")]

    with pytest.raises(ValidationFailed):
        intake.receive_dossier(CONNECTOR, body(by_url()), MONDAY, http=object())
    assert portal.forgotten == list(portal.uploads) and len(portal.forgotten) == 1


def test_files_still_being_scanned_stay_for_the_retry(portal):
    portal.problems = [FieldError("attachments[0].upload_id", "Đang quét", UploadScanPending.code)]

    with pytest.raises(UploadScanPending):
        intake.receive_dossier(CONNECTOR, body(by_url()), MONDAY, http=object())
    assert portal.forgotten == []


def test_the_upload_id_is_the_same_for_the_same_file_of_the_same_dossier():
    first = intake._upload_id("G22", 0, "TP1", "https://x/a.pdf")

    assert first == intake._upload_id("G22", 0, "TP1", "https://x/a.pdf")
    assert len({first, intake._upload_id("G23", 0, "TP1", "https://x/a.pdf"),
                intake._upload_id("G22", 1, "TP1", "https://x/a.pdf")}) == 3  # fmt: skip


def test_the_file_hosts_are_configured(monkeypatch):
    monkeypatch.setenv("NATIONAL_PORTAL_FILE_HOSTS", " Files.Gov.VN, ,dvc.gov.vn ")

    assert intake.file_hosts() == ("files.gov.vn", "dvc.gov.vn")


def test_feedback_arrives_once_per_national_reference(portal, monkeypatch):
    submitted = []

    def submit(fields, principal, now, channel, also):
        submitted.append((fields, channel))
        return {"id": "PAKN-260302-ABCDE"}

    monkeypatch.setattr(intake.feedback_intake, "submit", submit)
    monkeypatch.setattr(intake.feedback_store, "get", lambda feedback_id: feedback_id)
    monkeypatch.setattr(intake.feedback_views, "created", lambda f: {"id": f})
    request = {"national_reference": "PAKN-QG-1", "submitted_at": "t", "title": "Đèn hỏng"}

    first = intake.receive_feedback(CONNECTOR, request, MONDAY)
    portal.markers["PAKN-QG-1"] = "PAKN-260302-ABCDE"
    again = intake.receive_feedback(CONNECTOR, request, MONDAY)

    assert first == ({"id": "PAKN-260302-ABCDE", "national_reference": "PAKN-QG-1"}, True)
    assert again == (first[0], False)
    assert submitted == [({"title": "Đèn hỏng"}, "national_portal")]
