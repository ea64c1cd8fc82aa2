"""Restore testing against the retention it tests (docs/recovery.md).

A restore testing plan restores a recovery point chosen in its selection window
(https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingRecoveryPointSelection.html);
a plan that runs less often than the shortest retention of the tier it tests lets recovery points
be created and expire without ever being restored. Each `AWS::Backup::RestoreTestingPlan` of a
template names its tier with the tag `cfct-backup:tier`; the tier's retention is the shortest
`delete_after_days` of the rules of `policies/backup/<tier>.json`.

Codes: REC001 (error) the plan's longest interval between two runs is not shorter than that
retention; REC002 (warning) a plan without a tier tag, or a tier without a backup policy file or
retention; REC003 (error) a schedule expression that cannot be evaluated.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from cfct_backup_automation import contract

from cfct_backup.emulator.backup import schedule
from cfct_backup.problems import Problem

DAY = 86400.0
TIER_TAG = contract.TIER_TAG
HORIZON_DAYS = 400  # a year and more: every cron of AWS's syntax repeats within it


def longest_interval_days(expression: str, timezone: str | None = None) -> float:
    """The longest gap between two runs of an AWS cron expression, in days (ValueError if none)."""
    start = 1767225600.0  # 2026-01-01T00:00:00Z, any fixed origin will do
    times = schedule.occurrences(expression, timezone, start, start + HORIZON_DAYS * DAY)
    if len(times) < 2:
        raise ValueError(f"{expression} does not run twice in {HORIZON_DAYS} days")
    return max(b - a for a, b in itertools.pairwise(times)) / DAY


def tier_retention_days(root: Path, tier: str) -> float | None:
    """The shortest `delete_after_days` of the tier's backup policy rules (None: no file or value)."""
    path = root / "policies" / "backup" / f"{tier}.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    values: list[float] = []
    for plan in (document.get("plans") or {}).values():
        for rule in (plan.get("rules") or {}).values():
            days = ((rule.get("lifecycle") or {}).get("delete_after_days") or {}).get("@@assign")
            if days is not None:
                values.append(float(days))
    return min(values) if values else None


def _tag(properties: Mapping[str, Any], key: str) -> str | None:
    for tag in properties.get("Tags") or []:
        if isinstance(tag, Mapping) and tag.get("Key") == key and isinstance(tag.get("Value"), str):
            return str(tag["Value"])
    return None


def restore_testing_problems(
    root: Path, templates: Iterable[Path], decode: Callable[[Path], tuple[dict[str, Any] | None, str | None]]
) -> list[Problem]:
    problems: list[Problem] = []
    for path in templates:
        data, _error = decode(path)
        where = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        for logical, resource in ((data or {}).get("Resources") or {}).items():
            if not isinstance(resource, Mapping) or resource.get("Type") != "AWS::Backup::RestoreTestingPlan":
                continue
            props = resource.get("Properties") or {}
            expression = props.get("ScheduleExpression")
            tier = _tag(props, TIER_TAG)
            if not isinstance(expression, str):
                continue  # an intrinsic function: nothing to evaluate before deployment
            try:
                interval = longest_interval_days(expression, props.get("ScheduleExpressionTimezone"))
            except ValueError as exc:
                problems.append(Problem(where, None, "error", "REC003", f"{logical}: {exc}"))
                continue
            if tier is None:
                problems.append(
                    Problem(
                        where, None, "warning", "REC002", f"{logical}: no {TIER_TAG} tag; retention unchecked"
                    )
                )
                continue
            retention = tier_retention_days(root, tier)
            if retention is None:
                problems.append(
                    Problem(
                        where,
                        None,
                        "warning",
                        "REC002",
                        f"{logical}: tier {tier!r} has no retention in policies/backup/{tier}.json",
                    )
                )
                continue
            if interval >= retention:
                problems.append(
                    Problem(
                        where,
                        None,
                        "error",
                        "REC001",
                        f"{logical}: restore tests run every {interval:g} days, not shorter than the "
                        f"{retention:g}-day retention of tier {tier!r} they test",
                    )
                )
    return problems
