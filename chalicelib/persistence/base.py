"""PynamoDB plumbing shared by every record class: table names come from settings at first use,
and all record classes share one DynamoDB client."""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from functools import cache

from pynamodb.attributes import BinaryAttribute, JSONAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.constants import BINARY, STRING
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.config import aws_region

_BOUND: dict[type, str] = {}


region = aws_region


def bind(model: type[Model], table_name: str) -> type[Model]:
    """Point a record class at its table (PynamoDB reconnects when the name changes)."""
    if _BOUND.get(model) != table_name:
        if "Meta" not in vars(model):  # inherited from its table's base class: make it its own
            model.Meta = type("Meta", (model.Meta,), {})
        model.Meta.table_name = table_name
        model.Meta.region = region()
        model._connection = None
        _BOUND[model] = table_name
    return model


@cache
def shared_connection(region_name: str) -> Connection:
    """One DynamoDB client per container for every record class and transaction: creating a
    botocore client costs ~100 ms and PynamoDB would otherwise make one per model class."""
    return Connection(region=region_name)


class Record(Model):
    """Base of every record class: each keeps its own table metadata but all share one client."""

    @classmethod
    def _get_connection(cls):
        table_connection = super()._get_connection()
        connection = table_connection.connection
        if getattr(connection, "_client", None) is None:
            connection._client = shared_connection(cls.Meta.region).client
        return table_connection


class Keyed(Record):
    """A record keyed by two strings, `PK` and `SK` (every table's layout)."""

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)


def index(name: str, hash_attr: str, range_attr: str, projection) -> GlobalSecondaryIndex:
    """A global secondary index on two string keys, with the projection its list needs."""
    meta = type("Meta", (), {"index_name": name, "projection": projection})
    cls = type(
        f"{name}_index",
        (GlobalSecondaryIndex,),
        {
            "Meta": meta,
            hash_attr: UnicodeAttribute(hash_key=True),
            range_attr: UnicodeAttribute(range_key=True),
        },
    )
    return cls()


class CompactJSON(JSONAttribute):
    """JSON in UTF-8 without padding: Vietnamese text as itself, not as \\uXXXX escapes (which
    take two to three times the bytes, and DynamoDB bills writes per KB)."""

    def serialize(self, value):
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class CompressedJSON(BinaryAttribute):
    """JSON stored zlib-compressed, for large text an item rewrites often (a notification's
    rendered message: Vietnamese text halves, and the item stays under the 1 KB a write unit
    covers). A value stored as text before still reads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, legacy_encoding=False, **kwargs)

    def serialize(self, value):
        if value is None:
            return None
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return zlib.compress(text.encode(), 9)

    def get_value(self, value):
        if BINARY not in value and STRING in value:
            return value[STRING]
        return super().get_value(value)

    def deserialize(self, value):
        if isinstance(value, str):
            return json.loads(value)
        return json.loads(zlib.decompress(value))


class PackedJSON(BinaryAttribute):
    """JSON deflated against a preset dictionary: the text such values share (their keys, the
    common words of their text). On a value under 1 KB plain zlib saves about a third, having no
    history to refer to at first; with the dictionary as that history, a dossier's 0.8 KB of
    details take 0.3 KB. The first byte says which dictionary: a stored value must stay
    readable, so a dictionary is never changed, a new one is added (and used) after it."""

    def __init__(self, dictionaries: Sequence[bytes], **kwargs):
        super().__init__(legacy_encoding=False, **kwargs)
        self.dictionaries = tuple(dictionaries)

    def serialize(self, value):
        if value is None:
            return None
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        number = len(self.dictionaries)
        packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zdict=self.dictionaries[-1])
        return bytes([number]) + packer.compress(text) + packer.flush()

    def deserialize(self, value):
        unpacker = zlib.decompressobj(-15, zdict=self.dictionaries[value[0] - 1])
        return json.loads(unpacker.decompress(value[1:]) + unpacker.flush())
