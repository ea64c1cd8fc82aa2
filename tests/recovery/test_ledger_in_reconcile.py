"""The recovery ledger as reconcile and audit read it (recovery_ledger.reconcile_gaps): a tested type
is due once its oldest recovery point is older than its drill interval, and a due type without a
successful restore test in that interval is a `restore-test-missing` gap of the account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.stub import Stubber
from cfct_backup_automation.recovery_ledger import RESTORE_TEST_MISSING, due_resource_types, reconcile_gaps

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PLAN = "arn:aws:backup:us-east-1:111111111111:restore-testing-plan:cfct_backup_daily"


def backup(
    points: list[tuple[str, float]], jobs: list[dict[str, Any]] | None, *, refuse: bool = False
) -> tuple[Any, Stubber]:
    """A real Backup client (botocore Stubber): ListRecoveryPointsByBackupVault in two pages, then
    ListRestoreJobs (``None``: not expected), shaped as the API returns them
    (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ListRecoveryPointsByBackupVault.html,
    https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ListRestoreJobs.html)."""
    client = boto3.client(
        "backup", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    stub = Stubber(client)
    found = [{"ResourceType": k, "CreationDate": NOW - timedelta(days=d)} for k, d in points]
    half = len(found) // 2
    vault = {"BackupVaultName": "cfct-backup-vault"}
    stub.add_response(
        "list_recovery_points_by_backup_vault", {"RecoveryPoints": found[:half], "NextToken": "page-2"}, vault
    )
    stub.add_response(
        "list_recovery_points_by_backup_vault",
        {"RecoveryPoints": found[half:]},
        {**vault, "NextToken": "page-2"},
    )
    if refuse:
        stub.add_client_error("list_restore_jobs", "AccessDeniedException", "no")
    elif jobs is not None:
        stub.add_response("list_restore_jobs", {"RestoreJobs": jobs}, {})
    stub.activate()
    return client, stub


def _test(kind: str, days_ago: float) -> dict[str, Any]:
    done = NOW - timedelta(days=days_ago)
    return {
        "RestoreJobId": f"{kind}-{days_ago}",
        "ResourceType": kind,
        "Status": "COMPLETED",
        "ValidationStatus": "SUCCESSFUL",
        "CreatedBy": {"RestoreTestingPlanArn": PLAN},
        "CreationDate": done - timedelta(minutes=7),
        "CompletionDate": done,
        "RecoveryPointCreationDate": done - timedelta(hours=2),
    }


def test_a_type_is_due_only_once_backed_up_for_longer_than_its_drill_interval() -> None:
    client, stub = backup([("DynamoDB", 9), ("DynamoDB", 1), ("S3", 3), ("EBS", 30)], None)
    # DynamoDB's oldest point is 9 days old (interval 7); S3 only 3; EBS is not restore-tested
    assert due_resource_types(client, NOW) == ["DynamoDB"]
    stub.assert_no_pending_responses()  # both pages of the member vault read


def test_a_due_type_without_a_recent_successful_test_is_a_gap() -> None:
    rows, gaps = reconcile_gaps(backup([("DynamoDB", 9)], [_test("DynamoDB", 8)])[0], "111111111111", NOW)
    assert [g.code for g in gaps] == [RESTORE_TEST_MISSING]
    assert "DynamoDB" in gaps[0].message and rows[0].gap == RESTORE_TEST_MISSING


def test_a_recent_successful_test_closes_the_gap_and_is_recorded() -> None:
    rows, gaps = reconcile_gaps(backup([("DynamoDB", 9)], [_test("DynamoDB", 2)])[0], "111111111111", NOW)
    assert gaps == []
    assert rows[0].restore_job_id == "DynamoDB-2" and rows[0].restore_duration_seconds == 420.0
    assert rows[0].meets_target is True


def test_a_new_account_is_not_a_gap_before_its_first_interval() -> None:
    assert reconcile_gaps(backup([("DynamoDB", 2), ("S3", 6)], [])[0], "111111111111", NOW) == ([], [])


def test_restore_jobs_that_cannot_be_read_are_one_unverified_gap() -> None:
    rows, gaps = reconcile_gaps(backup([("DynamoDB", 9)], [], refuse=True)[0], "111111111111", NOW)
    assert rows == []
    assert [g.code for g in gaps] == ["restore-ledger-unverified"]
    assert "AccessDeniedException" in gaps[0].message
