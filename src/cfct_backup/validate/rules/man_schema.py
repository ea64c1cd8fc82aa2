"""MAN000-MAN100: the manifest against CfCT's schema and the traps CfCT lets through.

The checks are cfct_backup.cfct.manifest's.
"""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule


class ManifestSchema(Rule):
    id = "MAN001"
    codes = (
        "MAN000", "MAN002", "MAN003", "MAN004", "MAN005", "MAN006", "MAN007", "MAN010", "MAN011",
        "MAN012", "MAN014", "MAN015", "MAN016", "MAN017", "MAN018", "MAN019", "MAN020", "MAN021",
        "MAN022", "MAN023", "MAN030", "MAN100",
    )  # fmt: skip
    severity = "error/warning"
    shortdesc = "manifest.yaml against CfCT's manifest schema and its traps (docs/delivery.md)"
    source_url = "https://docs.aws.amazon.com/controltower/latest/userguide/cfcn-byo-customizations.html"
    tags = ("manifest", "cfct")

    def check(self, context: Context) -> list[Problem]:
        where = context.where
        return [Problem(where, p.line, p.severity, p.code, p.message) for p in context.manifest_problems]
