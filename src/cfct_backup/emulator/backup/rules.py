"""AWS Backup's documented names, bounds, defaults and types, each with its page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from moto.backup.exceptions import (
    InvalidParameterValueException,
)

from .exceptions import MissingParameterValueException

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


def require(value: Any, name: str) -> Any:
    if value is None or value in ("", []):
        raise MissingParameterValueException(f"{name} is required")
    return value


def validate_report_plan(
    delivery_channel: Mapping[str, Any] | None, setting: Mapping[str, Any] | None
) -> None:
    # https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ReportDeliveryChannel.html
    if delivery_channel is not None:
        require(delivery_channel.get("S3BucketName"), "ReportDeliveryChannel.S3BucketName")
        for fmt in delivery_channel.get("Formats") or []:
            if fmt not in REPORT_FORMATS:
                raise InvalidParameterValueException(f"Invalid report format {fmt}; valid: CSV, JSON")
    if setting is not None:
        template = require(setting.get("ReportTemplate"), "ReportSetting.ReportTemplate")
        if template not in REPORT_TEMPLATES:
            raise InvalidParameterValueException(f"Invalid ReportTemplate {template}")


def validate_controls(controls: Any) -> list[dict[str, Any]]:
    if not isinstance(controls, list) or not controls:
        raise InvalidParameterValueException("FrameworkControls must contain at least one control")
    for control in controls:
        name = control.get("ControlName") if isinstance(control, dict) else None
        if name not in FRAMEWORK_CONTROLS:
            raise InvalidParameterValueException(f"Invalid control name: {name}")
    return list(controls)
