"""Write chalicelib/data/holidays-vn.json: Vietnam's public holidays (Labour Code 2019 art. 112,
lunar dates included) as the `holidays` package computes them, for a fixed span of years.

The portal reads this small file instead of shipping the package: `holidays` carries every
country's rules (14 MB) and loading Vietnam's through it imports all 250 of them (seconds of a
cold start). A unit test checks that the file still matches the package (a dev dependency).

    python -m infra.holidays [--first 2020 --last 2035]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "chalicelib" / "data" / "holidays-vn.json"
FIRST, LAST = 2020, 2035


def compute(first: int = FIRST, last: int = LAST) -> dict:
    import holidays

    days = holidays.country_holidays("VN", years=list(range(first, last + 1)), language="vi")
    return {
        "source": f"holidays {holidays.__version__}, country VN",
        "first_year": first,
        "last_year": last,
        "holidays": {day.isoformat(): name for day, name in sorted(days.items())},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, default=FIRST)
    parser.add_argument("--last", type=int, default=LAST)
    args = parser.parse_args(argv)
    document = compute(args.first, args.last)
    TARGET.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{TARGET}: {len(document['holidays'])} holidays, {args.first}-{args.last}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
