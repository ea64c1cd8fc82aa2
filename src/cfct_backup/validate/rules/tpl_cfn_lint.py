"""TPL-<id>: cfn-lint over every template validate lints, informational checks included (unless --no-lint)."""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule
from cfct_backup.validate.templates import cfn_lint


class CfnLint(Rule):
    id = "TPL-*"
    severity = "error"
    shortdesc = "cfn-lint's rules (TPL-<cfn-lint id>), the project's .cfnlintrc honoured; off with --no-lint"
    source_url = "https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md"
    tags = ("template", "cfn-lint")

    def check(self, context: Context) -> list[Problem]:
        if not context.lint:
            return []
        manifest = context.manifest
        regions = {manifest.region} if manifest is not None else set()
        for res in manifest.resources if manifest is not None else []:
            regions.update(r for r in res.regions if not r.startswith("$["))
        return cfn_lint(context.lint_targets, context.root, regions)
