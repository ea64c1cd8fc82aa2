"""Enrolment and offboarding of one member account, driven by a lifecycle event.

Every step is idempotent (opt-in is a set, CreateGrant with a name returns the existing grant, the
bunker allow-list is a set, the inventory write is a SET), so a redelivered or retried event
converges; a lease in the inventory item keeps two invocations off the same account; an event older
than the last one applied to the account is ignored as stale. Nothing here deletes a vault, a key
or a recovery point.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from cfct_backup_automation import baseline, bunker, inventory
from cfct_backup_automation.accounts import is_active
from cfct_backup_automation.config import Config
from cfct_backup_automation.contract import MEMBER_KEY_ALIAS
from cfct_backup_automation.destinations import DestinationCache
from cfct_backup_automation.events import BASELINE_CALLS, IgnoredEvent, LifecycleEvent, parse_event
from cfct_backup_automation.grants import revoke_all
from cfct_backup_automation.log import logger
from cfct_backup_automation.protection import NOT_FOUND, Gap, account_gaps, check_region, effective_plans
from cfct_backup_automation.sessions import ACCESS_DENIED, RoleNotReady, SessionFactory, error_code
from cfct_backup_automation.telemetry import Telemetry

Action = Literal["enrolled", "offboarded", "ignored", "waiting", "failed"]

# Events after which no CfCT run is coming (CfCT re-runs on CreateManagedAccount /
# UpdateManagedAccount SUCCEEDED only): the enrolment starts CfCT's pipeline itself.
NO_CFCT_RUN = ("MoveAccount", *BASELINE_CALLS)


@dataclass
class Outcome:
    action: Action
    account_id: str | None = None
    state: str | None = None
    reason: str | None = None
    message: str = ""
    gaps: list[Gap] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "accountId": self.account_id,
            "state": self.state,
            "reason": self.reason,
            "message": self.message,
            "gaps": [g.as_dict() for g in self.gaps],
            "actions": self.actions,
        }


def _now() -> datetime:
    return datetime.now(UTC)


def ignore(
    telemetry: Telemetry, reason: str, message: str, event_id: Any = None, account_id: str | None = None
) -> Outcome:
    """Log, count and announce an event that changes nothing."""
    logger.warning("event ignored", extra={"reason": reason, "detail": message, "event_id": event_id})
    telemetry.metric("EventsIgnored", 1, reason=reason)
    telemetry.event(
        "Event Ignored", {"reason": reason, "message": message, "eventId": event_id, "accountId": account_id}
    )
    return Outcome("ignored", account_id, reason=reason, message=message)


def _bunker_wiring(cfg: Config, sessions: SessionFactory, account_id: str, present: bool) -> list[str]:
    if cfg.bunker_allowlist_mode != "accounts":
        return []
    changed = []
    for region in dict.fromkeys((cfg.home_region, cfg.dr_region)):
        backup = sessions.client("backup", cfg.bunker_account, region)
        if bunker.set_account(backup, account_id, present):
            changed.append(f"bunker-allow-list:{region}")
    return changed


def enrol_account(
    ev: LifecycleEvent,
    cfg: Config,
    sessions: SessionFactory,
    telemetry: Telemetry,
    *,
    now: datetime | None = None,
    owner: str | None = None,
    destinations: DestinationCache | None = None,
) -> Outcome:
    """Bring an account that is (now) in a protected OU under protection and confirm it.

    `destinations`: the container's cache of copy destination vaults (a fresh one reads them).
    """
    now = now or _now()
    owner = owner or f"{ev.event_id}/{uuid.uuid4()}"
    ddb = sessions.home_client("dynamodb")
    item = inventory.acquire(ddb, cfg.inventory_table, ev.account_id, owner=owner, now=now, fields={})
    previous_state = item.get("state")
    last = item.get("lastEventTime")
    if last and last > inventory.iso(ev.time):
        inventory.release(ddb, cfg.inventory_table, ev.account_id, owner=owner, now=now, fields={})
        return ignore(
            telemetry,
            "stale",
            f"{ev.kind} of {ev.time} is older than the last event applied ({last})",
            ev.event_id,
            ev.account_id,
        )
    base_fields = _scope_fields(ev, item)
    logger.info(
        "enrolling account",
        extra={
            "account_id": ev.account_id,
            "kind": ev.kind,
            "ou_id": ev.ou_id,
            "previous_state": previous_state,
        },
    )
    try:
        cache = destinations if destinations is not None else DestinationCache()
        outcome = _enrol_steps(ev.account_id, cfg, sessions, cache)
    except RoleNotReady as exc:
        inventory.release(
            ddb,
            cfg.inventory_table,
            ev.account_id,
            owner=owner,
            now=now,
            fields={
                **base_fields,
                "state": inventory.PENDING,
                "gaps": ["global:role-missing"],
                "lastError": str(exc),
            },
        )
        telemetry.metric("ProtectionGaps", 1, reason="role-missing")
        raise
    except Exception as exc:
        # Leave a trace and give the lease back; the retry (or reconcile) resumes from here.
        inventory.release(
            ddb,
            cfg.inventory_table,
            ev.account_id,
            owner=owner,
            now=now,
            fields={
                **base_fields,
                "state": previous_state if previous_state in inventory.ACTIVE_STATES else inventory.ENROLLING,
                "lastError": f"{type(exc).__name__}: {exc}",
            },
        )
        raise
    gaps, actions, grants = outcome
    state = inventory.PROTECTED if not gaps else inventory.GAP
    fields: dict[str, Any] = {
        **base_fields,
        "state": state,
        "gaps": [g.label for g in gaps],
        "regions": list(cfg.governed_regions),
        "grants": grants,
    }
    newly_protected = state == inventory.PROTECTED and previous_state != inventory.PROTECTED
    if newly_protected:
        fields["protectedAt"] = inventory.iso(now)
    inventory.release(
        ddb, cfg.inventory_table, ev.account_id, owner=owner, now=now, fields=fields, remove=("lastError",)
    )
    report(
        telemetry,
        account_id=ev.account_id,
        ou_id=ev.ou_id,
        state=state,
        gaps=gaps,
        newly_protected=newly_protected,
        entered=base_fields["enteredScopeAt"],
        now=now,
        cfg=cfg,
    )
    return Outcome("enrolled", ev.account_id, state, gaps=gaps, actions=actions)


def _enrol_steps(
    account_id: str, cfg: Config, sessions: SessionFactory, destinations: DestinationCache
) -> tuple[list[Gap], list[str], dict[str, str]]:
    gaps: list[Gap] = []
    actions: list[str] = []
    grants: dict[str, str] = {}
    for region in cfg.governed_regions:
        backup = sessions.client("backup", account_id, region)
        kms = sessions.client("kms", account_id, region)
        result = check_region(backup, kms, cfg, region, "enrol")
        gaps.extend(result.open_gaps)
        actions.extend(f"{a}:{region}" for a in result.actions)
        if result.grant_id:
            grants[region] = result.grant_id
    actions.extend(_bunker_wiring(cfg, sessions, account_id, present=True))
    plans = effective_plans(sessions.home_client("organizations"), account_id)
    gaps.extend(account_gaps(plans, cfg, account_id, sessions, destinations, mode="enrol"))
    return gaps, actions, grants


def report(
    telemetry: Telemetry,
    *,
    account_id: str,
    ou_id: str | None,
    state: str,
    gaps: list[Gap],
    newly_protected: bool,
    entered: str | None,
    now: datetime,
    cfg: Config,
) -> None:
    """Event + metrics for PROTECTED (first time) and for every open gap."""
    if newly_protected:
        seconds = (now - datetime.fromisoformat(entered)).total_seconds() if entered else 0.0
        seconds = max(seconds, 0.0)
        logger.info("account protected", extra={"time_to_protection_s": seconds})
        telemetry.metric("AccountsProtected", 1)
        telemetry.metric("TimeToProtectionSeconds", seconds, unit="Seconds")
        telemetry.event(
            "Account Protected",
            {
                "accountId": account_id,
                "ouId": ou_id,
                "regions": list(cfg.governed_regions),
                "timeToProtectionSeconds": seconds,
            },
        )
    if gaps:
        missing = "; ".join(g.message for g in gaps)
        logger.warning("protection gap", extra={"gaps": [g.label for g in gaps], "missing": missing})
        for g in gaps:
            telemetry.metric("ProtectionGaps", 1, reason=g.code)
        telemetry.event(
            "Protection Gap",
            {
                "accountId": account_id,
                "ouId": ou_id,
                "state": state,
                "missing": missing,
                "gaps": [g.as_dict() for g in gaps],
            },
        )


def offboard_account(
    account_id: str,
    reason: str,
    cfg: Config,
    sessions: SessionFactory,
    telemetry: Telemetry,
    *,
    event_id: str = "",
    event_time: datetime | None = None,
    now: datetime | None = None,
    owner: str | None = None,
) -> Outcome:
    """Retire the grants and wiring of an account leaving scope; keep its vault, key and backups."""
    now = now or _now()
    owner = owner or f"{event_id or 'offboard'}/{uuid.uuid4()}"
    ddb = sessions.home_client("dynamodb")
    item = inventory.acquire(ddb, cfg.inventory_table, account_id, owner=owner, now=now, fields={})
    last = item.get("lastEventTime")
    if event_time is not None and last and last > inventory.iso(event_time):
        inventory.release(ddb, cfg.inventory_table, account_id, owner=owner, now=now, fields={})
        return ignore(
            telemetry,
            "stale",
            f"{reason} of {event_time} is older than the last event applied ({last})",
            event_id,
            account_id,
        )
    actions: list[str] = []
    notes: list[str] = []
    try:
        try:
            for region in cfg.governed_regions:
                kms = sessions.client("kms", account_id, region, retry_access_denied=False)
                try:
                    key_arn = kms.describe_key(KeyId=MEMBER_KEY_ALIAS)["KeyMetadata"]["Arn"]
                except Exception as exc:
                    if error_code(exc) not in NOT_FOUND:
                        raise
                    continue
                actions.extend(f"grant-revoked:{region}:{g}" for g in revoke_all(kms, key_arn))
        except RoleNotReady:
            notes.append(
                "member account unreachable (closed or left the organization): grants not revoked there"
            )
        except Exception as exc:
            if error_code(exc) not in ACCESS_DENIED:
                raise
            notes.append(f"member account denied access: {exc}")
        actions.extend(_bunker_wiring(cfg, sessions, account_id, present=False))
    except Exception as exc:
        inventory.release(
            ddb,
            cfg.inventory_table,
            account_id,
            owner=owner,
            now=now,
            fields={"lastError": f"{type(exc).__name__}: {exc}"},
        )
        raise
    fields: dict[str, Any] = {
        "state": inventory.OFFBOARDED,
        "offboardedAt": inventory.iso(now),
        "offboardReason": reason,
        "grants": {},
        "gaps": [],
        "notes": notes,
    }
    if event_id:
        fields["lastEventId"] = event_id
    if event_time is not None:
        fields["lastEventTime"] = inventory.iso(event_time)
    inventory.release(
        ddb, cfg.inventory_table, account_id, owner=owner, now=now, fields=fields, remove=("lastError",)
    )
    logger.info(
        "account offboarded",
        extra={"account_id": account_id, "reason": reason, "actions": actions, "notes": notes},
    )
    telemetry.metric("AccountsOffboarded", 1, reason=reason)
    telemetry.event(
        "Account Offboarded", {"accountId": account_id, "reason": reason, "actions": actions, "notes": notes}
    )
    return Outcome("offboarded", account_id, inventory.OFFBOARDED, reason=reason, actions=actions)


def handle_event(
    event: Any,
    cfg: Config,
    sessions: SessionFactory,
    telemetry: Telemetry,
    *,
    now: datetime | None = None,
    destinations: DestinationCache | None = None,
) -> Outcome:
    """Route one EventBridge event: enrol, offboard, or ignore with a reason."""
    try:
        ev = parse_event(event)
    except IgnoredEvent as exc:
        event_id = event.get("id") if isinstance(event, dict) else None
        return ignore(telemetry, exc.reason, exc.message, event_id)
    logger.append_keys(account_id=ev.account_id, correlation_id=ev.correlation_id)
    if ev.kind == "BaselineInstance":
        return baseline_event(ev, cfg, sessions, telemetry, now=now, destinations=destinations)
    if ev.applies_baseline:
        return baseline_applied(ev, cfg, sessions, telemetry, now=now, destinations=destinations)
    entering = ev.kind in ("CreateManagedAccount", "UpdateManagedAccount", "MoveAccount")
    if entering and cfg.is_protected_ou(ev.ou_id):
        return wait_or_enrol(ev, cfg, sessions, telemetry, now=now, destinations=destinations)
    ancestor = (
        baseline.protected_ancestor(sessions.home_client("organizations"), ev.ou_id, cfg)
        if entering
        else None
    )
    if ancestor is not None and ev.ou_id is not None:
        return record_failure(
            ev,
            cfg,
            sessions,
            telemetry,
            code=baseline.NESTED_OU,
            message=baseline.nested_message(ev.ou_id, ancestor),
            owner="cfct-pipeline",
            now=now,
        )
    ddb = sessions.home_client("dynamodb")
    item = inventory.get(ddb, cfg.inventory_table, ev.account_id)
    if item and item.get("state") in inventory.ACTIVE_STATES:
        reason = (
            "moved-out-of-scope"
            if ev.kind in ("MoveAccount", "UpdateManagedAccount", "CreateManagedAccount")
            else ev.kind
        )
        return offboard_account(
            ev.account_id, reason, cfg, sessions, telemetry, event_id=ev.event_id, event_time=ev.time, now=now
        )
    where = f"OU {ev.ou_id}" if ev.ou_id else "no OU (left the organization)"
    return ignore(
        telemetry,
        "out-of-scope",
        f"{ev.kind}: account {ev.account_id} is in {where}, not a protected OU, and is not enrolled",
        ev.event_id,
        ev.account_id,
    )


def _stale(item: dict[str, Any], ev: LifecycleEvent) -> str | None:
    last = item.get("lastEventTime")
    if last and last > inventory.iso(ev.time):
        return f"{ev.kind} of {ev.time} is older than the last event applied ({last})"
    return None


def _scope_fields(ev: LifecycleEvent, item: dict[str, Any]) -> dict[str, Any]:
    entered = item.get("enteredScopeAt")
    if not entered or item.get("state") in (None, inventory.OFFBOARDED):
        entered = inventory.iso(ev.time)
    fields: dict[str, Any] = {
        "ouId": ev.ou_id,
        "enteredScopeAt": entered,
        "lastEventId": ev.event_id,
        "lastEventTime": inventory.iso(ev.time),
    }
    if ev.account_name:
        fields["accountName"] = ev.account_name
    if ev.ou_name:
        fields["ouName"] = ev.ou_name
    return fields


class PipelineStart:
    """CfCT's pipeline, started at most once per event (a baseline call covers a whole OU)."""

    def __init__(self, sessions: SessionFactory, cfg: Config) -> None:
        self.sessions, self.cfg = sessions, cfg
        self._lock = threading.Lock()
        self._started = False
        self.execution: str | None = None

    def __call__(self, account_id: str) -> str | None:
        with self._lock:
            if not self._started:
                codepipeline = self.sessions.home_client("codepipeline")
                self.execution = baseline.start_pipeline(codepipeline, self.cfg, account_id)
                self._started = True
            return self.execution


def wait_or_enrol(
    ev: LifecycleEvent,
    cfg: Config,
    sessions: SessionFactory,
    telemetry: Telemetry,
    *,
    now: datetime | None = None,
    destinations: DestinationCache | None = None,
    item: dict[str, Any] | None = None,
    pipeline: PipelineStart | None = None,
) -> Outcome:
    """Enrol when the member baseline is complete; else record the account PENDING (no error, no
    alarm) and, for an account that arrived without a CfCT run (NO_CFCT_RUN), start CfCT's pipeline.

    After a Control Tower baseline call (`ev.applies_baseline`) a failed instance is not final: the
    call has just enrolled the account in Control Tower, so the pipeline is started again."""
    now = now or _now()
    rerun = ev.applies_baseline
    ddb = sessions.home_client("dynamodb")
    if item is None:
        item = inventory.get(ddb, cfg.inventory_table, ev.account_id) or {}
    failed_regions = dict(item.get("baselineFailed") or {})
    status = baseline.baseline_status(
        sessions.home_client("cloudformation", cfg.home_region), cfg, ev.account_id, failed_regions
    )
    if status.state == "ready":
        return enrol_account(ev, cfg, sessions, telemetry, now=now, destinations=destinations)
    if status.state == "failed" and not rerun:
        return record_failure(
            ev,
            cfg,
            sessions,
            telemetry,
            code=baseline.BASELINE_FAILED,
            message=status.reason,
            owner="cfct-pipeline",
            now=now,
        )
    owner = f"{ev.event_id}/{uuid.uuid4()}"
    item = inventory.acquire(ddb, cfg.inventory_table, ev.account_id, owner=owner, now=now, fields={})
    stale = _stale(item, ev)
    if stale:
        inventory.release(ddb, cfg.inventory_table, ev.account_id, owner=owner, now=now, fields={})
        return ignore(telemetry, "stale", stale, ev.event_id, ev.account_id)
    fields = _scope_fields(ev, item)
    waiting = item.get("waitingSince") if item.get("state") == inventory.PENDING else None
    fields.update(state=inventory.PENDING, waitingSince=waiting or inventory.iso(ev.time), gaps=[])
    fields["awaiting"] = status.reason
    actions: list[str] = []
    # No CfCT run is coming: start it, once per wait (and once per baseline call).
    if ev.kind in NO_CFCT_RUN and (waiting is None or not item.get("pipelineStartedAt") or rerun):
        try:
            execution = (pipeline or PipelineStart(sessions, cfg))(ev.account_id)
        except Exception as exc:
            inventory.release(
                ddb,
                cfg.inventory_table,
                ev.account_id,
                owner=owner,
                now=now,
                fields={**fields, "lastError": f"{type(exc).__name__}: {exc}"},
            )
            raise
        if execution is not None:
            fields.update(pipelineStartedAt=inventory.iso(now), pipelineExecutionId=execution)
            actions.append(f"pipeline-started:{cfg.cfct_pipeline_name}:{execution}")
    inventory.release(
        ddb, cfg.inventory_table, ev.account_id, owner=owner, now=now, fields=fields, remove=("lastError",)
    )
    logger.info(
        "waiting for the member baseline", extra={"account_id": ev.account_id, "status": status.reason}
    )
    telemetry.metric("EnrolmentsWaiting", 1)
    telemetry.event(
        "Enrolment Waiting",
        {"accountId": ev.account_id, "ouId": ev.ou_id, "awaiting": status.reason, "actions": actions},
    )
    return Outcome(
        "waiting",
        ev.account_id,
        inventory.PENDING,
        reason=baseline.AWAITING_BASELINE,
        message=status.reason,
        actions=actions,
    )


def baseline_applied(
    ev: LifecycleEvent,
    cfg: Config,
    sessions: SessionFactory,
    telemetry: Telemetry,
    *,
    now: datetime | None = None,
    destinations: DestinationCache | None = None,
) -> Outcome:
    """EnableBaseline / ResetEnabledBaseline / UpdateEnabledBaseline: Control Tower (re-)applied an
    OU's baseline, its accounts have the OU's SCPs and backup policies, but CfCT does not run. Every
    account of the protected OU (of every protected OU when the event does not name it: a reset names
    only the enabled baseline) that is not PROTECTED waits for its member baseline, as after a
    MoveAccount, and CfCT's pipeline is started once for all of them."""
    if ev.ou_id is not None and not cfg.is_protected_ou(ev.ou_id):
        message = f"{ev.kind} on OU {ev.ou_id}, not a protected OU"
        return ignore(telemetry, "out-of-scope", message, ev.event_id)
    ous = [ev.ou_id] if ev.ou_id else list(cfg.protected_ou_ids)
    orgs = sessions.home_client("organizations")
    ddb = sessions.home_client("dynamodb")
    pipeline = PipelineStart(sessions, cfg)
    outcomes: list[Outcome] = []
    for ou in ous:
        for page in orgs.get_paginator("list_accounts_for_parent").paginate(ParentId=ou):
            for acct in page.get("Accounts", []):
                item = inventory.get(ddb, cfg.inventory_table, acct["Id"]) or {}
                if not is_active(acct) or item.get("state") == inventory.PROTECTED:
                    continue  # protected: its baseline is complete (reconcile keeps checking it)
                placed = LifecycleEvent(
                    kind=ev.kind,
                    event_id=ev.event_id,
                    account_id=str(acct["Id"]),
                    time=ev.time,
                    account_name=str(acct.get("Name", "")),
                    ou_id=ou,
                    enabled_baseline=ev.enabled_baseline,
                )
                outcomes.append(
                    wait_or_enrol(
                        placed,
                        cfg,
                        sessions,
                        telemetry,
                        now=now,
                        destinations=destinations,
                        item=item,
                        pipeline=pipeline,
                    )
                )
    where = ", ".join(str(o) for o in ous)
    if not outcomes:
        return ignore(
            telemetry, "baseline-complete", f"{ev.kind}: every account of {where} is protected", ev.event_id
        )
    waiting = [o for o in outcomes if o.action == "waiting"]
    actions = [f"{o.account_id}:{o.action}" for o in outcomes]
    if pipeline.execution:
        actions.append(f"pipeline-started:{cfg.cfct_pipeline_name}:{pipeline.execution}")
    return Outcome(
        "waiting" if waiting else outcomes[0].action,
        None,
        reason=ev.kind,
        message=f"{ev.kind}: {len(outcomes)} accounts of {where} not protected, {len(waiting)} waiting",
        actions=actions,
    )


def record_failure(
    ev: LifecycleEvent,
    cfg: Config,
    sessions: SessionFactory,
    telemetry: Telemetry,
    *,
    code: str,
    message: str,
    owner: str,
    now: datetime | None = None,
    failed_regions: dict[str, str] | None = None,
) -> Outcome:
    """A real failure of an in-scope account: state GAP with a named gap, alarmed once."""
    now = now or _now()
    lease = f"{ev.event_id}/{uuid.uuid4()}"
    ddb = sessions.home_client("dynamodb")
    item = inventory.acquire(ddb, cfg.inventory_table, ev.account_id, owner=lease, now=now, fields={})
    stale = _stale(item, ev)
    if stale:
        inventory.release(ddb, cfg.inventory_table, ev.account_id, owner=lease, now=now, fields={})
        return ignore(telemetry, "stale", stale, ev.event_id, ev.account_id)
    previous = list(item.get("gaps") or []) if item.get("state") == inventory.GAP else []
    fields = _scope_fields(ev, item)
    fields.update(state=inventory.GAP, gaps=[f"global:{code}"], lastError=message)
    if failed_regions is not None:
        fields["baselineFailed"] = failed_regions
    inventory.release(ddb, cfg.inventory_table, ev.account_id, owner=lease, now=now, fields=fields)
    baseline.alarm_once(
        telemetry, previous, account_id=ev.account_id, ou_id=ev.ou_id, code=code, message=message, owner=owner
    )
    return Outcome("failed", ev.account_id, inventory.GAP, reason=code, message=message)


def baseline_event(
    ev: LifecycleEvent,
    cfg: Config,
    sessions: SessionFactory,
    telemetry: Telemetry,
    *,
    now: datetime | None = None,
    destinations: DestinationCache | None = None,
) -> Outcome:
    """A member baseline stack instance changed status: enrol, keep waiting, or record the failure."""
    if not cfg.baseline_stack_set or ev.stack_set_name != cfg.baseline_stack_set:
        return ignore(
            telemetry,
            "other-stack-set",
            f"stack instance event of {ev.stack_set_name}, "
            f"not the member baseline ({cfg.baseline_stack_set or 'unset'})",
            ev.event_id,
            ev.account_id,
        )
    if ev.instance_status not in baseline.FAILED_STATUSES and ev.instance_status != baseline.SUCCEEDED:
        return ignore(
            telemetry,
            "in-progress",
            f"stack instance {ev.account_id}/{ev.region} is {ev.instance_status}",
            ev.event_id,
            ev.account_id,
        )
    orgs = sessions.home_client("organizations")
    parents = orgs.list_parents(ChildId=ev.account_id).get("Parents", [])
    ou_id = str(parents[0]["Id"]) if parents else None
    placed = LifecycleEvent(
        kind=ev.kind,
        event_id=ev.event_id,
        account_id=ev.account_id,
        time=ev.time,
        ou_id=ou_id,
        region=ev.region,
        stack_set_name=ev.stack_set_name,
        instance_status=ev.instance_status,
        status_reason=ev.status_reason,
    )
    if not cfg.is_protected_ou(ou_id):
        return ignore(
            telemetry,
            "out-of-scope",
            f"baseline instance of {ev.account_id} in {ou_id}, not a protected OU",
            ev.event_id,
            ev.account_id,
        )
    ddb = sessions.home_client("dynamodb")
    item = inventory.get(ddb, cfg.inventory_table, ev.account_id) or {}
    failed = dict(item.get("baselineFailed") or {})
    if ev.instance_status in baseline.FAILED_STATUSES:
        failed[ev.region] = f"{ev.instance_status} {ev.status_reason}".strip()
        message = (
            f"member baseline stack instance in {ev.region} {failed[ev.region]}: "
            "fix it and re-run the CfCT pipeline"
        )
        return record_failure(
            placed,
            cfg,
            sessions,
            telemetry,
            code=baseline.BASELINE_FAILED,
            message=message,
            owner="cfct-pipeline",
            now=now,
            failed_regions=failed,
        )
    if ev.region in failed:
        failed.pop(ev.region)
        item["baselineFailed"] = failed
        inventory.put(
            ddb, cfg.inventory_table, {**item, "accountId": ev.account_id, "baselineFailed": failed}
        )
    return wait_or_enrol(placed, cfg, sessions, telemetry, now=now, destinations=destinations, item=item)
