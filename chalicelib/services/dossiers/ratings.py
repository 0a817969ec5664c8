"""The applicant's satisfaction rating of a dossier (Circular 32/2017 art. 12; Decree 61/2018
arts. 27-32): overall, convenience, timeliness and staff attitude, each `rat_hai_long`,
`hai_long` or `chua_hai_long`; only by the applicant (their account or the dossier's phone),
only once the result exists (`result_ready` or `returned`), once per dossier. The
`dossier.rated` event feeds the satisfaction statistics (index 766)."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.dossier import Status
from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.events import Event
from chalicelib.domain.principal import Principal
from chalicelib.persistence import rating_store
from chalicelib.services.dossiers import citizen as dossiers
from chalicelib.services.shared import idempotency

VALUES = ("rat_hai_long", "hai_long", "chua_hai_long")
CRITERIA = ("overall", "convenience", "timeliness", "attitude")
RATEABLE = frozenset({Status.RESULT_READY, Status.RETURNED})


def rate_dossier(
    code: str,
    principal: Principal | None,
    body: dict,
    client_ip: str | None,
    now: datetime,
    claim: idempotency.Claim | None = None,
) -> dict:
    dossier = dossiers.authorized(code, principal, body.get("phone"), client_ip)
    if dossier.status not in RATEABLE:
        raise InvalidTransition("Chỉ đánh giá được sau khi hồ sơ đã có kết quả giải quyết.")
    scores = {k: body[k] for k in CRITERIA}
    rating = {**scores, **({"comment": body["comment"]} if body.get("comment") else {})}
    owner = principal is not None and dossier.is_owned_by(principal.subject)
    event = Event(
        "dossier.rated",
        code,
        now,
        {
            "status": dossier.status.value,
            "agency_id": dossier.agency_id,
            "procedure_code": dossier.procedure["code"],
            **scores,
        },
    )
    response = {"code": code, **rating, "rated_at": now.isoformat()}

    rated_by = principal.subject if owner else "phone"
    rating_store.save(code, rating, rated_by, event, idempotency.completion(claim, response))
    return response
