"""The procedure catalog: agencies and procedures as value objects, who performs what, and search.

A procedure (national code, name, components, legal basis) is separate from the agencies that
perform it: its `performed_by` lists agencies, or says "all communes" (every commune People's
Committee, i.e. a commune-level agency directly under the provincial People's Committee), each
entry optionally overriding the procedure's fees and time limit for the agencies it names. Later
entries override earlier ones, so a file can say "all communes" and then give one ward its own fee.

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
ONLINE_FILTERS = ("true", "false", "mot_phan", "toan_trinh")
OVERRIDABLE = ("processing_time", "fees")


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

    def public_dict(self) -> dict:
        """What the public agency list shows: the agency, not its status-view settings."""
        return {k: v for k, v in self.data.items() if k != "status_view"}

    def ref(self) -> dict:
        """How an agency is named in answers: both of its identifiers and its name."""
        return {"id": self.id, "id_code": self.id_code, "name": self.name}


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
        return _fee(self.data.get("fees", []), channel)

    def matches_online(self, online: str) -> bool:
        """`online` is one of ONLINE_FILTERS: offered online at all, or in that online mode."""
        if online in ("true", "false"):
            return self.is_online == (online == "true")
        return self.online_mode == online

    def to_dict(self) -> dict:
        return dict(self.data)


def _fee(fees, channel: str) -> int:
    amounts = [f["amount"] for f in fees if f["channel"] == channel]
    return int(amounts[0]) if amounts else 0


@dataclass(frozen=True)
class Offering:
    """One agency performing one procedure, with the time limit and fees that agency applies."""

    procedure: Procedure
    agency: Agency
    processing_time: Mapping[str, Any]
    fees: tuple[Mapping[str, Any], ...]
    overridden: tuple[str, ...] = ()

    def fee_for(self, channel: str) -> int:
        return _fee(self.fees, channel)

    def ref(self) -> dict:
        """The agency as listed under a procedure, with whatever it sets differently."""
        ref = self.agency.ref()
        for key in self.overridden:
            ref[key] = _plain(getattr(self, key))
        return ref


def _plain(value):
    if isinstance(value, Mapping):
        return dict(value)
    return [dict(v) for v in value]


def is_commune_committee(agency: Agency, root_ids: set[str]) -> bool:
    """A commune or ward People's Committee: commune level, directly under the province."""
    return agency.level == "commune" and agency.data.get("parent_id") in root_ids


def expand_performers(procedure: Procedure, agencies: Mapping[str, Agency]) -> list[Offering]:
    """The offerings of a procedure in file order ("all communes" in commune-name order);
    unknown agency ids are skipped here (the importer reports them)."""
    roots = {a.id for a in agencies.values() if a.data.get("parent_id") is None}
    communes = sorted(
        (a for a in agencies.values() if is_commune_committee(a, roots)),
        key=lambda a: fold(a.name),
    )
    merged: dict[str, dict] = {}
    for entry in procedure.data.get("performed_by", []):
        targets = communes if entry.get("all_communes") else [agencies.get(entry.get("agency_id"))]
        overrides = {k: entry[k] for k in OVERRIDABLE if k in entry}
        for agency in targets:
            if agency is not None:
                merged.setdefault(agency.id, {}).update(overrides)
    return [
        Offering(
            procedure,
            agencies[agency_id],
            MappingProxyType(dict(overrides.get("processing_time", procedure.processing_time))),
            tuple(MappingProxyType(dict(f)) for f in overrides.get("fees", procedure.data["fees"])),
            tuple(k for k in OVERRIDABLE if k in overrides),
        )
        for agency_id, overrides in merged.items()
    ]


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    agency: str | None = None
    field: str | None = None
    level: int | None = None
    online: str | None = None


class _Indexed:
    __slots__ = ("procedure", "name", "name_tokens", "keyword_tokens", "all_tokens")

    def __init__(self, procedure: Procedure, agency_names: list[str]):
        data = procedure.data
        self.procedure = procedure
        self.name = fold(procedure.name)
        self.name_tokens = set(self.name.split())
        self.keyword_tokens = set(tokens(" ".join(data.get("keywords", []))))
        other = tokens(" ".join([*agency_names, data.get("field", "")]))
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
        self._by_id_code = {a.id_code: a for a in agencies}
        self.procedures = {p.code: p for p in procedures}
        self._offerings = {p.code: tuple(expand_performers(p, self.agencies)) for p in procedures}
        self._performers = {
            code: {o.agency.id for o in offerings} for code, offerings in self._offerings.items()
        }
        self._index = [
            _Indexed(p, [o.agency.name for o in self._offerings[p.code]])
            for p in sorted(procedures, key=lambda p: p.code)
        ]

    def procedure(self, code: str) -> Procedure | None:
        return self.procedures.get(code)

    def agency(self, ref: str | None) -> Agency | None:
        """An agency by its portal `id` or its official identifier `id_code`."""
        if not ref:
            return None
        return self.agencies.get(ref) or self._by_id_code.get(ref)

    def offerings(self, code: str) -> tuple[Offering, ...]:
        """Every agency performing the procedure (empty for an unknown code)."""
        return self._offerings.get(code, ())

    def offering(self, code: str, agency_ref: str | None) -> Offering | None:
        agency = self.agency(agency_ref)
        if agency is None:
            return None
        return next((o for o in self.offerings(code) if o.agency.id == agency.id), None)

    def performs(self, agency_id: str, code: str) -> bool:
        return agency_id in self._performers.get(code, ())

    def performed_by(self, agency_id: str) -> list[Procedure]:
        return [p for p in self.procedures.values() if self.performs(agency_id, p.code)]

    def search(self, query: SearchQuery) -> list[Procedure]:
        """An empty `q` lists everything (filtered); a `q` with no word to search for (only
        punctuation or emoji) finds nothing rather than everything."""
        phrase = fold(query.q)
        words = tokens(query.q)
        if query.q.strip() and not words:
            return []
        scored = []
        agency = self.agency(query.agency) if query.agency else None
        if query.agency and agency is None:
            return []
        for entry in self._index:
            if agency and not self.performs(agency.id, entry.procedure.code):
                continue
            if not _matches_filters(entry.procedure, query):
                continue
            score = entry.score(phrase, words)
            if score:
                scored.append((-score, entry.procedure.code, entry.procedure))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [p for _, _, p in scored]


def _matches_filters(procedure: Procedure, query: SearchQuery) -> bool:
    if query.field and procedure.field != query.field:
        return False
    if query.level is not None and procedure.level != query.level:
        return False
    if query.online is not None and not procedure.matches_online(query.online):
        return False
    return True
