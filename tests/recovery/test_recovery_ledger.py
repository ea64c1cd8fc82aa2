"""The recovery ledger (lambdas/cfct_backup_automation/recovery_ledger.py): last successful restore
test per account and resource type, its duration and data age against the targets, and the gaps."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.stub import Stubber
from cfct_backup_automation.recovery_ledger import (
    RESTORE_TARGET_MISSED,
    RESTORE_TEST_MISSING,
    Ledger,
    Targets,
    account_gaps,
    account_ledger,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PLAN = "arn:aws:backup:us-east-1:111111111111:restore-testing-plan:cfct_backup_daily"


def job(
    kind: str,
    *,
    days_ago: float,
    minutes: float = 7,
    age_hours: float = 1,
    validation: str = "SUCCESSFUL",
    plan: str | None = PLAN,
    status: str = "COMPLETED",
) -> dict[str, object]:
    done = NOW - timedelta(days=days_ago)
    started = done - timedelta(minutes=minutes)
    result: dict[str, object] = {
        "RestoreJobId": f"{kind}-{days_ago}",
        "ResourceType": kind,
        "Status": status,
        "CreationDate": started,
        "CompletionDate": done,
        "RecoveryPointCreationDate": started - timedelta(hours=age_hours),
        "ValidationStatus": validation,
    }
    if plan:
        result["CreatedBy"] = {"RestoreTestingPlanArn": plan}
    return result


def test_a_type_without_a_successful_test_in_its_drill_interval_is_a_gap() -> None:
    jobs = [
        job("DynamoDB", days_ago=1),
        job("S3", days_ago=9),  # too old for a 7-day drill interval
        job("EC2", days_ago=1, validation="FAILED"),  # restored, but validation failed
    ]
    rows = account_ledger("111111111111", jobs, ["DynamoDB", "S3", "EC2"], {}, NOW)
    by_type = {r.resource_type: r for r in rows}
    assert by_type["DynamoDB"].gap is None and by_type["DynamoDB"].meets_target
    assert by_type["S3"].gap == RESTORE_TEST_MISSING
    assert by_type["EC2"].gap == RESTORE_TEST_MISSING
    gaps = Ledger(rows).gaps
    assert sorted(g.code for g in gaps) == [RESTORE_TEST_MISSING, RESTORE_TEST_MISSING]
    assert all("drill interval" in g.message for g in gaps)


def test_a_manual_restore_is_not_a_restore_test() -> None:
    rows = account_ledger("1", [job("DynamoDB", days_ago=1, plan=None)], ["DynamoDB"], {}, NOW)
    assert rows[0].gap == RESTORE_TEST_MISSING


def test_duration_and_data_age_are_measured_and_compared_with_the_targets() -> None:
    jobs = [job("DynamoDB", days_ago=2, minutes=5, age_hours=30), job("DynamoDB", days_ago=3, minutes=1)]
    targets = {"DynamoDB": Targets(drill_interval_days=7, rto_seconds=600, rpo_seconds=26 * 3600)}
    (row,) = account_ledger("1", jobs, ["DynamoDB"], targets, NOW)
    assert row.restore_job_id == "DynamoDB-2"  # the latest successful test
    assert row.restore_duration_seconds == 300
    assert row.data_age_seconds == 30 * 3600
    assert not row.meets_target and row.gap == RESTORE_TARGET_MISSED


def test_json_and_csv_carry_the_same_rows() -> None:
    rows = account_ledger("1", [job("DynamoDB", days_ago=1)], ["DynamoDB", "S3"], {}, NOW)
    ledger = Ledger(rows)
    data = json.loads(ledger.to_json())["recovery_ledger"]
    table = list(csv.DictReader(io.StringIO(ledger.to_csv())))
    assert [d["resource_type"] for d in data] == [t["resource_type"] for t in table] == ["DynamoDB", "S3"]
    assert table[1]["gap"] == RESTORE_TEST_MISSING
    assert data[0]["restore_duration_seconds"] == 420


def stubbed_backup(pages: list[list[dict[str, object]]]) -> tuple[Any, Stubber]:
    """A real Backup client answering ListRestoreJobs with these pages (botocore Stubber)."""
    client = boto3.client(
        "backup", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    stub = Stubber(client)
    for index, jobs in enumerate(pages):
        page: dict[str, object] = {"RestoreJobs": jobs}
        if index + 1 < len(pages):
            page["NextToken"] = f"page-{index + 1}"
        stub.add_response("list_restore_jobs", page, {"NextToken": f"page-{index}"} if index else {})
    stub.activate()
    return client, stub


def test_account_gaps_reads_every_page() -> None:
    backup, stub = stubbed_backup([[job("S3", days_ago=20)], [job("DynamoDB", days_ago=1)]])
    rows, gaps = account_gaps(backup, "1", NOW, resource_types=["DynamoDB", "S3"])
    stub.assert_no_pending_responses()  # both pages read
    assert {r.resource_type: r.gap for r in rows} == {"DynamoDB": None, "S3": RESTORE_TEST_MISSING}
    assert [g.code for g in gaps] == [RESTORE_TEST_MISSING]
