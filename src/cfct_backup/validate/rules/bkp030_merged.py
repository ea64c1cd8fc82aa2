"""BKP030/BKP031 and the effective-policy codes: the policy files merged as attached together.

The files are attached to the same (protected) OUs: one level of the merge. The merged policy must
still hold every rule (cfct_backup.backup_policy merge_policies and check_effective).
"""

from __future__ import annotations

from cfct_backup.backup_policy import check_effective, merge_policies
from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule


class MergedBackupPolicies(Rule):
    id = "BKP030"
    codes = ("BKP031",)
    severity = "error/warning"
    shortdesc = "policies/backup merged as attached together: inheritance warnings and the effective policy"
    source_url = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html"
    tags = ("backup",)

    def check(self, context: Context) -> list[Problem]:
        docs = context.backup_policies[1]
        if len(docs) < 2:
            return []
        merged, problems = merge_policies([[d for d, _ in docs]], sources=[[s for _, s in docs]])
        problems = list(problems)
        problems.extend(check_effective(merged, "policies/backup (merged, as attached together)"))
        return problems
