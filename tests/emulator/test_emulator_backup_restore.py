"""Restore jobs, restore testing, logically air-gapped vaults and RAM shares (emulator/backup/restore.py).

AWS pages: API_StartRestoreJob.html (RecoveryPointArn, Metadata, IamRoleArn required),
iam-service-roles.html (AWS Backup assumes the role passed: it must trust backup.amazonaws.com),
API_PutRestoreValidationResult.html, restore-testing.html, restore-testing-inferred-metadata.html
(DynamoDB targetTableName awsbackup-restore-test-...), logicallyairgappedvault.html,
API_CreateLogicallyAirGappedBackupVault.html (MinRetentionDays at least 7).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from cfct_backup.emulator import clock

from .helpers import HOME, session

pytestmark = pytest.mark.usefixtures("aws")

TRUST_BACKUP = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
TRUST_EC2 = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


class Setup:
    def __init__(self) -> None:
        org = boto3.client("organizations", region_name=HOME)
        org.create_organization(FeatureSet="ALL")
        self.member = org.create_account(AccountName="member", Email="m@example.com")["CreateAccountStatus"][
            "AccountId"
        ]
        self.recovery = org.create_account(AccountName="recovery", Email="r@example.com")[
            "CreateAccountStatus"
        ]["AccountId"]
        self.s = session(self.member)
        self.backup = self.s.client("backup", region_name=HOME)
        self.dynamodb = self.s.client("dynamodb", region_name=HOME)
        self.iam = self.s.client("iam")

    def role(self, name: str, trust: dict[str, Any]) -> str:
        return self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]  # type: ignore[no-any-return]

    def table_point(self, items: int = 3) -> tuple[str, str]:
        table = self.dynamodb.create_table(
            TableName="orders",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )["TableDescription"]["TableArn"]
        for i in range(items):
            self.dynamodb.put_item(TableName="orders", Item={"id": {"S": str(i)}})
        self.backup.create_backup_vault(BackupVaultName="cfct-backup-vault", EncryptionKeyArn="arn:aws:kms:x")
        point = self.backup.start_backup_job(
            BackupVaultName="cfct-backup-vault",
            ResourceArn=table,
            IamRoleArn=self.role("cfct-backup-service-role", TRUST_BACKUP),
            Lifecycle={"DeleteAfterDays": 35},
        )["RecoveryPointArn"]
        return table, point


def advance_to(hour: int, minute: int) -> None:
    """Move the emulated clock to the next hour:minute UTC."""
    now = clock.now()
    seconds = (hour * 3600 + minute * 60 - now % 86400) % 86400 or 86400
    clock.advance(seconds=seconds)


@pytest.fixture
def setup() -> Setup:
    return Setup()


def test_restore_gives_back_the_data_of_the_backup_time_and_completes_on_the_clock(setup: Setup) -> None:
    _table, point = setup.table_point(items=3)
    setup.dynamodb.put_item(TableName="orders", Item={"id": {"S": "after-the-backup"}})
    role = setup.role("cfct-backup-restore", TRUST_BACKUP)
    job_id = setup.backup.start_restore_job(
        RecoveryPointArn=point, Metadata={"targetTableName": "orders-restored"}, IamRoleArn=role
    )["RestoreJobId"]
    job = setup.backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "RUNNING"
    clock.advance(seconds=3600)
    job = setup.backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "COMPLETED"
    assert job["CreatedResourceArn"].endswith(":table/orders-restored")
    assert (job["CompletionDate"] - job["CreationDate"]).total_seconds() > 0
    assert setup.dynamodb.scan(TableName="orders-restored", Select="COUNT")["Count"] == 3
    listed = setup.backup.list_restore_jobs(ByStatus="COMPLETED")["RestoreJobs"]
    assert [j["RestoreJobId"] for j in listed] == [job_id]


def test_restore_without_a_role_is_refused(setup: Setup) -> None:
    _table, point = setup.table_point()
    with pytest.raises(ClientError) as exc:
        setup.backup.start_restore_job(
            RecoveryPointArn=point, Metadata={"targetTableName": "t2"}, IamRoleArn=""
        )
    assert exc.value.response["Error"]["Code"] in ("MissingParameterValueException", "ParamValidationError")


def test_restore_with_a_role_that_does_not_trust_backup_fails(setup: Setup) -> None:
    _table, point = setup.table_point()
    role = setup.role("not-for-backup", TRUST_EC2)
    job_id = setup.backup.start_restore_job(
        RecoveryPointArn=point, Metadata={"targetTableName": "t2"}, IamRoleArn=role
    )["RestoreJobId"]
    job = setup.backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "FAILED"
    assert "cannot be assumed by backup.amazonaws.com" in job["StatusMessage"]
    assert "t2" not in setup.dynamodb.list_tables()["TableNames"]


def test_restore_with_a_role_that_does_not_exist_fails(setup: Setup) -> None:
    _table, point = setup.table_point()
    job_id = setup.backup.start_restore_job(
        RecoveryPointArn=point,
        Metadata={"targetTableName": "t2"},
        IamRoleArn=f"arn:aws:iam::{setup.member}:role/nobody",
    )["RestoreJobId"]
    assert setup.backup.describe_restore_job(RestoreJobId=job_id)["Status"] == "FAILED"


def test_restore_onto_an_existing_table_fails(setup: Setup) -> None:
    _table, point = setup.table_point()
    role = setup.role("cfct-backup-restore", TRUST_BACKUP)
    job_id = setup.backup.start_restore_job(
        RecoveryPointArn=point, Metadata={"targetTableName": "orders"}, IamRoleArn=role
    )["RestoreJobId"]
    job = setup.backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "FAILED"
    assert "already exists" in job["StatusMessage"]


def test_recovery_point_of_another_account_is_not_restorable(setup: Setup) -> None:
    _table, point = setup.table_point()
    other = session(setup.recovery)
    role = other.client("iam").create_role(
        RoleName="cfct-backup-restore", AssumeRolePolicyDocument=json.dumps(TRUST_BACKUP)
    )["Role"]["Arn"]
    with pytest.raises(ClientError) as exc:
        other.client("backup", region_name=HOME).start_restore_job(
            RecoveryPointArn=point, Metadata={"targetTableName": "t"}, IamRoleArn=role
        )
    assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_validation_result_only_for_a_completed_restore_test(setup: Setup) -> None:
    _table, point = setup.table_point()
    role = setup.role("cfct-backup-restore", TRUST_BACKUP)
    job_id = setup.backup.start_restore_job(
        RecoveryPointArn=point, Metadata={"targetTableName": "t2"}, IamRoleArn=role
    )["RestoreJobId"]
    clock.advance(seconds=3600)
    with pytest.raises(ClientError) as exc:
        setup.backup.put_restore_validation_result(RestoreJobId=job_id, ValidationStatus="SUCCESSFUL")
    assert "not started by a restore testing plan" in exc.value.response["Error"]["Message"]


def test_restore_testing_plan_runs_validates_and_cleans_up(setup: Setup) -> None:
    setup.table_point(items=2)
    role = setup.role("cfct-backup-restore-testing", TRUST_BACKUP)
    vault_arn = setup.backup.describe_backup_vault(BackupVaultName="cfct-backup-vault")["BackupVaultArn"]
    plan_arn = setup.backup.create_restore_testing_plan(
        RestoreTestingPlan={
            "RestoreTestingPlanName": "cfct_backup_daily",
            "ScheduleExpression": "cron(0 6 ? * * *)",
            "RecoveryPointSelection": {
                "Algorithm": "LATEST_WITHIN_WINDOW",
                "RecoveryPointTypes": ["SNAPSHOT"],
                "IncludeVaults": [vault_arn],
                "SelectionWindowDays": 7,
            },
        }
    )["RestoreTestingPlanArn"]
    setup.backup.create_restore_testing_selection(
        RestoreTestingPlanName="cfct_backup_daily",
        RestoreTestingSelection={
            "RestoreTestingSelectionName": "dynamodb",
            "ProtectedResourceType": "DynamoDB",
            "IamRoleArn": role,
            "ProtectedResourceArns": ["*"],
            "ValidationWindowHours": 2,
        },
    )
    # the plan runs at the next 06:00 (whatever the wall clock says now); the restore takes 7 minutes
    advance_to(6, 0)
    clock.advance(seconds=30 * 60)
    jobs = setup.backup.list_restore_jobs(ByRestoreTestingPlanArn=plan_arn)["RestoreJobs"]
    assert len(jobs) == 1
    job = jobs[0]
    assert job["Status"] == "COMPLETED"
    table = job["CreatedResourceArn"].split("/")[-1]
    assert table.startswith("awsbackup-restore-test-")
    assert setup.dynamodb.scan(TableName=table, Select="COUNT")["Count"] == 2
    setup.backup.put_restore_validation_result(
        RestoreJobId=job["RestoreJobId"], ValidationStatus="SUCCESSFUL", ValidationStatusMessage="2 items"
    )
    job = setup.backup.describe_restore_job(RestoreJobId=job["RestoreJobId"])
    assert "DeletionStatus" not in job  # inside the two-hour validation window
    clock.advance(seconds=2 * 3600)
    job = setup.backup.describe_restore_job(RestoreJobId=job["RestoreJobId"])
    assert job["ValidationStatus"] == "SUCCESSFUL"
    assert job["DeletionStatus"] == "SUCCESSFUL"
    assert table not in setup.dynamodb.list_tables()["TableNames"]


def test_restore_testing_refuses_out_of_range_windows(setup: Setup) -> None:
    base = {
        "RestoreTestingPlanName": "p",
        "ScheduleExpression": "cron(0 6 ? * * *)",
        "RecoveryPointSelection": {
            "Algorithm": "LATEST_WITHIN_WINDOW",
            "RecoveryPointTypes": ["SNAPSHOT"],
            "IncludeVaults": ["*"],
            "SelectionWindowDays": 366,
        },
    }
    with pytest.raises(ClientError):
        setup.backup.create_restore_testing_plan(RestoreTestingPlan=base)
    base["RecoveryPointSelection"]["SelectionWindowDays"] = 30  # type: ignore[index]
    setup.backup.create_restore_testing_plan(RestoreTestingPlan=base)
    with pytest.raises(ClientError):
        setup.backup.create_restore_testing_selection(
            RestoreTestingPlanName="p",
            RestoreTestingSelection={
                "RestoreTestingSelectionName": "s",
                "ProtectedResourceType": "DynamoDB",
                "IamRoleArn": "arn:aws:iam::1:role/x",
                "ValidationWindowHours": 169,
            },
        )


def test_air_gapped_vault_is_locked_and_refuses_short_retention(setup: Setup) -> None:
    with pytest.raises(ClientError):
        setup.backup.create_logically_air_gapped_backup_vault(
            BackupVaultName="lag", MinRetentionDays=6, MaxRetentionDays=30
        )
    setup.backup.create_logically_air_gapped_backup_vault(
        BackupVaultName="lag", MinRetentionDays=7, MaxRetentionDays=30
    )
    vault = setup.backup.describe_backup_vault(BackupVaultName="lag")
    assert vault["Locked"] is True
    assert vault["MinRetentionDays"] == 7


def test_air_gapped_vault_shared_by_ram_is_restorable_from_the_recovery_account(setup: Setup) -> None:
    table, _point = setup.table_point(items=4)
    arn = setup.backup.create_logically_air_gapped_backup_vault(
        BackupVaultName="lag", MinRetentionDays=7, MaxRetentionDays=30
    )["BackupVaultArn"]
    point = setup.backup.start_backup_job(
        BackupVaultName="lag",
        ResourceArn=table,
        IamRoleArn=f"arn:aws:iam::{setup.member}:role/cfct-backup-service-role",
        Lifecycle={"DeleteAfterDays": 10},
    )["RecoveryPointArn"]
    other = session(setup.recovery)
    role = other.client("iam").create_role(
        RoleName="cfct-backup-restore", AssumeRolePolicyDocument=json.dumps(TRUST_BACKUP)
    )["Role"]["Arn"]
    recovery_backup = other.client("backup", region_name=HOME)
    with pytest.raises(ClientError):  # not shared yet
        recovery_backup.start_restore_job(
            RecoveryPointArn=point, Metadata={"targetTableName": "t"}, IamRoleArn=role
        )
    setup.s.client("ram", region_name=HOME).create_resource_share(
        name="lag", resourceArns=[arn], principals=[setup.recovery]
    )
    job_id = recovery_backup.start_restore_job(
        RecoveryPointArn=point, Metadata={"targetTableName": "t"}, IamRoleArn=role
    )["RestoreJobId"]
    clock.advance(seconds=3600)
    assert recovery_backup.describe_restore_job(RestoreJobId=job_id)["Status"] == "COMPLETED"
    count = other.client("dynamodb", region_name=HOME).scan(TableName="t", Select="COUNT")["Count"]
    assert count == 4


def test_copy_back_into_a_vault_whose_policy_does_not_admit_it_fails(setup: Setup) -> None:
    """The bunker copying a recovery point back into a member vault: AWS refuses the copy unless the
    member vault's access policy allows backup:CopyIntoBackupVault to the copying account
    (create-cross-account-backup.html); here the recovery account plays the copying side."""
    boto3.client("backup", region_name=HOME).update_global_settings(
        GlobalSettings={"isCrossAccountBackupEnabled": "true"}
    )
    table, _point = setup.table_point(items=1)
    other = session(setup.recovery)
    other_backup = other.client("backup", region_name=HOME)
    other_backup.create_backup_vault(BackupVaultName="cfct-backup-recovery", EncryptionKeyArn="arn:aws:kms:x")
    role = f"arn:aws:iam::{setup.recovery}:role/cfct-backup-restore"
    point = other_backup.start_backup_job(
        BackupVaultName="cfct-backup-recovery",
        ResourceArn=table,
        IamRoleArn=role,
        Lifecycle={"DeleteAfterDays": 35},
    )["RecoveryPointArn"]
    member_vault = setup.backup.describe_backup_vault(BackupVaultName="cfct-backup-vault")["BackupVaultArn"]

    def copy_back() -> dict[str, Any]:
        job = other_backup.start_copy_job(
            RecoveryPointArn=point,
            SourceBackupVaultName="cfct-backup-recovery",
            DestinationBackupVaultArn=member_vault,
            IamRoleArn=role,
            Lifecycle={"DeleteAfterDays": 35},
        )["CopyJobId"]
        return other_backup.describe_copy_job(CopyJobId=job)["CopyJob"]  # type: ignore[no-any-return]

    refused = copy_back()  # the member vault has no access policy
    assert (
        refused["State"] == "FAILED"
        and "does not allow backup:CopyIntoBackupVault" in refused["StatusMessage"]
    )
    admits_another_role = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{setup.recovery}:root"},
                "Action": "backup:CopyIntoBackupVault",
                "Resource": "*",
                "Condition": {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{setup.recovery}:role/other"}},
            }
        ],
    }
    setup.backup.put_backup_vault_access_policy(
        BackupVaultName="cfct-backup-vault", Policy=json.dumps(admits_another_role)
    )
    assert copy_back()["State"] == "FAILED"
    admits_another_role["Statement"][0]["Condition"]["ArnEquals"]["aws:PrincipalArn"] = role  # type: ignore[index]
    setup.backup.put_backup_vault_access_policy(
        BackupVaultName="cfct-backup-vault", Policy=json.dumps(admits_another_role)
    )
    assert copy_back()["State"] == "COMPLETED"


def test_role_trust_limited_to_another_source_account_cannot_be_used(setup: Setup) -> None:
    _table, point = setup.table_point()
    trust = json.loads(json.dumps(TRUST_BACKUP))
    trust["Statement"][0]["Condition"] = {"StringEquals": {"aws:SourceAccount": setup.recovery}}
    role = setup.role("other-accounts-only", trust)
    job_id = setup.backup.start_restore_job(
        RecoveryPointArn=point, Metadata={"targetTableName": "t2"}, IamRoleArn=role
    )["RestoreJobId"]
    assert setup.backup.describe_restore_job(RestoreJobId=job_id)["Status"] == "FAILED"
    trust["Statement"][0]["Condition"] = {"StringEquals": {"aws:SourceAccount": setup.member}}
    own = setup.role("this-account", trust)
    job_id = setup.backup.start_restore_job(
        RecoveryPointArn=point, Metadata={"targetTableName": "t3"}, IamRoleArn=own
    )["RestoreJobId"]
    clock.advance(seconds=3600)
    assert setup.backup.describe_restore_job(RestoreJobId=job_id)["Status"] == "COMPLETED"
