"""Operator command `stats-recompute` (registered in entrypoints/cli.py):

python -m chalicelib.entrypoints.cli stats-recompute --from 2025-01-01 [--to 2025-01-31] [--repair]

Recomputes the statistics counters from the dossiers for the range and lists every counter that
differs; exit status 0 when none does, 2 when drift was found (and not repaired), 1 when a
repair left some behind. See services/stats/recompute.py.
"""

from __future__ import annotations

import argparse
from datetime import date

from chalicelib.domain.calendar import VN_TZ
from chalicelib.services.shared.clock import now
from chalicelib.services.stats import recompute as stats_recompute


def register(commands) -> None:
    parser = commands.add_parser(
        "stats-recompute", help="recompute statistics counters from the dossiers; report drift"
    )
    parser.add_argument("--from", dest="start", required=True, type=date.fromisoformat)
    parser.add_argument("--to", dest="end", default=None, type=date.fromisoformat)
    parser.add_argument(
        "--repair", action="store_true", help="re-project the dossiers and correct the counters"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    moment = now()
    end = args.end or moment.astimezone(VN_TZ).date()
    found = stats_recompute.drift(args.start, end, progress=print)
    for item in found:
        print(f"SAI LỆCH {item}")
    if not found:
        print(f"Không có sai lệch từ {args.start} đến {end}.")
        return 0
    print(f"{len(found)} số liệu sai lệch.")
    if not args.repair:
        return 2
    corrected = stats_recompute.repair(args.start, end, moment, progress=print)
    remaining = stats_recompute.drift(args.start, end)
    print(f"Đã sửa {corrected} số liệu; còn {len(remaining)} sai lệch.")
    return 0 if not remaining else 1
