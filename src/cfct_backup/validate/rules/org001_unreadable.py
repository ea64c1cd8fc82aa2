"""ORG001: the organization description given with --org cannot be read."""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule


class OrganizationUnreadable(Rule):
    id = "ORG001"
    severity = "error"
    shortdesc = "--org: the organization description cannot be read"
    source_url = "docs/organization.md"
    tags = ("org",)

    def check(self, context: Context) -> list[Problem]:
        if context.org_error is None:
            return []
        message = f"cannot read the organization: {context.org_error}"
        return [Problem(str(context.org_path), None, "error", self.id, message)]
