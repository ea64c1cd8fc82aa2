"""REC001-REC003: restore testing runs more often than the retention it tests.

The check is cfct_backup.validate.recovery's (docs/recovery.md).
"""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.recovery import restore_testing_problems
from cfct_backup.validate.registry import Rule


class RestoreTestingInterval(Rule):
    id = "REC001"
    codes = ("REC002", "REC003")
    severity = "error/warning"
    shortdesc = (
        "restore tests not more frequent than the tier's retention (001), no tier (002), bad schedule (003)"
    )
    source_url = (
        "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingRecoveryPointSelection.html"
    )
    tags = ("template", "backup", "recovery")

    def check(self, context: Context) -> list[Problem]:
        return restore_testing_problems(context.root, context.lint_targets, context.decode)
