"""The sample procedures whose rules changed, each citing its legal basis (article and document)
in the entry, and saying in its note what could not be verified rather than inventing it; and
the agencies' status-view settings (who may be named on the citizen's status view)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
CATALOG = json.loads((ROOT / "chalicelib/data/catalog/bac-ninh.json").read_text("utf-8"))
SCHEMA = json.loads((ROOT / "schemas/data/catalog.schema.json").read_text("utf-8"))
PROCEDURES = {p["code"]: p for p in CATALOG["procedures"]}
UNVERIFIED = "CHƯA XÁC MINH"


def test_construction_permit_keeps_15_days_of_construction_law_art_102_and_flags_the_2025_law():
    """Construction Law 50/2014/QH13 art. 102 (amended by Law 62/2020/QH14): 15 days for an
    individual house. The 2025 Construction Law's decrees are not in the project's notes: the
    entry says so instead of inventing a new time limit."""
    permit = PROCEDURES["1.009122"]

    assert permit["processing_time"] == {"value": 15, "unit": "days", "same_day": False}
    assert any("Điều 102" in basis and "50/2014/QH13" in basis for basis in permit["legal_basis"])
    assert UNVERIFIED in permit["note"] and "Luật Xây dựng năm 2025" in permit["note"]


def test_judicial_record_certificate_at_the_provincial_police_within_law_art_48():
    """Law on Judicial Records 28/2009/QH12 art. 48: at most 10 days, 15 where verification is
    needed; performed by the provincial police. The 2026 decree is not in the notes: flagged."""
    record = PROCEDURES["3.000333"]

    assert record["processing_time"]["value"] == 10 and record["processing_time"]["unit"] == "days"
    assert record["performed_by"] == [{"agency_id": "cong-an-tinh"}]
    assert any("Điều 48" in basis and "28/2009/QH12" in basis for basis in record["legal_basis"])
    assert UNVERIFIED in record["note"] and "năm 2026" in record["note"]


def test_residence_is_full_online_only_where_the_catalog_can_say_so():
    """Decree 42/2022/NĐ-CP art. 11 cl. 1: full online (toàn trình) = submitted, handled and
    returned online. Residence confirmation is; permanent and temporary residence registration
    stay partial until a publication decision is verified (their notes say so)."""
    confirmation = PROCEDURES["1.010041"]
    assert (confirmation["online_mode"], confirmation["level"]) == ("toan_trinh", 4)
    assert confirmation["result"]["electronic"] and "42/2022/NĐ-CP" in confirmation["note"]
    for code in ("1.004222", "1.004194"):
        registration = PROCEDURES[code]
        assert (registration["online_mode"], registration["level"]) == ("mot_phan", 3)
        assert UNVERIFIED in registration["note"] and "toàn trình" in registration["note"]


def _agency_errors(agency: dict) -> list[str]:
    document = {**CATALOG, "agencies": [agency, *CATALOG["agencies"][1:]]}
    validator = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [e.message for e in validator.iter_errors(document)]


def test_no_sample_agency_names_officers_by_default():
    assert not [a["id"] for a in CATALOG["agencies"] if "status_view" in a]


@pytest.mark.parametrize(
    ("status_view", "valid"),
    [
        ({"officer_named_at": ["in_progress"],
          "officers": [{"username": "chuyenvien.binh", "name": "Nguyễn Văn Bình"}]}, True),
        ({"officer_named_at": [], "officers": []}, True),
        ({"officer_named_at": ["returned"], "officers": []}, False),  # not a handling stage
        ({"officer_named_at": ["in_progress"],
          "officers": [{"username": "chuyenvien.binh", "name": "Bình", "phone": "0912"}]}, False),
    ],
)  # fmt: skip
def test_status_view_settings_hold_stages_and_public_names_only(status_view, valid):
    errors = _agency_errors({**CATALOG["agencies"][0], "status_view": status_view})

    assert (errors == []) is valid, errors
