"""Operator commands, run against the stage the environment points at.

python -m chalicelib.entrypoints.cli import-catalog FILE [--forms-dir schemas]
python -m chalicelib.entrypoints.cli import-national-catalog FILE [--dry-run]
python -m chalicelib.entrypoints.cli stats-recompute --from DATE [--to DATE] [--repair]
python -m chalicelib.entrypoints.cli officers create|disable|enable|set-role --agency ID ...
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chalicelib.domain.errors import DomainError
from chalicelib.entrypoints import officers_cli, stats_cli
from chalicelib.integrations import aws_errors
from chalicelib.services.catalog import importer as catalog_import
from chalicelib.services.catalog import national_import
from chalicelib.services.shared.clock import now

# How to point a command at AWS, told when it cannot reach it (README.md, "Operating").
HOW_TO_REACH_AWS = (
    "Lệnh chạy trên stage mà môi trường trỏ tới (STAGE, mặc định của chalicelib/config.py):\n"
    "  - trên AWS: cần thông tin đăng nhập (AWS_PROFILE, hoặc AWS_ACCESS_KEY_ID và "
    "AWS_SECRET_ACCESS_KEY) và AWS_REGION;\n"
    "  - trên stack cục bộ đang chạy (`make run`): trỏ vào AWS giả lập mà nó in ra, ví dụ\n"
    "    STAGE=local AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=local "
    "AWS_SECRET_ACCESS_KEY=local make import-catalog FILE=catalog.json\n"
    "  - hoặc nhập danh mục khi khởi động stack cục bộ: CATALOG_FILE=catalog.json make run"
)


def import_catalog(args: argparse.Namespace) -> int:
    try:
        catalog_import.import_file(Path(args.file), Path(args.forms_dir), now(), progress=print)
    except DomainError as exc:
        return _failed(exc)
    return 0


def import_national_catalog(args: argparse.Namespace) -> int:
    try:
        national_import.import_file(
            Path(args.file), Path(args.forms_dir), now(), dry_run=args.dry_run, progress=print
        )
    except DomainError as exc:
        return _failed(exc)
    return 0


def _failed(exc: DomainError) -> int:
    print(f"LỖI: {exc.message}", file=sys.stderr)
    for detail in exc.details:
        print(f"  - {detail.field}: {detail.message}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dvc", description="Cổng DVC operator commands")
    commands = parser.add_subparsers(dest="command", required=True)
    importer = commands.add_parser("import-catalog", help="import a catalog (JSON or CSV)")
    importer.add_argument("file")
    importer.add_argument(
        "--forms-dir",
        default=str(Path(__file__).resolve().parents[2] / "schemas"),
        help="folder that form_schema paths are relative to",
    )
    importer.set_defaults(run=import_catalog)
    national = commands.add_parser(
        "import-national-catalog",
        help="update procedures from an export of the national procedure database",
    )
    national.add_argument("file")
    national.add_argument("--dry-run", action="store_true", help="only show what would change")
    national.add_argument(
        "--forms-dir",
        default=str(Path(__file__).resolve().parents[2] / "schemas"),
        help="folder that form_schema paths are relative to",
    )
    national.set_defaults(run=import_national_catalog)
    stats_cli.register(commands)  # stats-recompute
    officers_cli.register(commands)  # officers
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except Exception as exc:
        problem = aws_errors.unreachable(exc)
        if problem is None:
            raise
        print(f"LỖI: {problem}\n{HOW_TO_REACH_AWS}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
