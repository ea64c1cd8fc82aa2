"""``AWS::Backup::*`` through the emulated AWS Backup (:mod:`..backup`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Self

from moto.core.common_models import CloudFormationModel

from ..backup import backend as backup_backend
from ..backup.models import EmulatedBackupBackend
from .models import Properties, Resource, ValidationError, audit_name, json_text, tag_map


class BackupVaultResource(Resource, CloudFormationModel):
    TYPE = "AWS::Backup::BackupVault"
    NAME_PROPERTY = "BackupVaultName"
    ATTRIBUTES = frozenset({"BackupVaultName", "BackupVaultArn"})

    @staticmethod
    def _configure(vault_name: str, props: Mapping[str, Any], backend: EmulatedBackupBackend) -> None:
        if props.get("AccessPolicy") is not None:
            backend.put_backup_vault_access_policy(vault_name, json_text(props["AccessPolicy"]))
        else:
            backend.delete_backup_vault_access_policy(vault_name)
        notifications = props.get("Notifications")
        if notifications:
            backend.put_backup_vault_notifications(
                vault_name, notifications.get("SNSTopicArn"), notifications.get("BackupVaultEvents")
            )
        else:
            backend.delete_backup_vault_notifications(vault_name)
        lock = props.get("LockConfiguration")
        if lock:
            # The CloudFormation resource requires MinRetentionDays in LockConfiguration.
            if lock.get("MinRetentionDays") is None:
                raise ValidationError("LockConfiguration requires MinRetentionDays")
            backend.put_backup_vault_lock_configuration(
                vault_name,
                lock.get("MinRetentionDays"),
                lock.get("MaxRetentionDays"),
                lock.get("ChangeableForDays"),
            )

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        backend = backup_backend(account_id, region_name)
        vault = backend.create_backup_vault(
            resource_name, tag_map(props.get("BackupVaultTags")), props.get("EncryptionKeyArn"), None
        )
        cls._configure(resource_name, props, backend)
        return cls(
            resource_name,
            account_id,
            region_name,
            {"BackupVaultName": resource_name, "BackupVaultArn": vault.backup_vault_arn},
        )

    @classmethod
    def update(
        cls, original: Any, new_name: str, props: Properties, account_id: str, region_name: str
    ) -> Any:
        same_key = props.get("EncryptionKeyArn") in (
            None,
            backup_backend(account_id, region_name)._vault(original.physical_id).encryption_key_arn,
        )
        if new_name != original.physical_id or not same_key:
            return super().update(original, new_name, props, account_id, region_name)
        backend = backup_backend(account_id, region_name)
        vault = backend._vault(new_name)
        backend.tagger.delete_all_tags_for_resource(vault.backup_vault_arn)
        backend.tag_resource(vault.backup_vault_arn, tag_map(props.get("BackupVaultTags")))
        cls._configure(new_name, props, backend)
        if not props.get("LockConfiguration") and vault.locked:
            backend.delete_backup_vault_lock_configuration(new_name)
        return original

    def delete(self, account_id: str, region_name: str) -> None:
        # fails as AWS does while the vault holds recovery points (DeleteBackupVault)
        backup_backend(account_id, region_name).delete_backup_vault(self.physical_id)


def _api_plan(plan: Mapping[str, Any]) -> dict[str, Any]:
    """CloudFormation's BackupPlanResourceType -> the API's BackupPlanInput."""
    rules = []
    for rule in plan.get("BackupPlanRule") or []:
        api_rule = {k: v for k, v in rule.items() if k != "TargetBackupVault"}
        api_rule["TargetBackupVaultName"] = rule.get("TargetBackupVault")
        rules.append(api_rule)
    result: dict[str, Any] = {"BackupPlanName": plan.get("BackupPlanName"), "Rules": rules}
    if plan.get("AdvancedBackupSettings"):
        result["AdvancedBackupSettings"] = plan["AdvancedBackupSettings"]
    return result


class BackupPlanResource(Resource, CloudFormationModel):
    TYPE = "AWS::Backup::BackupPlan"
    ATTRIBUTES = frozenset({"BackupPlanArn", "BackupPlanId", "VersionId"})

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        backend = backup_backend(account_id, region_name)
        plan = backend.create_backup_plan(
            _api_plan(props["BackupPlan"]), tag_map(props.get("BackupPlanTags")), str(uuid.uuid4())
        )
        return cls(plan.backup_plan_id, account_id, region_name, cls._attributes(plan))

    @staticmethod
    def _attributes(plan: Any) -> dict[str, Any]:
        return {
            "BackupPlanArn": plan.backup_plan_arn,
            "BackupPlanId": plan.backup_plan_id,
            "VersionId": plan.version_id,
        }

    @classmethod
    def update(
        cls, original: Any, new_name: str, props: Properties, account_id: str, region_name: str
    ) -> Any:
        backend = backup_backend(account_id, region_name)
        plan = backend.update_backup_plan(original.physical_id, _api_plan(props["BackupPlan"]))
        original.attributes = cls._attributes(plan)
        return original

    def delete(self, account_id: str, region_name: str) -> None:
        # refused while selections exist; moto retries deletions in dependency passes
        backup_backend(account_id, region_name).delete_backup_plan(self.physical_id)


class BackupSelectionResource(Resource, CloudFormationModel):
    TYPE = "AWS::Backup::BackupSelection"
    ATTRIBUTES = frozenset({"BackupPlanId", "SelectionId", "Id"})

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        backend = backup_backend(account_id, region_name)
        selection = backend.create_backup_selection(props["BackupPlanId"], props["BackupSelection"], None)
        return cls(
            selection.selection_id,
            account_id,
            region_name,
            {
                "BackupPlanId": selection.backup_plan_id,
                "SelectionId": selection.selection_id,
                "Id": selection.selection_id,
            },
        )

    def delete(self, account_id: str, region_name: str) -> None:
        backup_backend(account_id, region_name).delete_backup_selection(
            self.attributes["BackupPlanId"], self.physical_id
        )


def _api_controls(controls: Any) -> list[dict[str, Any]]:
    result = []
    for control in controls or []:
        if control is None:  # an element that resolved to AWS::NoValue is dropped, as CloudFormation does
            continue
        api = dict(control)
        scope = control.get("ControlScope")
        if isinstance(scope, Mapping) and "Tags" in scope:
            api["ControlScope"] = {**scope, "Tags": tag_map(scope["Tags"])}
        result.append(api)
    return result


class FrameworkResource(Resource, CloudFormationModel):
    TYPE = "AWS::Backup::Framework"
    NAME_PROPERTY = "FrameworkName"
    ATTRIBUTES = frozenset({"FrameworkArn", "CreationTime", "DeploymentStatus", "FrameworkStatus"})

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        name = props.get("FrameworkName") or audit_name(resource_name)
        framework = backup_backend(account_id, region_name).create_framework(
            name,
            props.get("FrameworkDescription"),
            _api_controls(props.get("FrameworkControls")),
            None,
            tag_map(props.get("FrameworkTags")),
        )
        return cls(framework.framework_arn, account_id, region_name, cls._attributes(framework))

    @staticmethod
    def _attributes(framework: Any) -> dict[str, Any]:
        return {
            "FrameworkArn": framework.framework_arn,
            "CreationTime": str(framework.creation_time),
            "DeploymentStatus": "COMPLETED",
            "FrameworkStatus": "ACTIVE",
            "FrameworkName": framework.framework_name,
        }

    @classmethod
    def update(
        cls, original: Any, new_name: str, props: Properties, account_id: str, region_name: str
    ) -> Any:
        name = original.attributes["FrameworkName"]
        if props.get("FrameworkName") not in (None, name):
            return super().update(original, new_name, props, account_id, region_name)
        backup_backend(account_id, region_name).update_framework(
            name, props.get("FrameworkDescription"), _api_controls(props.get("FrameworkControls"))
        )
        return original

    def delete(self, account_id: str, region_name: str) -> None:
        backup_backend(account_id, region_name).delete_framework(self.attributes["FrameworkName"])


class ReportPlanResource(Resource, CloudFormationModel):
    TYPE = "AWS::Backup::ReportPlan"
    NAME_PROPERTY = "ReportPlanName"
    ATTRIBUTES = frozenset({"ReportPlanArn"})

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        name = props.get("ReportPlanName") or audit_name(resource_name)
        plan = backup_backend(account_id, region_name).create_report_plan(
            name,
            props.get("ReportPlanDescription"),
            props.get("ReportDeliveryChannel"),
            props.get("ReportSetting"),
            tag_map(props.get("ReportPlanTags")),
        )
        resource = cls(plan.report_plan_arn, account_id, region_name, {"ReportPlanArn": plan.report_plan_arn})
        resource.report_plan_name = name
        return resource

    @classmethod
    def update(
        cls, original: Any, new_name: str, props: Properties, account_id: str, region_name: str
    ) -> Any:
        name = original.report_plan_name
        if props.get("ReportPlanName") not in (None, name):
            return super().update(original, new_name, props, account_id, region_name)
        backup_backend(account_id, region_name).update_report_plan(
            name,
            props.get("ReportPlanDescription"),
            props.get("ReportDeliveryChannel"),
            props.get("ReportSetting"),
        )
        return original

    def delete(self, account_id: str, region_name: str) -> None:
        backup_backend(account_id, region_name).delete_report_plan(self.report_plan_name)

    report_plan_name: str = ""


# ---- Organizations ------------------------------------------------------------------------------
