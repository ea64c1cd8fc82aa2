"""PKG003, PKG007: a stack's parameter_file exists and is a list of {ParameterKey, ParameterValue}."""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context, resource_line
from cfct_backup.validate.registry import Rule


class ParameterFile(Rule):
    id = "PKG003"
    codes = ("PKG007",)
    severity = "error"
    shortdesc = "a parameter_file that does not exist (003) or is not CloudFormation parameter JSON (007)"
    source_url = "https://docs.aws.amazon.com/controltower/latest/userguide/cfcn-byo-customizations.html"
    tags = ("package", "manifest", "parameters")

    def check(self, context: Context) -> list[Problem]:
        problems = []
        for stack in context.stack_templates:
            res = stack.resource
            if res.parameter_file is not None and not (context.root / res.parameter_file).is_file():
                problems.append(
                    self.problem(
                        context.where,
                        resource_line(res, "parameter_file"),
                        f"{res.name}: parameter_file {res.parameter_file} does not exist",
                    )
                )
                continue
            problems.extend(context.supplied_parameters(stack)[1])
        return problems
