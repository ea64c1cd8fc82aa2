"""`cfct-backup audit`: the reconcile code, read-only, from the command line."""

from __future__ import annotations

import json

import boto3

from cfct_backup.cli import main

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
