"""CFCT002, CFCT003: parameters/*.json as CfCT's build and stack-set stages read them.

The build stage runs `python -m json.tool` on every parameters/*.json (CFCT002); the stack-set stage
evaluates `"," in value` and `value.startswith("$[")` on every ParameterValue, so a value that is not
a string crashes it (CFCT003; a warning for a file the manifest does not name).
"""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.build_stage import parameter_files, read_manifest_text
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule


class ParameterJson(Rule):
    id = "CFCT002"
    codes = ("CFCT003",)
    severity = "error/warning"
    shortdesc = (
        "a parameters/*.json that is not JSON (002) or has a ParameterValue that is not a string (003)"
    )
    source_url = "https://github.com/aws-solutions/aws-control-tower-customizations/blob/main/source/codebuild_scripts/run-validation.sh"
    tags = ("parameters", "cfct")

    def check(self, context: Context) -> list[Problem]:
        return parameter_files(context.root, read_manifest_text(context.root))
