"""Reconcile: sweep every in-scope account and Region, repair what the automation owns, report the rest.

Owned by the automation (repaired in "repair" mode): the bunker copy grant, the AWS Backup Region
opt-in, the inventory item (missing / wrong OU / wrong state), the bunker allow-list entry (accounts
mode) and the offboarding of accounts that left scope without an event. Not owned (reported, with
who must act): member baseline resources (vault, key, vault policy, lock, automation role, stack
instance: "re-run the CfCT pipeline"), the effective backup policy (Organizations policies) and
the copy destinations of its plans (bunker vaults, read once per sweep).

"audit" mode makes no write at all: it backs `cfct-backup audit`.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from cfct_backup_automation import baseline, bunker, copy_readiness, inventory, orgtree, recovery_ledger
from cfct_backup_automation.config import Config
from cfct_backup_automation.destinations import DestinationCache
from cfct_backup_automation.log import logger
from cfct_backup_automation.policy_validation import PolicyValidation
from cfct_backup_automation.protection import (
    RERUN,
    Gap,
    Mode,
    PolicyIndex,
    account_gaps,
    check_region,
    effective_plans,
)
from cfct_backup_automation.ratelimit import RateLimiter
from cfct_backup_automation.sessions import RoleNotReady, SessionFactory, error_code
from cfct_backup_automation.telemetry import Telemetry

# `schemaVersion` of the JSON report (S3 and `cfct-backup audit --json`): fields only added within it.
SCHEMA_VERSION = 1

CSV_FIELDS = (
    "accountId",
    "accountName",
    "ouId",
    "state",
    "compliant",
    "region",
    "code",
    "owner",
    "repaired",
    "message",
)


@dataclass
class AccountReport:
    account_id: str
    ou_id: str | None
    account_name: str = ""
    gaps: list[Gap] = field(default_factory=list)
    error: str | None = None
    pending: bool = False  # waiting for its member baseline, within BASELINE_WAIT_SECONDS
    ledger: list[recovery_ledger.LedgerRow] = field(default_factory=list)  # restore tests per type

    @property
    def open_gaps(self) -> list[Gap]:
        return [g for g in self.gaps if not g.repaired]

    @property
    def repaired(self) -> list[Gap]:
        return [g for g in self.gaps if g.repaired]

    @property
    def state(self) -> str:
        if self.ou_id is None:
            return inventory.OFFBOARDED
        if self.pending and not self.open_gaps:
            return inventory.PENDING
        return inventory.PROTECTED if not self.open_gaps else inventory.GAP

    def as_dict(self) -> dict[str, Any]:
        return {
            "accountId": self.account_id,
            "accountName": self.account_name,
            "ouId": self.ou_id,
            "state": self.state,
            "compliant": self.state in (inventory.PROTECTED, inventory.OFFBOARDED),
            "gaps": [g.as_dict() for g in self.gaps],
            "error": self.error,
            "recoveryLedger": [recovery_ledger.camel(asdict(r)) for r in self.ledger],
        }


@dataclass
class ReconcileResult:
    run_id: str
    started: datetime
    finished: datetime
    mode: Mode
    accounts: list[AccountReport]
    report_keys: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        repaired: dict[str, int] = {}
        gaps: dict[str, int] = {}
        for a in self.accounts:
            for g in a.gaps:
                bucket = repaired if g.repaired else gaps
                bucket[g.code] = bucket.get(g.code, 0) + 1
        in_scope = [a for a in self.accounts if a.ou_id is not None]
        return {
            "runId": self.run_id,
            "mode": self.mode,
            "started": inventory.iso(self.started),
            "finished": inventory.iso(self.finished),
            "accountsInScope": len(in_scope),
            "accountsProtected": sum(1 for a in in_scope if a.state == inventory.PROTECTED),
            "accountsWithGaps": sum(1 for a in in_scope if a.state == inventory.GAP),
            "accountsOffboarded": sum(1 for a in self.accounts if a.ou_id is None),
            "repaired": repaired,
            "gaps": gaps,
            "reportKeys": self.report_keys,
        }

    def to_json(self) -> str:
        return json.dumps(
            {
                "schemaVersion": SCHEMA_VERSION,
                "summary": self.summary(),
                "accounts": [a.as_dict() for a in self.accounts],
            },
            indent=2,
        )

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for a in sorted(self.accounts, key=lambda a: a.account_id):
            base = {
                "accountId": a.account_id,
                "accountName": a.account_name,
                "ouId": a.ou_id or "",
                "state": a.state,
                "compliant": a.state in (inventory.PROTECTED, inventory.OFFBOARDED),
            }
            if not a.gaps:
                writer.writerow(
                    {**base, "region": "", "code": "", "owner": "", "repaired": "", "message": ""}
                )
            for g in a.gaps:
                writer.writerow({**base, **{k: v for k, v in g.as_dict().items() if k in CSV_FIELDS}})
        return out.getvalue()


def scope_tree(orgs: Any, cfg: Config) -> orgtree.OrgTree:
    """The protected OUs and everything below them, walked once (a sweep needs both the accounts in
    scope and the nested ones)."""
    return orgtree.read_subtrees(orgs, cfg.protected_ou_ids)


def in_scope_accounts(
    orgs: Any, cfg: Config, tree: orgtree.OrgTree | None = None
) -> dict[str, tuple[str, str]]:
    """account ID -> (OU ID, name) for every ACTIVE account directly in a protected OU (from `tree`
    when given, else from the protected OUs' own accounts only)."""
    if tree is None:
        tree = orgtree.read_subtrees(orgs, cfg.protected_ou_ids, descend=False)
    return {a.id: (ou, a.name) for a, ou in tree.in_scope(cfg.protected_ou_ids)}


def nested_accounts(
    orgs: Any, cfg: Config, tree: orgtree.OrgTree | None = None
) -> dict[str, tuple[str, str, str]]:
    """account ID -> (OU ID, name, protected ancestor OU) for every ACTIVE account in a child OU (at
    any depth) of a protected OU that is not itself protected: it inherits the backup policies, CfCT
    does not give it the member baseline."""
    if tree is None:
        tree = scope_tree(orgs, cfg)
    return {a.id: (a.parent_id, a.name, above) for a, above in tree.nested(cfg.protected_ou_ids)}


def nested_report(account_id: str, ou_id: str, name: str, ancestor: str) -> AccountReport:
    report = AccountReport(account_id, ou_id, name)
    report.gaps.append(
        Gap(
            baseline.NESTED_OU,
            f"{account_id}: {baseline.nested_message(ou_id, ancestor)}",
            None,
            "cfct-pipeline",
        )
    )
    return report


def _waiting_seconds(item: dict[str, Any] | None, now: datetime) -> float | None:
    """How long the account has been waiting for its baseline (None: not waiting)."""
    if not item or item.get("state") != inventory.PENDING or not item.get("waitingSince"):
        return None
    return baseline.iso_age(str(item["waitingSince"]), now)


def stack_instances(cfn: Any, stack_set: str) -> set[tuple[str, str]] | None:
    """(account, Region) pairs with a CURRENT instance of the member baseline stack set."""
    if not stack_set:
        return None
    pairs: set[tuple[str, str]] = set()
    try:
        for page in cfn.get_paginator("list_stack_instances").paginate(StackSetName=stack_set):
            for inst in page.get("Summaries", []):
                if inst.get("Status", "CURRENT") != "INOPERABLE":
                    pairs.add((inst["Account"], inst["Region"]))
    except ClientError as exc:
        if error_code(exc) != "StackSetNotFoundException":
            raise
        return set()
    return pairs


def reconcile_account(
    account_id: str,
    ou_id: str,
    cfg: Config,
    sessions: SessionFactory,
    *,
    mode: Mode,
    name: str = "",
    instances: set[tuple[str, str]] | None = None,
    item: dict[str, Any] | None = None,
    now: datetime | None = None,
    policies: PolicyIndex | None = None,
    destinations: DestinationCache | None = None,
) -> AccountReport:
    """Check one in-scope account everywhere it should be protected.

    `destinations`: the sweep's cache of copy destination vaults (a fresh one reads them).
    """
    now = now or datetime.now(UTC)
    report = AccountReport(account_id, ou_id, name)
    try:
        waited = _waiting_seconds(item, now)
        incomplete = instances is not None and any(
            (account_id, r) not in instances for r in cfg.governed_regions
        )
        if waited is not None and incomplete:
            if waited < cfg.baseline_wait_seconds:
                report.pending = True  # a normal vend still waiting for CfCT: not a gap yet
                return report
            report.gaps.append(
                Gap(
                    baseline.BASELINE_TIMEOUT,
                    f"waiting {waited / 3600:.1f} h for the member baseline "
                    f"(limit {cfg.baseline_wait_seconds / 3600:.1f} h): {RERUN}",
                    None,
                    "cfct-pipeline",
                )
            )
        for region, reason in sorted(((item or {}).get("baselineFailed") or {}).items()):
            report.gaps.append(
                Gap(
                    baseline.BASELINE_FAILED,
                    f"member baseline stack instance {reason}: {RERUN}",
                    region,
                    "cfct-pipeline",
                )
            )
        if instances is not None:
            for region in cfg.governed_regions:
                if (account_id, region) not in instances:
                    report.gaps.append(
                        Gap(
                            "stack-instance-missing",
                            f"no member baseline stack instance in {region}: {RERUN}",
                            region,
                            "cfct-pipeline",
                        )
                    )
        try:
            for region in cfg.governed_regions:
                backup = sessions.client("backup", account_id, region, retry_access_denied=False)
                kms = sessions.client("kms", account_id, region, retry_access_denied=False)
                report.gaps.extend(check_region(backup, kms, cfg, region, mode).gaps)
        except RoleNotReady:
            report.gaps.append(
                Gap("role-missing", f"cannot assume {cfg.role_name}: {RERUN}", None, "cfct-pipeline")
            )
        plans = (
            policies.plans(account_id, ou_id)
            if policies is not None
            else effective_plans(sessions.home_client("organizations"), account_id)
        )
        cache = destinations if destinations is not None else DestinationCache(ttl=None)
        report.gaps.extend(account_gaps(plans, cfg, account_id, sessions, cache, mode=mode))
        for region in cfg.governed_regions:  # copy readiness: keys that would make the bunker copy fail
            report.gaps.extend(copy_readiness.region_gaps(sessions, account_id, region, plans, cfg))
        # recovery ledger (docs/recovery.md): each tested type restored successfully in its interval
        if not any(g.code == "role-missing" for g in report.gaps):
            ledger_backup = sessions.client("backup", account_id, cfg.home_region, retry_access_denied=False)
            report.ledger, ledger_gaps = recovery_ledger.reconcile_gaps(ledger_backup, account_id, now)
            report.gaps.extend(ledger_gaps)
        if cfg.bunker_allowlist_mode == "accounts":
            _check_bunker(account_id, cfg, sessions, mode, report)
        _check_inventory(report, cfg, sessions, mode=mode, item=item, now=now)
    except Exception as exc:  # noqa: BLE001 - one account's failure is its gap, never the sweep's end
        report.error = f"{error_code(exc) or type(exc).__name__}: {exc}"
        report.gaps.append(Gap("check-failed", f"could not check {account_id}: {report.error}", None))
        logger.warning("account check failed", extra={"account_id": account_id, "error": report.error})
    finally:
        sessions.forget(account_id)
    return report


def _check_bunker(
    account_id: str, cfg: Config, sessions: SessionFactory, mode: Mode, report: AccountReport
) -> None:
    for region in dict.fromkeys((cfg.home_region, cfg.dr_region)):
        backup = sessions.client("backup", cfg.bunker_account, region)
        if account_id in bunker.allowed_accounts(backup):
            continue
        gap = Gap(
            "bunker-allow-list", f"{account_id} missing from the bunker vault allow-list in {region}", region
        )
        if mode == "repair":
            bunker.set_account(backup, account_id, present=True)
            gap.repaired = True
        report.gaps.append(gap)


def _check_inventory(
    report: AccountReport,
    cfg: Config,
    sessions: SessionFactory,
    *,
    mode: Mode,
    item: dict[str, Any] | None,
    now: datetime,
) -> None:
    account_id, ou_id, name = report.account_id, report.ou_id, report.account_name
    state = report.state
    if item and item.get("leaseOwner") and int(item.get("leaseExpires", 0)) > now.timestamp():
        return  # an enrolment is working on it right now: leave the item to it
    drift = []
    if item is None:
        drift.append("no inventory item")
    else:
        if item.get("ouId") != ou_id:
            drift.append(f"OU {item.get('ouId')} recorded, {ou_id} actual")
        if item.get("state") != state:
            drift.append(f"state {item.get('state')} recorded, {state} actual")
        if sorted(item.get("gaps", [])) != sorted(g.label for g in report.open_gaps):
            drift.append("gaps out of date")
    if not drift:
        return
    gap = Gap("inventory-drift", f"inventory of {account_id}: {'; '.join(drift)}", None)
    if mode == "repair":
        new = dict(item or {})
        new.update(
            accountId=account_id,
            ouId=ou_id,
            state=state,
            gaps=[g.label for g in report.open_gaps],
            regions=list(cfg.governed_regions),
            updatedAt=inventory.iso(now),
            reconciledAt=inventory.iso(now),
        )
        if name:
            new["accountName"] = name
        new.setdefault("enteredScopeAt", inventory.iso(now))
        if state == inventory.PROTECTED and not new.get("protectedAt"):
            new["protectedAt"] = inventory.iso(now)
        inventory.put(sessions.home_client("dynamodb"), cfg.inventory_table, new)
        gap.repaired = True
    report.gaps.append(gap)


def _inventory_items(sessions: SessionFactory, cfg: Config, mode: Mode) -> list[dict[str, Any]]:
    try:
        return list(inventory.scan(sessions.home_client("dynamodb"), cfg.inventory_table))
    except ClientError as exc:
        # An audit may run where the automation is not deployed (yet): no inventory to compare.
        if mode == "audit" and error_code(exc) in {"ResourceNotFoundException", "AccessDeniedException"}:
            logger.warning(
                "inventory table not readable: skipping inventory checks", extra={"error": str(exc)}
            )
            return []
        raise


def _offboard_drift(
    item: dict[str, Any], cfg: Config, sessions: SessionFactory, telemetry: Telemetry | None, mode: Mode
) -> AccountReport:
    account_id = str(item["accountId"])
    report = AccountReport(account_id, None, str(item.get("accountName", "")))
    gap = Gap(
        "left-scope", f"{account_id} is recorded {item.get('state')} but is no longer in a protected OU", None
    )
    if mode == "repair" and telemetry is not None:
        from cfct_backup_automation.enrolment import offboard_account  # noqa: PLC0415 - avoids a cycle

        offboard_account(account_id, "left-scope-without-event", cfg, sessions, telemetry)
        gap.repaired = True
    report.gaps.append(gap)
    return report


def reconcile(
    cfg: Config,
    sessions: SessionFactory,
    *,
    mode: Mode = "repair",
    telemetry: Telemetry | None = None,
    max_workers: int = 16,
    rate_limiter: RateLimiter | None = None,
    write_report: bool = True,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[AccountReport], None] | None = None,
) -> ReconcileResult:
    """Sweep the organization in this Lambda, with bounded concurrency (small organizations; the
    Step Functions engine below sweeps large ones)."""
    started = now()
    run_id = f"{started.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"
    limiter = rate_limiter or RateLimiter()
    previous_hook = sessions.on_client

    def hook(client: Any) -> None:
        limiter.attach(client)
        if previous_hook is not None:
            previous_hook(client)

    sessions.on_client = hook
    try:
        orgs = sessions.home_client("organizations")
        tree = scope_tree(orgs, cfg)
        scope = in_scope_accounts(orgs, cfg, tree)
        policies = PolicyIndex(orgs)
        validation = PolicyValidation(orgs)  # Organizations' own verdict on effective policies
        destinations = DestinationCache(ttl=None)  # each copy destination read once per sweep
        instances = stack_instances(
            sessions.home_client("cloudformation", cfg.home_region), cfg.baseline_stack_set
        )
        items = {str(i["accountId"]): i for i in _inventory_items(sessions, cfg, mode)}
        logger.info(
            "reconcile started",
            extra={"run_id": run_id, "mode": mode, "accounts": len(scope)},
        )

        def one(account_id: str) -> AccountReport:
            ou, name = scope[account_id]
            rep = reconcile_account(
                account_id,
                ou,
                cfg,
                sessions,
                mode=mode,
                name=name,
                instances=instances,
                item=items.get(account_id),
                policies=policies,
                destinations=destinations,
                now=started,
            )
            rep.gaps.extend(validation.gaps(account_id))
            if progress is not None:
                progress(rep)
            return rep

        with ThreadPoolExecutor(max_workers=max(1, max_workers)) as pool:
            reports = list(pool.map(one, sorted(scope)))
        nested = {a: v for a, v in nested_accounts(orgs, cfg, tree).items() if a not in scope}
        reports.extend(nested_report(a, *nested[a]) for a in sorted(nested))
        for account_id, item in sorted(items.items()):
            if (
                account_id not in scope
                and account_id not in nested
                and item.get("state") in inventory.ACTIVE_STATES
            ):
                reports.append(_offboard_drift(item, cfg, sessions, telemetry, mode))
    finally:
        sessions.on_client = previous_hook
    result = ReconcileResult(run_id, started, now(), mode, reports)
    if write_report and mode != "audit":
        result.report_keys = write_compliance_report(result, cfg, sessions)
    if telemetry is not None:
        emit_summary(result, telemetry)
    return result


def write_compliance_report(result: ReconcileResult, cfg: Config, sessions: SessionFactory) -> list[str]:
    """JSON + CSV into the central report bucket (bunker account, home Region), under `reconcile/`.

    Written with the function's own role: the bunker template's bucket policy lets exactly
    `cfct-backup-reconcile` of the management account put objects under `reconcile/`;
    ExpectedBucketOwner makes sure the bucket is the bunker's.
    """
    s3 = sessions.home_client("s3", cfg.home_region)
    day = result.started.strftime("%Y/%m/%d")
    base = f"reconcile/{day}/{result.run_id}"
    keys = [f"{base}.json", f"{base}.csv"]
    result.report_keys = keys
    for key, body, ctype in (
        (keys[0], result.to_json(), "application/json"),
        (keys[1], result.to_csv(), "text/csv"),
    ):
        s3.put_object(
            Bucket=cfg.report_bucket,
            Key=key,
            Body=body.encode(),
            ContentType=ctype,
            ExpectedBucketOwner=cfg.bunker_account,
        )
    return keys


def emit_summary(result: ReconcileResult, telemetry: Telemetry) -> None:
    summary = result.summary()
    telemetry.metric("AccountsProtected", summary["accountsProtected"], reason="reconcile")
    telemetry.metric("AccountsWithGaps", summary["accountsWithGaps"])
    for code, n in summary["gaps"].items():
        telemetry.metric("ProtectionGaps", n, reason=code)
    for code, n in summary["repaired"].items():
        telemetry.metric("DriftRepaired", n, reason=code)
    telemetry.event("Reconcile Summary", summary)
    logger.info("reconcile finished", extra=summary)


# ---- Step Functions engine (org scale): one Distributed Map item per batch of one OU's accounts ----
# templates/lifecycle-automation.yaml, SweepStateMachine: Scope -> Map(Batch) -> Summary. An item is
# {"ou", "accounts" (<= BATCH_SIZE IDs), "direct" (those a backup policy targets directly), "nested"
# (the protected OU above an unprotected child OU)}: about 16 bytes per account, so 10,000 accounts
# fit the 256 KiB state payload, and a batch reads its OU's effective policy once. The processor's
# result is discarded (a Map result is capped at 256 KiB too); the summary reads the inventory
# table, which each account check repairs.
BATCH_SIZE = 20
BATCH_THREADS = 4


class AccountChecksFailed(Exception):
    """A batch checked every account but could not check some: the Lambda fails, so the Map counts
    the item as failed and ToleratedFailurePercentage decides whether the sweep fails."""


def sweep_scope(cfg: Config, sessions: SessionFactory) -> list[dict[str, Any]]:
    """The Map's items: batches of accounts per OU (in scope, nested, or recorded but gone)."""
    orgs = sessions.home_client("organizations")
    direct = PolicyIndex(orgs).direct
    groups: dict[tuple[str | None, str | None], list[str]] = {}
    tree = scope_tree(orgs, cfg)
    scope = in_scope_accounts(orgs, cfg, tree)
    for account, (ou_id, _name) in scope.items():
        groups.setdefault((ou_id, None), []).append(account)
    nested = nested_accounts(orgs, cfg, tree)
    for account, (child, _name, above) in nested.items():
        if account not in scope:
            groups.setdefault((child, above), []).append(account)
    for item in _inventory_items(sessions, cfg, "repair"):
        account = str(item["accountId"])
        if account not in scope and account not in nested and item.get("state") in inventory.ACTIVE_STATES:
            groups.setdefault((None, None), []).append(account)
    batches = []
    for (group, protected_above), accounts in sorted(
        groups.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or "")
    ):
        accounts.sort()
        for start in range(0, len(accounts), BATCH_SIZE):
            chunk = accounts[start : start + BATCH_SIZE]
            batch: dict[str, Any] = {"ou": group, "accounts": chunk}
            if protected_above:
                batch["nested"] = protected_above
            if direct & set(chunk):
                batch["direct"] = sorted(direct & set(chunk))
            batches.append(batch)
    return batches


class _BatchPolicies(PolicyIndex):
    """PolicyIndex for one batch: the directly targeted accounts come with the item (no listing)."""

    def __init__(self, orgs: Any, direct: list[str]) -> None:  # no super().__init__: no listing
        self.orgs = orgs
        self.direct = set(direct)
        self._by_ou = {}
        self._lock = threading.Lock()
        self._ou_locks = {}
        self.calls = 0


def _instances_of(cfn: Any, stack_set: str, account_id: str) -> set[tuple[str, str]] | None:
    if not stack_set:
        return None
    pairs: set[tuple[str, str]] = set()
    try:
        pages = cfn.get_paginator("list_stack_instances").paginate(
            StackSetName=stack_set, StackInstanceAccount=account_id
        )
        for page in pages:
            for inst in page.get("Summaries", []):
                if inst.get("Account") == account_id and inst.get("Status", "CURRENT") != "INOPERABLE":
                    pairs.add((account_id, inst["Region"]))
    except ClientError as exc:
        if error_code(exc) != "StackSetNotFoundException":
            raise
    return pairs


def sweep_batch(
    batch: dict[str, Any], cfg: Config, sessions: SessionFactory, telemetry: Telemetry, *, now: datetime
) -> dict[str, Any]:
    """The Map's item processor: check (and repair) the accounts of one batch; gaps are metrics."""
    ou = batch.get("ou")
    orgs = sessions.home_client("organizations")
    ddb = sessions.home_client("dynamodb")
    cfn = sessions.home_client("cloudformation", cfg.home_region)
    policies = _BatchPolicies(orgs, list(batch.get("direct") or []))
    destinations = DestinationCache(ttl=None)

    def one(account_id: str) -> AccountReport:
        item: dict[str, Any] | None = None
        try:
            item = inventory.get(ddb, cfg.inventory_table, account_id)
            if batch.get("nested") and ou:
                return nested_report(account_id, ou, "", str(batch["nested"]))
            if ou is None or not cfg.is_protected_ou(ou):
                if item and item.get("state") in inventory.ACTIVE_STATES:
                    return _offboard_drift(item, cfg, sessions, telemetry, "repair")
                return AccountReport(account_id, None)
            instances = _instances_of(cfn, cfg.baseline_stack_set, account_id)
            report = reconcile_account(
                account_id,
                ou,
                cfg,
                sessions,
                mode="repair",
                instances=instances,
                item=item,
                now=now,
                policies=policies,
                destinations=destinations,
            )
        except Exception as exc:  # noqa: BLE001 - one account's failure is its gap, never the sweep's end
            report = AccountReport(account_id, ou)
            report.error = f"{error_code(exc) or type(exc).__name__}: {exc}"
            report.gaps.append(Gap("check-failed", f"could not check {account_id}: {report.error}", None))
        if report.error and report.ou_id is not None:
            try:  # the summary reads the inventory: the account shows its check-failed gap there
                _check_inventory(report, cfg, sessions, mode="repair", item=item, now=now)
            except Exception as exc:  # noqa: BLE001 - the batch still fails below, naming the account
                logger.warning("inventory not updated", extra={"account_id": account_id, "error": str(exc)})
        return report

    with ThreadPoolExecutor(max_workers=BATCH_THREADS) as pool:
        reports = list(pool.map(one, [str(a) for a in batch.get("accounts") or []]))
    for report in reports:
        for gap in report.gaps:
            telemetry.metric("DriftRepaired" if gap.repaired else "ProtectionGaps", 1, reason=gap.code)
    failed = [r for r in reports if r.error]
    if failed:
        raise AccountChecksFailed(
            f"{len(failed)} of {len(reports)} accounts of {ou or 'no OU'} not checked: "
            + "; ".join(f"{r.account_id}: {r.error}" for r in failed)
        )
    return {
        "accounts": len(reports),
        "protected": sum(1 for r in reports if r.state == inventory.PROTECTED),
        "withGaps": sum(1 for r in reports if r.state == inventory.GAP),
    }


def sweep_summary(
    cfg: Config,
    sessions: SessionFactory,
    telemetry: Telemetry,
    *,
    run_id: str,
    started: datetime,
    now: datetime,
) -> dict[str, Any]:
    """After the Map: the compliance report and the summary event, from the inventory table."""
    reports = []
    for item in _inventory_items(sessions, cfg, "repair"):
        if item.get("state") not in inventory.ACTIVE_STATES:
            continue
        report = AccountReport(str(item["accountId"]), item.get("ouId"), str(item.get("accountName", "")))
        for label in item.get("gaps") or []:
            region, _, code = str(label).partition(":")
            report.gaps.append(Gap(code, label, None if region == "global" else region))
        report.pending = item.get("state") == inventory.PENDING
        reports.append(report)
    result = ReconcileResult(run_id, started, now, "repair", reports)
    result.report_keys = write_compliance_report(result, cfg, sessions)
    summary = result.summary()
    telemetry.event("Reconcile Summary", summary)
    logger.info("reconcile finished", extra=summary)
    return summary
