"""The resource policy of a resource ARN, read from moto's backends (and the emulator's).

Resource types with a resource policy that the package sets or relies on: AWS Backup vault access
policies, KMS key policies, S3 bucket policies, EventBridge event bus policies, SNS topic and SQS
queue policies, and IAM role trust policies (``sts:AssumeRole``). Any other ARN has none.
"""

from __future__ import annotations

import re
from typing import Any

from .policies import Policy, parse

_ARN = re.compile(
    r"^arn:(?P<partition>[\w-]+):(?P<service>[\w-]+):(?P<region>[\w-]*):(?P<account>\d*):(?P<rest>.+)$"
)


def split(arn: str) -> dict[str, str] | None:
    match = _ARN.match(arn)
    return match.groupdict() if match else None


def bucket_account(bucket: str) -> str | None:
    from moto.s3.models import s3_backends  # noqa: PLC0415

    owner = s3_backends.bucket_accounts.get(bucket)
    return owner[1] if owner else None


def _vault(account: str, region: str, name: str) -> Any:
    from moto.backup.models import backup_backends  # noqa: PLC0415

    return getattr(backup_backends[account][region], "vaults", {}).get(name)


def policy_of(arn: str) -> Policy | None:
    parts = split(arn)
    if parts is None:
        return None
    service, region, account, rest = parts["service"], parts["region"], parts["account"], parts["rest"]
    partition = parts["partition"]
    try:
        if service == "backup" and rest.startswith("backup-vault:"):
            vault = _vault(account, region, rest.split(":", 1)[1])
            return parse(getattr(vault, "access_policy", None)) if vault is not None else None
        if service == "kms" and rest.startswith("key/"):
            from moto.kms.models import kms_backends  # noqa: PLC0415

            key = kms_backends[account][region].keys.get(rest.split("/", 1)[1])
            return parse(key.policy) if key is not None else None
        if service == "s3":
            from moto.s3.models import s3_backends  # noqa: PLC0415

            bucket_name = rest.split("/", 1)[0]
            owner = bucket_account(bucket_name)
            if owner is None:
                return None
            bucket = s3_backends[owner][partition].buckets.get(bucket_name)
            return parse(bucket.policy) if bucket is not None and bucket.policy else None
        if service == "events" and rest.startswith("event-bus/"):
            from moto.events.models import events_backends  # noqa: PLC0415

            bus = events_backends[account][region].event_buses.get(rest.split("/", 1)[1])
            return parse(bus.policy) if bus is not None else None
        if service == "sns":
            from moto.sns.models import sns_backends  # noqa: PLC0415

            topic = sns_backends[account][region].topics.get(arn)
            return parse(topic.policy) if topic is not None else None
        if service == "sqs":
            from moto.sqs.models import sqs_backends  # noqa: PLC0415

            queue = sqs_backends[account][region].queues.get(rest)
            return parse(queue.policy) if queue is not None and queue.policy else None
        if service == "iam" and rest.startswith("role/"):
            from .policies import role  # noqa: PLC0415

            found = role(account, rest.rsplit("/", 1)[-1], partition)
            return parse(found.assume_role_policy_document) if found is not None else None
    except (KeyError, AttributeError):
        return None
    return None
