"""The catalog's read side: one snapshot per container, reloaded only when an import published
a new version (checked at most every CATALOG_CACHE_SECONDS); where a dossier is received."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from chalicelib.domain.errors import NotFound, ValidationFailed
from chalicelib.services.catalog import reads

ROOT = Path(__file__).resolve().parents[4]
SAMPLE = json.loads((ROOT / "chalicelib/data/catalog/bac-ninh.json").read_text("utf-8"))


@pytest.fixture
def store(monkeypatch):
    """The published version (`store.version`), how often it was asked and snapshots loaded."""
    state = SimpleNamespace(version="v1", asked=0, loads=0, forms={})

    def current_version():
        state.asked += 1
        return {"version": state.version, "fields": SAMPLE["fields"]} if state.version else None

    def load_snapshot(version):
        state.loads += 1
        return SAMPLE["agencies"], SAMPLE["procedures"]

    monkeypatch.setattr(reads.catalog_store, "current_version", current_version)
    monkeypatch.setattr(reads.catalog_store, "load_snapshot", load_snapshot)
    monkeypatch.setattr(reads.catalog_store, "load_form", lambda v, c: state.forms.get(c))
    monkeypatch.setattr(reads, "get_settings", lambda: SimpleNamespace(catalog_cache_seconds=60))
    reads.invalidate()
    yield state
    reads.invalidate()


def test_the_snapshot_is_read_once_until_a_new_version_is_published(store, monkeypatch):
    clock = SimpleNamespace(t=1000.0)
    monkeypatch.setattr(reads.time, "monotonic", lambda: clock.t)

    first = reads.get_catalog()
    clock.t += 30
    assert reads.get_catalog() is first and store.asked == 1  # within the cache time
    clock.t += 31
    assert reads.get_catalog() is first and (store.asked, store.loads) == (2, 1)  # same version
    store.version = "v2"
    clock.t += 61
    assert reads.get_catalog().version == "v2" and store.loads == 2


def test_no_published_catalog_is_an_empty_one(store):
    store.version = ""

    assert reads.get_catalog().version == "" and store.loads == 0
    with pytest.raises(NotFound):
        reads.get_procedure("1.001193")


def test_a_procedure_without_an_electronic_form_is_not_filed_online(store):
    store.forms["1.001193"] = {"type": "object"}

    assert reads.get_form("1.001193") == {"type": "object"}
    with pytest.raises(NotFound, match="biểu mẫu điện tử"):
        reads.get_form("3.000333")


def test_an_agency_is_named_by_its_id_or_its_code(store):
    assert reads.agency_id("000.00.00.H06") == "ubnd-tinh" == reads.agency_id("ubnd-tinh")
    assert reads.agency_id(None) is None
    with pytest.raises(ValidationFailed) as refused:
        reads.agency_id("khong-co", field="to_agency")
    assert refused.value.details[0].field == "to_agency"


def test_where_a_dossier_is_received(store):
    only_one = reads.get_procedure("3.000333")
    everywhere = reads.get_procedure("1.001193")

    assert reads.offering_for(only_one, None).agency.id == "cong-an-tinh"
    with pytest.raises(ValidationFailed, match="nhiều cơ quan"):
        reads.offering_for(everywhere, None)
    with pytest.raises(ValidationFailed, match="không thực hiện"):
        reads.offering_for(only_one, "ubnd-tinh")
