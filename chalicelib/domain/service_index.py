"""The components of the index for serving citizens and businesses (Decision 766/QĐ-TTg;
docs/rules.md) that the portal's own data can compute, so that an agency sees its standing
before the national dashboard does.

Each component keeps its maximum from the Decision's dashboard (transparency 18, progress 20,
online services 12, online payment 10, satisfaction 18, digitisation 22). Within a component,
the maximum is split evenly over the sub-indicators the Decision names, and each scores
`ratio × its share`. The national Annex's exact scoring curves (thresholds, full marks once the
Resolution 76/NQ-CP targets are met) are not reproduced: this is a proportional early warning,
not the official score [VERIFY against the Annex of Decision 766]. A part is `null` when the
portal does not hold its input (listed in `lacks`) or had nothing to divide in the period
(`no_data`); `computed_max` says how many of the points were computable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from chalicelib.domain.stats_report import ratio

Part = tuple[str, str, str, Callable[[dict], tuple[int, int] | None]]
PUBLISHED_FIELDS = (
    "steps",
    "components",
    "processing_time",
    "subjects",
    "result",
    "delivery_options",
    "legal_basis",
)


def _complete(procedure) -> bool:
    """Circular 32/2017 art. 5: everything a level-1 service must publish is there (and the
    e-form for online services)."""
    data = procedure.data
    if any(not data.get(name) for name in PUBLISHED_FIELDS) or "fees" not in data:
        return False
    return procedure.level < 3 or bool(data.get("form_schema"))


# fmt: off
COMPONENTS: tuple[tuple[str, str, int, tuple[Part, ...]], ...] = (
    ("transparency", "Công khai, minh bạch", 18, (
        ("published_on_time", "Công bố, cập nhật kịp thời trên CSDL quốc gia về TTHC",
         "lacks: the national database's publication dates", lambda x: None),
        ("information_complete", "Thông tin thủ tục công khai đầy đủ",
         "procedures whose published information is complete ÷ procedures",
         lambda x: (x["procs_complete"], x["procs"])),
        ("status_synchronised", "Đồng bộ, công khai trạng thái hồ sơ trên Cổng DVC quốc gia",
         "status changes accepted by the national portal within an hour ÷ status changes "
         "accepted or refused", lambda x: (x["sync_on_time"], x["sync_sent"] + x["sync_failed"])),
    )),
    ("progress", "Tiến độ, kết quả giải quyết", 20, (
        ("on_time", "Tỉ lệ hồ sơ giải quyết trước hạn, đúng hạn",
         "(early + on time) ÷ (resolved + in progress past deadline)",
         lambda x: (x["on_time"], x["resolved"] + x["past_deadline"])),
    )),
    ("online_services", "Dịch vụ công trực tuyến", 12, (
        ("offered_online", "Thủ tục cung cấp dịch vụ công trực tuyến",
         "procedures at level 3 or 4 ÷ procedures", lambda x: (x["procs_online"], x["procs"])),
        ("used_online", "Thủ tục trực tuyến có phát sinh hồ sơ trực tuyến",
         "online procedures with an online dossier in the period ÷ online procedures",
         lambda x: (x["procs_used_online"], x["procs_online"])),
        ("submitted_online", "Tỉ lệ hồ sơ nộp trực tuyến",
         "dossiers received online ÷ dossiers received",
         lambda x: (x["received_online"], x["received"])),
    )),
    ("online_payment", "Thanh toán trực tuyến", 10, (
        ("procedures_paid_online", "Thủ tục có phí đã thanh toán trực tuyến",
         "procedures with a dossier paid online ÷ procedures with a fee-bearing dossier",
         lambda x: (x["procs_paid_online"], x["procs_fee"])),
        ("dossiers_paid_online", "Tỉ lệ hồ sơ có phí được thanh toán trực tuyến",
         "dossiers paid online ÷ dossiers with a fee",
         lambda x: (x["paid_online"], x["with_fee"])),
    )),
    ("satisfaction", "Mức độ hài lòng", 18, (
        ("feedback_on_time", "Xử lý phản ánh, kiến nghị đúng hạn",
         "feedback due in the period answered on time ÷ feedback due in the period "
         "(answered or not: overdue unanswered feedback counts against it)",
         lambda x: (x["fb_due_on_time"], x["fb_due"])),
        ("feedback_satisfaction", "Hài lòng về xử lý phản ánh, kiến nghị",
         "(feedback answered − answered late or rated not satisfied) ÷ feedback answered",
         lambda x: (x["fb_answered"] - x["fb_unsatisfactory"], x["fb_answered"])),
        ("dossier_satisfaction", "Hài lòng về giải quyết thủ tục hành chính",
         "ratings 'rất hài lòng' or 'hài lòng' (overall) ÷ ratings",
         lambda x: (x["satisfied"], x["rated"])),
    )),
    ("digitisation", "Số hóa hồ sơ", 22, (
        ("digitised_at_receipt", "Hồ sơ được số hóa khi tiếp nhận",
         "dossiers digitised at receipt (received online, or their components scanned at the "
         "counter or on arrival by post) ÷ dossiers received",
         lambda x: (x["digitised"], x["received"])),
        ("e_results", "Kết quả giải quyết điện tử",
         "results the agency signed at the decision, or downloaded signed from the portal ÷ "
         "dossiers resolved",
         lambda x: (x["e_results"], x["resolved"])),
        ("reuse", "Tái sử dụng dữ liệu đã số hóa",
         "dossiers reusing a document from the citizen's wallet ÷ dossiers received; lacks: "
         "the national portal's data repository", lambda x: (x["reused"], x["received"])),
    )),
)
# fmt: on


def inputs(figures: dict, members: dict[str, set[str]], procedures: Iterable) -> dict:
    """The numbers the formulas use, from the report's figures and the catalog in scope."""
    procs = list(procedures)
    online = {p.code for p in procs if p.is_online}
    overall = figures["ratings"]["overall"]
    fb = figures["feedback"]
    resolved = figures["resolved"]
    return {
        "procs": len(procs),
        "procs_complete": sum(1 for p in procs if _complete(p)),
        "procs_online": len(online),
        "procs_used_online": len(online & members.get("procs_online", set())),
        "procs_fee": len(members.get("procs_fee", set())),
        "procs_paid_online": len(members.get("procs_paid_online", set())),
        "received": figures["received"]["total"],
        "received_online": figures["received"]["online"],
        "resolved": resolved["total"],
        "on_time": resolved["early"] + resolved["on_time"],
        "past_deadline": figures["in_progress"]["past_deadline"],
        "with_fee": figures["payments"]["with_fee"],
        "paid_online": figures["payments"]["paid_online"],
        "e_results": figures["e_results"],
        "sync_sent": figures["national_sync"]["sent"],
        "sync_on_time": figures["national_sync"]["on_time"],
        "sync_failed": figures["national_sync"]["failed"],
        "digitised": figures["digitised_at_receipt"],
        "reused": figures["reused"],
        "fb_answered": fb["answered"],
        "fb_due": fb["due"],
        "fb_due_on_time": fb["due_answered_on_time"],
        "fb_unsatisfactory": fb["unsatisfactory"],
        "satisfied": overall["rat_hai_long"] + overall["hai_long"],
        "rated": figures["ratings"]["total"],
    }


def score(figures: dict, members: dict[str, set[str]], procedures: Iterable) -> dict:
    x = inputs(figures, members, procedures)
    items = []
    for key, name, maximum, parts in COMPONENTS:
        share = maximum / len(parts)
        scored, lacks, no_data = [], [], []
        for part_key, part_name, formula, compute in parts:
            found = compute(x)
            value = ratio(*found) if found else None
            points = round(value * share, 2) if value is not None else None
            if found is None:
                lacks.append(part_key)
            elif value is None:
                no_data.append(part_key)
            scored.append(
                {
                    "key": part_key,
                    "name": part_name,
                    "formula": formula,
                    "inputs": {"numerator": found[0], "denominator": found[1]} if found else None,
                    "ratio": value,
                    "points": points,
                    "max": round(share, 2),
                }
            )
        computed = [p for p in scored if p["points"] is not None]
        items.append(
            {
                "key": key,
                "name": name,
                "max": maximum,
                "score": round(sum(p["points"] for p in computed), 2) if computed else None,
                "computed_max": round(sum(p["max"] for p in computed), 2),
                "parts": scored,
                "lacks": lacks,
                "no_data": no_data,
            }
        )
    done = [i for i in items if i["score"] is not None]
    return {
        "score": round(sum(i["score"] for i in done), 2),
        "computed_max": round(sum(i["computed_max"] for i in items), 2),
        "max": 100,
        "items": items,
    }
