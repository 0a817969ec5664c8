"""The route index of docs/api.md (the public contract), docs/api-routes.md, lists exactly the
routes `GET /openapi.json` describes."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROUTE_INDEX = ROOT / "docs" / "api-routes.md"
METHODS = ("get", "post", "put", "patch", "delete")
ROW = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE)` \| `([^`]+)` \|", re.MULTILINE)


def documented() -> set[tuple[str, str]]:
    return set(ROW.findall(ROUTE_INDEX.read_text(encoding="utf-8")))


def test_the_route_index_matches_openapi_json(client):
    answer = client.http.get("/openapi.json")
    assert answer.status_code == 200
    paths = json.loads(answer.body)["paths"]
    served = {
        (method.upper(), path): operation.get("summary", "")
        for path, operations in paths.items()
        for method, operation in operations.items()
        if method in METHODS
    }

    missing = sorted(set(served) - documented())
    stale = sorted(documented() - set(served))

    rows = "\n".join(f"| `{m}` | `{p}` | {served[(m, p)]} |" for m, p in missing)
    assert missing == [], f"add these rows to docs/api-routes.md:\n{rows}"
    assert stale == [], "docs/api-routes.md lists routes the app no longer serves"
