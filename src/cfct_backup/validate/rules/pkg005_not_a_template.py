"""PKG005: a stack-set resource_file that is not a CloudFormation template."""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import POLICY_METHODS, Context
from cfct_backup.validate.registry import Rule
from cfct_backup.validate.templates import is_template


class NotATemplate(Rule):
    id = "PKG005"
    severity = "error"
    shortdesc = "a resource_file deployed as a stack set is not a CloudFormation template"
    source_url = "https://docs.aws.amazon.com/controltower/latest/userguide/cfcn-byo-customizations.html"
    tags = ("package", "manifest", "template")

    def check(self, context: Context) -> list[Problem]:
        problems = []
        for res, path in context.local_resources():
            if not path.is_file() or res.deploy_method in POLICY_METHODS:
                continue
            data, error = context.decode(path)
            if data is None or not is_template(data):
                message = (
                    f"{res.name}: resource_file is not a CloudFormation template ({error or 'no Resources'})"
                )
                problems.append(Problem(context.rel(path), None, "error", self.id, message))
        return problems
