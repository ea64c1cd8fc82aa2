"""S3: bucket policy conditions, and the ``AWS::S3::Bucket`` properties moto's CloudFormation drops.

Bucket policy statements with conditions are not evaluated without their conditions.

moto 5.2.x checks a bucket's policy on object requests (``FakeBucket.get_permission``) with an IAM
evaluator that ignores ``Condition``: a statement such as "Deny s3:* when aws:SecureTransport is
false" then denies every request, although AWS applies a statement only when its conditions match
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
As DESIGN §6 says, resource policies are not enforced by the emulator beyond what moto can evaluate
faithfully: here the conditional statements are left out of moto's check, the unconditional ones
still apply.

moto 5.2.x creates an ``AWS::S3::Bucket`` from its name, encryption and tags only. CloudFormation
also applies (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html):

- ``ObjectLockEnabled``: the bucket is created with Object Lock, which turns versioning on
  (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html);
- ``ObjectLockConfiguration``: the default retention (``Mode`` with exactly one of ``Days`` /
  ``Years``); refused unless ``ObjectLockEnabled`` is true ("ObjectLockEnabled ... Enable
  ObjectLockEnabled when you apply ObjectLockConfiguration to a bucket");
- ``VersioningConfiguration``: ``Enabled`` or ``Suspended``; an Object Lock bucket cannot be
  suspended;
- ``PublicAccessBlockConfiguration``;
- ``ReplicationConfiguration`` (:mod:`.replication`).
"""

from __future__ import annotations

import json
from typing import Any

from moto.s3 import models as _models

from .._moto import patch_attribute
from .replication import apply_replication

_moto_get_permission = _models.FakeBucket.get_permission


def _get_permission(self: Any, action: str, resource: str) -> Any:
    if self.policy is None:
        return _moto_get_permission(self, action, resource)
    try:
        document = json.loads(self.policy.decode() if isinstance(self.policy, bytes) else self.policy)
    except ValueError:
        return _moto_get_permission(self, action, resource)
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    unconditional = [s for s in statements if isinstance(s, dict) and "Condition" not in s]
    if len(unconditional) == len(statements):
        return _moto_get_permission(self, action, resource)
    saved = self.policy
    self.policy = json.dumps({**document, "Statement": unconditional}).encode()
    try:
        if not unconditional:
            from moto.iam.access_control import PermissionResult  # noqa: PLC0415

            return PermissionResult.NEUTRAL
        return _moto_get_permission(self, action, resource)
    finally:
        self.policy = saved


def _flag(value: Any) -> bool:
    return str(value).lower() == "true"


def apply_bucket_properties(bucket: Any, properties: dict[str, Any]) -> None:
    """Object Lock, versioning and public access block of an ``AWS::S3::Bucket`` (see above)."""
    from moto.s3.exceptions import InvalidBucketState  # noqa: PLC0415

    backend = _models.s3_backends[bucket.account_id][bucket.partition]
    lock = properties.get("ObjectLockConfiguration")
    lock_enabled = _flag(properties.get("ObjectLockEnabled", False))
    if lock and not lock_enabled:
        raise InvalidBucketState("ObjectLockConfiguration requires ObjectLockEnabled: true")
    status = (properties.get("VersioningConfiguration") or {}).get("Status")
    if status not in (None, "Enabled", "Suspended"):
        raise InvalidBucketState(f"VersioningConfiguration Status {status!r} is not Enabled or Suspended")
    if lock_enabled:
        if status == "Suspended":
            raise InvalidBucketState("Versioning cannot be suspended on a bucket with Object Lock enabled")
        bucket.object_lock_enabled = True
        bucket.versioning_status = "Enabled"
        retention = (lock or {}).get("Rule", {}).get("DefaultRetention") or {}
        if retention:
            days, years = retention.get("Days"), retention.get("Years")
            if not retention.get("Mode") or (days is None) == (years is None):
                raise InvalidBucketState("DefaultRetention needs a Mode and exactly one of Days or Years")
            backend.put_object_lock_configuration(
                bucket.name,
                True,
                retention["Mode"],
                int(days) if days is not None else None,
                int(years) if years is not None else None,
            )
    elif status:
        backend.put_bucket_versioning(bucket.name, status)
    block = properties.get("PublicAccessBlockConfiguration")
    if block:
        backend.put_public_access_block(bucket.name, {k: str(_flag(v)).lower() for k, v in block.items()})
    apply_replication(bucket, properties)


_moto_create_bucket = _models.FakeBucket.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _create_from_cloudformation_json(
    cls: Any,
    /,
    resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    bucket = _moto_create_bucket(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    apply_bucket_properties(bucket, cloudformation_json.get("Properties", {}))
    return bucket


_create_bucket = classmethod(_create_from_cloudformation_json)


def install() -> None:
    patch_attribute(_models.FakeBucket, "get_permission", _get_permission)
    patch_attribute(_models.FakeBucket, "create_from_cloudformation_json", _create_bucket)
