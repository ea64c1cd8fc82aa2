"""Property: any policy the engine accepts merges and renders to backup plans AWS Backup accepts.

"Accepts" is checked twice: by the AWS Backup API rules the rendered plan must meet
(`plans.api_problems`: the CreateBackupPlan / CreateBackupSelection shapes and the quota table),
and by really creating each rendered plan and its selections in the emulated AWS Backup through
boto3 (botocore's parameter validation plus the emulator's CreateBackupSelection checks), then
evaluating each rule's schedule with the emulator's scheduler.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from cfct_backup.backup_policy import backup_plans, check_policy, merge_policies
from cfct_backup.backup_policy.plans import api_problems
from cfct_backup.emulator import install
from cfct_backup.emulator.backup.schedule import UnsupportedSchedule, occurrences

ACCOUNT, REGION = "123456789012", "us-east-1"  # moto's default account
ROLE = "arn:aws:iam::$account:role/cfct-backup-service-role"


def assign(value: Any) -> dict[str, Any]:
    return {"@@assign": value}


as_text = st.booleans()


def number(value: int) -> st.SearchStrategy[Any]:
    return st.sampled_from([value, str(value)])


minutes = st.integers(0, 59).map(str)
hours = st.one_of(st.integers(0, 23).map(str), st.just("*"), st.integers(1, 12).map(lambda n: f"0/{n}"))
day_rules = st.one_of(
    st.tuples(st.sampled_from(["?"]), st.sampled_from(["*", "MON-FRI", "SUN", "2,4,6", "6#3", "6L", "L"])),
    st.tuples(st.sampled_from(["*", "1", "1,15", "L", "LW", "15W", "1-7"]), st.just("?")),
)
months = st.sampled_from(["*", "JAN", "1-6", "3/3", "JAN,JUL"])
years = st.sampled_from(["*", "2027", "2026-2030"])
crons = st.builds(
    lambda m, h, d, mo, y: f"cron({m} {h} {d[0]} {mo} {d[1]} {y})", minutes, hours, day_rules, months, years
)


@st.composite
def lifecycles(draw: st.DrawFn, continuous: bool) -> dict[str, Any]:
    if continuous:
        return {"delete_after_days": assign(draw(st.integers(1, 40).map(str)))}
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["move_to_cold_storage_after_days"] = assign(draw(number(draw(st.integers(1, 200)))))
    out["delete_after_days"] = assign(draw(number(draw(st.integers(1, 400)))))
    if draw(st.booleans()):
        out["opt_in_to_archive_for_supported_resources"] = assign(draw(st.sampled_from([True, "false"])))
    return out


@st.composite
def rules(draw: st.DrawFn) -> dict[str, Any]:
    continuous = draw(st.booleans())
    rule: dict[str, Any] = {
        "schedule_expression": assign(draw(crons)),
        "target_backup_vault_name": assign(draw(st.sampled_from(["cfct-backup-vault", "v2", "x"]))),
        "lifecycle": draw(lifecycles(continuous)),
    }
    if continuous:
        rule["enable_continuous_backup"] = assign(draw(st.sampled_from([True, "true"])))
    if draw(st.booleans()):
        rule["start_backup_window_minutes"] = assign(draw(number(draw(st.sampled_from([30, 60, 480])))))
    if draw(st.booleans()):
        rule["complete_backup_window_minutes"] = assign(draw(number(draw(st.sampled_from([120, 10080])))))
    for i in range(draw(st.integers(0, 2))):
        arn = f"arn:aws:backup:us-west-2:$account:backup-vault:copy{i}"
        rule.setdefault("copy_actions", {})[arn] = {
            "target_backup_vault_arn": assign(arn),
            "lifecycle": draw(lifecycles(False)),
        }
    if draw(st.booleans()):
        rule["index_actions"] = {
            "resource_types": assign(draw(st.sampled_from([["EBS"], ["S3"], ["EBS", "S3"]])))
        }
    if draw(st.booleans()):
        rule["scan_actions"] = {
            "GUARDDUTY": {"scan_mode": assign(draw(st.sampled_from(["FULL_SCAN", "INCREMENTAL_SCAN"])))}
        }
    if draw(st.booleans()):
        rule["target_logically_air_gapped_backup_vault_arn"] = assign(
            "arn:aws:backup:$region:$account:backup-vault:cfct-lag"
        )
    return rule


@st.composite
def policies(draw: st.DrawFn) -> dict[str, Any]:
    plan: dict[str, Any] = {
        "regions": assign(draw(st.sampled_from([[REGION], [REGION, "eu-west-1"]]))),
        "rules": {f"r{i}": draw(rules()) for i in range(draw(st.integers(1, 3)))},
        "selections": {},
    }
    if draw(st.booleans()):
        plan["selections"]["tags"] = {
            "bytag": {
                "iam_role_arn": assign(ROLE),
                "tag_key": assign("cfct-backup:tier"),
                "tag_value": assign(draw(st.sampled_from([["daily"], ["daily", "gold"]]))),
            }
        }
    if draw(st.booleans()) or not plan["selections"]:
        plan["selections"]["resources"] = {
            "byarn": {
                "iam_role_arn": assign(ROLE),
                "resource_types": assign(["arn:aws:dynamodb:*:*:table/*"]),
                "conditions": {
                    "string_like": {
                        "c": {"condition_key": assign("aws:ResourceTag/app"), "condition_value": assign("p*")}
                    }
                },
            }
        }
    if draw(st.booleans()):
        plan["scan_settings"] = {
            "GUARDDUTY": {"resource_types": assign(["EBS", "S3"]), "scanner_role_arn": assign(ROLE)}
        }
    if draw(st.booleans()):
        plan["advanced_backup_settings"] = {
            "ec2": {"WindowsVSS": assign(draw(st.sampled_from(["enabled", "disabled"])))}
        }
    if draw(st.booleans()):
        plan["backup_plan_tags"] = {"o": {"tag_key": assign("Owner"), "tag_value": assign("platform")}}
    return {"plans": {draw(st.sampled_from(["cfct-backup-daily", "Monthly.Plan_1"])): plan}}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much],
)
@given(policies())
def test_accepted_policies_render_to_plans_aws_backup_accepts(doc: dict[str, Any]) -> None:
    errors = [p for p in check_policy(json.dumps(doc), "generated.json") if p.severity == "error"]
    assume(not errors)
    effective, warnings = merge_policies([doc])
    assert not [w for w in warnings if w.severity == "error"]
    rendered = backup_plans(effective, ACCOUNT, REGION)
    assert rendered, "a valid policy listing the Region gives a plan there"
    install()
    with mock_aws(config={"core": {"reset_boto3_session": False}}):  # plan names stay taken once used
        backup = boto3.client("backup", region_name=REGION)
        for plan in rendered:
            assert api_problems(plan) == []
            keys = ("BackupPlanName", "Rules", "AdvancedBackupSettings", "ScanSettings")
            body = {k: plan[k] for k in keys if plan.get(k)}
            created = backup.create_backup_plan(BackupPlan=body, BackupPlanTags=plan["BackupPlanTags"])
            for selection in plan["Selections"]:
                backup.create_backup_selection(
                    BackupPlanId=created["BackupPlanId"], BackupSelection=selection
                )
            for rule in plan["Rules"]:
                expression, zone = rule["ScheduleExpression"], rule.get("ScheduleExpressionTimezone")
                try:
                    occurrences(expression, zone, 0.0, 86400.0 * 40)
                except UnsupportedSchedule:  # valid but not evaluated: W, # or L in day-of-week
                    fields = expression[len("cron(") : -1].split()
                    assert "W" in fields[2] or "#" in fields[4] or "L" in fields[4]


def test_api_rules_refuse_what_the_engine_refuses() -> None:
    # the two checks agree on a rule that breaks the 90-day rule once the policy is merged
    bad = {
        "BackupPlanName": "p",
        "Rules": [
            {
                "RuleName": "r",
                "TargetBackupVaultName": "vault",
                "ScheduleExpression": "cron(0 5 * * * *)",
                "Lifecycle": {"MoveToColdStorageAfterDays": 10, "DeleteAfterDays": 20},
                "IndexActions": [{"ResourceTypes": ["EBS", "S3"]}],
                "ScanActions": [{"MalwareScanner": "GUARDDUTY", "ScanMode": "QUICK"}],
            }
        ],
        "Selections": [{"SelectionName": "bad name", "IamRoleArn": "role"}],
    }
    found = api_problems(bad)
    assert len(found) == 6, found
