"""Import procedures from an export of the national procedure database (CSDL quốc gia về TTHC),
keeping what the province added, with a dry run that only says what would change.

The export layout (JSON `{"exported_at", "procedures": [...]}`, or CSV with one procedure per
row and JSON in the nested columns) follows the national procedure page; its schema is
schemas/data/national-catalog-export.json and the README describes it. Per procedure:

    taken from the export   name, decision_no, government_level, field (by code or name),
                            processing time (the counter channel's, else the first), the fee
                            per channel, components (name, required, copies, forms), steps,
                            subjects, requirements, result name, legal basis, keywords (merged)
    kept from the province  agency, level and online mode, the e-form, delivery options, the
                            result's electronic flag, each component's code, file types, size,
                            note and "filled online", components and fee channels the province
                            added, keywords it added

A component is matched by its code when the export gives one, else by its name. A procedure the
province does not have yet is added (level 2, counter) only when the export names a performing
agency the catalog knows (`agency_id_code`); otherwise it is listed as skipped. Everything then
goes through the catalog's own checks and atomic publication (services/catalog/importer.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from chalicelib.domain.errors import FieldError, ValidationFailed
from chalicelib.domain.text import fold
from chalicelib.persistence import catalog_store
from chalicelib.services.catalog import importer
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.validation import errors_for

EXPORT_SCHEMA = "data/national-catalog-export.json"
CSV_JSON_COLUMNS = (
    "channels",
    "components",
    "steps",
    "subjects",
    "legal_basis",
    "keywords",
)
DEFAULT_FILE_TYPES = ["application/pdf", "image/jpeg", "image/png"]
DEFAULT_MAX_MB = 10
NATIONAL_FIELDS = (
    "name",
    "decision_no",
    "government_level",
    "field",
    "processing_time",
    "fees",
    "components",
    "steps",
    "subjects",
    "requirements",
    "result",
    "legal_basis",
    "keywords",
)


@dataclass
class NationalImportReport:
    dry_run: bool
    added: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # code -> fields that change
    unchanged: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # code -> why
    version: str | None = None

    def lines(self) -> list[str]:
        head = "Chạy thử (không ghi gì): " if self.dry_run else "Đã nhập: "
        out = [
            f"{head}{len(self.added)} thủ tục mới, {len(self.updated)} cập nhật, "
            f"{len(self.unchanged)} giữ nguyên, {len(self.skipped)} bỏ qua"
        ]
        out += [f"  + {code}" for code in self.added]
        out += [f"  ~ {code}: {', '.join(fields)}" for code, fields in self.updated.items()]
        out += [f"  ! {code}: {why}" for code, why in self.skipped.items()]
        return out


def import_file(
    path: Path,
    forms_dir: Path,
    now: datetime,
    dry_run: bool = False,
    progress: Callable[[str], None] = print,
) -> NationalImportReport:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        export = _from_csv(text)
    else:
        export = importer.json_object(text, "Tệp xuất phải là một đối tượng JSON.")
    return apply(export, forms_dir, now, dry_run, progress)


def apply(
    export: dict,
    forms_dir: Path,
    now: datetime,
    dry_run: bool = False,
    progress: Callable[[str], None] = print,
) -> NationalImportReport:
    """Merge the export into the current catalog; check it whole; publish unless `dry_run`."""
    problems = errors_for(export, EXPORT_SCHEMA)
    if problems:
        raise ValidationFailed(f"Tệp xuất có {len(problems)} lỗi; không có gì được nhập.", problems)
    current = catalog_service.get_catalog()
    pointer = catalog_store.current_version() or {}
    document = {
        "province": pointer.get("province") or "—",
        "version": pointer.get("source_version") or f"{now:%Y.%m}",
        "agencies": [a.to_dict() for a in current.agencies.values()],
        "fields": current.fields,
        "procedures": [p.to_dict() for p in current.procedures.values()],
    }
    report = NationalImportReport(dry_run)
    by_code = {p["code"]: i for i, p in enumerate(document["procedures"])}
    for national in export["procedures"]:
        code = national["code"]
        if code in by_code:
            local = document["procedures"][by_code[code]]
            merged = merge(local, national, current.fields)
            changed = [k for k in NATIONAL_FIELDS if merged.get(k) != local.get(k)]
            if changed:
                report.updated[code] = changed
                document["procedures"][by_code[code]] = merged
            else:
                report.unchanged.append(code)
            continue
        agency = _agency_for(national, current)
        if agency is None:
            report.skipped[code] = "chưa có trong danh mục của tỉnh và không rõ cơ quan thực hiện"
            continue
        document["procedures"].append(new_procedure(national, agency, current.fields))
        report.added.append(code)
    forms = importer.check(document, forms_dir)
    if not dry_run and (report.added or report.updated):
        report.version = importer.publish(document, forms, now, progress).version
    for line in report.lines():
        progress(line)
    return report


def merge(local: dict, national: dict, fields: list[dict]) -> dict:
    """The local procedure with what the national database says, the province's additions kept."""
    merged = dict(local)
    merged["name"] = national["name"]
    if national.get("decision_no"):
        merged["decision_no"] = national["decision_no"]
    merged["government_level"] = national["government_level"]
    merged["field"] = _field_code(national, fields) or local["field"]
    merged["processing_time"] = _processing_time(national) or local["processing_time"]
    merged["fees"] = _fees(national, local.get("fees", []))
    merged["components"] = _components(national["components"], local.get("components", []))
    for key in ("steps", "subjects", "legal_basis"):
        if national.get(key):
            merged[key] = list(national[key])
    if national.get("requirements") is not None:
        merged["requirements"] = national["requirements"]
    if national.get("result"):
        merged["result"] = {**local.get("result", {}), "name": national["result"]}
    merged["keywords"] = list(
        dict.fromkeys([*national.get("keywords", []), *local.get("keywords", [])])
    )
    return merged


def new_procedure(national: dict, agency, fields: list[dict]) -> dict:
    """A procedure the province did not have: offered at the counter (level 2) until the
    province makes it an online service."""
    base = {
        "code": national["code"],
        "version": 1,
        "performed_by": [{"agency_id": agency.id}],
        "field": _field_code(national, fields) or (fields[0]["code"] if fields else ""),
        "level": 2,
        "online_mode": None,
        "delivery_options": ["counter"],
        "result": {"name": national.get("result") or national["name"], "electronic": False},
        "keywords": [],
        "form_schema": None,
        "fees": [],
        "components": [],
        "steps": [],
        "subjects": ["ca_nhan"],
        "requirements": None,
        "legal_basis": [],
        "processing_time": {"value": 1, "unit": "working_days", "same_day": False},
    }
    return merge(base, national, fields)


CHANNELS = {"counter": "counter", "online": "online", "post": "post"}


def _processing_time(national: dict) -> dict | None:
    channels = national.get("channels", [])
    chosen = next(
        (c for c in channels if c["channel"] == "counter"), channels[0] if channels else None
    )
    if not chosen or not chosen.get("time_limit"):
        return None
    limit = chosen["time_limit"]
    return {
        "value": int(limit["value"]),
        "unit": limit["unit"],
        "same_day": bool(limit.get("same_day", False)),
    }


def _fees(national: dict, local_fees: list[dict]) -> list[dict]:
    """One fee per channel of the export; channels only the province offers stay as they are."""
    fees: dict[str, dict] = {f["channel"]: dict(f) for f in local_fees}
    for channel in national.get("channels", []):
        lines = channel.get("fees") or [{"name": "Không thu phí, lệ phí", "amount": 0}]
        total = sum(int(f["amount"]) for f in lines)
        notes = "; ".join(f["description"] for f in lines if f.get("description"))
        fees[channel["channel"]] = {
            "channel": channel["channel"],
            "name": " + ".join(f["name"] for f in lines),
            "amount": total,
            "exemptions": notes or None,
        }
    order = ["online", "counter", "post"]
    return [fees[c] for c in order if c in fees]


def _components(national: list[dict], local: list[dict]) -> list[dict]:
    by_code = {c["code"]: c for c in local}
    by_name = {fold(c["name"]): c for c in local}
    used: set[str] = set()
    out = []
    for item in national:
        found = by_code.get(item.get("code", "")) or by_name.get(fold(item["name"]))
        code = found["code"] if found else _free_code(local, out, item.get("code"))
        out.append(
            {
                **(found or {"file_types": DEFAULT_FILE_TYPES, "max_size_mb": DEFAULT_MAX_MB}),
                "code": code,
                "name": item["name"],
                "required": bool(item.get("required", True)),
                "copies": max(1, int(item.get("copies", {}).get("original", 0))
                              + int(item.get("copies", {}).get("copy", 0))),
                **({"forms": item["forms"]} if item.get("forms") else {}),
            }
        )  # fmt: skip
        used.add(code)
    out += [c for c in local if c["code"] not in used]  # added by the province
    return out


def _free_code(local: list[dict], taken: list[dict], wanted: str | None) -> str:
    codes = {c["code"] for c in local} | {c["code"] for c in taken}
    if wanted and wanted not in codes:
        return wanted
    n = 1
    while f"TP{n}" in codes:
        n += 1
    return f"TP{n}"


def _field_code(national: dict, fields: list[dict]) -> str | None:
    if national.get("field_code") in {f["code"] for f in fields}:
        return national["field_code"]
    wanted = fold(national.get("field", ""))
    return next((f["code"] for f in fields if fold(f["name"]) == wanted), None)


def _agency_for(national: dict, catalog):
    wanted = national.get("agency_id_code")
    return next((a for a in catalog.agencies.values() if wanted and a.id_code == wanted), None)


def _from_csv(text: str) -> dict:
    rows = importer.csv_rows(text, _csv_cell)
    return {"procedures": [{k: v for k, v in row.items() if v != ""} for row in rows]}


def _csv_cell(column: str, value: str, line: int, problems: list[FieldError]):
    """A JSON column's value ([] when empty), any other column's text ("" when empty)."""
    if column not in CSV_JSON_COLUMNS:
        return value
    try:
        return json.loads(value) if value else []
    except ValueError:
        problems.append(FieldError(f"dòng {line}, cột {column}", "không phải JSON"))
        return None
