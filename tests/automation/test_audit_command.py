"""`cfct-backup audit`: the reconcile code, read-only, from the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from cfct_backup.cli import main
from cfct_backup.emulator import sts

from .conftest import DR, HOME, Org


def test_audit_reports_gaps_writes_files_and_changes_nothing(org: Org, tmp_path, capsys) -> None:
    good = org.vend(org.protected_ou)
    bare = org.vend(org.protected_ou_2)
    org.deploy_baseline(good)
    org.deploy_baseline(bare, (HOME,))
    out_json, out_csv = tmp_path / "r.json", tmp_path / "r.csv"

    code = main(
        [
            "audit",
            "--json",
            str(out_json),
            "--csv",
            str(out_csv),
            "--baseline-stack-set",
            "",
            "--concurrency",
            "2",
        ]
    )

    assert code == 1  # gaps exist
    doc = json.loads(out_json.read_text())
    by_account = {a["accountId"]: a for a in doc["accounts"]}
    bare_codes = {(g["region"], g["code"]) for g in by_account[bare]["gaps"]}
    assert {(DR, "vault-missing"), (DR, "key-missing"), (HOME, "grant-missing")} <= bare_codes
    assert not any(g["repaired"] for a in doc["accounts"] for g in a["gaps"])
    assert out_csv.read_text().startswith("accountId,accountName,ouId,state,compliant,region,code")
    printed = capsys.readouterr().out
    assert bare in printed and "re-run the CfCT pipeline" in printed
    # Read-only: no grant created, no inventory written, no report uploaded.
    assert org.bunker_grants(good, HOME) == [] and org.bunker_grants(bare, HOME) == []
    assert org.inventory(good) is None
    assert boto3.client("s3", HOME).list_buckets()["Buckets"] == []


def test_audit_names_the_missing_configuration(org: Org, capsys) -> None:
    assert main(["audit", "--config-prefix", "/not-configured"]) == 2
    err = capsys.readouterr().err
    assert "/not-configured/accounts/bunker" in err and "missing SSM parameter" in err


def test_audit_central_names_the_parameter_it_lacks_before_sweeping(org: Org, tmp_path, capsys) -> None:
    """The central checks need the alert address (the member sweep does not): exit 2 naming it,
    before any account is read and without a report."""
    out = tmp_path / "central.json"
    assert main(["audit", "--central", "--json", str(out), "--baseline-stack-set", ""]) == 2
    captured = capsys.readouterr()
    assert "error: missing SSM parameter /cfct-backup/alert-email" in captured.err
    assert "swept" not in captured.out + captured.err and not out.exists()


# ---- the trust the audit needs, as AWS evaluates it ----------------------------------------------


@pytest.fixture
def strict_trust() -> Iterator[None]:
    """The emulator's strict trust mode: a role admits the caller only when its trust names the
    caller's own ARN (or its account root), as AWS does for a trust that lists principals."""
    sts.TRUST_POLICY_MODE = "strict"
    try:
        yield
    finally:
        sts.TRUST_POLICY_MODE = "account"


def _role(org: Org, accounts: list[str], name: str, principals: list[str]) -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": principals}, "Action": "sts:AssumeRole"}],
    }
    for account in accounts:
        with org.as_account(account):
            boto3.client("iam", HOME).create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))


def _audit(tmp_path: Path, role: str) -> tuple[int, dict]:
    out = tmp_path / f"{role}.json"
    code = main(["audit", "--role-name", role, "--json", str(out), "--baseline-stack-set", ""])
    return code, json.loads(out.read_text())


def test_audit_assumes_a_role_only_when_its_trust_names_the_caller(
    org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str], strict_trust: None
) -> None:
    """With a trust AWS would refuse to the caller (the member baseline's automation role admits the
    management account's Lambda roles only), the audit must not pass: every account is reported as
    'cannot assume', exit 1. With a trust naming the caller, the same accounts are read."""
    accounts = [org.vend(org.protected_ou), org.vend(org.protected_ou_2)]
    for account in accounts:
        org.deploy_baseline(account)
    caller = boto3.client("sts", HOME).get_caller_identity()["Arn"]
    lambdas = [f"arn:aws:iam::{org.management}:role/cfct-backup-{f}" for f in ("enrolment", "reconcile")]
    assert caller not in lambdas
    _role(org, accounts, "audit-probe-lambdas-only", lambdas)
    _role(org, accounts, "audit-probe-caller", [caller])

    code, refused = _audit(tmp_path, "audit-probe-lambdas-only")
    assert code == 1
    by_account = {a["accountId"]: a for a in refused["accounts"]}
    for account in accounts:
        codes = {g["code"] for g in by_account[account]["gaps"]}
        assert "role-missing" in codes and by_account[account]["state"] != "PROTECTED", by_account[account]

    code, admitted = _audit(tmp_path, "audit-probe-caller")
    capsys.readouterr()
    read = {a["accountId"]: a for a in admitted["accounts"]}
    for account in accounts:
        assert "role-missing" not in {g["code"] for g in read[account]["gaps"]}, read[account]
    assert code in (0, 1) and admitted["schemaVersion"] == 1
