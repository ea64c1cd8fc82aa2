"""PKG002: a remote (s3:// or http(s)://) resource_file is not checked."""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.service_catalog import REMOTE_PREFIXES
from cfct_backup.validate.context import Context, resource_line
from cfct_backup.validate.registry import Rule


class RemoteResourceFile(Rule):
    id = "PKG002"
    severity = "warning"
    shortdesc = "a remote resource_file that validate cannot check"
    source_url = "https://docs.aws.amazon.com/controltower/latest/userguide/cfcn-byo-customizations.html"
    tags = ("package", "manifest")

    def check(self, context: Context) -> list[Problem]:
        if context.manifest is None:
            return []
        return [
            self.problem(
                context.where,
                resource_line(res, "resource_file"),
                f"{res.name}: remote resource_file {res.resource_file} is not checked",
            )
            for res in context.manifest.resources
            if res.resource_file.startswith(REMOTE_PREFIXES)
        ]
