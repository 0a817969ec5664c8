"""The layers of chalicelib/ import only downwards, and DynamoDB has one owner.

    domain/        plain Python: the standard library and other domain modules, nothing else
    persistence/   the only package that imports PynamoDB or asks boto3 for DynamoDB; its record
                   classes (`*_records`, `base`) are private to it: services call the
                   domain-shaped `*_store` modules (and compose one transaction from what they
                   stage, `store.Staged`)
    integrations/  adapters to the outside: no persistence, services, entrypoints or web
    services/      use cases: no entrypoints (HTML templates of web/render are shared)
Every import counts, also the lazy ones inside functions (they are still dependencies)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "chalicelib"
STDLIB = set(sys.stdlib_module_names) | {"__future__"}
PERSISTENCE_PRIVATE = ("_records", "persistence.base")


def modules(*parts: str) -> list[Path]:
    base = PACKAGE.joinpath(*parts)
    return sorted(p for p in base.rglob("*.py") if "_schemas" not in p.parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every import statement of a file, wherever it stands."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.lineno, node.module)]
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def dynamodb_clients(path: Path) -> list[int]:
    """Lines that ask boto3 for a DynamoDB client or resource (`client("dynamodb")`)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("client", "resource")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == "dynamodb"
        ):
            lines.append(node.lineno)
    return lines


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_there_is_something_to_check():
    assert len(modules("domain")) > 10 and len(modules("persistence")) > 10


@pytest.mark.parametrize("path", modules("domain"), ids=rel)
def test_the_domain_imports_only_the_standard_library_and_itself(path):
    wrong = [
        f"{rel(path)}:{line} imports {name}"
        for line, name in imports(path)
        if name.split(".")[0] not in STDLIB and not name.startswith("chalicelib.domain")
    ]
    assert not wrong


@pytest.mark.parametrize(
    "path",
    [p for p in modules() if "persistence" not in p.relative_to(PACKAGE).parts] + [ROOT / "app.py"],
    ids=rel,
)
def test_only_persistence_talks_to_dynamodb(path):
    wrong = [
        f"{rel(path)}:{line} imports {name}"
        for line, name in imports(path)
        if name.split(".")[0] == "pynamodb"
        or name.startswith("boto3.dynamodb")
        or any(private in name for private in PERSISTENCE_PRIVATE)
        and name.startswith("chalicelib.persistence")
    ]
    wrong += [f"{rel(path)}:{line} creates a DynamoDB client" for line in dynamodb_clients(path)]
    assert not wrong


LAYERS = {
    "persistence": ("chalicelib.services", "chalicelib.entrypoints", "chalicelib.web",
                    "chalicelib.integrations"),
    "integrations": ("chalicelib.persistence", "chalicelib.services", "chalicelib.entrypoints",
                     "chalicelib.web"),
    "services": ("chalicelib.entrypoints",),
}  # fmt: skip


@pytest.mark.parametrize(
    "layer, path", [(layer, p) for layer in LAYERS for p in modules(layer)], ids=lambda v: str(v)
)
def test_each_layer_imports_only_downwards(layer, path):
    wrong = [
        f"{rel(path)}:{line} ({layer}) imports {name}"
        for line, name in imports(path)
        if name.startswith(LAYERS[layer])
    ]
    assert not wrong
