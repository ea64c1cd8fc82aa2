"""Broken backup policies (tests/corpus/policies): each rejected with its code, JSON path and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfct_backup.backup_policy import (
    BackupPolicyError,
    backup_plans,
    check_policy,
    effective_policy,
    load_policy,
)

CORPUS = Path(__file__).parents[1] / "corpus" / "policies"

# file -> (code, JSON path the message starts with, line)
EXPECTED: dict[str, tuple[str, str, int | None]] = {
    "bkp001_invalid_json": ("BKP001", "not valid JSON", 119),
    "bkp002_duplicate_key": ("BKP002", "plans.daily.rules.r1.target_backup_vault_name", 25),
    "bkp002_rule_names_differ_only_in_case": ("BKP002", "plans.daily.rules.R1", 58),
    "bkp003_unknown_key": ("BKP003", "plans.daily.rules.r1.retention", 57),
    "bkp004_not_an_object": ("BKP004", "a backup policy is a JSON object", 1),
    "bkp005_setting_without_operator": ("BKP005", "plans.daily.rules.r1.target_backup_vault_name", 24),
    "bkp006_unknown_operator": ("BKP006", "plans.daily.rules.r1.target_backup_vault_name.@@set", 25),
    "bkp007_append_on_single_value": ("BKP007", "plans.daily.rules.r1.target_backup_vault_name.@@append", 25),
    "bkp008_bad_child_control": ("BKP008", "plans.@@operators_allowed_for_child_policies", 118),
    "bkp009_operator_on_object": ("BKP009", "plans.daily.rules.r1.lifecycle.@@assign", 29),
    "bkp010_missing_selections": ("BKP010", "plans.daily", 3),
    "bkp011_not_a_number": ("BKP011", "plans.daily.rules.r1.start_backup_window_minutes.@@assign", 19),
    "bkp012_bad_rule_name": ("BKP012", "plans.daily.rules.rule one", 11),
    "bkp013_too_large": ("BKP013", "the policy is", None),
    "bkp014_eleven_rules": ("BKP014", "plans.daily.rules", 10),
    "bkp015_six_copy_actions": ("BKP015", "plans.daily.rules.r1.copy_actions", 35),
    "bkp016_too_many_tag_values": ("BKP016", "plans.daily.selections.tags.daily.tag_value", 68),
    "bkp017_start_window_30": ("BKP017", "plans.daily.rules.r1.start_backup_window_minutes", 18),
    "bkp018_cold_storage_90_days": ("BKP018", "plans.daily.rules.r1.lifecycle", 27),
    "bkp019_continuous_36_days": ("BKP019", "plans.daily.rules.r1.lifecycle", 27),
    "bkp020_every_15_minutes": ("BKP020", "plans.daily.rules.r1.schedule_expression", 12),
    "bkp021_bad_region": ("BKP021", "plans.daily.regions.@@assign", 5),
    "bkp022_role_not_an_arn": ("BKP022", "plans.daily.selections.tags.daily.iam_role_arn", 63),
    "bkp023_account_variable_in_vault_name": ("BKP023", "plans.daily.rules.r1.target_backup_vault_name", 25),
    "bkp024_unknown_placeholder": ("BKP024", "unknown placeholder ${ThirdRegion}", 7),
    "bkp032_bad_timezone": ("BKP032", "plans.daily.rules.r1.schedule_expression_timezone", 15),
    "bkp034_scan_action_without_scan_settings": ("BKP034", "plans.daily.rules.r1.scan_actions.GUARDDUTY", 58),
    "bkp035_two_index_resource_types": ("BKP035", "plans.daily.rules.r1.index_actions.resource_types", 58),
}


def test_every_corpus_file_has_an_expectation() -> None:
    files = {p.stem for p in CORPUS.glob("*.json")} - {"valid"}
    assert files == set(EXPECTED)


def test_the_valid_policy_has_no_problem_and_gives_plans() -> None:
    text = (CORPUS / "valid.json").read_text()
    assert check_policy(text, "valid.json") == []
    variables = {"BunkerAccountId": "999999999999", "HomeRegion": "eu-west-1", "DrRegion": "eu-central-1"}
    doc = load_policy(text, "valid.json", variables)
    (plan,) = backup_plans(effective_policy([doc]), "123456789012", "eu-central-1")
    rule = plan["Rules"][0]
    assert rule["CopyActions"] == [
        {
            "DestinationBackupVaultArn": (
                "arn:aws:backup:eu-central-1:999999999999:backup-vault:cfct-backup-bunker"
            ),
            "Lifecycle": {"DeleteAfterDays": 365},
        }
    ]
    assert rule["ScheduleExpressionTimezone"] == "Europe/Paris"
    resources = plan["Selections"][1]
    assert resources == {
        "SelectionName": "continuous",
        "IamRoleArn": "arn:aws:iam::123456789012:role/cfct-backup-service-role",
        "Resources": ["arn:aws:rds:*:*:db:*"],
        "Conditions": {
            "StringEquals": [
                {"ConditionKey": "aws:ResourceTag/cfct-backup:tier", "ConditionValue": "continuous"}
            ]
        },
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_policy_is_rejected_with_code_path_and_line(name: str) -> None:
    code, where, line = EXPECTED[name]
    text = (CORPUS / f"{name}.json").read_text()
    problems = check_policy(text, f"{name}.json")
    matching = [p for p in problems if p.code == code]
    assert matching, [str(p) for p in problems]
    first = matching[0]
    assert first.severity == "error"
    assert first.path == f"{name}.json"
    assert first.message.startswith(where), first.message
    assert first.line == line
    if code in ("BKP010", "BKP034"):
        # load_policy accepts partial (child) policies: see the test below; a scan action's
        # scan_settings may come from a parent policy
        return
    with pytest.raises(BackupPolicyError) as info:
        load_policy(text, f"{name}.json")
    assert code in {p.code for p in info.value.problems}


def test_load_policy_accepts_a_partial_child_policy_that_check_policy_calls_incomplete() -> None:
    text = (CORPUS / "bkp010_missing_selections.json").read_text()
    assert load_policy(text, "child.json")["plans"]["daily"]["rules"]
    assert [p.code for p in check_policy(text, "child.json", standalone=False)] == []
