"""Template rules for what AWS itself refuses or silently breaks, which cfn-lint does not see.

AWS001-AWS008, one module each in `cfct_backup.validate.rules` (each names the AWS page it comes
from; docs/aws-constraints.md and docs/commands/validate.md have the same table).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cfct_backup.problems import Problem
from cfct_backup.validate.registry import template_problems


def aws_rules(data: Mapping[str, Any], source: str) -> list[Problem]:
    """The AWS0xx rules over one decoded template."""
    return template_problems(data, source, "AWS")
