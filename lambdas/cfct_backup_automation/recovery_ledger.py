"""Recovery ledger: per account and resource type, the last successful restore test and whether it
meets the recovery targets.

A restore test counts when its restore job was started by a restore testing plan
(``CreatedBy.RestoreTestingPlanArn``), ``COMPLETED``, and validated ``SUCCESSFUL``
(https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeRestoreJob.html: CreatedBy,
ValidationStatus, RecoveryPointCreationDate, CreationDate, CompletionDate). For it the ledger
records the measured restore duration (``CompletionDate - CreationDate``, the RTO a test shows) and
the data age (``CreationDate - RecoveryPointCreationDate``, the RPO it shows) against the targets
(:class:`Targets`).

Gap codes (protection.Gap): ``restore-test-missing`` (no successful restore test of the type in
its drill interval), ``restore-target-missed`` (the last one took longer than the RTO target or
restored older data than the RPO target).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from cfct_backup_automation import contract
from cfct_backup_automation.protection import Gap

RESTORE_TEST_MISSING = "restore-test-missing"
RESTORE_TARGET_MISSED = "restore-target-missed"
COLUMNS = (
    "account",
    "resource_type",
    "last_success",
    "restore_job_id",
    "restore_duration_seconds",
    "data_age_seconds",
    "rto_target_seconds",
    "rpo_target_seconds",
    "meets_target",
    "gap",
)


@dataclass(frozen=True)
class Targets:
    """Per resource type: drill interval (a successful test at least this often), RTO and RPO."""

    drill_interval_days: float = 7.0
    rto_seconds: float = 4 * 3600.0
    rpo_seconds: float = 26 * 3600.0  # a daily backup plus its window


@dataclass
class LedgerRow:
    account: str
    resource_type: str
    last_success: str | None = None  # ISO 8601 (UTC) completion of the last successful test
    restore_job_id: str | None = None
    restore_duration_seconds: float | None = None
    data_age_seconds: float | None = None
    rto_target_seconds: float = 0.0
    rpo_target_seconds: float = 0.0
    meets_target: bool = False
    gap: str | None = None  # a gap code above, or None

    def as_gap(self) -> Gap | None:
        if self.gap is None:
            return None
        if self.gap == RESTORE_TEST_MISSING:
            message = f"no successful restore test of {self.resource_type} in its drill interval"
        else:
            message = (
                f"last restore test of {self.resource_type} took {self.restore_duration_seconds:.0f} s "
                f"(target {self.rto_target_seconds:.0f} s), restored data {self.data_age_seconds:.0f} s old "
                f"(target {self.rpo_target_seconds:.0f} s)"
            )
        return Gap(self.gap, message, None, "automation")


@dataclass
class Ledger:
    rows: list[LedgerRow] = field(default_factory=list)

    @property
    def gaps(self) -> list[Gap]:
        return [g for g in (r.as_gap() for r in self.rows) if g is not None]

    def to_json(self) -> str:
        return json.dumps({"recovery_ledger": [asdict(r) for r in self.rows]}, indent=2, sort_keys=True)

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for row in self.rows:
            writer.writerow(asdict(row))
        return out.getvalue()


def camel(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ledger row with camelCase keys, as the reconcile report spells its fields."""
    return {k.split("_")[0] + "".join(w.title() for w in k.split("_")[1:]): v for k, v in row.items()}


def _seconds(value: Any) -> float | None:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int | float):
        return float(value)
    return None


def successful_test(job: Mapping[str, Any]) -> bool:
    return (
        bool((job.get("CreatedBy") or {}).get("RestoreTestingPlanArn"))
        and job.get("Status") == "COMPLETED"
        and job.get("ValidationStatus") == "SUCCESSFUL"
    )


def account_ledger(
    account: str,
    jobs: Iterable[Mapping[str, Any]],
    resource_types: Iterable[str],
    targets: Mapping[str, Targets],
    now: datetime,
) -> list[LedgerRow]:
    """One row per resource type that should be tested; ``jobs`` as ListRestoreJobs returns them."""
    by_type: dict[str, Mapping[str, Any]] = {}
    for entry in jobs:
        if not successful_test(entry):
            continue
        done = _seconds(entry.get("CompletionDate"))
        known = by_type.get(str(entry.get("ResourceType")))
        if done is not None and (known is None or done > (_seconds(known.get("CompletionDate")) or 0)):
            by_type[str(entry.get("ResourceType"))] = entry
    rows: list[LedgerRow] = []
    for kind in resource_types:
        target = targets.get(kind, Targets())
        row = LedgerRow(
            account, kind, rto_target_seconds=target.rto_seconds, rpo_target_seconds=target.rpo_seconds
        )
        job: Mapping[str, Any] | None = by_type.get(kind)
        done = None if job is None else _seconds(job.get("CompletionDate"))
        if job is None or done is None or now.timestamp() - done > target.drill_interval_days * 86400:
            row.gap = RESTORE_TEST_MISSING
            rows.append(row)
            continue
        started = _seconds(job.get("CreationDate")) or done
        point = _seconds(job.get("RecoveryPointCreationDate")) or started
        row.last_success = datetime.fromtimestamp(done, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        row.restore_job_id = str(job.get("RestoreJobId"))
        row.restore_duration_seconds = round(done - started, 3)
        row.data_age_seconds = round(started - point, 3)
        row.meets_target = (
            row.restore_duration_seconds <= target.rto_seconds and row.data_age_seconds <= target.rpo_seconds
        )
        if not row.meets_target:
            row.gap = RESTORE_TARGET_MISSED
        rows.append(row)
    return rows


def read_jobs(backup: Any) -> list[dict[str, Any]]:
    """Every restore job of the account and Region (ListRestoreJobs, paginated)."""
    jobs: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = backup.list_restore_jobs(**({"NextToken": token} if token else {}))
        jobs.extend(page.get("RestoreJobs", []))
        token = page.get("NextToken")
        if not token:
            return jobs


def account_gaps(
    backup: Any,
    account: str,
    now: datetime,
    *,
    resource_types: Iterable[str] = ("DynamoDB", "S3", "EC2"),
    targets: Mapping[str, Targets] | None = None,
) -> tuple[list[LedgerRow], list[Gap]]:
    """The ledger rows and gaps of one account and Region, for reconcile/audit (``backup`` a client
    in the account; needs backup:ListRestoreJobs)."""
    rows = account_ledger(account, read_jobs(backup), resource_types, targets or {}, now)
    return rows, Ledger(rows).gaps


# The resource types the member restore testing plans select (templates/restore-testing.yaml).
TESTED_TYPES = ("DynamoDB", "S3", "EC2")
MEMBER_VAULT = contract.MEMBER_VAULT


def due_resource_types(
    backup: Any,
    now: datetime,
    *,
    vault: str = MEMBER_VAULT,
    targets: Mapping[str, Targets] | None = None,
    kinds: Iterable[str] = TESTED_TYPES,
) -> list[str]:
    """The tested types whose oldest recovery point in ``vault`` is older than their drill interval:
    a type backed up for less than one interval has had no chance of a restore test yet, so it is
    not due (a newly enrolled account is not a gap on its first day)."""
    wanted = set(kinds)
    oldest: dict[str, float] = {}
    token: str | None = None
    while True:
        page = backup.list_recovery_points_by_backup_vault(
            BackupVaultName=vault, **({"NextToken": token} if token else {})
        )
        for point in page.get("RecoveryPoints", []):
            kind = str(point.get("ResourceType"))
            created = _seconds(point.get("CreationDate"))
            if kind in wanted and created is not None:
                oldest[kind] = min(created, oldest.get(kind, created))
        token = page.get("NextToken")
        if not token:
            break
    interval = {k: (targets or {}).get(k, Targets()).drill_interval_days * 86400 for k in wanted}
    return sorted(k for k, first in oldest.items() if now.timestamp() - first > interval[k])


def reconcile_gaps(backup: Any, account: str, now: datetime) -> tuple[list[LedgerRow], list[Gap]]:
    """The ledger of one member (home Region, where restore testing runs) for reconcile and audit:
    its rows and its gaps. A refused read is one `restore-ledger-unverified` gap, never an error of
    the sweep."""
    try:
        kinds = due_resource_types(backup, now)
        return account_gaps(backup, account, now, resource_types=kinds)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "ClientError")
        return [], [Gap("restore-ledger-unverified", f"restore jobs could not be read ({code})", None)]
