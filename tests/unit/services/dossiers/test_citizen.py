"""A citizen reaches a dossier as its signed-in owner or with its phone: every other case is
the same 404, a phone is compared only after a lookup attempt was counted, and a right one
gives the attempt back (so guessing is throttled, knowing is not)."""

import pytest

from chalicelib.domain.errors import NotFound
from chalicelib.domain.principal import Principal
from chalicelib.services.dossiers import citizen
from tests import builders

OWNER = Principal("citizen-1", "citizen")
DOSSIER = builders.dossier(owner="citizen-1", applicant={"full_name": "A", "phone": "0912345678"})


@pytest.fixture
def attempts(monkeypatch):
    """The lookup attempts taken (code, client) and those given back."""
    taken, given_back = [], []

    class Attempt:
        def give_back(self):
            given_back.append(taken[-1])

    def take(kind, code, client):
        taken.append((kind, code, client))
        return Attempt()

    monkeypatch.setattr(citizen.throttle, "take", take)
    monkeypatch.setattr(citizen.dossier_store, "get", {DOSSIER.code: DOSSIER}.get)
    return taken, given_back


def test_the_signed_in_owner_gets_in_without_a_phone_or_an_attempt(attempts):
    assert citizen.authorized(DOSSIER.code, OWNER, None, "10.0.0.1") is DOSSIER
    assert attempts == ([], [])


def test_the_right_phone_in_any_form_gets_in_and_gives_the_attempt_back(attempts):
    assert citizen.authorized(DOSSIER.code, None, "+84 912 345 678", "10.0.0.1") is DOSSIER
    taken, given_back = attempts
    assert taken == given_back == [("lookup", DOSSIER.code, "10.0.0.1")]


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
    taken, given_back = attempts
    assert given_back == [] and len(taken) == (1 if phone else 0)
