"""PKG006: a template or SCP file of the package that the manifest does not deploy."""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule


class Unreferenced(Rule):
    id = "PKG006"
    severity = "warning"
    shortdesc = "a template or policies/scp file the manifest does not deploy"
    source_url = "docs/delivery.md"
    tags = ("package",)

    def check(self, context: Context) -> list[Problem]:
        if context.manifest is None:
            return []
        referenced = context.referenced
        problems = [
            Problem(
                context.rel(path),
                None,
                "warning",
                self.id,
                "not deployed by manifest.yaml (CfCT lints it all the same)",
            )
            for path in context.templates_dir
            if path.resolve() not in referenced
        ]
        problems.extend(
            Problem(context.rel(path), None, "warning", self.id, "not attached by manifest.yaml")
            for path in context.scp_dir_files()
            if path.resolve() not in referenced
        )
        return problems
