"""`cfct-backup configure` against moto: the parameters of a real organization, written once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

from cfct_backup.cli import main
from cfct_backup.configure import read_organization, sync_parameters

from .conftest import DESCRIPTION, Built, build

HOME = "eu-west-1"  # the description's home Region (not the SDK's default us-east-1)

EXPECTED = {
    "/cfct-backup/org/id",
    "/cfct-backup/org/root-id",
    "/cfct-backup/accounts/management",
    "/cfct-backup/accounts/log-archive",
    "/cfct-backup/accounts/audit",
    "/cfct-backup/accounts/bunker",
    "/cfct-backup/accounts/key-vault",
    "/cfct-backup/regions/home",
    "/cfct-backup/regions/dr",
    "/cfct-backup/regions/governed",
    "/cfct-backup/protected-ous/paths",
    "/cfct-backup/protected-ous/ids",
    "/cfct-backup/protected-ous/org-paths",
    "/cfct-backup/alert-email",
    "/cfct-backup/bunker/air-gapped-vault",  # written always: "false" unless air_gapped_vault is on
    "/cfct-backup/audit/principal-arns",  # cfct-backup-audit trust (lifecycle branch)
}


def ssm(region: str = HOME) -> Any:
    return boto3.client("ssm", region_name=region)


def parameters(region: str = HOME) -> dict[str, dict[str, Any]]:
    """Every parameter under /cfct-backup/ in the Region: name -> {Type, Value, Version}."""
    pages = ssm(region).get_paginator("get_parameters_by_path").paginate(Path="/cfct-backup", Recursive=True)
    return {p["Name"]: p for page in pages for p in page["Parameters"]}


def configure(org_file: Path, *extra: str) -> int:
    return main(["configure", "--org", str(org_file), *extra])


def test_writes_exactly_the_parameters_with_the_real_ids_and_nested_org_paths(built: Built, org_file, capsys):
    assert configure(org_file) == 0
    out = capsys.readouterr().out
    params = parameters()
    assert set(params) == EXPECTED
    assert parameters("us-east-1") == {}  # the home Region of the description, not the SDK's default

    def value(name: str) -> str:
        return str(params[f"/cfct-backup/{name}"]["Value"])

    assert value("org/id") == built.org_id and built.org_id.startswith("o-")
    assert value("org/root-id") == built.root_id
    assert value("accounts/management") == built.management_id == "123456789012"
    assert value("accounts/log-archive") == built.accounts["Log Archive"]
    assert value("accounts/audit") == built.accounts["Audit"]
    assert value("accounts/bunker") == built.accounts["Backup Bunker"]
    assert value("accounts/key-vault") == built.accounts["Key Vault"]
    assert len({value(f"accounts/{r}") for r in ("log-archive", "audit", "bunker", "key-vault")}) == 4
    assert value("regions/home") == "eu-west-1"
    assert value("regions/dr") == "eu-central-1"
    assert value("regions/governed") == "eu-west-1,eu-central-1"
    assert value("alert-email") == "alerts@example.com"
    assert value("protected-ous/paths") == "Workloads:Prod,Workloads:Prod:Critical"
    ous = built.ous
    assert value("protected-ous/ids") == f"{ous['Workloads:Prod']},{ous['Workloads:Prod:Critical']}"
    prefix = f"{built.org_id}/{built.root_id}/{ous['Workloads']}/{ous['Workloads:Prod']}"
    assert value("protected-ous/org-paths").split(",") == [
        f"{prefix}/",
        f"{prefix}/{ous['Workloads:Prod:Critical']}/",
    ]
    types = {name: p["Type"] for name, p in params.items()}
    assert {n for n, t in types.items() if t == "StringList"} == {
        "/cfct-backup/regions/governed",
        "/cfct-backup/protected-ous/paths",
        "/cfct-backup/protected-ous/ids",
        "/cfct-backup/protected-ous/org-paths",
        "/cfct-backup/audit/principal-arns",
    }
    lines = [
        line for line in out.splitlines() if line.split(" ", 1)[0] in ("created", "updated", "unchanged")
    ]
    assert len(lines) == len(EXPECTED)
    assert all(line.startswith("created ") for line in lines)
    assert f"created   /cfct-backup/accounts/bunker = {built.accounts['Backup Bunker']}" in lines


def test_second_run_changes_nothing(built: Built, org_file, capsys):
    assert configure(org_file) == 0
    first = {name: p["Version"] for name, p in parameters().items()}
    capsys.readouterr()
    assert configure(org_file) == 0
    out = capsys.readouterr().out
    assert {name: p["Version"] for name, p in parameters().items()} == first
    assert out.count("unchanged ") == len(EXPECTED)
    assert "created" not in out and "updated" not in out
    assert f"0 of {len(EXPECTED)} parameters changed" in out


def test_a_changed_description_updates_only_what_differs(built: Built, org_file, capsys):
    assert configure(org_file) == 0
    ssm().put_parameter(
        Name="/cfct-backup/regions/governed", Value="eu-west-1", Type="String", Overwrite=True
    )
    before = {name: p["Version"] for name, p in parameters().items()}
    org_file.write_text(DESCRIPTION.replace("alerts@example.com", "backup-team@example.com"))
    capsys.readouterr()
    assert configure(org_file) == 0
    out = capsys.readouterr().out
    after = parameters()
    changed = {name for name, p in after.items() if p["Version"] != before[name]}
    assert changed == {"/cfct-backup/alert-email", "/cfct-backup/regions/governed"}
    assert after["/cfct-backup/alert-email"]["Value"] == "backup-team@example.com"
    assert after["/cfct-backup/regions/governed"]["Type"] == "StringList"  # type restored too
    assert "updated   /cfct-backup/alert-email  (alerts@example.com → backup-team@example.com)" in out
    assert "updated   /cfct-backup/regions/governed  (eu-west-1 (String) → eu-west-1,eu-central-1)" in out
    assert out.count("unchanged ") == len(EXPECTED) - 2


def test_dry_run_writes_nothing_but_says_what_it_would(built: Built, org_file, capsys):
    assert configure(org_file, "--dry-run") == 0
    out = capsys.readouterr().out
    assert parameters() == {}
    assert out.count("created ") == len(EXPECTED)
    assert f"dry run: nothing was written ({len(EXPECTED)} of {len(EXPECTED)} would change)" in out

    # after a real run, a dry run against a changed description shows the update and writes nothing
    assert configure(org_file) == 0
    versions = {name: p["Version"] for name, p in parameters().items()}
    org_file.write_text(DESCRIPTION.replace("alerts@example.com", "other@example.com"))
    capsys.readouterr()
    assert configure(org_file, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "updated   /cfct-backup/alert-email  (alerts@example.com → other@example.com)" in out
    assert {name: p["Version"] for name, p in parameters().items()} == versions
    assert parameters()["/cfct-backup/alert-email"]["Value"] == "alerts@example.com"


def test_artifact_and_output_parameters_are_left_alone(built: Built, org_file, capsys):
    theirs = {
        "/cfct-backup/artifacts/bucket": "my-artifacts",
        "/cfct-backup/artifacts/lambda-version": "v123",
        "/cfct-backup/outputs/bunker-key-id": "mrk-1234",
    }
    for name, value in theirs.items():
        ssm().put_parameter(Name=name, Value=value, Type="String")
    assert configure(org_file) == 0
    assert configure(org_file) == 0
    params = parameters()
    assert set(params) == EXPECTED | set(theirs)
    for name, value in theirs.items():
        assert params[name]["Value"] == value
        assert params[name]["Version"] == 1
    assert "artifacts" not in capsys.readouterr().out


def test_sync_refuses_to_write_parameters_it_does_not_own(aws):
    for name in ("/cfct-backup/artifacts/bucket", "/cfct-backup/outputs/bunker-key-arn", "/other/x"):
        with pytest.raises(ValueError, match="does not write"):
            sync_parameters(ssm(), {name: ("String", "x")})
    assert parameters() == {}


def test_reads_every_page_of_ous_and_accounts(aws):
    # more than one page of each listing (moto pages OUs and accounts-for-parent by 20)
    many = "".join(f"      - {{name: Team {i}, email: team{i}@example.com}}\n" for i in range(25))
    ous = "".join(f"  - name: Unit {i}\n" for i in range(25))
    description = DESCRIPTION.replace(
        "  - name: Workloads\n", f"  - name: Teams\n    accounts:\n{many}{ous}  - name: Workloads\n"
    )
    built = build(description)
    real = read_organization(boto3.client("organizations", region_name="us-east-1"))
    assert real.ou_ids() == built.ous
    assert len(real.ous) == 6 + 1 + 25
    assert {a.name: a.id for a in real.accounts if a.name != "master"} == built.accounts
    assert {a.name: a.ou for a in real.accounts}["Team 24"] == "Teams"
    assert {a.name: a.ou for a in real.accounts}["Payments"] == "Workloads:Prod:Critical"
    assert {a.name: a.ou for a in real.accounts}["master"] == ""


# ---- refusals: one line naming the file and the field, exit 1, nothing written --------------------


def refuse(org_file: Path, capsys, *fields: str) -> str:
    assert configure(org_file) == 1
    captured = capsys.readouterr()
    err = captured.err
    for where in fields:
        assert f"{org_file}: {where}: " in err, err
    assert "nothing was written" in err
    assert "created" not in captured.out
    assert parameters() == {}
    return err


def test_refuses_a_member_that_does_not_exist(built: Built, org_file, capsys):
    org_file.write_text(DESCRIPTION.replace("Orders Dev", "Orders Staging"))
    err = refuse(org_file, capsys, "organizational_units[2].children[1].accounts[0].name")
    assert "no account named 'Orders Staging'" in err


def test_refuses_a_role_account_that_does_not_exist(built: Built, org_file, capsys):
    text = DESCRIPTION.replace(
        "      - {name: Key Vault, email: keys@example.com}\n",
        "      - {name: Key Vault, email: keys@example.com}\n"
        "      - {name: New Bunker, email: nb@example.com}\n",
    )
    org_file.write_text(text + "roles: {bunker: New Bunker}\n")
    err = refuse(org_file, capsys, "roles.bunker")
    assert "no account named 'New Bunker'" in err
    assert len(err.strip().splitlines()) == 2  # the problem and the refusal


def test_refuses_an_ou_path_that_does_not_exist(built: Built, org_file, capsys):
    org_file.write_text(DESCRIPTION.replace("name: Critical", "name: Crucial"))
    err = refuse(org_file, capsys, "organizational_units[2].children[0].children[0].name")
    assert "no OU 'Workloads:Prod:Crucial'" in err


def test_refuses_a_pinned_account_id_that_differs(built: Built, org_file, capsys):
    org_file.write_text(
        DESCRIPTION.replace(
            "{name: Orders Prod, email: orders-prod@example.com}",
            '{name: Orders Prod, email: orders-prod@example.com, id: "999999999999"}',
        )
    )
    err = refuse(org_file, capsys, "organizational_units[2].children[0].accounts[0].id")
    assert f"999999999999 in the file, but 'Orders Prod' is {built.accounts['Orders Prod']}" in err


def test_refuses_a_pinned_management_id_that_differs(built: Built, org_file, capsys):
    org_file.write_text(
        DESCRIPTION.replace("management@example.com}", 'management@example.com, id: "210987654321"}')
    )
    refuse(org_file, capsys, "management.id")


def test_refuses_a_role_account_in_another_ou(built: Built, org_file, capsys):
    built.move("Audit", "Backup")
    err = refuse(org_file, capsys, "roles.audit")
    assert "'Audit'" in err and "is in OU 'Backup', not in 'Security'" in err


def test_refuses_a_protected_ou_that_contains_a_role_account(built: Built, org_file, capsys):
    built.move("Key Vault", "Workloads:Prod:Critical")
    err = refuse(
        org_file, capsys, "organizational_units[2].children[0].children[0].protected", "roles.key_vault"
    )
    assert "protected OU 'Workloads:Prod:Critical' contains the role account 'Key Vault'" in err


def test_refuses_a_caller_that_is_not_the_management_account(built: Built, org_file, capsys, monkeypatch):
    member = built.accounts["Orders Prod"]
    creds = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="configure"
    )["Credentials"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", creds["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", creds["SecretAccessKey"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", creds["SessionToken"])
    as_member = boto3.session.Session(region_name=HOME)  # a fresh session reads the member's credentials
    assert as_member.client("sts").get_caller_identity()["Account"] == member
    err = refuse(
        org_file, capsys, "management"
    )  # (the default session still looks at the management account)
    assert f"the caller account {member} is not the management account {built.management_id}" in err
    # nor in the member's own account
    assert as_member.client("ssm").get_parameters_by_path(Path="/cfct-backup")["Parameters"] == []


def test_lists_every_problem_at_once(built: Built, org_file, capsys):
    built.move("Audit", "Backup")
    org_file.write_text(
        DESCRIPTION.replace("Orders Dev", "Orders Staging").replace("name: Dev", "name: Test")
    )
    err = refuse(
        org_file,
        capsys,
        "roles.audit",
        "organizational_units[2].children[1].accounts[0].name",
        "organizational_units[2].children[1].name",
    )
    assert "3 problem(s)" in err


def test_a_description_that_does_not_load_is_refused_before_any_call(aws, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(DESCRIPTION.replace("alerts@example.com", "not-an-email"))
    assert configure(bad) == 2  # bad input
    err = capsys.readouterr().err
    assert f"{bad}:" in err and " alert_email: " in err


def test_a_member_elsewhere_than_described_is_a_warning_not_a_refusal(built: Built, org_file, capsys):
    built.move("Orders Dev", "Workloads:Prod")  # changes what `plan` shows, not any parameter
    assert configure(org_file) == 0
    captured = capsys.readouterr()
    assert (
        f"{org_file}: organizational_units[2].children[1].accounts[0]: warning: 'Orders Dev' "
        f"({built.accounts['Orders Dev']}) is in OU 'Workloads:Prod', not 'Workloads:Dev'"
    ) in captured.err
    assert "management.name: warning: the management account 123456789012 is named 'master'" in captured.err
    assert set(parameters()) == EXPECTED
