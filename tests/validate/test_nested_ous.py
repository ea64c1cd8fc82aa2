"""Nested OUs: an account in an unprotected child OU of a protected OU inherits the backup policies
(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html)
but CfCT deploys the member baseline only to accounts directly in a listed OU (CfCT v2.8.4): `plan`
and `validate --org` flag it (exit 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cfct_backup.cli import main

ROOT = Path(__file__).resolve().parents[2]
ORG = ROOT / "examples" / "organization.yaml"
MINI = ROOT / "tests" / "simulate" / "fixtures" / "mini"


def _org(tmp_path: Path, *, child_protected: bool) -> Path:
    data = yaml.safe_load(ORG.read_text(encoding="utf-8"))
    workloads = next(ou for ou in data["organizational_units"] if ou["name"] == "Workloads")
    prod = next(ou for ou in workloads["children"] if ou["name"] == "Prod")
    prod["children"] = [
        {
            "name": "Team",
            "protected": child_protected,
            "accounts": [{"name": "Team Prod", "email": "team-prod@example.com"}],
        }
    ]
    path = tmp_path / "organization.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_plan_flags_an_account_in_an_unprotected_child_of_a_protected_ou(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org = _org(tmp_path, child_protected=False)
    code = main(["plan", "--package", str(MINI), "--org", str(org), "--format", "json"])
    plan = json.loads(capsys.readouterr().out)
    assert code == 1
    team = next(a for a in plan["accounts"] if a["name"] == "Team Prod")
    assert not team["inScope"] and team["stackInstances"] == []
    (problem,) = team["problems"]
    assert "'Workloads:Prod:Team'" in problem and "protected OU 'Workloads:Prod'" in problem
    assert problem in plan["problems"]


def test_plan_accepts_the_child_ou_once_it_is_protected_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org = _org(tmp_path, child_protected=True)
    main(["plan", "--package", str(MINI), "--org", str(org), "--format", "json"])
    plan = json.loads(capsys.readouterr().out)
    team = next(a for a in plan["accounts"] if a["name"] == "Team Prod")
    assert team["inScope"] and team["problems"] == []
    assert not any("child of protected OU" in p for p in plan["problems"])


def test_validate_org_flags_the_nested_account_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nested = _org(tmp_path, child_protected=False)
    assert main(["validate", str(ROOT), "--no-lint", "--org", str(nested)]) == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "ORG010" in line]
    assert len(lines) == 1 and "'Team Prod'" in lines[0] and str(nested) in lines[0]
    main(["validate", str(ROOT), "--no-lint", "--org", str(ORG)])
    assert "ORG010" not in capsys.readouterr().out
