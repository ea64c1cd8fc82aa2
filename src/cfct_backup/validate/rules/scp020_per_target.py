"""SCP020/SCP021, RCP020/RCP021: policies attached to one root, OU or account, counted across the manifest.

At most 10 SCPs (5 RCPs) per target (cfct_backup.quotas); at the limit there is no place left for the
FullAWSAccess (RCPFullAWSAccess) policy Organizations attaches by default, or a Control Tower control SCP.
"""

from __future__ import annotations

from collections import defaultdict

from cfct_backup.cfct.manifest import ManifestResource
from cfct_backup.problems import Problem
from cfct_backup.validate.context import POLICY_METHODS, Context
from cfct_backup.validate.registry import Rule
from cfct_backup.validate.rules._manifest import targets
from cfct_backup.validate.scp import MAX_POLICIES_PER_TARGET, MAX_RCPS_PER_TARGET


class PoliciesPerTarget(Rule):
    id = "SCP020"
    codes = ("SCP021", "RCP020", "RCP021")
    severity = "error/warning"
    shortdesc = "more SCPs/RCPs on one target than Organizations allows (020), or no place left (021)"
    source_url = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html"
    tags = ("manifest", "scp", "rcp")

    def check(self, context: Context) -> list[Problem]:
        if context.manifest is None:
            return []
        per_target: dict[tuple[str, str, str], list[ManifestResource]] = defaultdict(list)
        for t in targets(context.manifest):
            if t.resource.deploy_method in POLICY_METHODS:
                per_target[(str(t.resource.deploy_method).upper(), t.kind, t.value)].append(t.resource)
        problems: list[Problem] = []
        for (method, kind, target), resources in sorted(per_target.items()):
            names = ", ".join(r.name for r in resources)
            last = resources[-1]
            default = "FullAWSAccess" if method == "SCP" else "RCPFullAWSAccess"
            limit = MAX_POLICIES_PER_TARGET if method == "SCP" else MAX_RCPS_PER_TARGET
            if len(resources) > limit:
                message = (
                    f"{len(resources)} {method}s attached to {kind} '{target}' ({names});"
                    f" Organizations allows {limit} per target"
                )
                problems.append(Problem(context.where, last.line, "error", f"{method}020", message))
            elif len(resources) == limit:
                message = f"{len(resources)} {method}s on {kind} '{target}': no place left for {default}" + (
                    " or a Control Tower control SCP" if method == "SCP" else ""
                )
                problems.append(Problem(context.where, last.line, "warning", f"{method}021", message))
        return problems
