"""`make run`: the whole portal on one machine.

AWS is emulated in-process by moto's server; tables, buckets and queues are created from the
same template as production (infra/base.json); the sample catalog is imported; the Chalice app
is served over HTTP; a dispatcher drains the queues, follows the table streams and fires the
schedules. Ctrl-C stops all.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CATALOG = ROOT / "chalicelib" / "data" / "catalog" / "bac-ninh.json"
REGION = "ap-southeast-1"


def stage_environment(stage: str) -> dict[str, str]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env = dict(config.get("environment_variables", {}))
    env.update(config["stages"][stage].get("environment_variables", {}))
    return env


def start_aws(host: str, port: int):
    from moto.server import ThreadedMotoServer

    from infra.local.emulation import make_transactions_atomic

    make_transactions_atomic()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the emulator's own access log
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "local"),
        ("AWS_SECRET_ACCESS_KEY", "local"),
        ("AWS_DEFAULT_REGION", REGION),
        ("AWS_REGION", REGION),
    ):
        os.environ.setdefault(name, value)
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
    return server


def start_citizen_idp(host: str, port: int, portal: str):
    """The local OpenID provider for citizens; the portal's client is registered with it."""
    from infra.local.citizen_idp import CitizenIdentityProvider, serve

    issuer = f"http://{host}:{port}"
    client_id = stage_environment("local")["OIDC_CLIENT_ID"]
    provider = CitizenIdentityProvider(issuer, {client_id: [f"{portal}/dang-nhap/callback"]})
    os.environ["OIDC_ISSUER"] = issuer
    return serve(provider, host, port)


def free_port(host: str, preferred: int) -> int:
    """`preferred` if nothing listens there, else any free port (printed in the banner)."""
    with socket.socket() as probe:
        if probe.connect_ex((host, preferred)) != 0:
            return preferred
    with socket.socket() as spare:
        spare.bind((host, 0))
        return spare.getsockname()[1]


def prepare(
    stage: str = "local",
    load_catalog: bool = True,
    quiet: bool = False,
    catalog: Path = SAMPLE_CATALOG,
) -> dict:
    """Provision resources and seed data against whatever AWS_ENDPOINT_URL points at; `catalog`
    is the sample catalog unless another file (same agencies' shape) is given."""
    from chalicelib.config import reset_settings
    from infra.provision import provision

    os.environ.update(stage_environment(stage))
    names = provision(stage=stage, endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
    os.environ.update(names)
    reset_settings()
    from infra.local import pki

    pki.provision(json.loads(catalog.read_text(encoding="utf-8"))["agencies"])
    if load_catalog:
        from chalicelib.services.catalog import importer as catalog_import
        from chalicelib.services.shared.clock import now

        catalog_import.import_file(
            catalog, ROOT / "schemas", now(), progress=(lambda m: None) if quiet else print
        )
    names.update(officers_pool(stage, seed=load_catalog, catalog=catalog))
    return names


def officers_pool(stage: str, seed: bool, catalog: Path = SAMPLE_CATALOG) -> dict[str, str]:
    """The officers' Cognito pool (and, with the sample catalog, its test officers)."""
    from chalicelib.config import reset_settings
    from infra.local.officer_pool import provision_pool, seed_officers

    pool = provision_pool(stage)
    os.environ.update(pool)
    reset_settings()
    if seed:
        seed_officers(pool["COGNITO_USER_POOL_ID"], catalog)
    return pool


def stream_readers() -> list:
    """(handler, reader) for each table stream infra/base.json maps to a function."""
    import boto3

    from infra.local.streams import StreamReader, stream_mappings, streams_client

    dynamodb, streams = boto3.client("dynamodb"), streams_client()
    return [
        (handler, StreamReader(dynamodb, streams, os.environ[table_env], batch_size))
        for table_env, handler, batch_size in stream_mappings()
    ]


def citizen_accounts() -> str:
    from infra.local.citizen_idp import CITIZENS, PASSWORD

    lines = [f"  Test citizens   (password {PASSWORD}; username = ID number)\n"]
    lines += [f"    {c.id_number}  {c.name}, {c.phone}\n" for c in CITIZENS.values()]
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--aws-port", type=int, default=int(os.environ.get("AWS_PORT", "4566")))
    parser.add_argument("--idp-port", type=int, default=int(os.environ.get("IDP_PORT", "8765")))
    parser.add_argument(
        "--schedule-speedup", type=float, default=float(os.environ.get("SCHEDULE_SPEEDUP", "1"))
    )
    parser.add_argument(
        "--catalog",
        type=Path,
        default=Path(os.environ.get("CATALOG_FILE", SAMPLE_CATALOG)),
        help="the catalog to import (default: the sample catalog of Bắc Ninh)",
    )
    args = parser.parse_args(argv)

    moto = start_aws(args.host, free_port(args.host, args.aws_port))
    os.environ.setdefault("PUBLIC_BASE_URL", f"http://{args.host}:{args.port}")
    idp = start_citizen_idp(
        args.host, free_port(args.host, args.idp_port), os.environ["PUBLIC_BASE_URL"]
    )
    names = prepare(catalog=args.catalog)

    import boto3

    from app import app
    from infra.local.dispatcher import Dispatcher
    from infra.local.server import make_server

    dispatcher = Dispatcher(app, boto3.client("sqs"), args.schedule_speedup, stream_readers())
    server = make_server(app, args.host, args.port)
    base = f"http://{args.host}:{args.port}"
    print(
        f"\nCổng DVC is running (stage local)\n"
        f"  Citizen portal  {base}/\n"
        f"  Officer console {base}/can-bo/dang-nhap"
        f"   (Cognito pool {names['COGNITO_USER_POOL_ID']})\n"
        f"  Test officers   <role>.<agency id>, password dvc-local, e.g. "
        f"receptionist.ubnd-phuong-kinh-bac (roles: receptionist, specialist, leader, admin)\n"
        f"  Statistics      {base}/thong-ke\n"
        f"  Portal API      {base}/v1/…    (try {base}/v1/procedures?q=dang%20ky%20khai%20sinh)\n"
        f"  Dev messages    {base}/dev/messages   (what the fake Zalo/SMS/email channels sent)\n"
        f"  National portal {base}/dev/national-portal/dossiers/<code>   (sync records received)\n"
        f"  Health          {base}/health\n"
        f"  OpenAPI         {base}/openapi.json\n"
        f"  Emulated AWS    {os.environ['AWS_ENDPOINT_URL']}  (moto server)\n"
        f"  Citizen sign-in {os.environ['OIDC_ISSUER']}  (local OpenID provider)\n"
        + citizen_accounts()
        + f"  Resources       {', '.join(sorted(names.values()))}\n"
        + "".join(f"  Worker          {line}\n" for line in dispatcher.describe())
        + "Press Ctrl-C to stop.\n",
        flush=True,
    )
    dispatcher.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    print("Stopping…", flush=True)
    server.shutdown()
    idp.shutdown()
    dispatcher.stop()
    moto.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
