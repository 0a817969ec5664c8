"""A result generated from the standard template, for procedures whose result is a standard
document (catalog `result.template`): rendered by the portal's PDF renderer and attached like
an upload, so the leader's approval signs it through the same path as any result."""

from __future__ import annotations

from datetime import datetime

from chalicelib.config import get_settings
from chalicelib.documents import pdf
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.principal import Principal
from chalicelib.integrations import storage
from chalicelib.persistence import dossier_store
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.documents import issuing
from chalicelib.services.dossiers import workflow
from chalicelib.services.shared.uploads import safe_filename
from chalicelib.web.render import vn_date


def result_from_template(code: str, principal: Principal, now: datetime) -> dict:
    """Generate the standard result document and attach it; the leader's approval signs it."""
    dossier = workflow.load_to_decide(code, principal)
    if dossier.status.value not in workflow.RESULT_STATUSES:
        raise InvalidTransition(
            "Chỉ tạo kết quả khi hồ sơ đang được giải quyết (trước khi phê duyệt)."
        )
    result = dossier.procedure.get("result") or {}
    if not result.get("template"):
        raise InvalidTransition(
            "Kết quả của thủ tục này không phải văn bản theo mẫu; vui lòng đính kèm văn bản "
            "kết quả."
        )
    data = pdf.render_pdf(_result_document(dossier, result["name"], now))
    filename = safe_filename(result["name"]) + ".pdf"
    key = f"results/{code}/{now:%Y%m%d%H%M%S}/{filename}"
    storage.put(get_settings().bucket_results, key, data, issuing.PDF)
    expected = dossier.version
    dossier.extra["result_document"] = {
        "key": key,
        "filename": filename,
        "content_type": issuing.PDF,
        "size_bytes": len(data),
        "attached_by": principal.subject,
        "attached_at": now.isoformat(),
        "from_template": True,
    }
    dossier_store.save(dossier, expected)
    return {"result_document": dossier.extra["result_document"], "version": dossier.version}


def _result_document(dossier: Dossier, name: str, now: datetime) -> pdf.Document:
    agency = dossier.procedure.get("agency_name", "")
    return pdf.Document(
        title=name,
        author=agency,
        subject=f"Kết quả giải quyết hồ sơ {dossier.code}",
        created_at=now,
        blocks=(
            pdf.Letterhead(left=(agency.upper(),)),
            pdf.Title(name, subtitle=f"Mã hồ sơ: {dossier.code}"),
            pdf.Paragraph(
                f"Căn cứ hồ sơ đề nghị giải quyết thủ tục **{dossier.procedure['name']}** (mã "
                f"thủ tục {dossier.procedure['code']}) của ông/bà "
                f"**{dossier.applicant['full_name']}**, nộp ngày {vn_date(dossier.submitted_at)};",
                align="J",
            ),
            pdf.Paragraph(
                f"{agency} cấp văn bản này với các nội dung đã được cơ quan xem xét, xác nhận "
                "như sau:",
                align="J",
            ),
            pdf.Table(("Nội dung", "Thông tin"), _facts(dossier), widths=(2, 3)),
            pdf.Paragraph(
                f"Văn bản điện tử được ký số bởi {agency}; kiểm tra tính xác thực bằng mã QR "
                "trên văn bản.",
                italic_note=True,
            ),
            pdf.Paragraph(f"Ngày cấp: {vn_date(now)}.", align="R"),
            pdf.Signatures((("THỦ TRƯỞNG CƠ QUAN", "(Đã ký số)", ""),)),
        ),
    )


def _facts(dossier: Dossier) -> list[tuple[str, str]]:
    """(label, value) of the application form's answers, labelled by its JSON Schema."""
    schema = catalog_service.get_form(dossier.procedure["code"])
    return list(_walk(schema, dossier.form, ""))


def _walk(schema: dict, value, prefix: str):
    for name, node in (schema.get("properties") or {}).items():
        if name not in value or value[name] in (None, "", [], {}):
            continue
        label = f"{prefix}{node.get('title') or name}"
        item = value[name]
        if isinstance(item, dict):
            yield from _walk(node, item, f"{label} › ")
        elif isinstance(item, list):
            yield label, ", ".join(str(v) for v in item if not isinstance(v, (dict, list)))
        elif isinstance(item, bool):
            yield label, "Có" if item else "Không"
        else:
            yield label, str(item)
