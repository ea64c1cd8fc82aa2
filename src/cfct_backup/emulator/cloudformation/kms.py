"""``AWS::KMS::Key`` and ``AWS::KMS::ReplicaKey`` through the emulated KMS."""

from __future__ import annotations

import re
from typing import Any, Self

from moto.core.common_models import CloudFormationModel

from .models import Properties, Resource, ValidationError, json_text, moto_backend


class KmsKeyResource(Resource, CloudFormationModel):
    """Replaces moto's AWS::KMS::Key model, which ignores MultiRegion/KeySpec/KeyUsage and keeps the
    key policy as a dict (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html)."""

    TYPE = "AWS::KMS::Key"
    ATTRIBUTES = frozenset({"Arn", "KeyId"})

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        kms = moto_backend("kms", account_id, region_name)
        key = kms.create_key(
            policy=json_text(props["KeyPolicy"]) if props.get("KeyPolicy") is not None else None,
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
    def update(
        cls, original: Any, new_name: str, props: Properties, account_id: str, region_name: str
    ) -> Any:
        kms = moto_backend("kms", account_id, region_name)
        key = kms.keys[original.physical_id]
        if props.get("KeyPolicy") is not None:
            kms.put_key_policy(key.id, json_text(props["KeyPolicy"]))
        key.description = props.get("Description", key.description)
        key.key_rotation_status = str(props.get("EnableKeyRotation", False)).lower() == "true"
        key.enabled = str(props.get("Enabled", True)).lower() == "true"
        return original

    def delete(self, account_id: str, region_name: str) -> None:
        # CloudFormation schedules deletion (PendingWindowInDays, 7-30, default 30)
        moto_backend("kms", account_id, region_name).schedule_key_deletion(
            self.physical_id, self.pending_window
        )


class KmsReplicaKeyResource(Resource, CloudFormationModel):
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-replicakey.html"""

    TYPE = "AWS::KMS::ReplicaKey"
    ATTRIBUTES = frozenset({"Arn", "KeyId"})

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        primary_arn = str(props["PrimaryKeyArn"])
        match = re.match(r"^arn:[\w-]+:kms:([a-z0-9-]+):(\d{12}):key/(mrk-[0-9a-f-]+)$", primary_arn)
        if match is None:
            raise ValidationError(f"PrimaryKeyArn {primary_arn} is not a multi-Region key ARN")
        primary_region, primary_account, key_id = match.groups()
        if primary_account != account_id or primary_region == region_name:
            raise ValidationError(
                message="A replica key must be in the primary key's account and in another Region"
            )
        primary = moto_backend("kms", account_id, primary_region)
        if key_id not in primary.keys:
            raise ValidationError(f"Primary key {primary_arn} not found")
        replica = primary.replicate_key(key_id, region_name)
        replica_backend = moto_backend("kms", account_id, region_name)
        replica_backend.put_key_policy(replica.id, json_text(props["KeyPolicy"]))
        if props.get("Description") is not None:
            replica.description = props["Description"]
        replica.enabled = str(props.get("Enabled", True)).lower() == "true"
        resource = cls(replica.id, account_id, region_name, {"Arn": replica.arn, "KeyId": replica.id})
        resource.pending_window = int(props.get("PendingWindowInDays", 30))
        return resource

    pending_window: int = 30

    def delete(self, account_id: str, region_name: str) -> None:
        moto_backend("kms", account_id, region_name).schedule_key_deletion(
            self.physical_id, self.pending_window
        )
