"""An operator command that cannot reach AWS (no credentials, nothing listening at the endpoint)
ends with what is missing and how to point it at the local stack, a non-zero exit code and no
traceback. Each command runs as `make` runs it, in a process of its own with a bare environment
(no ~/.aws, no instance metadata)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.integration.test_national_catalog_import import export as national_export

CATALOG = "chalicelib/data/catalog/bac-ninh.json"
COMMANDS = {
    "import-catalog": ["import-catalog", CATALOG],
    "import-national-catalog": ["import-national-catalog", "{export}", "--dry-run"],
    "stats-recompute": ["stats-recompute", "--from", "2026-01-01", "--to", "2026-01-02"],
    "officers": ["officers", "disable", "--agency", "a", "--username", "can.bo"],
}


def run(command: list[str], home, **env: str) -> subprocess.CompletedProcess:
    bare = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_REGION": "ap-southeast-1",
        "STAGE": "local",
        "COGNITO_USER_POOL_ID": "ap-southeast-1_local",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "chalicelib.entrypoints.cli", *command],
        cwd=ROOT,
        env=bare,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("name", COMMANDS)
def test_without_credentials_a_command_says_what_is_missing_and_how_to_reach_the_stack(
    name, tmp_path
):
    export = tmp_path / "export.json"
    export.write_text(json.dumps(national_export()), encoding="utf-8")
    done = run([a.format(export=export) for a in COMMANDS[name]], tmp_path)

    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "không tìm thấy thông tin đăng nhập AWS" in done.stderr
    assert "AWS_ENDPOINT_URL=" in done.stderr and "CATALOG_FILE=" in done.stderr


def test_with_nothing_listening_at_the_endpoint_the_command_names_it(tmp_path):
    endpoint = f"http://127.0.0.1:{closed_port()}"
    done = run(
        COMMANDS["import-catalog"],
        tmp_path,
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_MAX_ATTEMPTS="1",
    )

    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"không kết nối được tới AWS {endpoint}" in done.stderr
