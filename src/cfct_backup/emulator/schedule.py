"""What AWS Backup needs to run a plan on a schedule: its cron, the resources a selection assigns.

Plain helpers, used by the emulated AWS Backup (``backup.py``) when the emulator clock advances:

- :func:`occurrences`: the times an AWS Backup ``ScheduleExpression`` fires in an interval, in the
  rule's ``ScheduleExpressionTimezone``. AWS Backup takes a cron expression
  (API_BackupRuleInput: "A CRON expression in UTC specifying when Backup initiates a backup job",
  default ``cron(0 5 ? * * *)``), six fields ``minutes hours day-of-month month day-of-week year``
  as in EventBridge: ``*``, ``?``, lists, ranges, ``/`` steps, month and weekday names, weekdays
  1-7 = SUN-SAT, ``L`` in day-of-month. ``W``, ``#`` and ``L`` in day-of-week are not modelled:
  such a rule never fires here (:class:`UnsupportedSchedule`). ``rate()`` is not a backup rule
  schedule in the API reference, so it is not accepted either.
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

import calendar
import datetime as _dt
import fnmatch
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

CRON = re.compile(r"^\s*cron\(\s*([^)]*?)\s*\)\s*$")
_MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
_WEEKDAYS = {d: i + 1 for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}
# A backup rule fires at most hourly; an advance of years would otherwise run thousands of jobs
# per resource. Past this many occurrences in one advance only the latest are run.
MAX_OCCURRENCES_PER_ADVANCE = 1000


class UnsupportedSchedule(ValueError):
    """A schedule expression this emulator cannot evaluate (or AWS Backup would not accept)."""


def _field(text: str, low: int, high: int, names: Mapping[str, int] | None = None) -> set[int]:
    def value(token: str) -> int:
        token = token.upper()
        if names and token in names:
            return names[token]
        if not token.isdigit():
            raise UnsupportedSchedule(f"unsupported cron value {token!r}")
        return int(token)

    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() else 1
        if step_text and not step_text.isdigit():
            raise UnsupportedSchedule(f"unsupported cron step {part!r}")
        if base in ("*", "?"):
            first, last = low, high
        elif "-" in base:
            start, _, end = base.partition("-")
            first, last = value(start), value(end)
        else:
            first = value(base)
            last = high if step_text else first
        if not low <= first <= high or not low <= last <= high or step < 1:
            raise UnsupportedSchedule(f"cron field {part!r} out of range {low}-{high}")
        values.update(range(first, last + 1, step))
    return values


class Cron:
    """A parsed AWS cron expression (six fields)."""

    def __init__(self, expression: str):
        match = CRON.match(expression or "")
        if match is None:
            raise UnsupportedSchedule(f"{expression!r} is not cron(...)")
        fields = match.group(1).split()
        if len(fields) != 6:
            raise UnsupportedSchedule(f"{expression!r} does not have six fields")
        minutes, hours, dom, month, dow, year = fields
        self.minutes = sorted(_field(minutes, 0, 59))
        self.hours = sorted(_field(hours, 0, 23))
        self.last_day = dom.upper() == "L"
        self.days = None if dom in ("*", "?") or self.last_day else _field(dom, 1, 31)
        self.months = _field(month, 1, 12, _MONTHS)
        self.weekdays = None if dow in ("*", "?") else _field(dow, 1, 7, _WEEKDAYS)
        self.years = None if year in ("*", "?") else _field(year, 1970, 2199)

    def matches_day(self, day: _dt.date) -> bool:
        if day.month not in self.months or (self.years is not None and day.year not in self.years):
            return False
        if self.last_day and day.day != calendar.monthrange(day.year, day.month)[1]:
            return False
        if self.days is not None and day.day not in self.days:
            return False
        # Python: Monday=0 .. Sunday=6; AWS cron: SUN=1 .. SAT=7
        return self.weekdays is None or (day.weekday() + 1) % 7 + 1 in self.weekdays


def occurrences(expression: str, timezone: str | None, start: float, end: float) -> list[float]:
    """Epoch seconds at which the schedule fires in ``(start, end]``, oldest first."""
    cron = Cron(expression)
    zone = ZoneInfo(timezone or "Etc/UTC")
    day = _dt.datetime.fromtimestamp(start, zone).date()
    last = _dt.datetime.fromtimestamp(end, zone).date()
    found: list[float] = []
    while day <= last:
        if cron.matches_day(day):
            for hour in cron.hours:
                for minute in cron.minutes:
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
