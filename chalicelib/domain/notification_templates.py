"""The Vietnamese texts of every notification (Decree 61/2018 arts. 17-20; docs/rules.md): a title
(email subject, officer inbox), a full body (email, Zalo, officer inbox), an SMS text folded to
ASCII and fitted into one 160-character segment, and the parameters of an approved ZNS template.

Pure: values come in as a mapping (ISO dates, integers, lists) and are formatted here. Links in
messages carry the dossier code only, never a phone number. `name` is a *verified* name or
empty: free text typed by an unverified sender is never given to a template (the portal must
not relay it, docs/security.md); without a name the citizen is greeted as "ông/bà".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.text import ascii_fold

NEUTRAL_ADDRESSEE = "ông/bà"
SMS_LIMIT = 160  # one GSM-7 segment; longer texts go out as a multi-part SMS
_MIN_DETAIL = 12  # below this a cut detail says nothing: drop it, the link has it all

DELIVERY = {
    "online": "Kết quả được trả trực tuyến trên Cổng DVC",
    "post": "Kết quả sẽ được gửi qua dịch vụ bưu chính công ích",
    "counter": "Mời ông/bà nhận kết quả tại Bộ phận Một cửa",
}


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    sms: str
    params: dict[str, str]

    def to_dict(self) -> dict:
        return {"title": self.title, "body": self.body, "sms": self.sms, "params": self.params}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        return cls(data["title"], data["body"], data["sms"], dict(data.get("params") or {}))


@dataclass(frozen=True)
class Template:
    title: str
    body: str
    sms: str  # `{detail}`, if present, is cut to fit the segment


T = Template
TEMPLATES: dict[str, Template] = {
    # citizens: every step of the dossier (Decree 61/2018 art. 17-20, Circular 32/2017 art. 9)
    "received": T(
        "Đã nhận hồ sơ {code}",
        "Cổng DVC đã nhận hồ sơ {code} ({procedure}) của {addressee}. Hồ sơ sẽ được xem xét "
        "tiếp nhận trước {ack_time}. Tra cứu: {url}",
        "Da nhan ho so {code}, se xem xet truoc {ack_date}. Tra cuu: {url}",
    ),
    "accepted": T(
        "Hồ sơ {code} đã được tiếp nhận",
        "Hồ sơ {code} ({procedure}) đã được tiếp nhận. Ngày hẹn trả kết quả: {due_date}. "
        "Tra cứu: {url}",
        "Ho so {code} da duoc tiep nhan, hen tra ket qua {due_date}. Tra cuu: {url}",
    ),
    "rejected": T(
        "Hồ sơ {code} không được tiếp nhận",
        "Hồ sơ {code} ({procedure}) không được tiếp nhận. Lý do: {reason}. Chi tiết: {url}",
        "Ho so {code} khong duoc tiep nhan.{detail} Chi tiet: {url}",
    ),
    "supplement": T(
        "Hồ sơ {code} cần bổ sung",
        "Hồ sơ {code} ({procedure}) cần bổ sung, hoàn thiện: {items}. {note}Vui lòng bổ sung "
        "một lần theo hướng dẫn tại: {url}",
        "Ho so {code} can bo sung.{detail} Xem: {url}",
    ),
    "resubmitted": T(
        "Đã nhận hồ sơ bổ sung {code}",
        "Cổng DVC đã nhận phần bổ sung của hồ sơ {code} ({procedure}). Tra cứu: {url}",
        "Da nhan phan bo sung ho so {code}. Tra cuu: {url}",
    ),
    "payment_requested": T(
        "Hồ sơ {code}: nộp phí, lệ phí",
        "Hồ sơ {code} ({procedure}): vui lòng nộp phí, lệ phí {amount_text}. Thanh toán "
        "trực tuyến tại: {url}",
        "Ho so {code}: vui long nop phi, le phi {amount_text}. Thanh toan: {url}",
    ),
    "paid": T(
        "Đã nhận phí, lệ phí hồ sơ {code}",
        "Đã nhận {amount_text} phí, lệ phí của hồ sơ {code}. Cảm ơn ông/bà. Tra cứu: {url}",
        "Da nhan {amount_text} phi, le phi ho so {code}. Tra cuu: {url}",
    ),
    "result_ready": T(
        "Hồ sơ {code} đã có kết quả",
        "Hồ sơ {code} ({procedure}) đã có kết quả{early}. {delivery}. Tra cứu: {url}",
        "Ho so {code} da co ket qua{early}. Tra cuu: {url}",
    ),
    "refused": T(
        "Hồ sơ {code} không được giải quyết",
        "Hồ sơ {code} ({procedure}) không được giải quyết. Lý do: {reason}. Chi tiết: {url}",
        "Ho so {code} khong duoc giai quyet.{detail} Chi tiet: {url}",
    ),
    "extended": T(
        "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}",
        "Cơ quan giải quyết xin lỗi ông/bà vì hồ sơ {code} ({procedure}) chưa thể trả kết quả "
        "đúng hẹn. Lý do: {reason}. Ngày hẹn mới: {new_due_date}. Tra cứu: {url}",
        "Xin loi: ho so {code} cham tra ket qua, hen lai {new_due_date}. Xem: {url}",
    ),
    "stopped": T(
        "Hồ sơ {code} đã dừng xử lý",
        "Hồ sơ {code} ({procedure}) đã dừng xử lý. Lý do: {reason}. Chi tiết: {url}",
        "Ho so {code} da dung xu ly.{detail} Chi tiet: {url}",
    ),
    "returned": T(
        "Hồ sơ {code} đã trả kết quả",
        "Hồ sơ {code} ({procedure}) đã được trả kết quả. Mời ông/bà đánh giá mức độ hài lòng "
        "tại: {url}",
        "Ho so {code} da tra ket qua. Moi danh gia muc do hai long: {url}",
    ),
    "withdrawn": T(
        "Hồ sơ {code} đã được rút",
        "Hồ sơ {code} ({procedure}) đã được rút theo yêu cầu của ông/bà. Tra cứu: {url}",
        "Ho so {code} da duoc rut theo yeu cau. Tra cuu: {url}",
    ),
    "feedback_answered": T(
        "Phản ánh, kiến nghị {code} đã được trả lời",
        "Phản ánh, kiến nghị {code} của ông/bà đã được trả lời. Xem câu trả lời và đánh giá "
        "mức độ hài lòng tại: {url}",
        "Phan anh {code} da duoc tra loi. Xem va danh gia muc do hai long: {url}",
    ),
    # officers: work waiting for them (in-app inbox)
    "officer_new_dossier": T(
        "Hồ sơ mới {code} chờ tiếp nhận",
        "Hồ sơ {code} ({procedure}) đang chờ tiếp nhận; hạn tiếp nhận {ack_time}. {officer_url}",
        "Ho so moi {code} cho tiep nhan, han {ack_date}.",
    ),
    "officer_assigned": T(
        "Bạn được giao hồ sơ {code}",
        "Bạn được giao xử lý hồ sơ {code} ({procedure}); hạn giải quyết {due_date}. {officer_url}",
        "Ban duoc giao ho so {code}, han {due_date}.",
    ),
    "officer_resubmitted": T(
        "Hồ sơ {code} đã được bổ sung",
        "Công dân đã bổ sung hồ sơ {code} ({procedure}). {officer_url}",
        "Ho so {code} da duoc bo sung.",
    ),
    "officer_due_soon": T(
        "Hồ sơ {code} sắp đến hạn",
        "Hồ sơ {code} ({procedure}) sắp đến hạn xử lý: {due_time}. {officer_url}",
        "Ho so {code} sap den han {due_date}.",
    ),
    "officer_overdue": T(
        "Hồ sơ {code} đã quá hạn",
        "Hồ sơ {code} ({procedure}) đã quá hạn xử lý (hạn {due_time}). {officer_url}",
        "Ho so {code} da qua han ({due_date}).",
    ),
    "officer_consult": T(
        "Hồ sơ {code} cần ý kiến của cơ quan bạn",
        "Cơ quan giải quyết hồ sơ {code} ({procedure}) xin ý kiến của cơ quan bạn; hạn trả lời "
        "{due_time}. {officer_url}",
        "Ho so {code} can y kien co quan ban, han {due_date}.",
    ),
    "officer_consult_due_soon": T(
        "Sắp đến hạn trả lời ý kiến về hồ sơ {code}",
        "Sắp đến hạn trả lời ý kiến về hồ sơ {code} ({procedure}): {due_time}. {officer_url}",
        "Ho so {code}: sap den han tra loi y kien {due_date}.",
    ),
    "officer_consult_overdue": T(
        "Quá hạn trả lời ý kiến về hồ sơ {code}",
        "Đã quá hạn trả lời ý kiến về hồ sơ {code} ({procedure}) (hạn {due_time}). {officer_url}",
        "Ho so {code}: qua han tra loi y kien ({due_date}).",
    ),
    "officer_document": T("{title}", "{title}. {link}", "{title}"),
    # Zalo OA chat: free text built by the conversation (welcome, help, lookup answers, ...)
    "zalo_reply": T("Cổng DVC", "{text}", "{text}"),
}


def render(name: str, values: Mapping[str, Any]) -> Message:
    """The message of template `name` for `values` (missing values render as empty)."""
    template = TEMPLATES[name]
    fields = _fields(values)
    sms = fit_sms(template.sms, fields, _detail(name, fields))
    params = {
        "ten": fields["name"] or NEUTRAL_ADDRESSEE,
        "ma_ho_so": fields["code"],
        "ten_thu_tuc": fields["procedure"],
        "trang_thai": fields["status_label"],
        "ngay_hen": fields["due_date"] or fields["new_due_date"],
        "loi_nhan": template.title.format_map(fields),
    }
    return Message(
        title=template.title.format_map(fields),
        body=_tidy(template.body.format_map(fields)),
        sms=sms,
        params={k: v for k, v in params.items() if v},
    )


def _tidy(text: str) -> str:
    """Collapse the spaces that empty values leave, keeping the lines."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _fields(values: Mapping[str, Any]) -> dict[str, str]:
    text = {k: "" if v is None else v for k, v in values.items()}
    items = text.get("items") or []
    note = str(text.get("note") or "").strip()
    return _Blank(
        {
            **{k: str(v) for k, v in text.items() if not isinstance(v, list | bool)},
            "items": "; ".join(str(i) for i in items),
            "note": f"{note.rstrip('.')}. " if note else "",
            "reason": str(text.get("reason") or "không nêu").strip().rstrip("."),
            "ack_date": vn_date(text.get("ack_by")),
            "ack_time": vn_time(text.get("ack_by")),
            "due_date": vn_date(text.get("due")),
            "due_time": vn_time(text.get("due")),
            "new_due_date": vn_date(text.get("new_due")),
            "amount_text": vn_money(text.get("amount")),
            "delivery": DELIVERY.get(str(text.get("delivery")), DELIVERY["counter"]),
            "early": " sớm hơn ngày hẹn" if text.get("early") else "",
            "addressee": " ".join(f"{NEUTRAL_ADDRESSEE} {text.get('name') or ''}".split()),
        }
    )


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _detail(name: str, fields: Mapping[str, str]) -> str:
    if name == "supplement":
        return fields["items"]
    if name in ("rejected", "refused", "stopped"):
        return f"Ly do: {fields['reason']}"
    return ""


def fit_sms(pattern: str, fields: Mapping[str, str], detail: str = "") -> str:
    """ASCII SMS text from `pattern`; the `{detail}` part is cut (or dropped) to stay within one
    segment. When even the fixed part is longer, the text goes out as a multi-part SMS."""
    fixed = ascii_fold(pattern.format_map(_Blank({**fields, "detail": ""})))
    room = SMS_LIMIT - len(fixed) - 1
    folded = ascii_fold(detail).strip()
    if folded and room >= _MIN_DETAIL:
        if len(folded) > room:
            folded = folded[: room - 3].rstrip(" ,;.") + "..."
        return ascii_fold(pattern.format_map(_Blank({**fields, "detail": " " + folded})))
    return fixed


def vn_date(value: Any) -> str:
    moment = _moment(value)
    return f"{moment:%d/%m/%Y}" if moment else ""


def vn_time(value: Any) -> str:
    moment = _moment(value)
    return f"{moment:%H:%M} ngày {moment:%d/%m/%Y}" if moment else ""


def vn_money(value: Any) -> str:
    """150000 -> '150.000 đồng'."""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return ""
    return f"{amount:,}".replace(",", ".") + " đồng"


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def mask(address: str) -> str:
    """A recipient as logs and the dev message log may show it: '09******78', 'a***@example.vn'."""
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    if sum(ch.isdigit() for ch in address) >= 9:
        digits = "".join(ch for ch in address if ch.isdigit())
        return f"{digits[:2]}{'*' * (len(digits) - 4)}{digits[-2:]}"
    return address if len(address) <= 6 else f"{address[:3]}…{address[-2:]}"
