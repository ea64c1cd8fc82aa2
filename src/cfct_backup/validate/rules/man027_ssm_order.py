"""MAN027: a parameter read with $[alfred_ssm_...] that a later resource (or the resource itself) exports.

CfCT deploys resources in manifest order and resolves a resource's helpers when it deploys it: a
parameter exported (export_outputs) by a later resource does not exist yet on a first run.
"""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule
from cfct_backup.validate.rules._manifest import exported_at, ssm_reads


class SsmReadBeforeExport(Rule):
    id = "MAN027"
    severity = "error"
    shortdesc = "reads an SSM parameter that is exported only further down the manifest"
    source_url = "https://docs.aws.amazon.com/controltower/latest/userguide/cfcn-byo-customizations.html"
    tags = ("manifest", "ssm")

    def check(self, context: Context) -> list[Problem]:
        manifest = context.manifest
        if manifest is None:
            return []
        exported = exported_at(manifest)
        problems = []
        for read in ssm_reads(context.root, manifest):
            at = exported.get(read.name)
            if at is None or at < read.index:
                continue
            message = (
                f"{read.resource.name}: reads {read.name}, which {manifest.resources[at].name} exports"
                + (" itself" if at == read.index else " further down")
                + "; CfCT deploys in manifest order, so it does not exist yet on a first run"
            )
            problems.append(Problem(context.where, read.line, "error", self.id, message))
        return problems
