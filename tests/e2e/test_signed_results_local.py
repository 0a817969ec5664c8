"""`make run` end to end: an officer attaches a PDF result, a leader approves it, and the
citizen downloads it through their own link; the file's PAdES signature is intact over the
whole file (pyHanko's validator), and its QR code (decoded by ZXing from the drawn modules)
opens the verification page, which says the document is valid."""

from __future__ import annotations

import io
import re
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.test_local_stack import multipart, request, stack  # noqa: F401 - fixture
from tests.factories import sample_pdf

pytestmark = pytest.mark.slow
PROCEDURE, AGENCY = "1.001193", "ubnd-phuong-kinh-bac"


def bearer(base, role, agency=None, subject=None) -> dict:
    body = {"role": role, "subject": subject or f"{role}-{uuid.uuid4().hex[:8]}"}
    if agency:
        body["agency"] = agency
    status, issued = request("POST", f"{base}/dev/token", body)
    assert status == 201, issued
    return {"Authorization": f"Bearer {issued['access_token']}"}


def post_file(upload: dict, filename: str, content: bytes) -> None:
    body, content_type = multipart(upload["fields"], filename, content, "application/pdf")
    post = urllib.request.Request(
        upload["url"], data=body, method="POST", headers={"Content-Type": content_type}
    )
    with urllib.request.urlopen(post, timeout=30) as answer:  # noqa: S310 - loopback only
        assert answer.status in (200, 201, 204)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - loopback only
        return answer.read()


def act(base, code, who, action, **params):
    _, view = request("GET", f"{base}/v1/officer/dossiers/{code}", headers=who)
    status, view = request(
        "POST",
        f"{base}/v1/officer/dossiers/{code}/actions",
        {"action": action, "version": view["version"], **params},
        headers=who,
    )
    assert status == 200, view
    return view


def submitted(base, citizen) -> str:
    _, procedure = request("GET", f"{base}/v1/procedures/{PROCEDURE}")
    _, form = request("GET", f"{base}/v1/procedures/{PROCEDURE}/form")
    attachments = []
    for component in procedure["components"]:
        if not component["required"] or component.get("filled_online"):
            continue
        content = sample_pdf("Giay chung sinh")
        status, upload = request(
            "POST",
            f"{base}/v1/uploads",
            {
                "procedure_code": PROCEDURE,
                "component_code": component["code"],
                "filename": "giay-chung-sinh.pdf",
                "content_type": "application/pdf",
                "size_bytes": len(content),
            },
            headers=citizen,
        )
        assert status == 201, upload
        post_file(upload, "giay-chung-sinh.pdf", content)
        attachments.append({"component_code": component["code"], "upload_id": upload["upload_id"]})
    status, created = request(
        "POST",
        f"{base}/v1/dossiers",
        {
            "procedure_code": PROCEDURE,
            "agency": AGENCY,
            "applicant": {
                "full_name": "Nguyễn Văn An",
                "id_number": "001099012345",
                "phone": "0912345678",
            },
            "form": form["examples"][0],
            "attachments": attachments,
            "result_delivery": "online",
            "notify": ["sms"],
        },
        headers=citizen,
    )
    assert status == 201, created
    return created["code"]


def qr_text(pdf: bytes) -> str:
    """Decode the QR code the signature stamp draws (module rectangles in a form XObject)."""
    import zxingcpp
    from PIL import Image
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf))
    widget = next(
        a.get_object()
        for a in reader.root["/Pages"]["/Kids"][0].get_object()["/Annots"]
        if a.get_object().get("/FT") == "/Sig"
    )
    modules = _modules(widget["/AP"]["/N"].get_object())
    size = max(max(r, c) for r, c in modules) + 1
    scale, border = 6, 4
    side = (size + 2 * border) * scale
    image = Image.new("L", (side, side), 255)
    for row, col in modules:
        x, y = (col + border) * scale, (row + border) * scale
        image.paste(0, (x, y, x + scale, y + scale))
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code could be decoded from the stamp"
    return found[0].text


def _modules(xobject) -> set[tuple[int, int]]:
    data = xobject.data
    cells = re.findall(rb"(\d+) (\d+) 1 1 re", data)
    if cells:
        return {(int(row), int(col)) for col, row in cells}
    for ref in xobject.get("/Resources", {}).get("/XObject", {}).values():
        found = _modules(ref.get_object())
        if found:
            return found
    return set()


def test_the_citizen_downloads_a_signed_result_whose_qr_opens_its_verification(stack):  # noqa: F811
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    citizen = bearer(stack, "citizen")
    desk, specialist, leader = (
        bearer(stack, r, AGENCY) for r in ("receptionist", "specialist", "leader")
    )
    code = submitted(stack, citizen)
    act(stack, code, desk, "accept")
    act(stack, code, desk, "assign", assignee="cb-tu-phap")
    result = sample_pdf("Giay khai sinh (ban dien tu)")
    status, upload = request(
        "POST",
        f"{stack}/v1/officer/dossiers/{code}/result",
        {
            "filename": "giay-khai-sinh.pdf",
            "content_type": "application/pdf",
            "size_bytes": len(result),
        },
        headers=specialist,
    )
    assert status == 201, upload
    post_file(upload, "giay-khai-sinh.pdf", result)
    act(stack, code, leader, "approve")

    status, link = request("GET", f"{stack}/v1/dossiers/{code}/result", headers=citizen)
    assert status == 200, link
    signed = fetch(link["url"])

    signature = PdfFileReader(io.BytesIO(signed)).embedded_signatures[-1]
    with ThreadPoolExecutor(1) as pool:  # pyHanko runs its own event loop (as Playwright does)
        checked = pool.submit(validate_pdf_signature, signature).result()  # integrity only
    assert checked.intact and checked.coverage == SignatureCoverageLevel.ENTIRE_FILE
    target = qr_text(signed)
    assert target == f"{stack}/xac-thuc/{link['document_id']}"
    page = fetch(target).decode()
    assert 'data-valid="true"' in page and code in page
    status, verdict = request("GET", f"{stack}/v1/documents/{link['document_id']}/verification")
    assert status == 200 and verdict["valid"] is True
    status, wallet = request("GET", f"{stack}/v1/me/documents", headers=citizen)
    assert link["document_id"] in {d["document_id"] for d in wallet["items"]}
