"""The per-account protection report: what really exists in each emulated account, and the verdict.

Everything here is read back from the emulated AWS through each account's own credentials (the
CfCT execution role), never from what the deployment meant to create: a vault the template named
but the emulator did not create shows up as missing. Schema of `as_dict`: docs/simulate.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from cfct_backup_automation import contract
from cfct_backup_automation.destinations import copy_destinations

from cfct_backup.backup_policy import backup_plans
from cfct_backup.cfct.interpreter import ClientFactory, Finding
from cfct_backup.organization import Organization, OrganizationIds
from cfct_backup.simulation.central import GROUPS, CentralCheck
from cfct_backup.simulation.key_drill import key_drill
from cfct_backup.simulation.recovery import render as render_restores
from cfct_backup.simulation.recovery import restore_gaps

MEMBER_VAULT = contract.MEMBER_VAULT
MEMBER_KEY_ALIAS = contract.MEMBER_KEY_ALIAS
BUNKER_VAULT = contract.BUNKER_VAULT
SERVICE_ROLE = contract.SERVICE_ROLE
EVENT_RULE = contract.MEMBER_EVENT_RULE
FRAMEWORK = contract.FRAMEWORK
PROTECTED_ACTIONS = ("backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle")

State = Literal["PROTECTED", "GAP", "NOT_IN_SCOPE", "ROLE"]
SCHEMA_VERSION = 1


@dataclass
class RegionStatus:
    region: str
    vault: str | None = None  # vault name when it exists
    key: str | None = None  # key ID of the vault's CMK
    key_account: str | None = None  # account that holds the key (the Key Vault for the bunker)
    key_customer_managed: bool = False
    key_rotation: bool = False
    locked: bool = False
    access_policy: bool = False  # a policy that denies DeleteRecoveryPoint / UpdateRecoveryPointLifecycle
    opted_in: list[str] = field(default_factory=list)  # AWS Backup services opted in
    copy_limited: bool = False  # member: CopyFromBackupVault denied but to the bunker; bunker:
    #                             CopyIntoBackupVault allowed only under a condition (org paths)
    event_rule: bool = False  # member: rule forwarding AWS Backup events to the central bus
    framework: bool = False  # member: Backup Audit Manager framework
    bunker_grant: bool = False  # member: KMS grant on the vault key for the bunker account


@dataclass
class AccountStatus:
    name: str
    id: str
    ou: str
    role: str | None
    in_scope: bool
    state: State = "NOT_IN_SCOPE"
    regions: list[RegionStatus] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)  # effective backup plan names
    copy_destinations: list[str] = field(default_factory=list)  # vault ARNs
    stack_instances: list[str] = field(default_factory=list)  # "<resource>@<region>"
    scps: list[str] = field(default_factory=list)  # attached to the account, its OUs and the root
    rcps: list[str] = field(default_factory=list)
    enrolment: str | None = None  # state recorded by the enrolment automation
    copy_jobs: list[str] = field(default_factory=list)  # "<region> -> <destination>: <state>"
    # scheduled drill (one protected member): "<region> <plan>/<rule> backup: <state>" and
    # "<region> <plan>/<rule> copy -> <destination>: <state>"
    scheduled_jobs: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)


@dataclass
class EventOutcome:
    file: str
    account: str
    outcome: str


@dataclass
class Report:
    organization_id: str
    root_id: str
    home_region: str
    governed_regions: list[str]
    accounts: list[AccountStatus]
    findings: list[Finding] = field(default_factory=list)
    events: list[EventOutcome] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    central: list[CentralCheck] = field(default_factory=list)  # role accounts (simulation.central)
    restores: dict[str, Any] = field(default_factory=dict)  # recovery drill (simulation.recovery)
    timeline: dict[str, Any] = field(default_factory=dict)  # simulation.timeline: per account + alarms
    authorization: Any = None  # simulation.authorization.Authorization (None: not enforced)

    @property
    def central_gaps(self) -> list[CentralCheck]:
        return [c for c in self.central if not c.ok]

    @property
    def in_scope(self) -> list[AccountStatus]:
        return [a for a in self.accounts if a.in_scope]

    @property
    def ok(self) -> bool:
        """Every in-scope account PROTECTED, the role accounts without gap (member table and central
        checks), no deployment error."""
        return (
            all(a.state == "PROTECTED" for a in self.in_scope)
            and not any(a.gaps for a in self.accounts if a.role)
            and not self.central_gaps
            and not any(f.level == "error" for f in self.findings)
            and not restore_gaps(self.restores)
            and (self.authorization is None or self.authorization.ok)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "ok": self.ok,
            "organization": {
                "id": self.organization_id,
                "root_id": self.root_id,
                "home_region": self.home_region,
                "governed_regions": self.governed_regions,
            },
            "accounts": [
                {
                    **asdict(a),
                    # every account carries the timeline's fields: null/0 where it had no event
                    "timeToProtectedSeconds": None,
                    "dlqMessages": 0,
                    **self.timeline.get("accounts", {}).get(a.id, {}),
                }
                for a in self.accounts
            ],
            "timeline": {k: v for k, v in self.timeline.items() if k != "accounts"},
            "findings": [asdict(f) for f in self.findings],
            "events": [asdict(e) for e in self.events],
            "central": [{**asdict(c), "gap": None if c.ok else c.gap} for c in self.central],
            "timings_seconds": {k: round(v, 3) for k, v in self.timings.items()},
            "restores": self.restores,
            "authorization": None if self.authorization is None else self.authorization.as_dict(),
        }


# ---- inspection ----------------------------------------------------------------------------------


def _code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _denies_protected_actions(policy_text: str) -> bool:
    try:
        doc = json.loads(policy_text)
    except ValueError:
        return False
    statements = doc.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    denied: set[str] = set()
    for st in statements:
        if st.get("Effect") != "Deny":
            continue
        actions = st.get("Action", [])
        for action in [actions] if isinstance(actions, str) else actions:
            for wanted in PROTECTED_ACTIONS:
                pattern = "^" + re.escape(action).replace(r"\*", ".*") + "$"
                if re.match(pattern, wanted, re.IGNORECASE):
                    denied.add(wanted)
    return denied == set(PROTECTED_ACTIONS)


def _statements(policy_text: str) -> list[dict[str, Any]]:
    try:
        doc = json.loads(policy_text)
    except ValueError:
        return []
    statements = doc.get("Statement", [])
    return [statements] if isinstance(statements, dict) else list(statements)


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement.get("Action", [])
    return [actions] if isinstance(actions, str) else list(actions)


def copy_from_limited(policy_text: str) -> bool:
    """A Deny of backup:CopyFromBackupVault under a condition (copies only to allowed targets)."""
    return any(
        st.get("Effect") == "Deny" and "backup:CopyFromBackupVault" in _actions(st) and st.get("Condition")
        for st in _statements(policy_text)
    )


def copy_into_limited(policy_text: str) -> bool:
    """backup:CopyIntoBackupVault is allowed, and only under a condition (never to anyone)."""
    allows = [
        st
        for st in _statements(policy_text)
        if st.get("Effect") == "Allow"
        and any(a in ("backup:CopyIntoBackupVault", "backup:*") for a in _actions(st))
    ]
    return bool(allows) and all(st.get("Condition") for st in allows)


def inspect_vault(
    clients: ClientFactory, account_id: str, region: str, vault: str
) -> tuple[RegionStatus, list[str]]:
    status = RegionStatus(region=region)
    gaps: list[str] = []
    backup = clients.client("backup", account_id, region)
    try:
        desc = backup.describe_backup_vault(BackupVaultName=vault)
    except backup.exceptions.ClientError as exc:
        gaps.append(f"{region}: vault {vault} missing ({_code(exc) or exc})")
        return status, gaps
    status.vault = vault
    status.locked = bool(desc.get("Locked"))
    key_arn = desc.get("EncryptionKeyArn")
    if not key_arn:
        gaps.append(f"{region}: vault {vault} has no customer managed key")
    else:
        # the bunker's key lives in the key vault account: read it where it is
        parts = str(key_arn).split(":")
        key_account = parts[4] if len(parts) > 5 and parts[4] else account_id
        key_region = parts[3] if len(parts) > 5 and parts[3] else region
        kms = clients.client("kms", key_account, key_region)
        try:
            meta = kms.describe_key(KeyId=key_arn)["KeyMetadata"]
            status.key = str(meta["KeyId"])
            status.key_account = key_account
            status.key_customer_managed = meta.get("KeyManager") == "CUSTOMER"
            if meta.get("KeyState") != "Enabled":
                gaps.append(f"{region}: key {status.key} is {meta.get('KeyState')}")
            if not status.key_customer_managed:
                gaps.append(f"{region}: vault {vault} uses an AWS managed key")
            try:
                status.key_rotation = bool(kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"])
            except kms.exceptions.ClientError:
                status.key_rotation = False
        except kms.exceptions.ClientError as exc:
            gaps.append(f"{region}: key {key_arn} not found in the account ({_code(exc)})")
    try:
        policy = backup.get_backup_vault_access_policy(BackupVaultName=vault).get("Policy", "")
        status.access_policy = _denies_protected_actions(policy)
        status.copy_limited = (copy_into_limited if vault == BUNKER_VAULT else copy_from_limited)(policy)
        if not status.copy_limited:
            action = "CopyIntoBackupVault" if vault == BUNKER_VAULT else "CopyFromBackupVault"
            gaps.append(f"{region}: access policy of {vault} does not limit {action}")
        if not status.access_policy:
            gaps.append(
                f"{region}: access policy of {vault} does not deny "
                "DeleteRecoveryPoint/UpdateRecoveryPointLifecycle"
            )
    except backup.exceptions.ClientError as exc:
        gaps.append(f"{region}: no access policy on {vault} ({_code(exc) or exc})")
    except (AttributeError, NotImplementedError) as exc:  # moto without the emulator extension
        gaps.append(f"{region}: access policy cannot be read: {exc}")
    return status, gaps


def inspect_member_extras(
    clients: ClientFactory, account_id: str, region: str, status: RegionStatus, bunker_id: str
) -> list[str]:
    """Event forwarding, the BAM framework and the bunker's KMS grant in one member Region."""
    gaps: list[str] = []
    events = clients.client("events", account_id, region)
    try:
        rule = events.describe_rule(Name=EVENT_RULE)
        status.event_rule = rule.get("State") == "ENABLED"
        if not status.event_rule:
            gaps.append(f"{region}: event rule {EVENT_RULE} is {rule.get('State')}")
    except events.exceptions.ResourceNotFoundException:
        gaps.append(f"{region}: event rule {EVENT_RULE} missing (no forwarding to the central bus)")
    backup = clients.client("backup", account_id, region)
    try:
        backup.describe_framework(FrameworkName=FRAMEWORK)
        status.framework = True
    except Exception as exc:  # noqa: BLE001 - missing, or not modelled without the emulator
        gaps.append(f"{region}: Backup Audit Manager framework {FRAMEWORK} missing ({_code(exc) or exc})")
    if status.key:
        kms = clients.client("kms", account_id, region)
        try:
            grants = kms.list_grants(KeyId=status.key).get("Grants", [])
        except kms.exceptions.ClientError:
            grants = []
        status.bunker_grant = any(bunker_id in str(g.get("GranteePrincipal", "")) for g in grants)
        if not status.bunker_grant:
            gaps.append(f"{region}: no KMS grant on the vault key for the bunker account {bunker_id}")
    return gaps


def _opted_in(clients: ClientFactory, account_id: str, region: str) -> list[str] | None:
    backup = clients.client("backup", account_id, region)
    try:
        prefs = backup.describe_region_settings().get("ResourceTypeOptInPreference", {})
    except Exception:  # noqa: BLE001 - not modelled without the emulator extension
        return None
    return sorted(k for k, v in prefs.items() if v)


def effective_backup_policy(
    clients: ClientFactory, management_id: str, region: str, account_id: str
) -> dict[str, Any] | None:
    org = clients.client("organizations", management_id, region)
    try:
        content = org.describe_effective_policy(PolicyType="BACKUP_POLICY", TargetId=account_id)
    except org.exceptions.EffectivePolicyNotFoundException:
        return {}
    except Exception:  # noqa: BLE001 - BACKUP_POLICY is not modelled without the emulator extension
        return None
    data = json.loads(content["EffectivePolicy"]["PolicyContent"])
    return data if isinstance(data, dict) else {}


def plans_and_copies(policy: dict[str, Any], account_id: str, region: str) -> tuple[list[str], list[str]]:
    """Plan names and copy destination ARNs (`$account` / `$region` expanded) of an effective policy."""
    plans = policy.get("plans", {}) or {}
    names = sorted(plans)
    return names, copy_destinations(plans, account_id, [region])


_VAULT_ARN = re.compile(r"^arn:[\w-]+:backup:([\w-]+):(\d{12}):backup-vault:([\w.-]+)$")


DRILL_RESOURCE = "arn:{partition}:ec2:{region}:{account}:volume/vol-0cfcbac0000d0001"


def copy_drill(
    clients: ClientFactory, account_id: str, region: str, effective: dict[str, Any], skip: set[str]
) -> tuple[list[str], list[str]]:
    """Run each copy the account's plans make in `region` once, as AWS Backup would: a backup job into
    the rule's vault with the rule's lifecycle and the selection's role, then a copy job to each
    destination with the copy action's lifecycle. The emulator applies AWS's cross-account rules
    (same organization, cross-account backup enabled, customer managed key, the destination's
    access policy and Vault Lock bounds). Returns (job lines, gaps)."""
    lines: list[str] = []
    gaps: list[str] = []
    done: set[str] = set(skip)
    backup = clients.client("backup", account_id, region)
    for plan in backup_plans(effective, account_id, region):
        roles = [str(sel["IamRoleArn"]) for sel in plan.get("Selections", []) if sel.get("IamRoleArn")]
        role = roles[0] if roles else f"arn:aws:iam::{account_id}:role/{SERVICE_ROLE}"
        for rule in plan.get("Rules", []):
            for action in rule.get("CopyActions", []) or []:
                destination = str(action["DestinationBackupVaultArn"])
                if destination in done:
                    continue
                done.add(destination)
                vault = str(rule.get("TargetBackupVaultName") or MEMBER_VAULT)
                partition = role.split(":")[1] if role.startswith("arn:") else "aws"
                try:
                    job = backup.start_backup_job(
                        BackupVaultName=vault,
                        ResourceArn=DRILL_RESOURCE.format(
                            partition=partition, region=region, account=account_id
                        ),
                        IamRoleArn=role,
                        Lifecycle=rule.get("Lifecycle") or {},
                    )
                    point = job.get("RecoveryPointArn")
                    if not point:
                        state = backup.describe_backup_job(BackupJobId=job["BackupJobId"])
                        reason = f"{state.get('State')}: {state.get('StatusMessage', '')}"
                        gaps.append(f"{region}: backup job into {vault} {reason}")
                        continue
                    copy = backup.start_copy_job(
                        RecoveryPointArn=point,
                        SourceBackupVaultName=vault,
                        DestinationBackupVaultArn=destination,
                        IamRoleArn=role,
                        Lifecycle=action.get("Lifecycle") or {},
                    )
                    result = backup.describe_copy_job(CopyJobId=copy["CopyJobId"])["CopyJob"]
                except Exception as exc:  # noqa: BLE001 - jobs not modelled without the emulator extension
                    gaps.append(f"{region}: copy drill to {destination} could not run ({_code(exc) or exc})")
                    continue
                state = str(result.get("State"))
                lines.append(f"{region} -> {destination}: {state}")
                if state != "COMPLETED":
                    gaps.append(
                        f"{region}: copy job to {destination} {state}: {result.get('StatusMessage', '')}"
                    )
    return lines, gaps


DRILL_TABLE = contract.SCHEDULED_DRILL_TABLE
DRILL_TIER = "daily"


def scheduled_drill(
    clients: ClientFactory, account_id: str, region: str, bunker_id: str
) -> tuple[list[str], list[str]]:
    """The plans run on their own (seed 1.4, 2.5, 2.6): a DynamoDB table tagged
    `cfct-backup:tier=daily` in the account, the emulator clock one day on, then the account's
    policy-managed plan must have backed it up (a completed job created by an `orgs/` plan) and
    copied the recovery point into the bunker account, every copy completed. Returns (lines, gaps);
    the table is deleted afterwards, its backups stay."""
    from cfct_backup.emulator import clock  # noqa: PLC0415 - the simulation runs on the emulator

    dynamodb = clients.client("dynamodb", account_id, region)
    backup = clients.client("backup", account_id, region)
    table = dynamodb.create_table(
        TableName=DRILL_TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": contract.TIER_TAG, "Value": DRILL_TIER}],
    )["TableDescription"]["TableArn"]
    try:
        clock.advance(days=1)
        jobs = [
            j
            for j in backup.list_backup_jobs()["BackupJobs"]
            if j["ResourceArn"] == table
            and str(j.get("CreatedBy", {}).get("BackupPlanId", "")).startswith("orgs/")
        ]
        copies = backup.list_copy_jobs()["CopyJobs"]
    finally:
        dynamodb.delete_table(TableName=DRILL_TABLE)
    if not jobs:
        return [], [
            f"{region}: scheduled drill: no backup job for {DRILL_TABLE} (tier {DRILL_TIER}) one day later"
        ]
    lines: list[str] = []
    gaps: list[str] = []
    for job in jobs:
        plan_id = job["CreatedBy"]["BackupPlanId"]
        plan = backup.get_backup_plan(BackupPlanId=plan_id)["BackupPlan"]
        rule = next(
            (r["RuleName"] for r in plan["Rules"] if r.get("RuleId") == job["CreatedBy"].get("BackupRuleId")),
            "?",
        )
        name = f"{plan['BackupPlanName']}/{rule}"
        lines.append(f"{region} {name} backup: {job['State']}")
        if job["State"] != "COMPLETED":
            gaps.append(
                f"{region}: scheduled backup job {name} {job['State']}: {job.get('StatusMessage', '')}"
            )
            continue
        own = [c for c in copies if c["SourceRecoveryPointArn"] == job.get("RecoveryPointArn")]
        for copy in own:
            destination = copy["DestinationBackupVaultArn"]
            lines.append(f"{region} {name} copy -> {destination}: {copy['State']}")
            if copy["State"] != "COMPLETED":
                gaps.append(
                    f"{region}: scheduled copy job {name} to {destination} {copy['State']}: "
                    f"{copy.get('StatusMessage', '')}"
                )
        if not any(c["DestinationBackupVaultArn"].split(":")[4] == bunker_id for c in own):
            gaps.append(f"{region}: scheduled backup {name} made no copy into the bunker account")
    return lines, gaps


def check_destination(clients: ClientFactory, arn: str) -> str | None:
    """None when the copy destination vault exists, else the gap."""
    match = _VAULT_ARN.match(arn)
    if not match:
        return f"copy destination {arn} is not a backup vault ARN"
    region, account, name = match.groups()
    try:
        backup = clients.client("backup", account, region)
        backup.describe_backup_vault(BackupVaultName=name)
    except Exception as exc:  # noqa: BLE001 - unknown account or missing vault: both are the gap
        return f"copy destination {arn} does not exist ({_code(exc) or type(exc).__name__})"
    return None


def attached_policies(
    clients: ClientFactory, management_id: str, region: str, chain: list[str], policy_type: str
) -> list[str]:
    """Names of the policies of a type that apply to the last node of `chain` (root first)."""
    org = clients.client("organizations", management_id, region)
    names: set[str] = set()
    for target in chain:
        for page in org.get_paginator("list_policies_for_target").paginate(
            TargetId=target, Filter=policy_type
        ):
            names.update(p["Name"] for p in page["Policies"])
    return sorted(names)


def inspect_account(
    org: Organization,
    ids: OrganizationIds,
    clients: ClientFactory,
    name: str,
    *,
    stack_instances: list[str],
    enrolment: str | None,
    backup_policy_modelled: bool,
    drill_schedule: bool = False,
) -> AccountStatus:
    account = org.account(name)
    account_id = ids.accounts[name]
    role = org.role_of(account)
    status = AccountStatus(
        name=name,
        id=account_id,
        ou=account.ou or "Root",
        role=role,
        in_scope=org.in_scope(account),
        stack_instances=stack_instances,
        enrolment=enrolment,
    )
    mgmt = ids.accounts[org.management.name]
    chain = [ids.root_id, *(ids.ous[p] for p in org.ancestors(account.ou)), account_id]
    status.scps = attached_policies(clients, mgmt, org.home_region, chain, "SERVICE_CONTROL_POLICY")
    status.rcps = attached_policies(clients, mgmt, org.home_region, chain, "RESOURCE_CONTROL_POLICY")
    if role == "bunker":
        for region in (org.home_region, org.dr_region):
            region_status, gaps = inspect_vault(clients, account_id, region, BUNKER_VAULT)
            status.regions.append(region_status)
            status.gaps.extend(gaps)
            if region_status.vault and not region_status.locked:
                status.gaps.append(f"{region}: bunker vault is not locked")
        status.state = "ROLE"
        return status
    if not status.in_scope:
        status.state = "ROLE" if role else "NOT_IN_SCOPE"
        if enrolment == "PROTECTED":
            status.gaps.append("enrolled although it is outside the protected OUs")
        return status
    bunker_id = ids.accounts[org.roles["bunker"]]
    for region in org.governed_regions:
        region_status, gaps = inspect_vault(clients, account_id, region, MEMBER_VAULT)
        status.regions.append(region_status)
        status.gaps.extend(gaps)
        opted = _opted_in(clients, account_id, region)
        if opted is not None:
            region_status.opted_in = opted
            if not opted:
                status.gaps.append(f"{region}: no AWS Backup service opted in")
        status.gaps.extend(inspect_member_extras(clients, account_id, region, region_status, bunker_id))
    iam = clients.client("iam", account_id, org.home_region)
    try:
        iam.get_role(RoleName=SERVICE_ROLE)
    except iam.exceptions.NoSuchEntityException:
        status.gaps.append(f"backup service role {SERVICE_ROLE} missing")
    policy = (
        effective_backup_policy(clients, mgmt, org.home_region, account_id)
        if backup_policy_modelled
        else None
    )
    if policy is None:
        status.gaps.append(
            "effective backup policy cannot be read (BACKUP_POLICY not modelled by the emulator)"
        )
    else:
        status.plans, status.copy_destinations = plans_and_copies(policy, account_id, org.home_region)
        if not status.plans:
            status.gaps.append("no effective backup plan")
        missing: set[str] = set()
        for arn in status.copy_destinations:
            gap = check_destination(clients, arn)
            if gap:
                status.gaps.append(gap)
                missing.add(arn)
        for region in org.governed_regions:
            lines, gaps = copy_drill(clients, account_id, region, policy, missing)
            status.copy_jobs.extend(lines)
            status.gaps.extend(gaps)
        if not any(
            arn.split(":")[4] == ids.accounts[org.roles["bunker"]] for arn in status.copy_destinations
        ):
            status.gaps.append("no copy action into the bunker account")
        if drill_schedule:
            lines, gaps = scheduled_drill(clients, account_id, org.home_region, bunker_id)
            status.scheduled_jobs.extend(lines)
            status.gaps.extend(gaps)
            home_bunker = [d for d in status.copy_destinations if f":{org.home_region}:{bunker_id}:" in d]
            if home_bunker:  # copy readiness: a type that keeps its own key (simulation/key_drill.py)
                lines, gaps = key_drill(clients, account_id, org.home_region, bunker_id, home_bunker[0])
                status.copy_jobs.extend(lines)
                status.gaps.extend(gaps)
    if enrolment is None:
        status.gaps.append("not enrolled (no inventory record)")
    elif enrolment != "PROTECTED":
        status.gaps.append(f"enrolment state {enrolment}")
    status.state = "PROTECTED" if not status.gaps else "GAP"
    return status


# ---- rendering -----------------------------------------------------------------------------------


def _short_regions(regions: list[RegionStatus], attr: str) -> str:
    values = []
    for r in regions:
        value = getattr(r, attr)
        values.append("yes" if value is True else ("no" if value in (False, None) else str(value)))
    return "/".join(values) if values else "-"


def render_table(report: Report) -> str:
    headers = [
        "account",
        "id",
        "ou",
        "state",
        "vault",
        "cmk",
        "lock",
        "policy",
        "plans",
        "copies",
        "regions",
        "enrolment",
    ]
    all_plans = [p for a in report.accounts for p in a.plans]
    prefix = (
        contract.BACKUP_POLICY_PREFIX
        if all_plans and all(p.startswith(contract.BACKUP_POLICY_PREFIX) for p in all_plans)
        else ""
    )
    rows: list[list[str]] = []
    for a in report.accounts:
        vault = _short_regions(a.regions, "vault")
        key = "/".join("cmk" if r.key_customer_managed else "-" for r in a.regions) or "-"
        rows.append(
            [
                a.name,
                a.id,
                a.ou,
                a.state,
                "/".join("yes" if r.vault else "no" for r in a.regions) if a.regions else "-",
                key,
                _short_regions(a.regions, "locked"),
                "/".join("yes" if r.access_policy else "no" for r in a.regions)
                if a.regions and a.role != "bunker"
                else "-",
                ",".join(p[len(prefix) :] for p in a.plans) or "-",
                (
                    f"{sum(j.endswith(': COMPLETED') for j in a.copy_jobs)}/{len(a.copy_jobs)}"
                    if a.copy_jobs
                    else "0"
                )
                if a.in_scope
                else "-",
                ",".join(r.region for r in a.regions) or "-",
                a.enrolment or "-",
            ]
        )
        del vault
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    if prefix:
        headers_note = f"(plans without their {prefix!r} prefix; vault/cmk/lock/policy per Region, in order;"
    else:
        headers_note = "(vault/cmk/lock/policy per Region, in order;"
    headers_note += " copies: drill copy jobs COMPLETED/run)"
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows)
    for a in report.accounts:
        for job in a.copy_jobs if a.in_scope else []:
            lines.append(f"  {a.name}: copy job {job}")
        for job in a.scheduled_jobs:
            lines.append(f"  {a.name}: scheduled (one day on) {job}")
        for gap in a.gaps:
            lines.append(f"  GAP {a.name}: {gap}")
    for f in report.findings:
        lines.append(f"  {f.level.upper()} deployment {f.resource}: {f.message}")
    lines.append(headers_note)
    lines.extend(render_central(report.central))
    lines.extend(render_restores(report.restores))
    if report.authorization is not None:
        from cfct_backup.simulation.authorization import render  # noqa: PLC0415

        lines.extend(render(report.authorization))
    protected = sum(1 for a in report.in_scope if a.state == "PROTECTED")
    lines.append(
        f"{protected}/{len(report.in_scope)} in-scope accounts PROTECTED; "
        f"{len(report.central_gaps)} central gap(s); "
        f"{sum(1 for f in report.findings if f.level == 'error')} deployment error(s)"
    )
    return "\n".join(r.rstrip() for r in lines)


GROUP_TITLES = {
    "management": "management",
    "log_archive": "log archive",
    "audit": "audit",
    "key_vault": "key vault",
    "bunker": "bunker",
    "members": "members (self-service)",
}


def render_central(checks: list[CentralCheck]) -> list[str]:
    """One line per role account (checks passed, gaps), then each gap."""
    if not checks:
        return []
    lines = ["", "central checks (role accounts, read back through their own credentials):"]
    groups = [g for g in GROUPS if any(c.group == g for c in checks)]
    groups += sorted({c.group for c in checks} - set(GROUPS))
    width = max(len(GROUP_TITLES.get(g, g)) for g in groups)
    for group in groups:
        mine = [c for c in checks if c.group == group]
        accounts = sorted({c.account for c in mine if c.group != "members"} or {f"{len(mine)} account(s)"})
        passed = sum(c.ok for c in mine)
        gaps = len(mine) - passed
        lines.append(
            f"  {GROUP_TITLES.get(group, group).ljust(width)}  {passed:>2} \u2713  {gaps} gap(s)  "
            f"{', '.join(accounts)}"
        )
    lines.extend(f"  GAP central {c.gap}" for c in checks if not c.ok)
    return lines
