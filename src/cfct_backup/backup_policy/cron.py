"""The one cron parser of the project: AWS Backup schedule expressions, field by field.

Used by the policy engine (``check.py``: is a rule's ``schedule_expression`` one AWS Backup
accepts?) and by the emulated AWS Backup (``emulator/backup/schedule.py``: when does it fire?).

The rules, as AWS documents them:

- API_BackupRuleInput (botocore ``backup`` model, ``ScheduleExpression``): "A CRON expression in
  UTC specifying when Backup initiates a backup job. When no CRON expression is provided, Backup
  will use the default expression cron(0 5 ? * * *)."
  https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRuleInput.html
- The expression is the EventBridge / CloudWatch Events cron: ``cron(minutes hours day-of-month
  month day-of-week year)``, six fields; ``*`` all, ``?`` any (day-of-month or day-of-week, and
  exactly one of the two), ``,`` lists, ``-`` ranges, ``/`` increments, ``L`` last (day-of-month,
  day-of-week), ``W`` nearest weekday (day-of-month), ``#`` nth weekday of the month (day-of-week);
  minutes 0-59, hours 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 1-7 (1 = SUN) or
  SUN-SAT, year 1970-2199.
  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
  (AWS Backup's "Backup plan options and configuration", "Cron expressions in AWS Backup", points
  there: https://docs.aws.amazon.com/aws-backup/latest/devguide/plan-options-and-configuration.html)
- AWS Backup runs a rule at most once an hour ("backup frequency ... hourly at most", same page):
  the minutes field is one number. ``rate()`` is not a backup rule schedule.

``W``, ``#`` and ``L`` in day-of-week are valid here (:func:`parse` accepts them) but are not
evaluated by :meth:`CronSchedule.matches_day`: the emulator raises :class:`UnsupportedCron` and
never fires such a rule (its leniency list says so).
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

CRON_RE = re.compile(r"^\s*cron\(\s*([^)]*?)\s*\)\s*$")
MONTHS: dict[str, int] = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
WEEKDAYS: dict[str, int] = {d: i + 1 for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}
FIELD_NAMES = ("minutes", "hours", "day-of-month", "month", "day-of-week", "year")
BOUNDS = {
    "minutes": (0, 59),
    "hours": (0, 23),
    "day-of-month": (1, 31),
    "month": (1, 12),
    "day-of-week": (1, 7),
    "year": (1970, 2199),
}


class CronError(ValueError):
    """A schedule expression AWS Backup does not accept; the message names the field."""


class UnsupportedCron(CronError):
    """A valid expression whose day rule (``W``, ``#``, ``L`` in day-of-week) is not evaluated."""


def _number(token: str, field: str, names: Mapping[str, int] | None) -> int:
    upper = token.upper()
    if names and upper in names:
        return names[upper]
    if not token.isdigit():
        raise CronError(f"{field}: {token!r} is not a number{' or a name' if names else ''}")
    value = int(token)
    low, high = BOUNDS[field]
    if not low <= value <= high:
        raise CronError(f"{field}: {value} is outside {low}-{high}")
    return value


def _values(text: str, field: str, names: Mapping[str, int] | None = None) -> frozenset[int]:
    """The set a plain field (numbers, names, ``*``, lists, ranges, steps) stands for."""
    low, high = BOUNDS[field]
    out: set[int] = set()
    if not text:
        raise CronError(f"{field}: empty")
    for part in text.split(","):
        base, slash, step_text = part.partition("/")
        step = 1
        if slash:
            if not step_text.isdigit() or int(step_text) < 1:
                raise CronError(f"{field}: step {step_text!r} in {part!r} is not a positive number")
            step = int(step_text)
        if base == "*":
            first, last = low, high
        elif "-" in base:
            start, _, end = base.partition("-")
            first, last = _number(start, field, names), _number(end, field, names)
            if first > last:
                raise CronError(f"{field}: range {base!r} runs backwards")
        else:
            first = _number(base, field, names)
            last = high if slash else first
        out.update(range(first, last + 1, step))
    return frozenset(out)


@dataclass(frozen=True)
class CronSchedule:
    """A parsed AWS Backup cron expression."""

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None  # None: any day of the month
    last_day: bool
    special_day: str | None  # a day-of-month with W (e.g. "15W", "LW")
    months: frozenset[int]
    weekdays: frozenset[int] | None  # None: any day of the week
    special_weekday: str | None  # a day-of-week with L or # (e.g. "6L", "2#1")
    years: frozenset[int] | None

    def matches_day(self, day: _dt.date) -> bool:
        """Whether the schedule fires on ``day`` (raises :class:`UnsupportedCron` for W, #, L in
        day-of-week, which are not evaluated)."""
        if self.special_day or self.special_weekday:
            raise UnsupportedCron(f"{self.expression!r}: W, # and day-of-week L are not evaluated here")
        if day.month not in self.months or (self.years is not None and day.year not in self.years):
            return False
        if self.last_day and day.day != calendar.monthrange(day.year, day.month)[1]:
            return False
        if self.days is not None and day.day not in self.days:
            return False
        # Python: Monday=0 .. Sunday=6; AWS cron: SUN=1 .. SAT=7
        return self.weekdays is None or (day.weekday() + 1) % 7 + 1 in self.weekdays


def parse(expression: str) -> CronSchedule:
    """Parse and validate; raises :class:`CronError` naming the field that is wrong."""
    match = CRON_RE.match(expression or "")
    if match is None:
        raise CronError("not cron(minutes hours day-of-month month day-of-week year)")
    fields = match.group(1).split()
    if len(fields) != 6:
        raise CronError(
            f"{len(fields)} fields; AWS cron has six (minutes hours day-of-month month day-of-week year)"
        )
    minutes, hours, dom, month, dow, year = fields
    if not minutes.isdigit():
        raise CronError(
            f"minutes: {minutes!r}; AWS Backup runs a rule at most hourly, so minutes is one number"
        )
    minute_values = _values(minutes, "minutes")
    hour_values = _values(hours, "hours")
    if (dom == "?") == (dow == "?"):
        raise CronError("exactly one of day-of-month and day-of-week must be '?'")
    days: frozenset[int] | None = None
    last_day = False
    special_day: str | None = None
    if dom == "L":
        last_day = True
    elif dom == "LW":
        special_day = dom
    elif dom.endswith("W"):
        _number(dom[:-1], "day-of-month", None)
        special_day = dom
    elif dom not in ("?", "*"):
        days = _values(dom, "day-of-month")
    month_values = _values(month, "month", MONTHS)
    weekdays: frozenset[int] | None = None
    special_weekday: str | None = None
    if dow == "L":
        weekdays = frozenset({7})  # "L" alone in day-of-week: the last day of the week, SAT
    elif "#" in dow:
        day_text, _, nth = dow.partition("#")
        _number(day_text, "day-of-week", WEEKDAYS)
        if not nth.isdigit() or not 1 <= int(nth) <= 5:
            raise CronError(f"day-of-week: {dow!r}: the n of '#n' is 1-5")
        special_weekday = dow
    elif dow.upper().endswith("L"):
        _number(dow[:-1], "day-of-week", WEEKDAYS)
        special_weekday = dow
    elif dow not in ("?", "*"):
        weekdays = _values(dow, "day-of-week", WEEKDAYS)
    years = None if year in ("*", "?") else _values(year, "year")
    return CronSchedule(
        expression,
        minute_values,
        hour_values,
        days,
        last_day,
        special_day,
        month_values,
        weekdays,
        special_weekday,
        years,
    )


def problem(expression: str) -> str | None:
    """Why AWS Backup would refuse ``expression``; None when it is valid."""
    try:
        parse(expression)
    except CronError as exc:
        return str(exc)
    return None
