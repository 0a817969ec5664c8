"""The routes whose answers browsers and the CDN may keep (the same for everyone, no personal
data), with the `Cache-Control` each sends: the functional test checks the answers, the infra
test checks that CloudFront's cached behaviours reach no other route."""

CATALOG = "public, max-age=300, s-maxage=3600, stale-while-revalidate=300"
SHORT = "public, max-age=300"
IMMUTABLE = "public, max-age=31536000, immutable"

CACHED = {
    "/": CATALOG,
    "/thu-tuc": CATALOG,
    "/thu-tuc/{code}": CATALOG,
    "/v1/agencies": CATALOG,
    "/v1/procedures": CATALOG,
    "/v1/procedures/{code}": CATALOG,
    "/v1/procedures/{code}/form": CATALOG,
    "/v1/calendar/{year}": SHORT,
    "/v1/stats": SHORT,
    "/v1/stats.csv": SHORT,
    "/v1/stats/index": SHORT,
    "/v1/stats/index.csv": SHORT,
    "/thong-ke": SHORT,
    "/static/{name}": IMMUTABLE,
}
