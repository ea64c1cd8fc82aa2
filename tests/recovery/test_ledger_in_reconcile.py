"""The recovery ledger as reconcile and audit read it (recovery_ledger.reconcile_gaps): a tested type
is due once its oldest recovery point is older than its drill interval, and a due type without a
successful restore test in that interval is a `restore-test-missing` gap of the account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError
from cfct_backup_automation.recovery_ledger import RESTORE_TEST_MISSING, due_resource_types, reconcile_gaps

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PLAN = "arn:aws:backup:us-east-1:111111111111:restore-testing-plan:cfct_backup_daily"


class Backup:
    """ListRecoveryPointsByBackupVault (two pages) and ListRestoreJobs, shaped as botocore returns
    them (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ListRecoveryPointsByBackupVault.html,
    https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ListRestoreJobs.html)."""

    def __init__(self, points: list[tuple[str, float]], jobs: list[dict[str, Any]], *, refuse: bool = False):
        self.points = [{"ResourceType": k, "CreationDate": NOW - timedelta(days=d)} for k, d in points]
        self.jobs = jobs
        self.refuse = refuse
        self.vaults: list[str] = []

    def list_recovery_points_by_backup_vault(self, BackupVaultName: str, NextToken: str | None = None):
        self.vaults.append(BackupVaultName)
        half = len(self.points) // 2
        if NextToken is None:
            return {"RecoveryPoints": self.points[:half], "NextToken": "page-2"}
        return {"RecoveryPoints": self.points[half:]}

    def list_restore_jobs(self, NextToken: str | None = None):
        if self.refuse:
            raise ClientError(
                {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "ListRestoreJobs"
            )
        return {"RestoreJobs": self.jobs}


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
    backup = Backup([("DynamoDB", 9), ("DynamoDB", 1), ("S3", 3), ("EBS", 30)], [])
    # DynamoDB's oldest point is 9 days old (interval 7); S3 only 3; EBS is not restore-tested
    assert due_resource_types(backup, NOW) == ["DynamoDB"]
    assert backup.vaults == ["cfct-backup-vault", "cfct-backup-vault"]  # both pages read


def test_a_due_type_without_a_recent_successful_test_is_a_gap() -> None:
    rows, gaps = reconcile_gaps(Backup([("DynamoDB", 9)], [_test("DynamoDB", 8)]), "111111111111", NOW)
    assert [g.code for g in gaps] == [RESTORE_TEST_MISSING]
    assert "DynamoDB" in gaps[0].message and rows[0].gap == RESTORE_TEST_MISSING


def test_a_recent_successful_test_closes_the_gap_and_is_recorded() -> None:
    rows, gaps = reconcile_gaps(Backup([("DynamoDB", 9)], [_test("DynamoDB", 2)]), "111111111111", NOW)
    assert gaps == []
    assert rows[0].restore_job_id == "DynamoDB-2" and rows[0].restore_duration_seconds == 420.0
    assert rows[0].meets_target is True


def test_a_new_account_is_not_a_gap_before_its_first_interval() -> None:
    assert reconcile_gaps(Backup([("DynamoDB", 2), ("S3", 6)], []), "111111111111", NOW) == ([], [])


def test_restore_jobs_that_cannot_be_read_are_one_unverified_gap() -> None:
    rows, gaps = reconcile_gaps(Backup([("DynamoDB", 9)], [], refuse=True), "111111111111", NOW)
    assert rows == []
    assert [g.code for g in gaps] == ["restore-ledger-unverified"]
    assert "AccessDeniedException" in gaps[0].message
