"""Every quota and numeric rule the backup policy engine enforces, with the AWS page it comes from.

One table; the checks (``check.py``) read their numbers from here. Re-checked 2026-12-01 with the
stored AWS documentation and the botocore ``backup`` model shipped in this repository's .venv.
A row whose ``source`` starts with "not found" could not be confirmed on a current AWS page; it is
kept because it is the stricter reading (the emulator must never be more lenient than AWS).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    name: str
    value: int
    source: str
    says: str  # what the page says, in its words where short


QUOTAS: dict[str, Quota] = {
    q.name: q
    for q in (
        Quota(
            "policy_chars",
            10_000,
            ORG_QUOTAS_PAGE + " (round 1 value; the stored copy read this round ends before that row)",
            "Maximum size of a policy document: backup policies 10,000 characters",
        ),
        Quota(
            "selections_per_plan",
            100,
            QUOTAS_PAGE,
            "Resource assignments per backup plan: 100, not adjustable (the China-Region copy of the"
            " page still says 10; round 1 used 50 from memory)",
        ),
        Quota(
            "tag_values_per_selection",
            30,
            QUOTAS_PAGE,
            "Tags per resource selection in a cross account backup policy: 30, not adjustable",
        ),
        Quota(
            "arns_per_selection",
            500,
            SELECTION_PAGE,
            "Resources / NotResources: the maximum number of ARNs is 500 without wildcards",
        ),
        Quota(
            "wildcard_arns_per_selection",
            30,
            SELECTION_PAGE,
            "... or 30 ARNs with wildcards",
        ),
        Quota(
            "start_window_min",
            60,
            RULE_INPUT_PAGE,
            "StartWindowMinutes: if this value is included, it must be at least 60 minutes",
        ),
        Quota(
            "window_max",
            52_560_000,
            RULE_INPUT_PAGE,
            "StartWindowMinutes: maximum value of 100 years (52,560,000 minutes)",
        ),
        Quota(
            "cold_storage_min_days",
            90,
            LIFECYCLE_PAGE,
            "DeleteAfterDays must be at least 90 days after MoveToColdStorageAfterDays",
        ),
        Quota(
            "index_actions_per_rule",
            1,
            RULE_INPUT_PAGE,
            "IndexActions: up to one IndexAction in each BackupRule; only 1 resource type per rule",
        ),
        Quota(
            "rules_per_plan",
            10,
            "not found on the current quotas page (kept as the stricter bound)",
            "at most 10 rules per plan",
        ),
        Quota(
            "copy_actions_per_rule",
            5,
            "not found on the current quotas page (kept as the stricter bound)",
            "at most 5 copy actions per rule",
        ),
        Quota(
            "continuous_max_days",
            35,
            "https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html"
            " (not re-read this round)",
            "continuous backups are kept 1-35 days and never move to cold storage",
        ),
    )
}


def limit(name: str) -> int:
    return QUOTAS[name].value


def table() -> str:
    """The table as Markdown (docs and reports)."""
    rows = ["| quota | value | source | what it says |", "|---|---|---|---|"]
    rows += [f"| {q.name} | {q.value:,} | {q.source} | {q.says} |" for q in QUOTAS.values()]
    return "\n".join(rows)
