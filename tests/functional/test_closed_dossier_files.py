"""A closed dossier's files move to cheaper storage (issue 18): the events worker tags them when
the dossier closes, and the buckets' lifecycle rules move tagged objects to Glacier IR."""

from __future__ import annotations

import boto3

from chalicelib.config import get_settings
from chalicelib.integrations import storage
from chalicelib.persistence import dossier_store
from chalicelib.services.dossiers.closing import CLOSED_TAG
from tests.factories import submit
from tests.functional.national_helpers import carried_to_returned
from tests.functional.notify_helpers import outbox_events, run_events


def attachment_keys(code: str) -> list[str]:
    return [a["key"] for a in dossier_store.get(code).attachments if a.get("key")]


def tagged_closed(bucket: str, key: str) -> bool:
    return storage.tags(bucket, key).items() >= CLOSED_TAG.items()


def test_a_returned_dossiers_files_are_tagged_for_cheaper_storage(client):
    code, _ = carried_to_returned(client)
    results = get_settings().bucket_results
    storage.put(results, f"results/{code}/1/ket-qua.pdf", b"%PDF-1.4 result", "application/pdf")
    uploads = get_settings().bucket_uploads
    assert attachment_keys(code), "the dossier needs files for this test"
    assert not any(tagged_closed(uploads, key) for key in attachment_keys(code))

    run_events(client, outbox_events(code))
    run_events(client, outbox_events(code))  # redelivered: nothing changes

    assert all(tagged_closed(uploads, key) for key in attachment_keys(code))
    assert tagged_closed(results, f"results/{code}/1/ket-qua.pdf")


def test_an_open_dossiers_files_stay_untagged(client):
    _, created = submit(client)
    code = created["code"]

    run_events(client, outbox_events(code))

    uploads = get_settings().bucket_uploads
    assert attachment_keys(code)
    assert not any(tagged_closed(uploads, key) for key in attachment_keys(code))


def test_tagging_keeps_the_tags_an_object_already_has(client):
    bucket = get_settings().bucket_uploads
    storage.put(bucket, "attachments/tagged/tep.pdf", b"%PDF-1.4", "application/pdf")
    boto3.client("s3").put_object_tagging(
        Bucket=bucket,
        Key="attachments/tagged/tep.pdf",
        Tagging={"TagSet": [{"Key": "GuardDutyMalwareScanStatus", "Value": "NO_THREATS_FOUND"}]},
    )

    assert storage.add_tags(bucket, "attachments/tagged/tep.pdf", CLOSED_TAG)
    assert not storage.add_tags(bucket, "attachments/absent/tep.pdf", CLOSED_TAG)

    found = storage.tags(bucket, "attachments/tagged/tep.pdf")
    assert found == {"GuardDutyMalwareScanStatus": "NO_THREATS_FOUND", **CLOSED_TAG}


def test_the_buckets_move_tagged_files_to_glacier_instant_retrieval(client):
    s3, settings = boto3.client("s3"), get_settings()
    for bucket in (settings.bucket_uploads, settings.bucket_results):
        rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        (closed,) = [r for r in rules if r["Filter"].get("Tag") == {
            "Key": "dvc-dossier", "Value": "closed"}]  # fmt: skip
        assert closed["Transitions"] == [{"Days": 30, "StorageClass": "GLACIER_IR"}]
