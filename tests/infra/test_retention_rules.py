"""The storage side of the retention policy (docs/retention.md), read from infra/base.json: what
is temporary expires (unused uploads in quarantine, wallet exports), what the portal issued or
was given in a dossier never does (it only moves to cheaper storage classes)."""

from infra.provision import load_template

KEPT = {"UploadsBucket": ("attachments/",), "ResultsBucket": ("results/", "documents/")}
TEMPORARY = {"UploadsBucket": "quarantine/", "ResultsBucket": "exports/"}


def rules(bucket: str) -> list[dict]:
    resource = load_template()["Resources"][bucket]
    return resource["Properties"]["LifecycleConfiguration"]["Rules"]


def test_temporary_files_expire_within_a_day():
    for bucket, prefix in TEMPORARY.items():
        expiring = [r for r in rules(bucket) if r.get("Prefix") == prefix]
        assert all(r["Status"] == "Enabled" for r in expiring)
        assert [r["ExpirationInDays"] for r in expiring] == [1], (bucket, prefix)


def test_kept_records_never_expire_and_move_to_cheaper_classes():
    for bucket, prefixes in KEPT.items():
        for rule in rules(bucket):
            assert "ExpirationInDays" not in rule or rule.get("Prefix") == TEMPORARY[bucket]
            assert "Expiration" not in rule
        for prefix in prefixes:
            moved = [r for r in rules(bucket) if r.get("Prefix") == prefix]
            classes = [t["StorageClass"] for r in moved for t in r.get("Transitions", [])]
            assert classes == ["STANDARD_IA", "GLACIER_IR"], (bucket, prefix)
