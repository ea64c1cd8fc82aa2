"""From an effective backup policy to the backup plans AWS Backup creates in an account and Region.

Output shapes follow the AWS Backup API (botocore `backup` model): `BackupPlanInput` rules
(`BackupRuleInput`), `BackupSelection` and `AdvancedBackupSetting`, with numbers as integers and
booleans as booleans (policies carry them as strings).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cfct_backup_automation import contract

from cfct_backup.backup_policy import cron
from cfct_backup.backup_policy.merge import expand_variables
from cfct_backup.backup_policy.parse import as_bool, as_int
from cfct_backup.backup_policy.quotas import limit
from cfct_backup.backup_policy.spec import MALWARE_SCANNERS, SCAN_MODES

_CONDITION_KEYS = {
    "string_equals": "StringEquals",
    "string_not_equals": "StringNotEquals",
    "string_like": "StringLike",
    "string_not_like": "StringNotLike",
}


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _lifecycle(life: Any) -> dict[str, Any] | None:
    if not isinstance(life, Mapping):
        return None
    out: dict[str, Any] = {}
    cold = as_int(life.get("move_to_cold_storage_after_days"))
    delete = as_int(life.get("delete_after_days"))
    archive = as_bool(life.get("opt_in_to_archive_for_supported_resources"))
    if cold is not None:
        out["MoveToColdStorageAfterDays"] = cold
    if delete is not None:
        out["DeleteAfterDays"] = delete
    if archive is not None:
        out["OptInToArchiveForSupportedResources"] = archive
    return out or None


def _tags(node: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(node, Mapping):
        for pair in node.values():
            if isinstance(pair, Mapping) and "tag_key" in pair and "tag_value" in pair:
                value = pair["tag_value"]
                out[str(pair["tag_key"])] = (
                    ",".join(map(str, value)) if isinstance(value, list) else str(value)
                )
    return out


def _rule(name: str, rule: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"RuleName": name}
    if "target_backup_vault_name" in rule:
        out["TargetBackupVaultName"] = str(rule["target_backup_vault_name"])
    if "target_logically_air_gapped_backup_vault_arn" in rule:
        out["TargetLogicallyAirGappedBackupVaultArn"] = str(
            rule["target_logically_air_gapped_backup_vault_arn"]
        )
    if "schedule_expression" in rule:
        out["ScheduleExpression"] = str(rule["schedule_expression"])
    if "schedule_expression_timezone" in rule:
        out["ScheduleExpressionTimezone"] = str(rule["schedule_expression_timezone"])
    for key, api in (
        ("start_backup_window_minutes", "StartWindowMinutes"),
        ("complete_backup_window_minutes", "CompletionWindowMinutes"),
    ):
        number = as_int(rule.get(key))
        if number is not None:
            out[api] = number
    life = _lifecycle(rule.get("lifecycle"))
    if life:
        out["Lifecycle"] = life
    tags = _tags(rule.get("recovery_point_tags"))
    if tags:
        out["RecoveryPointTags"] = tags
    copies = rule.get("copy_actions")
    if isinstance(copies, Mapping) and copies:
        actions = []
        for key, action in copies.items():
            if not isinstance(action, Mapping):
                continue
            entry: dict[str, Any] = {"DestinationBackupVaultArn": contract.copy_target(str(key), action)}
            clife = _lifecycle(action.get("lifecycle"))
            if clife:
                entry["Lifecycle"] = clife
            actions.append(entry)
        out["CopyActions"] = actions
    continuous = as_bool(rule.get("enable_continuous_backup"))
    if continuous is not None:
        out["EnableContinuousBackup"] = continuous
    scans = rule.get("scan_actions")
    if isinstance(scans, Mapping) and scans:
        out["ScanActions"] = [
            {"MalwareScanner": str(scanner), "ScanMode": str(action.get("scan_mode", ""))}
            for scanner, action in scans.items()
            if isinstance(action, Mapping)
        ]
    index = rule.get("index_actions")
    if isinstance(index, Mapping) and index.get("resource_types"):
        out["IndexActions"] = [{"ResourceTypes": _list(index["resource_types"])}]
    return out


def _selections(selections: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if not isinstance(selections, Mapping):
        return out
    tags = selections.get("tags")
    if isinstance(tags, Mapping):
        for name, sel in tags.items():
            if not isinstance(sel, Mapping):
                continue
            out.append(
                {
                    "SelectionName": name,
                    "IamRoleArn": str(sel.get("iam_role_arn", "")),
                    "ListOfTags": [
                        {
                            "ConditionType": "STRINGEQUALS",
                            "ConditionKey": str(sel.get("tag_key", "")),
                            "ConditionValue": str(value),
                        }
                        for value in _list(sel.get("tag_value"))
                    ],
                }
            )
    resources = selections.get("resources")
    if isinstance(resources, Mapping):
        for name, sel in resources.items():
            if not isinstance(sel, Mapping):
                continue
            entry: dict[str, Any] = {
                "SelectionName": name,
                "IamRoleArn": str(sel.get("iam_role_arn", "")),
                "Resources": [str(v) for v in _list(sel.get("resource_types"))],
            }
            if sel.get("not_resource_types"):
                entry["NotResources"] = [str(v) for v in _list(sel.get("not_resource_types"))]
            conditions = sel.get("conditions")
            if isinstance(conditions, Mapping):
                converted: dict[str, list[dict[str, str]]] = {}
                for op, group in conditions.items():
                    if op in _CONDITION_KEYS and isinstance(group, Mapping):
                        converted[_CONDITION_KEYS[op]] = [
                            {
                                "ConditionKey": str(c.get("condition_key", "")),
                                "ConditionValue": str(c.get("condition_value", "")),
                            }
                            for c in group.values()
                            if isinstance(c, Mapping)
                        ]
                if converted:
                    entry["Conditions"] = converted
            out.append(entry)
    return out


def _advanced(settings: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(settings, Mapping):
        for resource_type, options in settings.items():
            if isinstance(options, Mapping) and options:
                out.append(
                    {
                        "ResourceType": str(resource_type).upper(),
                        "BackupOptions": {k: str(v) for k, v in options.items()},
                    }
                )
    return out


def _scan_settings(settings: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(settings, Mapping):
        for scanner, setting in settings.items():
            if isinstance(setting, Mapping):
                entry: dict[str, Any] = {"MalwareScanner": str(scanner)}
                if setting.get("resource_types"):
                    entry["ResourceTypes"] = [str(v) for v in _list(setting["resource_types"])]
                if "scanner_role_arn" in setting:
                    entry["ScannerRoleArn"] = str(setting["scanner_role_arn"])
                out.append(entry)
    return out


def backup_plans(effective: Mapping[str, Any], account_id: str, region: str) -> list[dict[str, Any]]:
    """The backup plans the account gets in `region`: one per effective plan listing that Region.

    Each is `{"BackupPlanName", "Rules", "Selections", "AdvancedBackupSettings", "BackupPlanTags",
    "ScanSettings"}`,
    with `$account` and `$region` replaced."""
    expanded = expand_variables(effective, account_id, region)
    plans = expanded.get("plans")
    out: list[dict[str, Any]] = []
    if not isinstance(plans, Mapping):
        return out
    for name, plan in plans.items():
        if not isinstance(plan, Mapping) or region not in _list(plan.get("regions")):
            continue
        rules = plan.get("rules")
        out.append(
            {
                "BackupPlanName": name,
                "Rules": [
                    _rule(rname, rule)
                    for rname, rule in (rules.items() if isinstance(rules, Mapping) else [])
                    if isinstance(rule, Mapping)
                ],
                "Selections": _selections(plan.get("selections")),
                "AdvancedBackupSettings": _advanced(plan.get("advanced_backup_settings")),
                "BackupPlanTags": _tags(plan.get("backup_plan_tags")),
                "ScanSettings": _scan_settings(plan.get("scan_settings")),
            }
        )
    return out


# ---- the AWS Backup API's own rules for what backup_plans() renders -------------------------
# API_BackupPlanInput / API_BackupRuleInput / API_BackupSelection / API_Lifecycle / API_ScanAction /
# API_ScanSetting (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupPlan.html
# and the shapes it links); numbers from quotas.py.
_NAME = re.compile(r"^[a-zA-Z0-9\-_.]{1,50}$")
_VAULT_NAME = re.compile(r"^[a-zA-Z0-9\-_]{2,50}$")
_TYPE = re.compile(r"^[a-zA-Z0-9\-_.]{1,50}$")


def _lifecycle_problems(life: Mapping[str, Any] | None, where: str, continuous: bool) -> list[str]:
    out: list[str] = []
    if not life:
        return out
    cold, delete = life.get("MoveToColdStorageAfterDays"), life.get("DeleteAfterDays")
    if cold is not None and delete is not None and delete < cold + limit("cold_storage_min_days"):
        out.append(f"{where}: DeleteAfterDays {delete} < MoveToColdStorageAfterDays {cold} + 90")
    if continuous and (cold is not None or (delete is not None and delete > limit("continuous_max_days"))):
        out.append(f"{where}: continuous backups keep 1-35 days and never go cold")
    return out


def api_problems(plan: Mapping[str, Any]) -> list[str]:
    """Why CreateBackupPlan / CreateBackupSelection would refuse a plan `backup_plans` rendered."""
    out: list[str] = []
    name = str(plan.get("BackupPlanName", ""))
    if not _NAME.match(name):
        out.append(f"BackupPlanName {name!r}")
    rules = plan.get("Rules") or []
    if not rules or len(rules) > limit("rules_per_plan"):
        out.append(f"{len(rules)} rules")
    for rule in rules:
        where = f"rule {rule.get('RuleName')!r}"
        if not _NAME.match(str(rule.get("RuleName", ""))):
            out.append(f"{where}: RuleName")
        if not _VAULT_NAME.match(str(rule.get("TargetBackupVaultName", ""))):
            out.append(f"{where}: TargetBackupVaultName")
        reason = cron.problem(str(rule.get("ScheduleExpression", "cron(0 5 ? * * *)")))
        if reason:
            out.append(f"{where}: ScheduleExpression {reason}")
        start = rule.get("StartWindowMinutes")
        if start is not None and not limit("start_window_min") <= start <= limit("window_max"):
            out.append(f"{where}: StartWindowMinutes {start}")
        continuous = bool(rule.get("EnableContinuousBackup"))
        out += _lifecycle_problems(rule.get("Lifecycle"), where, continuous)
        copies = rule.get("CopyActions") or []
        if len(copies) > limit("copy_actions_per_rule"):
            out.append(f"{where}: {len(copies)} copy actions")
        for copy_action in copies:
            if not str(copy_action.get("DestinationBackupVaultArn", "")).startswith("arn:"):
                out.append(f"{where}: DestinationBackupVaultArn")
            out += _lifecycle_problems(copy_action.get("Lifecycle"), where, False)
        for index in rule.get("IndexActions") or []:
            types = index.get("ResourceTypes") or []
            if len(types) > limit("index_actions_per_rule") or any(t not in ("EBS", "S3") for t in types):
                out.append(f"{where}: IndexActions {types}")
        for scan in rule.get("ScanActions") or []:
            if scan.get("MalwareScanner") not in MALWARE_SCANNERS or scan.get("ScanMode") not in SCAN_MODES:
                out.append(f"{where}: ScanActions {scan}")
    for setting in plan.get("ScanSettings") or []:
        if setting.get("MalwareScanner") not in MALWARE_SCANNERS:
            out.append(f"ScanSettings {setting}")
        if any(not _TYPE.match(str(t)) for t in setting.get("ResourceTypes") or []):
            out.append(f"ScanSettings ResourceTypes {setting.get('ResourceTypes')}")
    selections = plan.get("Selections") or []
    if len(selections) > limit("selections_per_plan"):
        out.append(f"{len(selections)} selections")
    for selection in selections:
        if not _NAME.match(str(selection.get("SelectionName", ""))):
            out.append(f"SelectionName {selection.get('SelectionName')!r}")
        if not str(selection.get("IamRoleArn", "")).startswith("arn:"):
            out.append(f"selection {selection.get('SelectionName')!r}: IamRoleArn")
        for key in ("Resources", "NotResources"):
            arns = selection.get(key) or []
            wild = [a for a in arns if "*" in a]
            if len(arns) > limit("arns_per_selection") or len(wild) > limit("wildcard_arns_per_selection"):
                out.append(f"selection {selection.get('SelectionName')!r}: {key} count")
    return out
