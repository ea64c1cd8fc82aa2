"""MAN024: the management account is targeted by its ID, never by name (CfCT resolves names from
the accounts Control Tower enrolled, and the management account is not one of them)."""

from __future__ import annotations

from collections.abc import Iterator

from cfct_backup.validate.context import OrgFacts
from cfct_backup.validate.rules._manifest import OrgTargetRule, Target


class ManagementByName(OrgTargetRule):
    id = "MAN024"
    severity = "error"
    shortdesc = "--org: the management account targeted by name, not by its ID"

    def check_target(self, target: Target, org: OrgFacts) -> Iterator[str]:
        if not target.value.isdigit() and target.value == org.management_name:
            yield (
                f"{target.resource.name}: target the management account by its explicit ID,"
                f" not by name '{target.value}'"
            )
