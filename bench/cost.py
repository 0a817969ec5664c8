"""Cost per 1,000 dossiers from the counted AWS calls and units of a dossier's whole life
(bench/aws_calls.py), priced as the template deploys it, and the yearly storage bill.

Prices: on-demand list prices of ap-southeast-1 (Singapore), the Region the portal deploys to,
as published at the time of writing (DynamoDB after its Nov 2024 cut); check them against the
AWS pricing pages before relying on a figure. What is counted comes from the measured life; what
is assumed is named here:
- API Gateway is a REST API (what Chalice deploys), every API call one request, behind the
  template's CloudFront distribution: every request a browser or partner sends pays a CloudFront
  HTTPS request (Asia Pacific price, free tier left out);
- around each dossier, CATALOG_REQUESTS_PER_DOSSIER requests for public catalog pages and JSON,
  the calendar, statistics and static files (browsing, the procedure's page and form, the CSS
  and scripts), of which CDN_HIT_RATIO are answered from CloudFront's cache; a miss costs an API
  Gateway request and a LAMBDA_CATALOG_SECONDS invocation (the catalog is cached per container,
  so no DynamoDB read). `cdn=False` prices the same requests without the cache;
- data transfer out is not priced (the same bytes leave through API Gateway or CloudFront);
- Lambda on arm64 at 1,024 MB, API calls LAMBDA_API_SECONDS each, worker invocations
  LAMBDA_WORKER_SECONDS each, WORKER_BATCH records per worker invocation (queues are read in
  batches of 10: at national volume batches are far from empty);
- 1 KB of logs per invocation; one receive and one delete per queued message by the event
  source; the outbox relay's reads of the dossiers table's stream are free (DynamoDB does not
  bill GetRecords made by a Lambda trigger), its invocations are priced as a worker's.
"""

from __future__ import annotations

PRICES = {  # ap-southeast-1, USD
    "ddb_wru": 0.7125 / 1e6,
    "ddb_rru": 0.1425 / 1e6,
    "apigw_rest": 4.25 / 1e6,
    "cloudfront_https": 0.0120 / 10_000,  # Asia Pacific (Viet Nam included)
    "lambda_req": 0.20 / 1e6,
    "lambda_gbs_arm": 0.0000133334,
    "sqs": 0.40 / 1e6,
    "s3_put": 0.005 / 1000,
    "s3_get": 0.0004 / 1000,
    "cw_logs_gb": 0.70,
}
STORAGE_PRICES = {  # USD per GB-month, ap-southeast-1
    "ddb": 0.285,
    "s3_standard": 0.025,
    "s3_ia": 0.0138,
    "s3_glacier_ir": 0.005,
}
LAMBDA_GB, LAMBDA_API_SECONDS, LAMBDA_WORKER_SECONDS, LOG_KB = 1.0, 0.060, 0.100, 1
WORKER_BATCH = 5
CATALOG_REQUESTS_PER_DOSSIER = 30  # assumed: ~8 pages and JSON answers, their CSS and scripts
CDN_HIT_RATIO = 0.90  # assumed share of those served from CloudFront's cache
LAMBDA_CATALOG_SECONDS = 0.020
RELAY = "outbox relay (stream)"  # one record per event; no queue receive or delete
WORKERS = ("event (worker)", "notification (worker)", "national sync (worker)", RELAY)
S3_GET_CLASS = {"GetObject", "HeadObject"}
TARGET_PER_THOUSAND = 0.12


def per_dossier(steps: dict, counts: dict, lifecycle: dict) -> dict[str, float]:
    """Usage of one dossier's life: each step's average times how often it happens."""
    totals = {"api": 0.0, "workers": 0.0, "rru": 0.0, "wru": 0.0, "sqs": 0.0}
    totals.update(s3_put=0.0, s3_get=0.0, records=0.0)
    for step, usage in steps.items():
        measured = counts.get(step, 0)
        if not measured or step not in lifecycle:
            continue
        often = lifecycle[step] if lifecycle[step] is not None else measured
        share = often / measured
        if step in WORKERS:
            totals["records"] += often
        else:
            totals["api"] += often
        totals["rru"] += usage.rru * share
        totals["wru"] += usage.wru * share
        totals["sqs"] += usage.count("sqs") * share
        for (service, operation), n in usage.calls.items():
            if service == "s3":
                totals["s3_get" if operation in S3_GET_CLASS else "s3_put"] += n * share
    totals["workers"] = totals["records"] / WORKER_BATCH
    queued = totals["records"] - counts.get(RELAY, 0) * (lifecycle.get(RELAY) is None)
    totals["sqs"] += 2 * queued / WORKER_BATCH  # the event source's receive + delete
    totals["s3_put"] += counts.get("upload", 0)  # the browser's presigned POST
    return totals


def per_thousand(totals: dict[str, float], n: int = 1000, cdn: bool = True) -> dict[str, float]:
    """The bill of `n` dossiers' lives, with their catalog and static requests: through the
    CloudFront distribution (`cdn`), or each reaching the app."""
    p = PRICES
    catalog = CATALOG_REQUESTS_PER_DOSSIER * ((1 - CDN_HIT_RATIO) if cdn else 1)
    gb_seconds = LAMBDA_GB * (
        totals["api"] * LAMBDA_API_SECONDS
        + totals["workers"] * LAMBDA_WORKER_SECONDS
        + catalog * LAMBDA_CATALOG_SECONDS
    )
    invocations = totals["api"] + totals["workers"] + catalog
    edge = (totals["api"] + CATALOG_REQUESTS_PER_DOSSIER) if cdn else 0
    return {
        "DynamoDB": n * (totals["wru"] * p["ddb_wru"] + totals["rru"] * p["ddb_rru"]),
        "API Gateway (REST API)": n * (totals["api"] + catalog) * p["apigw_rest"],
        "Lambda (arm64)": n * (invocations * p["lambda_req"] + gb_seconds * p["lambda_gbs_arm"]),
        "SQS": n * totals["sqs"] * p["sqs"],
        "S3 requests": n * (totals["s3_put"] * p["s3_put"] + totals["s3_get"] * p["s3_get"]),
        "CloudWatch Logs": n * invocations * LOG_KB / 1024 / 1024 * p["cw_logs_gb"],
        "CloudFront (requests)": n * edge * p["cloudfront_https"],
    }


# --- storage ----------------------------------------------------------------------------------

DOSSIERS_PER_YEAR = 30_000_000
FILES_MB_PER_DOSSIER = 1.0  # attachments (scans, photos) and the result document, on average
OPEN_DAYS = 30  # files stay in S3 Standard this long (lifecycle: then Glacier IR once closed)


def _gb_months(gb: float) -> float:
    """GB-months of `gb` arriving evenly over a year: half of it, on average, for 12 months."""
    return gb * 12 / 2


def storage_per_year(dynamodb_kb_per_dossier: float, years_kept: int = 1) -> dict[str, float]:
    """The bill for storing a year of 30 M dossiers, in the year they arrive (they accumulate
    evenly, so on average half a year's worth is stored): DynamoDB items, and S3 files in
    Standard for their first 30 days, then in Glacier Instant Retrieval: a closed dossier's files
    are tagged and the lifecycle rules of infra/base.json move them (services/dossiers/closing.py;
    the model takes every dossier as closed within 30 days: one still open then goes to
    Standard-IA instead, at 2.8 times the price). `years_kept` > 1 prices a later year, when
    earlier years lie in Glacier IR too."""
    s = STORAGE_PRICES
    n = DOSSIERS_PER_YEAR
    ddb_gb = n * dynamodb_kb_per_dossier / 1024 / 1024
    files_gb = n * FILES_MB_PER_DOSSIER / 1024
    standard_share = OPEN_DAYS / 365
    closed_gb_months = _gb_months(files_gb) * (1 - standard_share)
    earlier = years_kept - 1
    return {
        "DynamoDB items": (_gb_months(ddb_gb) + earlier * ddb_gb * 12) * s["ddb"],
        "S3 files, Standard (first 30 days)": files_gb * standard_share * 12 * s["s3_standard"],
        "S3 files, Glacier IR (closed, then)": closed_gb_months * s["s3_glacier_ir"],
        "S3 files, Glacier IR (earlier years)": earlier * files_gb * 12 * s["s3_glacier_ir"],
    }
