"""The API handler's cold start stays small (docs/performance.md, "Cold start"): importing app.py
declares every route but loads only what declaring them needs. The use cases, DynamoDB (PynamoDB
and chalicelib/persistence) and the heavy libraries load with the first request that uses them:
the entrypoints import services inside their handlers.

A lazy import is only checked when its route runs, so every import inside the functions of an
entrypoint or of web/ is resolved here too: a misspelt one fails this test, not a request."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINTS = ROOT / "chalicelib" / "entrypoints"
# The modules app.py imports to declare routes: the entrypoints and the web pages' helpers.
DECLARING = sorted([*ENTRYPOINTS.glob("*.py"), *(ROOT / "chalicelib" / "web").glob("*.py")])
# What declaring the routes may import of services/: the clock and paging's page size and cursor
# (light modules, no DynamoDB).
SERVICES_AT_IMPORT = {
    "chalicelib.services",
    "chalicelib.services.shared",
    "chalicelib.services.shared.clock",
    "chalicelib.services.shared.paging",
}
NOT_AT_IMPORT = (
    "chalicelib.persistence",
    "chalicelib.documents",
    "pynamodb",
    "jsonschema",
    "httpx",
    "jinja2",
    "jwt",
    "cryptography",
    "authlib",
    "joserfc",
    "fpdf",
    "PIL",
    "pyhanko",
    "qrcode",
    "pkcs11",
    "holidays",
)


@pytest.fixture(scope="module")
def imported() -> set[str]:
    """The modules a fresh interpreter holds after `import app`."""
    probe = "import json, sys, app; print(json.dumps(sorted(sys.modules)))"
    env = {**os.environ, "AWS_DEFAULT_REGION": "ap-southeast-1"}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_the_app_loads_no_use_case_beyond_the_light_ones(imported):
    services = {m for m in imported if m.startswith("chalicelib.services")}

    assert services - SERVICES_AT_IMPORT == set()


@pytest.mark.parametrize("name", NOT_AT_IMPORT)
def test_importing_the_app_loads_neither_dynamodb_nor_heavy_libraries(imported, name):
    assert sorted(m for m in imported if m == name or m.startswith(f"{name}.")) == []


def lazy_imports(path: Path) -> list[tuple[int, str, str]]:
    """(line, module, name) of each `from chalicelib… import name` inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("chalicelib"):
                found += [(inner.lineno, inner.module, alias.name) for alias in inner.names]
    return found


@pytest.mark.parametrize("path", DECLARING, ids=lambda p: p.name)
def test_every_lazy_import_resolves(path):
    unresolved = [
        f"{path.name}:{line} from {module} import {name}"
        for line, module, name in lazy_imports(path)
        if not hasattr(importlib.import_module(module), name)
        and importlib.util.find_spec(f"{module}.{name}") is None
    ]

    assert unresolved == []


def deferred_services(path: Path) -> list[tuple[int, str]]:
    """(line, "module:function") of each service a route names to import with its first
    request (http.deferred: `listing`, `action`, the applicant's actions)."""
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"chalicelib(\.\w+)+:\w+", node.value)
    ]


@pytest.mark.parametrize("path", DECLARING, ids=lambda p: p.name)
def test_every_service_a_route_names_resolves(path):
    unresolved = []
    for line, reference in deferred_services(path):
        module, _, name = reference.partition(":")
        if not callable(getattr(importlib.import_module(module), name, None)):
            unresolved.append(f"{path.name}:{line} {reference}")

    assert unresolved == []


def test_the_entrypoints_do_import_lazily():
    assert sum(len(lazy_imports(p)) for p in ENTRYPOINTS.glob("*.py")) > 20
    assert sum(len(deferred_services(p)) for p in ENTRYPOINTS.glob("*.py")) >= 5
