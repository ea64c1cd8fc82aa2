"""PKG004: nothing but CloudFormation templates under templates/ (CfCT lints every file there)."""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import TEMPLATE_SUFFIXES, Context
from cfct_backup.validate.registry import Rule
from cfct_backup.validate.templates import is_template


class OnlyTemplates(Rule):
    id = "PKG004"
    severity = "error"
    shortdesc = "a file under templates/ that is not a CloudFormation template"
    source_url = "https://docs.aws.amazon.com/controltower/latest/userguide/cfcn-byo-customizations.html"
    tags = ("package", "template")

    def check(self, context: Context) -> list[Problem]:
        problems = []
        for path in context.template_files():
            rel = context.rel(path)
            if path.suffix not in TEMPLATE_SUFFIXES:
                message = "only CloudFormation templates belong in templates/"
                problems.append(Problem(rel, None, "error", self.id, message))
                continue
            data, error = context.decode(path)
            if data is None or not is_template(data):
                message = (
                    f"not a CloudFormation template ({error or 'no Resources'}); CfCT lints every file here"
                )
                problems.append(Problem(rel, None, "error", self.id, message))
        return problems
