"""AWS API calls for one enrolment (goal: <= 4 + 4 per governed Region), counted by a botocore hook.

Runs the real enrolment handler on the emulated organization (moto + cfct_backup.emulator) for
freshly vended accounts whose member baseline is in place, with 1, 2 and 4 governed Regions; the
protected OU's backup policy copies to the locked bunker vaults in the home and DR Regions (as the
package's policies do). Calls are counted on every client the automation creates (management and
assumed-role clients), split into the enrolment's own work and the powertools idempotency
bookkeeping. Two enrolments run in one warm container: the second is the per-enrolment cost; what
the first pays on top (reading the copy destinations in the bunker, cached per container for a
short TTL) is shown apart, like the cold-start configuration read (SSM).
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


def measure(regions: tuple[str, ...]) -> tuple[Counter[str], Counter[str], Counter[str], str]:
    import boto3
    from cfct_backup_automation import handler_enrolment
    from cfct_backup_automation.runtime import LocalContext, build_runtime
    from moto import mock_aws

    from tests.automation.emulated_org import DR, HOME, MOTO_CONFIG, build_org, install_emulator

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
        bunker_vaults = [org.deploy_bunker_vault(r) for r in (HOME, DR)]
        org.attach_copy_policy(org.protected_ou, bunker_vaults)
        accounts = [org.vend(org.protected_ou) for _ in range(2)]
        for account in accounts:
            org.deploy_baseline(account, regions)
        base = boto3.Session()
        # the configuration read at cold start (the SSM client is not made by the SessionFactory)
        base.events.register("before-call.ssm", lambda model, **_: calls.update([f"ssm:{model.name}"]))
        rt = build_runtime(base, dict(org.env), on_client=count)
        cold = Counter(calls)
        handler_enrolment.set_runtime(rt)
        per_event: list[Counter[str]] = []
        states = []
        for account in accounts:
            calls.clear()
            result = handler_enrolment.handler(org.ct_event(account, org.protected_ou), LocalContext())
            per_event.append(Counter(calls))
            states.append(str(result["state"]))
        handler_enrolment.set_runtime(None)
    first, warm = per_event
    return cold, first - warm, warm, "/".join(states)


def main() -> None:
    print("one enrolment (CreateManagedAccount SUCCEEDED, baseline in place), AWS API calls:")
    print(f"{'regions':>7} {'states':>19} {'work':>5} {'idempotency':>11} {'goal':>5}  breakdown")
    extra: Counter[str] = Counter()
    cold: Counter[str] = Counter()
    for n, regions in REGION_SETS.items():
        cold, extra, calls, states = measure(regions)
        # powertools idempotency: PutItem (in progress) + UpdateItem (completed) on the idempotency table
        idem = calls["dynamodb:PutItem"] + calls["dynamodb:UpdateItem"] - 2  # inventory: 2 UpdateItem
        work = sum(calls.values()) - idem
        detail = ", ".join(f"{k} {v}" for k, v in sorted(calls.items()))
        print(f"{n:>7} {states:>19} {work:>5} {idem:>11} {4 + 4 * n:>5}  {detail}")
    print(f"cold start (once per container): {dict(cold)}")
    from cfct_backup_automation.destinations import DESTINATION_TTL_SECONDS

    print(
        f"first enrolment in a container adds (copy destinations, cached {DESTINATION_TTL_SECONDS:.0f} s): "
        f"{dict(extra)}"
    )
    print(
        "per Region: UpdateRegionSettings, DescribeKey, CreateGrant, DescribeBackupVault,\n"
        "GetBackupVaultAccessPolicy; per account: inventory lease + release, AssumeRole,\n"
        "DescribeEffectivePolicy, PutEvents. See docs/automation.md for the calls over the goal\n"
        "(DescribeKey for the CMK behind the alias; the lease release)."
    )


if __name__ == "__main__":
    main()
