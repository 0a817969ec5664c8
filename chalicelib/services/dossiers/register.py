"""Form 07 of Circular 03/2025/TT-VPCP (Annex I), the tracking register (Sổ theo dõi hồ sơ): the
book of every dossier an agency's one-stop desk received in a period, one book per day of
receipt, numbered as the dossier codes are (…-YYMMDD-NNNN: the book is the day, the number its
sequence, as Form 01 prints them). Its columns are those of the register of the former Circular
01/2018 forms (there Form 06), which Circular 03/2025 keeps under number 07.

Only the desk and the leaders of the receiving agency keep the book (and its administrator): it
lists applicants' names, addresses and phones.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from chalicelib.documents.pdf import Document, Letterhead, Paragraph, Signatures, Table, Title
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.errors import FieldError, NotFound, ValidationFailed
from chalicelib.domain.principal import Principal
from chalicelib.persistence import dossier_store
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.dossiers.forms import (
    LEGAL_BASIS,
    OUTCOME_LABELS,
    UNIT_NAME,
    book_and_sequence,
)
from chalicelib.web.render import vn_date, vn_datetime

NUMBER = "07"
TITLE = "Sổ theo dõi hồ sơ"
MAX_DAYS = 31
MAX_ROWS = 2000
HEADERS = (
    "Số thứ tự",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên tổ chức, cá nhân",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết",
    "Trả kết quả cho tổ chức, cá nhân",
    "Ghi chú",
)
WIDTHS = (2, 5, 6, 2, 4, 5, 4, 4, 4, 4, 4, 4, 4)
OUTCOME_NOTES = {
    "rejected": "Từ chối tiếp nhận",
    "refused": "Từ chối giải quyết",
    "stopped": "Dừng giải quyết",
    "withdrawn": "Công dân rút hồ sơ",
}


def register_document(agency_id: str, start: date, end: date, principal: Principal) -> Document:
    """The agency's register for the days `start`..`end` (Vietnamese dates), as one document
    for the screen and for paper. Another agency's register answers as if it did not exist."""
    agency = catalog_service.get_catalog().agency(agency_id)
    if agency is None or principal.agency != agency.id:
        raise NotFound("Không tìm thấy sổ theo dõi hồ sơ của cơ quan này.")
    days = _days(start, end)
    blocks: list = [
        Letterhead([agency.name.upper(), UNIT_NAME.upper()]),
        Title(TITLE, f"Từ ngày {vn_date(_midnight(start))} đến ngày {vn_date(_midnight(end))}"),
    ]
    total = 0
    for day in days:
        dossiers = dossier_store.received_on(agency.id_code, _midnight(day), MAX_ROWS - total + 1)
        total += len(dossiers)
        if total > MAX_ROWS:
            raise ValidationFailed(
                f"Sổ có hơn {MAX_ROWS} hồ sơ trong khoảng thời gian này; "
                "vui lòng chọn ít ngày hơn.",
                [FieldError("to", "Khoảng thời gian quá dài")],
            )
        if dossiers:
            book, _ = book_and_sequence(dossiers[0].code)
            blocks += [
                Paragraph(f"**Quyển số: {book}** (ngày {vn_date(_midnight(day))})"),
                Table(HEADERS, [_row(d) for d in dossiers], WIDTHS),
            ]
    if total == 0:
        blocks.append(Paragraph("Không có hồ sơ được tiếp nhận trong khoảng thời gian này."))
    blocks += [
        Paragraph(f"Tổng số hồ sơ đã tiếp nhận: {total}."),
        Signatures([("", "", ""), ("NGƯỜI LẬP SỔ", "(Ký và ghi rõ họ tên)", "")]),
    ]
    return Document(
        title=f"Mẫu số {NUMBER}. {TITLE} — {agency.name} ({start:%d/%m/%Y}–{end:%d/%m/%Y})",
        blocks=blocks,
        author=agency.name,
        subject=f"Mẫu số {NUMBER} ({LEGAL_BASIS})",
        keywords=(f"so-theo-doi-{agency.id}-{start:%Y%m%d}-{end:%Y%m%d}", f"mau-so-{NUMBER}"),
        landscape=True,
    )


def _days(start: date, end: date) -> list[date]:
    if end < start:
        raise ValidationFailed(
            "Ngày kết thúc phải từ ngày bắt đầu trở đi.", [FieldError("to", "Trước ngày bắt đầu")]
        )
    count = (end - start).days + 1
    if count > MAX_DAYS:
        raise ValidationFailed(
            f"Mỗi lần xem sổ tối đa {MAX_DAYS} ngày.",
            [FieldError("to", "Khoảng thời gian quá dài")],
        )
    return [start + timedelta(days=n) for n in range(count)]


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=VN_TZ)


def _agency_name(agency_id: str) -> str:
    agency = catalog_service.get_catalog().agency(agency_id)
    return agency.name if agency else agency_id


def _handling_agency(d: Dossier) -> str:
    """The agency that decides: the one holding the dossier, or, once the result came back to
    the receiving desk, the last other agency it passed through (itself if none)."""
    receiving = d.extra.get("receiving_agency_id", d.agency_id)
    if d.agency_id != receiving:
        return d.agency_id
    others = [a for a in d.extra.get("former_agency_ids", []) if a != receiving]
    return others[-1] if others else receiving


def _row(d: Dossier) -> list[str]:
    applicant = d.applicant
    contact = "; ".join(v for v in (applicant.get("address"), applicant.get("phone")) if v)
    _, sequence = book_and_sequence(d.code)
    transferred = d.extra.get("received_by_agency_at")
    decided = d.finished_at if d.outcome in ("approved", "refused") else None
    note = OUTCOME_NOTES.get(d.outcome or "") or OUTCOME_LABELS.get(
        d.extra.get("timeliness") or "", d.status.label
    )
    return [
        sequence,
        d.code,
        d.procedure["name"],
        f"{int(d.extra.get('sets', 1)):02d}",
        applicant.get("full_name", ""),
        contact or "—",
        _agency_name(_handling_agency(d)),
        vn_datetime(d.accepted_at or d.submitted_at),
        vn_datetime(d.due_at),
        vn_datetime(transferred) if transferred else "—",
        vn_datetime(decided),
        vn_datetime(d.extra.get("returned_at")),
        note,
    ]
