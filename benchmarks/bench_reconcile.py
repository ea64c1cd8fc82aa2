"""Reconcile sweep at scale on the emulated organization, and a latency model for 5,000 x 4.

1. 1,000 member accounts x 2 governed Regions on moto (+ cfct_backup.emulator), member baseline in
   place, never enrolled. Sweep 1 repairs everything the automation owns (grants, opt-ins,
   inventory); sweep 2 is the steady state; sweep 3 repeats it under tracemalloc for peak memory.
   These sweeps run without the rate limiter (moto has no quotas): they measure the code and the
   emulator, calls and memory.
2. The same steady-state sweep on 100 accounts with 100 ms injected before every AWS call and the
   real rate limiter (Organizations 8 calls/s), measured; then a model (calls per account and per
   Region from sweep 2, latency, concurrency, Organizations rate) checked against that measurement
   and extrapolated to 5,000 accounts x 4 Regions.
"""

from __future__ import annotations

import json
import os
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"
os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"

ACCOUNTS = int(os.environ.get("BENCH_ACCOUNTS", "1000"))
LATENCY_ACCOUNTS = int(os.environ.get("BENCH_LATENCY_ACCOUNTS", "100"))
REGIONS = ("us-east-1", "us-west-2")
LATENCY = 0.1
CONCURRENCY = 16
LAMBDA_LIMIT = 900.0
PER_ACCOUNT_SERVICES = {"sts", "organizations", "dynamodb"}


def populate(org, n: int) -> list[str]:
    """Vend n accounts into the protected OUs with the member baseline (shared clients, fast)."""
    import boto3

    orgs = boto3.client("organizations")
    iam = boto3.client("iam")
    kms = {r: boto3.client("kms", r) for r in REGIONS}
    backup = {r: boto3.client("backup", r) for r in REGIONS}
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{org.management}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Action": "backup:DeleteRecoveryPoint",
                    "Resource": "*",
                }
            ],
        }
    )
    accounts = []
    for i in range(n):
        acct = orgs.create_account(Email=f"m{i}@example.com", AccountName=f"member-{i}")[
            "CreateAccountStatus"
        ]["AccountId"]
        ou = org.protected_ou if i % 2 else org.protected_ou_2
        orgs.move_account(AccountId=acct, SourceParentId=org.root_id, DestinationParentId=ou)
        os.environ["MOTO_ACCOUNT_ID"] = acct
        try:
            iam.create_role(RoleName="cfct-backup-automation", AssumeRolePolicyDocument=trust)
            for r in REGIONS:
                key = kms[r].create_key()["KeyMetadata"]["Arn"]
                kms[r].create_alias(AliasName="alias/cfct-backup-vault", TargetKeyId=key)
                backup[r].create_backup_vault(BackupVaultName="cfct-backup-vault", EncryptionKeyArn=key)
                backup[r].put_backup_vault_access_policy(BackupVaultName="cfct-backup-vault", Policy=policy)
        finally:
            del os.environ["MOTO_ACCOUNT_ID"]
        accounts.append(acct)
    os.environ["MOTO_ACCOUNT_ID"] = org.bunker
    try:
        boto3.client("s3").create_bucket(Bucket=f"cfct-backup-reports-{org.bunker}-us-east-1")
    finally:
        del os.environ["MOTO_ACCOUNT_ID"]
    return accounts


def sweep(org, calls: Counter[str], *, limiter=None, latency: float = 0.0, memory: bool = False):
    import boto3
    from cfct_backup_automation.ratelimit import RateLimiter
    from cfct_backup_automation.reconcile import reconcile
    from cfct_backup_automation.runtime import build_runtime

    def hook(client) -> None:
        service = client.meta.service_model.service_name

        def before_call(model, **_) -> None:
            calls[f"{service}:{model.name}"] += 1
            if latency:
                time.sleep(latency)

        client.meta.events.register("before-call", before_call)

    rt = build_runtime(boto3.Session(), dict(org.env), on_client=hook)
    if memory:
        tracemalloc.start()
    start = time.perf_counter()
    result = reconcile(
        rt.cfg, rt.sessions, mode="repair", max_workers=CONCURRENCY, rate_limiter=limiter or RateLimiter({})
    )
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if memory else 0
    if memory:
        tracemalloc.stop()
    return result, elapsed, peak


def split(calls: Counter[str], accounts: int, regions: int) -> tuple[float, float, float]:
    """(member calls per account, member calls per account-Region, Organizations calls per account)."""
    per_region = sum(v for k, v in calls.items() if k.split(":")[0] in {"backup", "kms"}) / (
        accounts * regions
    )
    per_account = sum(v for k, v in calls.items() if k.split(":")[0] in PER_ACCOUNT_SERVICES) / accounts
    orgs = sum(v for k, v in calls.items() if k.startswith("organizations:")) / accounts
    return per_account, per_region, orgs


def model(
    accounts: int,
    regions: int,
    *,
    per_account: float,
    per_region: float,
    org_calls: float,
    concurrency: int,
    org_rate: float = 8.0,
) -> tuple[float, float]:
    """(member-call time, Organizations time) in seconds; the sweep takes about the larger one."""
    member = accounts * (per_account + regions * per_region) * LATENCY / concurrency
    return member, org_calls / org_rate


def org_calls_for(accounts: int, ous: int = 10) -> float:
    """ListAccountsForParent pages (20 accounts each), one DescribeEffectivePolicy per OU, listing."""
    return accounts / 20 + ous + ous + 2


def main() -> None:
    from cfct_backup_automation.ratelimit import RateLimiter
    from moto import mock_aws

    from tests.automation.emulated_org import MOTO_CONFIG, build_org, install_emulator

    install_emulator()
    with mock_aws(config=MOTO_CONFIG):
        org = build_org()
        t0 = time.perf_counter()
        populate(org, ACCOUNTS)
        took = time.perf_counter() - t0
        print(f"setup: {ACCOUNTS} accounts x {len(REGIONS)} Regions with baseline in {took:.0f} s")
        for label, memory in (
            ("sweep 1 (repairs: grants, opt-ins, inventory)", False),
            ("sweep 2 (steady state)", False),
            ("sweep 3 (steady state, tracemalloc)", True),
        ):
            calls: Counter[str] = Counter()
            result, elapsed, peak = sweep(org, calls, memory=memory)
            s = result.summary()
            line = (
                f"{label}: {elapsed:6.1f} s, {sum(calls.values())} calls "
                f"({sum(calls.values()) / ACCOUNTS:.1f}/account), "
                f"protected {s['accountsProtected']}/{s['accountsInScope']}, "
                f"repaired {sum(s['repaired'].values())}"
            )
            if memory:
                line += f", peak traced memory {peak / 2**20:.1f} MiB"
            print(line)
            if label.startswith("sweep 2"):
                steady = calls
        print("steady-state calls:", ", ".join(f"{k} {v}" for k, v in sorted(steady.items())))
        per_account, per_region, org_per_account = split(steady, ACCOUNTS, len(REGIONS))
        per_account -= org_per_account  # Organizations calls are modelled on their own (rate limit)
        print(
            f"member calls per account {per_account:.2f}, per account-Region {per_region:.2f}; "
            f"Organizations calls per account {org_per_account:.3f}"
        )

    # Latency: a fresh, smaller organization, steady state, 100 ms per call, real rate limiter.
    with mock_aws(config=MOTO_CONFIG):
        org = build_org()
        populate(org, LATENCY_ACCOUNTS)
        sweep(org, Counter())  # repairs, so the measured sweep is the steady state
        calls = Counter()
        _, elapsed, _ = sweep(org, calls, limiter=RateLimiter(), latency=LATENCY)
        org_measured = sum(v for k, v in calls.items() if k.startswith("organizations:"))
        member, orgs_t = model(
            LATENCY_ACCOUNTS,
            len(REGIONS),
            per_account=per_account,
            per_region=per_region,
            org_calls=org_measured,
            concurrency=CONCURRENCY,
        )
        predicted = max(member, orgs_t)
        print(
            f"latency run: {LATENCY_ACCOUNTS} accounts x {len(REGIONS)} Regions, "
            f"{LATENCY * 1000:.0f} ms/call, concurrency {CONCURRENCY}, Organizations 8/s: "
            f"measured {elapsed:.1f} s, model {predicted:.1f} s"
        )
    scale = max(elapsed / predicted, 1.0) if predicted else 1.0
    org_calls = org_calls_for(5000)
    print(
        f"extrapolation to 5,000 accounts x 4 Regions, model x {scale:.2f} (measured/model of the "
        f"latency run), Organizations {org_calls:.0f} calls at 8/s:"
    )
    for concurrency in (16, 32, 64):
        member, orgs_t = model(
            5000,
            4,
            per_account=per_account,
            per_region=per_region,
            org_calls=org_calls,
            concurrency=concurrency,
        )
        est = max(member, orgs_t) * scale
        verdict = (
            "fits one 15-minute Lambda run (SweepEngine=lambda)"
            if est < LAMBDA_LIMIT
            else "needs SweepEngine=stepfunctions (benchmarks/bench_sweep.py)"
        )
        print(
            f"  concurrency {concurrency:>2}: member calls {member:5.0f} s, Organizations {orgs_t:4.0f} s "
            f"-> {est:5.0f} s  {verdict}"
        )
    print(
        "  above the limit the Step Functions engine (Distributed Map of batches) spreads the member\n"
        "  calls over MaxConcurrency children; the Organizations calls are few (listing + one effective\n"
        "  policy per OU) and do not grow with the Regions."
    )


if __name__ == "__main__":
    main()
