"""Chat commands to the Zalo OA, typed with or without diacritics."""

import pytest

from chalicelib.domain import zalo_chat as chat

CODE = "000.00.01.H06-250101-0001"


@pytest.mark.parametrize(
    "text",
    [
        f"tra cuu {CODE} 0912345678",
        f"Tra cứu {CODE} 0912 345 678",
        f"TRA CỨU: {CODE.lower()} +84912345678",
        f"tracuu {CODE} 84912345678",
        f"{CODE} 0912.345.678",
    ],
)
def test_a_lookup_finds_the_code_and_the_phone(text):
    command = chat.parse(text)

    assert (command.kind, command.code, command.phone) == ("lookup", CODE, "0912345678")


def test_a_lookup_without_a_phone_relies_on_the_shared_one():
    command = chat.parse(f"tra cứu {CODE}")

    assert (command.kind, command.code, command.phone) == ("lookup", CODE, "")


def test_a_lookup_without_a_code_is_still_a_lookup():
    assert chat.parse("tra cuu").kind == "lookup" and chat.parse("tra cuu").code == ""


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("phan anh Đường Lê Lợi ngập nước", "Đường Lê Lợi ngập nước"),
        ("Phản ánh: đèn đường hỏng", "đèn đường hỏng"),
        ("góp ý nên mở cửa thứ Bảy", "nên mở cửa thứ Bảy"),
        ("gop y", ""),
    ],
)
def test_feedback_keeps_the_message_with_its_diacritics(text, content):
    command = chat.parse(text)

    assert (command.kind, command.text) == ("feedback", content)


@pytest.mark.parametrize("text", ["hướng dẫn", "huong dan", "HELP", "xin chào", "", "🙂"])
def test_anything_else_asks_for_help(text):
    assert chat.parse(text).kind == "help"


def test_a_phone_is_never_shown_in_the_command_repr():
    assert "0912345678" not in repr(chat.parse(f"tra cuu {CODE} 0912345678"))


def test_a_status_reply_names_the_step_the_date_and_what_is_asked():
    view = {
        "code": CODE,
        "procedure": {"name": "Đăng ký khai sinh"},
        "status_label": "Yêu cầu bổ sung hồ sơ",
        "requested": {"type": "supplement", "items": ["Giấy chứng sinh"]},
    }

    text = chat.status_reply(view, f"https://x/v1/dossiers/{CODE}", "15/01/2025")

    assert "Tình trạng: Yêu cầu bổ sung hồ sơ" in text
    assert "Ngày hẹn trả kết quả: 15/01/2025" in text
    assert "Cần bổ sung: Giấy chứng sinh" in text and text.endswith(f"/v1/dossiers/{CODE}")
