"""The one-stop desk receives for its own agency only, and checks a paper dossier by what the
receptionist decides: accepting needs everything, refusing or asking to supplement only that what
is given is right; the post needs an address and a consignment, email a mailbox."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.errors import FieldError, Forbidden
from chalicelib.domain.principal import Principal
from chalicelib.services.dossiers import intake

DESK = Principal("receptionist-1", "receptionist", "ubnd-a")
PROCEDURE = SimpleNamespace(code="1.001193", data={"delivery_options": ["counter", "post"]})
BODY = {"channel": "counter", "result_delivery": "counter", "notify": ["sms"],
        "applicant": {"full_name": "A", "phone": "0912345678"}, "attachments": []}  # fmt: skip


def test_the_desk_receives_for_its_own_agency_only(monkeypatch):
    def offering_for(procedure, ref):
        return SimpleNamespace(agency=SimpleNamespace(id=ref, name=f"UBND {ref}"))

    monkeypatch.setattr(intake.catalog_service, "offering_for", offering_for)

    assert intake.receiving_offering(PROCEDURE, None, DESK).agency.id == "ubnd-a"
    with pytest.raises(Forbidden, match="UBND ubnd-b"):
        intake.receiving_offering(PROCEDURE, "ubnd-b", DESK)


@pytest.fixture
def components(monkeypatch):
    missing = [FieldError("attachments", "Thiếu TP1")]
    monkeypatch.setattr(intake.submission, "unknown_components", lambda body, p: [])
    monkeypatch.setattr(intake.submission, "missing_components", lambda body, p: list(missing))


def fields(body, action="accept") -> list[str]:
    return [p.field for p in intake._problems(body, PROCEDURE, action)]


def test_accepting_needs_every_component_asking_for_more_does_not(components):
    assert fields(BODY, "accept") == ["attachments"]
    assert fields(BODY, "request_supplement") == []
    assert fields(BODY, "reject") == []


def test_what_the_post_and_email_need(components):
    by_post = {**BODY, "channel": "post", "result_delivery": "post", "notify": ["email"]}
    counter_with_parcel = {**BODY, "consignment": {"number": "EV1"}}
    online_only = {**BODY, "result_delivery": "online", "citizen": {"access_token": "t"}}

    assert fields(by_post, "reject") == ["applicant.address", "consignment", "applicant.email"]
    assert fields(counter_with_parcel, "reject") == ["consignment"]
    assert fields(online_only, "reject") == ["result_delivery", "citizen"]
