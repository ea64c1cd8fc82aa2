"""TPL012: every export_outputs `$[output_<key>]` names an output of the resource's template."""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context, resource_line
from cfct_backup.validate.registry import Rule


class ExportedOutputs(Rule):
    id = "TPL012"
    severity = "error"
    shortdesc = "export_outputs reads an output the template does not have"
    source_url = "https://docs.aws.amazon.com/controltower/latest/userguide/cfcn-byo-customizations.html"
    tags = ("template", "manifest")

    def check(self, context: Context) -> list[Problem]:
        problems = []
        for stack in context.stack_templates:
            if context.supplied_parameters(stack)[0] is None:
                continue  # its parameters cannot be read: PKG003 / PKG007 say why
            res = stack.resource
            raw = stack.data.get("Outputs")
            outputs = raw if isinstance(raw, dict) else {}
            for name, value in res.export_outputs:
                if not (value.startswith("$[output_") and value.endswith("]")):
                    continue
                key = value[len("$[output_") : -1]
                if key not in outputs:
                    problems.append(
                        self.problem(
                            context.where,
                            resource_line(res, "export_outputs"),
                            f"{res.name}: export {name} reads output {key},"
                            f" which {res.resource_file} does not have",
                        )
                    )
        return problems
