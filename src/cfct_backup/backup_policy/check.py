"""Checking one backup policy document: syntax (keys, operators, types) and the rules AWS applies.

The numbers (policy size, selections per plan, tag values, ARNs, windows, the 90-day cold-storage
rule, ...) and the AWS page each comes from are in ONE table, ``quotas.py``. Schedules are checked
by the project's one cron parser, ``cron.py``. `$account` / `$region` may appear only in elements
that hold an ARN (syntax page, "Variables"). An unknown key, operator or value is reported with the
closest known spelling ("did you mean").
"""

from __future__ import annotations

import difflib
import json
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import Any

from cfct_backup.backup_policy import cron
from cfct_backup.backup_policy.merge import merge_policies
from cfct_backup.backup_policy.parse import (
    KNOWN_PLACEHOLDERS,
    BackupPolicyError,
    Located,
    as_bool,
    as_int,
    parse_json,
    problem,
    substitute,
)
from cfct_backup.backup_policy.quotas import limit
from cfct_backup.backup_policy.spec import (
    ALL,
    APPEND,
    CHILD_CONTROL,
    MALWARE_SCANNERS,
    NONE,
    POLICY,
    REMOVE,
    VALUE_OPERATORS,
    Fixed,
    Named,
    Setting,
    Spec,
)
from cfct_backup.problems import Problem, Severity

MAX_POLICY_CHARS = limit("max_chars")
MAX_RULES_PER_PLAN = limit("rules_per_plan")
MAX_COPY_ACTIONS_PER_RULE = limit("copy_actions_per_rule")
MAX_SELECTIONS_PER_PLAN = limit("selections_per_plan")
MAX_CONDITIONS_PER_SELECTION = limit("tag_values_per_selection")
MAX_RESOURCES_PER_SELECTION = limit("arns_per_selection")
MAX_WILDCARD_RESOURCES_PER_SELECTION = limit("wildcard_arns_per_selection")
MIN_START_WINDOW = limit("start_window_min")
MAX_WINDOW = limit("window_max")
MIN_COLD_DAYS = limit("cold_storage_min_days")
MAX_CONTINUOUS_DAYS = limit("continuous_max_days")
RESOURCE_TYPE_RE = re.compile(r"^[a-zA-Z0-9\-_.]{1,50}$")  # API_ScanSetting ResourceTypes pattern


def did_you_mean(word: str, known: Sequence[str]) -> str:
    """' (did you mean 'x'?)' when a known spelling is close to `word`, else ''."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    if not close:
        close = [k for k in known if k.lower() == word.lower()]
    return f" (did you mean '{close[0]}'?)" if close else ""


NAME_RE = re.compile(r"^[a-zA-Z0-9\-_.]{1,50}$")
VAULT_NAME_RE = re.compile(r"^[a-zA-Z0-9\-_]{2,50}$")
# a Region code, or a project placeholder that stands for one (left unsubstituted when checking)
REGION_RE = re.compile(r"^([a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d|\$\{(HomeRegion|DrRegion)\})$")
VARIABLE_RE = re.compile(r"\$(?!\{)([A-Za-z_]\w*)")
AWS_VARIABLES = ("account", "region")
ACCOUNT_RE = r"(\d{12}|\$account|\$\{BunkerAccountId\})"
REGION_PART = r"([a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d|\$region|\$\{(HomeRegion|DrRegion)\})"
VAULT_ARN_RE = re.compile(
    rf"^arn:aws[a-z-]*:backup:{REGION_PART}:{ACCOUNT_RE}:backup-vault:[a-zA-Z0-9\-_.]{{2,50}}$"
)
ROLE_ARN_RE = re.compile(rf"^arn:aws[a-z-]*:iam::{ACCOUNT_RE}:role/[\w+=,.@\-/]+$")


class _Checker:
    def __init__(self, source: str, locate: Located | None) -> None:
        self.source = source
        self.locate = locate
        self.problems: list[Problem] = []

    def add(self, path: Sequence[str], code: str, message: str, severity: Severity = "error") -> None:
        self.problems.append(problem(self.source, self.locate, path, code, message, severity=severity))

    # ---- syntax: the document with its operators --------------------------------------------

    def syntax(self, node: Any, spec: Spec, path: list[str]) -> None:
        if not isinstance(node, Mapping):
            if isinstance(spec, Setting):
                self.add(
                    path,
                    "BKP005",
                    'a setting is given through an inheritance operator, e.g. {"@@assign": ...}',
                )
            else:
                self.add(path, "BKP011", "must be a JSON object")
            return
        if CHILD_CONTROL in node:
            self.child_control(node[CHILD_CONTROL], [*path, CHILD_CONTROL])
        if isinstance(spec, Setting):
            self.setting(node, spec, path)
            return
        for key, value in node.items():
            if key == CHILD_CONTROL:
                continue
            if key in VALUE_OPERATORS:
                self.add(
                    [*path, key],
                    "BKP009",
                    f"{key} applies to settings, not to {path[-1] if path else 'the document'}",
                )
                continue
            if key.startswith("@@"):
                self.add(
                    [*path, key],
                    "BKP006",
                    f"unknown operator '{key}'{did_you_mean(key, (*VALUE_OPERATORS, CHILD_CONTROL))}"
                    f" (known: {', '.join((*VALUE_OPERATORS, CHILD_CONTROL))})",
                )
                continue
            if isinstance(spec, Fixed):
                sub = spec.keys.get(key)
                if sub is None:
                    allowed = ", ".join(spec.keys)
                    self.add(
                        [*path, key],
                        "BKP003",
                        f"unknown key '{key}'{did_you_mean(key, list(spec.keys))} (allowed here: {allowed})",
                    )
                    continue
                self.syntax(value, sub, [*path, key])
            else:
                self.named_key(key, spec, path)
                self.syntax(value, spec.item, [*path, key])
        if isinstance(spec, Named) and spec.case_insensitive:
            seen: dict[str, str] = {}
            for key in node:
                if key.startswith("@@"):
                    continue
                if key.lower() in seen:
                    self.add(
                        [*path, key],
                        "BKP002",
                        f"'{key}' and '{seen[key.lower()]}' are the same {spec.what} (case is ignored)",
                    )
                seen.setdefault(key.lower(), key)

    def named_key(self, key: str, spec: Named, path: list[str]) -> None:
        if spec.what == "malware scanner":
            if key not in MALWARE_SCANNERS:
                self.add(
                    [*path, key],
                    "BKP011",
                    f"'{key}'{did_you_mean(key, MALWARE_SCANNERS)} is not a malware scanner"
                    f" (API_ScanAction / API_ScanSetting: {', '.join(MALWARE_SCANNERS)})",
                )
            return
        if spec.what == "copy action":
            if not key.startswith("arn:"):
                self.add([*path, key], "BKP022", "a copy action is named by the ARN of its destination vault")
            return
        if spec.what in ("plan name", "rule name", "selection name") and not NAME_RE.match(key):
            self.add(
                [*path, key], "BKP012", f"{spec.what} '{key}' must be 1-50 letters, digits, '-', '_' or '.'"
            )
        for var in VARIABLE_RE.findall(key):
            if var in AWS_VARIABLES:
                self.add([*path, key], "BKP023", f"${var} is not allowed in a {spec.what}")

    def child_control(self, raw: Any, path: list[str]) -> None:
        known = (ALL, NONE, *VALUE_OPERATORS)
        if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
            self.add(path, "BKP008", f"must be a non-empty array of {', '.join(known)}")
            return
        for item in raw:
            if item not in known:
                self.add(
                    path, "BKP008", f"'{item}'{did_you_mean(item, known)} is not one of {', '.join(known)}"
                )
        if (ALL in raw or NONE in raw) and len(raw) > 1:
            self.add(path, "BKP008", "@@all and @@none stand alone")
        if len(set(raw)) != len(raw):
            self.add(path, "BKP008", "an operator is listed twice", "warning")

    def setting(self, node: Mapping[str, Any], spec: Setting, path: list[str]) -> None:
        ops = [k for k in node if k in VALUE_OPERATORS]
        for key in node:
            if key in VALUE_OPERATORS or key == CHILD_CONTROL:
                continue
            if key.startswith("@@"):
                self.add(
                    [*path, key],
                    "BKP006",
                    f"unknown operator '{key}'{did_you_mean(key, (*VALUE_OPERATORS, CHILD_CONTROL))}",
                )
            else:
                self.add(
                    [*path, key], "BKP009", f"'{path[-1]}' is a setting: it holds operators, not '{key}'"
                )
        if len(ops) > 1:
            self.add(path, "BKP033", f"several value operators ({', '.join(ops)}) on one setting", "warning")
        for op in ops:
            value = node[op]
            here = [*path, op]
            if op in (APPEND, REMOVE):
                if not (spec.multi or spec.single_or_multi):
                    self.add(
                        here,
                        "BKP007",
                        f"{op} works only on multi-valued settings; '{path[-1]}' has one value",
                    )
                    continue
                if not isinstance(value, list):
                    self.add(here, "BKP007", f"{op} takes an array")
                    continue
                for i, item in enumerate(value):
                    self.value(item, spec, here, f"[{i}]")
                continue
            if spec.multi:
                if not isinstance(value, list):
                    self.add(here, "BKP011", f"'{path[-1]}' is an array setting")
                    continue
                for i, item in enumerate(value):
                    self.value(item, spec, here, f"[{i}]")
                if len(set(map(str, value))) != len(value):
                    self.add(here, "BKP011", "a value is listed twice", "warning")
            elif spec.single_or_multi and isinstance(value, list):
                for i, item in enumerate(value):
                    self.value(item, spec, here, f"[{i}]")
            else:
                self.value(value, spec, here, "")

    def value(self, value: Any, spec: Setting, path: list[str], index: str) -> None:
        what = f"{path[-2] if len(path) > 1 else path[-1]}{index}"
        if spec.kind == "int":
            if isinstance(value, bool) or not (
                isinstance(value, int) or (isinstance(value, str) and value.isdigit())
            ):
                self.add(path, "BKP011", f"{what} must be a whole number, got {json.dumps(value)}")
            return
        if spec.kind == "bool":
            if not (
                isinstance(value, bool) or (isinstance(value, str) and value.lower() in ("true", "false"))
            ):
                self.add(path, "BKP011", f"{what} must be true or false, got {json.dumps(value)}")
            return
        if not isinstance(value, str):
            self.add(path, "BKP011", f"{what} must be a string, got {json.dumps(value)}")
            return
        if not value.strip():
            self.add(path, "BKP026", f"{what} is empty")
            return
        if spec.kind == "region" and not REGION_RE.match(value):
            self.add(path, "BKP021", f"'{value}' is not a Region code")
        elif spec.kind == "enum" and value not in spec.choices:
            hint = did_you_mean(value, spec.choices)
            self.add(path, "BKP011", f"'{value}'{hint} is not one of {', '.join(spec.choices)}")
        elif spec.kind == "arn" and not value.startswith("arn:"):
            self.add(path, "BKP022", f"'{value}' is not an ARN")
        for var in VARIABLE_RE.findall(value):
            if var in AWS_VARIABLES and not spec.variables:
                self.add(
                    path, "BKP023", f"${var} is allowed only in elements that hold an ARN, not in {what}"
                )
            elif var not in AWS_VARIABLES and spec.variables:
                self.add(path, "BKP024", f"unknown variable ${var} (AWS knows $account and $region)")

    # ---- semantics: the resolved policy --------------------------------------------------------

    def resolved(self, policy: Mapping[str, Any], standalone: bool) -> None:
        plans = policy.get("plans")
        if not isinstance(plans, Mapping) or not plans:
            if standalone:
                self.add(["plans"], "BKP010", "a policy needs at least one plan")
            return
        for name, plan in plans.items():
            if isinstance(plan, Mapping):
                self.plan(plan, ["plans", name], standalone)

    def required(self, node: Mapping[str, Any], keys: Sequence[str], path: list[str]) -> None:
        for key in keys:
            if key not in node:
                self.add(path, "BKP010", f"missing required element '{key}'")

    def plan(self, plan: Mapping[str, Any], path: list[str], standalone: bool) -> None:
        if standalone:
            self.required(plan, ("regions", "rules", "selections"), path)
        regions = plan.get("regions")
        if isinstance(regions, list) and not regions and standalone:
            self.add([*path, "regions"], "BKP010", "the plan has no Regions")
        rules = plan.get("rules")
        if isinstance(rules, Mapping):
            if len(rules) > MAX_RULES_PER_PLAN:
                self.add(
                    [*path, "rules"], "BKP014", f"{len(rules)} rules; a plan has at most {MAX_RULES_PER_PLAN}"
                )
            if standalone and not rules:
                self.add([*path, "rules"], "BKP010", "the plan has no rules")
            for rname, rule in rules.items():
                if isinstance(rule, Mapping):
                    self.rule(rule, [*path, "rules", rname], standalone)
        selections = plan.get("selections")
        if isinstance(selections, Mapping):
            tags = selections.get("tags") if isinstance(selections.get("tags"), Mapping) else {}
            res = selections.get("resources") if isinstance(selections.get("resources"), Mapping) else {}
            assert isinstance(tags, Mapping) and isinstance(res, Mapping)
            if standalone and not tags and not res:
                self.add([*path, "selections"], "BKP010", "the plan selects no resources (tags or resources)")
            if len(tags) + len(res) > MAX_SELECTIONS_PER_PLAN:
                self.add(
                    [*path, "selections"],
                    "BKP016",
                    f"{len(tags) + len(res)} selections; a plan has at most {MAX_SELECTIONS_PER_PLAN}",
                )
            for sname, sel in tags.items():
                if isinstance(sel, Mapping):
                    self.tag_selection(sel, [*path, "selections", "tags", sname], standalone)
            for sname, sel in res.items():
                if isinstance(sel, Mapping):
                    self.resource_selection(sel, [*path, "selections", "resources", sname], standalone)
        scan_settings = plan.get("scan_settings")
        if isinstance(scan_settings, Mapping):
            for scanner, setting in scan_settings.items():
                if not isinstance(setting, Mapping):
                    continue
                here = [*path, "scan_settings", scanner]
                if standalone:
                    self.required(setting, ("resource_types", "scanner_role_arn"), here)
                types = setting.get("resource_types")
                for item in types if isinstance(types, list) else []:
                    if isinstance(item, str) and not RESOURCE_TYPE_RE.match(item):
                        self.add(
                            [*here, "resource_types"],
                            "BKP011",
                            f"'{item}' is not a resource type (API_ScanSetting: 1-50 letters, digits, '-_.')",
                        )
                self.role(setting.get("scanner_role_arn"), [*here, "scanner_role_arn"])
        if isinstance(rules, Mapping) and standalone:
            configured = set(scan_settings) if isinstance(scan_settings, Mapping) else set()
            for rname, rule in rules.items():
                scans = rule.get("scan_actions") if isinstance(rule, Mapping) else None
                for scanner in scans if isinstance(scans, Mapping) else {}:
                    if scanner not in configured:
                        self.add(
                            [*path, "rules", rname, "scan_actions", scanner],
                            "BKP034",
                            f"a scan action with {scanner} needs the plan's scan_settings.{scanner}"
                            " (the resource types to scan and the scanner role; API_BackupPlanInput"
                            " ScanSettings)",
                        )
        for group in ("backup_plan_tags",):
            tags_node = plan.get(group)
            if isinstance(tags_node, Mapping) and standalone:
                for tname, pair in tags_node.items():
                    if isinstance(pair, Mapping):
                        self.required(pair, ("tag_key", "tag_value"), [*path, group, tname])

    def rule(self, rule: Mapping[str, Any], path: list[str], standalone: bool) -> None:
        if standalone:
            self.required(rule, ("schedule_expression", "target_backup_vault_name"), path)
        schedule = rule.get("schedule_expression")
        if isinstance(schedule, str):
            self.schedule(schedule, [*path, "schedule_expression"])
        tz = rule.get("schedule_expression_timezone")
        if isinstance(tz, str) and not _known_timezone(tz):
            self.add([*path, "schedule_expression_timezone"], "BKP032", f"'{tz}' is not an IANA time zone")
        vault = rule.get("target_backup_vault_name")
        if isinstance(vault, str) and not VAULT_NAME_RE.match(vault):
            self.add(
                [*path, "target_backup_vault_name"],
                "BKP012",
                f"vault name '{vault}' must be 2-50 letters, digits, '-' or '_'",
            )
        start = as_int(rule.get("start_backup_window_minutes"))
        if start is not None and start < MIN_START_WINDOW:
            self.add(
                [*path, "start_backup_window_minutes"],
                "BKP017",
                f"start window {start} minutes; AWS Backup needs at least {MIN_START_WINDOW}",
            )
        if start is not None and start > MAX_WINDOW:
            self.add(
                [*path, "start_backup_window_minutes"],
                "BKP017",
                f"start window {start} minutes; AWS Backup allows at most {MAX_WINDOW:,} (100 years)",
            )
        complete = as_int(rule.get("complete_backup_window_minutes"))
        if complete is not None and complete < 1:
            self.add(
                [*path, "complete_backup_window_minutes"], "BKP011", "the completion window must be positive"
            )
        index = rule.get("index_actions")
        index_types = index.get("resource_types") if isinstance(index, Mapping) else None
        if isinstance(index_types, list) and len(index_types) > limit("index_actions_per_rule"):
            self.add(
                [*path, "index_actions", "resource_types"],
                "BKP035",
                f"{len(index_types)} resource types; AWS Backup accepts one index"
                " resource type per rule (API_BackupRuleInput IndexActions)",
            )
        scans = rule.get("scan_actions")
        if isinstance(scans, Mapping) and standalone:
            for scanner, action in scans.items():
                if isinstance(action, Mapping):
                    self.required(action, ("scan_mode",), [*path, "scan_actions", scanner])
        continuous = as_bool(rule.get("enable_continuous_backup")) is True
        lifecycle = rule.get("lifecycle")
        self.lifecycle(
            lifecycle if isinstance(lifecycle, Mapping) else None, [*path, "lifecycle"], continuous
        )
        copies = rule.get("copy_actions")
        if isinstance(copies, Mapping):
            if len(copies) > MAX_COPY_ACTIONS_PER_RULE:
                self.add(
                    [*path, "copy_actions"],
                    "BKP015",
                    f"{len(copies)} copy actions; a rule has at most {MAX_COPY_ACTIONS_PER_RULE}",
                )
            for key, action in copies.items():
                if not isinstance(action, Mapping):
                    continue
                here = [*path, "copy_actions", key]
                target = action.get("target_backup_vault_arn")
                if target is None:
                    self.add(
                        here,
                        "BKP025",
                        "no target_backup_vault_arn: AWS uses the key in lower case, which may not be the"
                        " vault's ARN (ARNs are case sensitive)",
                        "warning",
                    )
                    target = key.lower()
                elif target != key:
                    self.add(here, "BKP025", "the key differs from target_backup_vault_arn", "warning")
                if isinstance(target, str) and not VAULT_ARN_RE.match(target):
                    self.add(
                        [*here, "target_backup_vault_arn"],
                        "BKP022",
                        f"'{target}' is not a backup vault ARN"
                        " (arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME)",
                    )
                clife = action.get("lifecycle")
                self.lifecycle(clife if isinstance(clife, Mapping) else None, [*here, "lifecycle"], False)
        for group in ("recovery_point_tags",):
            tags_node = rule.get(group)
            if isinstance(tags_node, Mapping) and standalone:
                for tname, pair in tags_node.items():
                    if isinstance(pair, Mapping):
                        self.required(pair, ("tag_key", "tag_value"), [*path, group, tname])
        air_gapped = rule.get("target_logically_air_gapped_backup_vault_arn")
        if isinstance(air_gapped, str) and not VAULT_ARN_RE.match(air_gapped):
            self.add(
                [*path, "target_logically_air_gapped_backup_vault_arn"],
                "BKP022",
                f"'{air_gapped}' is not a backup vault ARN",
            )
        elif isinstance(air_gapped, str) and not (":$region:" in air_gapped and ":$account:" in air_gapped):
            # API_BackupRuleInput: "ARN must be in the same account and Region"
            self.add(
                [*path, "target_logically_air_gapped_backup_vault_arn"],
                "BKP036",
                "a logically air-gapped vault target must be in the account and Region of the plan:"
                " a literal account or Region is right for one account and Region only (use $account"
                " and $region)",
                "warning",
            )

    def schedule(self, expr: str, path: list[str]) -> None:
        reason = cron.problem(expr)
        if reason is not None:
            self.add(path, "BKP020", f"'{expr}' is not a schedule AWS Backup accepts: {reason}")

    def lifecycle(self, life: Mapping[str, Any] | None, path: list[str], continuous: bool) -> None:
        cold = as_int(life.get("move_to_cold_storage_after_days")) if life else None
        delete = as_int(life.get("delete_after_days")) if life else None
        for key, days in (("move_to_cold_storage_after_days", cold), ("delete_after_days", delete)):
            if days is not None and days < 1:
                self.add([*path, key], "BKP011", f"{key} must be at least 1")
        if cold is not None and delete is not None and delete < cold + MIN_COLD_DAYS:
            self.add(
                path,
                "BKP018",
                f"delete_after_days ({delete}) must be at least move_to_cold_storage_after_days"
                f" + {MIN_COLD_DAYS} ({cold + MIN_COLD_DAYS}): cold storage keeps a recovery point"
                f" at least {MIN_COLD_DAYS} days",
            )
        if continuous:
            if cold is not None:
                self.add(path, "BKP019", "continuous backups do not move to cold storage")
            if delete is None:
                self.add(
                    path, "BKP019", f"continuous backups need delete_after_days (1-{MAX_CONTINUOUS_DAYS})"
                )
            elif delete > MAX_CONTINUOUS_DAYS:
                self.add(
                    path,
                    "BKP019",
                    f"continuous backups are kept at most {MAX_CONTINUOUS_DAYS} days, not {delete}",
                )

    def tag_selection(self, sel: Mapping[str, Any], path: list[str], standalone: bool) -> None:
        if standalone:
            self.required(sel, ("iam_role_arn", "tag_key", "tag_value"), path)
        self.role(sel.get("iam_role_arn"), [*path, "iam_role_arn"])
        values = sel.get("tag_value")
        if isinstance(values, list) and len(values) > MAX_CONDITIONS_PER_SELECTION:
            self.add(
                [*path, "tag_value"],
                "BKP016",
                f"{len(values)} tag values; a selection has at most {MAX_CONDITIONS_PER_SELECTION}",
            )

    def resource_selection(self, sel: Mapping[str, Any], path: list[str], standalone: bool) -> None:
        if standalone:
            self.required(sel, ("iam_role_arn", "resource_types"), path)
        self.role(sel.get("iam_role_arn"), [*path, "iam_role_arn"])
        for key in ("resource_types", "not_resource_types"):
            arns = sel.get(key)
            if isinstance(arns, list) and len(arns) > MAX_RESOURCES_PER_SELECTION:
                self.add(
                    [*path, key],
                    "BKP016",
                    f"{len(arns)} ARNs; a selection has at most {MAX_RESOURCES_PER_SELECTION}",
                )
            wildcards = [a for a in arns if isinstance(a, str) and "*" in a] if isinstance(arns, list) else []
            if len(wildcards) > MAX_WILDCARD_RESOURCES_PER_SELECTION:
                self.add(
                    [*path, key],
                    "BKP016",
                    f"{len(wildcards)} ARNs with wildcards; a selection has at most"
                    f" {MAX_WILDCARD_RESOURCES_PER_SELECTION} (API_BackupSelection)",
                )
        conditions = sel.get("conditions")
        if isinstance(conditions, Mapping):
            count = sum(len(v) for v in conditions.values() if isinstance(v, Mapping))
            if count > MAX_CONDITIONS_PER_SELECTION:
                self.add(
                    [*path, "conditions"],
                    "BKP016",
                    f"{count} conditions; a selection has at most {MAX_CONDITIONS_PER_SELECTION}",
                )
            if standalone:
                for op, group in conditions.items():
                    if isinstance(group, Mapping):
                        for cname, cond in group.items():
                            if isinstance(cond, Mapping):
                                self.required(
                                    cond,
                                    ("condition_key", "condition_value"),
                                    [*path, "conditions", op, cname],
                                )

    def role(self, arn: Any, path: list[str]) -> None:
        if isinstance(arn, str) and not ROLE_ARN_RE.match(arn):
            self.add(path, "BKP022", f"'{arn}' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)")


_TIMEZONES: set[str] | None = None


def _known_timezone(name: str) -> bool:
    global _TIMEZONES  # noqa: PLW0603 - a lazily filled cache
    if _TIMEZONES is None:
        try:
            _TIMEZONES = set(zoneinfo.available_timezones())
        except OSError:
            _TIMEZONES = set()
    return not _TIMEZONES or name in _TIMEZONES or name == "UTC"


def _size_problems(data: Any, raw: str, source: str) -> list[Problem]:
    minified = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    if len(minified) > MAX_POLICY_CHARS:
        return [
            Problem(
                source,
                None,
                "error",
                "BKP013",
                f"the policy is {len(minified)} characters without whitespace;"
                f" a backup policy has at most {MAX_POLICY_CHARS:,}",
            )
        ]
    if len(raw) > MAX_POLICY_CHARS:
        return [
            Problem(
                source,
                None,
                "warning",
                "BKP013",
                f"the file is {len(raw)} characters ({len(minified)} minified); pasted as is it exceeds"
                f" the {MAX_POLICY_CHARS:,}-character quota",
            )
        ]
    return []


def check_document(
    text: str, source: str, variables: Mapping[str, str] | None = None, *, standalone: bool = True
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse and check; the parsed document (placeholders substituted) and every problem."""
    problems: list[Problem] = []
    substituted, missing = substitute(text, variables)
    locate = Located(substituted)
    for name in missing:
        line = text.count("\n", 0, max(text.find("${" + name + "}"), 0)) + 1
        known = ", ".join(f"${{{k}}}" for k in KNOWN_PLACEHOLDERS)
        problems.append(
            Problem(source, line, "error", "BKP024", f"unknown placeholder ${{{name}}} (known: {known})")
        )
    data, parse_problems = parse_json(substituted, source)
    problems.extend(parse_problems)
    if data is None:
        return None, problems
    if not isinstance(data, dict):
        problems.append(
            Problem(source, 1, "error", "BKP004", 'a backup policy is a JSON object: {"plans": {...}}')
        )
        return None, problems
    problems.extend(_size_problems(data, substituted, source))
    checker = _Checker(source, locate)
    checker.syntax(data, POLICY, [])
    if standalone:
        checker.required(data, POLICY.required, [])
    resolved, merge_problems = merge_policies([data], sources=[source], normalize=False)
    checker.resolved(resolved, standalone)
    problems.extend(checker.problems)
    # merging one document only repeats what the syntax pass found (or same-key collisions that
    # BKP002 already reports)
    del merge_problems
    return data, problems


def check_policy(
    text: str, source: str, variables: Mapping[str, str] | None = None, *, standalone: bool = True
) -> list[Problem]:
    """Every problem of one policy document. `standalone`: it must work on its own (all required
    elements present), as when it is the only policy that reaches an account."""
    return check_document(text, source, variables, standalone=standalone)[1]


def check_effective(effective: Mapping[str, Any], source: str = "(effective policy)") -> list[Problem]:
    """Rules and required elements of an effective policy (plain values, no operators)."""
    checker = _Checker(source, None)
    checker.resolved(effective, True)
    return checker.problems


def load_policy(text: str, source: str, variables: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The policy document (placeholders substituted); raises BackupPolicyError on any error.

    The document may be partial (a child policy that relies on its parents). A project
    placeholder that `variables` does not give stays in the document as `${Name}`."""
    data, problems = check_document(text, source, variables, standalone=False)
    errors = [p for p in problems if p.severity == "error"]
    if errors or data is None:
        raise BackupPolicyError(errors or problems)
    return data
