"""Backup policies: AWS quotas and syntax rules, tiers, copies to the bunker, and the generated stack.

The rules are the documented ones (Organizations backup policy syntax, AWS Backup quotas): start
window >= 60 minutes, delete_after_days >= move_to_cold_storage_after_days + 90, continuous backup
retention <= 35 days and no cold storage, <= 10 rules per plan, <= 5 copy actions per rule,
<= 10,000 characters per policy.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cfct_backup import backup_policy_stack
from cfct_backup.backup_policy_stack import STACK_PATH, BackupPolicyStackError, render
from cfct_backup.cli import main

from .helpers import BUNKER, DR, HOME, ROOT, TEMPLATES, Context, load_template, parameter_file, resolve

POLICY_DIR = ROOT / "policies" / "backup"
MAX_CHARS = 10_000
MAX_RULES = 10
MAX_COPIES = 5
TIER_VALUES = {"daily", "weekly", "monthly", "continuous"}
BUNKER_VAULTS = {
    f"arn:aws:backup:{HOME}:{BUNKER}:backup-vault:cfct-backup-bunker",
    f"arn:aws:backup:{DR}:{BUNKER}:backup-vault:cfct-backup-bunker",
}


def _files() -> list[Path]:
    files = sorted(POLICY_DIR.glob("*.json"))
    assert files
    return files


def _substituted(path: Path) -> str:
    text = json.dumps(json.loads(path.read_text(encoding="utf-8")), separators=(",", ":"))
    values = {"BunkerAccountId": BUNKER, "HomeRegion": HOME, "DrRegion": DR, "AWS::Partition": "aws"}
    return re.sub(r"\$\{([^}]+)\}", lambda m: values[m.group(1)], text)


def _policy(path: Path) -> dict[str, Any]:
    data = json.loads(_substituted(path))
    assert isinstance(data, dict)
    return data


def _a(node: dict[str, Any]) -> Any:
    ((op, value),) = node.items()
    assert op == "@@assign", op
    return value


def _rules() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path.name, f"{plan_name}.{rule_name}", rule)
        for path in _files()
        for plan_name, plan in _policy(path)["plans"].items()
        for rule_name, rule in plan["rules"].items()
    ]


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_policy_size_and_counts_within_quotas(path: Path) -> None:
    assert len(_substituted(path)) <= MAX_CHARS
    for plan in _policy(path)["plans"].values():
        assert 1 <= len(plan["rules"]) <= MAX_RULES
        for rule in plan["rules"].values():
            assert len(rule.get("copy_actions", {})) <= MAX_COPIES


@pytest.mark.parametrize(("file", "rule_id", "rule"), _rules(), ids=lambda x: x if isinstance(x, str) else "")
def test_rule_windows_and_lifecycles(file: str, rule_id: str, rule: dict[str, Any]) -> None:
    assert int(_a(rule["start_backup_window_minutes"])) >= 60
    assert int(_a(rule["complete_backup_window_minutes"])) > int(_a(rule["start_backup_window_minutes"]))
    assert re.fullmatch(r"cron\(.+\)", _a(rule["schedule_expression"]))
    assert _a(rule["target_backup_vault_name"]) == "cfct-backup-vault"
    lifecycles = [rule["lifecycle"]] + [c["lifecycle"] for c in rule.get("copy_actions", {}).values()]
    continuous = _a(rule["enable_continuous_backup"]) is True if "enable_continuous_backup" in rule else False
    for lifecycle in lifecycles:
        delete = int(_a(lifecycle["delete_after_days"]))
        if "move_to_cold_storage_after_days" in lifecycle:
            cold = int(_a(lifecycle["move_to_cold_storage_after_days"]))
            assert delete >= cold + 90, f"{file}:{rule_id}: 90 days in cold storage at least"
    if continuous:
        assert int(_a(rule["lifecycle"]["delete_after_days"])) <= 35
        assert "move_to_cold_storage_after_days" not in rule["lifecycle"]


def test_tiers_daily_weekly_monthly_and_continuous_exist() -> None:
    rule_names = {rule_id.split(".")[1] for _, rule_id, _ in _rules()}
    assert {"daily", "weekly", "monthly", "continuous"} <= rule_names
    assert any("move_to_cold_storage_after_days" in rule["lifecycle"] for _, _, rule in _rules())
    assert any("enable_continuous_backup" in rule for _, _, rule in _rules())


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_selection_by_tier_tag_with_the_member_service_role(path: Path) -> None:
    for plan in _policy(path)["plans"].values():
        assert set(_a(plan["regions"])) == {HOME, DR}
        tags = plan["selections"]["tags"]
        assert tags
        for selection in tags.values():
            assert _a(selection["iam_role_arn"]) == "arn:aws:iam::$account:role/cfct-backup-service-role"
            assert _a(selection["tag_key"]) == "cfct-backup:tier"
            assert set(_a(selection["tag_value"])) <= TIER_VALUES
        plan_tags = {_a(t["tag_key"]): _a(t["tag_value"]) for t in plan["backup_plan_tags"].values()}
        assert plan_tags["cfct-backup:managed"] == "true"


def test_every_snapshot_tier_copies_to_both_bunker_vaults_within_the_lock_bounds() -> None:
    """A copy whose retention is outside the bunker lock's [min, max] fails: keep them inside."""
    bunker = parameter_file("bunker.json")
    low, high = int(bunker["LockMinRetentionDays"]), int(bunker["LockMaxRetentionDays"])
    for path in _files():
        for plan_name, plan in _policy(path)["plans"].items():
            copying = [r for r in plan["rules"].values() if "copy_actions" in r]
            assert copying, f"{plan_name}: no copy to the bunker"
            for rule in copying:
                assert set(rule["copy_actions"]) == BUNKER_VAULTS
                for target, copy in rule["copy_actions"].items():
                    assert _a(copy["target_backup_vault_arn"]) == target
                    assert low <= int(_a(copy["lifecycle"]["delete_after_days"])) <= high


def test_only_documented_placeholders_are_used() -> None:
    for path in _files():
        names = set(re.findall(r"\$\{([^}]+)\}", path.read_text(encoding="utf-8")))
        assert names <= {"BunkerAccountId", "HomeRegion", "DrRegion", "AWS::Partition"}, path.name


# ---------------------------------------------------------------- generated stack


def test_generated_stack_does_not_drift_from_the_policies() -> None:
    assert (ROOT / STACK_PATH).read_text(encoding="utf-8") == render(ROOT)


def test_generated_stack_attaches_every_policy_to_the_protected_ous() -> None:
    template = load_template(TEMPLATES / "backup-policies.yaml")
    # optional add-ons (policies/backup/optional) are conditional, on their own OU parameter
    policies = {k: v for k, v in template["Resources"].items() if "Condition" not in v}
    assert len(policies) == len(_files())
    ctx = Context("123456789012")
    for path in _files():
        logical = "".join(p.capitalize() for p in path.stem.split("-")) + "BackupPolicy"
        props = policies[logical]["Properties"]
        assert props["Type"] == "BACKUP_POLICY"
        assert props["TargetIds"] == {"Ref": "ProtectedOuIds"}
        content = resolve(props["Content"], ctx, template)
        assert json.loads(content) == _policy(path), "Fn::Sub gives back the policy with real values"
        assert "$account" in content


def _package(tmp_path: Path, policies: dict[str, Any]) -> Path:
    (tmp_path / "policies" / "backup").mkdir(parents=True)
    for name, doc in policies.items():
        (tmp_path / "policies" / "backup" / name).write_text(json.dumps(doc), encoding="utf-8")
    return tmp_path


def test_render_declares_only_the_placeholders_used_and_is_deterministic(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "b-two.json": {"plans": {"p": {"regions": {"@@assign": ["${HomeRegion}"]}}}},
            "a-one.json": {"plans": {"q": {"x": {"@@assign": "arn:${AWS::Partition}:iam::$account:role/r"}}}},
        },
    )
    text = render(root)
    assert text == render(root)
    assert "  HomeRegion:\n" in text
    assert "BunkerAccountId" not in text and "DrRegion" not in text
    assert text.index("AOneBackupPolicy:") < text.index("BTwoBackupPolicy:")
    template_text = text  # parsable by cfn-lint's loader
    path = tmp_path / "t.yaml"
    path.write_text(template_text, encoding="utf-8")
    parsed = load_template(path)
    assert set(parsed["Parameters"]) == {"ProtectedOuIds", "HomeRegion"}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"plans": {"p": {"x": "${AWS::AccountId}"}}}, "unknown placeholder"),
        ({"plans": {"p": {"x": "${Bunker}"}}}, "unknown placeholder"),
        ({"policies": {}}, "'plans'"),
    ],
)
def test_render_rejects_bad_policies(tmp_path: Path, doc: dict[str, Any], message: str) -> None:
    root = _package(tmp_path, {"bad.json": doc})
    with pytest.raises(BackupPolicyStackError, match=message):
        render(root)


def test_generate_command_writes_then_check_detects_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _package(tmp_path, {"daily.json": json.loads((POLICY_DIR / "daily.json").read_text())})
    assert main(["generate", "--check", str(root)]) == 1  # missing
    assert main(["generate", str(root)]) == 0
    assert (root / STACK_PATH).read_text(encoding="utf-8") == render(root)
    assert main(["generate", "--check", str(root)]) == 0
    doc = json.loads((POLICY_DIR / "daily.json").read_text())
    doc["plans"]["cfct-backup-daily"]["rules"]["daily"]["lifecycle"]["delete_after_days"]["@@assign"] = "36"
    (root / "policies" / "backup" / "daily.json").write_text(json.dumps(doc), encoding="utf-8")
    assert main(["generate", "--check", str(root)]) == 1
    assert "GEN001" in capsys.readouterr().err
    assert backup_policy_stack.STACK_PATH == "templates/backup-policies.yaml"
