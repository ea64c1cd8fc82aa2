"""MAN013: with --org, every account the manifest targets is in the organization."""

from __future__ import annotations

from collections.abc import Iterator

from cfct_backup.validate.context import OrgFacts
from cfct_backup.validate.registry import Finding
from cfct_backup.validate.rules._manifest import OrgTargetRule, Target


class UnknownAccount(OrgTargetRule):
    id = "MAN013"
    severity = "error/warning"
    shortdesc = "--org: an account name (error) or ID (warning) that is not in the organization"

    def check_target(self, target: Target, org: OrgFacts) -> Iterator[Finding]:
        name, account = target.resource.name, target.value
        if account.isdigit():
            if org.ids and account not in org.ids:
                yield Finding(f"{name}: account ID {account} is not in the organization", "warning")
        elif account != org.management_name and account not in org.accounts:
            yield Finding(f"{name}: no account named '{account}' in the organization", "error")
