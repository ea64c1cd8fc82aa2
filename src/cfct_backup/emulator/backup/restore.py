"""AWS Backup restores: what moto 5.2.x lacks, with the refusals AWS documents.

Extends the emulated AWS Backup (:mod:`.models`) through a subclass of its backend and response,
swapped in by :func:`install` (after ``backup.install``), with:

- what a recovery point holds: at ``StartBackupJob`` (on-demand or scheduled) the content of the
  resource as it is then (a DynamoDB table's key schema and items, an S3 bucket's objects, an EC2
  instance's image and type), carried along by every copy job, so that a restore gives back the
  data of the backup time, not of the restore time;
- restore jobs: ``StartRestoreJob``, ``DescribeRestoreJob``, ``ListRestoreJobs``,
  ``GetRestoreJobMetadata`` (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_StartRestoreJob.html).
  The restored resource appears in the account and Region of the vault; the job runs
  ``RESTORE_SECONDS`` of emulated time (``RUNNING`` until the clock passes its completion date);
- ``PutRestoreValidationResult`` (API_PutRestoreValidationResult.html: FAILED | SUCCESSFUL |
  TIMED_OUT | VALIDATING; for a restore job of a restore testing plan);
- restore testing plans and selections (Create/Get/List/Delete) and their scheduled runs on
  ``clock.advance``: the latest recovery point of each selected resource in the plan's vaults and
  selection window is restored with inferred metadata, and deleted when the selection's
  validation window has passed (``DeletionStatus``);
- logically air-gapped vaults (``CreateLogicallyAirGappedBackupVault``): always locked in
  compliance mode, ``MinRetentionDays`` at least 7, AWS owned key unless ``EncryptionKeyArn``;
  copy jobs into them as into any vault; a restore from one shared with the account through AWS RAM.

Refusals (each with its page):

- no ``IamRoleArn`` / ``RecoveryPointArn`` / ``Metadata``: MissingParameterValueException (the
  three are required, API_StartRestoreJob.html);
- a role of another account, a role that does not exist or whose trust policy does not let
  ``backup.amazonaws.com`` assume it: the job FAILS (https://docs.aws.amazon.com/aws-backup/latest/
  devguide/iam-service-roles.html: AWS Backup assumes the role you pass);
- a recovery point of another account: refused unless it is in a logically air-gapped vault shared
  with this account through AWS RAM (https://docs.aws.amazon.com/aws-backup/latest/devguide/
  logicallyairgappedvault.html, "Share a logically air-gapped vault");
- a DynamoDB restore without ``targetTableName`` or onto a table that exists, an S3 restore onto a
  bucket that exists with ``NewBucket`` true: the job FAILS;
- ``PutRestoreValidationResult`` for a job that is not COMPLETED or not of a restore testing plan:
  InvalidRequestException;
- a logically air-gapped vault with ``MinRetentionDays`` below 7 or above ``MaxRetentionDays``:
  InvalidParameterValueException (API_CreateLogicallyAirGappedBackupVault.html).

Not modelled (listed in every simulate report, ``LENIENCIES``): the caller's ``iam:PassRole`` on
the restore role and ``backup:StartRestoreJob`` permission; KMS access of the restore role to the
recovery point's key; restore of EBS/RDS/EFS and the other types (the job FAILS: stricter);
multi-party approval and restore access vaults (API only, not emulated).
"""

from __future__ import annotations

import fnmatch
import json
import re
import uuid
import weakref
from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import unquote

from moto.backup import models as _models
from moto.backup.exceptions import (
    AlreadyExistsException,
    InvalidParameterValueException,
    InvalidRequestException,
    ResourceNotFoundException,
)

from cfct_backup.policy.evaluator import PolicyError, Request, policy_match

from .. import clock
from .._moto import url_module
from . import schedule
from .models import URL_BASES, EmulatedBackupBackend
from .rules import DAY, require
from .state import BackupJob, BackupVault, CopyJob, RecoveryPoint

# Emulated duration of a restore job per resource type, seconds (AWS does not state one; the
# simulation measures the restore duration on the emulated clock from these).
RESTORE_SECONDS: dict[str, float] = {"DynamoDB": 420.0, "S3": 300.0, "EC2": 600.0}
RESTORABLE = frozenset(RESTORE_SECONDS)
# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutRestoreValidationResult.html
VALIDATION_STATUSES = frozenset({"FAILED", "SUCCESSFUL", "TIMED_OUT", "VALIDATING"})
# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateLogicallyAirGappedBackupVault.html
LAG_MIN_RETENTION_DAYS = 7
LAG_VAULT_TYPE = "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"
# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingRecoveryPointSelection.html
SELECTION_WINDOW_DAYS = (1, 365)
DEFAULT_SELECTION_WINDOW_DAYS = 30
# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingSelectionForList.html
VALIDATION_WINDOW_HOURS = (0, 168)
# Restore testing plan and selection names: "alphanumeric characters and underscores", at most 50.
TESTING_NAME = re.compile(r"^[a-zA-Z0-9_]{1,50}$")
# https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html
RESTORE_TEST_PREFIX = "awsbackup-restore-test-"
BACKUP_PRINCIPAL = "backup.amazonaws.com"

LENIENCIES = (
    "StartRestoreJob: the caller's iam:PassRole on the restore role and its backup:StartRestoreJob "
    "permission are not evaluated",
    "restore jobs: the restore role's KMS access to the recovery point's key is not checked",
    "restore testing: every selected resource is tested on each run (AWS may sample)",
    "multi-party approval and restore access backup vaults are not emulated (API only)",
    "restore role trust: aws:SourceAccount is taken as the restoring account (assumed to be sent by "
    "AWS Backup, as the member baseline's service role assumes too)",
)

# What each recovery point holds (see module docstring); weak so that moto's reset frees them.
_CONTENT: weakref.WeakKeyDictionary[RecoveryPoint, dict[str, Any]] = weakref.WeakKeyDictionary()


def _arn_parts(arn: str) -> tuple[str, str, str, str]:
    parts = arn.split(":", 5)
    if len(parts) < 6:
        raise InvalidParameterValueException(f"Invalid ARN {arn}")
    return parts[2], parts[3], parts[4], parts[5]


def _dynamodb(account: str, region: str) -> Any:
    from moto.dynamodb.models import dynamodb_backends  # noqa: PLC0415 - heavy, only when used

    return dynamodb_backends[account][region]


def _s3(account: str) -> Any:
    from moto.s3.models import s3_backends  # noqa: PLC0415

    return s3_backends[account]["aws"]


def _ec2(account: str, region: str) -> Any:
    from moto.ec2.models import ec2_backends  # noqa: PLC0415

    return ec2_backends[account][region]


def capture(resource_arn: str) -> dict[str, Any] | None:
    """The content of a resource as a backup of it now would hold (None: nothing to capture)."""
    service, region, account, resource = _arn_parts(resource_arn)
    try:
        if service == "dynamodb" and resource.startswith("table/"):
            table = _dynamodb(account, region).get_table(resource.split("/")[1])
            return {
                "type": "DynamoDB",
                "schema": [dict(k) for k in table.schema],
                "attr": [dict(a) for a in table.attr],
                "items": [item.to_json()["Attributes"] for item in table.all_items()],
            }
        if service == "s3":
            bucket = _s3(account).get_bucket(resource)
            return {
                "type": "S3",
                "objects": {key: bytes(obj.value) for key, obj in bucket.keys.items()},
            }
        if service == "ec2" and resource.startswith("instance/"):
            instance = _ec2(account, region).get_instance(resource.split("/")[1])
            return {"type": "EC2", "image_id": instance.image_id, "instance_type": instance.instance_type}
    except Exception:  # noqa: BLE001 - the resource is gone or unreadable: the backup holds nothing
        return None
    return None


def _trusts_backup(account: str, partition: str, role_arn: str) -> str | None:
    """Why AWS Backup cannot assume ``role_arn`` in ``account`` (None: it can)."""
    from moto.iam.models import iam_backends  # noqa: PLC0415

    if _arn_parts(role_arn)[2] != account:
        return f"IAM role {role_arn} is not in account {account} (the restoring account's own role is needed)"
    per_account = dict.get(iam_backends, account)
    iam = None if per_account is None else dict.get(per_account, partition)
    role = None if iam is None else next((r for r in iam.roles.values() if r.arn == role_arn), None)
    if role is None:
        return f"IAM role {role_arn} does not exist"
    try:
        document = json.loads(unquote(role.assume_role_policy_document))
    except (TypeError, ValueError):
        return f"IAM role {role_arn} has no readable trust policy"
    # AWS Backup assuming the role for a job of `account` (aws:SourceAccount is that account), decided
    # by the one evaluator over the trust policy: a condition on any other key does not hold (stricter)
    request = Request(
        action="sts:AssumeRole",
        resource=role_arn,
        principal_arn=BACKUP_PRINCIPAL,
        context={"aws:SourceAccount": account},
    )
    try:
        admitted = policy_match(document, request, "Deny", resource_policy=True) is None and (
            policy_match(document, request, "Allow", resource_policy=True) is not None
        )
    except PolicyError:
        admitted = False
    if admitted:
        return None
    return f"IAM role {role_arn} cannot be assumed by {BACKUP_PRINCIPAL} (its trust policy does not allow it)"


class RestoreJob:
    def __init__(
        self,
        account_id: str,
        region: str,
        point: RecoveryPoint,
        role: str,
        metadata: Mapping[str, str],
        *,
        testing: Mapping[str, Any] | None = None,
        at: float | None = None,
    ):
        self.restore_job_id = str(uuid.uuid4()).upper()
        self.account_id = account_id
        self.region = region
        self.point = point
        self.role = role
        self.metadata = dict(metadata)
        self.creation_date = clock.now() if at is None else at
        self.completion_date = self.creation_date + RESTORE_SECONDS.get(point.resource_type, 60.0)
        self.failure: str | None = None
        self.created_resource_arn: str | None = None
        self.testing = dict(testing or {})  # RestoreTestingPlanArn, ValidationWindowHours
        self.validation_status: str | None = None
        self.validation_message: str | None = None
        self.deletion_status: str | None = None
        self.deletion_message: str | None = None

    @property
    def status(self) -> str:
        if self.failure:
            return "FAILED"
        return "COMPLETED" if clock.now() >= self.completion_date else "RUNNING"

    def to_dict(self) -> dict[str, Any]:
        done = self.status != "RUNNING"
        result: dict[str, Any] = {
            "AccountId": self.account_id,
            "RestoreJobId": self.restore_job_id,
            "RecoveryPointArn": self.point.recovery_point_arn,
            "SourceResourceArn": self.point.resource_arn,
            "BackupVaultArn": self.point.vault.backup_vault_arn,
            "RecoveryPointCreationDate": self.point.creation_date,
            "CreationDate": self.creation_date,
            "Status": self.status,
            "PercentDone": "100.0" if done else "50.0",
            "BackupSizeInBytes": 0,
            "IamRoleArn": self.role,
            "ResourceType": self.point.resource_type,
            "ExpectedCompletionTimeMinutes": round((self.completion_date - self.creation_date) / 60),
        }
        if done:
            result["CompletionDate"] = self.creation_date if self.failure else self.completion_date
        if self.failure:
            result["StatusMessage"] = self.failure
        if self.created_resource_arn and not self.failure:
            result["CreatedResourceArn"] = self.created_resource_arn
        if self.testing:
            result["CreatedBy"] = {"RestoreTestingPlanArn": self.testing["RestoreTestingPlanArn"]}
        for key, value in (
            ("ValidationStatus", self.validation_status),
            ("ValidationStatusMessage", self.validation_message),
            ("DeletionStatus", self.deletion_status),
            ("DeletionStatusMessage", self.deletion_message),
        ):
            if value is not None:
                result[key] = value
        return result


class RestoreBackupBackend(EmulatedBackupBackend):
    """The emulated AWS Backup plus restores, restore testing and logically air-gapped vaults."""

    def _init_extension(self) -> None:
        super()._init_extension()
        self.restore_jobs: dict[str, RestoreJob] = {}
        self.testing_plans: dict[str, dict[str, Any]] = {}
        self.testing_selections: dict[str, dict[str, dict[str, Any]]] = {}

    @property
    def _url_module(self) -> Any:
        from .restore_responses import RestoreBackupResponse  # noqa: PLC0415 - it imports this module

        return url_module(URL_BASES, {"{0}/.*": RestoreBackupResponse.dispatch})

    # -- what a recovery point holds -------------------------------------------------------------

    def start_backup_job(self, *args: Any, **kwargs: Any) -> BackupJob:
        job = super().start_backup_job(*args, **kwargs)
        if job.recovery_point is not None:
            content = capture(job.resource_arn)
            if content is not None:
                _CONTENT[job.recovery_point] = content
        return job

    def start_copy_job(self, *args: Any, **kwargs: Any) -> CopyJob:
        job = super().start_copy_job(*args, **kwargs)
        if job.copied is not None and job.source in _CONTENT:
            _CONTENT[job.copied] = _CONTENT[job.source]
        return job

    # -- logically air-gapped vaults -------------------------------------------------------------

    def create_logically_air_gapped_backup_vault(  # noqa: PLR0917 - the API's parameters
        self,
        name: str,
        tags: Mapping[str, str] | None,
        min_retention_days: Any,
        max_retention_days: Any,
        encryption_key_arn: str | None,
        creator_request_id: str | None,
    ) -> BackupVault:
        require(min_retention_days, "MinRetentionDays")
        require(max_retention_days, "MaxRetentionDays")
        low, high = int(min_retention_days), int(max_retention_days)
        if low < LAG_MIN_RETENTION_DAYS:
            raise InvalidParameterValueException(
                f"MinRetentionDays of a logically air-gapped vault must be at least {LAG_MIN_RETENTION_DAYS}"
            )
        if high < low or high > 36500:
            raise InvalidParameterValueException(
                "MaxRetentionDays must be at least MinRetentionDays, at most 36500"
            )
        vault = self.create_backup_vault(name, dict(tags or {}), encryption_key_arn or "", creator_request_id)
        vault.vault_type = LAG_VAULT_TYPE  # type: ignore[attr-defined]
        # AWS owned key by default (not a key of the account): no key to grant or share.
        vault.aws_owned_key = not encryption_key_arn  # type: ignore[attr-defined]
        vault.aws_managed_key = False
        # Always in compliance mode: the lock is immutable from the start (logicallyairgappedvault.html).
        vault.locked = True
        vault.min_retention_days, vault.max_retention_days = low, high
        vault.lock_date = clock.now()
        return vault

    def _shared_point(self, recovery_point_arn: str) -> RecoveryPoint | None:
        """A recovery point of another account's logically air-gapped vault shared with this one by RAM."""
        _service, region, owner, _resource = _arn_parts(recovery_point_arn)
        if owner == self.account_id:
            return None
        other = cast(RestoreBackupBackend, _models.backup_backends[owner][region])
        for vault in other.vaults.values():
            point = cast(BackupVault, vault).recovery_points.get(recovery_point_arn)
            if point is None:
                continue
            if getattr(vault, "vault_type", "BACKUP_VAULT") != LAG_VAULT_TYPE:
                return None
            if shared_by_ram(owner, region, cast(BackupVault, vault).backup_vault_arn, self.account_id):
                return point
            return None
        return None

    # -- restore jobs ----------------------------------------------------------------------------

    def _find_point(self, recovery_point_arn: str) -> RecoveryPoint:
        for vault in self.vaults.values():
            point = cast(BackupVault, vault).recovery_points.get(recovery_point_arn)
            if point is not None:
                return point
        shared = self._shared_point(recovery_point_arn)
        if shared is not None:
            return shared
        raise ResourceNotFoundException(
            f"Recovery point {recovery_point_arn} not found in account {self.account_id} "
            "(a recovery point of another account is restorable only from a logically air-gapped "
            "vault shared through AWS RAM)"
        )

    def start_restore_job(
        self,
        recovery_point_arn: str | None,
        metadata: Mapping[str, str] | None,
        iam_role_arn: str | None,
        resource_type: str | None = None,
        *,
        testing: Mapping[str, Any] | None = None,
        at: float | None = None,
    ) -> RestoreJob:
        require(recovery_point_arn, "RecoveryPointArn")
        require(metadata, "Metadata")
        require(iam_role_arn, "IamRoleArn")
        point = self._find_point(str(recovery_point_arn))
        job = RestoreJob(
            self.account_id,
            self.region_name,
            point,
            str(iam_role_arn),
            dict(metadata or {}),
            testing=testing,
            at=at,
        )
        self.restore_jobs[job.restore_job_id] = job
        job.failure = _trusts_backup(self.account_id, self.partition, str(iam_role_arn))
        if job.failure is None and resource_type and resource_type != point.resource_type:
            job.failure = (
                f"ResourceType {resource_type} does not match the recovery point's {point.resource_type}"
            )
        if job.failure is None:
            job.failure = self._restore(job)
        return job

    def _restore(self, job: RestoreJob) -> str | None:
        """Create the restored resource; the reason the job fails, if it does."""
        kind = job.point.resource_type
        if kind not in RESTORABLE:
            return f"restore of {kind} is not emulated"
        content = _CONTENT.get(job.point)
        if content is None:
            return "the recovery point holds no content the emulator captured (unreadable at backup time)"
        meta = {k.lower(): v for k, v in job.metadata.items()}
        if kind == "DynamoDB":
            name = meta.get("targettablename")
            if not name:
                return "Metadata targetTableName is required to restore a DynamoDB table"
            dynamodb = _dynamodb(self.account_id, self.region_name)
            if name in dynamodb.tables:
                return f"Table {name} already exists"
            table = dynamodb.create_table(
                name,
                schema=content["schema"],
                throughput=None,
                attr=content["attr"],
                global_indexes=None,
                indexes=None,
                streams=None,
                billing_mode="PAY_PER_REQUEST",
                sse_specification=None,
                tags=[],
                deletion_protection_enabled=False,
                warm_throughput=None,
            )
            for item in content["items"]:
                dynamodb.put_item(name, item)
            job.created_resource_arn = table.table_arn
            return None
        if kind == "S3":
            name = meta.get("destinationbucketname")
            if not name:
                return "Metadata DestinationBucketName is required to restore an S3 bucket"
            s3 = _s3(self.account_id)
            if str(meta.get("newbucket", "true")).lower() == "true":
                if name in s3.buckets:
                    return f"Bucket {name} already exists"
                s3.create_bucket(name, self.region_name)
            elif name not in s3.buckets:
                return f"Bucket {name} does not exist (NewBucket false)"
            for key, body in content["objects"].items():
                s3.put_object(name, key, body)
            job.created_resource_arn = f"arn:{self.partition}:s3:::{name}"
            return None
        ec2 = _ec2(self.account_id, self.region_name)
        reservation = ec2.run_instances(
            content["image_id"], 1, None, [], instance_type=meta.get("instancetype", content["instance_type"])
        )
        instance = reservation.instances[0]
        job.created_resource_arn = (
            f"arn:{self.partition}:ec2:{self.region_name}:{self.account_id}:instance/{instance.id}"
        )
        return None

    def delete_restored(self, job: RestoreJob) -> None:
        """Delete what a restore test created (after its validation window)."""
        arn = job.created_resource_arn
        if not arn:
            return
        service, region, account, resource = _arn_parts(arn)
        try:
            if service == "dynamodb":
                _dynamodb(account, region).delete_table(resource.split("/")[1])
            elif service == "s3":
                s3 = _s3(self.account_id)
                for key in list(s3.get_bucket(resource).keys):
                    s3.delete_object(resource, key)
                s3.delete_bucket(resource)
            else:
                _ec2(account, region).terminate_instances([resource.split("/")[1]])
            job.deletion_status = "SUCCESSFUL"
        except Exception as exc:  # noqa: BLE001 - reported as AWS reports a failed deletion
            job.deletion_status = "FAILED"
            job.deletion_message = str(exc)

    def describe_restore_job(self, restore_job_id: str) -> RestoreJob:
        job = self.restore_jobs.get(restore_job_id)
        if job is None:
            raise ResourceNotFoundException(f"Restore job {restore_job_id} not found")
        return job

    def put_restore_validation_result(
        self, restore_job_id: str, status: str | None, message: str | None
    ) -> None:
        job = self.describe_restore_job(restore_job_id)
        require(status, "ValidationStatus")
        if status not in VALIDATION_STATUSES:
            raise InvalidParameterValueException(f"Invalid ValidationStatus {status}")
        if not job.testing:
            raise InvalidRequestException(
                msg=f"Restore job {restore_job_id} was not started by a restore testing plan"
            )
        if job.status != "COMPLETED":
            raise InvalidRequestException(msg=f"Restore job {restore_job_id} is {job.status}, not COMPLETED")
        job.validation_status = status
        job.validation_message = message

    # -- restore testing -------------------------------------------------------------------------

    def _testing_arn(self, name: str) -> str:
        return f"arn:{self.partition}:backup:{self.region_name}:{self.account_id}:restore-testing-plan:{name}"

    def create_restore_testing_plan(self, plan: Mapping[str, Any] | None, tags: Any = None) -> dict[str, Any]:
        plan = dict(require(plan, "RestoreTestingPlan"))
        name = str(require(plan.get("RestoreTestingPlanName"), "RestoreTestingPlanName"))
        if not TESTING_NAME.match(name):
            raise InvalidParameterValueException(
                f"Invalid RestoreTestingPlanName {name!r}: letters, digits and underscores, at most 50"
            )
        if name in self.testing_plans:
            raise AlreadyExistsException(msg=f"Restore testing plan {name} already exists")
        selection = dict(require(plan.get("RecoveryPointSelection"), "RecoveryPointSelection"))
        for key in ("Algorithm", "RecoveryPointTypes", "IncludeVaults"):
            require(selection.get(key), f"RecoveryPointSelection.{key}")
        if selection["Algorithm"] not in ("LATEST_WITHIN_WINDOW", "RANDOM_WITHIN_WINDOW"):
            raise InvalidParameterValueException(f"Invalid Algorithm {selection['Algorithm']}")
        window = int(selection.get("SelectionWindowDays") or DEFAULT_SELECTION_WINDOW_DAYS)
        if not SELECTION_WINDOW_DAYS[0] <= window <= SELECTION_WINDOW_DAYS[1]:
            raise InvalidParameterValueException("SelectionWindowDays must be between 1 and 365")
        expression = str(require(plan.get("ScheduleExpression"), "ScheduleExpression"))
        try:
            schedule.occurrences(expression, plan.get("ScheduleExpressionTimezone"), 0.0, 1.0)
        except (ValueError, KeyError) as exc:
            raise InvalidParameterValueException(f"Invalid ScheduleExpression {expression}: {exc}") from None
        start_window = plan.get("StartWindowHours")
        if start_window is not None and not 1 <= int(start_window) <= 168:
            raise InvalidParameterValueException("StartWindowHours must be between 1 and 168")
        record = {
            **plan,
            "RecoveryPointSelection": selection,
            "RestoreTestingPlanArn": self._testing_arn(name),
            "CreationTime": clock.now(),
        }
        self.testing_plans[name] = record
        self.testing_selections[name] = {}
        return record

    def _testing_plan(self, name: str) -> dict[str, Any]:
        plan = self.testing_plans.get(name)
        if plan is None:
            raise ResourceNotFoundException(f"Restore testing plan {name} not found")
        return plan

    def delete_restore_testing_plan(self, name: str) -> None:
        self._testing_plan(name)
        if self.testing_selections.get(name):
            raise InvalidRequestException(msg=f"Restore testing plan {name} still has selections")
        del self.testing_plans[name]
        self.testing_selections.pop(name, None)

    def create_restore_testing_selection(
        self, plan_name: str, selection: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        self._testing_plan(plan_name)
        selection = dict(require(selection, "RestoreTestingSelection"))
        name = str(require(selection.get("RestoreTestingSelectionName"), "RestoreTestingSelectionName"))
        if not TESTING_NAME.match(name):
            raise InvalidParameterValueException(f"Invalid RestoreTestingSelectionName {name!r}")
        require(selection.get("IamRoleArn"), "IamRoleArn")
        require(selection.get("ProtectedResourceType"), "ProtectedResourceType")
        if name in self.testing_selections[plan_name]:
            raise AlreadyExistsException(msg=f"Restore testing selection {name} already exists")
        hours = int(selection.get("ValidationWindowHours") or 0)
        if not VALIDATION_WINDOW_HOURS[0] <= hours <= VALIDATION_WINDOW_HOURS[1]:
            raise InvalidParameterValueException("ValidationWindowHours must be between 0 and 168")
        if selection.get("ProtectedResourceArns") and selection.get("ProtectedResourceConditions"):
            raise InvalidParameterValueException(
                "ProtectedResourceArns and ProtectedResourceConditions cannot be used together"
            )
        record = {**selection, "RestoreTestingPlanName": plan_name, "CreationTime": clock.now()}
        self.testing_selections[plan_name][name] = record
        return record

    def delete_restore_testing_selection(self, plan_name: str, name: str) -> None:
        self._testing_plan(plan_name)
        if name not in self.testing_selections[plan_name]:
            raise ResourceNotFoundException(f"Restore testing selection {name} not found")
        del self.testing_selections[plan_name][name]

    def run_restore_tests(self, start: float, end: float) -> None:
        """Scheduled restore tests in ``(start, end]``, then the deletions whose window has passed."""
        for plan in list(self.testing_plans.values()):
            try:
                times = schedule.occurrences(
                    str(plan["ScheduleExpression"]), plan.get("ScheduleExpressionTimezone"), start, end
                )
            except (ValueError, KeyError):
                continue
            for when in times[-1:]:  # one run per advance: a test restores the latest state
                for selection in self.testing_selections.get(plan["RestoreTestingPlanName"], {}).values():
                    for point in self._testing_candidates(plan, selection, when):
                        self._start_test(plan, selection, point, when)
        for job in self.restore_jobs.values():
            if not job.testing or job.deletion_status is not None or job.status != "COMPLETED":
                continue
            if end >= job.completion_date + float(job.testing.get("ValidationWindowHours", 0)) * 3600:
                self.delete_restored(job)

    def _testing_candidates(
        self, plan: Mapping[str, Any], selection: Mapping[str, Any], when: float
    ) -> list[RecoveryPoint]:
        choice = plan["RecoveryPointSelection"]
        window = float(choice.get("SelectionWindowDays") or DEFAULT_SELECTION_WINDOW_DAYS) * DAY
        include = [str(v) for v in choice.get("IncludeVaults") or []]
        exclude = [str(v) for v in choice.get("ExcludeVaults") or []]
        arns = [str(a) for a in selection.get("ProtectedResourceArns") or ["*"]]
        conditions = selection.get("ProtectedResourceConditions") or {}
        tags: dict[str, dict[str, str]] | None = None
        if conditions:  # on the resource's tags now (a deleted resource matches no condition)
            tags = dict(schedule.tagged_resources(self.account_id, self.region_name, self.partition))
        latest: dict[str, RecoveryPoint] = {}
        for vault in self.vaults.values():
            arn = cast(BackupVault, vault).backup_vault_arn
            if not any(fnmatch.fnmatchcase(arn, p) for p in include) or any(
                fnmatch.fnmatchcase(arn, p) for p in exclude
            ):
                continue
            for point in cast(BackupVault, vault).recovery_points.values():
                if point.resource_type != selection["ProtectedResourceType"]:
                    continue
                if not when - window <= point.creation_date <= when:
                    continue
                if not any(fnmatch.fnmatchcase(point.resource_arn, p) for p in arns):
                    continue
                if tags is not None and not _conditions_match(conditions, tags.get(point.resource_arn)):
                    continue
                known = latest.get(point.resource_arn)
                if known is None or point.creation_date > known.creation_date:
                    latest[point.resource_arn] = point
        return list(latest.values())

    def _start_test(
        self, plan: Mapping[str, Any], selection: Mapping[str, Any], point: RecoveryPoint, when: float
    ) -> None:
        suffix = uuid.uuid4().hex[:12]
        inferred = {
            "DynamoDB": {"targetTableName": f"{RESTORE_TEST_PREFIX}{suffix}", "deletionProtection": "false"},
            "S3": {"DestinationBucketName": f"{RESTORE_TEST_PREFIX}{suffix}", "NewBucket": "true"},
            "EC2": {"disableApiTermination": "false"},
        }.get(point.resource_type, {})
        metadata = {**inferred, **dict(selection.get("RestoreMetadataOverrides") or {})}
        self.start_restore_job(
            point.recovery_point_arn,
            metadata,
            str(selection["IamRoleArn"]),
            testing={
                "RestoreTestingPlanArn": plan["RestoreTestingPlanArn"],
                "ValidationWindowHours": int(selection.get("ValidationWindowHours") or 0),
            },
            at=when,
        )


def _conditions_match(conditions: Mapping[str, Any], tags: Mapping[str, str] | None) -> bool:
    """ProtectedResourceConditions (StringEquals / StringNotEquals on ``aws:ResourceTag/<key>``, all
    must hold; API_ProtectedResourceConditions.html) against a resource's tags."""
    if tags is None:
        return False
    for operator_name, pairs in conditions.items():
        for pair in pairs or []:
            key = str(pair.get("Key", ""))
            if not key.startswith("aws:ResourceTag/"):
                return False
            value = tags.get(key[len("aws:ResourceTag/") :])
            equal = value == str(pair.get("Value"))
            if (operator_name == "StringEquals") != equal:
                return False
    return True


def shared_by_ram(owner: str, region: str, resource_arn: str, principal_account: str) -> bool:
    """Whether ``owner`` shares ``resource_arn`` with ``principal_account`` through an active AWS RAM
    resource share (the account itself, or its organization/OU as principal is not modelled: only
    account IDs count, stricter)."""
    try:
        from moto.ram.models import ram_backends  # noqa: PLC0415
    except ImportError:  # pragma: no cover - moto always ships RAM
        return False
    backend = ram_backends[owner][region]
    for share in getattr(backend, "resource_shares", []):
        if getattr(share, "status", "ACTIVE") != "ACTIVE":
            continue
        if resource_arn in getattr(share, "resource_arns", []) and principal_account in getattr(
            share, "principals", []
        ):
            return True
    return False
