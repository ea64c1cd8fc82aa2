"""CloudFormation resource types moto 5.2.x drops, implemented through the emulated backends.

moto's CloudFormation creates only the types that have a ``CloudFormationModel``; every other type
is skipped with a warning and the stack still reaches ``CREATE_COMPLETE``. The models of this package make
the package's templates create real emulated resources (each visible through its service's API and
in ``DescribeStackResources`` with a physical ID), following the CloudFormation resource reference
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-template-resource-type-ref.html)
for properties, ``Ref`` and ``Fn::GetAtt``:

- ``AWS::Backup::BackupVault`` (EncryptionKeyArn, AccessPolicy, Notifications, LockConfiguration,
  BackupVaultTags), ``AWS::Backup::BackupPlan``, ``AWS::Backup::BackupSelection``,
  ``AWS::Backup::Framework``, ``AWS::Backup::ReportPlan`` -> :mod:`..backup` (here :mod:`.backup`);
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

from collections.abc import Mapping
from typing import Any

from .._moto import after_import
from . import backup, custom, kms, monitoring, organizations, policies, recorded, restore
from .models import CUSTOM_TYPES, moto_parsing, our_models
from .parsing import patch_moto_cloudformation

# every model module is imported above: moto finds the models as subclasses of CloudFormationModel
MODEL_MODULES = (backup, custom, kms, monitoring, organizations, policies, recorded, restore)
__all__ = ["install", "unsupported_types"]


def install() -> None:
    """Register this package's models with moto's CloudFormation (they replace any model of the same
    type), now if moto's CloudFormation is loaded, else as soon as moto loads it; let AWS RAM share
    vaults."""
    restore.install()
    after_import("moto.cloudformation.models", patch_moto_cloudformation)


def unsupported_types(template: Mapping[str, Any]) -> list[str]:
    """Resource types of a (parsed) template that the emulated CloudFormation would silently drop."""
    parsing = moto_parsing()
    known = {**parsing.get_model_map(), **our_models()}
    result = set()
    for resource in (template.get("Resources") or {}).values():
        resource_type = str(resource.get("Type", "")) if isinstance(resource, Mapping) else ""
        if not resource_type or resource_type.startswith("Custom::") or resource_type in CUSTOM_TYPES:
            continue
        if resource_type in parsing.NULL_MODELS or resource_type not in known:
            result.add(resource_type)
    return sorted(result)
