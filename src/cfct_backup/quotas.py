"""Every AWS quota the package checks, in one table: value, the page it comes from, the day it was checked.

Checks import the value from here (``quota("scp.max_chars")``) instead of spelling the number again, so a
quota AWS changes is changed in one line. docs/aws-constraints.md lists the same rows; a test keeps the
two in step.

Backup-policy quotas (rules per plan, copy actions, selections...) stay in
``cfct_backup.backup_policy.check`` with their own citations; the Organizations policy-size quota for
backup policies is here because the emulator enforces it too.
"""

from __future__ import annotations

from dataclasses import dataclass

ORG_QUOTAS = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html"
# AWS doubled the SCP quotas on 2026-05-15 (5 -> 10 per target, 5,120 -> 10,240 characters). The
# stored copies of the quotas page checked here were translations that still showed 5,120; the
# change is confirmed by write-ups of the announcement (the newest wins):
SCP_CHANGE = "https://cevo.com.au/post/aws-scp-limits-landing-zone-review/"
CHECKED = "2026-12-01"


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

_BY_KEY = {q.key: q for q in QUOTAS}


def quota(key: str) -> int:
    """The value of one quota; KeyError names an unknown key (a typo is a bug, not a default)."""
    return _BY_KEY[key].value


def source(key: str) -> str:
    return _BY_KEY[key].source
