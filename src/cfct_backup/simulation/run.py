"""`cfct-backup simulate`: the whole landing zone on the emulator, end to end.

1. build the organization (OUs, accounts, Control Tower's execution role) and its configuration;
2. stage the Lambda artifact where `publish` would, and route custom resources to their handler;
3. deploy the package the way CfCT does (`cfct.interpreter`);
4. vend an account into a protected OU (or, for each event file, create the account it names in
   the OU it names);
5. deliver each lifecycle event to the real enrolment handler on the simulated clock, run CfCT's
   pipeline when it would run and deliver its stack instance events, then a reconcile (timeline.py);
6. read back every account and print the protection report.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cfct_backup_automation import contract

from cfct_backup.cfct.interpreter import (
    CFCT_LENIENCIES,
    ClientFactory,
    DeploymentResult,
    Finding,
    Interpreter,
)
from cfct_backup.cfct.manifest import ManifestError, load_manifest
from cfct_backup.emulator import iam
from cfct_backup.organization import Account, Organization, OrganizationIds
from cfct_backup.simulation import authorization, automation, landing_zone, recovery, timeline
from cfct_backup.simulation.central import inspect_central
from cfct_backup.simulation.report import EventOutcome, Report, inspect_account

Progress = Callable[[str], None]
Inside = Callable[[ClientFactory, Organization, OrganizationIds, "Report"], None]


@dataclass
class LifecycleDelivery:
    file: str
    event: dict[str, Any]
    account_id: str | None = None
    notes: list[str] = field(default_factory=list)


def control_tower_event(
    account_id: str, account_name: str, ou_id: str, ou_name: str, *, region: str, management_id: str
) -> dict[str, Any]:
    """A Control Tower `CreateManagedAccount` lifecycle event as EventBridge delivers it."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "AWS Service Event via CloudTrail",
        "source": "aws.controltower",
        "account": management_id,
        "time": now,
        "region": region,
        "resources": [],
        "detail": {
            "eventVersion": "1.08",
            "userIdentity": {"accountId": management_id, "invokedBy": "AWS Internal"},
            "eventTime": now,
            "eventSource": "controltower.amazonaws.com",
            "eventName": "CreateManagedAccount",
            "awsRegion": region,
            "sourceIPAddress": "AWS Internal",
            "userAgent": "AWS Internal",
            "eventID": str(uuid.uuid4()),
            "readOnly": False,
            "eventType": "AwsServiceEvent",
            "managementEvent": True,
            "recipientAccountId": management_id,
            "serviceEventDetails": {
                "createManagedAccountStatus": {
                    "organizationalUnit": {"organizationalUnitName": ou_name, "organizationalUnitId": ou_id},
                    "account": {"accountName": account_name, "accountId": account_id},
                    "state": "SUCCEEDED",
                    "message": "AWS Control Tower successfully created an enrolled account.",
                    "requestedTimestamp": now,
                    "completedTimestamp": now,
                }
            },
        },
    }


def _dict(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one (event files may be malformed)."""
    return value if isinstance(value, dict) else {}


def _status(event: Mapping[str, Any]) -> dict[str, Any] | None:
    details = _dict(_dict(event.get("detail")).get("serviceEventDetails"))
    for key in ("createManagedAccountStatus", "updateManagedAccountStatus"):
        if isinstance(details.get(key), dict):
            return dict(details[key])
    return None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "account"


class Simulation:
    def __init__(
        self,
        org: Organization,
        package_dir: Path,
        progress: Progress | None = None,
        *,
        inside: Inside | None = None,
        prerequisites: bool = True,
        unenrolled: frozenset[str] = frozenset(),
    ) -> None:
        # prerequisites: deploy prerequisites/management-execution-role.yaml first, as a human does
        # (docs/first-deployment.md); unenrolled: accounts created in Organizations only
        self.prerequisites = prerequisites
        self.unenrolled = unenrolled
        self.org = org
        # called inside the emulator once the report is built, with the account clients: tests use
        # it to break deployed state and read it back again without a second simulation
        self.inside = inside
        self.package_dir = package_dir
        self.progress: Progress = progress or (lambda _line: None)
        self.timings: dict[str, float] = {}
        self.findings: list[Finding] = []
        self.ids: OrganizationIds | None = None  # what Organizations assigned (after `run`)
        self._t = time.perf_counter()

    def step(self, name: str, message: str) -> None:
        now = time.perf_counter()
        self.timings[name] = now - self._t
        self._t = now
        self.progress(message)

    def finding(self, level: str, resource: str, message: str) -> None:
        f = Finding("error" if level == "error" else "warning", resource, message)
        if f not in self.findings:
            self.findings.append(f)
            self.progress(f"  {f.level.upper()} {resource}: {message}")

    def merge(self, result: DeploymentResult) -> None:
        for f in result.findings:
            if f not in self.findings:
                self.findings.append(f)

    # ---- events --------------------------------------------------------------------------------
    def prepare_event(
        self, delivery: LifecycleDelivery, ids: OrganizationIds, org_client: Any
    ) -> Organization | None:
        """Create the account an event names, in the OU it names, if it does not exist yet."""
        status = _status(delivery.event)
        detail = _dict(delivery.event.get("detail"))
        if status is None:
            return self.apply_organizations_event(delivery, detail, ids, org_client)
        account = _dict(status.get("account"))
        ou = _dict(status.get("organizationalUnit"))
        account_id, account_name = account.get("accountId"), account.get("accountName")
        delivery.account_id = account_id
        ou_by_id = {v: k for k, v in ids.ous.items()}
        path = ou_by_id.get(str(ou.get("organizationalUnitId", "")))
        if path is None:
            matches = [p for p in ids.ous if p.split(":")[-1] == ou.get("organizationalUnitName")]
            if len(matches) != 1:
                delivery.notes.append(
                    f"OU {ou.get('organizationalUnitName')!r} not found (or ambiguous) in the organization"
                )
                return None
            path = matches[0]
            ou["organizationalUnitId"] = ids.ous[path]
            delivery.notes.append(f"OU ID rewritten to the emulated {path} ({ids.ous[path]})")
        if (
            status.get("state") != "SUCCEEDED"
            or not isinstance(account_id, str)
            or not isinstance(account_name, str)
        ):
            return None
        if account_id in ids.accounts.values():
            return None
        new = Account(name=account_name, email=f"{_slug(account_name)}@example.com", ou=path, id=account_id)
        ids.accounts[account_name] = landing_zone.create_account(org_client, new, ids.ous[path], ids.root_id)
        delivery.notes.append(f"account {account_name} ({account_id}) created in {path}")
        return self.org.with_account(new)

    def apply_organizations_event(
        self, delivery: LifecycleDelivery, detail: Mapping[str, Any], ids: OrganizationIds, org_client: Any
    ) -> Organization | None:
        """Make the emulated organization match an Organizations event before it is delivered:
        MoveAccount moves the account (when it and the destination exist), RemoveAccountFromOrganization
        and CloseAccount remove or close it."""
        params = _dict(detail.get("requestParameters"))
        account_id = params.get("accountId")
        delivery.account_id = account_id if isinstance(account_id, str) else None
        name = detail.get("eventName")
        names = {v: k for k, v in ids.accounts.items()}
        if not isinstance(account_id, str) or account_id not in names:
            delivery.notes.append(f"{name}: account {account_id} is not in the organization; delivered as is")
            return None
        if name == "MoveAccount":
            destination = params.get("destinationParentId")
            paths = {v: k for k, v in ids.ous.items()}
            if destination != ids.root_id and destination not in paths:
                delivery.notes.append(
                    f"MoveAccount: destination {destination} is not an OU of the organization"
                )
                return None
            parents = org_client.list_parents(ChildId=account_id)["Parents"]
            if parents and parents[0]["Id"] != destination:
                org_client.move_account(
                    AccountId=account_id, SourceParentId=parents[0]["Id"], DestinationParentId=destination
                )
            path = "" if destination == ids.root_id else paths[destination]
            delivery.notes.append(f"account {names[account_id]} moved to {path or 'Root'}")
            moved = self.org.account(names[account_id])
            return self.org.with_account(Account(moved.name, moved.email, path, account_id))
        if name == "RemoveAccountFromOrganization":
            org_client.remove_account_from_organization(AccountId=account_id)
            delivery.notes.append(f"account {names[account_id]} removed from the organization")
        elif name == "CloseAccount":
            org_client.close_account(AccountId=account_id)
            delivery.notes.append(f"account {names[account_id]} closed")
        else:
            return None
        del ids.accounts[names[account_id]]
        return self.org.without_account(names[account_id])

    # ---- the run -------------------------------------------------------------------------------
    def run(self, events: list[tuple[str, dict[str, Any]]]) -> Report:
        org = self.org
        self.progress(f"Simulating {org.source} with the package in {self.package_dir}")
        with landing_zone.emulated_aws(org.home_region):
            self.step("emulator", "[1/6] emulator started")
            session = landing_zone.management_session(org.home_region)
            ids = self.ids = landing_zone.build_organization(
                org, session, self.progress, unenrolled=self.unenrolled
            )
            landing_zone.write_configuration(org, ids, session)
            if self.prerequisites:
                template = _prerequisite(self.package_dir)
                landing_zone.deploy_prerequisites(session, org.home_region, template)
                self.progress(f"  prerequisite stack deployed by hand: {template.name}")
            code = landing_zone.lambda_zip(
                Path(__file__).resolve().parents[3] / "lambdas" / "cfct_backup_automation"
            )
            artifacts = landing_zone.stage_artifacts(org, session, code)
            self.step(
                "organization",
                f"[2/6] organization built; artifact at s3://{artifacts[contract.SSM_ARTIFACT_BUCKET.name]}",
            )
            automation.reset_handlers()
            routed = automation.register_custom_resources()
            if routed:
                self.finding("warning", "custom-resources", routed)
            clients = landing_zone.clients_for(session)
            try:
                manifest = load_manifest(self.package_dir / "manifest.yaml")
            except ManifestError as exc:
                for p in exc.problems:
                    self.finding("error", "manifest.yaml", str(p))
                return self.report(org, ids, clients, DeploymentResult(), [])
            # EnforceSuccessfulStackInstances=true, as docs/first-deployment.md recommends
            interpreter = Interpreter(
                self.package_dir,
                manifest,
                clients,
                progress=self.progress,
                enforce_successful_stack_instances=True,
            )
            self.progress(f"[3/6] deploying {len(manifest.resources)} manifest resources as CfCT does")
            result = interpreter.deploy()
            self.merge(result)
            for leniency in CFCT_LENIENCIES:
                self.progress(f"  leniency: {leniency}")
            self.step("deploy", "  package deployed")

            org_client = session.client("organizations")
            deliveries: list[LifecycleDelivery] = []
            if events:
                for file, event in events:
                    delivery = LifecycleDelivery(file, event)
                    updated = self.prepare_event(delivery, ids, org_client)
                    if updated is not None:
                        org = self.org = updated
                    for note in delivery.notes:
                        self.progress(f"  {file}: {note}")
                    deliveries.append(delivery)
            else:
                vend = org.vend or Account("Vended Account", "vended@example.com", org.protected_paths[0])
                parent = ids.ous[vend.ou]
                ids.accounts[vend.name] = landing_zone.create_account(org_client, vend, parent, ids.root_id)
                org = self.org = org.with_account(
                    Account(vend.name, vend.email, vend.ou, ids.accounts[vend.name])
                )
                event = control_tower_event(
                    ids.accounts[vend.name],
                    vend.name,
                    parent,
                    vend.ou.split(":")[-1],
                    region=org.home_region,
                    management_id=ids.accounts[org.management.name],
                )
                deliveries.append(LifecycleDelivery("(vended)", event, ids.accounts[vend.name]))
                self.progress(
                    f"  Account Factory: {vend.name} ({ids.accounts[vend.name]}) vended into {vend.ou}"
                )
            self.progress(
                "[4/6] lifecycle events on the simulated clock; CfCT's pipeline runs when triggered"
            )
            line = timeline.Timeline(interpreter, session, self.progress)
            outcomes = line.run([(d.file, d.account_id, d.event) for d in deliveries])
            for outcome in outcomes:
                if outcome.file == "(reconcile)":
                    self.finding("error", "reconcile", outcome.outcome)
                elif "DLQ" in outcome.outcome:
                    self.finding("error", "enrolment", outcome.outcome)
            result = line.last_result or result
            self.merge(result)
            self.step("vend", "[5/6] events delivered, pipeline runs done, reconcile run")
            self.step("automation", "[6/6] reading back every account")
            checked = authorization.collect()
            with iam.enforcing(False):  # the read-back is the oracle, not a principal (leniency list)
                report = self.report(org, ids, clients, result, outcomes)
            report.authorization = authorization.run_probes(checked, clients, org, ids)
            report.restores = recovery.run_drill(clients, org, ids)  # docs/recovery.md
            report.timeline = line.summary(timeline.inventory_items())
            self.step("inspect", "  done")
            if self.inside is not None:
                self.inside(clients, org, ids, report)
            report.timings = dict(self.timings)
            return report

    def report(
        self,
        org: Organization,
        ids: OrganizationIds,
        clients: Any,
        result: DeploymentResult,
        outcomes: list[EventOutcome],
    ) -> Report:
        states = automation.inventory_states()
        instances: dict[str, list[str]] = {}
        for ss in result.stack_sets.values():
            for account, region in ss.deployed:
                instances.setdefault(account, []).append(f"{ss.name}@{region}")
        accounts = []
        # the scheduled drill runs in the first in-scope member (it moves the emulator clock a day on)
        drilled = next((a.name for a in org.accounts if org.in_scope(a) and not org.role_of(a)), None)
        for member in (org.management, *org.accounts):
            if member.name not in ids.accounts:
                continue
            account_id = ids.accounts[member.name]
            accounts.append(
                inspect_account(
                    org,
                    ids,
                    clients,
                    member.name,
                    stack_instances=sorted(instances.get(account_id, [])),
                    enrolment=None if states is None else states.get(account_id),
                    backup_policy_modelled=True,
                    drill_schedule=member.name == drilled,
                )
            )
        return Report(
            organization_id=ids.org_id,
            root_id=ids.root_id,
            home_region=org.home_region,
            governed_regions=list(org.governed_regions),
            accounts=accounts,
            findings=list(self.findings),
            events=outcomes,
            central=inspect_central(clients, org, ids),
        )


def _prerequisite(package_dir: Path) -> Path:
    """The prerequisite template: the package's own, else this repository's."""
    own = package_dir / landing_zone.PREREQUISITE_TEMPLATE
    return own if own.is_file() else Path(__file__).resolve().parents[3] / landing_zone.PREREQUISITE_TEMPLATE


def load_events(paths: list[Path]) -> list[tuple[str, dict[str, Any]]]:
    """Event files (one JSON event each); ValueError names the file."""
    events = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: not a readable JSON event: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError(f"{path}: an event is a JSON object")
        events.append((str(path), data))
    return events
