"""``ReplicationConfiguration`` of an ``AWS::S3::Bucket``, which moto's CloudFormation drops.

S3 replication (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html):
the source and the destination bucket must both have versioning enabled. Applied here when the
bucket is created from a template so that the simulation can read it back (GetBucketReplication).
Stricter than AWS: the destination bucket must already exist in the emulator. Objects are not
copied (listed in the leniency notes): the simulation checks the configuration, not the delivery.
"""

from __future__ import annotations

from typing import Any

from moto.s3 import models as _models


def apply_replication(bucket: Any, properties: dict[str, Any]) -> None:
    from moto.s3.exceptions import InvalidRequest  # noqa: PLC0415

    config = properties.get("ReplicationConfiguration")
    if not config:
        return
    if bucket.versioning_status != "Enabled":
        raise InvalidRequest("PutBucketReplication: versioning must be Enabled on the source bucket")
    rules = []
    for i, rule in enumerate(config.get("Rules") or []):
        destination = dict(rule.get("Destination") or {})
        name = str(destination.get("Bucket", "")).rsplit(":", 1)[-1]
        owner = _models.s3_backends.bucket_accounts.get(name)
        if owner is None:
            raise InvalidRequest(f"PutBucketReplication: destination bucket {name} does not exist")
        target = _models.s3_backends[owner[1]][owner[0]].buckets[name]
        if target.versioning_status != "Enabled":
            raise InvalidRequest(
                f"PutBucketReplication: destination bucket {name} must have versioning Enabled"
            )
        rules.append(
            {
                "ID": rule.get("Id", f"rule-{i}"),
                "Priority": rule.get("Priority", 1),
                "Status": rule.get("Status", "Enabled"),
                "Destination": destination,
            }
        )
    backend = _models.s3_backends[bucket.account_id][bucket.partition]
    backend.put_bucket_replication(bucket.name, {"Role": config.get("Role"), "Rule": rules})
