"""AWS Backup: what moto 5.2.x lacks, with the validation AWS documents.

moto 5.2.5 implements backup plans (create/get/list/delete), vaults (create/describe/list/delete),
the Vault Lock bounds, report plans (create/describe/list/delete) and tags. This module extends
moto's ``BackupBackend`` and ``BackupResponse`` with:

- vault access policy, vault notifications (Put/Get/Delete);
- Vault Lock: every documented bound, governance mode (no ``ChangeableForDays``) and compliance
  mode (immutable once the grace time has passed), reported by ``DescribeBackupVault``;
- recovery points: ``StartBackupJob`` (completes at once, or fails as AWS does when the job's
  retention breaks the vault's lock), ``DescribeBackupJob``, ``ListBackupJobs``,
  ``ListRecoveryPointsByBackupVault``, ``DescribeRecoveryPoint``, ``DeleteRecoveryPoint`` (refused
  in a locked vault until the recovery point's retention has passed);
- ``DeleteBackupVault`` refused while the vault holds recovery points;
- ``UpdateBackupPlan``, ``DeleteBackupPlan`` refused while the plan has selections;
- backup selections (Create/Get/List/Delete);
- policy-managed plans: the plans of the account's effective Organizations backup policy in this
  Region, listed and read like the account's own (ID ``orgs/<UUID>``), refused to UpdateBackupPlan,
  DeleteBackupPlan and selection changes (see ``ManagedPlan``);
- scheduled jobs: on ``clock.advance`` every plan's rules run on their cron for the resources their
  selections assign, with the rule's windows, lifecycle and copy actions (``run_schedule``);
- global settings and Region settings;
- Backup Audit Manager frameworks (Create/Describe/List/Update/Delete) and report plans
  (Create/Describe/List/Update/Delete with name, template and duplicate checks).

API reference: https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Operations_AWS_Backup.html
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import operator
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any, cast
from urllib.parse import unquote

from botocore.session import get_session
from moto.backup import models as _models
from moto.backup.exceptions import (
    AlreadyExistsException,
    InvalidParameterValueException,
    InvalidRequestException,
    ResourceNotFoundException,
)
from moto.backup.responses import BackupResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, EmptyResult
from moto.organizations.models import organizations_backends
from moto.utilities.utils import get_partition

from cfct_backup.backup_policy import backup_plans

from . import backup_keys, backup_reports, clock, schedule
from ._moto import swap_backend_class, url_module

DAY = 86400.0

# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html (pattern)
VAULT_NAME = re.compile(r"^[a-zA-Z0-9\-\_]{2,50}$")
# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html (pattern)
SELECTION_NAME = re.compile(r"^[a-zA-Z0-9\-\_\.]{1,50}$")
# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateFramework.html and
# API_CreateReportPlan.html: "must start with a letter, and consist of letters, numbers and underscores"
AUDIT_NAME = re.compile(r"^[a-zA-Z][_a-zA-Z0-9]{0,255}$")

# https://docs.aws.amazon.com/aws-backup/latest/devguide/controls-and-remediation.html
FRAMEWORK_CONTROLS = frozenset(
    {
        "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
        "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
        "BACKUP_RECOVERY_POINT_ENCRYPTED",
        "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
        "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED",
        "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK",
        "BACKUP_LAST_RECOVERY_POINT_CREATED",
        "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION",
        "BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT",
        "RESOURCES_IN_LOGICALLY_AIR_GAPPED_VAULT",
        "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET",
    }
)
# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ReportSetting.html
REPORT_TEMPLATES = frozenset(
    {
        "RESOURCE_COMPLIANCE_REPORT",
        "CONTROL_COMPLIANCE_REPORT",
        "BACKUP_JOB_REPORT",
        "COPY_JOB_REPORT",
        "RESTORE_JOB_REPORT",
        "SCAN_JOB_REPORT",
    }
)
REPORT_FORMATS = frozenset({"CSV", "JSON"})

# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateRegionSettings.html and
# https://docs.aws.amazon.com/aws-backup/latest/devguide/service-opt-in.html (defaults for a new account)
DEFAULT_OPT_IN: dict[str, bool] = {
    "Aurora": True,
    "CloudFormation": False,
    "DocumentDB": True,
    "DSQL": False,
    "DynamoDB": True,
    "EBS": True,
    "EC2": True,
    "EFS": True,
    "EKS": False,
    "FSx": True,
    "Neptune": True,
    "RDS": True,
    "Redshift": False,
    "Redshift Serverless": False,
    "S3": False,
    "SAP HANA on Amazon EC2": False,
    "Storage Gateway": True,
    "Timestream": False,
    "VirtualMachine": True,
}
# "Full AWS Backup management" exists only for these types.
DEFAULT_MANAGEMENT: dict[str, bool] = {"DynamoDB": False, "EFS": True}

# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeGlobalSettings.html
DEFAULT_GLOBAL_SETTINGS: dict[str, str] = {
    "isCrossAccountBackupEnabled": "false",
    "isDelegatedAdministratorEnabled": "false",
    "isMpaEnabled": "false",
}

# ARN service -> AWS Backup resource type (https://docs.aws.amazon.com/aws-backup/latest/devguide/
# whatisbackup.html#supported-resources).
_RESOURCE_TYPES = {
    "dynamodb": "DynamoDB",
    "elasticfilesystem": "EFS",
    "rds": "RDS",
    "s3": "S3",
    "fsx": "FSx",
    "storagegateway": "Storage Gateway",
    "redshift": "Redshift",
    "timestream": "Timestream",
    "cloudformation": "CloudFormation",
}


class ConflictException(JsonRESTError):
    code = 409

    def __init__(self, msg: str):
        super().__init__("ConflictException", msg)


class MissingParameterValueException(JsonRESTError):
    code = 400

    def __init__(self, msg: str):
        super().__init__("MissingParameterValueException", msg)


def resource_type_of(resource_arn: str) -> str:
    """The AWS Backup resource type of a resource ARN (``EBS``, ``DynamoDB``...)."""
    parts = resource_arn.split(":", 5)
    if len(parts) < 6 or not parts[0] == "arn":
        raise InvalidParameterValueException(f"Invalid resource ARN: {resource_arn}")
    service, resource = parts[2], parts[5]
    if service == "ec2":
        return "EBS" if resource.startswith("volume/") else "EC2"
    if service == "rds" and resource.startswith("cluster:"):
        return "Aurora"
    return _RESOURCE_TYPES.get(service, service)


def _require(value: Any, name: str) -> Any:
    if value is None or value in ("", []):
        raise MissingParameterValueException(f"{name} is required")
    return value


class RecoveryPoint:
    """A completed backup in a vault (only what the deletion and retention rules need)."""

    def __init__(
        self,
        vault: BackupVault,
        resource_arn: str,
        iam_role_arn: str,
        lifecycle: Mapping[str, Any] | None,
        *,
        backup_plan_id: str | None = None,
        source_vault_arn: str | None = None,
        at: float | None = None,
        created_by: Mapping[str, Any] | None = None,
    ):
        region, account = vault.region_name, vault.account_id
        self.source_vault_arn = source_vault_arn
        self.recovery_point_arn = (
            f"arn:{get_partition(region)}:backup:{region}:{account}:recovery-point:{uuid.uuid4()}"
        )
        self.vault = vault
        self.resource_arn = resource_arn
        self.resource_type = resource_type_of(resource_arn)
        self.iam_role_arn = iam_role_arn
        self.lifecycle = dict(lifecycle or {})
        self.backup_plan_id = backup_plan_id
        self.created_by = dict(created_by or {})
        self.creation_date = clock.now() if at is None else at

    @property
    def delete_at(self) -> float | None:
        days = self.lifecycle.get("DeleteAfterDays")
        return None if days is None else self.creation_date + float(days) * DAY

    def to_dict(self) -> dict[str, Any]:
        calculated: dict[str, Any] = {}
        if self.delete_at is not None:
            calculated["DeleteAt"] = self.delete_at
        if self.lifecycle.get("MoveToColdStorageAfterDays") is not None:
            calculated["MoveToColdStorageAt"] = (
                self.creation_date + float(self.lifecycle["MoveToColdStorageAfterDays"]) * DAY
            )
        result: dict[str, Any] = {
            "RecoveryPointArn": self.recovery_point_arn,
            "BackupVaultName": self.vault.backup_vault_name,
            "BackupVaultArn": self.vault.backup_vault_arn,
            "ResourceArn": self.resource_arn,
            "ResourceType": self.resource_type,
            "IamRoleArn": self.iam_role_arn,
            "Status": "COMPLETED",
            "CreationDate": self.creation_date,
            "CompletionDate": self.creation_date,
            "BackupSizeInBytes": 0,
            "Lifecycle": self.lifecycle,
            "CalculatedLifecycle": calculated,
            "EncryptionKeyArn": self.vault.encryption_key_arn,
            "IsEncrypted": True,
            "VaultType": "BACKUP_VAULT",
        }
        if self.created_by:
            result["CreatedBy"] = self.created_by
        elif self.backup_plan_id:
            result["CreatedBy"] = {"BackupPlanId": self.backup_plan_id}
        if self.source_vault_arn:
            result["SourceBackupVaultArn"] = self.source_vault_arn
        return result


class BackupVault(_models.Vault):
    """moto's vault plus access policy, notifications, recovery points and the two lock modes."""

    def __init__(
        self,
        backup_vault_name: str,
        encryption_key_arn: str,
        creator_request_id: str,
        backend: EmulatedBackupBackend,
    ):
        super().__init__(backup_vault_name, encryption_key_arn, creator_request_id, backend)
        self._init_extension(backend)

    def _init_extension(self, backend: Any) -> None:
        self.region_name: str = backend.region_name
        self.account_id: str = backend.account_id
        self.aws_managed_key = not self.encryption_key_arn
        if not self.encryption_key_arn:
            # Without EncryptionKeyArn AWS encrypts with the account's AWS managed key aws/backup.
            partition = get_partition(self.region_name)
            key_id = uuid.uuid5(uuid.NAMESPACE_URL, f"aws/backup/{self.account_id}/{self.region_name}")
            self.encryption_key_arn = f"arn:{partition}:kms:{self.region_name}:{self.account_id}:key/{key_id}"
        self.access_policy: str | None = None
        self.sns_topic_arn: str | None = None
        self.backup_vault_events: list[str] = []
        self.recovery_points: dict[str, RecoveryPoint] = {}

    @property
    def number_of_recovery_points(self) -> int:
        return len(self.recovery_points)

    @property
    def lock_is_immutable(self) -> bool:
        """Compliance mode after the grace time: the lock can no longer change or go."""
        return self.lock_date is not None and clock.now() >= self.lock_date

    def to_list_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "BackupVaultName": self.backup_vault_name,
            "BackupVaultArn": self.backup_vault_arn,
            "VaultType": "BACKUP_VAULT",
            "VaultState": "AVAILABLE",
            "CreationDate": self.creation_date,
            "EncryptionKeyArn": self.encryption_key_arn,
            "CreatorRequestId": self.creator_request_id,
            "NumberOfRecoveryPoints": self.number_of_recovery_points,
            "Locked": self.locked,
        }
        for key, value in (
            ("MinRetentionDays", self.min_retention_days),
            ("MaxRetentionDays", self.max_retention_days),
            ("LockDate", self.lock_date),
        ):
            if value is not None:
                result[key] = value
        return {k: v for k, v in result.items() if v is not None}


class BackupJob:
    def __init__(
        self,
        vault: BackupVault,
        resource_arn: str,
        iam_role_arn: str,
        recovery_point: RecoveryPoint | None,
        failure: str | None,
        *,
        at: float | None = None,
        schedule: Mapping[str, Any] | None = None,
    ):
        self.backup_job_id = str(uuid.uuid4()).upper()
        self.vault = vault
        self.resource_arn = resource_arn
        self.iam_role_arn = iam_role_arn
        self.recovery_point = recovery_point
        self.status_message = failure
        self.creation_date = clock.now() if at is None else at
        # A scheduled job: CreatedBy, StartBy, ExpectedCompletionDate, CompletionDate (API_BackupJob).
        self.schedule = dict(schedule or {})

    @property
    def state(self) -> str:
        return "FAILED" if self.status_message else "COMPLETED"

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "AccountId": self.vault.account_id,
            "BackupJobId": self.backup_job_id,
            "BackupVaultName": self.vault.backup_vault_name,
            "BackupVaultArn": self.vault.backup_vault_arn,
            "ResourceArn": self.resource_arn,
            "ResourceType": resource_type_of(self.resource_arn),
            "IamRoleArn": self.iam_role_arn,
            "CreationDate": self.creation_date,
            "CompletionDate": self.creation_date,
            "State": self.state,
            "PercentDone": "100.0",
            "BackupSizeInBytes": 0,
        }
        result.update(self.schedule)
        if self.recovery_point is not None:
            result["RecoveryPointArn"] = self.recovery_point.recovery_point_arn
        if self.status_message:
            result["StatusMessage"] = self.status_message
        return result


class CopyJob:
    def __init__(
        self,
        account_id: str,
        source: RecoveryPoint,
        destination_vault_arn: str,
        *,
        iam_role_arn: str,
        lifecycle: Mapping[str, Any] | None,
        copied: RecoveryPoint | None,
        failure: str | None,
        at: float | None = None,
        created_by: Mapping[str, Any] | None = None,
    ):
        self.copy_job_id = str(uuid.uuid4()).upper()
        self.account_id = account_id
        self.source = source
        self.destination_vault_arn = destination_vault_arn
        self.iam_role_arn = iam_role_arn
        self.lifecycle = dict(lifecycle or {})
        self.copied = copied
        self.status_message = failure
        self.creation_date = clock.now() if at is None else at
        self.created_by = dict(created_by or {})

    @property
    def state(self) -> str:
        return "FAILED" if self.status_message else "COMPLETED"

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "AccountId": self.account_id,
            "CopyJobId": self.copy_job_id,
            "SourceBackupVaultArn": self.source.vault.backup_vault_arn,
            "SourceRecoveryPointArn": self.source.recovery_point_arn,
            "DestinationBackupVaultArn": self.destination_vault_arn,
            "ResourceArn": self.source.resource_arn,
            "ResourceType": self.source.resource_type,
            "IamRoleArn": self.iam_role_arn,
            "CreationDate": self.creation_date,
            "CompletionDate": self.creation_date,
            "State": self.state,
            "BackupSizeInBytes": 0,
        }
        if self.lifecycle:
            result["DestinationRecoveryPointLifecycle"] = self.lifecycle
        if self.created_by:
            result["CreatedBy"] = self.created_by
        if self.copied is not None:
            result["DestinationRecoveryPointArn"] = self.copied.recovery_point_arn
            result["DestinationEncryptionKeyArn"] = self.copied.vault.encryption_key_arn
        if self.status_message:
            result["StatusMessage"] = self.status_message
        return result


class BackupSelection:
    def __init__(self, plan_id: str, selection: Mapping[str, Any], creator_request_id: str | None):
        self.selection_id = str(uuid.uuid4())
        self.backup_plan_id = plan_id
        self.selection = dict(selection)
        self.creator_request_id = creator_request_id
        self.creation_date = clock.now()

    @property
    def selection_name(self) -> str:
        return str(self.selection["SelectionName"])

    def to_get_dict(self) -> dict[str, Any]:
        result = {
            "BackupSelection": self.selection,
            "SelectionId": self.selection_id,
            "BackupPlanId": self.backup_plan_id,
            "CreationDate": self.creation_date,
            "CreatorRequestId": self.creator_request_id,
        }
        return {k: v for k, v in result.items() if v is not None}

    def to_list_dict(self) -> dict[str, Any]:
        result = {
            "SelectionId": self.selection_id,
            "SelectionName": self.selection_name,
            "BackupPlanId": self.backup_plan_id,
            "CreationDate": self.creation_date,
            "CreatorRequestId": self.creator_request_id,
            "IamRoleArn": self.selection.get("IamRoleArn"),
        }
        return {k: v for k, v in result.items() if v is not None}


# Policy-managed plans (https://docs.aws.amazon.com/organizations/latest/userguide/
# orgs_manage_policies_backup.html: "This effective policy instructs AWS Backup how to
# automatically back up your AWS resources"; seed 2.5: AWS Backup creates the plan in every member
# account the policy applies to and adds or deletes it with OU membership). What AWS documents of
# how they look in the member: the plan ID is ``orgs/<UUID>`` (a version-3, name-based UUID in the
# BACKUP_JOB/MALWARE report samples of the AWS Backup Developer Guide, "Choosing your report
# template": ``backup-plan:orgs/4232272a-ed54-3a88-...``). Not confirmed, so chosen here: the
# name the UUID is derived from (account, Region, plan name), that ``CreatorRequestId`` is absent,
# that there is no other managed-by field (none exists in the API's shapes), and the error code and
# text AWS returns when the member tries to change one (InvalidRequestException below).
ORGS_PLAN_PREFIX = "orgs/"
# How long a scheduled job runs in the emulator (well inside any completion window).
SCHEDULED_JOB_SECONDS = 60.0
# moto's own defaults for a rule without them (and AWS's: 8 hours to start, 7 days to complete).
RULE_DEFAULTS: dict[str, Any] = {
    "ScheduleExpression": "cron(0 5 ? * * *)",
    "ScheduleExpressionTimezone": "Etc/UTC",
    "StartWindowMinutes": 480,
    "CompletionWindowMinutes": 10080,
}


def managed_plan_id(account_id: str, region: str, plan_name: str) -> str:
    """The stable ID of the policy-managed plan ``plan_name`` in an account and Region."""
    name = f"backup-policy/{account_id}/{region}/{plan_name}"
    return ORGS_PLAN_PREFIX + str(uuid.uuid3(uuid.NAMESPACE_URL, name))


class ManagedPlan:
    """A backup plan AWS Backup keeps in an account from its effective backup policy (read-only)."""

    def __init__(self, account_id: str, region: str, plan: Mapping[str, Any], creation_date: float):
        name = str(plan["BackupPlanName"])
        self.backup_plan_id = managed_plan_id(account_id, region, name)
        self.backup_plan_arn = (
            f"arn:{get_partition(region)}:backup:{region}:{account_id}:backup-plan:{self.backup_plan_id}"
        )
        self.version_id = hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()[:48]
        self.creation_date = creation_date
        self.deletion_date: float | None = None
        self.last_execution_date: float | None = None
        rules = []
        for rule in plan.get("Rules") or []:
            full = {**RULE_DEFAULTS, **rule}
            full["RuleId"] = str(uuid.uuid3(uuid.NAMESPACE_URL, f"{self.backup_plan_id}/{rule['RuleName']}"))
            rules.append(full)
        self.backup_plan: dict[str, Any] = {"BackupPlanName": name, "Rules": rules}
        self.advanced_backup_settings = list(plan.get("AdvancedBackupSettings") or [])
        if self.advanced_backup_settings:
            self.backup_plan["AdvancedBackupSettings"] = self.advanced_backup_settings
        self.selections: dict[str, BackupSelection] = {}
        for entry in plan.get("Selections") or []:
            selection = BackupSelection(self.backup_plan_id, entry, None)
            selection.selection_id = str(
                uuid.uuid3(uuid.NAMESPACE_URL, f"{self.backup_plan_id}/{entry['SelectionName']}")
            )
            selection.creation_date = creation_date
            self.selections[selection.selection_id] = selection

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "BackupPlanId": self.backup_plan_id,
            "BackupPlanArn": self.backup_plan_arn,
            "CreationDate": self.creation_date,
            "VersionId": self.version_id,
        }
        if self.advanced_backup_settings:
            result["AdvancedBackupSettings"] = self.advanced_backup_settings
        return result

    def to_get_dict(self) -> dict[str, Any]:
        result = {**self.to_dict(), "BackupPlan": self.backup_plan}
        if self.last_execution_date is not None:
            result["LastExecutionDate"] = self.last_execution_date
        return result

    def to_list_dict(self) -> dict[str, Any]:
        result = self.to_dict()
        result["BackupPlanName"] = self.backup_plan["BackupPlanName"]
        if self.last_execution_date is not None:
            result["LastExecutionDate"] = self.last_execution_date
        return result


def _managed_refusal(backup_plan_id: str) -> InvalidRequestException:
    # The exact error AWS returns here is not documented (see above); the rule is: a plan created
    # by a backup policy is changed through the policy, in the management account.
    return InvalidRequestException(
        msg=f"Backup plan {backup_plan_id} is managed by an AWS Organizations backup policy and "
        "cannot be changed or deleted in this account"
    )


class Framework:
    def __init__(
        self,
        backend: EmulatedBackupBackend,
        name: str,
        description: str | None,
        controls: list[dict[str, Any]],
        idempotency_token: str | None,
    ):
        partition = get_partition(backend.region_name)
        self.framework_name = name
        region, account = backend.region_name, backend.account_id
        self.framework_arn = f"arn:{partition}:backup:{region}:{account}:framework:{name}-{uuid.uuid4()}"
        self.framework_description = description
        self.framework_controls = controls
        self.idempotency_token = idempotency_token
        self.creation_time = clock.now()

    def to_describe_dict(self) -> dict[str, Any]:
        result = {
            "FrameworkName": self.framework_name,
            "FrameworkArn": self.framework_arn,
            "FrameworkDescription": self.framework_description,
            "FrameworkControls": self.framework_controls,
            "CreationTime": self.creation_time,
            "DeploymentStatus": "COMPLETED",
            "FrameworkStatus": "ACTIVE",
            "IdempotencyToken": self.idempotency_token,
        }
        return {k: v for k, v in result.items() if v is not None}

    def to_list_dict(self) -> dict[str, Any]:
        result = {
            "FrameworkName": self.framework_name,
            "FrameworkArn": self.framework_arn,
            "FrameworkDescription": self.framework_description,
            "NumberOfControls": len(self.framework_controls),
            "CreationTime": self.creation_time,
            "DeploymentStatus": "COMPLETED",
        }
        return {k: v for k, v in result.items() if v is not None}


class ReportPlan(_models.ReportPlan):
    """moto's report plan with AWS's ARN (name plus a unique suffix) and a serialisable form."""

    def __init__(
        self,
        backend: EmulatedBackupBackend,
        name: str,
        description: str | None,
        delivery_channel: dict[str, Any],
        setting: dict[str, Any],
    ):
        super().__init__(name, description, delivery_channel, setting, backend)
        self.report_plan_arn = f"{self.report_plan_arn}-{uuid.uuid4()}"
        self.created_at = clock.now()

    def to_dict(self) -> dict[str, Any]:
        result = {
            "ReportPlanArn": self.report_plan_arn,
            "ReportPlanName": self.report_plan_name,
            "ReportPlanDescription": self.report_plan_description,
            "ReportSetting": self.report_setting,
            "ReportDeliveryChannel": self.report_delivery_channel,
            "DeploymentStatus": "COMPLETED",
            "CreationTime": self.created_at,
        }
        return {k: v for k, v in result.items() if v is not None}


def _validate_report_plan(
    delivery_channel: Mapping[str, Any] | None, setting: Mapping[str, Any] | None
) -> None:
    # https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ReportDeliveryChannel.html
    if delivery_channel is not None:
        _require(delivery_channel.get("S3BucketName"), "ReportDeliveryChannel.S3BucketName")
        for fmt in delivery_channel.get("Formats") or []:
            if fmt not in REPORT_FORMATS:
                raise InvalidParameterValueException(f"Invalid report format {fmt}; valid: CSV, JSON")
    if setting is not None:
        template = _require(setting.get("ReportTemplate"), "ReportSetting.ReportTemplate")
        if template not in REPORT_TEMPLATES:
            raise InvalidParameterValueException(f"Invalid ReportTemplate {template}")


def _validate_controls(controls: Any) -> list[dict[str, Any]]:
    if not isinstance(controls, list) or not controls:
        raise InvalidParameterValueException("FrameworkControls must contain at least one control")
    for control in controls:
        name = control.get("ControlName") if isinstance(control, dict) else None
        if name not in FRAMEWORK_CONTROLS:
            raise InvalidParameterValueException(f"Invalid control name: {name}")
    return list(controls)


def _organization_of(account_id: str, partition: str) -> Any:
    """The Organizations backend of the management account of ``account_id``'s organization, if any."""
    backend = organizations_backends[account_id][partition]
    if backend.org is not None:
        return backend
    owner = organizations_backends.master_accounts.get(account_id)
    if owner is None:
        return None
    return organizations_backends[owner[0]][owner[1]]


def _org_paths(org: Any, account_id: str) -> list[str]:
    """aws:PrincipalOrgPaths of an account: ``o-id/r-id/ou-.../ou-.../``."""
    account = next((a for a in org.accounts if a.id == account_id), None)
    if account is None:
        return []
    chain: list[str] = []
    parent_id = account.parent_id
    while parent_id:
        node = next((ou for ou in org.ou if ou.id == parent_id), None)
        if node is None:
            break
        chain.append(node.id)
        parent_id = None if node.id == org.org.root_id else node.parent_id
    return [f"{org.org.id}/" + "".join(f"{n}/" for n in reversed(chain))]


def _like(value: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern)


def _not_like(value: str, pattern: str) -> bool:
    return not fnmatch.fnmatchcase(value, pattern)


_CONDITION_OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": operator.eq,
    "StringNotEquals": operator.ne,
    "StringLike": _like,
    "StringNotLike": _not_like,
    "ArnEquals": operator.eq,
    "ArnLike": _like,
    "ArnNotEquals": operator.ne,
    "ArnNotLike": _not_like,
}


def _conditions_hold(conditions: Mapping[str, Any], context: Mapping[str, list[str]]) -> bool | None:
    """Whether the conditions hold for the request context; None when one cannot be evaluated."""
    for condition_operator, tests in conditions.items():
        qualifier, _, base = condition_operator.rpartition(":")
        compare = _CONDITION_OPERATORS.get(base)
        if compare is None or not isinstance(tests, Mapping):
            return None
        for key, patterns in tests.items():
            values = context.get(key.lower())
            if values is None:
                return None
            wanted = patterns if isinstance(patterns, list) else [patterns]
            negative = base.endswith(("NotEquals", "NotLike"))
            if negative:
                # every value must differ from every pattern
                held = all(compare(v, p) for v in values for p in wanted)
            elif qualifier == "ForAllValues":
                held = all(any(compare(v, p) for p in wanted) for v in values)
            else:  # single-valued keys and ForAnyValue
                held = any(compare(v, p) for v in values for p in wanted)
            if not held:
                return False
    return True


def copy_allowed(policy: str | None, source_account: str, role_arn: str, org: Any) -> bool:
    """Whether a destination vault's access policy lets ``source_account`` copy into it.

    IAM evaluation for one action, ``backup:CopyIntoBackupVault``: an explicit Deny wins, else an
    Allow is needed (no policy: denied). Principals: ``*``, the account (ID or root ARN) or an ARN in
    it. Conditions on aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalAccount,
    aws:SourceAccount and aws:PrincipalArn (the copy job's role) with the String/Arn operators are
    evaluated; a statement with any other condition is not applied.
    """
    if not policy:
        return False
    try:
        document = json.loads(policy)
    except ValueError:
        return False
    context = {
        "aws:principalorgid": [org.org.id],
        "aws:principalorgpaths": _org_paths(org, source_account),
        "aws:principalaccount": [source_account],
        "aws:sourceaccount": [source_account],
        "aws:principalarn": [role_arn],
    }
    allowed = False
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        actions = actions if isinstance(actions, list) else [actions]
        if not any(fnmatch.fnmatchcase("backup:copyintobackupvault", str(a).lower()) for a in actions):
            continue
        principal = statement.get("Principal")
        principals = (
            ["*"] if principal == "*" else principal.get("AWS", []) if isinstance(principal, Mapping) else []
        )
        principals = principals if isinstance(principals, list) else [principals]
        if not any(
            p in ("*", source_account) or re.match(rf"^arn:[\w-]+:(iam|sts)::{source_account}:", str(p))
            for p in principals
        ):
            continue
        held = _conditions_hold(statement.get("Condition") or {}, context)
        if not held:
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed


class EmulatedBackupBackend(_models.BackupBackend):
    """moto's ``BackupBackend`` with the operations and rules listed in the module docstring."""

    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self._init_extension()

    def _init_extension(self) -> None:
        self.selections: dict[str, dict[str, BackupSelection]] = {}
        self.frameworks: dict[str, Framework] = {}
        self.report_plans: dict[str, Any] = dict(getattr(self, "report_plans", {}))
        self.jobs: dict[str, BackupJob] = {}
        self.copy_jobs: dict[str, CopyJob] = {}
        self.opt_in_preference: dict[str, bool] = dict(DEFAULT_OPT_IN)
        self.management_preference: dict[str, bool] = dict(DEFAULT_MANAGEMENT)
        self.global_settings: dict[str, str] = dict(DEFAULT_GLOBAL_SETTINGS)
        self.global_settings_updated: float | None = None
        # policy-managed plans: computed from the effective policy on every read (see managed_plans)
        self.managed_creation: dict[str, float] = {}
        self.managed_last_execution: dict[str, float] = {}
        for vault in self.vaults.values():
            if not isinstance(vault, BackupVault):
                vault.__class__ = BackupVault
                cast(BackupVault, vault)._init_extension(self)

    @property
    def _url_module(self) -> Any:
        return url_module(
            [r"https?://backup\.(.+)\.amazonaws\.com"], {"{0}/.*": EmulatedBackupResponse.dispatch}
        )

    # -- vaults -----------------------------------------------------------------------------------

    def _vault(self, name: str) -> BackupVault:
        vault = self.vaults.get(name)
        if vault is None:
            raise ResourceNotFoundException(f"Backup vault {name} does not exist in this account")
        return cast(BackupVault, vault)

    def create_backup_vault(
        self,
        backup_vault_name: str,
        backup_vault_tags: dict[str, str] | None,
        encryption_key_arn: str | None,
        creator_request_id: str | None,
    ) -> BackupVault:
        # https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html
        if not VAULT_NAME.match(backup_vault_name or ""):
            raise InvalidParameterValueException(
                f"Invalid backup vault name {backup_vault_name!r}: 2-50 letters, digits, - or _"
            )
        if backup_vault_name in self.vaults:
            raise AlreadyExistsException(msg="Backup vault with the same name already exists")
        vault = BackupVault(backup_vault_name, encryption_key_arn or "", creator_request_id or "", self)
        if backup_vault_tags:
            self.tag_resource(vault.backup_vault_arn, backup_vault_tags)
        self.vaults[backup_vault_name] = vault
        return vault

    def delete_backup_vault(self, backup_vault_name: str) -> None:
        # API_DeleteBackupVault: "Deletes the backup vault ... A vault can be deleted only if it is
        # empty." A vault under Vault Lock holds its recovery points until their retention ends, so
        # a locked vault with recovery points can never be deleted.
        vault = self._vault(backup_vault_name)
        if vault.recovery_points:
            raise InvalidRequestException(
                msg=f"Backup vault {backup_vault_name} cannot be deleted because it contains "
                f"{len(vault.recovery_points)} recovery points"
            )
        self.tagger.delete_all_tags_for_resource(vault.backup_vault_arn)
        del self.vaults[backup_vault_name]

    def put_backup_vault_access_policy(self, backup_vault_name: str, policy: str | None) -> None:
        # https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultAccessPolicy.html
        vault = self._vault(backup_vault_name)
        try:
            document = json.loads(policy or "")
        except ValueError:
            raise InvalidParameterValueException("Policy is not valid JSON") from None
        if not isinstance(document, dict) or not document.get("Statement"):
            raise InvalidParameterValueException("Policy must be an IAM policy document with a Statement")
        vault.access_policy = policy

    def get_backup_vault_access_policy(self, backup_vault_name: str) -> BackupVault:
        vault = self._vault(backup_vault_name)
        if vault.access_policy is None:
            raise ResourceNotFoundException(f"Backup vault {backup_vault_name} has no access policy")
        return vault

    def delete_backup_vault_access_policy(self, backup_vault_name: str) -> None:
        self._vault(backup_vault_name).access_policy = None

    def put_backup_vault_notifications(
        self, backup_vault_name: str, sns_topic_arn: str | None, backup_vault_events: list[str] | None
    ) -> None:
        # https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultNotifications.html
        vault = self._vault(backup_vault_name)
        _require(sns_topic_arn, "SNSTopicArn")
        events = _require(backup_vault_events, "BackupVaultEvents")
        if not re.match(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$", str(sns_topic_arn)):
            raise InvalidParameterValueException(f"Invalid SNSTopicArn {sns_topic_arn}")
        valid = set(
            get_session().get_service_model("backup").shape_for("BackupVaultEvent").enum  # type: ignore[attr-defined]
        )
        for event in events:
            if event not in valid:
                raise InvalidParameterValueException(f"Invalid BackupVaultEvent {event}")
        vault.sns_topic_arn = sns_topic_arn
        vault.backup_vault_events = list(events)

    def get_backup_vault_notifications(self, backup_vault_name: str) -> BackupVault:
        vault = self._vault(backup_vault_name)
        if vault.sns_topic_arn is None:
            raise ResourceNotFoundException(
                f"Backup vault {backup_vault_name} has no notification configuration"
            )
        return vault

    def delete_backup_vault_notifications(self, backup_vault_name: str) -> None:
        vault = self._vault(backup_vault_name)
        vault.sns_topic_arn = None
        vault.backup_vault_events = []

    def put_backup_vault_lock_configuration(
        self,
        backup_vault_name: str,
        min_retention_days: int | None,
        max_retention_days: int | None,
        changeable_for_days: int | None,
    ) -> None:
        # https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultLockConfiguration.html
        # MinRetentionDays and MaxRetentionDays: 1..36500 days, Min <= Max; ChangeableForDays: at
        # least 3 (the 72-hour cooling-off period), at most 36500. With ChangeableForDays the lock is
        # in compliance mode and immutable from the lock date on; without it, governance mode.
        vault = self._vault(backup_vault_name)
        if vault.lock_is_immutable:
            raise InvalidRequestException(
                msg=f"Backup vault {backup_vault_name} is locked in compliance mode since its lock date; "
                "the Vault Lock configuration is immutable"
            )
        for name, value in (
            ("MinRetentionDays", min_retention_days),
            ("MaxRetentionDays", max_retention_days),
        ):
            if value is not None and not 1 <= int(value) <= 36500:
                raise InvalidParameterValueException(msg=f"{name} must be between 1 and 36500 days")
        if (
            min_retention_days is not None
            and max_retention_days is not None
            and int(min_retention_days) > int(max_retention_days)
        ):
            raise InvalidParameterValueException(
                msg="MinRetentionDays cannot be greater than MaxRetentionDays"
            )
        if changeable_for_days is not None and not 3 <= int(changeable_for_days) <= 36500:
            raise InvalidParameterValueException(msg="ChangeableForDays must be between 3 and 36500 days")
        vault.locked = True
        vault.min_retention_days = None if min_retention_days is None else int(min_retention_days)
        vault.max_retention_days = None if max_retention_days is None else int(max_retention_days)
        vault.changeable_for_days = None if changeable_for_days is None else int(changeable_for_days)
        vault.lock_date = (
            None if changeable_for_days is None else clock.now() + int(changeable_for_days) * DAY
        )

    def delete_backup_vault_lock_configuration(self, backup_vault_name: str) -> None:
        # API_DeleteBackupVaultLockConfiguration: "Removes the specified Vault Lock ... You can
        # delete it only before the lock date" (governance mode: any time).
        vault = self._vault(backup_vault_name)
        if vault.lock_is_immutable:
            raise InvalidRequestException(
                msg=f"Backup vault {backup_vault_name} is locked in compliance mode since its lock date; "
                "the Vault Lock configuration cannot be deleted"
            )
        vault.locked = False
        vault.min_retention_days = vault.max_retention_days = None
        vault.lock_date = vault.changeable_for_days = None

    # -- jobs and recovery points -----------------------------------------------------------------

    def start_backup_job(
        self,
        backup_vault_name: str,
        resource_arn: str,
        iam_role_arn: str,
        lifecycle: Mapping[str, Any] | None = None,
        backup_plan_id: str | None = None,
        *,
        at: float | None = None,
        schedule: Mapping[str, Any] | None = None,
    ) -> BackupJob:
        """Run a backup job to completion at once.

        API_PutBackupVaultLockConfiguration: with MinRetentionDays, "any backup or copy job to the
        vault must have a lifecycle policy with a retention period equal to or longer than the
        minimum retention period ... otherwise the vault fails that backup or copy job"; with
        MaxRetentionDays, retention must be equal or shorter (no DeleteAfterDays = kept forever).
        """
        vault = self._vault(backup_vault_name)
        _require(iam_role_arn, "IamRoleArn")
        _require(resource_arn, "ResourceArn")
        resource_type_of(resource_arn)
        failure = self.lock_violation(vault, lifecycle)
        recovery_point = None
        if failure is None:
            created_by = (schedule or {}).get("CreatedBy")
            recovery_point = RecoveryPoint(
                vault,
                resource_arn,
                iam_role_arn,
                lifecycle,
                backup_plan_id=backup_plan_id,
                at=at,
                created_by=created_by,
            )
            vault.recovery_points[recovery_point.recovery_point_arn] = recovery_point
        job = BackupJob(vault, resource_arn, iam_role_arn, recovery_point, failure, at=at, schedule=schedule)
        self.jobs[job.backup_job_id] = job
        return job

    @staticmethod
    def lock_violation(vault: BackupVault, lifecycle: Mapping[str, Any] | None) -> str | None:
        """Why a job with this lifecycle fails in this vault (Vault Lock retention bounds), if it does."""
        if not vault.locked:
            return None
        retention = None if not lifecycle else lifecycle.get("DeleteAfterDays")
        if (
            vault.min_retention_days is not None
            and retention is not None
            and retention < vault.min_retention_days
        ):
            return (
                f"Retention period {retention} days is shorter than the vault's Vault Lock "
                f"minimum retention of {vault.min_retention_days} days"
            )
        if vault.max_retention_days is not None and (
            retention is None or retention > vault.max_retention_days
        ):
            return (
                f"Retention period {retention or 'forever'} is longer than the vault's Vault Lock "
                f"maximum retention of {vault.max_retention_days} days"
            )
        return None

    def start_copy_job(
        self,
        recovery_point_arn: str,
        source_backup_vault_name: str,
        destination_backup_vault_arn: str,
        iam_role_arn: str,
        lifecycle: Mapping[str, Any] | None = None,
        *,
        at: float | None = None,
        created_by: Mapping[str, Any] | None = None,
    ) -> CopyJob:
        """Copy a recovery point to another vault (this or another Region or account), at once.

        The job fails, as AWS's does, when the destination vault does not exist, when its Vault
        Lock refuses the lifecycle, and for a copy to another account
        (https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html)
        when: the accounts are not in the same organization; cross-account backup is not enabled in
        the management account (UpdateGlobalSettings); the source is encrypted with the AWS managed
        key (cross-account copies need a customer managed key); the destination vault's access
        policy does not allow ``backup:CopyIntoBackupVault`` to the source account (see
        :func:`copy_allowed`).
        """
        _require(iam_role_arn, "IamRoleArn")
        source = self.describe_recovery_point(source_backup_vault_name, recovery_point_arn)
        match = re.match(
            r"^arn:[\w-]+:backup:([a-z0-9-]+):(\d{12}):backup-vault:([a-zA-Z0-9\-_]{2,50})$",
            destination_backup_vault_arn or "",
        )
        if match is None:
            raise InvalidParameterValueException(
                f"Invalid DestinationBackupVaultArn {destination_backup_vault_arn}"
            )
        region, account, name = match.groups()
        destination = cast(EmulatedBackupBackend, _models.backup_backends[account][region]).vaults.get(name)
        failure: str | None = None
        if destination is None:
            failure = f"Destination backup vault {destination_backup_vault_arn} does not exist"
        elif account != self.account_id:
            failure = self._cross_account_failure(source, cast(BackupVault, destination), iam_role_arn)
        if failure is None and destination is not None:  # the resource's own key (backup_keys.py)
            failure = backup_keys.copy_key_failure(
                source.resource_arn, self.account_id, self.region_name, account, region
            )
        if failure is None and destination is not None:  # both vaults' access policies, the SCPs
            from .iam.copy_jobs import copy_refusal  # noqa: PLC0415

            failure = copy_refusal(source.vault, destination, iam_role_arn, self.account_id)
        if failure is None and destination is not None:
            failure = self.lock_violation(cast(BackupVault, destination), lifecycle)
        copied = None
        if failure is None and destination is not None:
            target = cast(BackupVault, destination)
            copied = RecoveryPoint(
                target,
                source.resource_arn,
                iam_role_arn,
                lifecycle,
                source_vault_arn=source.vault.backup_vault_arn,
                at=at,
                created_by=created_by,
            )
            target.recovery_points[copied.recovery_point_arn] = copied
        job = CopyJob(
            self.account_id,
            source,
            destination_backup_vault_arn,
            iam_role_arn=iam_role_arn,
            lifecycle=lifecycle,
            copied=copied,
            failure=failure,
            at=at,
            created_by=created_by,
        )
        self.copy_jobs[job.copy_job_id] = job
        return job

    def _cross_account_failure(
        self, source: RecoveryPoint, destination: BackupVault, role_arn: str
    ) -> str | None:
        org = _organization_of(self.account_id, self.partition)
        if org is None or _organization_of(destination.account_id, self.partition) is not org:
            return "Cross-account copy requires the source and destination accounts in the same organization"
        management = cast(EmulatedBackupBackend, _models.backup_backends[org.account_id][self.region_name])
        settings, _ = management.describe_global_settings()
        if settings.get("isCrossAccountBackupEnabled") != "true":
            return "Cross-account backup is not enabled for the organization (UpdateGlobalSettings)"
        if source.vault.aws_managed_key:
            return (
                "Cross-account copy is not supported for recovery points encrypted with the AWS managed key"
            )
        if not copy_allowed(destination.access_policy, self.account_id, role_arn, org):
            return (
                f"Access denied: the access policy of {destination.backup_vault_arn} does not allow "
                f"backup:CopyIntoBackupVault from account {self.account_id}"
            )
        return None

    def describe_copy_job(self, copy_job_id: str) -> CopyJob:
        job = self.copy_jobs.get(copy_job_id)
        if job is None:
            raise ResourceNotFoundException(f"Copy job {copy_job_id} not found")
        return job

    def describe_backup_job(self, backup_job_id: str) -> BackupJob:
        job = self.jobs.get(backup_job_id)
        if job is None:
            raise ResourceNotFoundException(f"Backup job {backup_job_id} not found")
        return job

    def list_recovery_points_by_backup_vault(self, backup_vault_name: str) -> list[RecoveryPoint]:
        return list(self._vault(backup_vault_name).recovery_points.values())

    def describe_recovery_point(self, backup_vault_name: str, recovery_point_arn: str) -> RecoveryPoint:
        vault = self._vault(backup_vault_name)
        point = vault.recovery_points.get(recovery_point_arn)
        if point is None:
            raise ResourceNotFoundException(f"Recovery point {recovery_point_arn} not found")
        return point

    def delete_recovery_point(self, backup_vault_name: str, recovery_point_arn: str) -> None:
        # Vault Lock "prevents attempts to delete any recovery point stored in or created in a
        # backup vault" (API_PutBackupVaultLockConfiguration): in a locked vault a recovery point
        # goes only when its retention (at least MinRetentionDays) has passed.
        point = self.describe_recovery_point(backup_vault_name, recovery_point_arn)
        vault = point.vault
        if vault.locked:
            age_days = (clock.now() - point.creation_date) / DAY
            retention = point.lifecycle.get("DeleteAfterDays")
            minimum = vault.min_retention_days or 0
            if retention is None or age_days < max(float(retention), float(minimum)):
                raise InvalidRequestException(
                    msg=f"Recovery point {recovery_point_arn} in backup vault {backup_vault_name} is "
                    "protected by Vault Lock and cannot be deleted before its retention period ends"
                )
        del vault.recovery_points[recovery_point_arn]

    # -- plans and selections ---------------------------------------------------------------------

    def managed_plans(self) -> dict[str, ManagedPlan]:
        """The plans this account's effective backup policy gives it in this Region, by ID.

        Computed on every read from the Organizations backend, not stored: membership and policies
        change through many calls (AttachPolicy, DetachPolicy, UpdatePolicy, DisablePolicyType,
        MoveAccount, CreateAccount, RemoveAccountFromOrganization, DeleteOrganizationalUnit...), and
        a refresh hooked on each of them could miss one; a read cannot be stale. Only the first
        time a plan ID was seen (its CreationDate) and its last run are remembered.
        """
        org = _organization_of(self.account_id, self.partition)
        describe = getattr(org, "describe_effective_policy", None)
        plans: dict[str, ManagedPlan] = {}
        if describe is not None:
            try:
                result = describe("BACKUP_POLICY", self.account_id, org.account_id)
            except JsonRESTError:  # no effective policy, account left the organization
                result = None
            if result is not None:
                effective = json.loads(result["EffectivePolicy"]["PolicyContent"])
                for entry in backup_plans(effective, self.account_id, self.region_name):
                    plan_id = managed_plan_id(self.account_id, self.region_name, entry["BackupPlanName"])
                    created = self.managed_creation.setdefault(plan_id, clock.now())
                    plan = ManagedPlan(self.account_id, self.region_name, entry, created)
                    plan.last_execution_date = self.managed_last_execution.get(plan_id)
                    plans[plan.backup_plan_id] = plan
        for gone in set(self.managed_creation) - set(plans):  # deleted with the policy/membership
            del self.managed_creation[gone]
            self.managed_last_execution.pop(gone, None)
        return plans

    def _managed(self, backup_plan_id: str) -> ManagedPlan | None:
        if not str(backup_plan_id).startswith(ORGS_PLAN_PREFIX):
            return None
        plan = self.managed_plans().get(backup_plan_id)
        if plan is None:
            raise ResourceNotFoundException(f"Backup plan {backup_plan_id} does not exist")
        return plan

    def get_backup_plan(self, backup_plan_id: str, version_id: Any | None) -> Any:
        managed = self._managed(backup_plan_id)
        if managed is None:
            return super().get_backup_plan(backup_plan_id, version_id)
        if version_id and version_id != managed.version_id:
            raise ResourceNotFoundException(msg="Failed reading Backup plan with provided version")
        return managed

    def list_backup_plans(self, include_deleted: Any) -> list[Any]:
        own: list[Any] = list(super().list_backup_plans(include_deleted))
        return own + list(self.managed_plans().values())

    def _plan(self, backup_plan_id: str) -> Any:
        plan = self.plans.get(backup_plan_id)
        if plan is None or plan.deletion_date is not None:
            raise ResourceNotFoundException(f"Backup plan {backup_plan_id} does not exist")
        return plan

    def update_backup_plan(self, backup_plan_id: str, backup_plan: dict[str, Any]) -> Any:
        # https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateBackupPlan.html
        if self._managed(backup_plan_id) is not None:
            raise _managed_refusal(backup_plan_id)
        plan = self._plan(backup_plan_id)
        _require(backup_plan, "BackupPlan")
        replacement = _models.Plan(
            backup_plan=backup_plan, creator_request_id=plan.creator_request_id, backend=self
        )
        plan.backup_plan = replacement.backup_plan
        plan.advanced_backup_settings = replacement.advanced_backup_settings
        plan.version_id = replacement.version_id
        return plan

    def delete_backup_plan(self, backup_plan_id: str) -> tuple[str, str, float, str]:
        # API_DeleteBackupPlan: "Deletes a backup plan. A backup plan can only be deleted after all
        # associated selections of resources have been deleted."
        if self._managed(backup_plan_id) is not None:
            raise _managed_refusal(backup_plan_id)
        self._plan(backup_plan_id)
        if self.selections.get(backup_plan_id):
            raise InvalidRequestException(
                msg="Related backup plan selections must be deleted prior to backup plan deletion"
            )
        return super().delete_backup_plan(backup_plan_id)

    def create_backup_selection(
        self, backup_plan_id: str, backup_selection: dict[str, Any] | None, creator_request_id: str | None
    ) -> BackupSelection:
        # https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupSelection.html
        selection = _require(backup_selection, "BackupSelection")
        if self._managed(backup_plan_id) is not None:
            raise _managed_refusal(backup_plan_id)
        if backup_plan_id not in self.plans or self.plans[backup_plan_id].deletion_date is not None:
            raise InvalidParameterValueException(f"Invalid backup plan id {backup_plan_id}")
        name = _require(selection.get("SelectionName"), "BackupSelection.SelectionName")
        _require(selection.get("IamRoleArn"), "BackupSelection.IamRoleArn")
        if not SELECTION_NAME.match(name):
            raise InvalidParameterValueException(f"Invalid selection name {name!r}")
        for tag in selection.get("ListOfTags") or []:
            if tag.get("ConditionType") != "STRINGEQUALS":
                raise InvalidParameterValueException("ListOfTags ConditionType must be STRINGEQUALS")
        existing = self.selections.setdefault(backup_plan_id, {})
        if any(s.selection_name == name for s in existing.values()):
            raise AlreadyExistsException(
                msg=f"Backup selection {name} already exists in plan {backup_plan_id}"
            )
        created = BackupSelection(backup_plan_id, selection, creator_request_id)
        existing[created.selection_id] = created
        return created

    def get_backup_selection(self, backup_plan_id: str, selection_id: str) -> BackupSelection:
        managed = self._managed(backup_plan_id)
        selections = managed.selections if managed is not None else self.selections.get(backup_plan_id, {})
        selection = selections.get(selection_id)
        if selection is None:
            raise ResourceNotFoundException(
                f"Backup selection {selection_id} not found in plan {backup_plan_id}"
            )
        return selection

    def list_backup_selections(self, backup_plan_id: str) -> list[BackupSelection]:
        managed = self._managed(backup_plan_id)
        if managed is not None:
            return list(managed.selections.values())
        self._plan(backup_plan_id)
        return list(self.selections.get(backup_plan_id, {}).values())

    def delete_backup_selection(self, backup_plan_id: str, selection_id: str) -> None:
        if self._managed(backup_plan_id) is not None:
            raise _managed_refusal(backup_plan_id)
        self.get_backup_selection(backup_plan_id, selection_id)
        del self.selections[backup_plan_id][selection_id]

    # -- scheduled jobs (seed 1.4, 2.6) -----------------------------------------------------------

    def run_schedule(self, start: float, end: float) -> None:
        """Run what this account's plans scheduled in ``(start, end]`` (called by ``clock.advance``).

        For each rule of each plan (policy-managed and the account's own) and each time its cron
        fires (:func:`schedule.occurrences`, in the rule's timezone): a backup job, into the rule's
        vault, for each resource of this account and Region a selection of the plan assigns
        (:func:`schedule.tagged_resources`, :func:`schedule.selected`) and whose type is opted in
        (Region settings). The job starts when the rule fires (inside ``StartWindowMinutes``), runs
        one minute (inside ``CompletionWindowMinutes``), fails if the selection's role does not
        exist, gets the rule's lifecycle (Vault Lock bounds applied by ``start_backup_job``); each
        copy action then starts a copy job through :meth:`start_copy_job` (cross-account rules
        included). A resource assigned by several selections of a plan is backed up once per rule
        run. Not modelled: a rule whose vault the emulator does not know (no job; AWS would fail it),
        continuous backups (every run is a snapshot job), merging overlapping rules' runs.
        """
        candidates: list[tuple[Any, list[Mapping[str, Any]]]] = [
            (plan, [s.selection for s in plan.selections.values()]) for plan in self.managed_plans().values()
        ]
        candidates += [
            (plan, [s.selection for s in self.selections.get(plan_id, {}).values()])
            for plan_id, plan in self.plans.items()
            if plan.deletion_date is None
        ]
        resources: list[tuple[str, dict[str, str]]] | None = None
        for plan, selections in candidates:
            if not selections:
                continue
            for rule in plan.backup_plan.get("Rules") or []:
                try:
                    times = schedule.occurrences(
                        str(rule.get("ScheduleExpression") or RULE_DEFAULTS["ScheduleExpression"]),
                        rule.get("ScheduleExpressionTimezone"),
                        start,
                        end,
                    )
                except (ValueError, KeyError):  # unsupported cron, unknown timezone
                    continue
                vault = self.vaults.get(str(rule.get("TargetBackupVaultName")))
                if not times or vault is None:
                    continue
                if resources is None:
                    resources = schedule.tagged_resources(self.account_id, self.region_name, self.partition)
                assigned: dict[str, str] = {}
                for selection in selections:
                    for arn, tags in resources:
                        if (
                            arn not in assigned
                            and self.opt_in_preference.get(resource_type_of(arn), False)
                            and schedule.selected(selection, arn, tags)
                        ):
                            assigned[arn] = str(selection.get("IamRoleArn", ""))
                for when in times:
                    for arn, role in assigned.items():
                        self._scheduled_job(plan, rule, cast(BackupVault, vault), arn, role, when=when)
                if isinstance(plan, ManagedPlan):
                    self.managed_last_execution[plan.backup_plan_id] = times[-1]
                else:
                    plan.last_execution_date = times[-1]

    def _role_exists(self, role_arn: str) -> bool:
        from moto.iam.models import iam_backends  # noqa: PLC0415 - heavy, only when a rule runs

        per_account = dict.get(iam_backends, self.account_id)
        iam = None if per_account is None else dict.get(per_account, self.partition)
        return iam is not None and any(r.arn == role_arn for r in iam.roles.values())

    def _scheduled_job(
        self, plan: Any, rule: Mapping[str, Any], vault: BackupVault, arn: str, role: str, *, when: float
    ) -> None:
        start_window = float(rule.get("StartWindowMinutes") or RULE_DEFAULTS["StartWindowMinutes"]) * 60
        completion_window = (
            float(rule.get("CompletionWindowMinutes") or RULE_DEFAULTS["CompletionWindowMinutes"]) * 60
        )
        completed = when + min(SCHEDULED_JOB_SECONDS, completion_window)
        created_by = {
            "BackupPlanId": plan.backup_plan_id,
            "BackupPlanArn": plan.backup_plan_arn,
            "BackupPlanVersion": plan.version_id,
            "BackupRuleId": rule.get("RuleId", ""),
        }
        timing = {
            "CreatedBy": created_by,
            "StartBy": when + start_window,
            "ExpectedCompletionDate": when + completion_window,
            "CompletionDate": completed,
        }
        if not self._role_exists(role):
            failed = BackupJob(
                vault,
                arn,
                role,
                None,
                f"IAM role {role} does not exist or cannot be assumed",
                at=when,
                schedule=timing,
            )
            self.jobs[failed.backup_job_id] = failed
            return
        job = self.start_backup_job(
            vault.backup_vault_name,
            arn,
            role,
            rule.get("Lifecycle"),
            plan.backup_plan_id,
            at=when,
            schedule=timing,
        )
        if job.recovery_point is None:
            return
        for action in rule.get("CopyActions") or []:
            try:
                self.start_copy_job(
                    job.recovery_point.recovery_point_arn,
                    vault.backup_vault_name,
                    str(action.get("DestinationBackupVaultArn", "")),
                    role,
                    action.get("Lifecycle"),
                    at=completed,
                    created_by=created_by,
                )
            except JsonRESTError:  # malformed destination ARN: no copy job, as AWS refuses the rule
                continue

    # -- settings ---------------------------------------------------------------------------------

    def _global_backend(self) -> EmulatedBackupBackend:
        # Global settings belong to the account, whatever Region the call is made in.
        home = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}.get(self.partition)
        if home is None or home == self.region_name:
            return self
        return cast(EmulatedBackupBackend, _models.backup_backends[self.account_id][home])

    def describe_global_settings(self) -> tuple[dict[str, str], float | None]:
        backend = self._global_backend()
        return dict(backend.global_settings), backend.global_settings_updated

    def update_global_settings(self, global_settings: Mapping[str, str] | None) -> None:
        # https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateGlobalSettings.html:
        # "Returns an error if the account is not an Organizations management account."
        org_backend = organizations_backends[self.account_id][self.partition]
        if org_backend.org is None or org_backend.org.master_account_id != self.account_id:
            raise InvalidRequestException(msg="This action can only be performed by the management account")
        settings = _require(global_settings, "GlobalSettings")
        backend = self._global_backend()
        for key, value in settings.items():
            if key not in DEFAULT_GLOBAL_SETTINGS or value not in ("true", "false"):
                raise InvalidParameterValueException(f"Invalid global setting {key}={value}")
        backend.global_settings.update(settings)
        backend.global_settings_updated = clock.now()

    def describe_region_settings(self) -> dict[str, dict[str, bool]]:
        return {
            "ResourceTypeOptInPreference": dict(self.opt_in_preference),
            "ResourceTypeManagementPreference": dict(self.management_preference),
        }

    def update_region_settings(
        self, opt_in: Mapping[str, bool] | None, management: Mapping[str, bool] | None
    ) -> None:
        # https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateRegionSettings.html
        for key in opt_in or {}:
            if key not in DEFAULT_OPT_IN:
                raise InvalidParameterValueException(
                    f"Invalid resource type {key} in ResourceTypeOptInPreference"
                )
        for key in management or {}:
            if key not in DEFAULT_MANAGEMENT:
                raise InvalidParameterValueException(
                    f"Invalid resource type {key} in ResourceTypeManagementPreference (DynamoDB or EFS)"
                )
        self.opt_in_preference.update({k: bool(v) for k, v in (opt_in or {}).items()})
        self.management_preference.update({k: bool(v) for k, v in (management or {}).items()})

    # -- Backup Audit Manager ---------------------------------------------------------------------

    def create_framework(
        self,
        framework_name: str,
        framework_description: str | None,
        framework_controls: Any,
        idempotency_token: str | None,
        framework_tags: Mapping[str, str] | None,
    ) -> Framework:
        # https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateFramework.html
        if not AUDIT_NAME.match(framework_name or ""):
            raise InvalidParameterValueException(
                f"Invalid framework name {framework_name!r}: starts with a letter; letters, digits, _"
            )
        if framework_name in self.frameworks:
            raise AlreadyExistsException(msg=f"Framework {framework_name} already exists")
        controls = _validate_controls(framework_controls)
        framework = Framework(self, framework_name, framework_description, controls, idempotency_token)
        if framework_tags:
            self.tag_resource(framework.framework_arn, dict(framework_tags))
        self.frameworks[framework_name] = framework
        return framework

    def describe_framework(self, framework_name: str) -> Framework:
        framework = self.frameworks.get(framework_name)
        if framework is None:
            raise ResourceNotFoundException(f"Framework {framework_name} not found")
        return framework

    def list_frameworks(self) -> list[Framework]:
        return list(self.frameworks.values())

    def update_framework(
        self, framework_name: str, framework_description: str | None, framework_controls: Any
    ) -> Framework:
        framework = self.describe_framework(framework_name)
        if framework_controls is not None:
            framework.framework_controls = _validate_controls(framework_controls)
        if framework_description is not None:
            framework.framework_description = framework_description
        return framework

    def delete_framework(self, framework_name: str) -> None:
        framework = self.describe_framework(framework_name)
        for plan in self.report_plans.values():
            if framework.framework_arn in (plan.report_setting or {}).get("FrameworkArns", []):
                raise ConflictException(
                    f"Framework {framework_name} is used by report plan {plan.report_plan_name}"
                )
        del self.frameworks[framework_name]

    def create_report_plan(
        self,
        report_plan_name: str,
        report_plan_description: str | None,
        report_delivery_channel: dict[str, Any],
        report_setting: dict[str, Any],
        report_plan_tags: Mapping[str, str] | None = None,
    ) -> ReportPlan:
        # https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateReportPlan.html
        if not AUDIT_NAME.match(report_plan_name or ""):
            raise InvalidParameterValueException(
                f"Invalid report plan name {report_plan_name!r}: starts with a letter; letters, digits, _"
            )
        if report_plan_name in self.report_plans:
            raise AlreadyExistsException(msg=f"Report plan {report_plan_name} already exists")
        _require(report_delivery_channel, "ReportDeliveryChannel")
        _require(report_setting, "ReportSetting")
        _validate_report_plan(report_delivery_channel, report_setting)
        backup_reports.check_delivery(self.account_id, report_delivery_channel, report_setting)
        plan = ReportPlan(
            self, report_plan_name, report_plan_description, report_delivery_channel, report_setting
        )
        if report_plan_tags:
            self.tag_resource(plan.report_plan_arn, dict(report_plan_tags))
        self.report_plans[report_plan_name] = plan
        return plan

    def update_report_plan(
        self,
        report_plan_name: str,
        report_plan_description: str | None,
        report_delivery_channel: dict[str, Any] | None,
        report_setting: dict[str, Any] | None,
    ) -> ReportPlan:
        plan = self.describe_report_plan(report_plan_name)
        _validate_report_plan(report_delivery_channel, report_setting)
        backup_reports.check_delivery(
            self.account_id,
            report_delivery_channel or plan.report_delivery_channel,
            report_setting or plan.report_setting,
        )
        if report_plan_description is not None:
            plan.report_plan_description = report_plan_description
        if report_delivery_channel is not None:
            plan.report_delivery_channel = report_delivery_channel
        if report_setting is not None:
            plan.report_setting = report_setting
        return cast(ReportPlan, plan)

    def delete_report_plan(self, report_plan_name: str) -> None:
        self.describe_report_plan(report_plan_name)
        del self.report_plans[report_plan_name]


class EmulatedBackupResponse(BackupResponse):
    """Responses for the operations moto lacks, and for those whose rules changed above."""

    def __init__(self) -> None:
        super().__init__()
        self.automated_parameter_parsing = True

    @property
    def backup_backend(self) -> EmulatedBackupBackend:
        return cast(EmulatedBackupBackend, _models.backup_backends[self.current_account][self.region])

    def _name(self) -> str:
        return unquote(str(self._get_param("BackupVaultName")))

    # moto's own handlers read the query string by hand; with automated parsing they read params.
    def list_backup_plans(self) -> ActionResult:  # type: ignore[override]
        include_deleted = self._get_param("IncludeDeleted")
        plans = self.backup_backend.list_backup_plans(include_deleted=include_deleted)
        return ActionResult({"BackupPlansList": [p.to_list_dict() for p in plans]})

    def _plan_id(self) -> str:
        # A policy-managed plan's ID holds a slash (orgs/...), sent URL-encoded in the path.
        return unquote(str(self._get_param("BackupPlanId")))

    def get_backup_plan(self) -> ActionResult:  # type: ignore[override]
        plan = self.backup_backend.get_backup_plan(self._plan_id(), self._get_param("VersionId"))
        return ActionResult(plan.to_get_dict())

    def update_backup_plan(self) -> ActionResult:
        plan = self.backup_backend.update_backup_plan(self._plan_id(), self._get_param("BackupPlan"))
        return ActionResult(plan.to_dict())

    def create_backup_vault(self) -> ActionResult:  # type: ignore[override]
        vault = self.backup_backend.create_backup_vault(
            backup_vault_name=self._name(),
            backup_vault_tags=self._get_param("BackupVaultTags"),
            encryption_key_arn=self._get_param("EncryptionKeyArn"),
            creator_request_id=self._get_param("CreatorRequestId"),
        )
        return ActionResult(
            {
                "BackupVaultName": vault.backup_vault_name,
                "BackupVaultArn": vault.backup_vault_arn,
                "CreationDate": vault.creation_date,
            }
        )

    def describe_backup_vault(self) -> ActionResult:
        return ActionResult(self.backup_backend._vault(self._name()).to_list_dict())

    def list_backup_vaults(self) -> ActionResult:  # type: ignore[override]
        vaults = self.backup_backend.list_backup_vaults()
        return ActionResult({"BackupVaultList": [v.to_list_dict() for v in vaults]})

    def delete_backup_vault(self) -> EmptyResult:
        self.backup_backend.delete_backup_vault(self._name())
        return EmptyResult()

    def put_backup_vault_lock_configuration(self) -> EmptyResult:  # type: ignore[override]
        self.backup_backend.put_backup_vault_lock_configuration(
            backup_vault_name=self._name(),
            min_retention_days=self._get_param("MinRetentionDays"),
            max_retention_days=self._get_param("MaxRetentionDays"),
            changeable_for_days=self._get_param("ChangeableForDays"),
        )
        return EmptyResult()

    def delete_backup_vault_lock_configuration(self) -> EmptyResult:  # type: ignore[override]
        self.backup_backend.delete_backup_vault_lock_configuration(self._name())
        return EmptyResult()

    def put_backup_vault_access_policy(self) -> EmptyResult:
        self.backup_backend.put_backup_vault_access_policy(self._name(), self._get_param("Policy"))
        return EmptyResult()

    def get_backup_vault_access_policy(self) -> ActionResult:
        vault = self.backup_backend.get_backup_vault_access_policy(self._name())
        return ActionResult(
            {
                "BackupVaultName": vault.backup_vault_name,
                "BackupVaultArn": vault.backup_vault_arn,
                "Policy": vault.access_policy,
            }
        )

    def delete_backup_vault_access_policy(self) -> EmptyResult:
        self.backup_backend.delete_backup_vault_access_policy(self._name())
        return EmptyResult()

    def put_backup_vault_notifications(self) -> EmptyResult:
        self.backup_backend.put_backup_vault_notifications(
            self._name(), self._get_param("SNSTopicArn"), self._get_param("BackupVaultEvents")
        )
        return EmptyResult()

    def get_backup_vault_notifications(self) -> ActionResult:
        vault = self.backup_backend.get_backup_vault_notifications(self._name())
        return ActionResult(
            {
                "BackupVaultName": vault.backup_vault_name,
                "BackupVaultArn": vault.backup_vault_arn,
                "SNSTopicArn": vault.sns_topic_arn,
                "BackupVaultEvents": vault.backup_vault_events,
            }
        )

    def delete_backup_vault_notifications(self) -> EmptyResult:
        self.backup_backend.delete_backup_vault_notifications(self._name())
        return EmptyResult()

    def start_backup_job(self) -> ActionResult:
        job = self.backup_backend.start_backup_job(
            backup_vault_name=self._get_param("BackupVaultName"),
            resource_arn=self._get_param("ResourceArn"),
            iam_role_arn=self._get_param("IamRoleArn"),
            lifecycle=self._get_param("Lifecycle"),
        )
        result: dict[str, Any] = {"BackupJobId": job.backup_job_id, "CreationDate": job.creation_date}
        if job.recovery_point is not None:
            result["RecoveryPointArn"] = job.recovery_point.recovery_point_arn
        return ActionResult(result)

    def start_copy_job(self) -> ActionResult:
        job = self.backup_backend.start_copy_job(
            recovery_point_arn=self._get_param("RecoveryPointArn"),
            source_backup_vault_name=self._get_param("SourceBackupVaultName"),
            destination_backup_vault_arn=self._get_param("DestinationBackupVaultArn"),
            iam_role_arn=self._get_param("IamRoleArn"),
            lifecycle=self._get_param("Lifecycle"),
        )
        return ActionResult({"CopyJobId": job.copy_job_id, "CreationDate": job.creation_date})

    def describe_copy_job(self) -> ActionResult:
        return ActionResult(
            {"CopyJob": self.backup_backend.describe_copy_job(self._get_param("CopyJobId")).to_dict()}
        )

    def list_copy_jobs(self) -> ActionResult:
        state = self._get_param("ByState")
        destination = self._get_param("ByDestinationVaultArn")
        jobs = [
            j.to_dict()
            for j in self.backup_backend.copy_jobs.values()
            if (state is None or j.state == state)
            and (destination is None or j.destination_vault_arn == destination)
        ]
        return ActionResult({"CopyJobs": jobs})

    def describe_backup_job(self) -> ActionResult:
        return ActionResult(self.backup_backend.describe_backup_job(self._get_param("BackupJobId")).to_dict())

    def list_backup_jobs(self) -> ActionResult:
        vault_name = self._get_param("ByBackupVaultName")
        state = self._get_param("ByState")
        jobs = [
            j.to_dict()
            for j in self.backup_backend.jobs.values()
            if (vault_name is None or j.vault.backup_vault_name == vault_name)
            and (state is None or j.state == state)
        ]
        return ActionResult({"BackupJobs": jobs})

    def list_recovery_points_by_backup_vault(self) -> ActionResult:
        points = self.backup_backend.list_recovery_points_by_backup_vault(self._name())
        return ActionResult({"RecoveryPoints": [p.to_dict() for p in points]})

    def describe_recovery_point(self) -> ActionResult:
        point = self.backup_backend.describe_recovery_point(
            self._name(), unquote(self._get_param("RecoveryPointArn"))
        )
        return ActionResult(point.to_dict())

    def delete_recovery_point(self) -> EmptyResult:
        self.backup_backend.delete_recovery_point(self._name(), unquote(self._get_param("RecoveryPointArn")))
        return EmptyResult()

    def create_backup_selection(self) -> ActionResult:
        selection = self.backup_backend.create_backup_selection(
            self._plan_id(),
            self._get_param("BackupSelection"),
            self._get_param("CreatorRequestId"),
        )
        return ActionResult(
            {
                "SelectionId": selection.selection_id,
                "BackupPlanId": selection.backup_plan_id,
                "CreationDate": selection.creation_date,
            }
        )

    def get_backup_selection(self) -> ActionResult:
        selection = self.backup_backend.get_backup_selection(self._plan_id(), self._get_param("SelectionId"))
        return ActionResult(selection.to_get_dict())

    def list_backup_selections(self) -> ActionResult:
        selections = self.backup_backend.list_backup_selections(self._plan_id())
        return ActionResult({"BackupSelectionsList": [s.to_list_dict() for s in selections]})

    def delete_backup_selection(self) -> EmptyResult:
        self.backup_backend.delete_backup_selection(self._plan_id(), self._get_param("SelectionId"))
        return EmptyResult()

    def delete_backup_plan(self) -> ActionResult:  # type: ignore[override]
        plan_id, arn, deletion_date, version = self.backup_backend.delete_backup_plan(self._plan_id())
        return ActionResult(
            {
                "BackupPlanId": plan_id,
                "BackupPlanArn": arn,
                "DeletionDate": deletion_date,
                "VersionId": version,
            }
        )

    def describe_global_settings(self) -> ActionResult:
        settings, updated = self.backup_backend.describe_global_settings()
        result: dict[str, Any] = {"GlobalSettings": settings}
        if updated is not None:
            result["LastUpdateTime"] = updated
        return ActionResult(result)

    def update_global_settings(self) -> EmptyResult:
        self.backup_backend.update_global_settings(self._get_param("GlobalSettings"))
        return EmptyResult()

    def describe_region_settings(self) -> ActionResult:
        return ActionResult(self.backup_backend.describe_region_settings())

    def update_region_settings(self) -> EmptyResult:
        self.backup_backend.update_region_settings(
            self._get_param("ResourceTypeOptInPreference"),
            self._get_param("ResourceTypeManagementPreference"),
        )
        return EmptyResult()

    def create_framework(self) -> ActionResult:
        tags = self._get_param("FrameworkTags")
        framework = self.backup_backend.create_framework(
            self._get_param("FrameworkName"),
            self._get_param("FrameworkDescription"),
            self._get_param("FrameworkControls"),
            self._get_param("IdempotencyToken"),
            tags,
        )
        return ActionResult(
            {"FrameworkName": framework.framework_name, "FrameworkArn": framework.framework_arn}
        )

    def describe_framework(self) -> ActionResult:
        return ActionResult(
            self.backup_backend.describe_framework(self._get_param("FrameworkName")).to_describe_dict()
        )

    def list_frameworks(self) -> ActionResult:
        return ActionResult({"Frameworks": [f.to_list_dict() for f in self.backup_backend.list_frameworks()]})

    def update_framework(self) -> ActionResult:
        framework = self.backup_backend.update_framework(
            self._get_param("FrameworkName"),
            self._get_param("FrameworkDescription"),
            self._get_param("FrameworkControls"),
        )
        return ActionResult(
            {
                "FrameworkName": framework.framework_name,
                "FrameworkArn": framework.framework_arn,
                "CreationTime": framework.creation_time,
            }
        )

    def delete_framework(self) -> EmptyResult:
        self.backup_backend.delete_framework(self._get_param("FrameworkName"))
        return EmptyResult()

    def create_report_plan(self) -> ActionResult:
        plan = self.backup_backend.create_report_plan(
            report_plan_name=self._get_param("ReportPlanName"),
            report_plan_description=self._get_param("ReportPlanDescription"),
            report_delivery_channel=self._get_param("ReportDeliveryChannel"),
            report_setting=self._get_param("ReportSetting"),
            report_plan_tags=self._get_param("ReportPlanTags"),
        )
        return ActionResult(
            {
                "ReportPlanName": plan.report_plan_name,
                "ReportPlanArn": plan.report_plan_arn,
                "CreationTime": plan.created_at,
            }
        )

    def describe_report_plan(self) -> ActionResult:
        plan = self.backup_backend.describe_report_plan(self._get_param("ReportPlanName"))
        return ActionResult({"ReportPlan": cast(ReportPlan, plan).to_dict()})

    def list_report_plans(self) -> ActionResult:
        return ActionResult(
            {"ReportPlans": [cast(ReportPlan, p).to_dict() for p in self.backup_backend.list_report_plans()]}
        )

    def update_report_plan(self) -> ActionResult:
        plan = self.backup_backend.update_report_plan(
            self._get_param("ReportPlanName"),
            self._get_param("ReportPlanDescription"),
            self._get_param("ReportDeliveryChannel"),
            self._get_param("ReportSetting"),
        )
        return ActionResult(
            {
                "ReportPlanName": plan.report_plan_name,
                "ReportPlanArn": plan.report_plan_arn,
                "CreationTime": plan.created_at,
            }
        )

    def delete_report_plan(self) -> EmptyResult:
        self.backup_backend.delete_report_plan(self._get_param("ReportPlanName"))
        return EmptyResult()


def run_schedules(start: float, end: float) -> None:
    """Run every existing account and Region's scheduled backups for ``(start, end]``, in order."""
    for account_id in sorted(dict.keys(_models.backup_backends)):
        per_account = dict.__getitem__(_models.backup_backends, account_id)
        for region in sorted(dict.keys(per_account)):
            backend = dict.__getitem__(per_account, region)
            if isinstance(backend, EmulatedBackupBackend):
                backend.run_schedule(start, end)


def install() -> None:
    """Swap the extended backend in for every account and Region (present and future); run the
    plans' schedules whenever the emulator clock advances."""
    swap_backend_class(_models.backup_backends, EmulatedBackupBackend)
    clock.on_advance(run_schedules)


def backend(account_id: str, region_name: str) -> EmulatedBackupBackend:
    """The emulated AWS Backup of one account and Region (for helpers and assertions)."""
    return cast(EmulatedBackupBackend, _models.backup_backends[account_id][region_name])
