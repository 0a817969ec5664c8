"""The project's knowledge is inside the project: what the code cites exists in the repository,
and the links of the README and of docs/ resolve in a fresh clone."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXT_SUFFIXES = {".py", ".json", ".html", ".js", ".css", ".txt", ".md", ".j2", ".jinja"}
CITED_MARKDOWN = re.compile(r"(?<![\w/.-])([\w./-]+\.md)\b")
OUTSIDE = re.compile(
    r"\.\./|/work/|\bshared/(?:reference|contract)|reference notes?\b|domain reference",
    re.IGNORECASE,
)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def source_files() -> list[Path]:
    return (
        sorted(
            p
            for p in (ROOT / "chalicelib").rglob("*")
            if p.is_file() and p.suffix in TEXT_SUFFIXES and "__pycache__" not in p.parts
        )
        + sorted((ROOT / "schemas").rglob("*.json"))
        + [ROOT / "app.py"]
    )


def citations() -> list[tuple[str, str]]:
    found = []
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        found += [(where, m.group(0)) for m in OUTSIDE.finditer(text)]
        found += [
            (where, cited) for cited in CITED_MARKDOWN.findall(text) if not (ROOT / cited).is_file()
        ]
    return found


def test_no_source_file_cites_a_path_outside_the_repository():
    assert citations() == [], "cite docs/<page>.md (a path from the repository root) or the law"


def test_the_docs_the_code_cites_are_the_project_pages():
    assert {p.name for p in (ROOT / "docs").glob("*.md")} >= {
        "api.md",
        "architecture.md",
        "integrations.md",
        "rules.md",
    }


PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "infra" / "DEPLOY.md"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page):
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a web address, mailto: or an anchor on the same page
        path = target.split("#", 1)[0]
        if not (page.parent / path).exists():
            broken.append(target)

    assert broken == []


def test_linked_files_are_in_a_fresh_clone():
    """A link to a file git ignores (a build output, chalicelib/_schemas) exists here only."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    targets = {
        str((page.parent / target.split("#", 1)[0]).resolve().relative_to(ROOT))
        for page in PAGES
        for target in LINK.findall(page.read_text(encoding="utf-8"))
        if not re.match(r"[a-z][a-z0-9+.-]*:", target) and not target.startswith("#")
    }
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", *sorted(targets)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()

    assert ignored == []
