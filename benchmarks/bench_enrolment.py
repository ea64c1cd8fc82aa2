"""AWS API calls for one enrolment (goal: <= 4 + 4 per governed Region), counted by a botocore hook.

Runs the real enrolment handler on the emulated organization (moto + cfct_backup.emulator) for a
freshly vended account whose member baseline is in place, with 1, 2 and 4 governed Regions. Calls
are counted on every client the automation creates (management and assumed-role clients), split
into the enrolment's own work and the powertools idempotency bookkeeping. The cold-start
configuration read (SSM) is shown apart: it happens once per container, not per event.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")

REGION_SETS = {
    1: ("us-east-1",),
    2: ("us-east-1", "us-west-2"),
    4: ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1"),
}


def measure(regions: tuple[str, ...]) -> tuple[Counter[str], Counter[str], str]:
    import boto3
    from cfct_backup_automation import handler_enrolment
    from cfct_backup_automation.runtime import LocalContext, build_runtime
    from moto import mock_aws

    from tests.automation.emulated_org import MOTO_CONFIG, build_org, install_emulator

    install_emulator()
    calls: Counter[str] = Counter()

    def count(client) -> None:
        service = client.meta.service_model.service_name
        client.meta.events.register(
            "before-call", lambda model, **_: calls.update([f"{service}:{model.name}"])
        )

    with mock_aws(config=MOTO_CONFIG):
        org = build_org()
        ssm = boto3.client("ssm")
        ssm.put_parameter(
            Name="/cfct-backup/regions/governed", Value=",".join(regions), Type="StringList", Overwrite=True
        )
        account = org.vend(org.protected_ou)
        org.deploy_baseline(account, regions)
        base = boto3.Session()
        # the configuration read at cold start (the SSM client is not made by the SessionFactory)
        base.events.register("before-call.ssm", lambda model, **_: calls.update([f"ssm:{model.name}"]))
        rt = build_runtime(base, dict(org.env), on_client=count)
        cold = Counter(calls)
        calls.clear()
        handler_enrolment.set_runtime(rt)
        result = handler_enrolment.handler(org.ct_event(account, org.protected_ou), LocalContext())
        handler_enrolment.set_runtime(None)
    return cold, calls, str(result["state"])


def main() -> None:
    print("one enrolment (CreateManagedAccount SUCCEEDED, baseline in place), AWS API calls:")
    print(f"{'regions':>7} {'state':>10} {'work':>5} {'idempotency':>11} {'goal':>5}  breakdown")
    for n, regions in REGION_SETS.items():
        cold, calls, state = measure(regions)
        # powertools idempotency: PutItem (in progress) + UpdateItem (completed) on the idempotency table
        idem = calls["dynamodb:PutItem"] + calls["dynamodb:UpdateItem"] - 2  # inventory: 2 UpdateItem
        work = sum(calls.values()) - idem
        detail = ", ".join(f"{k} {v}" for k, v in sorted(calls.items()))
        print(f"{n:>7} {state:>10} {work:>5} {idem:>11} {4 + 4 * n:>5}  {detail}")
    print(f"cold start (once per container): {dict(cold)}")
    print(
        "per Region: UpdateRegionSettings, DescribeKey, ListGrants, CreateGrant, DescribeBackupVault,\n"
        "GetBackupVaultAccessPolicy; per account: inventory lease + release, AssumeRole,\n"
        "DescribeEffectivePolicy, PutEvents. See docs/automation.md for the two calls per Region\n"
        "over the goal (DescribeKey for the CMK identity, ListGrants for find-by-name)."
    )


if __name__ == "__main__":
    main()
