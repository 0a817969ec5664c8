"""The applicant rates a dossier once its result exists: four scores, an optional comment, one
`dossier.rated` event for the statistics; the comment never leaves the rating itself."""

import pytest

from chalicelib.domain.dossier import Status
from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.principal import Principal
from chalicelib.services.dossiers import ratings
from tests import builders

NOW = builders.MONDAY
SCORES = {"overall": "hai_long", "convenience": "rat_hai_long", "timeliness": "chua_hai_long",
          "attitude": "hai_long"}  # fmt: skip
CITIZEN = Principal("citizen-1", "citizen")


@pytest.fixture
def rate(monkeypatch):
    """Rate a dossier in `status` owned by `owner`; what was saved and published."""
    saved, published = [], []

    def rate(status, body, principal=None, owner=None):
        dossier = builders.dossier(status=status, owner=owner)
        monkeypatch.setattr(ratings.dossiers, "authorized", lambda *args: dossier)
        answer = ratings.rate_dossier(dossier.code, principal, body, "10.0.0.1", NOW)
        return answer, saved, published

    def save(*args):
        saved.append(args)
        published.append(args[3])  # the event, committed with the rating

    monkeypatch.setattr(ratings.rating_store, "save", save)
    return rate


def test_a_returned_dossier_is_rated_once_with_an_event_for_the_statistics(rate):
    answer, saved, published = rate(Status.RETURNED, {**SCORES, "comment": "Nhanh"})

    assert answer == {"code": builders.dossier().code, **SCORES, "comment": "Nhanh",
                      "rated_at": NOW.isoformat()}  # fmt: skip
    (event,) = published
    assert event.type == "dossier.rated" and "comment" not in event.data
    assert {k: event.data[k] for k in SCORES} == SCORES
    assert saved[0][2] == "phone"  # rated by whoever proved the dossier's phone


def test_the_owner_signed_in_rates_under_their_account(rate):
    _, saved, _ = rate(Status.RESULT_READY, SCORES, CITIZEN, owner="citizen-1")

    assert saved[0][2] == "citizen-1"


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.IN_PROGRESS, Status.WITHDRAWN])
def test_no_rating_before_the_result(rate, status):
    with pytest.raises(InvalidTransition, match="đã có kết quả"):
        rate(status, SCORES)
