"""MAN025: with --org, every OU the manifest targets is in the organization (nested as Parent:Child)."""

from __future__ import annotations

from collections.abc import Iterator

from cfct_backup.validate.context import OrgFacts
from cfct_backup.validate.rules._manifest import OrgTargetRule, Target


class UnknownOu(OrgTargetRule):
    id = "MAN025"
    severity = "error"
    shortdesc = "--org: an OU that is not in the organization"
    kind = "OU"

    def check_target(self, target: Target, org: OrgFacts) -> Iterator[str]:
        if target.value not in org.ous and not target.value.startswith("Root"):
            name = target.resource.name
            yield f"{name}: no OU '{target.value}' in the organization (nested OUs as 'Parent:Child')"
