"""The default simulated landing zone, shared by every end-to-end test of this directory (one run).

While the emulator is still up, `BREAKS` each break one thing in the deployed state through the
owning account's own credentials, read the central checks back, and put the thing back: the broken
variants cost a few calls each instead of a simulation each.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cfct_backup.cli import main
from cfct_backup.emulator import iam
from cfct_backup.organization import load_organization
from cfct_backup.simulation.central import inspect_central
from cfct_backup.simulation.report import decide, effective_backup_policy
from cfct_backup.simulation.run import Simulation, automation_config
from cfct_backup.verify.central import (
    BREAK_GLASS_ROLE,
    BUNKER_KEY_ALIAS,
    CENTRAL_BUS,
    MEMBER_EVENT_RULE,
    TRAIL,
    CentralCheck,
    log_bucket_name,
)

ROOT = Path(__file__).resolve().parents[2]
ORG = ROOT / "examples" / "organization.yaml"


@dataclass
class Context:
    clients: Any
    org: Any
    ids: Any

    def account(self, role: str) -> str:
        return str(
            self.ids.accounts[self.org.management.name if role == "management" else self.org.roles[role]]
        )

    def client(self, service: str, role: str, region: str | None = None) -> Any:
        return self.clients.client(service, self.account(role), region or self.org.home_region)


Break = Callable[[Context], Callable[[], None]]  # breaks something, returns how to put it back


def _log_bucket_without_object_lock(ctx: Context) -> Callable[[], None]:
    s3 = ctx.client("s3", "log_archive")
    bucket = log_bucket_name(ctx.account("log_archive"), ctx.org.home_region)
    policy = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    s3.delete_bucket(Bucket=bucket)
    s3.create_bucket(Bucket=bucket)  # same name, versioned, same policy: only the lock is missing
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)

    def restore() -> None:
        s3.delete_bucket(Bucket=bucket)
        s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
        s3.put_object_lock_configuration(
            Bucket=bucket,
            ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}},
            },
        )
        s3.put_bucket_policy(Bucket=bucket, Policy=policy)

    return restore


def _key_policy_without_mfa(ctx: Context) -> Callable[[], None]:
    kms = ctx.client("kms", "key_vault")
    key = kms.describe_key(KeyId=BUNKER_KEY_ALIAS)["KeyMetadata"]["KeyId"]
    policy = kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"]
    doc = json.loads(policy)
    before = len(doc["Statement"])
    doc["Statement"] = [s for s in doc["Statement"] if s.get("Sid") != "MfaForDeletionAndDisable"]
    assert len(doc["Statement"]) == before - 1
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(doc))
    return lambda: kms.put_key_policy(KeyId=key, PolicyName="default", Policy=policy)


def _bus_open_to_everyone(ctx: Context) -> Callable[[], None]:
    events = ctx.client("events", "audit")
    events.put_permission(
        EventBusName=CENTRAL_BUS, Action="events:PutEvents", Principal="*", StatementId="open"
    )
    return lambda: events.remove_permission(EventBusName=CENTRAL_BUS, StatementId="open")


def _long_break_glass_sessions(ctx: Context) -> Callable[[], None]:
    iam = ctx.client("iam", "bunker")
    iam.update_role(RoleName=BREAK_GLASS_ROLE, MaxSessionDuration=43200)
    return lambda: iam.update_role(RoleName=BREAK_GLASS_ROLE, MaxSessionDuration=3600)


def _trail_stopped(ctx: Context) -> Callable[[], None]:
    cloudtrail = ctx.client("cloudtrail", "management")
    cloudtrail.stop_logging(Name=TRAIL)
    return lambda: cloudtrail.start_logging(Name=TRAIL)


def _member_stops_forwarding(ctx: Context) -> Callable[[], None]:
    # the end-to-end event is sent from the first in-scope member of the description
    member = next(a for a in ctx.org.accounts if ctx.org.in_scope(a))
    events = ctx.clients.client("events", ctx.ids.accounts[member.name], ctx.org.home_region)
    events.disable_rule(Name=MEMBER_EVENT_RULE)
    return lambda: events.enable_rule(Name=MEMBER_EVENT_RULE)


BREAKS: dict[str, Break] = {
    "log bucket without Object Lock": _log_bucket_without_object_lock,
    "key policy without the MFA condition": _key_policy_without_mfa,
    "central bus open to *": _bus_open_to_everyone,
    "break-glass sessions of 12 hours": _long_break_glass_sessions,
    "organization trail stopped": _trail_stopped,
    "member rule disabled": _member_stops_forwarding,
}


@dataclass
class Audit:
    """One `cfct-backup audit --central` run inside the emulator: exit code, JSON report, stdout."""

    code: int
    report: dict[str, Any]
    out: str


def _audit_central(tmp: Path, name: str, *extra: str) -> Audit:
    out = tmp / f"{name}.json"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        code = main(["audit", "--central", "--json", str(out), "--baseline-stack-set", "", *extra])
    return Audit(code, json.loads(out.read_text()) if out.exists() else {}, printed.getvalue())


# audit --central runs: name -> (break applied first or None, extra arguments)
AUDITS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "as deployed": (None, ()),
    "log bucket without Object Lock": ("log bucket without Object Lock", ()),
    "through the automation role": (None, ("--role-name", "cfct-backup-automation")),
}


@dataclass
class DefaultRun:
    sim: Simulation
    report: Any
    broken: dict[str, list[CentralCheck]] = field(default_factory=dict)  # variant -> central checks
    restored: list[CentralCheck] = field(default_factory=list)  # central checks after every restore
    audits: dict[str, Audit] = field(default_factory=dict)  # AUDITS name -> its run
    # the automation's decision on the first in-scope member under a stricter configuration
    decisions: dict[str, list[str]] = field(default_factory=dict)


@pytest.fixture(scope="session")
def default_simulation(tmp_path_factory: pytest.TempPathFactory) -> DefaultRun:
    broken: dict[str, list[CentralCheck]] = {}
    restored: list[CentralCheck] = []
    audits: dict[str, Audit] = {}
    decisions: dict[str, list[str]] = {}
    tmp = tmp_path_factory.mktemp("audit-central")

    def inside(clients: Any, org: Any, ids: Any, _report: Any) -> None:
        ctx = Context(clients, org, ids)
        for name, break_ in BREAKS.items():
            restore = break_(ctx)
            try:
                broken[name] = inspect_central(clients, org, ids)
            finally:
                restore()
        restored.extend(inspect_central(clients, org, ids))
        member = next(a for a in org.accounts if org.in_scope(a))
        member_id, management_id = ids.accounts[member.name], ids.accounts[org.management.name]
        cfg = automation_config(clients, management_id, org.home_region)
        policy = effective_backup_policy(clients, management_id, org.home_region, member_id)
        for name, stricter in {
            "as configured": cfg,
            "a plan the policy lacks": dataclasses.replace(cfg, expected_plans=("cfct-backup-no-such-plan",)),
            "member Vault Lock required": dataclasses.replace(cfg, member_vault_lock_required=True),
        }.items():
            with iam.enforcing(False):  # read as the report reads: the oracle, not a principal
                decisions[name] = decide(clients, stricter, member_id, policy)
        # the same checks on the deployed landing zone as on a real organization: the caller's own
        # credentials in the management account, the role accounts through cfct-backup-audit
        for name, (variant, extra) in AUDITS.items():
            restore = BREAKS[variant](ctx) if variant else None
            try:
                audits[name] = _audit_central(tmp, name.replace(" ", "-"), *extra)
            finally:
                if restore is not None:
                    restore()

    sim = Simulation(load_organization(ORG), ROOT, inside=inside)
    report = sim.run([])
    return DefaultRun(sim, report, broken, restored, audits, decisions)


@pytest.fixture(scope="session")
def default_run(default_simulation: DefaultRun) -> tuple[Simulation, Any]:
    return default_simulation.sim, default_simulation.report
