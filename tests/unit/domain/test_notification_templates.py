"""Notification texts: every template renders, SMS texts fit one segment in plain ASCII, links
carry no phone number, and dates, money and recipients are shown the Vietnamese way."""

import re

import pytest

from chalicelib.domain.notification_templates import (
    SMS_LIMIT,
    TEMPLATES,
    ascii_fold,
    fit_sms,
    mask,
    render,
    vn_date,
    vn_money,
    vn_time,
)

CODE = "000.00.01.H06-250101-0001"
BASE = "https://dichvucong.bacninh.gov.vn"  # a realistic production base URL (33 characters)
LONG = "Thiếu bản sao giấy chứng sinh có chứng thực của bệnh viện nơi sinh, đề nghị bổ sung " * 3
VALUES = {
    "code": CODE,
    "procedure": "Đăng ký khai sinh có yếu tố nước ngoài",
    "name": "Nguyễn Văn An",
    "url": f"{BASE}/v1/dossiers/{CODE}",
    "officer_url": f"{BASE}/v1/officer/dossiers/{CODE}",
    "ack_by": "2025-01-02T16:30:00+07:00",
    "due": "2025-01-15T17:00:00+07:00",
    "new_due": "2025-01-20T17:00:00+07:00",
    "amount": 150000,
    "reason": LONG,
    "items": ["Giấy chứng sinh (bản chính)", "Giấy tờ tùy thân của cha mẹ", LONG],
    "note": "Nộp bản chính",
    "delivery": "counter",
    "early": True,
    "title": "Văn bản số 123/UBND-VP cần xử lý",
    "link": "https://qlvb.bacninh.gov.vn/vb/123",
    "text": "Xin chào",
    "status_label": "Đã tiếp nhận",
}
CITIZEN = [n for n in TEMPLATES if not n.startswith(("officer_", "zalo_"))]


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_template_renders_a_title_a_body_and_an_sms(name):
    message = render(name, VALUES)

    assert message.title and message.body and message.sms
    assert "{" not in message.title + message.body + message.sms


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_sms_texts_are_ascii_and_fit_one_segment_even_with_long_reasons(name):
    sms = render(name, VALUES).sms

    assert sms.isascii()
    assert len(sms) <= SMS_LIMIT, sms


@pytest.mark.parametrize("name", CITIZEN)
def test_citizen_messages_carry_the_code_and_the_lookup_link_without_a_phone(name):
    message = render(name, {**VALUES, "phone": "0912345678"})

    for text in (message.body, message.sms):
        assert CODE in text
        assert f"{BASE}/v1/dossiers/{CODE}" in text
        assert not re.search(r"(0|84)\d{9}", text)


def test_a_long_reason_is_cut_in_the_sms_but_kept_whole_in_the_body():
    message = render("rejected", VALUES)

    assert message.sms.count("...") == 1 and "Ly do: Thieu ban sao" in message.sms
    assert LONG.strip().rstrip(".") in message.body


def test_supplement_lists_every_item_and_the_note_in_full():
    body = render("supplement", VALUES).body

    assert "Giấy chứng sinh (bản chính); Giấy tờ tùy thân của cha mẹ" in body
    assert "Nộp bản chính." in body


def test_texts_speak_vietnamese_dates_and_money():
    accepted = render("accepted", VALUES)
    payment = render("payment_requested", VALUES)

    assert "Ngày hẹn trả kết quả: 15/01/2025" in accepted.body
    assert "150.000 đồng" in payment.body and "150.000 dong" in payment.sms
    assert vn_time("2025-01-02T16:30:00+07:00") == "16:30 ngày 02/01/2025"
    assert vn_date(None) == "" and vn_money("x") == ""


def test_an_early_result_says_so_and_where_to_collect_it():
    body = render("result_ready", VALUES).body

    assert "sớm hơn ngày hẹn" in body and "Bộ phận Một cửa" in body
    assert "sớm hơn" not in render("result_ready", {**VALUES, "early": False}).body


def test_missing_values_leave_no_placeholders_or_double_spaces():
    message = render("accepted", {"code": CODE})

    assert "  " not in message.body and "{" not in message.body


def test_zns_parameters_name_the_citizen_the_dossier_and_the_date():
    params = render("accepted", VALUES).params

    assert params["ten"] == "Nguyễn Văn An" and params["ma_ho_so"] == CODE
    assert params["ngay_hen"] == "15/01/2025"


def test_chat_replies_keep_their_lines():
    assert render("zalo_reply", {"text": "Dòng 1\nDòng  2"}).body == "Dòng 1\nDòng 2"


def test_folding_keeps_case_and_punctuation():
    assert ascii_fold("Hồ sơ ĐÃ được tiếp nhận: 15/01.") == "Ho so DA duoc tiep nhan: 15/01."


def test_a_detail_too_cut_to_say_anything_is_dropped():
    pattern = "X" * 150 + "{detail}"

    assert fit_sms(pattern, {}, "Lý do rất dài") == "X" * 150


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("0912345678", "09******78"),
        ("84912345678", "84*******78"),
        ("an@example.vn", "a***@example.vn"),
        ("agency:so-tu-phap", "age…ap"),
    ],
)
def test_recipients_are_masked_for_logs(address, masked):
    assert mask(address) == masked


def test_without_a_verified_name_the_citizen_is_greeted_neutrally():
    anonymous = render("received", {**VALUES, "name": ""})
    verified = render("received", VALUES)

    assert "của ông/bà. Hồ sơ" in anonymous.body and anonymous.params["ten"] == "ông/bà"
    assert "của ông/bà Nguyễn Văn An. Hồ sơ" in verified.body
    assert verified.params["ten"] == "Nguyễn Văn An"
