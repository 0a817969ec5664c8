"""The one-stop forms of Circular 03/2025/TT-VPCP (Annex I), generated from the dossier, its
history and the catalog. Each form has one definition (a `Document`), shown as HTML and printed
as an A4 PDF:

    01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả      04 Văn bản xin lỗi và đề nghị gia hạn
    02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ      05 Thông báo dừng giải quyết hồ sơ
    03 Phiếu từ chối tiếp nhận, giải quyết hồ sơ    06 Phiếu kiểm soát quá trình giải quyết

Circular 03/2025 (in force 15 Sep 2025) replaced the Circular 01/2018 forms: the control slip
moved from 05 to 06, 05 is the new stop notice, and Form 07 (the tracking register) covers an
agency's book rather than one dossier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.documents.pdf import Document, Letterhead, Paragraph, Signatures, Table, Title
from chalicelib.domain import process
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalog import Agency
from chalicelib.domain.dossier import Dossier, Status
from chalicelib.domain.errors import InvalidTransition, NotFound
from chalicelib.persistence import dossier_store
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.dossiers import deadlines
from chalicelib.services.dossiers.receipts import ACTION_LABELS, DELIVERY_LABELS
from chalicelib.web.pages import province_name
from chalicelib.web.render import render, vn_datetime, vnd

LEGAL_BASIS = "Thông tư số 03/2025/TT-VPCP"
UNIT_NAME = "Bộ phận Một cửa"
TITLES = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận, giải quyết hồ sơ",
    "04": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "05": "Thông báo dừng giải quyết hồ sơ",
    "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}
FORM_NUMBERS = tuple(TITLES)
CHANNEL_LABELS = {
    "online": "Trực tuyến qua Cổng Dịch vụ công của tỉnh",
    "counter": "Trực tiếp tại Bộ phận Một cửa",
    "post": "Qua dịch vụ bưu chính",
    "national_portal": "Trực tuyến qua Cổng Dịch vụ công quốc gia",
}
UNIT_LABELS = {"working_days": "ngày làm việc", "days": "ngày", "hours": "giờ làm việc"}
OUTCOME_LABELS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
LAST_STEP = {
    "02": ("request_supplement",),
    "03": ("reject", "refuse"),
    "04": ("extend",),
    "05": ("stop",),
}
# What a form says when the step it records has not happened (and why it cannot be issued).
NOT_APPLICABLE = {
    "02": "Hồ sơ này chưa có yêu cầu bổ sung.",
    "03": "Hồ sơ này không bị từ chối.",
    "04": "Hồ sơ này chưa đề nghị gia hạn thời gian giải quyết.",
    "05": "Hồ sơ này không bị dừng giải quyết.",
}
PLACE_PREFIXES = (
    "Ủy ban nhân dân phường ",
    "Ủy ban nhân dân xã ",
    "Công an phường ",
    "Công an xã ",
)


@dataclass(frozen=True)
class _Context:
    dossier: Dossier
    agency: Agency | None
    history: list[dict]
    place: str

    @property
    def agency_name(self) -> str:
        return self.agency.name if self.agency else self.dossier.procedure.get("agency_name", "")

    def last(self, number: str) -> dict | None:
        actions = LAST_STEP[number]
        return next((e for e in reversed(self.history) if e["action"] in actions), None)


def form_document(dossier: Dossier, number: str, issuing: bool = False) -> Document:
    """Form `number` of the dossier (HTML and PDF are both rendered from it). To be issued (signed),
    the form must record something that happened: a receipt once the dossier was accepted, Forms
    02–05 once their step was taken."""
    builder = BUILDERS.get(number)
    if builder is None:
        raise NotFound("Không có mẫu phiếu này.")
    receiving = dossier.extra.get("receiving_agency_id", dossier.agency_id)
    agency = catalog_service.get_catalog().agency(receiving)
    context = _Context(dossier, agency, dossier_store.history(dossier.code), _place(agency))
    if issuing:
        _check_issuable(context, number)
    return Document(
        title=f"Mẫu số {number}. {TITLES[number]} — {dossier.code}",
        blocks=[
            Letterhead([context.agency_name.upper(), UNIT_NAME.upper()]),
            Title(TITLES[number], f"Mã hồ sơ: {dossier.code}"),
            *builder(context),
        ],
        author=context.agency_name,
        subject=f"Mẫu số {number} ({LEGAL_BASIS})",
        keywords=(dossier.code, f"mau-so-{number}"),
    )


def _check_issuable(context: _Context, number: str) -> None:
    if number == "01" and context.dossier.accepted_at is None:
        raise InvalidTransition(
            "Hồ sơ chưa được tiếp nhận; giấy tiếp nhận và hẹn trả kết quả được phát hành khi "
            "tiếp nhận hồ sơ."
        )
    if number in LAST_STEP and context.last(number) is None:
        raise InvalidTransition(f"{NOT_APPLICABLE[number]} Không phát hành được Mẫu số {number}.")


def form_html(document: Document) -> str:
    return render(
        "documents/document.html",
        document=document,
        blocks=[(type(block).__name__.lower(), block) for block in document.blocks],
    )


def _place(agency: Agency | None) -> str:
    """Where a form is dated: the ward or commune of a commune agency, otherwise the province."""
    name = agency.name if agency is not None and agency.level == "commune" else ""
    for prefix in PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return province_name().removeprefix("tỉnh ").strip()


def _dated(context: _Context, moment: datetime | None) -> Paragraph:
    moment = (moment or context.dossier.submitted_at).astimezone(VN_TZ)
    return Paragraph(
        f"{context.place}, ngày {moment:%d} tháng {moment:%m} năm {moment:%Y}", align="R"
    )


def _contacts(context: _Context) -> Paragraph:
    """Where to ask for guidance (Decree 61/2018 art. 15: guidance given once, completely)."""
    data = context.agency.data if context.agency else {}
    parts = [f"**{context.agency_name}** — {UNIT_NAME}"]
    if data.get("address"):
        parts.append(f"địa chỉ: {data['address']}")
    if data.get("phone"):
        parts.append(f"điện thoại: {data['phone']}")
    if data.get("email"):
        parts.append(f"thư điện tử: {data['email']}")
    return Paragraph(
        "Mọi vướng mắc, đề nghị ông/bà liên hệ để được hướng dẫn: " + "; ".join(parts) + "."
    )


def _time_limit(processing_time: dict) -> str:
    if processing_time.get("same_day"):
        return "Trong ngày làm việc (hồ sơ nhận sau 15 giờ trả kết quả ngày làm việc tiếp theo)"
    return f"{processing_time['value']} {UNIT_LABELS[processing_time['unit']]}"


def book_and_sequence(code: str) -> tuple[str, str]:
    """The tracking-register entry of a dossier: the book of its receipt day and its number in
    that book, both from the dossier code's per-agency daily counter (…-YYMMDD-NNNN)."""
    _, day, number = code.rsplit("-", 2)
    return day, number


def _receipt(context: _Context) -> list:
    d = context.dossier
    applicant = d.applicant
    names = {c["code"]: c for c in d.procedure.get("components", [])}
    rows = [
        [
            str(index),
            names.get(a["component_code"], {}).get("name", a["component_code"]),
            "Bản điện tử" if d.channel in ("online", "national_portal") else "Bản giấy (đã số hóa)",
            str(names.get(a["component_code"], {}).get("copies", 1)),
        ]
        for index, a in enumerate(d.attachments, 1)
    ] or [["", "Không có giấy tờ kèm theo", "", ""]]
    book, sequence = book_and_sequence(d.code)
    if d.accepted_at:
        timing = [
            Paragraph(f"Thời gian nhận hồ sơ: {vn_datetime(d.accepted_at)}."),
            Paragraph(f"Thời gian trả kết quả giải quyết hồ sơ: **{vn_datetime(d.due_at)}**."),
        ]
    else:
        calendar = deadlines.calendar(d.agency_id)
        estimate = deadlines.due_from(
            calendar.start_of_clock(d.submitted_at), d.procedure["processing_time"], d.agency_id
        )
        timing = [
            Paragraph(f"Thời gian nộp hồ sơ: {vn_datetime(d.submitted_at)}."),
            Paragraph(
                "Hồ sơ đang chờ cán bộ kiểm tra; cơ quan thông báo tiếp nhận hoặc yêu cầu bổ sung "
                f"trước **{vn_datetime(d.acknowledge_by)}** (8 giờ làm việc, Nghị định "
                "45/2020/NĐ-CP)."
            ),
            Paragraph(
                "Thời gian trả kết quả dự kiến (nếu hồ sơ được tiếp nhận ngay): "
                f"**{vn_datetime(estimate)}**; ngày hẹn chính thức tính từ lúc tiếp nhận."
            ),
        ]
    receiver = "Hệ thống tiếp nhận tự động" if not d.accepted_at and d.channel == "online" else ""
    return [
        Paragraph(f"{UNIT_NAME} — {context.agency_name} tiếp nhận hồ sơ của:"),
        Paragraph(f"Ông/Bà: **{applicant['full_name']}**"),
        Paragraph(f"Địa chỉ: {applicant.get('address') or '—'}"),
        Paragraph(
            f"Số điện thoại: {applicant.get('phone') or '—'}    "
            f"Thư điện tử: {applicant.get('email') or '—'}"
        ),
        Paragraph(
            f"Nội dung yêu cầu giải quyết: **{d.procedure['name']}** "
            f"(mã thủ tục {d.procedure['code']})"
        ),
        Paragraph(f"Hình thức nộp hồ sơ: {CHANNEL_LABELS.get(d.channel, d.channel)}."),
        Paragraph("Thành phần hồ sơ đã nhận:"),
        Table(["TT", "Tên giấy tờ", "Hình thức", "Số bản"], rows, (1, 9, 4, 2)),
        Paragraph(f"Số lượng hồ sơ: {int(d.extra.get('sets', 1)):02d} (bộ)."),
        Paragraph(
            "Thời gian giải quyết hồ sơ theo quy định: "
            f"{_time_limit(d.procedure['processing_time'])}."
        ),
        *timing,
        Paragraph(f"Phí, lệ phí: {vnd(d.fee_due)}."),
        Paragraph(f"Đăng ký nhận kết quả: {DELIVERY_LABELS[d.result_delivery]}."),
        Paragraph(f"Vào Sổ theo dõi hồ sơ, Quyển số: {book}, Số thứ tự: {sequence}."),
        _dated(context, d.accepted_at),
        Signatures(
            [
                ("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", applicant["full_name"]),
                ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", receiver),
            ]
        ),
        Paragraph(
            "Tra cứu tình trạng hồ sơ bằng mã hồ sơ và số điện thoại tại Cổng Dịch vụ công.",
            italic_note=True,
        ),
    ]


def _intro(context: _Context) -> Paragraph:
    d = context.dossier
    return Paragraph(
        f"{UNIT_NAME} — {context.agency_name} tiếp nhận hồ sơ của ông/bà "
        f"**{d.applicant['full_name']}** đề nghị giải quyết thủ tục **{d.procedure['name']}**."
    )


def _none(text: str) -> list:
    return [Paragraph(text)]


def _supplement(context: _Context) -> list:
    step = context.last("02")
    if step is None:
        return _none(NOT_APPLICABLE["02"])
    items = step.get("data", {}).get("items", [])
    return [
        _intro(context),
        Paragraph("Đề nghị ông/bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau (một lần):"),
        *(Paragraph(f"{index}. {item}") for index, item in enumerate(items, 1)),
        *([Paragraph(f"Lý do: {step['public_note']}")] if step.get("public_note") else []),
        _contacts(context),
        _dated(context, datetime.fromisoformat(step["at"])),
        Signatures([("", "", ""), ("NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", "")]),
    ]


def _refusal(context: _Context) -> list:
    step = context.last("03")
    if step is None:
        return _none(NOT_APPLICABLE["03"])
    return [
        _intro(context),
        Paragraph(
            f"Qua xem xét, {context.agency_name} thông báo không tiếp nhận, giải quyết hồ sơ "
            "này với lý do cụ thể như sau:"
        ),
        Paragraph(f"**{step.get('public_note') or ''}**"),
        Paragraph("Xin thông báo để ông/bà được biết và thực hiện."),
        _contacts(context),
        _dated(context, datetime.fromisoformat(step["at"])),
        Signatures([("", "", ""), ("NGƯỜI CÓ THẨM QUYỀN", "(Ký và ghi rõ họ tên)", "")]),
    ]


def _apology(context: _Context) -> list:
    step = context.last("04")
    if step is None:
        return _none(NOT_APPLICABLE["04"])
    d, data = context.dossier, step.get("data", {})
    return [
        Paragraph(
            f"Ngày {d.accepted_at.astimezone(VN_TZ):%d/%m/%Y}, {context.agency_name} tiếp nhận "
            f"hồ sơ của ông/bà **{d.applicant['full_name']}** đề nghị giải quyết thủ tục "
            f"**{d.procedure['name']}**."
            if d.accepted_at
            else _intro(context).text
        ),
        Paragraph(
            f"Thời hạn giải quyết hồ sơ theo quy định là {vn_datetime(data.get('old_due_at'))}."
        ),
        Paragraph(
            f"Tuy nhiên đến nay, hồ sơ chưa giải quyết xong; lý do: **{step.get('public_note')}**"
        ),
        Paragraph(
            f"Sự chậm trễ này đã gây phiền hà cho ông/bà. {context.agency_name} xin lỗi ông/bà "
            f"và hẹn trả kết quả vào **{vn_datetime(data.get('new_due_at'))}**."
        ),
        Paragraph("Xin trân trọng cảm ơn sự hợp tác của ông/bà."),
        _dated(context, datetime.fromisoformat(step["at"])),
        Signatures([("", "", ""), ("THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)", "")]),
    ]


def _stop(context: _Context) -> list:
    step = context.last("05")
    if step is None:
        return _none(NOT_APPLICABLE["05"])
    return [
        _intro(context),
        Paragraph(
            f"{context.agency_name} thông báo dừng giải quyết hồ sơ này với lý do: "
            f"**{step.get('public_note') or ''}**"
        ),
        _contacts(context),
        _dated(context, datetime.fromisoformat(step["at"])),
        Signatures([("", "", ""), ("THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)", "")]),
    ]


def _agency_label(agency_id: str | None) -> str:
    agency = catalog_service.get_catalog().agency(agency_id)
    return agency.name if agency else (agency_id or "")


def _hand_overs(context: _Context) -> list:
    """One row per hand-over between the steps of the internal process: who gave (step, agency,
    officer), who received, when, and the result of the step given up."""
    rows = [
        [
            f"Giao: {r['from_step']['name']} — {_agency_label(r['giver']['agency_id'])}"
            f" ({r['giver']['id'] or ''}). Nhận: {r['to_step']['name']} — "
            f"{_agency_label(r['receiver']['agency_id'])}"
            f" ({r['receiver']['id'] or r['receiver']['role']})",
            vn_datetime(r["at"]),
            f"{OUTCOME_LABELS.get(r['outcome'], '')} (hạn {vn_datetime(r['step_due_at'])})",
            f"Hạn bước nhận: {vn_datetime(r['next_step_due_at'])}",
        ]
        for r in process.slip_rows(context.dossier.procedure, context.history)
    ] + [
        [
            f"Giao: {_agency_label(context.dossier.agency_id)} xin ý kiến"
            f" ({c.get('requested_by') or ''}). Nhận: {_agency_label(c['agency_id'])}"
            f" ({c.get('answered_by') or ''})",
            vn_datetime(c["requested_at"]),
            f"{OUTCOME_LABELS.get(c.get('outcome'), 'Chưa trả lời')}"
            f" (hạn {vn_datetime(c['due_at'])})",
            f"Trả lời lúc {vn_datetime(c.get('answered_at'))}",
        ]
        for c in context.dossier.extra.get("consults", [])
    ]
    if not rows:
        return []
    return [
        Paragraph("Giao, nhận hồ sơ giữa các bước của quy trình nội bộ:"),
        Table(
            ["Tên cơ quan, người giao, người nhận", "Thời gian giao, nhận", "Kết quả", "Ghi chú"],
            rows,
            (9, 4, 4, 4),
        ),
    ]


def _control_slip(context: _Context) -> list:
    d = context.dossier
    rows = [
        [
            ACTION_LABELS.get(e["action"], e["action"]),
            vn_datetime(e["at"]),
            e.get("agency_id") or "",
            Status(e["status_to"]).label,
            vn_datetime(e.get("step_due_at")),
            OUTCOME_LABELS.get(e.get("outcome"), ""),
            e.get("note") or "",
        ]
        for e in context.history
    ]
    return [
        Paragraph(f"Thủ tục: {d.procedure['name']} — Người nộp: {d.applicant['full_name']}"),
        Paragraph(
            f"Ngày nhận: {vn_datetime(d.submitted_at)}; hạn trả kết quả: {vn_datetime(d.due_at)}."
        ),
        *_hand_overs(context),
        Paragraph("Diễn biến xử lý hồ sơ:"),
        Table(
            ["Bước", "Thời gian", "Đơn vị", "Kết quả", "Hạn của bước", "Đánh giá", "Ghi chú"],
            rows,
            (4, 4, 4, 3, 4, 2, 4),
        ),
        Paragraph(
            "Đánh giá: trước hạn / đúng hạn / quá hạn so với thời hạn của từng bước.",
            italic_note=True,
        ),
    ]


BUILDERS = {
    "01": _receipt,
    "02": _supplement,
    "03": _refusal,
    "04": _apology,
    "05": _stop,
    "06": _control_slip,
}
