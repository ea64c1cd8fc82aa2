"""CFCT001: every `_file:` line of manifest.yaml, cut the way CfCT's build stage cuts it, names a file.

`run-validation.sh` (CfCT v2.8.4) takes the third space-separated word of each such line
(cfct_backup.validate.build_stage.file_lines) and stops the pipeline when no such file exists.
"""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.build_stage import check_file_lines, read_manifest_text
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule


class FileLines(Rule):
    id = "CFCT001"
    severity = "error"
    shortdesc = "a '_file:' line of manifest.yaml that CfCT's build stage cuts to a missing file"
    source_url = "https://github.com/aws-solutions/aws-control-tower-customizations/blob/main/source/codebuild_scripts/run-validation.sh"
    tags = ("manifest", "cfct")

    def check(self, context: Context) -> list[Problem]:
        return check_file_lines(context.root, read_manifest_text(context.root), "manifest.yaml")
