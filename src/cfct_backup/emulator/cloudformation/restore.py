"""CloudFormation types of the recovery templates, through the emulated backends of :mod:`..backup.restore`.

Registered like the models of :mod:`.models` (direct subclasses of its ``Resource``), per
the CloudFormation resource reference:

- ``AWS::Backup::LogicallyAirGappedBackupVault`` (BackupVaultName, MinRetentionDays,
  MaxRetentionDays, EncryptionKeyArn, AccessPolicy, BackupVaultTags; ``Ref`` the name, ``GetAtt``
  BackupVaultArn) - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-backup-logicallyairgappedbackupvault.html;
- ``AWS::Backup::RestoreTestingPlan`` and ``AWS::Backup::RestoreTestingSelection``
  (``Ref`` the plan name / ``plan|selection``; ``GetAtt`` RestoreTestingPlanArn);
- ``AWS::RAM::ResourceShare`` (Name, ResourceArns, Principals, AllowExternalPrincipals; ``Ref``
  and ``GetAtt Arn`` the share ARN) into moto's RAM backend.
"""

from __future__ import annotations

from typing import Self

from moto.core.common_models import CloudFormationModel

from .._moto import after_import
from ..backup import backend as backup_backend
from .models import Properties, Resource, json_text, moto_backend, tag_map


class LogicallyAirGappedVaultResource(Resource, CloudFormationModel):
    TYPE = "AWS::Backup::LogicallyAirGappedBackupVault"
    NAME_PROPERTY = "BackupVaultName"
    ATTRIBUTES = frozenset({"BackupVaultName", "BackupVaultArn"})

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        backend = backup_backend(account_id, region_name)
        vault = backend.create_logically_air_gapped_backup_vault(
            resource_name,
            tag_map(props.get("BackupVaultTags")),
            props.get("MinRetentionDays"),
            props.get("MaxRetentionDays"),
            props.get("EncryptionKeyArn"),
            None,
        )
        if props.get("AccessPolicy") is not None:
            backend.put_backup_vault_access_policy(resource_name, json_text(props["AccessPolicy"]))
        return cls(
            resource_name,
            account_id,
            region_name,
            {"BackupVaultName": resource_name, "BackupVaultArn": vault.backup_vault_arn},
        )

    def delete(self, account_id: str, region_name: str) -> None:
        backup_backend(account_id, region_name).delete_backup_vault(self.physical_id)


class RestoreTestingPlanResource(Resource, CloudFormationModel):
    TYPE = "AWS::Backup::RestoreTestingPlan"
    NAME_PROPERTY = "RestoreTestingPlanName"
    ATTRIBUTES = frozenset({"RestoreTestingPlanArn"})

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        props = dict(props)
        props.pop("Tags", None)
        props["RestoreTestingPlanName"] = props.get("RestoreTestingPlanName") or resource_name
        plan = backup_backend(account_id, region_name).create_restore_testing_plan(props)
        return cls(
            plan["RestoreTestingPlanName"],
            account_id,
            region_name,
            {"RestoreTestingPlanArn": plan["RestoreTestingPlanArn"]},
        )

    def delete(self, account_id: str, region_name: str) -> None:
        backup_backend(account_id, region_name).delete_restore_testing_plan(self.physical_id)


class RestoreTestingSelectionResource(Resource, CloudFormationModel):
    TYPE = "AWS::Backup::RestoreTestingSelection"
    NAME_PROPERTY = "RestoreTestingSelectionName"

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        props = dict(props)
        plan_name = str(props.pop("RestoreTestingPlanName", ""))
        props["RestoreTestingSelectionName"] = props.get("RestoreTestingSelectionName") or resource_name
        record = backup_backend(account_id, region_name).create_restore_testing_selection(plan_name, props)
        instance = cls(f"{plan_name}|{record['RestoreTestingSelectionName']}", account_id, region_name, {})
        return instance

    def delete(self, account_id: str, region_name: str) -> None:
        plan, _, name = self.physical_id.partition("|")
        backup_backend(account_id, region_name).delete_restore_testing_selection(plan, name)


class RamResourceShareResource(Resource, CloudFormationModel):
    TYPE = "AWS::RAM::ResourceShare"
    ATTRIBUTES = frozenset({"Arn"})

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        response = moto_backend("ram", account_id, region_name).create_resource_share(
            name=props.get("Name") or resource_name,
            principals=[str(p) for p in props.get("Principals") or []],
            resourceArns=[str(a) for a in props.get("ResourceArns") or []],
            allowExternalPrincipals=bool(props.get("AllowExternalPrincipals", True)),
        )
        arn = response["resourceShare"]["resourceShareArn"]
        return cls(arn, account_id, region_name, {"Arn": arn})

    def delete(self, account_id: str, region_name: str) -> None:
        for share in moto_backend("ram", account_id, region_name).resource_shares:
            if share.arn == self.physical_id:
                share.delete()


def _shareable_vaults() -> None:
    from moto.ram.models import ResourceShare  # noqa: PLC0415

    if "backup-vault" not in ResourceShare.SHAREABLE_RESOURCES:
        ResourceShare.SHAREABLE_RESOURCES.append("backup-vault")


def install() -> None:
    """AWS RAM shares logically air-gapped vaults (https://docs.aws.amazon.com/ram/latest/userguide/
    shareable.html: ``backup:BackupVault``); moto's list of shareable types lacks it (patched once
    moto loads its RAM models)."""
    after_import("moto.ram.models", _shareable_vaults)
