"""The shape of an Organizations backup policy, written from the user guide's syntax page.

A policy is a tree. Each position in the tree is one of:

* `Fixed`: an object whose keys are fixed names (`plans`, `rules`, `lifecycle`, ...);
* `Named`: an object whose keys are names the author chooses (plan names, rule names, tag
  identifiers, copy action ARNs); `case_insensitive` names are matched without regard to case and
  shown in lower case in an effective policy, as the user guide shows them;
* `Setting`: a leaf set through a value-setting operator (`{"@@assign": ...}`); `kind` says what
  the value is and `multi` whether it is a multi-valued setting (a JSON array) that `@@append` and
  `@@remove` may touch.

`@@operators_allowed_for_child_policies` may appear at any position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Union

ASSIGN = "@@assign"
APPEND = "@@append"
REMOVE = "@@remove"
CHILD_CONTROL = "@@operators_allowed_for_child_policies"
ALL = "@@all"
NONE = "@@none"
VALUE_OPERATORS = (ASSIGN, APPEND, REMOVE)

ENABLED_DISABLED = ("enabled", "disabled")
Kind = Literal["str", "int", "bool", "arn", "region", "enum"]


@dataclass(frozen=True)
class Setting:
    kind: Kind
    multi: bool = False  # a JSON array: @@append / @@remove allowed
    single_or_multi: bool = False  # tag_value: a string or an array of strings
    variables: bool = False  # $account / $region allowed (ARN-bearing elements)
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fixed:
    keys: dict[str, Spec]
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Named:
    item: Spec
    case_insensitive: bool = True
    what: str = "name"
    variables_in_key: bool = False


Spec = Union[Setting, Fixed, Named]  # noqa: UP007 - a runtime alias used by isinstance-free code


LIFECYCLE = Fixed(
    {
        "move_to_cold_storage_after_days": Setting("int"),
        "delete_after_days": Setting("int"),
        "opt_in_to_archive_for_supported_resources": Setting("bool"),
    }
)
TAG_PAIR = Fixed(
    {"tag_key": Setting("str"), "tag_value": Setting("str", single_or_multi=True)},
    required=("tag_key", "tag_value"),
)
COPY_ACTION = Fixed(
    {"target_backup_vault_arn": Setting("arn", variables=True), "lifecycle": LIFECYCLE},
)
MALWARE_SCANNERS = ("GUARDDUTY",)
SCAN_MODES = ("FULL_SCAN", "INCREMENTAL_SCAN")
SCAN_ACTION = Fixed({"scan_mode": Setting("enum", choices=SCAN_MODES)}, required=("scan_mode",))
# API_ScanSetting: MalwareScanner, ResourceTypes (pattern ^[a-zA-Z0-9\-\_\.]{1,50}$), ScannerRoleArn
SCAN_SETTING = Fixed(
    {
        "resource_types": Setting("str", multi=True),
        "scanner_role_arn": Setting("arn", variables=True),
    },
    required=("resource_types", "scanner_role_arn"),
)
RULE = Fixed(
    {
        "schedule_expression": Setting("str"),
        "schedule_expression_timezone": Setting("str"),
        "target_backup_vault_name": Setting("str"),
        "target_logically_air_gapped_backup_vault_arn": Setting("arn", variables=True),
        "start_backup_window_minutes": Setting("int"),
        "complete_backup_window_minutes": Setting("int"),
        "enable_continuous_backup": Setting("bool"),
        "lifecycle": LIFECYCLE,
        "copy_actions": Named(COPY_ACTION, case_insensitive=False, what="copy action", variables_in_key=True),
        "recovery_point_tags": Named(TAG_PAIR, what="tag identifier"),
        "index_actions": Fixed({"resource_types": Setting("enum", multi=True, choices=("EBS", "S3"))}),
        # Malware scanning per rule (API_BackupRuleInput ScanActions / API_ScanAction: MalwareScanner
        # GUARDDUTY, ScanMode FULL_SCAN | INCREMENTAL_SCAN), keyed by the scanner as the policy
        # syntax keys its other per-target maps (copy actions by vault ARN).
        "scan_actions": Named(SCAN_ACTION, case_insensitive=False, what="malware scanner"),
    },
    required=("schedule_expression", "target_backup_vault_name"),
)
TAG_SELECTION = Fixed(
    {
        "iam_role_arn": Setting("arn", variables=True),
        "tag_key": Setting("str"),
        "tag_value": Setting("str", single_or_multi=True),
    },
    required=("iam_role_arn", "tag_key", "tag_value"),
)
CONDITION = Fixed(
    {"condition_key": Setting("str"), "condition_value": Setting("str")},
    required=("condition_key", "condition_value"),
)
CONDITION_OPERATORS = ("string_equals", "string_not_equals", "string_like", "string_not_like")
RESOURCE_SELECTION = Fixed(
    {
        "iam_role_arn": Setting("arn", variables=True),
        "resource_types": Setting("arn", multi=True, variables=True),
        "not_resource_types": Setting("arn", multi=True, variables=True),
        "conditions": Fixed(
            {op: Named(CONDITION, what="condition identifier") for op in CONDITION_OPERATORS}
        ),
    },
    required=("iam_role_arn", "resource_types"),
)
PLAN = Fixed(
    {
        "regions": Setting("region", multi=True),
        "rules": Named(RULE, what="rule name"),
        "selections": Fixed(
            {
                "tags": Named(TAG_SELECTION, what="selection name"),
                "resources": Named(RESOURCE_SELECTION, what="selection name"),
            }
        ),
        # API_AdvancedBackupSetting: EC2 {"WindowsVSS": enabled|disabled}; S3 {"BackupACLs",
        # "BackupObjectTags": enabled|disabled} (the API page spells them S3BackupACLs /
        # S3BackupObjectTags in one sentence and BackupACLs / BackupObjectTags in the next; the
        # syntax page's example uses the API key names under lower-case resource types).
        "advanced_backup_settings": Fixed(
            {
                "ec2": Fixed({"WindowsVSS": Setting("enum", choices=ENABLED_DISABLED)}),
                "s3": Fixed(
                    {
                        "BackupACLs": Setting("enum", choices=ENABLED_DISABLED),
                        "BackupObjectTags": Setting("enum", choices=ENABLED_DISABLED),
                    }
                ),
            }
        ),
        "scan_settings": Named(SCAN_SETTING, case_insensitive=False, what="malware scanner"),
        "backup_plan_tags": Named(
            Fixed(
                {"tag_key": Setting("str"), "tag_value": Setting("str")}, required=("tag_key", "tag_value")
            ),
            what="tag identifier",
        ),
    },
    required=("regions", "rules", "selections"),
)
# Plan names are shown in lower case in an effective policy: the DescribeEffectivePolicy output
# printed in the guide ("Viewing effective backup policies") has "pii_backup_plan" for the plan
# its examples call "PII_Backup_Plan".
POLICY = Fixed({"plans": Named(PLAN, what="plan name")}, required=("plans",))


def child_spec(spec: Spec | None, key: str) -> Spec | None:
    """The spec of `key` under `spec`; None when unknown."""
    if isinstance(spec, Fixed):
        return spec.keys.get(key)
    if isinstance(spec, Named):
        return spec.item
    return None
