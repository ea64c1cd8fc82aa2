"""Central checks: the role accounts read back on the default landing zone, and broken variants.

The default run and its broken variants come from conftest.py (one simulation; each variant breaks
one thing in the deployed state through the owning account's credentials, reads the central checks
back, and restores it). One broken *package* goes through the CLI for the exit status and the JSON.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from cfct_backup_automation import inventory

from cfct_backup.cli import main
from cfct_backup.simulation.report import render_table
from cfct_backup.verify.policies import (
    bucket_org_scoped,
    key_users,
    mfa_guarded,
    org_scoped,
    tls_only,
)

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")


def _failing(checks):
    return {(c.account, c.region, c.what): c.detail for c in checks if not c.ok}


def test_default_landing_zone_passes_every_central_check(default_simulation):
    report = default_simulation.report
    assert report.central, "no central check ran"
    assert not _failing(report.central), _failing(report.central)
    assert report.ok
    by_group = {}
    for check in report.central:
        by_group.setdefault(check.group, []).append(check)
    assert set(by_group) == {"management", "log_archive", "audit", "key_vault", "bunker", "members"}
    whats = {c.what for c in report.central}
    for expected in (
        "log bucket Object Lock",
        "log bucket versioning",
        "log bucket policy TLS-only",
        "log bucket policy organization-only",
        "organization trail logging to the Log Archive bucket",
        "organization trail multi-Region",
        "organization trail log file validation",
        "metric filter + alarm on backup job failures (BackupJobsFailed)",
        "metric filter + alarm on copy job failures (CopyJobsFailed)",
        "metric filter + alarm on Organizations policy changes (OrganizationsPolicyChanges)",
        "metric filter + alarm on bunker access (BunkerHumanAccess)",
        "trusted access for AWS Backup",
        "BACKUP_POLICY policy type enabled",
        "delegated Backup administrator is the Audit account",
        "cross-account backup enabled",
        "organization conformance pack cfct-backup-controls",
        "central bus policy organization-only",
        "alert topic encrypted with a customer managed key",
        "alert topic email subscription backup-alerts@example.com",
        "central bus rules into the alert topic",
        "report plan cfct_backup_copy_jobs (organization-wide, into the bunker)",
        "failed backup job alert path (member bus -> central bus -> alert topic)",
        "bunker key: multi-Region primary, customer managed, enabled",
        "bunker key replica of the home primary",
        "bunker key policy: MFA on ScheduleKeyDeletion/PutKeyPolicy/DisableKey",
        "bunker key policy: use by the bunker account only",
        "break-glass role: sessions of at most 3600 s",
        "break-glass permission set and assignment (Identity Center)",
        "self-service portfolio and launch role",
    ):
        assert expected in whats, expected
    # the key vault is checked in both Regions; every in-scope member has its portfolio
    key_regions = {c.region for c in by_group["key_vault"]}
    assert key_regions == {"us-east-1", "us-west-2"}
    assert {c.account for c in by_group["members"]} == {a.name for a in report.in_scope}
    # record-only types say so, and nothing more
    recorded = [c for c in report.central if "recorded" in c.detail]
    assert {c.what for c in recorded} == {
        "organization conformance pack cfct-backup-controls",
        "break-glass permission set and assignment (Identity Center)",
        "self-service portfolio and launch role",
    }
    event = next(c for c in report.central if c.what.startswith("failed backup job alert path"))
    assert "reached the central bus and cfct-backup-alerts" in event.detail
    table = render_table(report)
    assert "central checks (role accounts" in table
    assert "0 central gap(s)" in table


def test_probes_of_the_event_drill_are_removed_and_restores_are_clean(default_simulation):
    # after every variant was put back, the same checks pass again (the drill left nothing behind
    # that changes a verdict, and each restore really restored)
    assert default_simulation.restored
    assert not _failing(default_simulation.restored), _failing(default_simulation.restored)
    rules = next(c for c in default_simulation.restored if c.what == "central bus rules into the alert topic")
    assert rules.ok


@pytest.mark.parametrize(
    ("variant", "account", "region", "what", "detail"),
    [
        (
            "log bucket without Object Lock",
            "Log Archive",
            "us-east-1",
            "log bucket Object Lock",
            "not enabled",
        ),
        (
            "key policy without the MFA condition",
            "Key Vault",
            "us-east-1",
            "bunker key policy: MFA on ScheduleKeyDeletion/PutKeyPolicy/DisableKey",
            "no MFA condition on ScheduleKeyDeletion, DisableKey",
        ),
        (
            "central bus open to *",
            "Audit",
            "us-east-1",
            "central bus policy organization-only",
            "statement open allows any principal outside the organization",
        ),
        (
            "break-glass sessions of 12 hours",
            "Backup Bunker",
            "us-east-1",
            "break-glass role: sessions of at most 3600 s",
            "MaxSessionDuration 43200",
        ),
        (
            "organization trail stopped",
            "Management",
            "us-east-1",
            "organization trail logging to the Log Archive bucket",
            "logging=False",
        ),
        (
            "member rule disabled",
            "Audit",
            "us-east-1",
            "failed backup job alert path (member bus -> central bus -> alert topic)",
            "central bus NOT reached, alert topic NOT reached",
        ),
    ],
)
def test_broken_variant_is_exactly_its_named_central_gap(  # noqa: PLR0917 - parametrized
    default_simulation, variant, account, region, what, detail
):
    checks = default_simulation.broken[variant]
    failing = _failing(checks)
    assert set(failing) == {(account, region, what)}, failing
    assert detail in failing[(account, region, what)]
    # the verdict: the run is not ok, and the table names the gap
    report = dataclasses.replace(default_simulation.report, central=checks)
    assert all(a.state == "PROTECTED" for a in report.in_scope)  # members are fine ...
    assert not report.ok  # ... and still the run fails
    table = render_table(report)
    assert f"GAP central {account} {region}: {what}: " in table
    assert "1 central gap(s)" in table
    data = report.as_dict()
    assert data["ok"] is False
    [gap] = [c for c in data["central"] if not c["ok"]]
    assert gap["gap"].startswith(f"{account} {region}: {what}")


def test_broken_package_without_object_lock_exits_1_with_the_named_central_gap(tmp_path, capsys):
    package = tmp_path / "package"
    shutil.copytree(
        ROOT, package, ignore=shutil.ignore_patterns(".venv*", ".git", "__pycache__", "*.egg-info", "tests")
    )
    template = package / "templates" / "log-archive.yaml"
    text = template.read_text()
    lock = (
        "      ObjectLockEnabled: true\n"
        "      ObjectLockConfiguration:\n"
        "        ObjectLockEnabled: Enabled\n"
        "        Rule:\n"
        "          DefaultRetention:\n"
        "            Mode: !Ref ObjectLockMode\n"
        "            Days: !Ref ObjectLockDays\n"
    )
    assert lock in text
    template.write_text(text.replace(lock, ""))
    report_file = tmp_path / "report.json"
    code = main(["simulate", "--package", str(package), "--report", str(report_file)])
    out = capsys.readouterr().out
    assert code == 1
    assert "GAP central Log Archive us-east-1: log bucket Object Lock: not enabled" in out
    data = json.loads(report_file.read_text())
    assert data["ok"] is False
    assert all(a["state"] == "PROTECTED" for a in data["accounts"] if a["inScope"])
    gaps = [c["gap"] for c in data["central"] if not c["ok"]]
    assert len(gaps) == 1 and "log bucket Object Lock" in gaps[0], gaps


def _doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_policy_readers():
    org = "o-abcdefghij"
    scoped = {
        "Sid": "org",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "events:PutEvents",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": org}},
    }
    assert org_scoped(_doc(scoped), org) is None
    assert "allows any principal" in org_scoped(_doc(scoped, {**scoped, "Sid": "x", "Condition": {}}), org)
    assert "allows any principal" in org_scoped(
        _doc({**scoped, "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-other00000"}}}), org
    )
    assert org_scoped(_doc(), org) == "no policy"
    wildcard_arn = {**scoped, "Principal": {"AWS": "arn:aws:iam::*:root"}, "Condition": {}}
    assert "allows any principal" in org_scoped(_doc(scoped, wildcard_arn), org)
    deny_tls = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    deny_outside = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": org}},
    }
    assert tls_only(_doc(deny_tls)) and not tls_only(_doc(deny_outside))
    assert bucket_org_scoped(_doc(deny_tls, deny_outside), org)
    assert not bucket_org_scoped(_doc(deny_tls), org)
    assert not bucket_org_scoped(
        _doc(deny_outside, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}), org
    )
    mfa = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": ["kms:ScheduleKeyDeletion", "kms:DisableKey"],
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    }
    assert mfa_guarded(_doc(mfa)) == ["PutKeyPolicy"]
    assert mfa_guarded(_doc({**mfa, "Action": "kms:*"})) == []
    assert mfa_guarded(_doc({**mfa, "Condition": {}})) == [
        "ScheduleKeyDeletion",
        "PutKeyPolicy",
        "DisableKey",
    ]
    bunker = "arn:aws:iam::111122223333:root"
    use = {"Effect": "Allow", "Principal": {"AWS": bunker}, "Action": ["kms:Decrypt", "kms:GenerateDataKey*"]}
    admin = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
        "Action": ["kms:DescribeKey"],
    }
    assert key_users(_doc(use, admin)) == {bunker}
    assert key_users(_doc(use, {**admin, "Action": "kms:*"})) == {bunker, "arn:aws:iam::444455556666:root"}


def test_protected_is_the_automations_decision(default_simulation):
    """The report's verdict and gap codes are protection.py's (audit mode), with the inventory's
    states: every in-scope member of the default run has no gap code, and the same read path
    names the gaps a stricter configuration finds."""
    report = default_simulation.report
    assert report.in_scope and all(
        a.state == inventory.PROTECTED and a.gap_codes == [] for a in report.in_scope
    )
    decisions = default_simulation.decisions
    assert decisions["as configured"] == []
    assert decisions["a plan the policy lacks"] == ["global:backup-plan-missing"]
    assert decisions["member Vault Lock required"] == [
        "us-east-1:vault-lock-missing",
        "us-west-2:vault-lock-missing",
    ]
    data = report.as_dict()
    assert all(a["gap_codes"] == [] for a in data["accounts"] if a["in_scope"])
