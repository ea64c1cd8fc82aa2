"""The restore validation Lambda's logic (lambdas/cfct_backup_automation/restore_validation.py) on the
emulator: it checks what a restore test restored and reports PutRestoreValidationResult."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from cfct_backup_automation.restore_validation import handle_event, validate_restored
from moto import mock_aws

from cfct_backup.emulator import clock, install

HOME = "us-east-1"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        monkeypatch.setenv(key, value)
    install()
    clock.reset()
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        yield
    clock.reset()


def client_for(account: str, service: str, region: str) -> Any:
    return boto3.client(service, region_name=region)


def restore_test(items: int) -> tuple[str, dict[str, Any]]:
    """A completed restore test of a table with `items` items (plan, selection, one run)."""
    dynamodb = boto3.client("dynamodb", region_name=HOME)
    backup = boto3.client("backup", region_name=HOME)
    account = boto3.client("sts", region_name=HOME).get_caller_identity()["Account"]
    arn = dynamodb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]["TableArn"]
    for i in range(items):
        dynamodb.put_item(TableName="orders", Item={"id": {"S": str(i)}})
    role = boto3.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"][
        "Arn"
    ]
    backup.create_backup_vault(BackupVaultName="vault", EncryptionKeyArn="arn:aws:kms:x")
    backup.start_backup_job(
        BackupVaultName="vault", ResourceArn=arn, IamRoleArn=role, Lifecycle={"DeleteAfterDays": 35}
    )
    plan = backup.create_restore_testing_plan(
        RestoreTestingPlan={
            "RestoreTestingPlanName": "p",
            "ScheduleExpression": "cron(0 * ? * * *)",
            "RecoveryPointSelection": {
                "Algorithm": "LATEST_WITHIN_WINDOW",
                "RecoveryPointTypes": ["SNAPSHOT"],
                "IncludeVaults": ["*"],
            },
        }
    )["RestoreTestingPlanArn"]
    backup.create_restore_testing_selection(
        RestoreTestingPlanName="p",
        RestoreTestingSelection={
            "RestoreTestingSelectionName": "s",
            "ProtectedResourceType": "DynamoDB",
            "IamRoleArn": role,
            "ValidationWindowHours": 24,
        },
    )
    clock.advance(seconds=3600)
    clock.advance(seconds=1200)  # the restore (seven emulated minutes) completed
    job = min(backup.list_restore_jobs(ByStatus="COMPLETED")["RestoreJobs"], key=lambda j: j["CreationDate"])
    event = {
        "detail-type": "Restore Job State Change",
        "account": account,
        "region": HOME,
        "detail": {
            "restoreJobId": job["RestoreJobId"],
            "status": job["Status"],
            "resourceType": "DynamoDB",
            "createdResourceArn": job["CreatedResourceArn"],
            "restoreTestingPlanArn": plan,
        },
    }
    return job["RestoreJobId"], event


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize(("items", "status"), [(3, "SUCCESSFUL"), (0, "FAILED")])
def test_restored_table_is_counted_and_the_result_reported(items: int, status: str) -> None:
    job_id, event = restore_test(items)
    result = handle_event(event, client_for)
    assert result["action"] == "validated" and result["state"] == status
    job = boto3.client("backup", region_name=HOME).describe_restore_job(RestoreJobId=job_id)
    assert job["ValidationStatus"] == status
    assert f"{items} item(s)" in job["ValidationStatusMessage"]


@pytest.mark.usefixtures("aws")
def test_missing_restored_resource_fails_validation() -> None:
    verdict = validate_restored(
        lambda service: boto3.client(service, region_name=HOME),
        "DynamoDB",
        "arn:aws:dynamodb:us-east-1:1:table/gone",
    )
    assert verdict.status == "FAILED" and "ResourceNotFoundException" in verdict.message


@pytest.mark.parametrize(
    "event",
    [
        {"detail-type": "Backup Job State Change", "detail": {}},
        {"detail-type": "Restore Job State Change", "detail": {"status": "FAILED"}},
        {"detail-type": "Restore Job State Change", "detail": {"status": "COMPLETED"}},  # not a test
    ],
)
def test_other_events_are_ignored_with_a_reason(event: dict[str, Any]) -> None:
    result = handle_event(event, lambda *_: pytest.fail("no call expected"))
    assert result["action"] == "ignored" and result["reason"]
