"""TPL103: a symmetric KMS key rotates (`EnableKeyRotation: true`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cfct_backup.problems import Problem
from cfct_backup.validate.registry import TemplateRule
from cfct_backup.validate.rules._template import parameters, resolve_default, resources


class KeyRotation(TemplateRule):
    id = "TPL103"
    severity = "error"
    shortdesc = "symmetric KMS key without EnableKeyRotation: true"
    source_url = "https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html"
    tags = ("template", "kms")

    def check_template(self, data: Mapping[str, Any], source: str) -> list[Problem]:
        problems = []
        params = parameters(data)
        for r in resources(data, "AWS::KMS::Key"):
            spec = resolve_default(r.props.get("KeySpec", "SYMMETRIC_DEFAULT"), params)
            rotation = resolve_default(r.props.get("EnableKeyRotation"), params)
            if spec in (None, "SYMMETRIC_DEFAULT") and rotation not in (True, "true", "True"):
                message = f"{r.name}: KMS key without EnableKeyRotation: true"
                problems.append(Problem(source, r.line, "error", self.id, message))
        return problems
