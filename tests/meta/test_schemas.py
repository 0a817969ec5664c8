import filecmp
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILES = sorted((ROOT / "schemas").rglob("*.json"))


def test_the_packaged_copy_of_the_schemas_is_current():
    comparison = filecmp.dircmp(ROOT / "schemas", ROOT / "chalicelib" / "_schemas")

    def differences(cmp):
        found = cmp.left_only + cmp.right_only + cmp.diff_files
        for sub in cmp.subdirs.values():
            found += differences(sub)
        return found

    assert differences(comparison) == [], "run `make schemas`"


def test_the_copy_is_made_by_the_build_not_committed():
    """schemas/ is the one source: a committed copy would be a second one to keep in step."""
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(  # noqa: S603 - a fixed command on the repository
        [git, "ls-files", "chalicelib/_schemas"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()

    assert tracked == [], "git rm -r --cached chalicelib/_schemas (it is made by `make schemas`)"


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: str(p.relative_to(ROOT / "schemas")))
def test_every_schema_is_valid_and_has_an_id_matching_its_path(path):
    schema = json.loads(path.read_text(encoding="utf-8"))

    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == path.relative_to(ROOT / "schemas").as_posix()
