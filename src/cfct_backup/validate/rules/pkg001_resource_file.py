"""PKG001: every local resource_file of the manifest exists in the package."""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context, resource_line
from cfct_backup.validate.registry import Rule


class ResourceFileExists(Rule):
    id = "PKG001"
    severity = "error"
    shortdesc = "a resource_file of the manifest does not exist"
    source_url = "https://docs.aws.amazon.com/controltower/latest/userguide/cfcn-byo-customizations.html"
    tags = ("package", "manifest")

    def check(self, context: Context) -> list[Problem]:
        return [
            self.problem(
                context.where,
                resource_line(res, "resource_file"),
                f"{res.name}: resource_file {res.resource_file} does not exist",
            )
            for res, path in context.local_resources()
            if not path.is_file()
        ]
