"""MAN028: with --org, a /cfct-backup/ SSM parameter the manifest reads that nothing writes.

A /cfct-backup/ name must be one the project writes (docs/conventions.md) or one the manifest exports.
"""

from __future__ import annotations

from cfct_backup_automation import contract

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context, OrgFacts
from cfct_backup.validate.registry import Rule
from cfct_backup.validate.rules._manifest import exported_at, ssm_reads


def written_parameters(org: OrgFacts) -> set[str] | None:
    """The /cfct-backup/ parameters configure and publish write for this organization (None: unknown)."""
    from cfct_backup.organization import (  # noqa: PLC0415 - only with --org
        OrganizationError,
        config_parameters,
        placeholder_ids,
    )

    try:
        known = set(config_parameters(org.org, placeholder_ids(org.org)))
    except (OrganizationError, KeyError, ValueError):
        return None
    return known | {p.name for p in contract.PARAMETERS if p.writer == "publish"}


class SsmReadNothingWrites(Rule):
    id = "MAN028"
    severity = "warning"
    shortdesc = f"--org: reads a {contract.SSM_PREFIX}/ SSM parameter nothing writes"
    source_url = "docs/conventions.md"
    tags = ("manifest", "ssm", "org")

    def check(self, context: Context) -> list[Problem]:
        manifest = context.manifest
        if manifest is None or context.org is None:
            return []
        known = written_parameters(context.org)
        if known is None:
            return []
        exported = exported_at(manifest)
        problems = []
        for read in ssm_reads(context.root, manifest):
            ours = read.name.startswith(f"{contract.SSM_PREFIX}/")
            if read.name in exported or not ours or read.name in known:
                continue
            message = (
                f"{read.resource.name}: reads {read.name}, which nothing writes (not a parameter of"
                " docs/conventions.md, not exported by the manifest)"
            )
            problems.append(Problem(context.where, read.line, "warning", self.id, message))
        return problems
