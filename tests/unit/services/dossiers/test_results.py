"""The electronic result: a short link to the signed PDF for the applicant only, never the
unsigned upload; the first online download is the hand-over, every later one a history entry."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from chalicelib.domain.dossier import Status
from chalicelib.domain.errors import InvalidTransition
from chalicelib.services.dossiers import results
from tests import builders

SIGNED = {"document_id": "d" * 32, "signed_key": "results/signed.pdf", "filename": "kq.pdf",
          "verification_url": "https://dvc.test/xac-thuc/" + "d" * 32}  # fmt: skip


@pytest.fixture
def download(monkeypatch):
    """Download the result of a dossier; the system transitions applied and the saves made."""
    seen = SimpleNamespace(applied=[], saved=[])

    def run(status, delivery="online", document=SIGNED, hand_over=True):
        dossier = builders.dossier(status=status, result_delivery=delivery, outcome="approved",
                                   extra={"result_document": document})  # fmt: skip

        def apply_system(code, action, params, now):
            seen.applied.append((action, params))
            return hand_over

        monkeypatch.setattr(results.dossiers, "authorized", lambda *args: dossier)
        monkeypatch.setattr(results.workflow, "apply_system", apply_system)
        monkeypatch.setattr(results.dossier_store, "get", lambda code: dossier)
        monkeypatch.setattr(results.dossier_store, "save", lambda d, v: seen.saved.append(d) or [])
        monkeypatch.setattr(
            results.storage, "download_url", lambda b, key, *a: f"https://s3.test/{key}"
        )
        return results.download(dossier.code, None, "0912345678", "10.0.0.1", builders.MONDAY)

    run.seen = seen
    return run


def test_the_first_online_download_hands_the_result_over(download):
    answer = download(Status.RESULT_READY)

    assert answer["url"] == "https://s3.test/results/signed.pdf"
    assert answer["status"] == "returned" and answer["document_id"] == SIGNED["document_id"]
    assert answer["expires_at"] == (builders.MONDAY + timedelta(seconds=300)).isoformat()
    assert download.seen.applied == [("return_result", {"via": "online"})]


def test_a_later_download_is_recorded_in_the_history(download):
    answer = download(Status.RETURNED)

    assert answer["status"] == "returned" and download.seen.applied == []
    (saved,) = download.seen.saved
    assert saved.pending_history[-1].action == "download_result"


def test_a_result_delivered_at_the_counter_is_not_handed_over_by_a_download(download):
    download(Status.RESULT_READY, delivery="counter")

    assert download.seen.applied == [] and len(download.seen.saved) == 1


def test_nothing_unsigned_is_handed_over(download):
    with pytest.raises(InvalidTransition, match="ký số"):
        download(Status.RESULT_READY, document={"key": "attachments/unsigned.pdf"})
