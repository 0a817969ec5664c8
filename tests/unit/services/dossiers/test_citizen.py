"""A citizen reaches a dossier as its signed-in owner or with its phone: every other case is
the same 404, a wrong phone is counted by the guess that finds it wrong, and a right one costs
nothing (so guessing is throttled, knowing is not)."""

import pytest

from chalicelib.domain.errors import NotFound
from chalicelib.domain.principal import Principal
from chalicelib.services.dossiers import citizen
from tests import builders

OWNER = Principal("citizen-1", "citizen")
DOSSIER = builders.dossier(owner="citizen-1", applicant={"full_name": "A", "phone": "0912345678"})


@pytest.fixture
def attempts(monkeypatch):
    """The lookup attempts counted (kind, code, client), by the guess or after it."""
    counted = []

    def wrong_phone(code, phone):  # stands for the staged check: the phone is surely wrong
        return code != DOSSIER.code or not DOSSIER.matches_phone(phone)

    def guess(kind, code, wrong, client):
        if wrong:
            counted.append((kind, code, client))
        return not wrong

    monkeypatch.setattr(citizen.dossier_store, "stage_wrong_phone", wrong_phone)
    monkeypatch.setattr(citizen.throttle, "guess", guess)
    monkeypatch.setattr(citizen.throttle, "take", lambda *taken: counted.append(taken))
    monkeypatch.setattr(citizen.dossier_store, "get", {DOSSIER.code: DOSSIER}.get)
    return counted


def test_the_signed_in_owner_gets_in_without_a_phone_or_an_attempt(attempts):
    assert citizen.authorized(DOSSIER.code, OWNER, None, "10.0.0.1") is DOSSIER
    assert attempts == []


def test_the_right_phone_in_any_form_gets_in_and_counts_nothing(attempts):
    assert citizen.authorized(DOSSIER.code, None, "+84 912 345 678", "10.0.0.1") is DOSSIER
    assert attempts == []


@pytest.mark.parametrize(
    ("code", "principal", "phone"),
    [
        (DOSSIER.code, None, None),  # no phone
        (DOSSIER.code, None, "0987654321"),  # a wrong phone
        (DOSSIER.code, Principal("citizen-2", "citizen"), None),  # someone else signed in
        ("000.00.51.H06-250303-9999", None, "0912345678"),  # no such dossier
    ],
)
def test_every_other_case_is_the_same_404(attempts, code, principal, phone):
    with pytest.raises(NotFound) as refused:
        citizen.authorized(code, principal, phone, "10.0.0.1")

    assert refused.value.message == citizen.NOT_FOUND_MESSAGE
    assert attempts == ([("lookup", code, "10.0.0.1")] if phone else [])
