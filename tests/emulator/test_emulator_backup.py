"""AWS Backup additions, each checked against the AWS rule it implements."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from cfct_backup.emulator import clock

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/cfct-backup-service-role"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "backup:DeleteRecoveryPoint", "Resource": "*"}
        ],
    }
)

pytestmark = pytest.mark.usefixtures("aws")


def client() -> Any:
    return boto3.client("backup", region_name=REGION)


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def vault(name: str = "cfct-backup-vault") -> Any:
    c = client()
    c.create_backup_vault(BackupVaultName=name)
    return c


def backup(c: Any, name: str = "cfct-backup-vault", days: int | None = 35) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"BackupVaultName": name, "ResourceArn": TABLE, "IamRoleArn": ROLE}
    if days is not None:
        kwargs["Lifecycle"] = {"DeleteAfterDays": days}
    return c.start_backup_job(**kwargs)  # type: ignore[no-any-return]


# -- access policy ------------------------------------------------------------------------------


def test_access_policy_put_get_delete() -> None:
    c = vault()
    c.put_backup_vault_access_policy(BackupVaultName="cfct-backup-vault", Policy=POLICY)
    got = c.get_backup_vault_access_policy(BackupVaultName="cfct-backup-vault")
    assert json.loads(got["Policy"]) == json.loads(POLICY)
    assert got["BackupVaultArn"].endswith(":backup-vault:cfct-backup-vault")
    c.delete_backup_vault_access_policy(BackupVaultName="cfct-backup-vault")
    with pytest.raises(ClientError) as excinfo:
        c.get_backup_vault_access_policy(BackupVaultName="cfct-backup-vault")
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_access_policy_must_be_a_policy_document_on_an_existing_vault() -> None:
    c = vault()
    with pytest.raises(ClientError) as excinfo:
        c.put_backup_vault_access_policy(BackupVaultName="cfct-backup-vault", Policy="not json")
    assert error_code(excinfo) == "InvalidParameterValueException"
    with pytest.raises(ClientError) as excinfo:
        c.put_backup_vault_access_policy(BackupVaultName="missing", Policy=POLICY)
    assert error_code(excinfo) == "ResourceNotFoundException"


# -- notifications ------------------------------------------------------------------------------


def test_notifications_put_get_delete() -> None:
    c = vault()
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:cfct-backup-alerts"
    c.put_backup_vault_notifications(
        BackupVaultName="cfct-backup-vault", SNSTopicArn=topic, BackupVaultEvents=["BACKUP_JOB_FAILED"]
    )
    got = c.get_backup_vault_notifications(BackupVaultName="cfct-backup-vault")
    assert (got["SNSTopicArn"], got["BackupVaultEvents"]) == (topic, ["BACKUP_JOB_FAILED"])
    c.delete_backup_vault_notifications(BackupVaultName="cfct-backup-vault")
    with pytest.raises(ClientError) as excinfo:
        c.get_backup_vault_notifications(BackupVaultName="cfct-backup-vault")
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_notifications_refuse_unknown_event_and_bad_topic() -> None:
    c = vault()
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:t"
    with pytest.raises(ClientError) as excinfo:
        c.put_backup_vault_notifications(
            BackupVaultName="cfct-backup-vault", SNSTopicArn=topic, BackupVaultEvents=["NOT_AN_EVENT"]
        )
    assert error_code(excinfo) == "InvalidParameterValueException"
    with pytest.raises(ClientError) as excinfo:
        c.put_backup_vault_notifications(
            BackupVaultName="cfct-backup-vault", SNSTopicArn="topic", BackupVaultEvents=["BACKUP_JOB_FAILED"]
        )
    assert error_code(excinfo) == "InvalidParameterValueException"


# -- Vault Lock ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        {"MinRetentionDays": 0},
        {"MaxRetentionDays": 36501},
        {"MinRetentionDays": 36501},
        {"MinRetentionDays": 30, "MaxRetentionDays": 7},
        {"MinRetentionDays": 7, "ChangeableForDays": 2},
        {"MinRetentionDays": 7, "ChangeableForDays": 36501},
    ],
)
def test_lock_configuration_outside_the_bounds_is_refused(config: dict[str, int]) -> None:
    c = vault()
    with pytest.raises(ClientError) as excinfo:
        c.put_backup_vault_lock_configuration(BackupVaultName="cfct-backup-vault", **config)
    assert error_code(excinfo) == "InvalidParameterValueException"
    assert c.describe_backup_vault(BackupVaultName="cfct-backup-vault")["Locked"] is False


def test_compliance_lock_is_reported_and_becomes_immutable_after_the_grace_time() -> None:
    c = vault()
    c.put_backup_vault_lock_configuration(
        BackupVaultName="cfct-backup-vault", MinRetentionDays=7, MaxRetentionDays=365, ChangeableForDays=3
    )
    described = c.describe_backup_vault(BackupVaultName="cfct-backup-vault")
    assert described["Locked"] is True
    assert (described["MinRetentionDays"], described["MaxRetentionDays"]) == (7, 365)
    grace = described["LockDate"] - described["CreationDate"]
    assert 3 * 86400 - 60 < grace.total_seconds() < 3 * 86400 + 60
    # within the grace time the lock can still change
    c.put_backup_vault_lock_configuration(
        BackupVaultName="cfct-backup-vault", MinRetentionDays=14, MaxRetentionDays=365, ChangeableForDays=3
    )
    clock.advance(days=4)
    with pytest.raises(ClientError) as excinfo:
        c.delete_backup_vault_lock_configuration(BackupVaultName="cfct-backup-vault")
    assert error_code(excinfo) == "InvalidRequestException"
    with pytest.raises(ClientError) as excinfo:
        c.put_backup_vault_lock_configuration(BackupVaultName="cfct-backup-vault", MinRetentionDays=1)
    assert error_code(excinfo) == "InvalidRequestException"
    assert c.describe_backup_vault(BackupVaultName="cfct-backup-vault")["MinRetentionDays"] == 14


def test_governance_lock_has_no_lock_date_and_can_be_removed() -> None:
    c = vault()
    c.put_backup_vault_lock_configuration(BackupVaultName="cfct-backup-vault", MinRetentionDays=7)
    described = c.describe_backup_vault(BackupVaultName="cfct-backup-vault")
    assert described["Locked"] is True and "LockDate" not in described
    clock.advance(days=400)
    c.delete_backup_vault_lock_configuration(BackupVaultName="cfct-backup-vault")
    assert c.describe_backup_vault(BackupVaultName="cfct-backup-vault")["Locked"] is False


def test_compliance_lock_can_be_removed_before_the_lock_date() -> None:
    c = vault()
    c.put_backup_vault_lock_configuration(
        BackupVaultName="cfct-backup-vault", MinRetentionDays=7, ChangeableForDays=3
    )
    clock.advance(days=2)
    c.delete_backup_vault_lock_configuration(BackupVaultName="cfct-backup-vault")
    assert c.describe_backup_vault(BackupVaultName="cfct-backup-vault")["Locked"] is False


# -- recovery points and deletion rules ----------------------------------------------------------


def test_backup_job_creates_a_recovery_point_counted_by_the_vault() -> None:
    c = vault()
    job = backup(c)
    points = c.list_recovery_points_by_backup_vault(BackupVaultName="cfct-backup-vault")["RecoveryPoints"]
    assert [p["RecoveryPointArn"] for p in points] == [job["RecoveryPointArn"]]
    assert points[0]["ResourceType"] == "DynamoDB"
    assert c.describe_backup_vault(BackupVaultName="cfct-backup-vault")["NumberOfRecoveryPoints"] == 1
    assert c.describe_backup_job(BackupJobId=job["BackupJobId"])["State"] == "COMPLETED"


def test_vault_with_recovery_points_cannot_be_deleted() -> None:
    c = vault()
    job = backup(c)
    with pytest.raises(ClientError) as excinfo:
        c.delete_backup_vault(BackupVaultName="cfct-backup-vault")
    assert error_code(excinfo) == "InvalidRequestException"
    c.delete_recovery_point(BackupVaultName="cfct-backup-vault", RecoveryPointArn=job["RecoveryPointArn"])
    c.delete_backup_vault(BackupVaultName="cfct-backup-vault")
    assert c.list_backup_vaults()["BackupVaultList"] == []


def test_deleting_a_missing_vault_is_resource_not_found() -> None:
    with pytest.raises(ClientError) as excinfo:
        client().delete_backup_vault(BackupVaultName="missing")
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_locked_vault_with_recovery_points_cannot_be_deleted_nor_its_points() -> None:
    c = vault("cfct-backup-bunker")
    c.put_backup_vault_lock_configuration(
        BackupVaultName="cfct-backup-bunker", MinRetentionDays=7, ChangeableForDays=3
    )
    job = backup(c, "cfct-backup-bunker", days=10)
    clock.advance(days=5)  # compliance mode now, recovery point inside min retention
    with pytest.raises(ClientError) as excinfo:
        c.delete_recovery_point(
            BackupVaultName="cfct-backup-bunker", RecoveryPointArn=job["RecoveryPointArn"]
        )
    assert error_code(excinfo) == "InvalidRequestException"
    with pytest.raises(ClientError) as excinfo:
        c.delete_backup_vault(BackupVaultName="cfct-backup-bunker")
    assert error_code(excinfo) == "InvalidRequestException"
    clock.advance(days=6)  # past the recovery point's retention (10 days)
    c.delete_recovery_point(BackupVaultName="cfct-backup-bunker", RecoveryPointArn=job["RecoveryPointArn"])
    assert c.describe_backup_vault(BackupVaultName="cfct-backup-bunker")["NumberOfRecoveryPoints"] == 0


@pytest.mark.parametrize(("days", "state"), [(3, "FAILED"), (None, "FAILED"), (30, "COMPLETED")])
def test_backup_job_retention_must_fit_the_vault_lock(days: int | None, state: str) -> None:
    c = vault()
    c.put_backup_vault_lock_configuration(
        BackupVaultName="cfct-backup-vault", MinRetentionDays=7, MaxRetentionDays=100
    )
    job = backup(c, days=days)
    assert c.describe_backup_job(BackupJobId=job["BackupJobId"])["State"] == state
    points = c.list_recovery_points_by_backup_vault(BackupVaultName="cfct-backup-vault")["RecoveryPoints"]
    assert len(points) == (1 if state == "COMPLETED" else 0)


# -- plans and selections ------------------------------------------------------------------------


def plan(c: Any) -> str:
    rules = [{"RuleName": "daily", "TargetBackupVaultName": "cfct-backup-vault"}]
    return c.create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": rules})["BackupPlanId"]  # type: ignore[no-any-return]


def test_selection_create_get_list_delete() -> None:
    c = vault()
    plan_id = plan(c)
    selection = {
        "SelectionName": "tier-daily",
        "IamRoleArn": ROLE,
        "ListOfTags": [
            {"ConditionType": "STRINGEQUALS", "ConditionKey": "cfct-backup:tier", "ConditionValue": "daily"}
        ],
    }
    sel_id = c.create_backup_selection(BackupPlanId=plan_id, BackupSelection=selection)["SelectionId"]
    assert c.get_backup_selection(BackupPlanId=plan_id, SelectionId=sel_id)["BackupSelection"] == selection
    listed = c.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
    assert [(s["SelectionId"], s["SelectionName"], s["IamRoleArn"]) for s in listed] == [
        (sel_id, "tier-daily", ROLE)
    ]
    with pytest.raises(ClientError) as excinfo:
        c.create_backup_selection(BackupPlanId=plan_id, BackupSelection=selection)
    assert error_code(excinfo) == "AlreadyExistsException"
    # A plan with selections cannot be deleted (API_DeleteBackupPlan)
    with pytest.raises(ClientError) as excinfo:
        c.delete_backup_plan(BackupPlanId=plan_id)
    assert error_code(excinfo) == "InvalidRequestException"
    c.delete_backup_selection(BackupPlanId=plan_id, SelectionId=sel_id)
    with pytest.raises(ClientError) as excinfo:
        c.get_backup_selection(BackupPlanId=plan_id, SelectionId=sel_id)
    assert error_code(excinfo) == "ResourceNotFoundException"
    c.delete_backup_plan(BackupPlanId=plan_id)


def test_selection_needs_an_existing_plan_and_a_valid_name() -> None:
    c = vault()
    with pytest.raises(ClientError) as excinfo:
        c.create_backup_selection(
            BackupPlanId="nope", BackupSelection={"SelectionName": "s", "IamRoleArn": ROLE}
        )
    assert error_code(excinfo) == "InvalidParameterValueException"
    with pytest.raises(ClientError) as excinfo:
        c.create_backup_selection(
            BackupPlanId=plan(c), BackupSelection={"SelectionName": "bad name!", "IamRoleArn": ROLE}
        )
    assert error_code(excinfo) == "InvalidParameterValueException"


def test_update_backup_plan_makes_a_new_version() -> None:
    c = vault()
    plan_id = plan(c)
    before = c.get_backup_plan(BackupPlanId=plan_id)["VersionId"]
    rules = [{"RuleName": "weekly", "TargetBackupVaultName": "cfct-backup-vault"}]
    after = c.update_backup_plan(BackupPlanId=plan_id, BackupPlan={"BackupPlanName": "daily", "Rules": rules})
    got = c.get_backup_plan(BackupPlanId=plan_id)
    assert after["VersionId"] != before and got["VersionId"] == after["VersionId"]
    assert [r["RuleName"] for r in got["BackupPlan"]["Rules"]] == ["weekly"]


# -- settings ------------------------------------------------------------------------------------


def test_region_settings_update_and_refuse_unknown_types() -> None:
    c = client()
    c.update_region_settings(
        ResourceTypeOptInPreference={"S3": True}, ResourceTypeManagementPreference={"DynamoDB": True}
    )
    got = c.describe_region_settings()
    assert got["ResourceTypeOptInPreference"]["S3"] is True
    assert got["ResourceTypeOptInPreference"]["EBS"] is True
    assert got["ResourceTypeManagementPreference"] == {"DynamoDB": True, "EFS": True}
    # Region settings are per Region
    other = boto3.client("backup", region_name="us-west-2").describe_region_settings()
    assert other["ResourceTypeOptInPreference"]["S3"] is False
    with pytest.raises(ClientError) as excinfo:
        c.update_region_settings(ResourceTypeOptInPreference={"Floppy": True})
    assert error_code(excinfo) == "InvalidParameterValueException"
    with pytest.raises(ClientError) as excinfo:
        c.update_region_settings(ResourceTypeManagementPreference={"EBS": True})
    assert error_code(excinfo) == "InvalidParameterValueException"


def test_global_settings_only_from_the_management_account() -> None:
    c = client()
    assert c.describe_global_settings()["GlobalSettings"]["isCrossAccountBackupEnabled"] == "false"
    with pytest.raises(ClientError) as excinfo:  # no organization: not a management account
        c.update_global_settings(GlobalSettings={"isCrossAccountBackupEnabled": "true"})
    assert error_code(excinfo) == "InvalidRequestException"
    boto3.client("organizations", region_name=REGION).create_organization(FeatureSet="ALL")
    c.update_global_settings(GlobalSettings={"isCrossAccountBackupEnabled": "true"})
    # global: visible from every Region of the account
    got = boto3.client("backup", region_name="eu-west-1").describe_global_settings()
    assert got["GlobalSettings"]["isCrossAccountBackupEnabled"] == "true"
    assert "LastUpdateTime" in got


# -- Backup Audit Manager ------------------------------------------------------------------------

CONTROLS = [
    {
        "ControlName": "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
        "ControlInputParameters": [{"ParameterName": "requiredRetentionDays", "ParameterValue": "35"}],
    },
    {"ControlName": "BACKUP_RECOVERY_POINT_ENCRYPTED"},
]


def test_framework_lifecycle() -> None:
    c = client()
    arn = c.create_framework(FrameworkName="cfct_backup_controls", FrameworkControls=CONTROLS)["FrameworkArn"]
    described = c.describe_framework(FrameworkName="cfct_backup_controls")
    assert described["FrameworkArn"] == arn and described["FrameworkControls"] == CONTROLS
    assert described["DeploymentStatus"] == "COMPLETED"
    c.update_framework(FrameworkName="cfct_backup_controls", FrameworkControls=CONTROLS[:1])
    listed = c.list_frameworks()["Frameworks"]
    assert [(f["FrameworkName"], f["NumberOfControls"]) for f in listed] == [("cfct_backup_controls", 1)]
    c.delete_framework(FrameworkName="cfct_backup_controls")
    with pytest.raises(ClientError) as excinfo:
        c.describe_framework(FrameworkName="cfct_backup_controls")
    assert error_code(excinfo) == "ResourceNotFoundException"


@pytest.mark.parametrize(
    ("name", "controls", "code"),
    [
        ("cfct-backup", CONTROLS, "InvalidParameterValueException"),  # hyphen not allowed
        ("cfct_backup", [{"ControlName": "NOT_A_CONTROL"}], "InvalidParameterValueException"),
    ],
)
def test_framework_validation(name: str, controls: list[dict[str, Any]], code: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client().create_framework(FrameworkName=name, FrameworkControls=controls)
    assert error_code(excinfo) == code


def test_framework_duplicate_name_refused() -> None:
    c = client()
    c.create_framework(FrameworkName="f", FrameworkControls=CONTROLS)
    with pytest.raises(ClientError) as excinfo:
        c.create_framework(FrameworkName="f", FrameworkControls=CONTROLS)
    assert error_code(excinfo) == "AlreadyExistsException"


def test_report_plan_lifecycle_and_validation() -> None:
    c = client()
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket="cfct-backup-reports"
    )  # the plan's own bucket
    channel = {"S3BucketName": "cfct-backup-reports", "Formats": ["CSV", "JSON"]}
    setting = {"ReportTemplate": "BACKUP_JOB_REPORT"}
    arn = c.create_report_plan(ReportPlanName="jobs", ReportDeliveryChannel=channel, ReportSetting=setting)[
        "ReportPlanArn"
    ]
    assert c.describe_report_plan(ReportPlanName="jobs")["ReportPlan"]["ReportPlanArn"] == arn
    with pytest.raises(ClientError) as excinfo:
        c.create_report_plan(ReportPlanName="jobs", ReportDeliveryChannel=channel, ReportSetting=setting)
    assert error_code(excinfo) == "AlreadyExistsException"
    with pytest.raises(ClientError) as excinfo:
        c.create_report_plan(
            ReportPlanName="x", ReportDeliveryChannel=channel, ReportSetting={"ReportTemplate": "NOPE"}
        )
    assert error_code(excinfo) == "InvalidParameterValueException"
    c.update_report_plan(ReportPlanName="jobs", ReportSetting={"ReportTemplate": "COPY_JOB_REPORT"})
    assert c.list_report_plans()["ReportPlans"][0]["ReportSetting"]["ReportTemplate"] == "COPY_JOB_REPORT"
    c.delete_report_plan(ReportPlanName="jobs")
    with pytest.raises(ClientError) as excinfo:
        c.delete_report_plan(ReportPlanName="jobs")
    assert error_code(excinfo) == "ResourceNotFoundException"
