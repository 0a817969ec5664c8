"""S3 for attachments and results: presigned POST uploads bound to one key, size and type;
checks of what was uploaded (its size, first bytes and tags); tags added later (a closed
dossier's files, for the buckets' lifecycle rules); short-lived download links; pages of keys
and deletions in bulk (the sweep of unused copies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from botocore.exceptions import ClientError

from chalicelib.integrations.aws import client


@dataclass(frozen=True)
class StoredObject:
    size: int
    content_type: str
    head: bytes = b""


def presigned_post(
    bucket: str, key: str, content_type: str, max_bytes: int, expires_in: int
) -> dict:
    """A form POST that S3 accepts only for this key, this Content-Type and at most max_bytes."""
    return client("s3").generate_presigned_post(
        Bucket=bucket,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=expires_in,
    )


def opening(bucket: str, key: str, count: int) -> StoredObject | None:
    """The object's size, type and first `count` bytes in one ranged GET (its Content-Range
    names the whole size), or None when it is absent."""
    try:
        answer = client("s3").get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{count - 1}")
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    total = answer.get("ContentRange", "").rpartition("/")[2]
    size = int(total) if total.isdigit() else int(answer["ContentLength"])
    return StoredObject(size, answer.get("ContentType", ""), answer["Body"].read(count))


def tags(bucket: str, key: str) -> dict[str, str]:
    """The object's tags (empty when it has none)."""
    found = client("s3").get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
    return {t["Key"]: t["Value"] for t in found}


def add_tags(bucket: str, key: str, added: dict[str, str]) -> bool:
    """Merge `added` into the object's tags (a PUT replaces the whole set, and other tags, such
    as a malware scan's verdict, must stay); no write when they are there already. False when
    the object is absent."""
    s3 = client("s3")
    try:
        found = tags(bucket, key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    merged = {**found, **added}
    if merged != found:
        tag_set = [{"Key": k, "Value": v} for k, v in sorted(merged.items())]
        s3.put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": tag_set})
    return True


def keys(bucket: str, prefix: str) -> list[str]:
    """The keys of the objects under `prefix` (every page)."""
    pages = client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


class Listed(NamedTuple):
    key: str
    modified: datetime


def listing(bucket: str, prefix: str, after: str | None, limit: int) -> tuple[list[Listed], bool]:
    """One page of the objects under `prefix` in key order, from the key after `after`: at most
    `limit` (at most 1,000) and whether more follow. One ListObjectsV2."""
    extra = {"StartAfter": after} if after else {}
    answer = client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=limit, **extra)
    found = [Listed(o["Key"], o["LastModified"]) for o in answer.get("Contents", [])]
    return found, bool(answer.get("IsTruncated"))


def delete_many(bucket: str, keys: list[str]) -> None:
    """Delete up to 1,000 objects in one DeleteObjects (an absent one counts as deleted); raises
    when S3 could not delete one of them."""
    if not keys:
        return
    answer = client("s3").delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True}
    )
    failed = answer.get("Errors", [])
    if failed:
        codes = sorted({e.get("Code", "?") for e in failed})
        raise RuntimeError(f"S3 could not delete {len(failed)} of {len(keys)} objects: {codes}")


def put(bucket: str, key: str, content: bytes, content_type: str) -> None:
    client("s3").put_object(Bucket=bucket, Key=key, Body=content, ContentType=content_type)


def delete(bucket: str, key: str) -> None:
    client("s3").delete_object(Bucket=bucket, Key=key)


def copy(
    bucket: str,
    source_key: str,
    target_key: str,
    source_bucket: str | None = None,
    content_type: str | None = None,
) -> None:
    """Copy an object; with `content_type`, the copy is served as that type and carries no tags
    (a quarantined file's scan verdict stays with it; copying tags needs s3:PutObjectTagging)."""
    released = {
        "MetadataDirective": "REPLACE",
        "ContentType": content_type,
        "TaggingDirective": "REPLACE",
    }
    client("s3").copy_object(
        Bucket=bucket,
        Key=target_key,
        CopySource={"Bucket": source_bucket or bucket, "Key": source_key},
        **(released if content_type else {"MetadataDirective": "COPY"}),
    )


def read(bucket: str, key: str) -> bytes | None:
    """The object's bytes, or None when there is no such object."""
    try:
        return client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise


def download_url(bucket: str, key: str, filename: str, expires_in: int = 300) -> str:
    return client("s3").generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket,
            "Key": key,
            "ResponseContentDisposition": f"attachment; filename*=UTF-8''{_quote(filename)}",
        },
        ExpiresIn=expires_in,
    )


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def browser_origin() -> str:
    """The origin browsers send presigned uploads to (S3's regional endpoint, or the emulated
    AWS of the local stack): the pages' Content-Security-Policy lets them connect there."""
    from urllib.parse import urlsplit

    endpoint = urlsplit(client("s3").meta.endpoint_url)
    return f"{endpoint.scheme}://{endpoint.netloc}"
