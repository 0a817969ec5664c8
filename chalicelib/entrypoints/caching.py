"""Who may keep an answer, and for how long (the `Cache-Control` values of the whole API).

Only answers that are the same for everyone and hold no personal data are public: the catalog
(JSON and pages), the working-day calendar, the statistics and the static files. CloudFront
(infra/base.json) serves those paths from its cache, keyed on the path and query string only,
never on cookies or Authorization, so a public answer must not depend on who asks. Everything
else is `no-store`, set by the middleware when a view said nothing (entrypoints/middleware.py)."""

from __future__ import annotations

from chalice import Response

# The catalog changes when an administrator republishes it (rarely): browsers keep it 5 minutes,
# the CDN an hour, and may answer from a stale copy for 5 more minutes while it refreshes.
CATALOG = "public, max-age=300, s-maxage=3600, stale-while-revalidate=300"
# The calendar and the statistics follow administrators' changes and the counters: 5 minutes
# everywhere.
SHORT = "public, max-age=300"
# Static files are fingerprinted (`?v=` in their links, web/portal.py), so a copy never goes stale.
IMMUTABLE = "public, max-age=31536000, immutable"
PRIVATE = "no-store"


def enforce(response: Response) -> Response:
    """An answer that said nothing is not kept, and an answer that sets a cookie is never kept,
    whatever its view said (a shared cache would hand the cookie to the next visitor)."""
    headers = response.headers
    name = next((k for k in headers if k.lower() == "cache-control"), None)
    sets_cookie = any(k.lower() == "set-cookie" for k in headers)
    if name is None or sets_cookie:
        headers.pop(name, None)
        headers["Cache-Control"] = PRIVATE
    return response
