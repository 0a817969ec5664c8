"""Dossiers and feedback (PAKN) submitted on the national portal, received by the province.

A dossier arrives once per `national_code`: the first request creates it (channel
`national_portal`, the national code and submission time kept in it), and a marker written in
the same transaction maps the national code to it, so every later request with that code gets
the same dossier back (200), whatever its body or Idempotency-Key; two first requests racing
end with one dossier.

Attachments come as URLs, fetched into the uploads bucket's quarantine within the component's
size and types (integrations/attachment_fetch.py), or as uploads the connector made through
`POST /v1/uploads`; both then go through the same checks as a citizen's. A request with any
problem is refused with every problem listed, and whatever it fetched is deleted again, but
for files the malware scan has not answered yet: those stay, under an upload id derived from
the national code and the URL, so the connector's retry finds them instead of fetching (and
waiting for a scan) again.

Feedback from the national PAKN system follows the same pattern, once per national reference,
into the feedback flow (its attachments stay links, as from every other channel).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import re
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.config import get_settings
from chalicelib.domain.catalog import Procedure
from chalicelib.domain.errors import (
    FieldError,
    ServiceUnavailable,
    UploadScanPending,
    ValidationFailed,
    refusal,
)
from chalicelib.domain.principal import Principal
from chalicelib.integrations import storage
from chalicelib.integrations.attachment_fetch import FetchError, fetch
from chalicelib.persistence import dossier_store, feedback_store, upload_store
from chalicelib.persistence import national_intake_store as markers
from chalicelib.services.dossiers import submission
from chalicelib.services.feedback import intake as feedback_intake
from chalicelib.services.feedback import views as feedback_views
from chalicelib.services.shared import uploads

if TYPE_CHECKING:  # imported where used: only the calls out need it (cold start)
    import httpx

log = logging.getLogger(__name__)
CHANNEL = "national_portal"
DEFAULT_FILE_HOSTS = "dichvucong.gov.vn"
FILES_RETRY_AFTER_SECONDS = 60
_http: httpx.Client | None = None


def file_hosts() -> tuple[str, ...]:
    """Where the national portal's files may be fetched from (`NATIONAL_PORTAL_FILE_HOSTS`, a
    comma list of host names; their subdomains too)."""
    value = os.environ.get("NATIONAL_PORTAL_FILE_HOSTS", DEFAULT_FILE_HOSTS)
    return tuple(h.strip().lower() for h in value.split(",") if h.strip())


def http_client() -> httpx.Client:
    """One pooled client per container for fetching attachments."""
    global _http
    if _http is None:
        import httpx

        _http = httpx.Client()
    return _http


def receive_dossier(
    principal: Principal, body: dict, now: datetime, http: httpx.Client | None = None
) -> tuple[dict, bool]:
    """(answer, created?): the dossier for this national code, created on first receipt."""
    existing = markers.created(markers.DOSSIER, body["national_code"])
    if existing:
        return answer(existing), False
    procedure = uploads.online_procedure(body["procedure_code"])
    problems: list[FieldError] = []
    out_of_reach: dict[int, FieldError] = {}
    fetched = _fetch_all(body, procedure, principal, now, http, problems, out_of_reach)
    positions = [
        i for i, a in enumerate(body["attachments"]) if fetched.get(i, a.get("upload_id"))
    ]  # where each attachment of the submission stands in the request
    submission_body = {
        "procedure_code": procedure.code,
        "agency": body["agency"],
        "applicant": body["applicant"],
        "form": body["form"],
        "attachments": [
            {
                "component_code": body["attachments"][i]["component_code"],
                "upload_id": fetched.get(i, body["attachments"][i].get("upload_id")),
            }
            for i in positions
        ],
        "result_delivery": body.get("result_delivery", "online"),
        "notify": body.get("notify", []),
    }
    try:
        checked = submission.check(submission_body, procedure, principal)
    except (ValidationFailed, UploadScanPending) as exc:
        problems += [_in_request(d, positions) for d in exc.details]
    if out_of_reach and _only_for_want_of(out_of_reach, problems, body["attachments"]):
        _discard(fetched)
        raise _files_out_of_reach(list(out_of_reach.values()))
    if problems:
        error = refusal("Hồ sơ chưa hợp lệ; vui lòng sửa các mục được nêu.", problems)
        if not isinstance(error, UploadScanPending):
            _discard(fetched)
        raise error
    _flag_repository_files(checked, body["attachments"], fetched)
    try:
        submission.create(
            submission_body,
            procedure,
            principal,
            None,
            checked,
            now,
            CHANNEL,
            {"national_code": body["national_code"], "national_submitted_at": body["submitted_at"]},
            submission.Also(
                markers.LABEL,
                lambda tx, code: markers.stage(
                    tx, markers.DOSSIER, body["national_code"], code, now
                ),
            ),
        )
    except ValidationFailed:
        _discard(fetched)
        raise
    except submission.AlsoRefused:
        _discard(fetched)  # another request with this national code won the race
        return answer(markers.created(markers.DOSSIER, body["national_code"])), False
    return answer(markers.created(markers.DOSSIER, body["national_code"])), True


def _only_for_want_of(
    out_of_reach: dict[int, FieldError], problems: list[FieldError], attachments: list[dict]
) -> bool:
    """Whether every problem is a file out of reach or its component missing for that reason."""
    components = {f"attachments.{attachments[i]['component_code']}" for i in out_of_reach}
    excused = set(out_of_reach.values())
    return all(p in excused or p.field in components for p in problems)


def _files_out_of_reach(details: list[FieldError]) -> ServiceUnavailable:
    """Nothing is wrong with the record, only the file host was out of reach for now: the
    connector sends the same record again later (a 400 would tell it to correct the record)."""
    error = ServiceUnavailable(
        "Chưa tải được tệp đính kèm từ Cổng Dịch vụ công quốc gia; vui lòng gửi lại sau.",
        details,
    )
    error.headers = {"Retry-After": str(FILES_RETRY_AFTER_SECONDS)}
    return error


def _in_request(problem: FieldError, positions: list[int]) -> FieldError:
    """A problem of the k-th submitted attachment, named by its place in the request."""
    match = re.match(r"attachments\[(\d+)\](.*)", problem.field)
    if not match or int(match.group(1)) >= len(positions):
        return problem
    return dataclasses.replace(
        problem, field=f"attachments[{positions[int(match.group(1))]}]{match.group(2)}"
    )


def answer(code: str) -> dict:
    dossier = dossier_store.get(code)
    return {
        "code": dossier.code,
        "national_code": dossier.extra.get("national_code"),
        "status": dossier.status.value,
        "national_status_code": dossier.status.national_code,
        "channel": dossier.channel,
        "submitted_at": dossier.extra.get(
            "national_submitted_at", dossier.submitted_at.isoformat()
        ),
        "received_at": dossier.submitted_at.isoformat(),
    }


def _fetch_all(
    body: dict,
    procedure: Procedure,
    principal: Principal,
    now: datetime,
    http: httpx.Client | None,
    problems: list[FieldError],
    out_of_reach: dict[int, FieldError],
) -> dict[int, str]:
    """Fetch every URL attachment into quarantine as an upload of `principal` (unless an
    earlier request of this national code left it there); {index: upload_id} of those fetched
    (the others add their problem, also to `out_of_reach` when a later try may fetch it)."""
    fetched: dict[int, str] = {}
    for i, item in enumerate(body["attachments"]):
        if not item.get("url"):
            continue
        upload_id = _upload_id(body["national_code"], i, item["component_code"], item["url"])
        if upload_store.get(upload_id) is not None:
            fetched[i] = upload_id
            continue
        component = procedure.component(item["component_code"])
        if component is None:
            problems.append(
                FieldError(f"attachments[{i}].component_code", "Thủ tục không có thành phần này")
            )
            continue
        try:
            got = fetch(
                http or http_client(),
                item["url"],
                item["content_type"],
                tuple(component.file_types),
                component.max_size_bytes,
                file_hosts(),
            )
        except FetchError as exc:
            problems.append(FieldError(f"attachments[{i}].url", str(exc)))
            if exc.temporary:
                out_of_reach[i] = problems[-1]
            continue
        fetched[i] = _quarantine(upload_id, procedure, item, got, principal, now)
    return fetched


def _upload_id(national_code: str, index: int, component: str, url: str) -> str:
    """The same file of the same national dossier always gets the same upload id (its record
    is the connector's own: nobody else can attach it)."""
    key = f"{national_code}\n{index}\n{component}\n{url}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _quarantine(upload_id, procedure, item, got, principal, now) -> str:
    key = f"{uploads.QUARANTINE}{upload_id}/{uploads.safe_filename(item['filename'])}"
    storage.put(get_settings().bucket_uploads, key, got.content, got.content_type)
    uploads.record(
        upload_id,
        key,
        procedure.code,
        item["component_code"],
        {
            "filename": item["filename"],
            "content_type": got.content_type,
            "size_bytes": len(got.content),
        },
        principal,
        now,
    )
    return upload_id


def _flag_repository_files(checked, attachments: list[dict], fetched: dict[int, str]) -> None:
    """Keep the national portal's "taken from the citizen's repository" flag on each file."""
    from_repository = {
        fetched.get(i, a.get("upload_id"))
        for i, a in enumerate(attachments)
        if a.get("from_national_repository")
    }
    for item in checked:
        if item.attachment["upload_id"] in from_repository:
            item.attachment["from_national_repository"] = True


def _discard(fetched: dict[int, str]) -> None:
    """Nothing of a refused request stays: the fetched files and their upload records go."""
    for upload_id in fetched.values():
        uploads.forget(upload_id)
    if fetched:
        log.info("fetched attachments discarded", extra={"count": len(fetched)})


def receive_feedback(principal: Principal, body: dict, now: datetime) -> tuple[dict, bool]:
    """(answer, created?): the feedback for this national PAKN reference, created on first
    receipt through the feedback intake (channel `national_portal`)."""
    reference = body["national_reference"]
    existing = markers.created(markers.FEEDBACK, reference)
    if existing:
        return _feedback_answer(existing, reference), False
    fields = {k: v for k, v in body.items() if k not in ("national_reference", "submitted_at")}
    created = feedback_intake.submit(
        fields,
        None,
        now,
        channel=CHANNEL,
        also=lambda tx, feedback_id: markers.stage(
            tx, markers.FEEDBACK, reference, feedback_id, now
        ),
    )
    return {**created, "national_reference": reference}, True


def _feedback_answer(feedback_id: str, reference: str) -> dict:
    return {
        **feedback_views.created(feedback_store.get(feedback_id)),
        "national_reference": reference,
    }
