"""The `validate` and `backup-policy` commands: output format, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cfct_backup.cli import main

CORPUS = Path(__file__).parents[1] / "corpus"
MINIMAL = CORPUS / "packages" / "minimal"
POLICIES = CORPUS / "policies"
EXAMPLES = Path(__file__).parents[1] / "backup_policy" / "aws_examples"


def broken_package(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    shutil.copytree(MINIMAL, root)
    manifest = root / "manifest.yaml"
    # a quoted version: CfCT's own schema refuses it (an error), where an octal account ID is ours
    # alone (CfCT accepts it and targets nothing: a warning)
    text = manifest.read_text().replace("version: 2021-03-15", 'version: "2021-03-15"')
    manifest.write_text(text.replace("        - Backup Bunker", "        - 012345670123"))
    return root


def test_validate_clean_package_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(MINIMAL), "--no-lint"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "0 error(s), 0 warning(s)" in captured.err


def test_validate_prints_one_line_per_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = broken_package(tmp_path)
    assert main(["validate", str(root), "--no-lint"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("manifest.yaml:3: error MAN100 ")
    assert "quoted version" in lines[0]
    assert lines[1].startswith("manifest.yaml:26: warning MAN010 ")
    assert "1402433619" in lines[1]


def test_validate_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = broken_package(tmp_path)
    assert main(["validate", str(root), "--no-lint", "--format", "json"]) == 1
    item, warning = json.loads(capsys.readouterr().out)
    assert item["path"] == "manifest.yaml"
    assert item["line"] == 3
    assert item["severity"] == "error"
    assert item["code"] == "MAN100"
    assert (warning["line"], warning["severity"], warning["code"]) == (26, "warning", "MAN010")


def test_validate_with_org_checks_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "pkg"
    shutil.copytree(MINIMAL, root)
    manifest = root / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace("        - Backup Bunker", "        - Bunker"))
    assert main(["validate", str(root), "--no-lint"]) == 0  # a name has the right shape
    org = str(CORPUS / "packages" / "organization.yaml")
    assert main(["validate", str(root), "--no-lint", "--org", org]) == 1
    assert "MAN013" in capsys.readouterr().out


def test_validate_missing_directory_exits_2(tmp_path: Path) -> None:
    assert main(["validate", str(tmp_path / "nope")]) == 2


def test_backup_policy_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backup-policy", "check", str(POLICIES / "valid.json")]) == 0
    assert main(["backup-policy", "check", str(POLICIES / "bkp018_cold_storage_90_days.json")]) == 1
    err = capsys.readouterr().err
    assert "bkp018_cold_storage_90_days.json:27: error BKP018 plans.daily.rules.r1.lifecycle:" in err


def test_backup_policy_check_partial_child(capsys: pytest.CaptureFixture[str]) -> None:
    child = str(EXAMPLES / "ex5_child.json")
    assert main(["backup-policy", "check", child]) == 1  # no selections of its own
    assert main(["backup-policy", "check", "--partial", child]) == 1  # to_delete_after_days (guide typo)
    assert "BKP003" in capsys.readouterr().err


def test_backup_policy_effective_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(EXAMPLES / "syntax_complete.json")]
    assert main(["backup-policy", "effective", *files, "--account", "123456789012"]) == 0
    out = json.loads(capsys.readouterr().out)
    role = out["plans"]["pii_backup_plan"]["selections"]["tags"]["my_backup_assignment"]["iam_role_arn"]
    assert role == "arn:aws:iam::123456789012:role/MyIamRole"
    args = [
        "backup-policy",
        "effective",
        *files,
        "--account",
        "123456789012",
        "--region",
        "us-east-1",
        "--plans",
    ]
    assert main(args) == 0
    (plan,) = json.loads(capsys.readouterr().out)
    assert plan["BackupPlanName"] == "pii_backup_plan"


def test_backup_policy_effective_names_file_and_path_of_errors(capsys: pytest.CaptureFixture[str]) -> None:
    bad = str(POLICIES / "bkp007_append_on_single_value.json")
    assert main(["backup-policy", "effective", str(POLICIES / "valid.json"), bad]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        "bkp007_append_on_single_value.json:25: error BKP007 plans.daily.rules.r1.target_backup_vault_name"
        in (captured.err)
    )


def test_backup_policy_effective_reports_what_a_parent_forbids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = json.loads((EXAMPLES / "syntax_complete.json").read_text())
    locked["plans"]["@@operators_allowed_for_child_policies"] = ["@@none"]
    child = {"plans": {"Other": {"regions": {"@@assign": ["us-east-1"]}}}}
    (tmp_path / "root.json").write_text(json.dumps(locked))
    (tmp_path / "ou.json").write_text(json.dumps(child))
    assert main(["backup-policy", "effective", str(tmp_path / "root.json"), str(tmp_path / "ou.json")]) == 0
    captured = capsys.readouterr()
    assert list(json.loads(captured.out)["plans"]) == ["pii_backup_plan"]
    assert "ou.json: warning BKP030 plans.Other: not added" in captured.err


def test_backup_policy_effective_leaves_placeholders_without_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    valid = str(POLICIES / "valid.json")
    assert main(["backup-policy", "effective", valid, "--var", "BunkerAccountId=999999999999"]) == 0
    captured = capsys.readouterr()
    regions = json.loads(captured.out)["plans"]["daily"]["regions"]
    assert regions == ["${HomeRegion}", "${DrRegion}"]
    assert "999999999999" in captured.out and "${BunkerAccountId}" not in captured.out
    assert "${HomeRegion} not given (--var HomeRegion=...): left as it is" in captured.err
    assert "BunkerAccountId} not given" not in captured.err
