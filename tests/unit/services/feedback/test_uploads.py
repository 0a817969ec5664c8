"""Feedback attachments: only the caller's own feedback uploads, never used before, and only
what leaves quarantine clean; every problem at once, by attachment."""

import pytest

from chalicelib.domain.errors import DomainError, FieldError
from chalicelib.domain.principal import Principal
from chalicelib.domain.upload import DOSSIER, FEEDBACK, Upload
from chalicelib.services.feedback import uploads

CITIZEN = Principal("citizen-1", "citizen")


def upload(upload_id, purpose=FEEDBACK, owner=None, used_by=None) -> Upload:
    return Upload(upload_id, None, uploads.COMPONENT, "anh.jpg", "image/jpeg", 1000,
                  f"quarantine/{upload_id}", owner, used_by, purpose)  # fmt: skip


@pytest.fixture
def stored(monkeypatch):
    """Upload records by id; released() lets everything out except ids starting with `bad`."""
    records: dict[str, Upload] = {}

    def released(record, allowed, max_bytes, where, problems):
        assert (allowed, max_bytes) == (uploads.FILE_TYPES, uploads.MAX_BYTES)
        if record.upload_id.startswith("bad"):
            problems.append(FieldError(where, "Tệp chưa được tải lên xong"))
            return None
        return {"key": f"files/{record.upload_id}"}

    monkeypatch.setattr(uploads.upload_store, "get", records.get)
    monkeypatch.setattr(uploads.uploads, "released", released)
    return records


def test_the_callers_clean_feedback_uploads_are_checked_in(stored):
    stored["u1"] = upload("u1", owner="citizen-1")
    stored["u2"] = upload("u2")  # anonymous upload: anyone holding its id

    checked = uploads.check([{"upload_id": "u1"}, {"upload_id": "u2"}], CITIZEN)

    assert [c.attachment["key"] for c in checked] == ["files/u1", "files/u2"]


def test_every_refused_attachment_is_named_at_once(stored):
    stored["mine"] = upload("mine", owner="citizen-2")
    stored["dossier"] = upload("dossier", purpose=DOSSIER)
    stored["used"] = upload("used", used_by="PAKN-1")
    stored["bad"] = upload("bad")
    items = [{"upload_id": i} for i in ("missing", "mine", "dossier", "used", "bad")]

    with pytest.raises(DomainError) as refused:
        uploads.check(items, CITIZEN)

    problems = [(d.field, d.message) for d in refused.value.details]
    assert problems == [
        ("attachments[0].upload_id", "Không tìm thấy tệp đã tải lên"),
        ("attachments[1]", "Tệp này không phải do bạn tải lên"),
        ("attachments[2]", "Tệp này được tải lên cho hồ sơ thủ tục, không phải phản ánh"),
        ("attachments[3]", "Tệp này đã được sử dụng"),
        ("attachments[4]", "Tệp chưa được tải lên xong"),
    ]


def test_an_anonymous_caller_cannot_use_a_signed_in_citizens_upload(stored):
    stored["u1"] = upload("u1", owner="citizen-1")

    with pytest.raises(DomainError):
        uploads.check([{"upload_id": "u1"}], None)
