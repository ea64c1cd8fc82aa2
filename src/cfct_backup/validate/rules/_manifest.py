"""What the manifest rules share: the accounts and OUs each resource targets, with their lines."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from cfct_backup.cfct.manifest import Manifest, ManifestResource
from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context, OrgFacts, read_parameter_file, resource_line
from cfct_backup.validate.registry import Finding, Rule


@dataclass(frozen=True)
class Target:
    resource: ManifestResource
    kind: str  # "account" or "OU"
    value: str
    line: int


def targets(manifest: Manifest) -> Iterator[Target]:
    for res in manifest.resources:
        for i, account in enumerate(res.accounts):
            yield Target(res, "account", account, resource_line(res, f"accounts[{i}]"))
        for i, ou in enumerate(res.organizational_units):
            yield Target(res, "OU", ou, resource_line(res, f"organizational_units[{i}]"))


@dataclass(frozen=True)
class SsmRead:
    """One `$[alfred_ssm_<name>]` a resource's parameters read (resource index in the manifest)."""

    index: int
    resource: ManifestResource
    name: str
    line: int


def exported_at(manifest: Manifest) -> dict[str, int]:
    """SSM parameter name -> index of the first resource that exports it (export_outputs)."""
    found: dict[str, int] = {}
    for i, res in enumerate(manifest.resources):
        for name, _value in res.export_outputs:
            found.setdefault(name, i)
    return found


def ssm_reads(root: Path, manifest: Manifest) -> Iterator[SsmRead]:
    """Every `$[alfred_ssm_...]` in the parameters (inline or parameter file) of each resource."""
    for i, res in enumerate(manifest.resources):
        values: list[tuple[str, int]] = []
        if res.parameters is not None:
            values = [(v, resource_line(res, "parameters")) for _, v in res.parameters]
        elif res.parameter_file is not None and (root / res.parameter_file).is_file():
            data, _found = read_parameter_file(root / res.parameter_file, res.parameter_file)
            values = [(v, resource_line(res, "parameter_file")) for v in (data or {}).values()]
        for value, line in values:
            for raw in value.split(","):
                item = raw.strip()
                if item.startswith("$[alfred_ssm_") and item.endswith("]"):
                    yield SsmRead(i, res, item[len("$[alfred_ssm_") : -1], line)


class OrgTargetRule(Rule):
    """With --org: a rule over each account or OU (`kind`) the manifest targets."""

    kind: ClassVar[str] = "account"
    tags = ("manifest", "org")
    source_url = "https://docs.aws.amazon.com/controltower/latest/userguide/cfcn-byo-customizations.html"

    def check(self, context: Context) -> list[Problem]:
        org, manifest = context.org, context.manifest
        if org is None or manifest is None:
            return []
        return [
            self.problem(context.where, t.line, found)
            for t in targets(manifest)
            if t.kind == self.kind
            for found in self.check_target(t, org)
        ]

    def check_target(self, target: Target, org: OrgFacts) -> Iterable[str | Finding]:
        raise NotImplementedError
