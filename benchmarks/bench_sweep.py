"""Modelled reconcile sweep time for 1,000 and 10,000 accounts x 4 Regions, both engines.

1. Measure: the Step Functions item processor (`reconcile.sweep_batch`) runs on the emulated
   organization for a few accounts with the member baseline in 2 Regions; every AWS call is
   counted, split into per-Region calls (backup, kms in a governed Region), other per-account
   calls and Organizations calls (the one rate-limited service, 8 calls/s: ratelimit.DEFAULT_RATES).
2. Model at 100 ms per call:
   - Lambda engine (one function, RECONCILE_CONCURRENCY threads, 900 s limit): the sweep's calls
     spread over the threads; Organizations calls (the sweep lists accounts per OU and reads the
     backup policies once: PolicyIndex) bound by its rate.
   - Step Functions engine (Distributed Map, MaxConcurrency children at once, one Lambda invoke
     each, `INVOKE_OVERHEAD` per child; a child is a batch of BATCH_SIZE accounts of one OU checked
     by BATCH_THREADS threads): ceil(batches / concurrency) waves; a batch reads its OU's effective
     policy once, and the Organizations rate bounds the sweep from below.
Prints a table; nothing is asserted (benchmarks report numbers).
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"
os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"

SAMPLE = 10
LATENCY = 0.1
TARGET_REGIONS = 4
ORG_RATE = 8.0
LAMBDA_THREADS = 32
LAMBDA_LIMIT = 900.0
SFN_CONCURRENCY = (40, 200, 1000)
INVOKE_OVERHEAD = 0.05  # a child's Lambda invoke and state transitions (warm), per account
SIZES = (1_000, 10_000)


def measure() -> dict[str, float]:
    import boto3
    from cfct_backup_automation.reconcile import sweep_batch, sweep_scope
    from moto import mock_aws

    from tests.automation.emulated_org import MOTO_CONFIG, REGIONS, build_org, install_emulator
    from tests.automation.test_lifecycle_timeline import STACK_SET, _instances

    install_emulator()
    counts: Counter[str] = Counter()
    with mock_aws(config=MOTO_CONFIG):
        org = build_org()
        rt = org.runtime(BASELINE_STACK_SET_NAME=STACK_SET)
        accounts = []
        for _ in range(SAMPLE):
            account = org.vend(org.protected_ou)
            org.deploy_baseline(account)
            _instances(org, account)
            accounts.append(account)
        ddb = boto3.client("dynamodb")
        for account in accounts:  # enrolled already: the steady state is measured
            ddb.put_item(
                TableName="cfct-backup-inventory",
                Item={
                    "accountId": {"S": account},
                    "state": {"S": "PROTECTED"},
                    "ouId": {"S": org.protected_ou},
                },
            )

        def hook(client: Any) -> None:
            service = client.meta.service_model.signing_name
            region = client.meta.region_name

            def count(**_: Any) -> None:
                if service == "organizations":
                    counts["organizations"] += 1
                elif service in {"backup", "kms"} and region in REGIONS:
                    counts["per-region"] += 1
                else:
                    counts["per-account"] += 1

            client.meta.events.register("before-call", count)

        rt.sessions.on_client = hook
        now = datetime.now(UTC)
        batches = [b for b in sweep_scope(rt.cfg, rt.sessions) if set(b["accounts"]) & set(accounts)]
        for batch in batches:  # warm-up sweep repairs what the automation owns
            sweep_batch(batch, rt.cfg, rt.sessions, rt.telemetry, now=now)
        counts.clear()
        for batch in batches:
            sweep_batch(batch, rt.cfg, rt.sessions, rt.telemetry, now=now)
    return {
        "organizations": counts["organizations"] / SAMPLE,
        "per-account": counts["per-account"] / SAMPLE,
        "per-region": counts["per-region"] / SAMPLE / len(REGIONS),
    }


def model(per: dict[str, float], accounts: int) -> dict[str, Any]:
    from cfct_backup_automation.reconcile import BATCH_SIZE, BATCH_THREADS

    calls = per["organizations"] + per["per-account"] + per["per-region"] * TARGET_REGIONS
    account_seconds = calls * LATENCY
    listing = math.ceil(accounts / 20) * LATENCY  # ListAccountsForParent: 20 per page
    org_bound = (accounts * per["organizations"] + accounts / 20) / ORG_RATE
    lambda_seconds = max(listing + accounts * account_seconds / LAMBDA_THREADS, org_bound)
    batches = math.ceil(accounts / BATCH_SIZE)
    child = math.ceil(BATCH_SIZE / BATCH_THREADS) * account_seconds + INVOKE_OVERHEAD
    sfn = {}
    for concurrency in SFN_CONCURRENCY:
        sfn[concurrency] = max(listing + math.ceil(batches / concurrency) * child, org_bound)
    return {
        "calls": calls,
        "account": account_seconds,
        "lambda": lambda_seconds,
        "sfn": sfn,
        "batches": batches,
    }


def main() -> None:
    per = measure()
    print(
        f"measured per account (steady state, sweep_batch): {per['organizations']:.1f} Organizations, "
        f"{per['per-account']:.1f} other, {per['per-region']:.1f} per Region"
    )
    print(
        f"model: {LATENCY * 1000:.0f} ms per call, {TARGET_REGIONS} Regions, "
        f"Organizations {ORG_RATE:.0f} calls/s"
    )
    header = "accounts  calls/acct  lambda(32 thr)        " + "  ".join(
        f"sfn x{c:<5}" for c in SFN_CONCURRENCY
    )
    print(header)
    rows = []
    for accounts in SIZES:
        m = model(per, accounts)
        fits = "fits" if m["lambda"] <= LAMBDA_LIMIT else "> 900 s: sfn"
        sfn = "  ".join(f"{m['sfn'][c]:>8.0f} s" for c in SFN_CONCURRENCY)
        print(f"{accounts:>8}  {m['calls']:>10.1f}  {m['lambda']:>8.0f} s {fits:<13}{sfn}")
        rows.append({"accounts": accounts, **{k: v for k, v in m.items() if k != "sfn"}, "sfn": m["sfn"]})
    print(json.dumps({"perAccount": per, "rows": rows}, default=str))


if __name__ == "__main__":
    main()
