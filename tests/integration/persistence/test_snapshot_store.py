"""Procedure snapshots: one per procedure version whatever agency handles the dossier, written
by the first dossier that uses it and read back without the agency."""

import pytest

from chalicelib.persistence import snapshot_store, store

PROCEDURE = {
    "code": "1.001",
    "version": "3",
    "name": "Đăng ký khai sinh",
    "agency_id": "ubnd-a",
    "agency_name": "UBND phường A",
    "agency_id_code": "000.00.01.H01",
}
OTHER_AGENCY = {**PROCEDURE, "agency_id": "ubnd-b", "agency_name": "UBND phường B"}


@pytest.fixture
def forgetful(fresh_tables, monkeypatch):
    """A container that has not seen any snapshot yet."""
    monkeypatch.setattr(snapshot_store, "_KNOWN", {})


def test_the_same_procedure_handled_by_another_agency_shares_its_snapshot():
    assert snapshot_store.procedure_ref(PROCEDURE) == snapshot_store.procedure_ref(OTHER_AGENCY)
    assert snapshot_store.procedure_ref(PROCEDURE).startswith("1.001#3#")


def test_the_first_dossier_writes_the_snapshot_and_the_next_finds_it(forgetful, monkeypatch):
    refs = []
    store.commit(lambda tx: refs.append(snapshot_store.stage_snapshot(tx, PROCEDURE)))
    monkeypatch.setattr(snapshot_store, "_KNOWN", {})

    tx = store.transaction()
    assert snapshot_store.stage_snapshot(tx, OTHER_AGENCY) == refs[0]
    assert tx.labels == []  # found, not written again
    assert snapshot_store.snapshot(refs[0]) == {
        "code": "1.001",
        "version": "3",
        "name": PROCEDURE["name"],
    }


def test_a_committed_dossiers_snapshot_is_known_without_a_read(forgetful):
    snapshot_store.remember(PROCEDURE)

    assert (
        snapshot_store.snapshot(snapshot_store.procedure_ref(PROCEDURE))["name"]
        == PROCEDURE["name"]
    )
