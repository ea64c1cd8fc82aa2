"""Responses of the emulated AWS Backup (:mod:`.models`)."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import unquote

from moto.backup import models as _models
from moto.backup.responses import BackupResponse
from moto.core.responses import ActionResult, EmptyResult

from .models import EmulatedBackupBackend
from .state import ReportPlan


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
