"""What AWS Backup needs to run a plan on a schedule: its cron, the resources a selection assigns.

Plain helpers, used by the emulated AWS Backup (:mod:`.models`) when the emulator clock advances:

- :func:`occurrences`: the times an AWS Backup ``ScheduleExpression`` fires in an interval, in the
  rule's ``ScheduleExpressionTimezone``, parsed by the project's one cron parser
  (:mod:`cfct_backup.backup_policy.cron`, which cites the AWS rules). ``W``, ``#`` and ``L`` in
  day-of-week are valid but not evaluated: such a rule never fires here
  (:class:`UnsupportedSchedule`); an invalid expression raises it too.
- :func:`tagged_resources`: the resources of an account and Region moto can list with their tags
  cheaply: DynamoDB tables, S3 buckets (of that Region), EBS volumes. Only backends that already
  exist are read (nothing is created by looking).
- :func:`selected`: whether a ``BackupSelection`` assigns a resource (API_BackupSelection:
  ``Resources`` any ARN, ``*`` only at the end; ``ListOfTags`` any condition (OR); ``Conditions``
  all conditions (AND) on ``aws:ResourceTag/<key>``; ``NotResources`` excluded). How ``Resources``
  and ``ListOfTags`` combine when both are given is not stated there; here a resource matching
  either is assigned.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import operator
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from cfct_backup.backup_policy import cron

# A backup rule fires at most hourly; an advance of years would otherwise run thousands of jobs
# per resource. Past this many occurrences in one advance only the latest are run.
MAX_OCCURRENCES_PER_ADVANCE = 1000

# The project's one cron parser (cfct_backup.backup_policy.cron): the policy engine validates with
# it, the emulator evaluates with it. An expression AWS Backup refuses, or one whose day rule is not
# evaluated (W, #, L in day-of-week), raises UnsupportedSchedule: such a rule never fires here.
UnsupportedSchedule = cron.CronError
Cron = cron.parse


def occurrences(expression: str, timezone: str | None, start: float, end: float) -> list[float]:
    """Epoch seconds at which the schedule fires in ``(start, end]``, oldest first."""
    schedule = cron.parse(expression)
    zone = ZoneInfo(timezone or "Etc/UTC")
    day = _dt.datetime.fromtimestamp(start, zone).date()
    last = _dt.datetime.fromtimestamp(end, zone).date()
    found: list[float] = []
    while day <= last:
        if schedule.matches_day(day):
            for hour in sorted(schedule.hours):
                for minute in sorted(schedule.minutes):
                    moment = _dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
                    stamp = moment.timestamp()
                    if start < stamp <= end:
                        found.append(stamp)
        day += _dt.timedelta(days=1)
    return found[-MAX_OCCURRENCES_PER_ADVANCE:]


def _existing(backend_dict: Any, account_id: str, region: str) -> Any:
    """moto's backend of an account and Region if it exists (``dict.get``: creates nothing)."""
    per_account = dict.get(backend_dict, account_id)
    return None if per_account is None else dict.get(per_account, region)


def tagged_resources(
    account_id: str, region: str, partition: str = "aws"
) -> list[tuple[str, dict[str, str]]]:
    """(ARN, tags) of the DynamoDB tables, S3 buckets and EBS volumes of an account and Region."""
    # Imported here: these moto modules are heavy and install() must stay cheap.
    from moto.dynamodb.models import dynamodb_backends  # noqa: PLC0415
    from moto.ec2.models import ec2_backends  # noqa: PLC0415
    from moto.s3.models import s3_backends  # noqa: PLC0415

    found: list[tuple[str, dict[str, str]]] = []
    dynamodb = _existing(dynamodb_backends, account_id, region)
    if dynamodb is not None:
        for table in dynamodb.tables.values():
            tags = {t["Key"]: t["Value"] for t in table.tags or []}
            found.append((table.table_arn, tags))
    s3 = _existing(s3_backends, account_id, partition)
    if s3 is not None:
        for bucket in s3.buckets.values():
            if bucket.region_name == region:
                found.append((bucket.arn, dict(s3.tagger.get_tag_dict_for_resource(bucket.arn))))
    ec2 = _existing(ec2_backends, account_id, region)
    if ec2 is not None:
        for volume in ec2.volumes.values():
            arn = f"arn:{partition}:ec2:{region}:{account_id}:volume/{volume.id}"
            found.append((arn, dict(ec2.tags.get(volume.id, {}))))
    return found


def _arn_matches(arn: str, pattern: str) -> bool:
    if pattern == "*":
        return True
    if pattern.endswith("*"):
        return arn.startswith(pattern[:-1])
    return arn == pattern


def _not_like(value: str, pattern: str) -> bool:
    return not fnmatch.fnmatchcase(value, pattern)


_CONDITIONS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": operator.eq,
    "StringNotEquals": operator.ne,
    "StringLike": fnmatch.fnmatchcase,
    "StringNotLike": _not_like,
}


def selected(selection: Mapping[str, Any], arn: str, tags: Mapping[str, str]) -> bool:
    """Whether ``selection`` (a ``BackupSelection``) assigns the resource ``arn`` with ``tags``."""
    resources = selection.get("Resources") or []
    list_of_tags = selection.get("ListOfTags") or []
    if resources or list_of_tags:
        by_arn = any(_arn_matches(arn, str(p)) for p in resources)
        by_tag = any(
            tags.get(str(t.get("ConditionKey"))) == str(t.get("ConditionValue"))
            for t in list_of_tags
            if t.get("ConditionType", "STRINGEQUALS") == "STRINGEQUALS"
        )
        if not (by_arn or by_tag):
            return False
    if any(_arn_matches(arn, str(p)) for p in selection.get("NotResources") or []):
        return False
    for condition_operator, conditions in (selection.get("Conditions") or {}).items():
        compare = _CONDITIONS.get(condition_operator)
        for condition in conditions or []:
            key = str(condition.get("ConditionKey", ""))
            tag_key = key.split("/", 1)[1] if key.startswith("aws:ResourceTag/") else key
            value = tags.get(tag_key)
            negative = condition_operator in ("StringNotEquals", "StringNotLike")
            if compare is None:
                return False
            if value is None:
                if not negative:
                    return False
                continue
            if not compare(value, str(condition.get("ConditionValue", ""))):
                return False
    return True
