"""Assisted online filing: an officer of the one-stop desk (or a kiosk signed in as one) helps
a citizen file online with the citizen's electronic identity: the citizen signs in at the desk
or kiosk and the officer presents the citizen's own access token, verified like any other (an
identity typed by the officer would let a desk file into anyone's account). The dossier is the
citizen's: its owner is the citizen's subject, its channel `online`, it waits for acceptance like
any online dossier, and its first history entry names the officer who helped (`assisted_by`).
The officer scans the components (`POST /v1/officer/uploads`); the desk files for its own
agency only."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.errors import FieldError
from chalicelib.domain.principal import Principal
from chalicelib.services.dossiers import intake, submission
from chalicelib.services.shared import idempotency, uploads

DESK_ONLY = ("decision", "consignment")  # what only a paper dossier received at the desk has


def file(
    body: dict,
    officer: Principal,
    citizen: Principal | None,
    claim: idempotency.Claim | None,
    now: datetime,
) -> dict:
    """`citizen`: the principal of the citizen's verified access token (None when missing)."""
    procedure = uploads.online_procedure(body["procedure_code"])
    offering = intake.receiving_offering(procedure, body.get("agency"), officer)
    problems = [
        FieldError(name, "Chỉ dùng với hồ sơ nhận trực tiếp hoặc qua bưu chính")
        for name in DESK_ONLY
        if body.get(name)
    ]
    if citizen is None:
        problems.append(FieldError("citizen", "Cần định danh điện tử của công dân nộp hồ sơ"))
    filed = {k: v for k, v in body.items() if k not in ("channel", "citizen", *DESK_ONLY)} | {
        "agency": offering.agency.id,
        "form": body.get("form", {}),
    }
    checked = submission.check(filed, procedure, officer, problems)  # raises with them all
    return submission.create(
        filed,
        procedure,
        citizen,
        claim,
        checked,
        now,
        assisted_by=officer.subject,
        more_response={
            "channel": "online",
            "agency": offering.agency.ref(),
            "assisted_by": officer.subject,
            "digitised_components": [c.attachment["component_code"] for c in checked],
        },
    )
