"""Constructed cases for every element of the current backup policy syntax, valid and invalid.

Each invalid case names the rule it breaks (the BKP code and the words of the message that say
why). Sources of the rules: the syntax page
(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_backup_syntax.html),
the AWS Backup API shapes it maps to (API_BackupRuleInput, API_BackupSelection, API_ScanAction,
API_ScanSetting, API_AdvancedBackupSetting, API_Lifecycle, API_IndexAction) and the quota table
(`cfct_backup.backup_policy.quotas`, one row per number with its page).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from cfct_backup.backup_policy import backup_plans, check_policy, effective_policy
from cfct_backup.backup_policy.spec import CHILD_CONTROL, POLICY, Fixed, Named, Setting, Spec

ROLE = "arn:aws:iam::$account:role/cfct-backup-service-role"
LAG = "arn:aws:backup:$region:$account:backup-vault:cfct-backup-lag"
VAULT = "arn:aws:backup:us-west-2:$account:backup-vault:vault"


def assign(value: Any) -> dict[str, Any]:
    return {"@@assign": value}


def base() -> dict[str, Any]:
    return {
        "plans": {
            "p": {
                "regions": assign(["us-east-1"]),
                "rules": {
                    "r": {
                        "schedule_expression": assign("cron(0 5 ? * * *)"),
                        "target_backup_vault_name": assign("cfct-backup-vault"),
                        "lifecycle": {"delete_after_days": assign("35")},
                    }
                },
                "selections": {
                    "tags": {
                        "t": {
                            "iam_role_arn": assign(ROLE),
                            "tag_key": assign("tier"),
                            "tag_value": assign(["daily"]),
                        }
                    }
                },
            }
        }
    }


def with_(path: str, value: Any, doc: dict[str, Any] | None = None) -> dict[str, Any]:
    """`base()` with `value` set at the dotted `path` (keys containing dots are not needed here)."""
    doc = copy.deepcopy(doc if doc is not None else base())
    node = doc
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return doc


def problems(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(p.severity, p.code, p.message) for p in check_policy(json.dumps(doc), "case.json")]


def errors(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(code, msg) for sev, code, msg in problems(doc) if sev == "error"]


RULE = "plans.p.rules.r"
PLAN = "plans.p"
SCAN_SETTINGS = {
    "GUARDDUTY": {"resource_types": assign(["EBS", "EC2", "S3"]), "scanner_role_arn": assign(ROLE)}
}
RESOURCES = {
    "res": {
        "iam_role_arn": assign(ROLE),
        "resource_types": assign(["arn:aws:ec2:*:*:volume/*", "arn:aws:dynamodb:*:*:table/*"]),
        "not_resource_types": assign(["arn:aws:ec2:*:*:volume/vol-skip*"]),
        "conditions": {
            "string_equals": {
                "a": {"condition_key": assign("aws:ResourceTag/tier"), "condition_value": assign("daily")}
            },
            "string_not_equals": {
                "b": {"condition_key": assign("aws:ResourceTag/env"), "condition_value": assign("dev")}
            },
            "string_like": {
                "c": {"condition_key": assign("aws:ResourceTag/app"), "condition_value": assign("pay*")}
            },
            "string_not_like": {
                "d": {"condition_key": assign("aws:ResourceTag/tmp"), "condition_value": assign("*")}
            },
        },
    }
}

VALID: list[tuple[str, dict[str, Any]]] = [
    (
        "advanced_backup_settings ec2 WindowsVSS",
        with_(f"{PLAN}.advanced_backup_settings", {"ec2": {"WindowsVSS": assign("enabled")}}),
    ),
    (
        "advanced_backup_settings s3 BackupACLs/BackupObjectTags",
        with_(
            f"{PLAN}.advanced_backup_settings",
            {"s3": {"BackupACLs": assign("disabled"), "BackupObjectTags": assign("enabled")}},
        ),
    ),
    (
        "selection by resources: wildcards, not_resource_types, four condition operators",
        with_(f"{PLAN}.selections.resources", RESOURCES),
    ),
    (
        "selection by tags with several values",
        with_(f"{PLAN}.selections.tags.t.tag_value", assign(["daily", "gold"])),
    ),
    (
        "scan_actions per rule and scan_settings per plan",
        with_(
            f"{RULE}.scan_actions",
            {"GUARDDUTY": {"scan_mode": assign("INCREMENTAL_SCAN")}},
            with_(f"{PLAN}.scan_settings", SCAN_SETTINGS),
        ),
    ),
    ("index_actions one resource type", with_(f"{RULE}.index_actions", {"resource_types": assign(["S3"])})),
    (
        "logically air-gapped vault target ($account, $region)",
        with_(f"{RULE}.target_logically_air_gapped_backup_vault_arn", assign(LAG)),
    ),
    (
        "backup_plan_tags",
        with_(
            f"{PLAN}.backup_plan_tags",
            {"owner": {"tag_key": assign("Owner"), "tag_value": assign("platform")}},
        ),
    ),
    (
        "recovery_point_tags",
        with_(
            f"{RULE}.recovery_point_tags", {"tier": {"tag_key": assign("Tier"), "tag_value": assign("daily")}}
        ),
    ),
    ("numbers as strings", with_(f"{RULE}.start_backup_window_minutes", assign("60"))),
    ("numbers as numbers", with_(f"{RULE}.complete_backup_window_minutes", assign(10080))),
    (
        "booleans as strings",
        with_(f"{RULE}.lifecycle.opt_in_to_archive_for_supported_resources", assign("true")),
    ),
    (
        "booleans as booleans",
        with_(f"{RULE}.lifecycle.opt_in_to_archive_for_supported_resources", assign(False)),
    ),
    ("continuous backup kept 35 days", with_(f"{RULE}.enable_continuous_backup", assign("true"))),
    (
        "cold storage 90 days before deletion",
        with_(
            f"{RULE}.lifecycle",
            {"move_to_cold_storage_after_days": assign("30"), "delete_after_days": assign("120")},
        ),
    ),
    (
        "copy action to a vault ARN",
        with_(
            f"{RULE}.copy_actions",
            {
                "arn:aws:backup:us-west-2:$account:backup-vault:vault": {
                    "target_backup_vault_arn": assign("arn:aws:backup:us-west-2:$account:backup-vault:vault")
                }
            },
        ),
    ),
    ("schedule time zone", with_(f"{RULE}.schedule_expression_timezone", assign("Europe/Paris"))),
    ("@@append on regions", with_(f"{PLAN}.regions", {"@@append": ["us-east-1", "eu-west-1"]})),
    (
        "@@remove on tag values",
        with_(f"{PLAN}.selections.tags.t.tag_value", {"@@assign": ["a", "b"], "@@remove": ["b"]}),
    ),
] + [
    (f"cron {expr}", with_(f"{RULE}.schedule_expression", assign(expr)))
    for expr in (
        "cron(0 5 ? * MON-FRI *)",
        "cron(30 2 L * ? *)",
        "cron(0 5 15W * ? *)",
        "cron(0 5 LW * ? *)",
        "cron(0 5 ? * 6#3 *)",
        "cron(0 5 ? * 6L *)",
        "cron(0 */2 ? * * *)",
        "cron(0 0/6 ? * * *)",
        "cron(0 5 1,15 JAN-DEC ? 2027-2030)",
        "cron(0 5 ? * sun *)",
    )
]


@pytest.mark.parametrize(("name", "doc"), VALID, ids=[n for n, _ in VALID])
def test_valid_element_is_accepted(name: str, doc: dict[str, Any]) -> None:
    assert errors(doc) == [], name
    assert backup_plans(effective_policy([doc]), "123456789012", "us-east-1")


WINDOW_MAX = 52_560_000
INVALID: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "misspelt operator",
        with_(f"{RULE}.target_backup_vault_name", {"@@asign": "v"}),
        "BKP006",
        "did you mean '@@assign'",
    ),
    (
        "misspelt key",
        with_(f"{RULE}.schedule_expresion", assign("cron(0 5 ? * * *)")),
        "BKP003",
        "did you mean 'schedule_expression'",
    ),
    (
        "misspelt child-control operator",
        with_(f"{PLAN}.{CHILD_CONTROL}", ["@@apend"]),
        "BKP008",
        "did you mean '@@append'",
    ),
    (
        "WindowsVSS spelt otherwise",
        with_(f"{PLAN}.advanced_backup_settings", {"ec2": {"WindowsVss": assign("enabled")}}),
        "BKP003",
        "did you mean 'WindowsVSS'",
    ),
    (
        "WindowsVSS value",
        with_(f"{PLAN}.advanced_backup_settings", {"ec2": {"WindowsVSS": assign("enable")}}),
        "BKP011",
        "did you mean 'enabled'",
    ),
    (
        "S3 option spelt otherwise",
        with_(f"{PLAN}.advanced_backup_settings", {"s3": {"BackupAcls": assign("disabled")}}),
        "BKP003",
        "did you mean 'BackupACLs'",
    ),
    (
        "advanced settings for an unknown resource type",
        with_(f"{PLAN}.advanced_backup_settings", {"rds": {"x": assign("y")}}),
        "BKP003",
        "unknown key 'rds'",
    ),
    (
        "unknown malware scanner",
        with_(
            f"{RULE}.scan_actions",
            {"GUARDUTY": {"scan_mode": assign("FULL_SCAN")}},
            with_(f"{PLAN}.scan_settings", SCAN_SETTINGS),
        ),
        "BKP011",
        "did you mean 'GUARDDUTY'",
    ),
    (
        "unknown scan mode",
        with_(
            f"{RULE}.scan_actions",
            {"GUARDDUTY": {"scan_mode": assign("INCREMENTAL")}},
            with_(f"{PLAN}.scan_settings", SCAN_SETTINGS),
        ),
        "BKP011",
        "did you mean 'INCREMENTAL_SCAN'",
    ),
    (
        "scan action without scan settings",
        with_(f"{RULE}.scan_actions", {"GUARDDUTY": {"scan_mode": assign("FULL_SCAN")}}),
        "BKP034",
        "needs the plan's scan_settings.GUARDDUTY",
    ),
    (
        "scan action with an empty scan mode",
        with_(
            f"{RULE}.scan_actions",
            {"GUARDDUTY": {"scan_mode": assign("")}},
            with_(f"{PLAN}.scan_settings", SCAN_SETTINGS),
        ),
        "BKP026",
        "scan_mode is empty",
    ),
    (
        "scan settings without scanner role",
        with_(f"{PLAN}.scan_settings", {"GUARDDUTY": {"resource_types": assign(["EBS"])}}),
        "BKP010",
        "missing required element 'scanner_role_arn'",
    ),
    (
        "scan settings resource type pattern",
        with_(
            f"{PLAN}.scan_settings",
            {"GUARDDUTY": {"resource_types": assign(["E B S"]), "scanner_role_arn": assign(ROLE)}},
        ),
        "BKP011",
        "is not a resource type",
    ),
    (
        "scanner role not a role ARN",
        with_(
            f"{PLAN}.scan_settings",
            {
                "GUARDDUTY": {
                    "resource_types": assign(["EBS"]),
                    "scanner_role_arn": assign("arn:aws:iam::$account:user/x"),
                }
            },
        ),
        "BKP022",
        "not an IAM role ARN",
    ),
    (
        "two index resource types in one rule",
        with_(f"{RULE}.index_actions", {"resource_types": assign(["EBS", "S3"])}),
        "BKP035",
        "one index resource type per rule",
    ),
    (
        "index resource type not EBS or S3",
        with_(f"{RULE}.index_actions", {"resource_types": assign(["RDS"])}),
        "BKP011",
        "is not one of EBS, S3",
    ),
    (
        "air-gapped target not a vault ARN",
        with_(f"{RULE}.target_logically_air_gapped_backup_vault_arn", assign("arn:aws:s3:::bucket")),
        "BKP022",
        "not a backup vault ARN",
    ),
    (
        "condition operator misspelt",
        with_(
            f"{PLAN}.selections.resources", {"res": {**RESOURCES["res"], "conditions": {"string_equal": {}}}}
        ),
        "BKP003",
        "did you mean 'string_equals'",
    ),
    (
        "condition without value",
        with_(
            f"{PLAN}.selections.resources",
            {
                "res": {
                    **RESOURCES["res"],
                    "conditions": {"string_like": {"c": {"condition_key": assign("k")}}},
                }
            },
        ),
        "BKP010",
        "missing required element 'condition_value'",
    ),
    (
        "resource selection without resource types",
        with_(f"{PLAN}.selections.resources", {"res": {"iam_role_arn": assign(ROLE)}}),
        "BKP010",
        "missing required element 'resource_types'",
    ),
    (
        "tag selection without role",
        with_(f"{PLAN}.selections.tags.t", {"tag_key": assign("k"), "tag_value": assign("v")}),
        "BKP010",
        "missing required element 'iam_role_arn'",
    ),
    (
        "31 conditions in a selection",
        with_(
            f"{PLAN}.selections.resources",
            {
                "res": {
                    **RESOURCES["res"],
                    "conditions": {
                        "string_equals": {
                            f"c{i}": {"condition_key": assign("k"), "condition_value": assign(str(i))}
                            for i in range(31)
                        }
                    },
                }
            },
        ),
        "BKP016",
        "at most 30",
    ),
    (
        "31 tag values",
        with_(f"{PLAN}.selections.tags.t.tag_value", assign([str(i) for i in range(31)])),
        "BKP016",
        "31 tag values",
    ),
    (
        "31 ARNs with wildcards",
        with_(
            f"{PLAN}.selections.resources",
            {
                "res": {
                    "iam_role_arn": assign(ROLE),
                    "resource_types": assign([f"arn:aws:ec2:*:*:volume/v{i}*" for i in range(31)]),
                }
            },
        ),
        "BKP016",
        "with wildcards",
    ),
    (
        "501 ARNs",
        with_(
            f"{PLAN}.selections.resources",
            {
                "res": {
                    "iam_role_arn": assign(ROLE),
                    "resource_types": assign(
                        [f"arn:aws:dynamodb:us-east-1:$account:table/t{i}" for i in range(501)]
                    ),
                }
            },
        ),
        "BKP016",
        "501 ARNs",
    ),
    (
        "101 selections",
        with_(
            f"{PLAN}.selections.tags",
            {
                f"s{i}": {"iam_role_arn": assign(ROLE), "tag_key": assign("k"), "tag_value": assign("v")}
                for i in range(101)
            },
        ),
        "BKP016",
        "at most 100",
    ),
    (
        "11 rules",
        with_(f"{PLAN}.rules", {f"r{i}": base()["plans"]["p"]["rules"]["r"] for i in range(11)}),
        "BKP014",
        "at most 10",
    ),
    (
        "6 copy actions",
        with_(
            f"{RULE}.copy_actions",
            {
                f"arn:aws:backup:us-west-2:$account:backup-vault:v{i}": {
                    "target_backup_vault_arn": assign(f"arn:aws:backup:us-west-2:$account:backup-vault:v{i}")
                }
                for i in range(6)
            },
        ),
        "BKP015",
        "at most 5",
    ),
    (
        "start window under 60",
        with_(f"{RULE}.start_backup_window_minutes", assign("59")),
        "BKP017",
        "at least 60",
    ),
    (
        "start window over 100 years",
        with_(f"{RULE}.start_backup_window_minutes", assign(str(WINDOW_MAX + 1))),
        "BKP017",
        "at most 52,560,000",
    ),
    (
        "cold storage less than 90 days",
        with_(
            f"{RULE}.lifecycle",
            {"move_to_cold_storage_after_days": assign("10"), "delete_after_days": assign("50")},
        ),
        "BKP018",
        "at least 90 days",
    ),
    (
        "continuous backup moved to cold storage",
        with_(
            f"{RULE}.lifecycle.move_to_cold_storage_after_days",
            assign("1"),
            with_(f"{RULE}.enable_continuous_backup", assign(True)),
        ),
        "BKP019",
        "do not move to cold storage",
    ),
    (
        "continuous backup kept 36 days",
        with_(
            f"{RULE}.lifecycle.delete_after_days",
            assign("36"),
            with_(f"{RULE}.enable_continuous_backup", assign(True)),
        ),
        "BKP019",
        "at most 35 days",
    ),
    (
        "boolean spelt yes",
        with_(f"{RULE}.enable_continuous_backup", assign("yes")),
        "BKP011",
        "must be true or false",
    ),
    (
        "number spelt out",
        with_(f"{RULE}.start_backup_window_minutes", assign("sixty")),
        "BKP011",
        "must be a whole number",
    ),
    (
        "@@append on a single-valued setting",
        with_(f"{RULE}.target_backup_vault_name", {"@@append": ["v"]}),
        "BKP007",
        "only on multi-valued settings",
    ),
    (
        "$account in a vault name",
        with_(f"{RULE}.target_backup_vault_name", assign("vault-$account")),
        "BKP023",
        "allowed only in elements that hold an ARN",
    ),
    ("Region code", with_(f"{PLAN}.regions", assign(["us-east-x"])), "BKP021", "not a Region code"),
    (
        "unknown time zone",
        with_(f"{RULE}.schedule_expression_timezone", assign("Mars/Olympus")),
        "BKP032",
        "not an IANA time zone",
    ),
] + [
    (f"cron {expr}", with_(f"{RULE}.schedule_expression", assign(expr)), "BKP020", why)
    for expr, why in (
        ("cron(0 5 * * * *)", "exactly one of day-of-month and day-of-week"),
        ("cron(0 5 ? * ? *)", "exactly one of day-of-month and day-of-week"),
        ("cron(0/15 5 ? * * *)", "minutes: '0/15'"),
        ("cron(60 5 ? * * *)", "minutes: 60 is outside 0-59"),
        ("cron(0 24 ? * * *)", "hours: 24 is outside 0-23"),
        ("cron(0 5 32 * ? *)", "day-of-month: 32 is outside 1-31"),
        ("cron(0 5 ? 13 MON *)", "month: 13 is outside 1-12"),
        ("cron(0 5 ? JAN-XYZ MON *)", "month: 'XYZ'"),
        ("cron(0 5 ? * 8 *)", "day-of-week: 8 is outside 1-7"),
        ("cron(0 5 ? * 2#6 *)", "the n of '#n' is 1-5"),
        ("cron(0 5 ? * MON 1969)", "year: 1969 is outside 1970-2199"),
        ("cron(0 5 ? * MON)", "5 fields"),
        ("cron(0 5/0 ? * * *)", "step '0'"),
        ("cron(0 10-2 ? * * *)", "runs backwards"),
        ("rate(1 day)", "not cron("),
    )
]


@pytest.mark.parametrize(("name", "doc", "code", "why"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_element_is_refused_naming_the_rule(
    name: str, doc: dict[str, Any], code: str, why: str
) -> None:
    found = errors(doc)
    assert any(c == code and why in m for c, m in found), f"{name}: expected {code} '{why}', got {found}"


def test_air_gapped_target_with_a_literal_account_is_flagged_as_right_for_one_account_only() -> None:
    arn = "arn:aws:backup:us-east-1:111122223333:backup-vault:lag"
    found = problems(with_(f"{RULE}.target_logically_air_gapped_backup_vault_arn", assign(arn)))
    assert [(s, c) for s, c, _ in found] == [("warning", "BKP036")]


def _paths(spec: Spec, path: list[str]) -> list[tuple[list[str], Spec]]:
    """Every node of the syntax tree (named positions filled with a sample name)."""
    out = [(path, spec)]
    if isinstance(spec, Fixed):
        for key, sub in spec.keys.items():
            out += _paths(sub, [*path, key])
    elif isinstance(spec, Named):
        sample = (
            "GUARDDUTY" if spec.what == "malware scanner" else (VAULT if spec.what == "copy action" else "n")
        )
        out += _paths(spec.item, [*path, sample])
    return out


NODES = _paths(POLICY, [])


@pytest.mark.parametrize(("path", "spec"), NODES, ids=[".".join(p) or "(document)" for p, _ in NODES])
@pytest.mark.parametrize("operators", [["@@none"], ["@@all"], ["@@assign", "@@append", "@@remove"]])
def test_child_control_operators_are_accepted_at_every_node(
    path: list[str], spec: Spec, operators: list[str]
) -> None:
    doc: dict[str, Any] = {}
    node = doc
    for part in path:
        node = node.setdefault(part, {})
    node[CHILD_CONTROL] = operators
    if isinstance(spec, Setting):
        node["@@assign"] = ["us-east-1"] if spec.multi else "x"
    found = [(c, m) for s, c, m in problems(doc) if c in ("BKP003", "BKP006", "BKP008", "BKP009")]
    assert found == []


def test_every_setting_accepts_each_value_operator_it_is_documented_for() -> None:
    settings = [(p, s) for p, s in NODES if isinstance(s, Setting)]
    assert len(settings) >= 30  # the syntax has this many settings; a dropped branch shows here
    for path, spec in settings:
        for op in ("@@assign", "@@append", "@@remove"):
            doc: dict[str, Any] = {}
            node = doc
            for part in path:
                node = node.setdefault(part, {})
            node[op] = ["x"] if (spec.multi or spec.single_or_multi or op != "@@assign") else "x"
            codes = {c for s, c, _ in problems(doc) if s == "error"}
            allowed = op == "@@assign" or spec.multi or spec.single_or_multi
            assert ("BKP007" in codes) == (not allowed), (path, op, codes)
