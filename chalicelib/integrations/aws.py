"""boto3 clients, created on first use and reused for the life of the container."""

from __future__ import annotations

from functools import cache

import boto3
from botocore.config import Config

from chalicelib.config import aws_region as region

_CONFIG = Config(
    retries={"max_attempts": 4, "mode": "standard"},
    connect_timeout=3,
    read_timeout=10,
    s3={"addressing_style": "path"},
    signature_version="s3v4",
)


@cache
def client(service: str):
    return boto3.client(service, region_name=region(), config=_CONFIG)


def reset() -> None:
    client.cache_clear()
