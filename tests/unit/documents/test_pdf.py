"""The PDF renderer: printable A4, Vietnamese text embedded in a Unicode font, metadata set."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from chalicelib.documents.pdf import (
    FONT_DIR,
    Document,
    Image,
    Letterhead,
    Paragraph,
    Signatures,
    Table,
    Title,
    render_pdf,
)

VIETNAMESE = "Nguyễn Thị Hường — Đăng ký khai sinh, ữ ặ ỗ ợ ự đ Đ"
A4_POINTS = (595.28, 841.89)


def png() -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "black").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def pdf() -> PdfReader:
    document = Document(
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        [
            Letterhead(["ỦY BAN NHÂN DÂN PHƯỜNG KINH BẮC", "BỘ PHẬN MỘT CỬA"]),
            Title("Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Mã hồ sơ: 000.00.12.H06-260213-0001"),
            Paragraph(f"Ông/Bà: **{VIETNAMESE}**"),
            Table(["TT", "Tên giấy tờ", "Số bản"], [["1", "Giấy chứng sinh", "1"]], (1, 8, 2)),
            Signatures([("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", "")]),
            Image(png(), width_mm=20, alt_text="Mã QR"),
        ],
        author="Cổng Dịch vụ công tỉnh Bắc Ninh",
        subject="Mẫu số 01",
        created_at=datetime(2026, 2, 13, 8, 30, tzinfo=UTC),
    )
    return PdfReader(io.BytesIO(render_pdf(document)))


def test_the_page_is_a4_portrait(pdf):
    box = pdf.pages[0].mediabox

    assert (float(box.width), float(box.height)) == pytest.approx(A4_POINTS)


def test_vietnamese_text_survives_extraction(pdf):
    text = pdf.pages[0].extract_text()

    assert VIETNAMESE in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text


def test_the_fonts_are_embedded_dejavu(pdf):
    fonts = [f.get_object() for f in pdf.pages[0]["/Resources"]["/Font"].values()]

    assert {str(f["/BaseFont"]).split("+")[1] for f in fonts} == {
        "DejaVuSansBook",
        "DejaVuSansBold",
    }
    for font in fonts:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor


def test_metadata_names_the_document(pdf):
    assert pdf.metadata.title == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    assert pdf.metadata.author == "Cổng Dịch vụ công tỉnh Bắc Ninh"


def test_the_font_license_travels_with_the_fonts():
    assert (FONT_DIR / "LICENSE-DejaVu.txt").read_text(encoding="utf-8").count("Bitstream Vera")
