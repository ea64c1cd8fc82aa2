"""BKP000-BKP036: each policies/backup/*.json alone, grammar and AWS Backup quotas.

The checks are cfct_backup.backup_policy's (docs/backup-policy.md).
"""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule


class BackupPolicyDocument(Rule):
    id = "BKP000"
    codes = tuple(
        f"BKP{n:03}" for n in (*range(1, 27), *range(32, 37))
    )  # check_document (parse.py, check.py); docs/backup-policy.md
    severity = "error/warning"
    shortdesc = "a backup policy file: readable, backup policy syntax, AWS Backup rules and quotas"
    source_url = (
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_backup_syntax.html"
    )
    tags = ("backup",)

    def check(self, context: Context) -> list[Problem]:
        return list(context.backup_policies[0])
