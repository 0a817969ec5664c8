"""An exempt citizen gets the electronic result without paying: the exemption is catalog data
with its legal reason (the judicial record certificate's free groups, Circular 244/2016/TT-BTC),
and a full-online (level 4) result is released once nothing is owed (Decree 45/2020/NĐ-CP
arts. 10 and 19: the electronic result goes to the applicant)."""

from __future__ import annotations

from tests.factories import call, submit, token
from tests.functional.payment_flow import attach_result

PROCEDURE = "3.000333"  # judicial record certificate, level 4, VND 200,000 with exemptions
AGENCY = "cong-an-tinh"


def act(client, code, who, action, **params):
    _, view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=who)
    status, view = call(
        client,
        "POST",
        f"/v1/officer/dossiers/{code}/actions",
        {"action": action, "version": view["version"], **params},
        token=who,
    )
    assert status == 200, view
    return view


def test_an_exempt_citizen_downloads_the_electronic_result_without_paying(client):
    citizen = token(client)
    _, created = submit(client, PROCEDURE, token_=citizen, result_delivery="online")
    code = created["code"]
    desk, specialist, leader = (token(client, role=r, agency=AGENCY)
                                for r in ("receptionist", "specialist", "leader"))  # fmt: skip
    assert created["fee_due"] == 200000

    exempt = act(client, code, desk, "apply_fee_reduction", reduction="mien-phi")
    act(client, code, desk, "accept")
    act(client, code, leader, "assign", assignee="canbo.lltp")
    attach_result(client, code, specialist, "Phieu ly lich tu phap so 1", "lltp.pdf")
    approved = act(client, code, leader, "approve")
    status, result = call(client, "GET", f"/v1/dossiers/{code}/result", token=citizen)

    assert exempt["fee_due"] == 0
    assert approved["status"] == "result_ready"
    assert status == 200, result
    assert result["status"] == "returned"
    status, view = call(client, "GET", f"/v1/dossiers/{code}", token=citizen)
    assert view["fee_paid"] == 0 and "record_payment" not in [s["action"] for s in view["history"]]
