"""The tests mirror the source: each service module has its unit-test module at the same place
under tests/unit/services, and each folder of tests/ is one test group of the Makefile."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "chalicelib" / "services"


def service_modules() -> set[str]:
    return {
        f"{path.parent.name}/{path.stem}"
        for path in SERVICES.glob("*/*.py")
        if path.stem != "__init__"
    }


def unit_test_of(module: str) -> Path:
    context, name = module.split("/")
    return ROOT / "tests" / "unit" / "services" / context / f"test_{name}.py"


def test_every_service_module_has_its_unit_test_module():
    missing = {m for m in service_modules() if not unit_test_of(m).is_file()}

    assert missing == set()


def names_a_module(test: Path) -> bool:
    """`test_<module>.py`, or `test_<module>_<aspect>.py` for a second one of a large module."""
    parts = test.stem.removeprefix("test_").split("_")
    context = SERVICES / test.parent.name
    return any((context / f"{'_'.join(parts[:n])}.py").is_file() for n in range(len(parts), 0, -1))


def test_unit_test_modules_name_a_source_module():
    tests = (ROOT / "tests" / "unit" / "services").glob("*/test_*.py")

    assert [str(t.relative_to(ROOT)) for t in tests if not names_a_module(t)] == []


def test_each_folder_of_tests_is_a_makefile_group():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    groups = set(re.search(r"^TEST_GROUPS := (.+)$", makefile, re.MULTILINE).group(1).split())
    folders = {
        p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and any(p.rglob("test_*.py"))
    }

    assert groups == folders
    for group in groups:
        assert re.search(rf"^[\w -]*\btest-{group}\b[\w -]*:", makefile, re.MULTILINE), group
