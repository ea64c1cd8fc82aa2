"""CloudFormation resource types moto 5.2.x drops, implemented through the emulated backends.

moto's CloudFormation creates only the types that have a ``CloudFormationModel``; every other type
is skipped with a warning and the stack still reaches ``CREATE_COMPLETE``. The models below make
the package's templates create real emulated resources (each visible through its service's API and
in ``DescribeStackResources`` with a physical ID), following the CloudFormation resource reference
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-template-resource-type-ref.html)
for properties, ``Ref`` and ``Fn::GetAtt``:

- ``AWS::Backup::BackupVault`` (EncryptionKeyArn, AccessPolicy, Notifications, LockConfiguration,
  BackupVaultTags), ``AWS::Backup::BackupPlan``, ``AWS::Backup::BackupSelection``,
  ``AWS::Backup::Framework``, ``AWS::Backup::ReportPlan`` -> :mod:`.backup`;
- ``AWS::Organizations::Policy`` (any type; TargetIds attached, detached on update/delete);
- ``AWS::KMS::Key`` (replaces moto's: MultiRegion ``mrk-`` keys, KeySpec/KeyUsage, the key policy
  stored as the JSON text AWS returns), ``AWS::KMS::ReplicaKey``;
- ``AWS::S3::BucketPolicy``, ``AWS::SNS::TopicPolicy``, ``AWS::SNS::Subscription``,
  ``AWS::SQS::QueuePolicy``, ``AWS::Events::EventBusPolicy``, ``AWS::CloudWatch::Alarm``,
  ``AWS::CloudTrail::Trail``, ``AWS::Scheduler::Schedule``;
- ``AWS::Lambda::EventInvokeConfig`` and ``AWS::Config::*``: recorded only (physical ID, Ref,
  attributes), there is no emulated API behind them;
- ``Custom::*`` and ``AWS::CloudFormation::CustomResource``: sent to the in-process handler
  registered in :mod:`.custom_resources`; ``Status``/``Data``/``PhysicalResourceId`` of the
  handler's response drive the stack (``FAILED`` fails the operation, ``Fn::GetAtt`` reads Data).

:func:`unsupported_types` lists what a template still uses that nothing models.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
import uuid
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any, ClassVar, TypeVar

from moto.core.common_models import CloudFormationModel
from moto.core.exceptions import ServiceException
from werkzeug.exceptions import HTTPException

from . import backup as _backup
from . import custom_resources
from ._moto import after_import

# moto.cloudformation imports every moto service (about 1.5 s): it is only touched once moto itself
# has loaded it (see install()), so that installing the emulator stays cheap.


def _parsing() -> ModuleType:
    return importlib.import_module("moto.cloudformation.parsing")


class ValidationError(ServiceException):
    """CloudFormation's ValidationError (what moto's CloudFormation raises for a failed operation)."""

    code = "ValidationError"

    def __init__(self, message: str):
        super().__init__(message)


def _unsupported_attribute() -> Exception:
    module = importlib.import_module("moto.cloudformation.exceptions")
    return module.UnformattedGetAttTemplateException()  # type: ignore[no-any-return]


_CUSTOM_TYPES = ("AWS::CloudFormation::CustomResource",)


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _tag_map(tags: Any) -> dict[str, str]:
    """CloudFormation tags come as a list of Key/Value or as a map; AWS Backup takes a map."""
    if isinstance(tags, Mapping):
        return {str(k): str(v) for k, v in tags.items()}
    return {str(t["Key"]): str(t["Value"]) for t in tags or []}


def _audit_name(generated: str) -> str:
    """A generated name valid for BAM (letters, digits, underscores, starting with a letter)."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", generated)
    return name if name[:1].isalpha() else f"n{name}"


_F = TypeVar("_F", bound=Callable[..., Any])


def _as_stack_error(operation: str, function: _F) -> _F:
    """A service error while CloudFormation works on a resource fails the stack operation.

    moto has no CREATE_FAILED/ROLLBACK: the error surfaces from CreateStack/UpdateStack/DeleteStack as a
    CloudFormation ``ValidationError`` naming the resource's error code and message, instead of the
    service's own (JSON) error that the CloudFormation client could not parse.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ValidationError:
            raise
        except (ServiceException, HTTPException) as exc:
            code = (
                getattr(exc, "code", "")
                if isinstance(exc, ServiceException)
                else getattr(exc, "error_type", "")
            )
            message = getattr(exc, "message", None) or getattr(exc, "description", None) or str(exc)
            raise ValidationError(
                message=f"Resource handler returned message: {code}: {message} ({operation})"
            ) from exc

    return wrapper  # type: ignore[return-value]


class _Resource:
    """Shared behaviour of the models below (not a CloudFormationModel itself, so that each model
    is a direct subclass and moto's registry, ``CloudFormationModel.__subclasses__()``, sees it)."""

    TYPE: ClassVar[str] = ""
    NAME_PROPERTY: ClassVar[str] = ""
    ATTRIBUTES: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, operation in (
            ("create_from_cloudformation_json", "CREATE"),
            ("update_from_cloudformation_json", "UPDATE"),
        ):
            if name in cls.__dict__:
                method = cls.__dict__[name]
                setattr(cls, name, classmethod(_as_stack_error(operation, method.__func__)))
        if "delete" in cls.__dict__:
            cls.delete = _as_stack_error("DELETE", cls.__dict__["delete"])  # type: ignore[method-assign]

    def __init__(self, physical_id: str, account_id: str, region_name: str, attributes: dict[str, Any]):
        self.physical_id = physical_id
        self.account_id = account_id
        self.region_name = region_name
        self.attributes = attributes

    @property
    def physical_resource_id(self) -> str:
        return self.physical_id

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.TYPE

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.NAME_PROPERTY

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name in self.attributes:
            return self.attributes[attribute_name]
        raise _unsupported_attribute()

    def is_created(self) -> bool:
        return True

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        """Replacement by default: delete the old resource, create the new one."""
        original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(  # type: ignore[attr-defined]
            new_resource_name, cloudformation_json, account_id, region_name
        )

    def delete(self, account_id: str, region_name: str) -> None:
        """Delete the emulated resource behind this model."""

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        """Deletion goes through ``delete`` on the instance (moto calls that first)."""


# ---- AWS Backup ---------------------------------------------------------------------------------


class BackupVaultResource(_Resource, CloudFormationModel):
    TYPE = "AWS::Backup::BackupVault"
    NAME_PROPERTY = "BackupVaultName"
    ATTRIBUTES = frozenset({"BackupVaultName", "BackupVaultArn"})

    @staticmethod
    def _configure(vault_name: str, props: Mapping[str, Any], backend: _backup.EmulatedBackupBackend) -> None:
        if props.get("AccessPolicy") is not None:
            backend.put_backup_vault_access_policy(vault_name, _json_text(props["AccessPolicy"]))
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
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> BackupVaultResource:
        props = cloudformation_json["Properties"]
        backend = _backup.backend(account_id, region_name)
        vault = backend.create_backup_vault(
            resource_name, _tag_map(props.get("BackupVaultTags")), props.get("EncryptionKeyArn"), None
        )
        cls._configure(resource_name, props, backend)
        return cls(
            resource_name,
            account_id,
            region_name,
            {"BackupVaultName": resource_name, "BackupVaultArn": vault.backup_vault_arn},
        )

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        props = cloudformation_json["Properties"]
        same_key = props.get("EncryptionKeyArn") in (
            None,
            _backup.backend(account_id, region_name)._vault(original_resource.physical_id).encryption_key_arn,
        )
        if new_resource_name != original_resource.physical_id or not same_key:
            return super().update_from_cloudformation_json(
                original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )
        backend = _backup.backend(account_id, region_name)
        vault = backend._vault(new_resource_name)
        backend.tagger.delete_all_tags_for_resource(vault.backup_vault_arn)
        backend.tag_resource(vault.backup_vault_arn, _tag_map(props.get("BackupVaultTags")))
        cls._configure(new_resource_name, props, backend)
        if not props.get("LockConfiguration") and vault.locked:
            backend.delete_backup_vault_lock_configuration(new_resource_name)
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        # fails as AWS does while the vault holds recovery points (DeleteBackupVault)
        _backup.backend(account_id, region_name).delete_backup_vault(self.physical_id)


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


class BackupPlanResource(_Resource, CloudFormationModel):
    TYPE = "AWS::Backup::BackupPlan"
    ATTRIBUTES = frozenset({"BackupPlanArn", "BackupPlanId", "VersionId"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> BackupPlanResource:
        props = cloudformation_json["Properties"]
        backend = _backup.backend(account_id, region_name)
        plan = backend.create_backup_plan(
            _api_plan(props["BackupPlan"]), _tag_map(props.get("BackupPlanTags")), str(uuid.uuid4())
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
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        props = cloudformation_json["Properties"]
        backend = _backup.backend(account_id, region_name)
        plan = backend.update_backup_plan(original_resource.physical_id, _api_plan(props["BackupPlan"]))
        original_resource.attributes = cls._attributes(plan)
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        # refused while selections exist; moto retries deletions in dependency passes
        _backup.backend(account_id, region_name).delete_backup_plan(self.physical_id)


class BackupSelectionResource(_Resource, CloudFormationModel):
    TYPE = "AWS::Backup::BackupSelection"
    ATTRIBUTES = frozenset({"BackupPlanId", "SelectionId", "Id"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> BackupSelectionResource:
        props = cloudformation_json["Properties"]
        backend = _backup.backend(account_id, region_name)
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
        _backup.backend(account_id, region_name).delete_backup_selection(
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
            api["ControlScope"] = {**scope, "Tags": _tag_map(scope["Tags"])}
        result.append(api)
    return result


class FrameworkResource(_Resource, CloudFormationModel):
    TYPE = "AWS::Backup::Framework"
    NAME_PROPERTY = "FrameworkName"
    ATTRIBUTES = frozenset({"FrameworkArn", "CreationTime", "DeploymentStatus", "FrameworkStatus"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> FrameworkResource:
        props = cloudformation_json["Properties"]
        name = props.get("FrameworkName") or _audit_name(resource_name)
        framework = _backup.backend(account_id, region_name).create_framework(
            name,
            props.get("FrameworkDescription"),
            _api_controls(props.get("FrameworkControls")),
            None,
            _tag_map(props.get("FrameworkTags")),
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
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        props = cloudformation_json["Properties"]
        name = original_resource.attributes["FrameworkName"]
        if props.get("FrameworkName") not in (None, name):
            return super().update_from_cloudformation_json(
                original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )
        _backup.backend(account_id, region_name).update_framework(
            name, props.get("FrameworkDescription"), _api_controls(props.get("FrameworkControls"))
        )
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        _backup.backend(account_id, region_name).delete_framework(self.attributes["FrameworkName"])


class ReportPlanResource(_Resource, CloudFormationModel):
    TYPE = "AWS::Backup::ReportPlan"
    NAME_PROPERTY = "ReportPlanName"
    ATTRIBUTES = frozenset({"ReportPlanArn"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> ReportPlanResource:
        props = cloudformation_json["Properties"]
        name = props.get("ReportPlanName") or _audit_name(resource_name)
        plan = _backup.backend(account_id, region_name).create_report_plan(
            name,
            props.get("ReportPlanDescription"),
            props.get("ReportDeliveryChannel"),
            props.get("ReportSetting"),
            _tag_map(props.get("ReportPlanTags")),
        )
        resource = cls(plan.report_plan_arn, account_id, region_name, {"ReportPlanArn": plan.report_plan_arn})
        resource.report_plan_name = name
        return resource

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        props = cloudformation_json["Properties"]
        name = original_resource.report_plan_name
        if props.get("ReportPlanName") not in (None, name):
            return super().update_from_cloudformation_json(
                original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )
        _backup.backend(account_id, region_name).update_report_plan(
            name,
            props.get("ReportPlanDescription"),
            props.get("ReportDeliveryChannel"),
            props.get("ReportSetting"),
        )
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        _backup.backend(account_id, region_name).delete_report_plan(self.report_plan_name)

    report_plan_name: str = ""


# ---- Organizations ------------------------------------------------------------------------------


def _organizations(account_id: str) -> Any:
    from moto.organizations.models import organizations_backends  # noqa: PLC0415 - heavy only when used

    return organizations_backends[account_id]["aws"]


class OrganizationsPolicyResource(_Resource, CloudFormationModel):
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-organizations-policy.html"""

    TYPE = "AWS::Organizations::Policy"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = frozenset({"Id", "Arn", "AwsManaged"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> OrganizationsPolicyResource:
        props = cloudformation_json["Properties"]
        org = _organizations(account_id)
        summary = org.create_policy(
            Name=props.get("Name") or resource_name,
            Description=props.get("Description", ""),
            Type=props["Type"],
            Content=_json_text(props["Content"]),
            Tags=props.get("Tags", []),
        )["Policy"]["PolicySummary"]
        for target in props.get("TargetIds") or []:
            org.attach_policy(PolicyId=summary["Id"], TargetId=target)
        return cls(
            summary["Id"],
            account_id,
            region_name,
            {"Id": summary["Id"], "Arn": summary["Arn"], "AwsManaged": False},
        )

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        props = cloudformation_json["Properties"]
        org = _organizations(account_id)
        policy_id = original_resource.physical_id
        if org.get_policy_by_id(policy_id).type != props["Type"]:
            return super().update_from_cloudformation_json(
                original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )
        org.update_policy(
            PolicyId=policy_id,
            Name=props.get("Name") or org.get_policy_by_id(policy_id).name,
            Description=props.get("Description", ""),
            Content=_json_text(props["Content"]),
        )
        current = {t["TargetId"] for t in org.list_targets_for_policy(PolicyId=policy_id)["Targets"]}
        wanted = set(props.get("TargetIds") or [])
        for target in sorted(current - wanted):
            org.detach_policy(PolicyId=policy_id, TargetId=target)
        for target in props.get("TargetIds") or []:
            if target not in current:
                org.attach_policy(PolicyId=policy_id, TargetId=target)
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        org = _organizations(account_id)
        for target in org.list_targets_for_policy(PolicyId=self.physical_id)["Targets"]:
            org.detach_policy(PolicyId=self.physical_id, TargetId=target["TargetId"])
        org.delete_policy(PolicyId=self.physical_id)


# ---- KMS ----------------------------------------------------------------------------------------


def _kms(account_id: str, region_name: str) -> Any:
    from moto.kms.models import kms_backends  # noqa: PLC0415

    return kms_backends[account_id][region_name]


class KmsKeyResource(_Resource, CloudFormationModel):
    """Replaces moto's AWS::KMS::Key model, which ignores MultiRegion/KeySpec/KeyUsage and keeps the
    key policy as a dict (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html)."""

    TYPE = "AWS::KMS::Key"
    ATTRIBUTES = frozenset({"Arn", "KeyId"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> KmsKeyResource:
        props = cloudformation_json["Properties"]
        kms = _kms(account_id, region_name)
        key = kms.create_key(
            policy=_json_text(props["KeyPolicy"]) if props.get("KeyPolicy") is not None else None,
            key_usage=props.get("KeyUsage", "ENCRYPT_DECRYPT"),
            key_spec=props.get("KeySpec", "SYMMETRIC_DEFAULT"),
            description=props.get("Description", ""),
            tags=None,
            multi_region=str(props.get("MultiRegion", False)).lower() == "true",
        )
        if props.get("Tags"):
            kms.tagger.tag_resource(
                key.id, [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in props["Tags"]]
            )
        key.key_rotation_status = str(props.get("EnableKeyRotation", False)).lower() == "true"
        key.enabled = str(props.get("Enabled", True)).lower() == "true"
        resource = cls(key.id, account_id, region_name, {"Arn": key.arn, "KeyId": key.id})
        resource.pending_window = int(props.get("PendingWindowInDays", 30))
        return resource

    pending_window: int = 30

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        props = cloudformation_json["Properties"]
        kms = _kms(account_id, region_name)
        key = kms.keys[original_resource.physical_id]
        if props.get("KeyPolicy") is not None:
            kms.put_key_policy(key.id, _json_text(props["KeyPolicy"]))
        key.description = props.get("Description", key.description)
        key.key_rotation_status = str(props.get("EnableKeyRotation", False)).lower() == "true"
        key.enabled = str(props.get("Enabled", True)).lower() == "true"
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        # CloudFormation schedules deletion (PendingWindowInDays, 7-30, default 30)
        _kms(account_id, region_name).schedule_key_deletion(self.physical_id, self.pending_window)


class KmsReplicaKeyResource(_Resource, CloudFormationModel):
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-replicakey.html"""

    TYPE = "AWS::KMS::ReplicaKey"
    ATTRIBUTES = frozenset({"Arn", "KeyId"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> KmsReplicaKeyResource:
        props = cloudformation_json["Properties"]
        primary_arn = str(props["PrimaryKeyArn"])
        match = re.match(r"^arn:[\w-]+:kms:([a-z0-9-]+):(\d{12}):key/(mrk-[0-9a-f-]+)$", primary_arn)
        if match is None:
            raise ValidationError(f"PrimaryKeyArn {primary_arn} is not a multi-Region key ARN")
        primary_region, primary_account, key_id = match.groups()
        if primary_account != account_id or primary_region == region_name:
            raise ValidationError(
                message="A replica key must be in the primary key's account and in another Region"
            )
        primary = _kms(account_id, primary_region)
        if key_id not in primary.keys:
            raise ValidationError(f"Primary key {primary_arn} not found")
        replica = primary.replicate_key(key_id, region_name)
        replica_backend = _kms(account_id, region_name)
        replica_backend.put_key_policy(replica.id, _json_text(props["KeyPolicy"]))
        if props.get("Description") is not None:
            replica.description = props["Description"]
        replica.enabled = str(props.get("Enabled", True)).lower() == "true"
        resource = cls(replica.id, account_id, region_name, {"Arn": replica.arn, "KeyId": replica.id})
        resource.pending_window = int(props.get("PendingWindowInDays", 30))
        return resource

    pending_window: int = 30

    def delete(self, account_id: str, region_name: str) -> None:
        _kms(account_id, region_name).schedule_key_deletion(self.physical_id, self.pending_window)


# ---- resource policies and other types ----------------------------------------------------------


class S3BucketPolicyResource(_Resource, CloudFormationModel):
    TYPE = "AWS::S3::BucketPolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> S3BucketPolicyResource:
        from moto.s3.models import s3_backends  # noqa: PLC0415

        props = cloudformation_json["Properties"]
        bucket = props["Bucket"]
        s3_backends[account_id]["aws"].put_bucket_policy(bucket, _json_text(props["PolicyDocument"]).encode())
        return cls(bucket, account_id, region_name, {})

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.s3.models import s3_backends  # noqa: PLC0415

        s3_backends[account_id]["aws"].delete_bucket_policy(self.physical_id)


class SnsTopicPolicyResource(_Resource, CloudFormationModel):
    TYPE = "AWS::SNS::TopicPolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SnsTopicPolicyResource:
        from moto.sns.models import sns_backends  # noqa: PLC0415

        props = cloudformation_json["Properties"]
        sns = sns_backends[account_id][region_name]
        for topic in props["Topics"]:
            sns.set_topic_attribute(topic, "policy", _json_text(props["PolicyDocument"]))
        resource = cls(resource_name, account_id, region_name, {"Id": resource_name})
        resource.topics = list(props["Topics"])
        return resource

    topics: list[str] = []  # noqa: RUF012 - set per instance

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        return cls.create_from_cloudformation_json(
            original_resource.physical_id, cloudformation_json, account_id, region_name
        )


class SnsSubscriptionResource(_Resource, CloudFormationModel):
    TYPE = "AWS::SNS::Subscription"
    ATTRIBUTES = frozenset({"Arn"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SnsSubscriptionResource:
        from moto.sns.models import sns_backends  # noqa: PLC0415

        props = cloudformation_json["Properties"]
        subscription = sns_backends[account_id][region_name].subscribe(
            props["TopicArn"], props.get("Endpoint", ""), props["Protocol"]
        )
        return cls(subscription.arn, account_id, region_name, {"Arn": subscription.arn})

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.sns.models import sns_backends  # noqa: PLC0415

        sns_backends[account_id][region_name].unsubscribe(self.physical_id)


class SqsQueuePolicyResource(_Resource, CloudFormationModel):
    TYPE = "AWS::SQS::QueuePolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SqsQueuePolicyResource:
        from moto.sqs.models import sqs_backends  # noqa: PLC0415

        props = cloudformation_json["Properties"]
        sqs = sqs_backends[account_id][region_name]
        for queue_url in props["Queues"]:
            sqs.set_queue_attributes(
                queue_url.rstrip("/").split("/")[-1], {"Policy": _json_text(props["PolicyDocument"])}
            )
        return cls(resource_name, account_id, region_name, {"Id": resource_name})

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        return cls.create_from_cloudformation_json(
            original_resource.physical_id, cloudformation_json, account_id, region_name
        )


class EventBusPolicyResource(_Resource, CloudFormationModel):
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-events-eventbuspolicy.html"""

    TYPE = "AWS::Events::EventBusPolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> EventBusPolicyResource:
        from moto.events.models import events_backends  # noqa: PLC0415

        props = cloudformation_json["Properties"]
        bus = props.get("EventBusName") or "default"
        statement_id = props["StatementId"]
        statement = props.get("Statement")
        policy = None
        if statement is not None:
            statement = {**statement, "Sid": statement_id}
            policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        events_backends[account_id][region_name].put_permission(
            bus,
            props.get("Action", ""),
            props.get("Principal", ""),
            statement_id,
            props.get("Condition"),
            policy or "",
        )
        resource = cls(statement_id, account_id, region_name, {"Id": statement_id})
        resource.bus = bus
        return resource

    bus: str = "default"

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.events.models import events_backends  # noqa: PLC0415

        events_backends[account_id][region_name].remove_permission(self.bus, self.physical_id, False)


class CloudWatchAlarmResource(_Resource, CloudFormationModel):
    TYPE = "AWS::CloudWatch::Alarm"
    NAME_PROPERTY = "AlarmName"
    ATTRIBUTES = frozenset({"Arn"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CloudWatchAlarmResource:
        from moto.cloudwatch.models import cloudwatch_backends  # noqa: PLC0415

        p = cloudformation_json["Properties"]
        alarm = cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=resource_name,
            namespace=p.get("Namespace"),
            metric_name=p.get("MetricName"),
            comparison_operator=p["ComparisonOperator"],
            evaluation_periods=int(p["EvaluationPeriods"]),
            period=int(p["Period"]) if p.get("Period") is not None else None,  # type: ignore[arg-type]
            threshold=float(p["Threshold"]) if p.get("Threshold") is not None else None,  # type: ignore[arg-type]
            statistic=p.get("Statistic"),
            description=p.get("AlarmDescription"),
            dimensions=list(p.get("Dimensions", [])),
            alarm_actions=p.get("AlarmActions", []),
            metric_data_queries=None,  # Metrics (metric math) not modelled; the alarm exists
            datapoints_to_alarm=p.get("DatapointsToAlarm"),
            extended_statistic=p.get("ExtendedStatistic"),
            ok_actions=p.get("OKActions", []),
            insufficient_data_actions=p.get("InsufficientDataActions", []),
            unit=p.get("Unit"),
            actions_enabled=str(p.get("ActionsEnabled", True)).lower() == "true",
            treat_missing_data=p.get("TreatMissingData"),
            tags=p.get("Tags"),
        )
        return cls(resource_name, account_id, region_name, {"Arn": alarm.alarm_arn})

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.cloudwatch.models import cloudwatch_backends  # noqa: PLC0415

        cloudwatch_backends[account_id][region_name].delete_alarms([self.physical_id])


class CloudTrailTrailResource(_Resource, CloudFormationModel):
    TYPE = "AWS::CloudTrail::Trail"
    NAME_PROPERTY = "TrailName"
    ATTRIBUTES = frozenset({"Arn", "SnsTopicArn"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CloudTrailTrailResource:
        from moto.cloudtrail.models import cloudtrail_backends  # noqa: PLC0415

        p = cloudformation_json["Properties"]

        def flag(name: str, default: bool = False) -> bool:
            return str(p.get(name, default)).lower() == "true"

        backend = cloudtrail_backends[account_id][region_name]
        trail = backend.create_trail(
            resource_name,
            p["S3BucketName"],
            p.get("S3KeyPrefix"),
            p.get("SnsTopicName"),
            flag("IncludeGlobalServiceEvents", True),
            flag("IsMultiRegionTrail"),
            flag("EnableLogFileValidation"),
            flag("IsOrganizationTrail"),
            p.get("CloudWatchLogsLogGroupArn"),
            p.get("CloudWatchLogsRoleArn"),
            p.get("KMSKeyId"),
            p.get("Tags", []),
        )
        if flag("IsLogging", True):
            trail.start_logging()
        if p.get("EventSelectors") or p.get("AdvancedEventSelectors"):
            trail.put_event_selectors(p.get("EventSelectors"), p.get("AdvancedEventSelectors"))
        return cls(
            resource_name, account_id, region_name, {"Arn": trail.arn, "SnsTopicArn": p.get("SnsTopicName")}
        )

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.cloudtrail.models import cloudtrail_backends  # noqa: PLC0415

        cloudtrail_backends[account_id][region_name].delete_trail(self.physical_id)


class SchedulerScheduleResource(_Resource, CloudFormationModel):
    TYPE = "AWS::Scheduler::Schedule"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = frozenset({"Arn"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SchedulerScheduleResource:
        from moto.scheduler.models import scheduler_backends  # noqa: PLC0415

        p = cloudformation_json["Properties"]
        schedule = scheduler_backends[account_id][region_name].create_schedule(
            description=p.get("Description"),
            end_date=p.get("EndDate"),
            flexible_time_window=p["FlexibleTimeWindow"],
            group_name=p.get("GroupName"),
            kms_key_arn=p.get("KmsKeyArn"),
            name=resource_name,
            schedule_expression=p["ScheduleExpression"],
            schedule_expression_timezone=p.get("ScheduleExpressionTimezone"),
            start_date=p.get("StartDate"),
            state=p.get("State"),
            target=p["Target"],
            action_after_completion=None,
        )
        resource = cls(resource_name, account_id, region_name, {"Arn": schedule.arn})
        resource.group = p.get("GroupName")
        return resource

    group: str | None = None

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.scheduler.models import scheduler_backends  # noqa: PLC0415

        scheduler_backends[account_id][region_name].delete_schedule(self.group, self.physical_id)


class _RecordedOnly(_Resource):
    """Types with no emulated API: recorded with a physical ID and attributes, nothing else."""

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        name = cloudformation_json["Properties"].get(cls.NAME_PROPERTY) if cls.NAME_PROPERTY else None
        physical = str(name or cls.physical_id_for(resource_name, account_id, region_name))
        resource = cls(physical, account_id, region_name, {"Arn": physical, "Id": physical})
        resource.properties = dict(cloudformation_json["Properties"])
        return resource

    properties: dict[str, Any] = {}  # noqa: RUF012 - set per instance

    @classmethod
    def physical_id_for(cls, resource_name: str, account_id: str, region_name: str) -> str:
        return resource_name

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        # Attributes of recorded-only types are their physical ID (ARN-shaped where the type's is).
        return self.attributes.get(attribute_name, self.physical_id)


class LambdaEventInvokeConfigResource(_RecordedOnly, CloudFormationModel):
    TYPE = "AWS::Lambda::EventInvokeConfig"


class ConfigOrganizationConformancePackResource(_RecordedOnly, CloudFormationModel):
    TYPE = "AWS::Config::OrganizationConformancePack"
    NAME_PROPERTY = "OrganizationConformancePackName"


class ConfigConformancePackResource(_RecordedOnly, CloudFormationModel):
    TYPE = "AWS::Config::ConformancePack"
    NAME_PROPERTY = "ConformancePackName"


class ConfigRuleResource(_RecordedOnly, CloudFormationModel):
    TYPE = "AWS::Config::ConfigRule"
    NAME_PROPERTY = "ConfigRuleName"


def _arn(service: str, region: str, account: str, resource: str) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


class SsoPermissionSetResource(_RecordedOnly, CloudFormationModel):
    TYPE = "AWS::SSO::PermissionSet"

    @classmethod
    def physical_id_for(cls, resource_name: str, account_id: str, region_name: str) -> str:
        return f"arn:aws:sso:::permissionSet/ssoins-emulator/ps-{uuid.uuid4().hex[:16]}"


class SsoAssignmentResource(_RecordedOnly, CloudFormationModel):
    TYPE = "AWS::SSO::Assignment"


class ServiceCatalogPortfolioResource(_RecordedOnly, CloudFormationModel):
    TYPE = "AWS::ServiceCatalog::Portfolio"

    @classmethod
    def physical_id_for(cls, resource_name: str, account_id: str, region_name: str) -> str:
        return f"port-{uuid.uuid4().hex[:13]}"


class ServiceCatalogProductResource(_RecordedOnly, CloudFormationModel):
    TYPE = "AWS::ServiceCatalog::CloudFormationProduct"

    @classmethod
    def physical_id_for(cls, resource_name: str, account_id: str, region_name: str) -> str:
        return f"prod-{uuid.uuid4().hex[:13]}"


class ServiceCatalogPrincipalAssociationResource(_RecordedOnly, CloudFormationModel):
    TYPE = "AWS::ServiceCatalog::PortfolioPrincipalAssociation"


class ServiceCatalogProductAssociationResource(_RecordedOnly, CloudFormationModel):
    TYPE = "AWS::ServiceCatalog::PortfolioProductAssociation"


class ServiceCatalogLaunchRoleConstraintResource(_RecordedOnly, CloudFormationModel):
    TYPE = "AWS::ServiceCatalog::LaunchRoleConstraint"


class CodeBuildProjectResource(_RecordedOnly, CloudFormationModel):
    TYPE = "AWS::CodeBuild::Project"
    NAME_PROPERTY = "Name"


class CodeBuildReportGroupResource(_RecordedOnly, CloudFormationModel):
    TYPE = "AWS::CodeBuild::ReportGroup"

    @classmethod
    def physical_id_for(cls, resource_name: str, account_id: str, region_name: str) -> str:
        return _arn("codebuild", region_name, account_id, f"report-group/{resource_name}")


class LogsMetricFilterResource(_Resource, CloudFormationModel):
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-metricfilter.html"""

    TYPE = "AWS::Logs::MetricFilter"
    NAME_PROPERTY = "FilterName"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> LogsMetricFilterResource:
        from moto.logs.models import logs_backends  # noqa: PLC0415

        p = cloudformation_json["Properties"]
        transformations = [
            {key[:1].lower() + key[1:]: value for key, value in t.items()} for t in p["MetricTransformations"]
        ]
        logs_backends[account_id][region_name].put_metric_filter(
            resource_name,
            p.get("FilterPattern", ""),
            p["LogGroupName"],
            transformations,  # type: ignore[arg-type]  # moto's annotation says str; it stores the list
        )
        resource = cls(resource_name, account_id, region_name, {})
        resource.log_group = p["LogGroupName"]
        return resource

    log_group: str = ""

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.logs.models import logs_backends  # noqa: PLC0415

        logs_backends[account_id][region_name].delete_metric_filter(self.physical_id, self.log_group)


# ---- custom resources ---------------------------------------------------------------------------


class CustomResource(_Resource, CloudFormationModel):
    """A custom resource served by a handler from :mod:`.custom_resources`."""

    TYPE = "AWS::CloudFormation::CustomResource"

    def __init__(self, physical_id: str, account_id: str, region_name: str, attributes: dict[str, Any]):
        super().__init__(physical_id, account_id, region_name, attributes)
        self.properties: dict[str, Any] = {}
        self.stack_id = ""
        self.logical_id = ""
        self.resource_type = self.TYPE

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True  # whatever the handler returns in Data

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name in self.attributes:
            return self.attributes[attribute_name]
        raise ValidationError(
            message=f"CustomResource attribute error: Vendor response doesn't contain {attribute_name} key "
            f"in object {self.stack_id}|{self.logical_id}"
        )

    @staticmethod
    def _send(request_type: str, resource: CustomResource, **kwargs: Any) -> dict[str, Any]:
        token = resource.properties.get("ServiceToken")
        if not token:
            raise ValidationError(f"{resource.logical_id}: ServiceToken is required")
        try:
            response = custom_resources.invoke(
                str(token),
                request_type,
                region_name=resource.region_name,
                stack_id=resource.stack_id,
                logical_id=resource.logical_id,
                resource_type=resource.resource_type,
                properties=resource.properties,
                **kwargs,
            )
        except LookupError as exc:
            raise ValidationError(str(exc)) from None
        if response.get("Status") != "SUCCESS":
            raise ValidationError(
                message=f"Received response status [FAILED] from custom resource {resource.logical_id}. "
                f"Message returned: {response.get('Reason', '')}"
            )
        return response

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CustomResource:
        resource = cls("", account_id, region_name, {})
        resource.properties = dict(cloudformation_json["Properties"])
        resource.stack_id = kwargs.get("StackId", "")
        resource.logical_id = kwargs.get("LogicalId", resource_name)
        resource.resource_type = kwargs.get("ResourceType", cloudformation_json.get("Type", cls.TYPE))
        response = cls._send("Create", resource)
        resource.physical_id = str(response.get("PhysicalResourceId") or resource_name)
        resource.attributes = dict(response.get("Data") or {})
        return resource

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        old = dict(original_resource.properties)
        original_resource.properties = dict(cloudformation_json["Properties"])
        response = cls._send(
            "Update", original_resource, physical_id=original_resource.physical_id, old_properties=old
        )
        new_physical = str(response.get("PhysicalResourceId") or original_resource.physical_id)
        if new_physical != original_resource.physical_id:
            # A new physical ID means replacement: CloudFormation then deletes the old resource.
            previous = cls("", account_id, region_name, {})
            previous.__dict__.update(original_resource.__dict__)
            previous.properties = old
            cls._send("Delete", previous, physical_id=previous.physical_id)
        original_resource.physical_id = new_physical
        original_resource.attributes = dict(response.get("Data") or {})
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        self._send("Delete", self, physical_id=self.physical_id)


# ---- registration -------------------------------------------------------------------------------

_original_resource_class_from_type: Callable[[str], Any] | None = None


def _our_models() -> dict[str, type]:
    found: dict[str, type] = {}
    pending: list[type[_Resource]] = list(_Resource.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if issubclass(model, CloudFormationModel) and model.TYPE:
            found[model.TYPE] = model
    return found


def _resource_class_from_type(resource_type: str) -> Any:
    """Custom resources to the handler registry; our models win over moto's for the same type."""
    if resource_type.startswith("Custom::") or resource_type in _CUSTOM_TYPES:
        return CustomResource
    ours = _our_models().get(resource_type)
    if ours is not None:
        return ours
    assert _original_resource_class_from_type is not None
    return _original_resource_class_from_type(resource_type)


def _physical_ids() -> None:
    """Two moto gaps in what a stack reports.

    - moto's EventBus has no physical ID: ``Ref`` returned the model object and DescribeStackResources
      showed nothing. AWS: ``Ref`` of AWS::Events::EventBus is the bus name.
    - A resource whose Condition is false was listed by DescribeStackResources as an empty entry (no
      logical ID, no type). AWS does not list resources it did not create.
    """
    from moto.cloudformation.models import Stack  # noqa: PLC0415
    from moto.events.models import EventBus  # noqa: PLC0415

    if not hasattr(EventBus, "physical_resource_id"):
        EventBus.physical_resource_id = property(lambda self: self.name)  # type: ignore[attr-defined]
    original: property = Stack.__dict__["stack_resources"]
    if original.fget is not None and getattr(original.fget, "__name__", "") != "_created_only":
        moto_getter = original.fget

        def _created_only(self: Any) -> list[Any]:
            return [r for r in moto_getter(self) if r is not None]

        Stack.stack_resources = property(_created_only)  # type: ignore[method-assign,assignment]


def _ssm_parameter_fix() -> None:
    """moto's AWS::SSM::Parameter expects Tags as a list and a Name; CloudFormation gives Tags as a
    map (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-parameter.html)
    and generates the name when Name is omitted."""
    from moto.ssm.models import Parameter  # noqa: PLC0415

    moto_create = Parameter.__dict__["create_from_cloudformation_json"].__func__
    if getattr(moto_create, "__name__", "") == "_create_with_cfn_tags":
        return

    def _create_with_cfn_tags(
        cls: Any,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        properties = dict(cloudformation_json["Properties"])
        if isinstance(properties.get("Tags"), Mapping):
            properties["Tags"] = [{"Key": k, "Value": v} for k, v in properties["Tags"].items()]
        properties.setdefault("Name", resource_name)
        return moto_create(
            cls,
            resource_name,
            {**cloudformation_json, "Properties": properties},
            account_id,
            region_name,
            **kwargs,
        )

    Parameter.create_from_cloudformation_json = classmethod(_create_with_cfn_tags)  # type: ignore[method-assign,assignment,arg-type]


def _patch_moto_cloudformation() -> None:
    global _original_resource_class_from_type  # noqa: PLW0603 - moto's own function, kept once
    parsing = _parsing()
    _physical_ids()
    _ssm_parameter_fix()
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
    if parsing.resource_class_from_type is not _resource_class_from_type:
        _original_resource_class_from_type = parsing.resource_class_from_type
        setattr(parsing, "resource_class_from_type", _resource_class_from_type)  # noqa: B010


def install() -> None:
    """Register the models above with moto's CloudFormation (they replace any model of the same type),
    now if moto's CloudFormation is loaded, else as soon as moto loads it."""
    after_import("moto.cloudformation.models", _patch_moto_cloudformation)


def unsupported_types(template: Mapping[str, Any]) -> list[str]:
    """Resource types of a (parsed) template that the emulated CloudFormation would silently drop."""
    parsing = _parsing()
    known = {**parsing.get_model_map(), **_our_models()}
    result = set()
    for resource in (template.get("Resources") or {}).values():
        resource_type = str(resource.get("Type", "")) if isinstance(resource, Mapping) else ""
        if not resource_type or resource_type.startswith("Custom::") or resource_type in _CUSTOM_TYPES:
            continue
        if resource_type in parsing.NULL_MODELS or resource_type not in known:
            result.add(resource_type)
    return sorted(result)
