"""Per-agency throughput of dossier numbering: concurrent submitters of one agency take the day's
numbers through the portal's counter protocol (read the last number, then one transaction that
advances it and creates the dossier's item, retried when another submitter won), against the
emulated AWS in this process. Prints numbers per second, retries per number and the model for
DynamoDB: one number per (strong read + transaction) round trip, whatever the concurrency.

    python -m bench.numbering [--workers 8] [--seconds 5]
"""

from __future__ import annotations

import argparse
import threading
import time
from datetime import datetime

READ_MS, TRANSACTION_MS = 5.0, 20.0  # in-Region DynamoDB latencies assumed by the model


def modelled_per_second() -> float:
    return 1000 / (READ_MS + TRANSACTION_MS)


def measure(workers: int = 8, seconds: float = 5.0) -> dict:
    from bench.aws_calls import environment

    environment()
    from moto import mock_aws

    from infra.local.emulation import make_transactions_atomic

    make_transactions_atomic()

    with mock_aws():
        from infra.local.stack import prepare

        prepare(quiet=True)
        return _run(workers, seconds)


def _run(workers: int, seconds: float) -> dict:
    from chalicelib.config import get_settings
    from chalicelib.domain.calendar import VN_TZ
    from chalicelib.persistence import counter_store, store
    from chalicelib.persistence.base import bind
    from chalicelib.persistence.dossier_records import HistoryRecord

    day = datetime.now(VN_TZ)
    agency = "000.00.99.H99"
    model = bind(HistoryRecord, get_settings().table_dossiers)
    taken: list[int] = []
    retries = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def submitter() -> None:
        while time.monotonic() < stop:
            last = counter_store.last_number(agency, day)
            record = model(f"BENCH#{agency}-{last + 1:04d}", "META", entry={})

            def stage(tx, record=record):
                tx.save(record, condition=model.PK.does_not_exist(), label="dossier")

            try:
                store.commit(counter_store.take_number(agency, day, last), [stage])
            except store.Cancelled:
                with lock:
                    retries[0] += 1
                continue
            with lock:
                taken.append(last + 1)

    threads = [threading.Thread(target=submitter) for _ in range(workers)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    assert sorted(taken) == list(range(1, len(taken) + 1)), "numbers must be unique, gap-free"
    return {
        "workers": workers,
        "per_second": len(taken) / elapsed,
        "retries_per_number": retries[0] / max(1, len(taken)),
        "modelled": modelled_per_second(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    found = measure(args.workers, args.seconds)
    print(
        f"{found['workers']} submitters: {found['per_second']:.0f} numbers/s locally, "
        f"{found['retries_per_number']:.2f} retries per number; "
        f"modelled on DynamoDB: {found['modelled']:.0f} numbers/s per agency"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
