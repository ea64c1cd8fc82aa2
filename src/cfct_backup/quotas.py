"""Every AWS quota the package checks, in one table: value, the page it comes from, the day it was checked.

Checks import the value from here (``quota("scp.max_chars")``) instead of spelling the number again, so a
quota AWS changes is changed in one line. docs/aws-constraints.md lists the same rows; a test keeps the
two in step.

The backup policy engine's quotas and numeric rules (rules per plan, copy actions, selections,
windows, the cold-storage rule) are rows ``backup_policy.<name>`` of the same table;
``cfct_backup.backup_policy.quotas`` is their view for the engine and docs/backup-policy.md.
A row whose source starts with "not found" could not be confirmed on a current AWS page; it is kept
because it is the stricter reading (the emulator must never be more lenient than AWS).
"""

from __future__ import annotations

from dataclasses import dataclass

ORG_QUOTAS = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html"
# AWS doubled the SCP quotas on 2026-05-15 (5 -> 10 per target, 5,120 -> 10,240 characters). The
# stored copies of the quotas page checked here were translations that still showed 5,120; the
# change is confirmed by write-ups of the announcement (the newest wins):
SCP_CHANGE = "https://cevo.com.au/post/aws-scp-limits-landing-zone-review/"
CHECKED = "2026-12-01"

# the backup policy engine's pages (cfct_backup.backup_policy.quotas)
QUOTAS_PAGE = "https://docs.aws.amazon.com/aws-backup/latest/devguide/aws-backup-limits.html"
ORG_QUOTAS_PAGE = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html"
RULE_INPUT_PAGE = "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRuleInput.html"
SELECTION_PAGE = "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html"
LIFECYCLE_PAGE = "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html"
SYNTAX_PAGE = (
    "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_backup_syntax.html"
)


@dataclass(frozen=True)
class Quota:
    key: str
    value: int
    what: str
    source: str
    checked: str = CHECKED


QUOTAS: tuple[Quota, ...] = (
    Quota(
        "scp.max_chars",
        10240,
        "characters of one SCP (whitespace counts; CfCT sends the file text)",
        f"{ORG_QUOTAS} ; raised from 5,120 on 2026-05-15 ({SCP_CHANGE})",
    ),
    Quota(
        "scp.max_per_target",
        10,
        "SCPs attached directly to one root, OU or account (FullAWSAccess counts)",
        f"{ORG_QUOTAS} ; raised from 5 on 2026-05-15 ({SCP_CHANGE})",
    ),
    Quota(
        "rcp.max_chars",
        5120,
        "characters of one RCP (unchanged by the May 2026 SCP change)",
        ORG_QUOTAS,
    ),
    Quota(
        "rcp.max_per_target",
        5,
        "RCPs attached directly to one root, OU or account (RCPFullAWSAccess counts)",
        ORG_QUOTAS,
    ),
    Quota("backup_policy.max_chars", 10000, "characters of one backup policy", ORG_QUOTAS),
    Quota("tag_policy.max_chars", 10000, "characters of one tag policy", ORG_QUOTAS),
    Quota("ai_opt_out_policy.max_chars", 2500, "characters of one AI services opt-out policy", ORG_QUOTAS),
    Quota(
        "vault_lock.min_changeable_days",
        3,
        "Vault Lock ChangeableForDays minimum (compliance-mode grace time)",
        "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultLockConfiguration.html",
    ),
    Quota(
        "vault_lock.max_retention_days",
        36500,
        "Vault Lock Min/MaxRetentionDays upper bound",
        "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultLockConfiguration.html",
    ),
    Quota(
        "backup_rule.min_start_window_minutes",
        60,
        "backup plan rule StartWindowMinutes minimum",
        "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRule.html",
    ),
)


def _bp(name: str, value: int, source: str, says: str) -> Quota:
    """A backup policy engine row: `says` is what the page says, in its words where short."""
    return Quota(f"backup_policy.{name}", value, says, source)


QUOTAS += (
    _bp(
        "selections_per_plan",
        100,
        QUOTAS_PAGE,
        "Resource assignments per backup plan: 100, not adjustable (the China-Region copy of the"
        " page still says 10; round 1 used 50 from memory)",
    ),
    _bp(
        "tag_values_per_selection",
        30,
        QUOTAS_PAGE,
        "Tags per resource selection in a cross account backup policy: 30, not adjustable",
    ),
    _bp(
        "arns_per_selection",
        500,
        SELECTION_PAGE,
        "Resources / NotResources: the maximum number of ARNs is 500 without wildcards",
    ),
    _bp(
        "wildcard_arns_per_selection",
        30,
        SELECTION_PAGE,
        "... or 30 ARNs with wildcards",
    ),
    _bp(
        "start_window_min",
        60,
        RULE_INPUT_PAGE,
        "StartWindowMinutes: if this value is included, it must be at least 60 minutes",
    ),
    _bp(
        "window_max",
        52_560_000,
        RULE_INPUT_PAGE,
        "StartWindowMinutes: maximum value of 100 years (52,560,000 minutes)",
    ),
    _bp(
        "cold_storage_min_days",
        90,
        LIFECYCLE_PAGE,
        "DeleteAfterDays must be at least 90 days after MoveToColdStorageAfterDays",
    ),
    _bp(
        "index_actions_per_rule",
        1,
        RULE_INPUT_PAGE,
        "IndexActions: up to one IndexAction in each BackupRule; only 1 resource type per rule",
    ),
    _bp(
        "rules_per_plan",
        10,
        "not found on the current quotas page (kept as the stricter bound)",
        "at most 10 rules per plan",
    ),
    _bp(
        "copy_actions_per_rule",
        5,
        "not found on the current quotas page (kept as the stricter bound)",
        "at most 5 copy actions per rule",
    ),
    _bp(
        "continuous_max_days",
        35,
        "https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html"
        " (not re-read this round)",
        "continuous backups are kept 1-35 days and never move to cold storage",
    ),
)

_BY_KEY = {q.key: q for q in QUOTAS}


def quota(key: str) -> int:
    """The value of one quota; KeyError names an unknown key (a typo is a bug, not a default)."""
    return _BY_KEY[key].value


def source(key: str) -> str:
    return _BY_KEY[key].source
