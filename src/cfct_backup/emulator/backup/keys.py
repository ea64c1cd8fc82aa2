"""Copy jobs and the source resource's key: what AWS refuses that moto never sees.

For resource types whose backups keep the source resource's KMS key (EBS, EC2, RDS, Aurora...,
``cfct_backup_automation.copy_readiness.RESOURCE_TYPES``, from
https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html) a copy into another account
fails unless that key's policy admits the destination account, and always fails when the key is AWS
managed (https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html).
RDS and Aurora backups cannot change account and Region in one copy action
(https://docs.aws.amazon.com/aws-backup/latest/devguide/recov-point-create-a-copy.html).

moto creates the EBS default key (alias/aws/ebs) as a customer managed key; AWS manages it:
:func:`install` makes it ``KeyManager: AWS`` as DescribeKey shows it in AWS.

The key is read from moto's EC2, RDS and KMS backends: an encrypted volume or database without a
key id is encrypted with the AWS managed key (aws/ebs, aws/rds). Stricter than AWS: only the key
policy counts (a grant to the destination account is not read), and a Deny with a condition is
ignored (listed in the leniency notes).
"""

from __future__ import annotations

import re
from typing import Any

from cfct_backup_automation.copy_readiness import RESOURCE_TYPES, policy_admits, resource_type
from moto.ec2.models import ec2_backends
from moto.ec2.models.elastic_block_store import EBSBackend
from moto.kms.models import kms_backends
from moto.rds.models import rds_backends

AWS_MANAGED = "AWS managed"
_KEY_ARN = re.compile(r"^arn:[\w-]+:kms:([\w-]+):(\d{12}):key/(.+)$")


def _volume_keys(account: str, region: str, resource: str) -> list[str | None]:
    ec2 = ec2_backends[account][region]
    if resource.startswith("volume/"):
        volume = ec2.volumes.get(resource.split("/", 1)[1])
        return [] if volume is None or not volume.encrypted else [volume.kms_key_id or AWS_MANAGED]
    instance_id = resource.split("/", 1)[1]
    keys: list[str | None] = []
    for reservation in ec2.describe_instances():
        for instance in reservation.instances:
            if instance.id != instance_id:
                continue
            for mapping in instance.block_device_mapping.values():
                volume = ec2.volumes.get(mapping.volume_id)
                if volume is not None and volume.encrypted:
                    keys.append(volume.kms_key_id or AWS_MANAGED)
    return keys


def _database_keys(account: str, region: str, resource: str) -> list[str | None]:
    rds = rds_backends[account][region]
    kind, _, name = resource.partition(":")
    item = (rds.clusters if kind == "cluster" else rds.databases).get(name)
    if item is None or not getattr(item, "storage_encrypted", False):
        return []
    key = getattr(item, "kms_key_id", None)
    return [AWS_MANAGED if not key or key == "default_kms_key_id" else key]


def source_keys(resource_arn: str) -> list[str | None]:
    """The KMS keys a backup of this resource keeps (``AWS_MANAGED`` for an AWS managed key)."""
    parts = resource_arn.split(":", 5)
    if len(parts) < 6:
        return []
    service, region, account, resource = parts[2], parts[3], parts[4], parts[5]
    if service == "ec2":
        return _volume_keys(account, region, resource)
    if service == "rds":
        return _database_keys(account, region, resource)
    return []


def _key(key_id: str, account: str, region: str) -> Any:
    match = _KEY_ARN.match(key_id)
    if match:
        region, account, key_id = match.groups()
    if key_id.startswith("alias/aws/"):
        return None
    backend = kms_backends[account][region]
    try:
        return backend.describe_key(key_id)
    except Exception:  # noqa: BLE001 - moto raises its NotFound; the copy fails either way
        return None


def copy_key_failure(
    resource_arn: str, source_account: str, source_region: str, dest_account: str, dest_region: str
) -> str | None:
    """Why AWS fails this copy because of the resource's type or key (None: it does not)."""
    if dest_account == source_account:
        return None
    rtype = resource_type(resource_arn)
    rule = RESOURCE_TYPES.get(rtype or "")
    if rule is None:
        return None
    if dest_region != source_region and not rule.one_step_cross_account_and_region:
        return f"{rtype} backups cannot be copied to another account and another Region in one copy action"
    if not rule.keeps_source_key:
        return None
    for key_id in source_keys(resource_arn):
        if key_id == AWS_MANAGED:
            return (
                f"{resource_arn} is encrypted with an AWS managed key: its {rtype} backups cannot be "
                "copied to another account"
            )
        key = _key(str(key_id), source_account, source_region)
        if key is not None and any(str(a).startswith("alias/aws/") for a in key.aliases):
            # moto creates the EBS default key (alias/aws/ebs) as a customer key; AWS manages it
            return (
                f"{resource_arn} is encrypted with an AWS managed key ({key_id}): its {rtype} backups"
                " cannot be copied to another account"
            )
        if key is None or key.key_manager == "AWS":
            return f"{resource_arn}: the key {key_id} is AWS managed or unknown; the copy fails"
        problem = policy_admits(key.policy, dest_account)
        if problem is not None:
            return f"{resource_arn}: its {rtype} backups keep the key {key_id}; {problem}"
    return None


_moto_default_key = EBSBackend._create_default_encryption_key


def _default_key_is_aws_managed(self: Any) -> str:
    arn = _moto_default_key(self)
    kms_backends[self.account_id][self.region_name].describe_key(arn).key_manager = "AWS"
    return str(arn)


def install() -> None:
    if EBSBackend._create_default_encryption_key is not _default_key_is_aws_managed:
        EBSBackend._create_default_encryption_key = _default_key_is_aws_managed  # type: ignore[method-assign]
