"""What a citizen types to the province's Zalo Official Account, understood in plain Vietnamese
with or without diacritics, and the texts the OA answers with.

    tra cứu <mã hồ sơ> [số điện thoại]   status of a dossier
    phản ánh <nội dung> / góp ý <...>     feedback
    hướng dẫn / help                     how to use the OA
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chalicelib.domain.text import fold

LOOKUP, FEEDBACK, HELP = "lookup", "feedback", "help"
_KEYWORDS = (
    (LOOKUP, ("tra cuu", "tracuu", "kiem tra")),
    (FEEDBACK, ("phan anh", "gop y", "kien nghi", "phananh", "gopy")),
    (HELP, ("huong dan", "help", "tro giup", "menu")),
)
_CODE = re.compile(r"(?<![\w.])([0-9A-Za-z.]{1,40}-\d{6}-\d{4})(?!\w)")
_PHONE = re.compile(r"(?<![\w+])(\+?84|0)((?:[\s.-]?\d){9})(?!\d)")
FEEDBACK_MAX = 2000


@dataclass(frozen=True)
class ChatCommand:
    kind: str
    code: str = ""
    phone: str = field(default="", repr=False)
    text: str = field(default="", repr=False)


def parse(message: str) -> ChatCommand:
    """The command in a chat message; anything not understood asks for help."""
    words = message.split()
    folded = [fold(word) for word in words]
    for kind, keywords in _KEYWORDS:
        for keyword in keywords:
            size = len(keyword.split())
            if " ".join(w for w in folded[:size] if w) == keyword:
                rest = " ".join(words[size:]).strip(" :,-")
                return _command(kind, rest)
    if _CODE.search(message):  # a bare dossier code: the citizen wants its status
        return _command(LOOKUP, message)
    return ChatCommand(HELP)


def _command(kind: str, rest: str) -> ChatCommand:
    if kind == FEEDBACK:
        return ChatCommand(FEEDBACK, text=rest[:FEEDBACK_MAX])
    if kind == HELP:
        return ChatCommand(HELP)
    code_match = _CODE.search(rest)
    code = code_match.group(1).upper() if code_match else ""
    remainder = _CODE.sub(" ", rest)
    return ChatCommand(LOOKUP, code=code, phone=find_phone(remainder))


def find_phone(text: str) -> str:
    """A Vietnamese mobile number in `text`, as 0xxxxxxxxx ('' when there is none)."""
    match = _PHONE.search(text)
    if not match:
        return ""
    return "0" + re.sub(r"\D", "", match.group(2))


WELCOME = (
    "Cảm ơn ông/bà đã quan tâm Cổng Dịch vụ công. Ông/bà có thể nhắn:\n"
    "• tra cuu <mã hồ sơ> <số điện thoại> — xem tình trạng hồ sơ\n"
    "• phan anh <nội dung> — gửi phản ánh, kiến nghị\n"
    "• huong dan — xem hướng dẫn"
)
HELP_TEXT = (
    "Hướng dẫn sử dụng:\n"
    "• Tra cứu hồ sơ: tra cuu <mã hồ sơ> <số điện thoại đã dùng khi nộp>, "
    "ví dụ: tra cuu 000.00.01.H06-250101-0001 0912345678 (có thể bỏ số điện thoại nếu đã "
    "chia sẻ số điện thoại với OA).\n"
    "• Phản ánh, kiến nghị: phan anh <nội dung>.\n"
    "Có thể gõ có dấu hoặc không dấu."
)
ASK_CODE = "Vui lòng nhắn kèm mã hồ sơ, ví dụ: tra cuu 000.00.01.H06-250101-0001 0912345678."
ASK_PHONE = (
    "Vui lòng nhắn kèm số điện thoại đã dùng khi nộp hồ sơ, ví dụ: tra cuu {code} 0912345678, "
    "hoặc chia sẻ số điện thoại với OA."
)
NOT_FOUND = "Không tìm thấy hồ sơ {code} với số điện thoại này. Vui lòng kiểm tra lại."
RATE_LIMITED = "Ông/bà đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau 15 phút."
ASK_FEEDBACK = "Vui lòng nhắn nội dung phản ánh sau chữ 'phan anh', ví dụ: phan anh <nội dung>."
FEEDBACK_RECEIVED = (
    "Cổng DVC đã ghi nhận phản ánh, kiến nghị của ông/bà (mã {reference}). Kết quả xử lý sẽ "
    "được thông báo qua OA này."
)
PHONE_SAVED = (
    "Đã lưu số điện thoại {masked} để tra cứu hồ sơ. Nhắn: tra cuu <mã hồ sơ> để xem tình trạng."
)


def status_reply(view: dict, url: str, due_date: str) -> str:
    """The answer to a successful lookup (no personal data beyond what the citizen gave)."""
    lines = [
        f"Hồ sơ {view['code']} — {view['procedure']['name']}",
        f"Tình trạng: {view['status_label']}",
    ]
    if due_date:
        lines.append(f"Ngày hẹn trả kết quả: {due_date}")
    requested = view.get("requested") or {}
    if requested.get("type") == "supplement":
        lines.append("Cần bổ sung: " + "; ".join(requested.get("items", [])))
    elif requested.get("type") == "payment":
        amount = f"{int(requested.get('amount', 0)):,}".replace(",", ".")
        lines.append(f"Cần nộp phí, lệ phí: {amount} đồng")
    lines.append(f"Chi tiết: {url}")
    return "\n".join(lines)
