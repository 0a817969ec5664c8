"""Callers, resources and request bodies for the security matrix
(tests/functional/test_security_matrix.py). Routes and their schemas come from the app itself."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

import jwt

from chalicelib.domain.principal import Principal
from chalicelib.services.accounts import officers
from chalicelib.services.accounts.sessions import open_session
from tests.factories import call, random_phone, submit, token

AGENCY_X = "ubnd-phuong-kinh-bac"  # the agency of tests.factories.PROCEDURE
AGENCY_Y = "ubnd-phuong-vo-cuong"
CALLERS = (
    "citizen_a",
    "citizen_b",
    "officer_x",
    "officer_y",
    "anonymous",
    "stranger_phone",
    "expired",
    "forged",
    "citizen_b_session",
    "officer_y_session",
)
OWNER_CALLER = {
    "citizen": "citizen_a",
    "wallet": "citizen_a",
    "officer": "officer_x",
    "nobody": None,
}


def id_routes() -> list[tuple[str, str]]:
    """(method, path) of every route of the app that has a path parameter."""
    from app import app

    return sorted(
        (method, path)
        for path, methods in app.routes.items()
        for method in methods
        if "{" in path and method != "HEAD"  # HEAD is the GET's (test_head_requests.py)
    )


def route_doc(method: str, path: str):
    from chalicelib.entrypoints.http import ROUTES

    return next((d for d in ROUTES if d.method == method and d.path == path), None)


def fill_path(path: str, resource_id: str) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "number":
            return "01"
        if name.endswith("_fmt"):
            return f"{resource_id}.json"
        return resource_id

    return re.sub(r"{(\w+)}", value, path)


def example_body(schema_name: str | None) -> dict:
    """The smallest body the request schema accepts (required properties only)."""
    if not schema_name:
        return {}
    from chalicelib.validation import registry

    resolver = registry().resolver(base_uri=schema_name)
    return _example(resolver.lookup(schema_name).contents, resolver)


def _example(node: dict, resolver):
    if "$ref" in node:
        resolved = resolver.lookup(node["$ref"])
        return _example(resolved.contents, resolved.resolver)
    for key in ("examples", "enum"):
        if node.get(key):
            return node[key][0]
    if "const" in node:
        return node["const"]
    kind = node.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind == "object":
        props = node.get("properties", {})
        return {name: _example(props.get(name, {}), resolver) for name in node.get("required", [])}
    if kind == "array":
        return [_example(node.get("items", {}), resolver)] * node.get("minItems", 0)
    return _scalar(kind, node)


def _scalar(kind: str | None, node: dict):
    if kind in ("integer", "number"):
        return node.get("minimum", 1)
    if kind == "boolean":
        return True
    if node.get("format") == "date-time":
        return datetime.now(timezone(timedelta(hours=7))).isoformat(timespec="seconds")
    if node.get("format") == "email":
        return "kiemthu@example.vn"
    return "x" * max(1, node.get("minLength", 1))


@dataclass
class Resource:
    kind: str
    id: str
    secrets: list[str]
    link_token: str | None = None
    extra: dict = field(default_factory=dict)

    def _load(self):
        if self.kind == "dossier":
            from chalicelib.persistence import dossier_store

            return dossier_store.get(self.id)
        if self.kind == "document":
            from chalicelib.persistence import document_store

            return document_store.get(self.id)
        from chalicelib.persistence import feedback_store

        return feedback_store.get(self.id)

    def state(self):
        return self._load()

    @property
    def version(self) -> int:
        return int(self._load().version)


class Resources:
    """Tokens for every caller and the resources they try to reach, made through the API."""

    def __init__(self, client):
        self.client = client
        run = uuid.uuid4().hex[:8]
        self.subjects = {"citizen_a": f"matrix-a-{run}", "citizen_b": f"matrix-b-{run}"}
        self.tokens = {
            "citizen_a": token(client, "citizen", subject=self.subjects["citizen_a"]),
            "citizen_b": token(client, "citizen", subject=self.subjects["citizen_b"]),
            "officer_x": token(client, "admin", AGENCY_X, subject=f"matrix-x-{run}"),
            "officer_y": token(client, "admin", AGENCY_Y, subject=f"matrix-y-{run}"),
        }
        # The other citizen and an admin of the other agency (signed in with the Cognito pool)
        # with the browser's session cookie and its CSRF token.
        self.sessions = {
            "citizen_b_session": open_session(Principal(self.subjects["citizen_b"], "citizen")),
            "officer_y_session": officers.sign_in(f"admin.{AGENCY_Y}", "dvc-local").session,
        }
        other = self.fresh("dossier", owner="citizen_b")
        self.other_phone, self.other_link = other.secrets[0], other.link_token
        self._shared: dict[str, Resource] = {}

    def schema_of(self, route: tuple[str, str], part: str) -> str | None:
        doc = route_doc(*route)
        return getattr(doc, part) if doc else None

    def shared(self, kind: str) -> Resource:
        if kind not in self._shared:
            self._shared[kind] = self.fresh(kind)
        return self._shared[kind]

    def transferred(self) -> Resource:
        """A dossier agency X accepted and transferred to agency Y (shared, never changed)."""
        if "transferred" not in self._shared:
            resource = self.fresh("dossier")
            for action, extra in (("accept", {}), ("transfer", {"agency": AGENCY_Y})):
                status, _ = call(
                    self.client,
                    "POST",
                    f"/v1/officer/dossiers/{resource.id}/actions",
                    {"action": action, "version": resource.version, **extra},
                    token=self.tokens["officer_x"],
                )
                assert status == 200
            self._shared["transferred"] = resource
        return self._shared["transferred"]

    def fresh(self, kind: str, owner: str = "citizen_a") -> Resource:
        if kind == "document":
            return self._document(owner)
        if kind == "dossier":
            body, created = submit(self.client, token_=self.tokens[owner], phone=random_phone())
            link = parse_qs(urlparse(created.get("receipt_url") or "").query).get("t", [None])[0]
            applicant = body["applicant"]
            return Resource(
                kind, created["code"], [applicant["phone"], applicant["id_number"]], link
            )
        marker = f"Nội dung riêng tư {uuid.uuid4().hex[:12]}"
        phone = random_phone()
        status, created = call(
            self.client,
            "POST",
            "/v1/feedback",
            {
                "title": "Phản ánh kiểm thử",
                "content": marker,
                "category": "thu_tuc_hanh_chinh",
                "agency": AGENCY_X,
                "sender": {"full_name": "Trần Thị Bình", "phone": phone},
                "public": False,
            },
            token=self.tokens[owner],
        )
        assert status == 201, created
        return Resource(kind, created["id"], [marker, phone])

    def _document(self, owner: str) -> Resource:
        """A file of the owner's dossier, in their wallet once an officer accepted it."""
        body, created = submit(self.client, token_=self.tokens[owner], phone=random_phone())
        _, view = call(
            self.client,
            "GET",
            f"/v1/officer/dossiers/{created['code']}",
            token=self.tokens["officer_x"],
        )
        status, _ = call(
            self.client,
            "POST",
            f"/v1/officer/dossiers/{created['code']}/actions",
            {"action": "accept", "version": view["version"]},
            token=self.tokens["officer_x"],
        )
        assert status == 200
        _, wallet = call(self.client, "GET", "/v1/me/documents", token=self.tokens[owner])
        document = next(d for d in wallet["items"] if d["dossier_code"] == created["code"])
        applicant = body["applicant"]
        return Resource(
            "document", document["document_id"], [applicant["phone"], applicant["id_number"]]
        )

    def token_for(self, caller: str, owner: str) -> str | None:
        """The bearer token a caller sends; expired/forged ones copy the rightful owner's."""
        if caller in self.tokens:
            return self.tokens[caller]
        if caller not in ("expired", "forged"):
            return None
        rightful = OWNER_CALLER.get(owner) or "citizen_a"
        claims = jwt.decode(self.tokens[rightful], options={"verify_signature": False})
        if caller == "expired":
            from chalicelib.integrations.secrets import app_secrets

            now = int(time.time())
            claims.update(iat=now - 7200, nbf=now - 7200, exp=now - 3600)
            return jwt.encode(claims, app_secrets().secret_key, algorithm="HS256")
        return jwt.encode(claims, "not-the-portal-key-" + "x" * 16, algorithm="HS256")

    def headers_for(self, caller: str) -> dict:
        """The session cookie and CSRF token a browser caller sends (none for the others)."""
        session = self.sessions.get(caller)
        if session is None:
            return {}
        return {"Cookie": f"dvc_session={session.cookie}", "X-CSRF-Token": session.csrf_token}
