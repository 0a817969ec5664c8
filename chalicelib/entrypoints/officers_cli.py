"""Operator command `officers` (registered in entrypoints/cli.py): manage officer accounts of one
agency in the stage's Cognito user pool, with the same rules and audit trail as the console's
admin page. It is also how the first admin of an agency is created.

python -m chalicelib.entrypoints.cli officers create --agency ID --username NAME \
    --email ADDR --role admin
python -m chalicelib.entrypoints.cli officers disable|enable --agency ID --username NAME
python -m chalicelib.entrypoints.cli officers set-role --agency ID --username NAME --role leader
"""

from __future__ import annotations

import argparse
import getpass
import sys

from chalicelib.domain.errors import DomainError
from chalicelib.domain.principal import OFFICER_ROLES, Principal
from chalicelib.services.accounts import officer_admin


def register(commands) -> None:
    parser = commands.add_parser("officers", help="create, disable, enable or re-role an officer")
    parser.add_argument("action", choices=["create", "disable", "enable", "set-role"])
    parser.add_argument("--agency", required=True, help="the agency id (both of actor and officer)")
    parser.add_argument("--username", required=True)
    parser.add_argument("--email", help="for create: where Cognito sends the temporary password")
    parser.add_argument("--role", choices=OFFICER_ROLES, help="for create and set-role")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    operator = Principal(subject=f"cli:{getpass.getuser()}", role="admin", agency=args.agency)
    try:
        entry = officer_admin.change(
            operator, args.action.replace("-", "_"), args.username, args.role, args.email
        )
    except DomainError as exc:
        print(f"LỖI: {exc.message}", file=sys.stderr)
        for detail in exc.details:
            print(f"  - {detail.field}: {detail.message}", file=sys.stderr)
        return 1
    print(f"Đã thực hiện {entry['action']} {entry['username']} ({entry['agency']}).")
    return 0
