"""Reconcile: repairs drift the automation owns, reports the rest, writes the compliance report."""

from __future__ import annotations

import csv
import io
import json
import threading
import time

import boto3
from cfct_backup_automation import handler_reconcile
from cfct_backup_automation.enrolment import handle_event
from cfct_backup_automation.ratelimit import RateLimiter, TokenBucket
from cfct_backup_automation.reconcile import ReconcileResult, reconcile
from cfct_backup_automation.runtime import LocalContext

from .conftest import DR, HOME, REGIONS, Org
from .emulated_org import BACKUP_POLICY

STACK_SET = "CustomControlTower-member-baseline"


def _stack_instances(org: Org, pairs: list[tuple[str, str]]) -> None:
    cfn = boto3.client("cloudformation", HOME)
    try:
        cfn.describe_stack_set(StackSetName=STACK_SET)
    except cfn.exceptions.StackSetNotFoundException:
        cfn.create_stack_set(
            StackSetName=STACK_SET,
            TemplateBody=json.dumps(
                {
                    "Resources": {
                        "Marker": {
                            "Type": "AWS::SSM::Parameter",
                            "Properties": {"Name": "/cfct-backup/baseline", "Type": "String", "Value": "1"},
                        }
                    }
                }
            ),
            PermissionModel="SELF_MANAGED",
        )
    for account, region in pairs:
        cfn.create_stack_instances(StackSetName=STACK_SET, Accounts=[account], Regions=[region])


def _report_bucket(org: Org) -> str:
    name = f"cfct-backup-reports-{org.bunker}-{HOME}"
    org.deploy_role(org.bunker)
    with org.as_account(org.bunker):
        s3 = boto3.client("s3", HOME)
        if name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
            s3.create_bucket(Bucket=name)
    return name


def _codes(result: ReconcileResult, account: str, *, repaired: bool | None = None) -> set[str]:
    rep = next(a for a in result.accounts if a.account_id == account)
    return {g.label for g in rep.gaps if repaired is None or g.repaired == repaired}


def test_reconcile_repairs_three_kinds_of_drift_and_reports_the_rest(org: Org, rt) -> None:
    rt = org.runtime(BASELINE_STACK_SET_NAME=STACK_SET)
    bucket = _report_bucket(org)
    # Enrolled, then its bunker grant in the home Region is revoked by hand.
    lost_grant = org.vend(org.protected_ou)
    # Enrolled, then S3 is opted out in the DR Region.
    opted_out = org.vend(org.protected_ou)
    # In scope with its baseline, but the enrolment event never arrived (no inventory item).
    missed = org.vend(org.protected_ou_2)
    # Enrolled, then moved to an unprotected OU without the event reaching us.
    moved = org.vend(org.protected_ou)
    # In scope; the baseline stack instance in DR is missing (no vault there): not ours to fix.
    no_dr = org.vend(org.protected_ou)
    # In scope, no baseline at all (role missing): not ours to fix.
    no_role = org.vend(org.protected_ou)
    for account in (lost_grant, opted_out, missed, moved):
        org.deploy_baseline(account)
    org.deploy_baseline(no_dr, (HOME,))
    _stack_instances(
        org, [(a, r) for a in (lost_grant, opted_out, missed, moved) for r in REGIONS] + [(no_dr, HOME)]
    )
    for account in (lost_grant, opted_out, moved):
        assert (
            handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry).state
            == "PROTECTED"
        )
    kms = org.member_client("kms", lost_grant, HOME)
    for g in org.bunker_grants(lost_grant, HOME):
        kms.revoke_grant(KeyId=g["KeyId"], GrantId=g["GrantId"])
    org.member_client("backup", opted_out, DR).update_region_settings(
        ResourceTypeOptInPreference={"S3": False}
    )
    org.orgs.move_account(AccountId=moved, SourceParentId=org.protected_ou, DestinationParentId=org.other_ou)
    org.events()

    # 1) audit (read-only): everything is reported, nothing changes.
    audit = reconcile(rt.cfg, rt.sessions, mode="audit", max_workers=4)
    assert f"{HOME}:grant-missing" in _codes(audit, lost_grant, repaired=False)
    assert f"{DR}:region-opt-in" in _codes(audit, opted_out, repaired=False)
    assert "global:inventory-drift" in _codes(audit, missed, repaired=False)
    assert "global:left-scope" in _codes(audit, moved, repaired=False)
    assert org.bunker_grants(lost_grant, HOME) == []
    assert org.inventory(missed) is None
    assert audit.report_keys == []

    # 2) repair.
    result = reconcile(rt.cfg, rt.sessions, mode="repair", telemetry=rt.telemetry, max_workers=4)
    assert f"{HOME}:grant-missing" in _codes(result, lost_grant, repaired=True)
    assert len(org.bunker_grants(lost_grant, HOME)) == 1  # checked in the member account
    assert f"{DR}:region-opt-in" in _codes(result, opted_out, repaired=True)
    prefs = org.member_client("backup", opted_out, DR).describe_region_settings()[
        "ResourceTypeOptInPreference"
    ]
    assert prefs["S3"] is True
    assert "global:inventory-drift" in _codes(result, missed, repaired=True)
    item = org.inventory(missed)
    assert item["state"] == "PROTECTED" and item["ouId"] == org.protected_ou_2
    assert "global:left-scope" in _codes(result, moved, repaired=True)
    assert org.inventory(moved)["state"] == "OFFBOARDED"
    assert all(org.bunker_grants(moved, r) == [] for r in REGIONS)
    # Reported, not repaired: what the CfCT pipeline owns.
    no_dr_open = _codes(result, no_dr, repaired=False)
    assert {f"{DR}:stack-instance-missing", f"{DR}:key-missing", f"{DR}:vault-missing"} <= no_dr_open
    rep = next(a for a in result.accounts if a.account_id == no_dr)
    assert all("re-run the CfCT pipeline" in g.message for g in rep.open_gaps)
    assert "global:role-missing" in _codes(result, no_role, repaired=False)
    assert org.inventory(no_role)["state"] == "GAP"

    # Report: JSON and CSV in the bunker's report bucket, read through bunker credentials.
    s3 = org.member_client("s3", org.bunker, HOME)
    # this sweep's objects (the module's organization keeps other tests' reports in the same bucket)
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    keys = sorted(k for k in listed if result.run_id in k)
    assert keys and sorted(result.report_keys) == keys
    doc = json.loads(
        s3.get_object(Bucket=bucket, Key=next(k for k in keys if k.endswith(".json")))["Body"].read()
    )
    # this test's accounts (the module's organization also holds other tests' accounts)
    states = {a["accountId"]: a["state"] for a in doc["accounts"]}
    assert {a: states[a] for a in (lost_grant, opted_out, missed, no_dr, no_role)} == {
        lost_grant: "PROTECTED",
        opted_out: "PROTECTED",
        missed: "PROTECTED",
        no_dr: "GAP",
        no_role: "GAP",
    }
    assert doc["summary"]["accountsWithGaps"] == sum(s == "GAP" for s in states.values())
    assert doc["summary"]["accountsProtected"] == sum(s == "PROTECTED" for s in states.values())
    assert doc["summary"]["repaired"]["grant-missing"] >= 1
    rows = list(
        csv.DictReader(
            io.StringIO(
                s3.get_object(Bucket=bucket, Key=next(k for k in keys if k.endswith(".csv")))["Body"]
                .read()
                .decode()
            )
        )
    )
    assert {(r["code"], r["repaired"]) for r in rows if r["accountId"] == no_role} == {
        ("role-missing", "False"),
        ("stack-instance-missing", "False"),
        ("inventory-drift", "True"),
    }
    assert not boto3.client("s3", HOME).list_buckets()["Buckets"]  # nothing in the management account
    # Summary event.
    summaries = [e for e in org.events() if e["detail-type"] == "Reconcile Summary"]
    assert len(summaries) == 1 and summaries[0]["detail"]["runId"] == result.run_id

    # 3) a second sweep finds nothing left to repair.
    again = reconcile(rt.cfg, rt.sessions, mode="repair", max_workers=4, write_report=False)
    assert not any(g.repaired for a in again.accounts for g in a.gaps)


def test_reconcile_handler_runs_a_sweep_and_returns_the_summary(org: Org) -> None:
    rt = org.runtime()
    _report_bucket(org)
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    handler_reconcile.set_runtime(rt)
    try:
        summary = handler_reconcile.handler({"id": "sched-1", "time": "2026-11-26T03:00:00Z"}, LocalContext())
    finally:
        handler_reconcile.set_runtime(None)
    assert summary["accountsInScope"] >= 1
    assert len(summary["reportKeys"]) == 2
    assert org.inventory(account)["state"] == "PROTECTED"


def test_rate_limiter_bounds_calls_per_second_across_threads() -> None:
    bucket = TokenBucket(rate=50.0, burst=1.0)
    start = time.monotonic()
    threads = [threading.Thread(target=lambda: [bucket.take() for _ in range(10)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    assert elapsed >= 39 / 50 * 0.9  # 40 calls at 50/s with a burst of 1
    assert set(RateLimiter().buckets) >= {"organizations", "sts"}


def test_effective_policy_is_read_once_per_ou_and_per_directly_targeted_account(org: Org) -> None:
    plain = [org.vend(org.protected_ou) for _ in range(3)]
    special = org.vend(org.protected_ou)
    for account in (*plain, special):
        org.deploy_baseline(account, (HOME,))
    extra = {"plans": {"extra-plan": json.loads(json.dumps(BACKUP_POLICY["plans"]["cfct-backup-daily"]))}}
    policy = org.orgs.create_policy(
        Name="extra", Description="extra", Type="BACKUP_POLICY", Content=json.dumps(extra)
    )["Policy"]["PolicySummary"]["Id"]
    org.orgs.attach_policy(PolicyId=policy, TargetId=special)
    rt = org.runtime(EXPECTED_BACKUP_PLANS="cfct-backup-daily,extra-plan")
    calls: list[str] = []
    rt.sessions.on_client = lambda c: c.meta.events.register(
        "before-call.organizations.DescribeEffectivePolicy",
        lambda **_: calls.append("DescribeEffectivePolicy"),
    )
    result = reconcile(rt.cfg, rt.sessions, mode="audit")
    in_scope = [a for a in result.accounts if a.ou_id is not None]
    assert len(calls) <= len({a.ou_id for a in in_scope}) + 1 < len(in_scope)
    assert "global:backup-plan-missing" not in _codes(result, special)
    for account in plain:
        assert "global:backup-plan-missing" in _codes(result, account)
