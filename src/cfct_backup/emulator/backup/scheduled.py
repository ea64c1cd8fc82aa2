"""Scheduled jobs (seed 1.4, 2.6): what an account's backup plans run when the emulator clock advances."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from moto.core.exceptions import JsonRESTError

from . import schedule
from .models import EmulatedBackupBackend
from .rules import resource_type_of
from .state import RULE_DEFAULTS, SCHEDULED_JOB_SECONDS, BackupJob, BackupVault, ManagedPlan


def run_schedule(backend: EmulatedBackupBackend, start: float, end: float) -> None:
    """Run what this account's plans scheduled in ``(start, end]`` (called by ``clock.advance``).

    For each rule of each plan (policy-managed and the account's own) and each time its cron
    fires (:func:`schedule.occurrences`, in the rule's timezone): a backup job, into the rule's
    vault, for each resource of this account and Region a selection of the plan assigns
    (:func:`schedule.tagged_resources`, :func:`schedule.selected`) and whose type is opted in
    (Region settings). The job starts when the rule fires (inside ``StartWindowMinutes``), runs
    one minute (inside ``CompletionWindowMinutes``), fails if the selection's role does not
    exist, gets the rule's lifecycle (Vault Lock bounds applied by ``start_backup_job``); each
    copy action then starts a copy job through its ``start_copy_job`` (cross-account rules
    included). A resource assigned by several selections of a plan is backed up once per rule
    run. Not modelled: a rule whose vault the emulator does not know (no job; AWS would fail it),
    continuous backups (every run is a snapshot job), merging overlapping rules' runs.
    """
    candidates: list[tuple[Any, list[Mapping[str, Any]]]] = [
        (plan, [s.selection for s in plan.selections.values()]) for plan in backend.managed_plans().values()
    ]
    candidates += [
        (plan, [s.selection for s in backend.selections.get(plan_id, {}).values()])
        for plan_id, plan in backend.plans.items()
        if plan.deletion_date is None
    ]
    resources: list[tuple[str, dict[str, str]]] | None = None
    for plan, selections in candidates:
        if not selections:
            continue
        for rule in plan.backup_plan.get("Rules") or []:
            try:
                times = schedule.occurrences(
                    str(rule.get("ScheduleExpression") or RULE_DEFAULTS["ScheduleExpression"]),
                    rule.get("ScheduleExpressionTimezone"),
                    start,
                    end,
                )
            except (ValueError, KeyError):  # unsupported cron, unknown timezone
                continue
            vault = backend.vaults.get(str(rule.get("TargetBackupVaultName")))
            if not times or vault is None:
                continue
            if resources is None:
                resources = schedule.tagged_resources(
                    backend.account_id, backend.region_name, backend.partition
                )
            assigned: dict[str, str] = {}
            for selection in selections:
                for arn, tags in resources:
                    if (
                        arn not in assigned
                        and backend.opt_in_preference.get(resource_type_of(arn), False)
                        and schedule.selected(selection, arn, tags)
                    ):
                        assigned[arn] = str(selection.get("IamRoleArn", ""))
            for when in times:
                for arn, role in assigned.items():
                    _scheduled_job(
                        backend, plan, rule, cast(BackupVault, vault), arn=arn, role=role, when=when
                    )
            if isinstance(plan, ManagedPlan):
                backend.managed_last_execution[plan.backup_plan_id] = times[-1]
            else:
                plan.last_execution_date = times[-1]


def _role_exists(backend: EmulatedBackupBackend, role_arn: str) -> bool:
    from moto.iam.models import iam_backends  # noqa: PLC0415 - heavy, only when a rule runs

    per_account = dict.get(iam_backends, backend.account_id)
    iam = None if per_account is None else dict.get(per_account, backend.partition)
    return iam is not None and any(r.arn == role_arn for r in iam.roles.values())


def _scheduled_job(
    backend: EmulatedBackupBackend,
    plan: Any,
    rule: Mapping[str, Any],
    vault: BackupVault,
    *,
    arn: str,
    role: str,
    when: float,
) -> None:
    start_window = float(rule.get("StartWindowMinutes") or RULE_DEFAULTS["StartWindowMinutes"]) * 60
    completion_window = (
        float(rule.get("CompletionWindowMinutes") or RULE_DEFAULTS["CompletionWindowMinutes"]) * 60
    )
    completed = when + min(SCHEDULED_JOB_SECONDS, completion_window)
    created_by = {
        "BackupPlanId": plan.backup_plan_id,
        "BackupPlanArn": plan.backup_plan_arn,
        "BackupPlanVersion": plan.version_id,
        "BackupRuleId": rule.get("RuleId", ""),
    }
    timing = {
        "CreatedBy": created_by,
        "StartBy": when + start_window,
        "ExpectedCompletionDate": when + completion_window,
        "CompletionDate": completed,
    }
    if not _role_exists(backend, role):
        failed = BackupJob(
            vault,
            arn,
            role,
            None,
            f"IAM role {role} does not exist or cannot be assumed",
            at=when,
            schedule=timing,
        )
        backend.jobs[failed.backup_job_id] = failed
        return
    job = backend.start_backup_job(
        vault.backup_vault_name,
        arn,
        role,
        rule.get("Lifecycle"),
        plan.backup_plan_id,
        at=when,
        schedule=timing,
    )
    if job.recovery_point is None:
        return
    for action in rule.get("CopyActions") or []:
        try:
            backend.start_copy_job(
                job.recovery_point.recovery_point_arn,
                vault.backup_vault_name,
                str(action.get("DestinationBackupVaultArn", "")),
                role,
                action.get("Lifecycle"),
                at=completed,
                created_by=created_by,
            )
        except JsonRESTError:  # malformed destination ARN: no copy job, as AWS refuses the rule
            continue
