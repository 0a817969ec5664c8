"""An agency's admin manages the officers of their own agency only (anyone else's is unknown),
never locks themselves out, and every change is written to the agency's audit trail."""

import pytest

from chalicelib.domain.errors import FieldError, Forbidden, NotFound, ValidationFailed
from chalicelib.domain.principal import Principal
from chalicelib.services.accounts import officer_admin as admin

ADMIN = Principal("admin-a", "admin", "ubnd-a")


class Pool:
    """The officers' user pool in memory: username -> {agency, role, enabled}."""

    def __init__(self):
        self.users = {
            "chuyenvien": {"agency": "ubnd-a", "role": "specialist", "enabled": True},
            "khac": {"agency": "ubnd-b", "role": "specialist", "enabled": True},
        }

    def create_officer(self, username, email, agency, role):
        self.users[username] = {"agency": agency, "role": role, "enabled": True}

    def officer(self, username):
        return self.users[username]

    def disable(self, username):
        self.users[username]["enabled"] = False

    def enable(self, username):
        self.users[username]["enabled"] = True

    def set_role(self, username, role, previous):
        self.users[username]["role"] = role


@pytest.fixture
def pool(monkeypatch):
    found, audit = Pool(), []
    monkeypatch.setattr(admin.officers, "pool", lambda: found)
    monkeypatch.setattr(admin.session_store, "add_audit", lambda a, at, entry: audit.append(entry))
    found.audit = audit
    return found


def test_an_admin_creates_and_re_roles_an_officer_of_their_agency_with_an_audit_entry(pool):
    admin.change(ADMIN, "create", " Tiepnhan.01 ", "receptionist", "tn@ubnd-a.gov.vn")
    entry = admin.change(ADMIN, "set_role", "chuyenvien", "leader")

    assert pool.users["tiepnhan.01"] == {"agency": "ubnd-a", "role": "receptionist",
                                         "enabled": True}  # fmt: skip
    assert pool.users["chuyenvien"]["role"] == "leader"
    assert [e["action"] for e in pool.audit] == ["create", "set_role"]
    assert (entry["actor"], entry["agency"], entry["role"]) == ("admin-a", "ubnd-a", "leader")


def test_an_officer_of_another_agency_is_unknown(pool):
    with pytest.raises(NotFound):
        admin.change(ADMIN, "disable", "khac")

    assert pool.users["khac"]["enabled"] is True and pool.audit == []


def test_an_admin_cannot_lock_themselves_out(pool):
    with pytest.raises(ValidationFailed, match="chính mình"):
        admin.change(ADMIN, "disable", "Admin-A")


def test_every_problem_of_a_change_is_named(pool):
    with pytest.raises(ValidationFailed) as refused:
        admin.change(ADMIN, "create", "x", "boss", "not-an-email")

    assert [d.field for d in refused.value.details] == ["username", "role", "email"]
    assert isinstance(refused.value.details[0], FieldError)


def test_only_an_agency_admin_manages_officers(pool):
    with pytest.raises(Forbidden):
        admin.change(Principal("leader-a", "leader", "ubnd-a"), "disable", "chuyenvien")
    with pytest.raises(Forbidden):
        admin.audit(Principal("admin-x", "admin"))
