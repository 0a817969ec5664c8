"""The dossier (hồ sơ) aggregate: its statuses with their national codes, its history, the
events it emits, and the rules of submission and withdrawal that need no officer."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.domain.events import Event


class Status(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    AWAITING_PAYMENT = "awaiting_payment"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"
    RESULT_READY = "result_ready"
    RETURNED = "returned"

    @property
    def national_code(self) -> int:
        return NATIONAL_CODES[self]

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def is_open(self) -> bool:
        return self not in CLOSED


NATIONAL_CODES = {
    Status.SUBMITTED: 1,
    Status.ACCEPTED: 2,
    Status.REJECTED: 3,
    Status.IN_PROGRESS: 4,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.AWAITING_PAYMENT: 6,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.RESULT_READY: 9,
    Status.RETURNED: 10,
}
LABELS = {
    Status.SUBMITTED: "Mới đăng ký, chờ tiếp nhận",
    Status.ACCEPTED: "Đã tiếp nhận",
    Status.REJECTED: "Không được tiếp nhận",
    Status.IN_PROGRESS: "Đang xử lý",
    Status.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung hồ sơ",
    Status.AWAITING_PAYMENT: "Chờ thực hiện nghĩa vụ tài chính",
    Status.WITHDRAWN: "Công dân đã rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
    Status.RESULT_READY: "Đã có kết quả",
    Status.RETURNED: "Đã trả kết quả",
}
CLOSED = frozenset({Status.REJECTED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})
WITHDRAWABLE = frozenset(
    {
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        Status.SUPPLEMENT_REQUESTED,
        Status.AWAITING_PAYMENT,
    }
)


MAX_DAILY_NUMBER = 9999  # four digits per agency and day
ONLINE = "online"  # the channel of the citizens' own submissions
VERIFIED_NAME = "verified_name"  # extra: a signed-in citizen's name from the identity provider


def dossier_code(agency_id_code: str, day: datetime, sequence: int) -> str:
    """`<receiving agency's id_code>-<YYMMDD>-<NNNN>` (Circular 01/2018 art. 19)."""
    if not 1 <= sequence <= MAX_DAILY_NUMBER:
        raise ValueError("daily sequence out of range")
    return f"{agency_id_code}-{day:%y%m%d}-{sequence:04d}"


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    at: datetime
    action: str
    status_from: str | None
    status_to: str
    actor_role: str
    agency_id: str | None = None
    actor_id: str | None = None
    note: str | None = None
    public_note: str | None = None
    step_due_at: datetime | None = None
    outcome: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Dossier:
    code: str
    procedure: dict[str, Any]
    agency_id: str
    applicant: dict[str, Any]
    owner: str | None
    form: dict[str, Any]
    attachments: list[dict[str, Any]]
    result_delivery: str
    notify: list[str]
    status: Status
    submitted_at: datetime
    acknowledge_by: datetime
    channel: str = ONLINE
    version: int = 0
    accepted_at: datetime | None = None
    due_at: datetime | None = None
    finished_at: datetime | None = None
    outcome: str | None = None
    requested: dict[str, Any] | None = None
    fee_due: int = 0
    fee_paid: int = 0
    extended: bool = False
    assignee: str | None = None
    history_len: int = 0
    deadline_flag: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    pending_history: list[HistoryEntry] = field(default_factory=list, repr=False)
    pending_events: list[Event] = field(default_factory=list, repr=False)

    @property
    def verified_name(self) -> str:
        """The applicant's name when someone answers for it: the identity provider of a
        signed-in citizen (kept at submission), or the officer or national portal that received
        the dossier. An anonymous applicant's typed name is not: messages never echo it."""
        if self.channel == ONLINE:
            return str(self.extra.get(VERIFIED_NAME) or "")
        return str(self.applicant.get("full_name") or "")

    def record(
        self,
        at: datetime,
        action: str,
        status_from: Status | None,
        actor_role: str,
        event_type: str,
        *,
        event_data: dict | None = None,
        **entry: Any,
    ) -> None:
        """Append a history entry and the matching event (both committed with the dossier)."""
        self.history_len += 1
        self.pending_history.append(
            HistoryEntry(
                seq=self.history_len,
                at=at,
                action=action,
                status_from=status_from.value if status_from else None,
                status_to=self.status.value,
                actor_role=actor_role,
                **entry,
            )
        )
        self.pending_events.append(
            Event(
                event_type,
                self.code,
                at,
                {
                    "status": self.status.value,
                    "agency_id": self.agency_id,
                    "procedure_code": self.procedure["code"],
                    **(event_data or {}),
                },
            )
        )

    def decides(self, agency_id: str | None) -> bool:
        """Only the agency holding the dossier takes its decisions (every workflow step, the
        result, its shipment): after a transfer the sender no longer does."""
        return agency_id is not None and agency_id == self.agency_id

    def readable_by(self, agency_id: str | None) -> bool:
        """The holder, and every agency that held it before (the receiving one-stop unit, each
        agency that transferred it on), which follow it read-only."""
        former = {self.extra.get("receiving_agency_id"), *self.extra.get("former_agency_ids", [])}
        return self.decides(agency_id) or (agency_id is not None and agency_id in former)

    def hands_over(self, to_agency: str) -> None:
        """The dossier moves to `to_agency`; the agency it leaves keeps reading it."""
        if to_agency != self.agency_id:
            former = [a for a in self.extra.get("former_agency_ids", []) if a != to_agency]
            self.extra["former_agency_ids"] = [*former, self.agency_id]
            self.agency_id = to_agency

    def matches_phone(self, phone: str) -> bool:
        return normalize_phone(self.applicant.get("phone", "")) == normalize_phone(phone)

    def is_owned_by(self, subject: str) -> bool:
        return self.owner is not None and self.owner == subject


@dataclass(frozen=True)
class DossierSummary:
    """A row of a dossier list (inbox, a citizen's dossiers): what list indexes project."""

    code: str
    status: Status
    version: int
    agency_id: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    submitted_at: datetime
    acknowledge_by: datetime
    due_at: datetime | None
    assignee: str | None
    requested: dict[str, Any] | None

    @classmethod
    def of(cls, dossier: Dossier) -> DossierSummary:
        return cls(
            code=dossier.code,
            status=dossier.status,
            version=dossier.version,
            agency_id=dossier.agency_id,
            procedure_code=dossier.procedure["code"],
            procedure_name=dossier.procedure["name"],
            applicant_name=dossier.applicant.get("full_name", ""),
            submitted_at=dossier.submitted_at,
            acknowledge_by=dossier.acknowledge_by,
            due_at=dossier.due_at,
            assignee=dossier.assignee,
            requested=dossier.requested,
        )


def normalize_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def phone_digest(phone: str) -> str:
    """What a phone is compared by where it is not read (a condition in the store): a short
    digest of its normal form, so "+84 912 345 678" and "0912345678" agree."""
    return hashlib.sha256(normalize_phone(phone).encode()).hexdigest()[:16]


def _submitted(
    code: str,
    procedure: dict,
    applicant: dict,
    form: dict,
    attachments: list[dict],
    result_delivery: str,
    notify: list[str],
    at: datetime,
    **fields: Any,
) -> Dossier:
    """A dossier just submitted, online or at the desk, before its first history entry."""
    return Dossier(
        code=code,
        procedure=procedure,
        agency_id=procedure["agency_id"],
        applicant=applicant,
        form=form,
        attachments=attachments,
        result_delivery=result_delivery,
        notify=notify,
        status=Status.SUBMITTED,
        submitted_at=at,
        **fields,
    )


def submit(
    code: str,
    procedure: dict,
    applicant: dict,
    owner: str | None,
    form: dict,
    attachments: list[dict],
    result_delivery: str,
    notify: list[str],
    at: datetime,
    acknowledge_by: datetime,
    fee_due: int,
    channel: str = ONLINE,
    assisted_by: str | None = None,
) -> Dossier:
    """An online submission; `assisted_by` names the officer (or kiosk) who helped the citizen
    file it with the citizen's identity (the dossier stays the citizen's)."""
    dossier = _submitted(
        *(code, procedure, applicant, form, attachments, result_delivery, notify, at),
        acknowledge_by=acknowledge_by,
        owner=owner,
        fee_due=fee_due,
        channel=channel,
    )
    dossier.record(
        at,
        "submit",
        None,
        "citizen",
        "dossier.submitted",
        step_due_at=acknowledge_by,
        agency_id=dossier.agency_id,
        **({"data": {"assisted_by": assisted_by}} if assisted_by else {}),
        event_data={
            "channel": channel,
            "notify": notify,
            "digitised": True,
            "reused": sum(1 for a in attachments if a.get("reused")),
        },
    )
    return dossier


def receive_at_desk(
    code: str,
    procedure: dict,
    applicant: dict,
    form: dict,
    attachments: list[dict],
    result_delivery: str,
    notify: list[str],
    at: datetime,
    acknowledge_by: datetime,
    fee_due: int,
    channel: str,
    receptionist: str,
    consignment: dict | None,
) -> Dossier:
    """A paper dossier handed in at the one-stop desk or arrived by post, its components scanned
    at receipt; the receptionist's decision follows at once (see the intake service)."""
    dossier = _submitted(
        *(code, procedure, applicant, form, attachments, result_delivery, notify, at),
        acknowledge_by=acknowledge_by,
        owner=None,
        fee_due=fee_due,
        channel=channel,
        extra={"consignment": consignment} if consignment else {},
    )
    dossier.record(
        at,
        "receive",
        None,
        "receptionist",
        "dossier.submitted",
        step_due_at=acknowledge_by,
        agency_id=dossier.agency_id,
        actor_id=receptionist,
        data={"channel": channel, **({"consignment": consignment} if consignment else {})},
        event_data={"channel": channel, "notify": notify, "digitised": bool(attachments)},
    )
    return dossier
