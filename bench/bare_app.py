"""The baseline for lookup throughput: a bare Chalice route doing one DynamoDB GetItem, served
exactly as `make run` serves the portal (infra/local/server.py), against the same emulated AWS.

    AWS_ENDPOINT_URL=http://127.0.0.1:4566 python -m bench.bare_app --port 8100 --table T
"""

from __future__ import annotations

import argparse
import json

import boto3
from chalice import Chalice, Response

app = Chalice(app_name="bare")
TABLE = {"name": ""}
dynamodb = boto3.client("dynamodb", region_name="ap-southeast-1")


@app.route("/d/{code}")
def lookup(code):
    key = {"PK": {"S": f"DOSSIER#{code}"}, "SK": {"S": "META"}}
    item = dynamodb.get_item(TableName=TABLE["name"], Key=key).get("Item")
    body = {"code": code, "status": item["status"]["S"]} if item else {"error": "not found"}
    return Response(json.dumps(body), status_code=200 if item else 404)


def main(argv=None) -> int:
    from infra.local.server import make_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--table", required=True)
    args = parser.parse_args(argv)
    TABLE["name"] = args.table
    make_server(app, "127.0.0.1", args.port).serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
