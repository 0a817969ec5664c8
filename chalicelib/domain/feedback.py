"""Feedback and petitions (phản ánh, kiến nghị, PAKN) under Decree 20/2008/NĐ-CP (amended 2013,
2017): intake, classification, forwarding, answer, publication and the sender's rating.

The aggregate keeps the sender private; what of it the public may see is one rule,
`Feedback.disclosure()`, shown by the web API (services/feedback/views.py) and Open311
(services/feedback/open311.py) alike. Rules of time:
- art. 9: feedback outside the receiver's competence is forwarded within 5 working days of
  receipt (`forward_by`, which is also the deadline to classify);
- answer: ANSWER_WORKING_DAYS from the day the handling agency received it. Decree 20/2008 sets
  no single time limit for answers; 10 working days is the limit used by provincial PAKN rules
  (e.g. the one-stop answer limit many provinces adopt) and is a provincial choice: change it
  here if the province's regulation says otherwise.

The officers' workflow is a table in domain/feedback_workflow.py, like domain/workflow.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from chalicelib.domain.calendar import WORKING_DAYS, WorkingCalendar
from chalicelib.domain.dossier import HistoryEntry
from chalicelib.domain.errors import FieldError, InvalidTransition, ValidationFailed
from chalicelib.domain.events import Event

FORWARD_WORKING_DAYS = 5
ANSWER_WORKING_DAYS = 10
MAX_TITLE = 200
MAX_CONTENT = 4000


class Category(StrEnum):
    THU_TUC_HANH_CHINH = "thu_tuc_hanh_chinh"
    QUY_DINH_HANH_CHINH = "quy_dinh_hanh_chinh"
    THAI_DO_CAN_BO = "thai_do_can_bo"
    CO_SO_HA_TANG = "co_so_ha_tang"
    MOI_TRUONG = "moi_truong"
    TRAT_TU_DO_THI = "trat_tu_do_thi"
    KHAC = "khac"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self][0]

    @property
    def description(self) -> str:
        return CATEGORY_LABELS[self][1]


CATEGORY_LABELS = {
    Category.THU_TUC_HANH_CHINH: (
        "Giải quyết thủ tục hành chính",
        "Chậm trễ, gây phiền hà, không thực hiện hoặc thực hiện không đúng quy định khi giải "
        "quyết thủ tục hành chính",
    ),
    Category.QUY_DINH_HANH_CHINH: (
        "Quy định hành chính",
        "Quy định hành chính không hợp lý, không đồng bộ, không thống nhất, trái pháp luật; "
        "đề xuất phương án xử lý, sáng kiến ban hành mới",
    ),
    Category.THAI_DO_CAN_BO: (
        "Thái độ, tác phong cán bộ",
        "Thái độ, tinh thần phục vụ của cán bộ, công chức",
    ),
    Category.CO_SO_HA_TANG: (
        "Cơ sở hạ tầng, giao thông",
        "Đường sá, chiếu sáng, cấp thoát nước, công trình công cộng",
    ),
    Category.MOI_TRUONG: ("Môi trường", "Rác thải, ô nhiễm, vệ sinh môi trường"),
    Category.TRAT_TU_DO_THI: (
        "Trật tự đô thị",
        "Lấn chiếm vỉa hè, lòng đường, xây dựng không phép",
    ),
    Category.KHAC: ("Khác", "Các phản ánh, kiến nghị khác"),
}


class Status(StrEnum):
    RECEIVED = "received"
    CLASSIFIED = "classified"
    ASSIGNED = "assigned"
    ANSWERED = "answered"
    PUBLISHED = "published"
    CLOSED = "closed"
    NOT_ACCEPTED = "not_accepted"
    FORWARDED = "forwarded"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.RECEIVED: "Đã tiếp nhận, chờ phân loại",
    Status.CLASSIFIED: "Đã phân loại, đang xử lý",
    Status.ASSIGNED: "Đã giao cán bộ xử lý",
    Status.ANSWERED: "Đã trả lời",
    Status.PUBLISHED: "Đã trả lời và công khai",
    Status.CLOSED: "Đã kết thúc",
    Status.NOT_ACCEPTED: "Không đủ điều kiện tiếp nhận",
    Status.FORWARDED: "Đã chuyển cơ quan có thẩm quyền",
}
ANSWERED_STATUSES = frozenset({Status.ANSWERED, Status.PUBLISHED, Status.CLOSED})
S = Status
HTTPS_ONLY = "Chỉ chấp nhận đường dẫn https://"


def is_https_url(url: Any) -> bool:
    """Media are linked, never fetched: only an absolute https address is kept."""
    if not isinstance(url, str) or any(ch.isspace() for ch in url):
        return False
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname)


@dataclass(frozen=True)
class Disclosure:
    """What of a feedback anyone may read; `content` None means withheld."""

    title: str
    content: str | None
    location: dict[str, Any]
    media_urls: tuple[str, ...]
    answer: str | None


@dataclass
class Feedback:
    id: str
    title: str
    content: str
    category: Category
    agency_id: str
    sender: dict[str, Any]
    public: bool
    channel: str
    received_at: datetime
    agency_received_at: datetime
    forward_by: datetime
    due_at: datetime
    status: Status = Status.RECEIVED
    owner: str | None = None
    procedure_code: str | None = None
    dossier_code: str | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    location: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    classification: str | None = None
    assignee: str | None = None
    forwarded_to: dict[str, Any] | None = None
    answer: dict[str, Any] | None = None
    published_at: datetime | None = None
    closed_at: datetime | None = None
    updated_at: datetime | None = None
    rating: dict[str, Any] | None = None
    history_len: int = 0
    pending_history: list[HistoryEntry] = field(default_factory=list, repr=False)
    pending_events: list[Event] = field(default_factory=list, repr=False)

    @property
    def is_open(self) -> bool:
        """Still in someone's hands (Open311 `open`): not answered, refused or sent outside."""
        if self.status is S.FORWARDED:
            return not (self.forwarded_to or {}).get("external")
        return self.status in (S.RECEIVED, S.CLASSIFIED, S.ASSIGNED)

    @property
    def is_public(self) -> bool:
        """The result of handling was published (Decree 20/2008 art. 14): anyone may read it —
        anonymised when the sender did not agree to make their feedback public (`anonymised`)."""
        return self.status is S.PUBLISHED

    @property
    def anonymised(self) -> bool:
        return not self.public

    def disclosure(self) -> Disclosure:
        """Nothing the sender wrote is public before an officer publishes the result; then the
        answer is, and the sender's own words (title, content, place, media) only if they
        agreed (`public`). Uploaded files are never public."""
        words = self.is_public and self.public
        media = tuple(a["url"] for a in self.attachments if a.get("url") and not a.get("key"))
        return Disclosure(
            title=self.title if words else self.category.label,
            content=self.content if words else None,
            location=dict(self.location) if words else {},
            media_urls=media if words else (),
            answer=self.answer["text"] if self.is_public and self.answer else None,
        )

    @property
    def overdue_at(self) -> datetime:
        return self.forward_by if self.status in (S.RECEIVED, S.FORWARDED) else self.due_at

    def record(self, at: datetime, action: str, previous: Status | None, role: str, **extra):
        """A history entry and the matching `feedback.<event>` event, committed together."""
        event = extra.pop("event", action)
        data = extra.pop("event_data", {})
        self.history_len += 1
        self.updated_at = at
        self.pending_history.append(
            HistoryEntry(
                seq=self.history_len,
                at=at,
                action=action,
                status_from=previous.value if previous else None,
                status_to=self.status.value,
                actor_role=role,
                agency_id=self.agency_id,
                **extra,
            )
        )
        self.pending_events.append(
            Event(
                f"feedback.{event}",
                self.id,
                at,
                {
                    "feedback_id": self.id,
                    "status": self.status.value,
                    "agency_id": self.agency_id,
                    "category": self.category.value,
                    "channel": self.channel,
                    "public": self.public,
                    **data,
                },
            )
        )

    def is_owned_by(self, subject: str) -> bool:
        return self.owner is not None and self.owner == subject


def receive(
    feedback_id: str, intake: dict[str, Any], at: datetime, calendar: WorkingCalendar
) -> Feedback:
    """Log a new feedback (art. 9): its agency clock and the 5-working-day forwarding limit."""
    content = (intake.get("content") or "").strip()
    problems = []
    if not content:
        problems.append(FieldError("content", "Bắt buộc phải nhập nội dung phản ánh"))
    if intake.get("category") not in {c.value for c in Category}:
        problems.append(FieldError("category", "Không có lĩnh vực phản ánh này"))
    problems += [
        FieldError(f"attachments[{i}].url", HTTPS_ONLY)
        for i, a in enumerate(intake.get("attachments") or [])
        if "url" in a and not is_https_url(a["url"])
    ]
    if problems:
        raise ValidationFailed("Phản ánh, kiến nghị chưa hợp lệ.", problems)
    title = (intake.get("title") or "").strip() or _title_from(content)
    forward_by = forward_deadline(at, calendar)
    feedback = Feedback(
        id=feedback_id,
        title=title[:MAX_TITLE],
        content=content[:MAX_CONTENT],
        category=Category(intake["category"]),
        agency_id=intake["agency"],
        sender={k: v for k, v in (intake.get("sender") or {}).items() if v},
        public=bool(intake.get("public")),
        channel=intake.get("channel", "web"),
        received_at=at,
        agency_received_at=at,
        forward_by=forward_by,
        due_at=forward_by,
        owner=intake.get("owner"),
        procedure_code=intake.get("procedure_code"),
        dossier_code=intake.get("dossier_code"),
        attachments=list(intake.get("attachments") or []),
        location=dict(intake.get("location") or {}),
    )
    feedback.record(at, "receive", None, "citizen", event="received", step_due_at=forward_by)
    return feedback


def _title_from(content: str) -> str:
    first = content.splitlines()[0]
    return first if len(first) <= 80 else first[:77].rstrip() + "..."


def forward_deadline(received_at: datetime, calendar: WorkingCalendar) -> datetime:
    """Decree 20/2008 art. 9: forward within 5 working days of receipt."""
    return calendar.due_at(received_at, FORWARD_WORKING_DAYS, WORKING_DAYS)


def answer_deadline(received_at: datetime, calendar: WorkingCalendar) -> datetime:
    return calendar.due_at(received_at, ANSWER_WORKING_DAYS, WORKING_DAYS)


def rate(feedback: Feedback, satisfied: bool, at: datetime, comment: str | None = None) -> None:
    """The sender's "satisfied / not satisfied" with the answer, once (feeds index 766)."""
    if feedback.status not in ANSWERED_STATUSES:
        raise InvalidTransition("Chỉ đánh giá được sau khi phản ánh đã được trả lời.")
    if feedback.rating is not None:
        raise InvalidTransition("Bạn đã đánh giá câu trả lời này.")
    feedback.rating = {"satisfied": bool(satisfied), "at": at.isoformat(), "comment": comment}
    feedback.record(
        at,
        "rate",
        feedback.status,
        "citizen",
        event="rated",
        event_data={"satisfied": bool(satisfied)},
    )
