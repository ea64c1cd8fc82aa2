"""CloudFormation templates: cfn-lint (one process, its Python API); read with `cfct_backup.cfct.cfn`.

The project's own template rules (TPL101-TPL104, AWS001-AWS008) are modules of
`cfct_backup.validate.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from cfct_backup.problems import Problem


def is_template(data: Mapping[str, Any]) -> bool:
    return isinstance(data.get("Resources"), Mapping)


def template_parameters(data: Mapping[str, Any]) -> dict[str, bool]:
    """Parameter name -> has a Default."""
    params = data.get("Parameters")
    if not isinstance(params, Mapping):
        return {}
    return {str(k): isinstance(v, Mapping) and "Default" in v for k, v in params.items()}


def read_cfnlintrc(root: Path) -> dict[str, Any]:
    """The project's `.cfnlintrc(.yaml)`: ignore_checks, include_checks, configure_rules."""
    for name in (".cfnlintrc.yaml", ".cfnlintrc.yml", ".cfnlintrc"):
        path = root / name
        if path.is_file():
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (yaml.YAMLError, OSError, UnicodeDecodeError):
                return {}
            return data if isinstance(data, dict) else {}
    return {}


def cfn_lint(paths: Sequence[Path], root: Path, regions: Iterable[str]) -> list[Problem]:
    """cfn-lint over every template at once, informational checks included, project ignores kept."""
    if not paths:
        return []
    from cfnlint.api import lint_by_config  # type: ignore[import-untyped]  # noqa: PLC0415 - heavy
    from cfnlint.config import ManualArgs  # type: ignore[import-untyped]  # noqa: PLC0415 - heavy

    rc = read_cfnlintrc(root)
    include = sorted({"I", *[str(c) for c in rc.get("include_checks", []) or []]})
    config = ManualArgs(
        templates=[str(p) for p in paths],
        include_checks=include,
        ignore_checks=[str(c) for c in rc.get("ignore_checks", []) or []],
        regions=sorted(set(regions)) or ["us-east-1"],
    )
    if isinstance(rc.get("configure_rules"), dict):
        config["configure_rules"] = rc["configure_rules"]
    problems: list[Problem] = []
    for match in lint_by_config(config):
        try:
            where = str(Path(match.filename).resolve().relative_to(root.resolve()))
        except (ValueError, TypeError):
            where = str(match.filename)
        rule_id = str(match.rule.id)
        problems.append(
            Problem(
                where, int(match.linenumber) or None, "error", f"TPL-{rule_id}", f"cfn-lint: {match.message}"
            )
        )
    return problems
