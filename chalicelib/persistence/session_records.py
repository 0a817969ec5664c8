"""Record classes of the sessions table: browser sign-in sessions, pending sign-ins and the
officer-account audit.

    PK=SESSION#<sha256 of the cookie>  SK=SESSION      one browser session: who, the CSRF token,
                                                       idle and absolute expiry, and (officers)
                                                       the identity provider's tokens
    PK=SIGNIN#<state>                  SK=SIGNIN       a citizen's sign-in on its way through
                                                       the OpenID provider (PKCE verifier, nonce)
    PK=AUDIT#<agency id>               SK=<time>#<id>  one change to an officer account

Only a hash of the session cookie is stored, so the table never holds a usable cookie. Items
expire by TTL; every read also checks the expiry itself (TTL deletion lags by hours).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute

from chalicelib.persistence.base import CompactJSON, Keyed


class SessionRecord(Keyed):
    class Meta:
        table_name = "sessions"

    data = CompactJSON()
    ttl = NumberAttribute()


class AuditRecord(Keyed):
    class Meta:
        table_name = "sessions"

    entry = CompactJSON()
