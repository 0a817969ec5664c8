"""Import a province's catalog from JSON (whole catalog) or CSV (procedures only, merged into the
current catalog). Everything is checked before anything is written; every problem is reported
with its line or path; the new catalog becomes visible in one atomic step or not at all."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from chalicelib.domain.errors import FieldError, ValidationFailed
from chalicelib.domain.text import fold
from chalicelib.persistence import catalog_store
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.validation import errors_for

CSV_JSON_COLUMNS = (
    "performed_by",
    "processing_time",
    "fees",
    "components",
    "result",
    "steps",
    "legal_basis",
    "keywords",
    "subjects",
    "delivery_options",
    "internal_process",
)
CSV_INT_COLUMNS = ("version", "level")
# What a CSV cell may say instead of listing every commune (a JSON list is also accepted).
ALL_COMMUNES_WORDS = ("all_communes", "tat ca xa phuong", "tat ca cac xa phuong")


@dataclass
class ImportReport:
    version: str
    agencies: int
    procedures: int
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    items_written: int = 0


def import_file(
    path: Path, forms_dir: Path, now: datetime, progress: Callable[[str], None] = print
) -> ImportReport:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        document, lines = _from_csv(text), True
    else:
        document, lines = json_object(text, "Tệp danh mục phải là một đối tượng JSON."), False
    progress(f"Đã đọc {len(document.get('procedures', []))} thủ tục từ {path.name}; đang kiểm tra…")
    forms = check(document, forms_dir, csv_lines=lines)
    return publish(document, forms, now, progress)


def json_object(text: str, not_an_object: str) -> dict:
    """An imported file's JSON object; a syntax error names its line (shared by both imports)."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ValidationFailed(
            "Tệp JSON không hợp lệ.", [FieldError(f"dòng {exc.lineno}", str(exc.msg))]
        ) from None
    if not isinstance(document, dict):
        raise ValidationFailed(not_an_object)
    return document


def csv_rows(text: str, cell: Callable[[str, str, int, list[FieldError]], Any]) -> list[dict]:
    """Each row after the header as {column: cell(column, stripped text, line, problems)}; a row
    whose cells do not match the header, or any problem a cell reports, refuses the whole file
    (shared by both imports)."""
    problems: list[FieldError] = []
    rows = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        parsed: dict = {}
        for column, value in row.items():
            if column is None or value is None:
                problems.append(FieldError(f"dòng {line}", "số cột không khớp với dòng tiêu đề"))
                continue
            parsed[column] = cell(column, value.strip(), line, problems)
        rows.append(parsed)
    if problems:
        raise ValidationFailed("Tệp CSV có lỗi; không có gì được nhập.", problems)
    return rows


def _from_csv(text: str) -> dict:
    """CSV rows are procedures; nested columns hold JSON. Agencies come from the current catalog."""
    current = catalog_service.get_catalog()
    procedures = csv_rows(text, _csv_value)
    merged = {p.code: p.to_dict() for p in current.procedures.values()}
    merged.update({p.get("code"): p for p in procedures})
    pointer = catalog_store.current_version() or {}
    return {
        "province": pointer.get("province") or "—",
        "version": pointer.get("source_version") or "csv",
        "agencies": [a.to_dict() for a in current.agencies.values()],
        "fields": current.fields,
        "procedures": list(merged.values()),
        "_csv_codes": [p.get("code") for p in procedures],
    }


def _csv_value(column: str, value: str, line: int, problems: list[FieldError]):
    if value == "" and column in ("online_mode", "form_schema", "decision_no", "requirements"):
        return None
    if column in CSV_INT_COLUMNS:
        return int(value) if value.isdigit() else value
    if column == "performed_by" and not value.startswith("["):
        return _performers_from_text(value)
    if column in CSV_JSON_COLUMNS:
        try:
            return json.loads(value)
        except ValueError:
            problems.append(FieldError(f"dòng {line}, cột {column}", "không phải JSON hợp lệ"))
    return value


def _performers_from_text(value: str) -> list[dict]:
    """`all_communes` / `Tất cả xã, phường`, or agency ids separated by `;`."""
    if fold(value) in ALL_COMMUNES_WORDS:
        return [{"all_communes": True}]
    return [{"agency_id": part.strip()} for part in value.split(";") if part.strip()]


def check(document: dict, forms_dir: Path, csv_lines: bool = False) -> dict[str, dict]:
    """All problems at once, or the form schemas keyed by procedure code."""
    csv_codes = document.pop("_csv_codes", None)
    problems = errors_for(document, "data/catalog.schema.json")
    if not problems:
        problems += _semantic_problems(document)
    forms, form_problems = _forms(document, forms_dir)
    problems += form_problems
    if problems:
        if csv_lines and csv_codes is not None:
            problems = [_to_line(p, document, csv_codes) for p in problems]
        raise ValidationFailed(f"Danh mục có {len(problems)} lỗi; không có gì được nhập.", problems)
    return forms


def _to_line(problem: FieldError, document: dict, csv_codes: list) -> FieldError:
    if not problem.field.startswith("procedures["):
        return problem
    index = int(problem.field.split("[", 1)[1].split("]", 1)[0])
    code = (
        document["procedures"][index].get("code") if index < len(document["procedures"]) else None
    )
    if code in csv_codes:
        rest = problem.field.split("]", 1)[1].lstrip(".")
        return FieldError(
            f"dòng {csv_codes.index(code) + 2}" + (f", {rest}" if rest else ""), problem.message
        )
    return problem


def _semantic_problems(document: dict) -> list[FieldError]:
    problems = []
    agencies = {a["id"] for a in document["agencies"]}
    roots = {a["id"] for a in document["agencies"] if a["parent_id"] is None}
    has_communes = any(
        a["level"] == "commune" and a["parent_id"] in roots for a in document["agencies"]
    )
    fields = {f["code"] for f in document.get("fields", [])}
    seen: set[str] = set()
    for i, p in enumerate(document["procedures"]):
        where = f"procedures[{i}]"
        if p["code"] in seen:
            problems.append(FieldError(f"{where}.code", f"mã thủ tục {p['code']} bị trùng"))
        seen.add(p["code"])
        for j, performer in enumerate(p["performed_by"]):
            agency_id = performer.get("agency_id")
            if agency_id is not None and agency_id not in agencies:
                problems.append(
                    FieldError(
                        f"{where}.performed_by[{j}].agency_id", f"không có cơ quan '{agency_id}'"
                    )
                )
            if performer.get("all_communes") and not has_communes:
                problems.append(
                    FieldError(f"{where}.performed_by[{j}]", "danh mục không có xã, phường nào")
                )
        problems += _process_problems(p.get("internal_process"), agencies, where)
        if fields and p["field"] not in fields:
            problems.append(FieldError(f"{where}.field", f"không có lĩnh vực '{p['field']}'"))
        expected_mode = {2: None, 3: "mot_phan", 4: "toan_trinh"}[p["level"]]
        if p.get("online_mode") != expected_mode:
            problems.append(
                FieldError(
                    f"{where}.online_mode",
                    f"mức độ {p['level']} phải có online_mode = {expected_mode}",
                )
            )
        if p["level"] >= 3 and not p.get("form_schema"):
            problems.append(FieldError(f"{where}.form_schema", "thủ tục trực tuyến cần biểu mẫu"))
    ids = [a["id"] for a in document["agencies"]]
    problems += [
        FieldError("agencies", f"mã cơ quan {a} bị trùng") for a in set(ids) if ids.count(a) > 1
    ]
    return problems


def _process_problems(steps: list[dict] | None, agencies: set[str], where: str) -> list[FieldError]:
    """An internal process: unique step codes, known agencies, shares of the time limit that
    add up to the whole of it."""
    if not steps:
        return []
    where = f"{where}.internal_process"
    problems = []
    codes = [s["code"] for s in steps]
    problems += [
        FieldError(f"{where}[{i}].code", f"mã bước {c} bị trùng")
        for i, c in enumerate(codes)
        if c in codes[:i]
    ]
    problems += [
        FieldError(f"{where}[{i}].agency_id", f"không có cơ quan '{s['agency_id']}'")
        for i, s in enumerate(steps)
        if s.get("agency_id") and s["agency_id"] not in agencies
    ]
    total = sum(s["share"] for s in steps)
    if total != 100:
        problems.append(
            FieldError(where, f"tổng phần trăm thời hạn các bước là {total}, phải là 100")
        )
    return problems


def _forms(document: dict, forms_dir: Path) -> tuple[dict[str, dict], list[FieldError]]:
    forms, problems = {}, []
    for i, p in enumerate(document.get("procedures", [])):
        ref = p.get("form_schema") if isinstance(p, dict) else None
        if not ref:
            continue
        where = f"procedures[{i}].form_schema"
        form = ref if isinstance(ref, dict) else _read_form(forms_dir / ref, where, problems)
        if form is None:
            continue
        try:
            Draft202012Validator.check_schema(form)
        except SchemaError as exc:
            problems.append(
                FieldError(where, f"biểu mẫu không phải JSON Schema hợp lệ: {exc.message}")
            )
            continue
        forms[p["code"]] = form
    return forms, problems


def _read_form(path: Path, where: str, problems: list[FieldError]) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(FieldError(where, f"không tìm thấy tệp biểu mẫu {path.name}"))
    except ValueError:
        problems.append(FieldError(where, f"tệp biểu mẫu {path.name} không phải JSON hợp lệ"))
    return None


def publish(
    document: dict, forms: dict[str, dict], now: datetime, progress: Callable[[str], None] = print
) -> ImportReport:
    pointer = catalog_store.current_version()
    previous = pointer["version"] if pointer else None
    current = catalog_service.get_catalog() if previous else None
    procedures, report = _versioned(document, current, forms, now)
    report.agencies = len(document["agencies"])
    total = len(document["agencies"]) + len(procedures) + len(forms)
    report.items_written = catalog_store.write_snapshot(
        report.version,
        document["agencies"],
        procedures,
        forms,
        progress=lambda n: progress(f"Đã ghi {n}/{total} mục"),
    )
    catalog_store.publish(
        report.version,
        previous,
        {
            "imported_at": now.isoformat(),
            "agencies": report.agencies,
            "procedures": report.procedures,
            "fields": document.get("fields", []),
            "province": document.get("province", ""),
            "source_version": document.get("version", ""),
        },
    )
    catalog_service.invalidate()
    if previous:
        catalog_store.delete_version(previous)
    progress(
        f"Hoàn tất: phiên bản {report.version}, {report.procedures} thủ tục "
        f"({len(report.added)} mới, {len(report.updated)} cập nhật, {report.unchanged} giữ nguyên)."
    )
    return report


def _versioned(document, current, forms, now):
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:8]
    report = ImportReport(version=f"{now:%Y%m%d%H%M%S}-{digest}", agencies=0, procedures=0)
    procedures = []
    for p in document["procedures"]:
        p = {**p, "form_schema": f"forms/{p['code']}.json" if p["code"] in forms else None}
        old = current.procedure(p["code"]) if current else None
        if old is None:
            report.added.append(p["code"])
        elif _same(old.to_dict(), p):
            p["version"] = old.version
            report.unchanged += 1
        else:
            p["version"] = max(int(p["version"]), old.version + 1)
            report.updated.append(p["code"])
        procedures.append(p)
    report.procedures = len(procedures)
    return procedures, report


def _same(old: dict, new: dict) -> bool:
    strip = lambda d: {k: v for k, v in d.items() if k != "version"}  # noqa: E731
    return strip(old) == strip(new)
