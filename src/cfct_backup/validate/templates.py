"""CloudFormation templates: cfn-lint (one process, its Python API) and the project's own rules.

cfn-lint misses what AWS Backup and KMS reject or what this project requires:

* TPL101 Vault Lock bounds: `ChangeableForDays` >= 3, 1 <= `MinRetentionDays` <= `MaxRetentionDays`
  <= 36500 (AWS Backup PutBackupVaultLockConfiguration);
* TPL102 a backup vault without a customer managed key (`EncryptionKeyArn`);
* TPL103 a symmetric KMS key without `EnableKeyRotation: true`;
* TPL104 a backup plan rule whose `StartWindowMinutes` is below 60.

Values given as `!Ref Parameter` are checked against the parameter's Default when it has one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from cfct_backup.backup_policy.parse import as_int
from cfct_backup.cfct.cfn import static_value as _resolve
from cfct_backup.problems import Problem
from cfct_backup.quotas import quota

MIN_CHANGEABLE_DAYS = quota("vault_lock.min_changeable_days")  # cfct_backup.quotas
MAX_RETENTION_DAYS = quota("vault_lock.max_retention_days")
MIN_START_WINDOW = quota("backup_rule.min_start_window_minutes")


def is_template(data: Mapping[str, Any]) -> bool:
    return isinstance(data.get("Resources"), Mapping)


def _line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def _key_line(mapping: Mapping[str, Any], key: str) -> int | None:
    """The line of `key` itself (cfn-lint's decoded keys carry their position)."""
    for candidate in mapping:
        if candidate == key:
            return _line(candidate)
    return None


def custom_rules(data: Mapping[str, Any], source: str) -> list[Problem]:
    problems: list[Problem] = []
    resources = data.get("Resources")
    parameters = data.get("Parameters") if isinstance(data.get("Parameters"), Mapping) else {}
    assert isinstance(parameters, Mapping)
    if not isinstance(resources, Mapping):
        return problems

    def add(line: int | None, code: str, message: str) -> None:
        problems.append(Problem(source, line, "error", code, message))

    for name, resource in resources.items():
        if not isinstance(resource, Mapping):
            continue
        rtype = resource.get("Type")
        props = resource.get("Properties") if isinstance(resource.get("Properties"), Mapping) else {}
        assert isinstance(props, Mapping)
        here = _key_line(resources, name)
        if rtype == "AWS::Backup::BackupVault":
            if "EncryptionKeyArn" not in props:
                add(
                    here,
                    "TPL102",
                    f"{name}: backup vault without EncryptionKeyArn (encrypt it with a customer managed key)",
                )
            lock = props.get("LockConfiguration")
            if isinstance(lock, Mapping):
                problems.extend(
                    _vault_lock(name, lock, parameters, source, _key_line(props, "LockConfiguration"))
                )
        elif rtype == "AWS::KMS::Key":
            spec = _resolve(props.get("KeySpec", "SYMMETRIC_DEFAULT"), parameters)
            rotation = _resolve(props.get("EnableKeyRotation"), parameters)
            if spec in (None, "SYMMETRIC_DEFAULT") and rotation not in (True, "true", "True"):
                add(here, "TPL103", f"{name}: KMS key without EnableKeyRotation: true")
        elif rtype == "AWS::Backup::BackupPlan":
            plan = props.get("BackupPlan")
            rules = plan.get("BackupPlanRule") if isinstance(plan, Mapping) else None
            for i, rule in enumerate(rules if isinstance(rules, list) else []):
                if not isinstance(rule, Mapping):
                    continue
                start = as_int(_resolve(rule.get("StartWindowMinutes"), parameters))
                if start is not None and start < MIN_START_WINDOW:
                    add(
                        _line(rule),
                        "TPL104",
                        f"{name}: BackupPlanRule[{i}] StartWindowMinutes {start} is below {MIN_START_WINDOW}",
                    )
    return problems


def _vault_lock(
    name: str, lock: Mapping[str, Any], parameters: Mapping[str, Any], source: str, line: int | None
) -> list[Problem]:
    out: list[Problem] = []
    changeable = as_int(_resolve(lock.get("ChangeableForDays"), parameters))
    low = as_int(_resolve(lock.get("MinRetentionDays"), parameters))
    high = as_int(_resolve(lock.get("MaxRetentionDays"), parameters))

    def add(message: str) -> None:
        out.append(Problem(source, line, "error", "TPL101", f"{name}: Vault Lock {message}"))

    if "MinRetentionDays" not in lock:
        add("needs MinRetentionDays")
    if changeable is not None and changeable < MIN_CHANGEABLE_DAYS:
        add(f"ChangeableForDays {changeable} is below {MIN_CHANGEABLE_DAYS} (AWS rejects it)")
    if low is not None and not 1 <= low <= MAX_RETENTION_DAYS:
        add(f"MinRetentionDays {low} is outside 1-{MAX_RETENTION_DAYS}")
    if high is not None and not 1 <= high <= MAX_RETENTION_DAYS:
        add(f"MaxRetentionDays {high} is outside 1-{MAX_RETENTION_DAYS}")
    if low is not None and high is not None and low > high:
        add(f"MinRetentionDays {low} is greater than MaxRetentionDays {high}")
    return out


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
