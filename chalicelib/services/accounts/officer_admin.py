"""An agency's admin creates, disables, enables and re-roles the officers of their own agency
(console page or operator command); every change is written to the agency's audit trail.
An officer of another agency is answered as unknown, never revealed."""

from __future__ import annotations

import re

from chalicelib.domain.errors import FieldError, Forbidden, NotFound, ValidationFailed
from chalicelib.domain.principal import OFFICER_ROLES, Principal
from chalicelib.integrations import cognito
from chalicelib.persistence import session_store
from chalicelib.services.accounts import officers
from chalicelib.services.shared import paging
from chalicelib.services.shared.clock import now

ACTIONS = ("create", "disable", "enable", "set_role")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
AUDIT_SCOPE = "officer-audit"


def change(
    actor: Principal,
    action: str,
    username: str,
    role: str | None = None,
    email: str | None = None,
) -> dict:
    """Apply one change for `actor` (role admin) and return its audit entry."""
    if actor.role != "admin" or not actor.agency:
        raise Forbidden("Chỉ quản trị của cơ quan mới quản lý được tài khoản cán bộ.")
    username = (username or "").strip().lower()
    problems = _problems(action, username, role, email)
    if problems:
        raise ValidationFailed("Thông tin tài khoản cán bộ chưa hợp lệ.", problems)
    if username == actor.subject.lower() and action != "enable":
        raise ValidationFailed(
            "Không thể tự khóa hoặc đổi vai trò của chính mình.",
            [FieldError("username", "Là tài khoản của bạn")],
        )
    try:
        _apply(actor, action, username, role, email)
    except cognito.CognitoError as exc:
        if exc.reason == "exists":
            raise ValidationFailed(
                "Tên đăng nhập đã được dùng.", [FieldError("username", "Đã có")]
            ) from None
        if exc.reason in ("wrong_credentials", "expired"):
            raise NotFound("Không có cán bộ này trong cơ quan của bạn.") from None
        raise
    entry = {
        "at": now().isoformat(),
        "actor": actor.subject,
        "action": action,
        "username": username,
        "agency": actor.agency,
    }
    if role and action in ("create", "set_role"):
        entry["role"] = role
    session_store.add_audit(actor.agency, entry["at"], entry)
    return entry


def _apply(actor: Principal, action: str, username: str, role, email) -> None:
    pool = officers.pool()
    if action == "create":
        pool.create_officer(username, email.strip(), actor.agency, role)
        return
    target = pool.officer(username)
    if target["agency"] != actor.agency:
        raise NotFound("Không có cán bộ này trong cơ quan của bạn.")
    if action == "disable":
        pool.disable(username)
    elif action == "enable":
        pool.enable(username)
    else:
        pool.set_role(username, role, target["role"])


def _problems(action, username, role, email) -> list[FieldError]:
    problems = []
    if action not in ACTIONS:
        problems.append(FieldError("action", "Thao tác không hợp lệ"))
    if not USERNAME.match(username):
        problems.append(
            FieldError("username", "3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch")
        )
    if action in ("create", "set_role") and role not in OFFICER_ROLES:
        problems.append(FieldError("role", "Chọn một vai trò"))
    if action == "create" and not EMAIL.match((email or "").strip()):
        problems.append(FieldError("email", "Thư điện tử không hợp lệ"))
    return problems


def audit(actor: Principal, page_size: int = 20, page_token: str | None = None):
    """One page of the actor's agency audit trail, newest first: (entries, next_page_token)."""
    if actor.role != "admin" or not actor.agency:
        raise Forbidden()
    start = paging.decode(page_token, AUDIT_SCOPE)
    items, last = session_store.list_audit(actor.agency, page_size, start)
    return items, paging.scoped(last, AUDIT_SCOPE)
