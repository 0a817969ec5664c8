"""The local stand-in of the national portal checks what the real one would: the province's
credentials, the record's schema and dossier, no older version than it holds; and fails on
demand."""

import base64
from datetime import datetime

import pytest

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.errors import Conflict, Unauthenticated, ValidationFailed
from chalicelib.services.national_portal import standin

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
CODE = "000.00.51.H06-250303-0001"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


PROVINCE = basic("bac-ninh", "s3cret")


@pytest.fixture
def portal(monkeypatch):
    """The stand-in's store in memory: records kept, faults armed, the newest version held."""
    kept, faults = [], []
    monkeypatch.setenv("NATIONAL_PORTAL_CLIENT_ID", "bac-ninh")
    monkeypatch.setenv("NATIONAL_PORTAL_CLIENT_SECRET", "s3cret")
    monkeypatch.setattr(standin.store, "take_fault", lambda code: faults.pop() if faults else None)
    monkeypatch.setattr(standin.store, "newest_version", lambda code: 5)
    monkeypatch.setattr(standin.store, "store", lambda code, record, now: kept.append(record))
    return kept, faults


@pytest.mark.parametrize(
    "authorization",
    [None, "", basic("bac-ninh", "wrong"), "Bearer x", "Basic %%%", basic("other", "s3cret")],
)
def test_only_the_provinces_credentials_get_in(portal, authorization):
    with pytest.raises(Unauthenticated):
        standin.receive(CODE, {}, authorization, NOW)


def test_an_armed_fault_answers_before_anything_is_checked(portal):
    _, faults = portal
    faults.append("timeout")

    with pytest.raises(standin.StandInFault) as failed:
        standin.receive(CODE, {"not": "a record"}, PROVINCE, NOW)

    assert (failed.value.status, failed.value.code) == (504, "SERVICE_UNAVAILABLE")


def test_a_record_of_another_dossier_is_refused_with_every_problem(portal):
    with pytest.raises(ValidationFailed) as refused:
        standin.receive(CODE, {"dossier_code": "X-1"}, PROVINCE, NOW)

    fields = {d.field for d in refused.value.details}
    assert "dossier_code" in fields and len(fields) > 1  # the schema's problems too


def test_the_newest_version_wins(portal, monkeypatch):
    kept, _ = portal
    monkeypatch.setattr(standin, "errors_for", lambda record, schema: [])  # schema: domain tests

    with pytest.raises(Conflict, match="5"):
        standin.receive(CODE, {"dossier_code": CODE, "version": 4}, PROVINCE, NOW)
    answer = standin.receive(CODE, {"dossier_code": CODE, "version": 6}, PROVINCE, NOW)

    assert answer == {"accepted": True, "dossier_code": CODE, "version": 6}
    assert kept == [{"dossier_code": CODE, "version": 6}]
