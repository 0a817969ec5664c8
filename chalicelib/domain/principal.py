"""Who is calling: a citizen (identified by their national identity subject) or an officer of an
agency, or another provincial system using service credentials."""

from __future__ import annotations

from dataclasses import dataclass

CITIZEN = "citizen"
OFFICER_ROLES = ("receptionist", "specialist", "leader", "admin")
SERVICE = "service"
ROLES = (CITIZEN, *OFFICER_ROLES, SERVICE)
RECEPTIONISTS = ("receptionist", "admin")  # who receives dossiers at the one-stop desk
# Who keeps the tracking register: the one-stop desk, its leaders, the administrator.
REGISTER_KEEPERS = ("receptionist", "leader", "admin")


@dataclass(frozen=True)
class Principal:
    subject: str
    role: str
    agency: str | None = None
    name: str | None = None

    @property
    def is_officer(self) -> bool:
        return self.role in OFFICER_ROLES

    @property
    def is_citizen(self) -> bool:
        return self.role == CITIZEN
