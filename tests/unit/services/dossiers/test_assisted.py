"""Assisted online filing: the dossier is the citizen's (their verified token, never a typed
identity), filed for the desk's own agency, with what only a paper dossier has refused and the
helping officer named."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.principal import Principal
from chalicelib.services.dossiers import assisted

OFFICER = Principal("receptionist-1", "receptionist", "ubnd-a")
CITIZEN = Principal("citizen-1", "citizen")
AGENCY = SimpleNamespace(id="ubnd-a", ref=lambda: {"id": "ubnd-a", "name": "UBND A"})
BODY = {"channel": "online", "procedure_code": "1.001193", "citizen": {"access_token": "t"},
        "applicant": {"full_name": "A"}, "attachments": []}  # fmt: skip


@pytest.fixture
def filing(monkeypatch):
    """What submission.check and submission.create were given."""
    seen = {}

    def check(filed, procedure, officer, problems):
        seen["checked"] = (filed, officer, list(problems))
        if problems:
            raise ValidationFailed("x", problems)
        return [SimpleNamespace(attachment={"component_code": "TP1"})]

    def create(filed, procedure, owner, claim, checked, now, **extra):
        seen["created"] = (filed, owner, extra)
        return {"code": "D-1", **extra["more_response"]}

    monkeypatch.setattr(
        assisted.uploads, "online_procedure", lambda code: SimpleNamespace(code=code)
    )
    offering = SimpleNamespace(agency=AGENCY)
    monkeypatch.setattr(assisted.intake, "receiving_offering", lambda *args: offering)
    monkeypatch.setattr(assisted.submission, "check", check)
    monkeypatch.setattr(assisted.submission, "create", create)
    return seen


def test_the_dossier_is_the_citizens_filed_online_at_the_desks_agency(filing):
    answer = assisted.file(BODY, OFFICER, CITIZEN, None, None)

    filed, owner, extra = filing["created"]
    assert owner is CITIZEN and extra["assisted_by"] == "receptionist-1"
    assert filed["agency"] == "ubnd-a" and "citizen" not in filed and "channel" not in filed
    assert answer["channel"] == "online" and answer["digitised_components"] == ["TP1"]


def test_without_the_citizens_identity_or_with_desk_only_fields_nothing_is_filed(filing):
    body = {**BODY, "decision": "accept", "consignment": {"number": "EV1"}}

    with pytest.raises(ValidationFailed) as refused:
        assisted.file(body, OFFICER, None, None, None)

    assert [d.field for d in refused.value.details] == ["decision", "consignment", "citizen"]
    assert "created" not in filing
