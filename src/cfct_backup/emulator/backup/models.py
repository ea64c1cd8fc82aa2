"""AWS Backup: what moto 5.2.x lacks, with the validation AWS documents.

moto 5.2.5 implements backup plans (create/get/list/delete), vaults (create/describe/list/delete),
the Vault Lock bounds, report plans (create/describe/list/delete) and tags. This module extends
moto's ``BackupBackend`` (its responses: :mod:`.responses`) with:

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

import json
import re
from collections.abc import Mapping
from typing import Any, cast

from botocore.session import get_session
from moto.backup import models as _models
from moto.backup.exceptions import (
    AlreadyExistsException,
    InvalidParameterValueException,
    InvalidRequestException,
    ResourceNotFoundException,
)
from moto.core.exceptions import JsonRESTError
from moto.organizations.models import organizations_backends

from cfct_backup.backup_policy import backup_plans

from .. import clock
from .._moto import url_module
from ..iam.policies import organization
from .copy_policy import copy_allowed
from .exceptions import ConflictException
from .keys import copy_key_failure
from .reports import check_delivery
from .rules import (
    AUDIT_NAME,
    DAY,
    DEFAULT_GLOBAL_SETTINGS,
    DEFAULT_MANAGEMENT,
    DEFAULT_OPT_IN,
    SELECTION_NAME,
    VAULT_NAME,
    require,
    resource_type_of,
    validate_controls,
    validate_report_plan,
)
from .state import (
    ORGS_PLAN_PREFIX,
    BackupJob,
    BackupSelection,
    BackupVault,
    CopyJob,
    Framework,
    ManagedPlan,
    RecoveryPoint,
    ReportPlan,
    managed_plan_id,
    managed_refusal,
)

URL_BASES = [r"https?://backup\.(.+)\.amazonaws\.com"]


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
        from .responses import EmulatedBackupResponse  # noqa: PLC0415 - responses import this module

        return url_module(URL_BASES, {"{0}/.*": EmulatedBackupResponse.dispatch})

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
        require(sns_topic_arn, "SNSTopicArn")
        events = require(backup_vault_events, "BackupVaultEvents")
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
        require(iam_role_arn, "IamRoleArn")
        require(resource_arn, "ResourceArn")
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
        require(iam_role_arn, "IamRoleArn")
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
        if failure is None and destination is not None:  # the resource's own key (keys.py)
            failure = copy_key_failure(
                source.resource_arn, self.account_id, self.region_name, account, region
            )
        if failure is None and destination is not None:  # both vaults' access policies, the SCPs
            from ..iam.copy_jobs import copy_refusal  # noqa: PLC0415

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
        org = organization(self.account_id, self.partition)
        if org is None or organization(destination.account_id, self.partition) is not org:
            return "Cross-account copy requires the source and destination accounts in the same organization"
        management = cast(EmulatedBackupBackend, _models.backup_backends[org.account_id][self.region_name])
        settings, _ = management.describe_global_settings()
        if settings.get("isCrossAccountBackupEnabled") != "true":
            return "Cross-account backup is not enabled for the organization (UpdateGlobalSettings)"
        if source.vault.aws_managed_key:
            return (
                "Cross-account copy is not supported for recovery points encrypted with the AWS managed key"
            )
        if not copy_allowed(
            destination.access_policy, self.account_id, role_arn, destination.backup_vault_arn, self.partition
        ):
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
        org = organization(self.account_id, self.partition)
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
            raise managed_refusal(backup_plan_id)
        plan = self._plan(backup_plan_id)
        require(backup_plan, "BackupPlan")
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
            raise managed_refusal(backup_plan_id)
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
        selection = require(backup_selection, "BackupSelection")
        if self._managed(backup_plan_id) is not None:
            raise managed_refusal(backup_plan_id)
        if backup_plan_id not in self.plans or self.plans[backup_plan_id].deletion_date is not None:
            raise InvalidParameterValueException(f"Invalid backup plan id {backup_plan_id}")
        name = require(selection.get("SelectionName"), "BackupSelection.SelectionName")
        require(selection.get("IamRoleArn"), "BackupSelection.IamRoleArn")
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
            raise managed_refusal(backup_plan_id)
        self.get_backup_selection(backup_plan_id, selection_id)
        del self.selections[backup_plan_id][selection_id]

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
        settings = require(global_settings, "GlobalSettings")
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
        controls = validate_controls(framework_controls)
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
            framework.framework_controls = validate_controls(framework_controls)
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
        require(report_delivery_channel, "ReportDeliveryChannel")
        require(report_setting, "ReportSetting")
        validate_report_plan(report_delivery_channel, report_setting)
        check_delivery(self.account_id, report_delivery_channel, report_setting)
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
        validate_report_plan(report_delivery_channel, report_setting)
        check_delivery(
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
