"""MAN013: with --org, every account the manifest targets is in the organization."""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule
from cfct_backup.validate.rules._manifest import targets


class UnknownAccount(Rule):
    id = "MAN013"
    severity = "error/warning"
    shortdesc = "--org: an account name (error) or ID (warning) that is not in the organization"
    source_url = "https://docs.aws.amazon.com/controltower/latest/userguide/cfcn-byo-customizations.html"
    tags = ("manifest", "org")

    def check(self, context: Context) -> list[Problem]:
        org = context.org
        if org is None or context.manifest is None:
            return []
        problems = []
        for t in targets(context.manifest):
            name = t.resource.name
            if t.kind != "account":
                continue
            if t.value.isdigit():
                if org.ids and t.value not in org.ids:
                    message = f"{name}: account ID {t.value} is not in the organization"
                    problems.append(Problem(context.where, t.line, "warning", self.id, message))
            elif t.value != org.management_name and t.value not in org.accounts:
                message = f"{name}: no account named '{t.value}' in the organization"
                problems.append(Problem(context.where, t.line, "error", self.id, message))
        return problems
