"""MAN025: with --org, every OU the manifest targets is in the organization (nested as Parent:Child)."""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule
from cfct_backup.validate.rules._manifest import targets


class UnknownOu(Rule):
    id = "MAN025"
    severity = "error"
    shortdesc = "--org: an OU that is not in the organization"
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
                f"{t.resource.name}: no OU '{t.value}' in the organization (nested OUs as 'Parent:Child')",
            )
            for t in targets(context.manifest)
            if t.kind == "OU" and t.value not in org.ous and not t.value.startswith("Root")
        ]
