"""Cost per 1,000 dossiers from the counted AWS calls (bench/aws_calls.py) and a price table.

Prices are us-east-1 on-demand list prices (from the project's reference cost model, after the
Nov 2024 DynamoDB price cut); check them for the region you deploy to. What is counted comes
from the measured lifecycle; what is assumed is named here: HTTP API, x86 Lambda at 512 MB and
120 ms per invocation, one record per worker invocation (worst case), 2 KB of logs per
invocation, and one receive + one delete per queued message by the SQS event source."""

from __future__ import annotations

PRICES = {
    "ddb_wru": 0.625 / 1e6,
    "ddb_rru": 0.125 / 1e6,
    "apigw_http": 1.00 / 1e6,
    "lambda_req": 0.20 / 1e6,
    "lambda_gbs_x86": 0.0000166667,
    "sqs": 0.40 / 1e6,
    "s3_put": 0.005 / 1000,
    "s3_get": 0.0004 / 1000,
    "cw_logs_gb": 0.50,
}
LAMBDA_GB, LAMBDA_SECONDS, LOG_KB = 0.5, 0.120, 2
WORKERS = ("event (worker)", "notification (worker)")
S3_GET_CLASS = {"GetObject", "HeadObject"}


def per_dossier(steps: dict, counts: dict, lifecycle: dict) -> dict[str, float]:
    """Usage of one dossier's life: each step's average times how often it happens."""
    totals = {"api": 0.0, "workers": 0.0, "rru": 0.0, "wru": 0.0, "sqs": 0.0}
    totals.update(s3_put=0.0, s3_get=0.0)
    for step, usage in steps.items():
        measured = counts.get(step, 0)
        if not measured or step not in lifecycle:
            continue
        often = lifecycle[step] if lifecycle[step] is not None else measured
        share = often / measured
        totals["workers" if step in WORKERS else "api"] += often
        totals["rru"] += usage.rru * share
        totals["wru"] += usage.wru * share
        totals["sqs"] += usage.count("sqs") * share
        for (service, operation), n in usage.calls.items():
            if service == "s3":
                totals["s3_get" if operation in S3_GET_CLASS else "s3_put"] += n * share
    totals["sqs"] += 2 * totals["workers"]  # the event source's receive and delete
    totals["s3_put"] += counts.get("upload", 0)  # the browser's presigned POST
    return totals


def per_thousand(totals: dict[str, float], n: int = 1000) -> dict[str, float]:
    p = PRICES
    invocations = totals["api"] + totals["workers"]
    return {
        "DynamoDB": n * (totals["wru"] * p["ddb_wru"] + totals["rru"] * p["ddb_rru"]),
        "API Gateway (HTTP API)": n * totals["api"] * p["apigw_http"],
        "Lambda": n
        * invocations
        * (p["lambda_req"] + LAMBDA_SECONDS * LAMBDA_GB * p["lambda_gbs_x86"]),
        "SQS": n * totals["sqs"] * p["sqs"],
        "S3 requests": n * (totals["s3_put"] * p["s3_put"] + totals["s3_get"] * p["s3_get"]),
        "CloudWatch Logs": n * invocations * LOG_KB / 1024 / 1024 * p["cw_logs_gb"],
    }
