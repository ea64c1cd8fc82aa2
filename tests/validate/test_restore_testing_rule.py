"""validate REC001-REC003 (src/cfct_backup/validate/recovery.py): a restore test must run more often
than the shortest retention of the tier it tests, or recovery points expire untested."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cfct_backup.validate import validate_package
from cfct_backup.validate.recovery import longest_interval_days, tier_retention_days

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = "templates/restore-testing.yaml"


def package(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    for name in ("templates", "parameters", "policies", "docs"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "manifest.yaml", root / "manifest.yaml")
    return root


def rec(problems: list) -> list:  # type: ignore[type-arg]
    return [p for p in problems if p.code.startswith("REC")]


def test_intervals_and_retentions_are_read_as_aws_schedules_them() -> None:
    assert longest_interval_days("cron(0 7 ? * MON *)") == 7
    assert longest_interval_days("cron(0 7 1 * ? *)") == 31  # the longest month
    assert tier_retention_days(ROOT, "daily") == 35
    assert tier_retention_days(ROOT, "monthly") == 35  # its daily rule keeps 35 days, not 2555


def test_the_package_passes(tmp_path: Path) -> None:
    assert rec(validate_package(package(tmp_path), lint=False)) == []


def test_a_drill_interval_longer_than_the_retention_it_tests_is_an_error(tmp_path: Path) -> None:
    root = package(tmp_path)
    path = root / TEMPLATE
    text = path.read_text()
    assert "ScheduleExpression: cron(0 7 ? * MON *)" in text
    # the daily tier's plan monthly (31 days at most) while the daily rule keeps 35 days: still fine
    path.write_text(text.replace("cron(0 7 ? * MON *)", "cron(0 7 1 * ? *)"))
    assert rec(validate_package(root, lint=False)) == []
    # every second month: up to 62 days between two tests of 35-day recovery points
    path.write_text(text.replace("cron(0 7 ? * MON *)", "cron(0 7 1 */2 ? *)"))
    [problem] = rec(validate_package(root, lint=False))
    assert problem.code == "REC001" and problem.severity == "error" and problem.path == TEMPLATE
    assert (
        "DailyRestoreTestingPlan" in problem.message and "35-day retention of tier 'daily'" in problem.message
    )


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("Value: daily\n", "Value: hourly\n", "REC002"),  # a tier without a backup policy
        ("cron(0 7 ? * MON *)", "cron(0 7 ? * MON#2 *)", "REC003"),  # not evaluable here
    ],
)
def test_unknown_tier_and_unreadable_schedule_are_named(
    tmp_path: Path, old: str, new: str, code: str
) -> None:
    root = package(tmp_path)
    path = root / TEMPLATE
    path.write_text(path.read_text().replace(old, new, 1))
    assert [p.code for p in rec(validate_package(root, lint=False))] == [code]
