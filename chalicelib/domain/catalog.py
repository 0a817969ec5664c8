"""The procedure catalog: agencies and procedures as value objects, and catalog search.

Search folds case and diacritics, and ranks a procedure higher the more of the query it matches
in its name (a whole-phrase name match first), then in keywords, then anywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from chalicelib.domain.text import fold, tokens

LEVELS_ONLINE = (3, 4)


@dataclass(frozen=True)
class Agency:
    id: str
    id_code: str
    name: str
    level: str
    data: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Agency:
        return cls(
            data["id"], data["id_code"], data["name"], data["level"], MappingProxyType(dict(data))
        )

    def to_dict(self) -> dict:
        return dict(self.data)


@dataclass(frozen=True)
class Component:
    code: str
    name: str
    required: bool
    file_types: tuple[str, ...]
    max_size_bytes: int
    filled_online: bool = False

    @property
    def needs_file(self) -> bool:
        """Required as an uploaded file (a declaration filled in the e-form is not)."""
        return self.required and not self.filled_online


@dataclass(frozen=True)
class Procedure:
    code: str
    version: int
    name: str
    agency_id: str
    field: str
    level: int
    online_mode: str | None
    data: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Procedure:
        return cls(
            data["code"],
            int(data["version"]),
            data["name"],
            data["agency_id"],
            data["field"],
            int(data["level"]),
            data.get("online_mode"),
            MappingProxyType(dict(data)),
        )

    @property
    def is_online(self) -> bool:
        return self.level in LEVELS_ONLINE

    @property
    def processing_time(self) -> Mapping[str, Any]:
        return self.data["processing_time"]

    @property
    def components(self) -> tuple[Component, ...]:
        return tuple(
            Component(
                c["code"],
                c["name"],
                bool(c["required"]),
                tuple(c["file_types"]),
                int(c["max_size_mb"]) * 1024 * 1024,
                bool(c.get("filled_online", False)),
            )
            for c in self.data["components"]
        )

    def component(self, code: str) -> Component | None:
        return next((c for c in self.components if c.code == code), None)

    def fee_for(self, channel: str) -> int:
        """The fee for a channel; 0 when the procedure publishes none for it (free)."""
        amounts = [f["amount"] for f in self.data.get("fees", []) if f["channel"] == channel]
        return int(amounts[0]) if amounts else 0

    def to_dict(self) -> dict:
        return dict(self.data)


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    agency: str | None = None
    field: str | None = None
    level: int | None = None
    online: bool | None = None


class _Indexed:
    __slots__ = ("procedure", "name", "name_tokens", "keyword_tokens", "all_tokens")

    def __init__(self, procedure: Procedure, agency_name: str):
        data = procedure.data
        self.procedure = procedure
        self.name = fold(procedure.name)
        self.name_tokens = set(self.name.split())
        self.keyword_tokens = set(tokens(" ".join(data.get("keywords", []))))
        other = tokens(" ".join([agency_name, data.get("field", "")]))
        code_tokens = set(tokens(procedure.code))
        self.all_tokens = self.name_tokens | self.keyword_tokens | set(other) | code_tokens

    def score(self, phrase: str, words: list[str]) -> int:
        """0 unless every query word occurs somewhere; name matches weigh the most."""
        if not words:
            return 1
        if phrase == fold(self.procedure.code):
            return 10_000
        if any(w not in self.all_tokens for w in words):
            return 0
        in_name = sum(1 for w in words if w in self.name_tokens)
        in_keywords = sum(1 for w in words if w in self.keyword_tokens)
        whole_phrase = 1000 if f" {phrase} " in f" {self.name} " else 0
        starts_with = 500 if self.name.startswith(phrase) else 0
        return whole_phrase + starts_with + 100 * in_name + 10 * in_keywords + 1


class Catalog:
    """An immutable snapshot of agencies and procedures, searchable in memory."""

    def __init__(
        self,
        agencies: list[Agency],
        procedures: list[Procedure],
        version: str = "",
        fields: list[dict] | None = None,
    ):
        self.version = version
        self.fields = [dict(f) for f in fields or []]
        self.agencies = {a.id: a for a in agencies}
        self.procedures = {p.code: p for p in procedures}
        self._index = [
            _Indexed(p, self.agencies[p.agency_id].name if p.agency_id in self.agencies else "")
            for p in sorted(procedures, key=lambda p: p.code)
        ]

    def procedure(self, code: str) -> Procedure | None:
        return self.procedures.get(code)

    def agency(self, agency_id: str) -> Agency | None:
        return self.agencies.get(agency_id)

    def search(self, query: SearchQuery) -> list[Procedure]:
        phrase = fold(query.q)
        words = tokens(query.q)
        scored = []
        for entry in self._index:
            if not _matches_filters(entry.procedure, query):
                continue
            score = entry.score(phrase, words)
            if score:
                scored.append((-score, entry.procedure.code, entry.procedure))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [p for _, _, p in scored]


def _matches_filters(procedure: Procedure, query: SearchQuery) -> bool:
    if query.agency and procedure.agency_id != query.agency:
        return False
    if query.field and procedure.field != query.field:
        return False
    if query.level is not None and procedure.level != query.level:
        return False
    if query.online is not None and procedure.is_online != query.online:
        return False
    return True
