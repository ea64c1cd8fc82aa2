"""ORG010: with --org, accounts that would inherit backup plans without a baseline.

The check is cfct_backup.nested_ous's.
"""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule


class NestedOus(Rule):
    id = "ORG010"
    severity = "error"
    shortdesc = "--org: accounts in nested OUs that would inherit plans without a baseline"
    source_url = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html"
    tags = ("org",)

    def check(self, context: Context) -> list[Problem]:
        if context.org is None:
            return []
        from cfct_backup.nested_ous import nested_problems  # noqa: PLC0415 - only with --org

        return nested_problems(context.org.org, str(context.org.path))
