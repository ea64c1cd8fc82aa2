"""TPL010, TPL011: template parameters against the parameters the manifest supplies.

A parameter without Default must be supplied (TPL010); a supplied parameter must be one the template
declares (TPL011): CloudFormation rejects both.
"""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context, resource_line
from cfct_backup.validate.registry import Rule
from cfct_backup.validate.templates import template_parameters


class TemplateParameters(Rule):
    id = "TPL010"
    codes = ("TPL011",)
    severity = "error"
    shortdesc = "template parameter without Default not supplied (010), or supplied but not declared (011)"
    source_url = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html"
    )
    tags = ("template", "manifest", "parameters")

    def check(self, context: Context) -> list[Problem]:
        problems = []
        for stack in context.stack_templates:
            supplied, _problems = context.supplied_parameters(stack)
            if supplied is None:
                continue
            res = stack.resource
            declared = template_parameters(stack.data)
            line = resource_line(res, "parameters" if res.parameters is not None else "parameter_file")
            for name in sorted(set(declared) - set(supplied)):
                if not declared[name]:
                    message = f"{res.name}: template parameter {name} has no Default and is not supplied"
                    problems.append(Problem(context.where, line, "error", "TPL010", message))
            for name in sorted(set(supplied) - set(declared)):
                message = f"{res.name}: parameter {name} is not a parameter of {res.resource_file}"
                problems.append(Problem(context.where, line, "error", "TPL011", message))
        return problems
