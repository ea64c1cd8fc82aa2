"""MAN024: the management account is targeted by its ID, never by name (CfCT resolves names from
the accounts Control Tower enrolled, and the management account is not one of them)."""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule
from cfct_backup.validate.rules._manifest import targets


class ManagementByName(Rule):
    id = "MAN024"
    severity = "error"
    shortdesc = "--org: the management account targeted by name, not by its ID"
    source_url = "https://docs.aws.amazon.com/controltower/latest/userguide/cfcn-byo-customizations.html"
    tags = ("manifest", "org")

    def check(self, context: Context) -> list[Problem]:
        org = context.org
        if org is None or context.manifest is None:
            return []
        return [
            Problem(
                context.where,
                t.line,
                "error",
                self.id,
                f"{t.resource.name}: target the management account by its explicit ID,"
                f" not by name '{t.value}'",
            )
            for t in targets(context.manifest)
            if t.kind == "account" and not t.value.isdigit() and t.value == org.management_name
        ]
