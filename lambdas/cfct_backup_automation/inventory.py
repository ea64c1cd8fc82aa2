"""The inventory table (`cfct-backup-inventory`): one item per account, plus a lease.

Item (partition key `accountId`): accountName, ouId, ouName, state, enteredScopeAt, protectedAt,
offboardedAt, updatedAt, lastEventId, lastEventTime, gaps (list of "region:code"), regions,
grants (map Region -> grant ID), and while an invocation works on the account, `leaseOwner` /
`leaseExpires`. The lease is taken with a conditional write, so two invocations never work on the
same account at once; it expires on its own if an invocation dies, so a redelivery can resume.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from cfct_backup_automation.dynamo import from_item, to_item
from cfct_backup_automation.sessions import error_code

ENROLLING = "ENROLLING"
PENDING = "PENDING"  # in scope, member baseline (role / vault / key) not there yet
PROTECTED = "PROTECTED"
GAP = "GAP"
OFFBOARDED = "OFFBOARDED"
ACTIVE_STATES = {ENROLLING, PENDING, PROTECTED, GAP}
LEASE_SECONDS = 900  # a Lambda never runs longer


class AccountBusy(RuntimeError):
    """Another invocation holds the lease on this account: retry later (Lambda async retry)."""


def iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="seconds")


def get(ddb: Any, table: str, account_id: str) -> dict[str, Any] | None:
    resp = ddb.get_item(TableName=table, Key=to_item({"accountId": account_id}), ConsistentRead=True)
    item = resp.get("Item")
    return from_item(item) if item else None


def scan(ddb: Any, table: str) -> Iterator[dict[str, Any]]:
    for page in ddb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page.get("Items", []):
            yield from_item(item)


def acquire(
    ddb: Any,
    table: str,
    account_id: str,
    *,
    owner: str,
    now: datetime,
    fields: Mapping[str, Any],
    set_if_missing: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Take the lease on the account and set `fields`; return the item as it now is.

    Raises AccountBusy when another owner holds an unexpired lease.
    """
    sets = ["leaseOwner = :owner", "leaseExpires = :exp", "updatedAt = :now"]
    values: dict[str, Any] = {
        ":owner": owner,
        ":exp": int(now.timestamp()) + LEASE_SECONDS,
        ":now": iso(now),
        ":nowts": int(now.timestamp()),
    }
    names: dict[str, str] = {}
    for i, (k, v) in enumerate(fields.items()):
        names[f"#f{i}"] = k
        values[f":f{i}"] = v
        sets.append(f"#f{i} = :f{i}")
    for i, (k, v) in enumerate((set_if_missing or {}).items()):
        names[f"#m{i}"] = k
        values[f":m{i}"] = v
        sets.append(f"#m{i} = if_not_exists(#m{i}, :m{i})")
    kwargs: dict[str, Any] = {}
    if names:
        kwargs["ExpressionAttributeNames"] = names
    try:
        resp = ddb.update_item(
            TableName=table,
            Key=to_item({"accountId": account_id}),
            UpdateExpression="SET " + ", ".join(sets),
            ConditionExpression=(
                "attribute_not_exists(leaseOwner) OR leaseOwner = :owner OR leaseExpires < :nowts"
            ),
            ExpressionAttributeValues=to_item(values),
            ReturnValues="ALL_NEW",
            **kwargs,
        )
    except ClientError as exc:
        if error_code(exc) == "ConditionalCheckFailedException":
            raise AccountBusy(f"account {account_id} is being processed by another invocation") from exc
        raise
    return from_item(resp["Attributes"])


def release(
    ddb: Any,
    table: str,
    account_id: str,
    *,
    owner: str,
    now: datetime,
    fields: Mapping[str, Any],
    remove: tuple[str, ...] = (),
) -> None:
    """Write the outcome and give the lease back (only if we still hold it)."""
    names: dict[str, str] = {}
    values: dict[str, Any] = {":owner": owner, ":now": iso(now)}
    sets = ["updatedAt = :now"]
    for i, (k, v) in enumerate(fields.items()):
        names[f"#f{i}"] = k
        values[f":f{i}"] = v
        sets.append(f"#f{i} = :f{i}")
    removes = ["leaseOwner", "leaseExpires"]
    for i, k in enumerate(remove):
        names[f"#r{i}"] = k
        removes.append(f"#r{i}")
    kwargs: dict[str, Any] = {"ExpressionAttributeNames": names} if names else {}
    try:
        ddb.update_item(
            TableName=table,
            Key=to_item({"accountId": account_id}),
            UpdateExpression="SET " + ", ".join(sets) + " REMOVE " + ", ".join(removes),
            ConditionExpression="leaseOwner = :owner",
            ExpressionAttributeValues=to_item(values),
            **kwargs,
        )
    except ClientError as exc:
        if error_code(exc) == "ConditionalCheckFailedException":
            raise AccountBusy(
                f"lost the lease on account {account_id} (took longer than {LEASE_SECONDS}s)"
            ) from exc
        raise


def put(ddb: Any, table: str, item: Mapping[str, Any]) -> None:
    """Unconditional write (reconcile repairing inventory drift, without a lease held)."""
    ddb.put_item(TableName=table, Item=to_item(item))
