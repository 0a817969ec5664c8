"""infra/artifact.py: what `make package` adds to and checks in Chalice's output."""

import importlib.util
import sys
import zipfile

from infra.artifact import RUNTIME, add_bytecode, schema_problems, template_problems

TAG = sys.implementation.cache_tag  # cpython-311


def function(events=None, **props):
    return {
        "Type": "AWS::Serverless::Function",
        "Properties": {
            "Runtime": RUNTIME,
            "FunctionName": "dvc-dev-x",
            "Role": {"Fn::GetAtt": ["XRole", "Arn"]},
            "LoggingConfig": {"LogGroup": {"Ref": "XLogGroup"}},
            "Events": events or {},
            **props,
        },
    }


def template(fn, role_policies=("P",), retention=30, **extra):
    role = {
        "Type": "AWS::IAM::Role",
        "Properties": {"ManagedPolicyArns": [{"Ref": p} for p in role_policies]},
    }
    logs = {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/aws/lambda/dvc-dev-x"}}
    if retention:
        logs["Properties"]["RetentionInDays"] = retention
    return {"Resources": {"X": fn, "XRole": role, "XLogGroup": logs, **extra}}


def test_a_complete_template_passes():
    sqs = {
        "XSqsEventSource": {
            "Type": "SQS",
            "Properties": {"FunctionResponseTypes": ["ReportBatchItemFailures"]},
        }
    }
    assert template_problems(template(function(sqs))) == []


def test_missing_patches_are_reported():
    sqs = {"XSqsEventSource": {"Type": "SQS", "Properties": {"BatchSize": 10}}}
    fn = function(sqs)
    del fn["Properties"]["FunctionName"]
    problems = template_problems(
        template(fn, role_policies=(), retention=None, Typo={"Properties": {}})
    )
    assert len(problems) == 5
    assert any("Typo" in p for p in problems)
    assert any("FunctionResponseTypes" in p for p in problems)
    assert any("RetentionInDays" in p for p in problems)


def test_bytecode_is_added_and_test_files_dropped(tmp_path):
    archive = tmp_path / "deployment.zip"
    sources = {
        "app.py": b"import chalicelib\n",
        "chalicelib/__init__.py": b"X = 1\n",
        "lib/tests/test_lib.py": b"",
        "chalicelib/conftest.py": b"",
        "lib/data.json": b"{}",
    }
    with zipfile.ZipFile(archive, "w") as z:
        for name, data in sources.items():
            z.writestr(name, data)
    assert add_bytecode(archive, tmp_path / "staging") == (3, 2)
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
        pyc = z.read(f"chalicelib/__pycache__/__init__.{TAG}.pyc")
    assert names == {
        "app.py",
        "chalicelib/__init__.py",
        "lib/data.json",
        f"__pycache__/app.{TAG}.pyc",
        f"chalicelib/__pycache__/__init__.{TAG}.pyc",
    }
    assert pyc[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(pyc[4:8], "little") == 0b11  # hash-based, checked
    assert pyc[8:16] == importlib.util.source_hash(sources["chalicelib/__init__.py"])
    assert not (tmp_path / "staging").exists()


def test_the_artifact_must_carry_the_schemas_byte_for_byte(tmp_path):
    schemas = tmp_path / "schemas"
    (schemas / "api").mkdir(parents=True)
    (schemas / "api" / "a.json").write_bytes(b'{"$id": "api/a.json"}')
    (schemas / "api" / "b.json").write_bytes(b'{"$id": "api/b.json"}')
    archive = tmp_path / "deployment.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("chalicelib/_schemas/api/a.json", b'{"$id": "api/a.json"}')
        z.writestr("chalicelib/_schemas/api/old.json", b"{}")

    assert schema_problems(archive, schemas) == [
        "api/b.json: missing",
        "api/old.json: not in schemas/",
    ]

    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("chalicelib/_schemas/api/a.json", b'{"$id": "api/a.json", "x": 1}')
        z.writestr("chalicelib/_schemas/api/b.json", b'{"$id": "api/b.json"}')
    assert schema_problems(archive, schemas) == ["api/a.json: differs from schemas/api/a.json"]

    with zipfile.ZipFile(archive, "w") as z:
        for path in schemas.rglob("*.json"):
            name = path.relative_to(schemas).as_posix()
            z.writestr(f"chalicelib/_schemas/{name}", path.read_bytes())
    assert schema_problems(archive, schemas) == []
