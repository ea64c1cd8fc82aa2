"""Responses of the restore operations (:mod:`.restore`)."""

from __future__ import annotations

from typing import cast

from moto.backup import models as _models
from moto.backup.exceptions import (
    ResourceNotFoundException,
)
from moto.core.responses import ActionResult, EmptyResult

from .responses import EmulatedBackupResponse
from .restore import RestoreBackupBackend


class RestoreBackupResponse(EmulatedBackupResponse):
    @property
    def restore_backend(self) -> RestoreBackupBackend:
        return cast(RestoreBackupBackend, _models.backup_backends[self.current_account][self.region])

    def start_restore_job(self) -> ActionResult:
        job = self.restore_backend.start_restore_job(
            self._get_param("RecoveryPointArn"),
            self._get_param("Metadata"),
            self._get_param("IamRoleArn"),
            self._get_param("ResourceType"),
        )
        return ActionResult({"RestoreJobId": job.restore_job_id})

    def describe_restore_job(self) -> ActionResult:
        return ActionResult(
            self.restore_backend.describe_restore_job(self._get_param("RestoreJobId")).to_dict()
        )

    def get_restore_job_metadata(self) -> ActionResult:
        job = self.restore_backend.describe_restore_job(self._get_param("RestoreJobId"))
        return ActionResult({"RestoreJobId": job.restore_job_id, "Metadata": job.metadata})

    def list_restore_jobs(self) -> ActionResult:
        status = self._get_param("ByStatus")
        plan = self._get_param("ByRestoreTestingPlanArn")
        jobs = [
            j.to_dict()
            for j in self.restore_backend.restore_jobs.values()
            if (status is None or j.status == status)
            and (plan is None or j.testing.get("RestoreTestingPlanArn") == plan)
        ]
        return ActionResult({"RestoreJobs": jobs})

    def put_restore_validation_result(self) -> EmptyResult:
        self.restore_backend.put_restore_validation_result(
            self._get_param("RestoreJobId"),
            self._get_param("ValidationStatus"),
            self._get_param("ValidationStatusMessage"),
        )
        return EmptyResult()

    def create_logically_air_gapped_backup_vault(self) -> ActionResult:
        vault = self.restore_backend.create_logically_air_gapped_backup_vault(
            self._name(),
            self._get_param("BackupVaultTags"),
            self._get_param("MinRetentionDays"),
            self._get_param("MaxRetentionDays"),
            self._get_param("EncryptionKeyArn"),
            self._get_param("CreatorRequestId"),
        )
        return ActionResult(
            {
                "BackupVaultName": vault.backup_vault_name,
                "BackupVaultArn": vault.backup_vault_arn,
                "CreationDate": vault.creation_date,
                "VaultState": "AVAILABLE",
            }
        )

    def create_restore_testing_plan(self) -> ActionResult:
        plan = self.restore_backend.create_restore_testing_plan(self._get_param("RestoreTestingPlan"))
        return ActionResult(
            {
                "RestoreTestingPlanName": plan["RestoreTestingPlanName"],
                "RestoreTestingPlanArn": plan["RestoreTestingPlanArn"],
                "CreationTime": plan["CreationTime"],
            }
        )

    def get_restore_testing_plan(self) -> ActionResult:
        plan = self.restore_backend._testing_plan(self._get_param("RestoreTestingPlanName"))
        return ActionResult({"RestoreTestingPlan": plan})

    def list_restore_testing_plans(self) -> ActionResult:
        plans = [
            {
                k: p[k]
                for k in (
                    "RestoreTestingPlanName",
                    "RestoreTestingPlanArn",
                    "ScheduleExpression",
                    "CreationTime",
                )
            }
            for p in self.restore_backend.testing_plans.values()
        ]
        return ActionResult({"RestoreTestingPlans": plans})

    def delete_restore_testing_plan(self) -> ActionResult:
        self.restore_backend.delete_restore_testing_plan(self._get_param("RestoreTestingPlanName"))
        return ActionResult({})

    def create_restore_testing_selection(self) -> ActionResult:
        plan_name = self._get_param("RestoreTestingPlanName")
        record = self.restore_backend.create_restore_testing_selection(
            plan_name, self._get_param("RestoreTestingSelection")
        )
        plan = self.restore_backend._testing_plan(plan_name)
        return ActionResult(
            {
                "RestoreTestingPlanName": plan_name,
                "RestoreTestingPlanArn": plan["RestoreTestingPlanArn"],
                "RestoreTestingSelectionName": record["RestoreTestingSelectionName"],
                "CreationTime": record["CreationTime"],
            }
        )

    def get_restore_testing_selection(self) -> ActionResult:
        plan_name = self._get_param("RestoreTestingPlanName")
        self.restore_backend._testing_plan(plan_name)
        selection = self.restore_backend.testing_selections[plan_name].get(
            self._get_param("RestoreTestingSelectionName")
        )
        if selection is None:
            raise ResourceNotFoundException("Restore testing selection not found")
        return ActionResult({"RestoreTestingSelection": selection})

    def list_restore_testing_selections(self) -> ActionResult:
        plan_name = self._get_param("RestoreTestingPlanName")
        self.restore_backend._testing_plan(plan_name)
        selections = [
            {
                k: s[k]
                for k in (
                    "RestoreTestingSelectionName",
                    "RestoreTestingPlanName",
                    "ProtectedResourceType",
                    "IamRoleArn",
                    "CreationTime",
                )
            }
            for s in self.restore_backend.testing_selections[plan_name].values()
        ]
        return ActionResult({"RestoreTestingSelections": selections})

    def delete_restore_testing_selection(self) -> EmptyResult:
        self.restore_backend.delete_restore_testing_selection(
            self._get_param("RestoreTestingPlanName"), self._get_param("RestoreTestingSelectionName")
        )
        return EmptyResult()
