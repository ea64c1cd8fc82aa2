"""BKP040: a plan defined in two policy files merges silently (the first attached wins on each conflict)."""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule


class PlanInTwoFiles(Rule):
    id = "BKP040"
    severity = "warning"
    shortdesc = "a backup plan defined in two files of policies/backup"
    source_url = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html"
    tags = ("backup",)

    def check(self, context: Context) -> list[Problem]:
        problems: list[Problem] = []
        owner: dict[str, str] = {}
        for doc, source in context.backup_policies[1]:
            plans = doc.get("plans")
            for name in plans if isinstance(plans, dict) else {}:
                if name.startswith("@@"):
                    continue
                if name in owner:
                    problems.append(
                        self.problem(
                            source,
                            None,
                            f"plans.{name}: also defined in {owner[name]}; attached to the same OUs the two"
                            " merge and the first attached wins on every conflicting setting",
                        )
                    )
                owner.setdefault(name, source)
        return problems
