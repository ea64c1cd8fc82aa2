"""`cfct-backup plan`: what each account gets from the package, without deploying anything.

- SCPs / RCPs: the manifest's policies attached to OUs, inherited down the OU tree as
  Organizations applies them (root, then each OU from the top down to the account's own OU), plus
  the AWS managed `FullAWSAccess` / `RCPFullAWSAccess` that Organizations attaches to every node;
- stack instances: for each `stack_set` resource, the accounts directly in its target OUs and the
  accounts it names, in its Regions (CfCT's resolution, as `cfct.interpreter` deploys it);
- backup policies: the `AWS::Organizations::Policy` resources of type BACKUP_POLICY in the
  templates the manifest deploys, evaluated with the manifest parameters (alfred helpers resolved
  from the organization's configuration) and merged from the root down through the policy engine,
  then turned into the plans of each governed Region; copy destinations are their copy actions.

Account and OU IDs: the organization's own when it has them, else stable stand-ins
(`placeholder_ids`), so the output is the same on every run.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cfct_backup_automation import contract

from cfct_backup.backup_policy import backup_plans, effective_policy
from cfct_backup.cfct.cfn import Evaluator, Unresolvable, load_template
from cfct_backup.cfct.interpreter import ACCOUNT_ID, ALFRED, STACK_SET_PREFIX
from cfct_backup.cfct.manifest import Manifest, ManifestResource
from cfct_backup.nested_ous import nested_accounts, nested_message
from cfct_backup.organization import Account, Organization, OrganizationIds, config_parameters

MANAGED_SCP = "FullAWSAccess"
MANAGED_RCP = "RCPFullAWSAccess"


@dataclass
class BackupPolicySpec:
    name: str
    resource: str  # manifest resource that carries it
    targets: list[str]  # root / OU / account IDs
    content: dict[str, Any]


@dataclass
class AccountPlan:
    name: str
    id: str
    ou: str
    role: str | None
    in_scope: bool
    scps: list[str] = field(default_factory=list)
    rcps: list[str] = field(default_factory=list)
    stack_instances: list[str] = field(default_factory=list)  # "<resource>@<region>"
    backup_policies: list[str] = field(default_factory=list)  # attached from the root down
    plans: dict[str, list[str]] = field(default_factory=dict)  # Region -> plan names
    copy_destinations: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def plan_names(self) -> list[str]:
        return sorted({p for names in self.plans.values() for p in names})


@dataclass
class Plan:
    organization: str
    accounts: list[AccountPlan]
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "organization": self.organization,
            "accounts": [asdict(a) for a in self.accounts],
            "problems": self.problems,
        }


class Planner:
    def __init__(
        self, org: Organization, manifest: Manifest, package_dir: Path, ids: OrganizationIds
    ) -> None:
        self.org = org
        self.manifest = manifest
        self.package_dir = package_dir
        self.ids = ids
        self.problems: list[str] = []
        self.ssm = {name: value for name, (_t, value) in config_parameters(org, ids).items()}
        self.ssm.setdefault(contract.SSM_ARTIFACT_BUCKET.name, contract.PLAN_ARTIFACT_BUCKET)
        self.ssm.setdefault(contract.SSM_LAMBDA_KEY.name, contract.SIMULATION_LAMBDA_KEY)
        self.ssm.setdefault(contract.SSM_LAMBDA_VERSION.name, "1")
        self.management_id = ids.accounts.get(org.management.name, org.management.id or "")

    # ---- targets -------------------------------------------------------------------------------
    def members(self) -> list[Account]:
        return [self.org.management, *self.org.accounts]

    def account_id(self, account: Account) -> str:
        return self.ids.accounts.get(account.name) or account.id or ""

    def ou_targets(self, resource: ManifestResource) -> set[str]:
        """OU paths ("" = Root) a resource targets; unknown ones are problems."""
        out: set[str] = set()
        known = {ou.path for ou in self.org.ous}
        for ou in resource.organizational_units:
            if ou == "Root":
                out.add("")
            elif ou in known:
                out.add(ou)
            else:
                self.problems.append(f"{resource.name}: organizational unit {ou!r} not in the organization")
        return out

    def stack_set_accounts(self, resource: ManifestResource) -> list[Account]:
        ous = self.ou_targets(resource)
        chosen = [a for a in self.members() if a.ou in ous and (a.ou or a is not self.org.management)]
        if "" in ous and self.org.management not in chosen:
            chosen.append(self.org.management)
        for ref in resource.accounts:
            match = [
                a
                for a in self.members()
                if (ACCOUNT_ID.match(ref) and self.account_id(a) == ref) or a.name == ref
            ]
            if not match:
                self.problems.append(f"{resource.name}: account {ref!r} not in the organization")
            chosen.extend(m for m in match if m not in chosen)
        return chosen

    def inherits(self, account: Account, ous: set[str]) -> bool:
        return "" in ous or any(p in ous for p in self.org.ancestors(account.ou))

    # ---- parameters and templates --------------------------------------------------------------
    def resolve(self, resource: ManifestResource, value: str) -> str:
        def repl(match: re.Match[str]) -> str:
            helper = match.group(1)
            if helper.startswith("alfred_ssm_"):
                name = helper[len("alfred_ssm_") :]
                if name in self.ssm:
                    return self.ssm[name]
                self.problems.append(f"{resource.name}: SSM parameter {name} is not known before deployment")
                return f"<{name}>"
            return f"<{helper}>"

        return ALFRED.sub(repl, value)

    def parameters(self, resource: ManifestResource) -> dict[str, str]:
        pairs: list[tuple[str, str]] = list(resource.parameters or [])
        if resource.parameter_file:
            try:
                data = json.loads((self.package_dir / resource.parameter_file).read_text(encoding="utf-8"))
                pairs = [(str(p["ParameterKey"]), str(p["ParameterValue"])) for p in data]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                self.problems.append(f"{resource.name}: {resource.parameter_file}: {exc}")
        return {k: self.resolve(resource, v) for k, v in pairs}

    def backup_policies(self, resource: ManifestResource, regions: list[str]) -> list[BackupPolicySpec]:
        try:
            template = load_template((self.package_dir / resource.resource_file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            self.problems.append(f"{resource.name}: {resource.resource_file}: {exc}")
            return []
        out: list[BackupPolicySpec] = []
        evaluator: Evaluator | None = None  # built for the first policy: parameters read once
        for logical, spec in (template.get("Resources") or {}).items():
            if not isinstance(spec, dict) or spec.get("Type") != "AWS::Organizations::Policy":
                continue
            if evaluator is None:
                evaluator = Evaluator(
                    template,
                    self.parameters(resource),
                    account_id=self.management_id,
                    region=regions[0],
                    stack_name=f"StackSet:{STACK_SET_PREFIX}{resource.name}",
                )
            try:
                if "Condition" in spec and not evaluator.condition(str(spec["Condition"])):
                    continue
                props = evaluator.eval(spec.get("Properties") or {})
            except Unresolvable as exc:
                self.problems.append(f"{resource.name}: {logical}: cannot evaluate {exc}")
                continue
            if props.get("Type") != "BACKUP_POLICY":
                continue
            content = props.get("Content")
            if isinstance(content, str):
                try:
                    content = json.loads(content)
                except ValueError as exc:
                    self.problems.append(f"{resource.name}: {logical}: Content is not JSON: {exc}")
                    continue
            targets = props.get("TargetIds") or []
            out.append(
                BackupPolicySpec(
                    name=str(props.get("Name", logical)),
                    resource=resource.name,
                    targets=[str(t) for t in (targets if isinstance(targets, list) else [targets])],
                    content=content if isinstance(content, dict) else {},
                )
            )
        return out

    # ---- the plan ------------------------------------------------------------------------------
    def plan(self) -> Plan:
        accounts = {a.name: self.blank(a) for a in self.members()}
        backup: list[BackupPolicySpec] = []
        for resource in self.manifest.resources:
            if resource.deploy_method in ("scp", "rcp"):
                ous = self.ou_targets(resource)
                for account in self.members():
                    if self.inherits(account, ous):
                        target = accounts[account.name]
                        (target.scps if resource.deploy_method == "scp" else target.rcps).append(
                            resource.name
                        )
            elif resource.deploy_method == "stack_set":
                regions = list(resource.regions) or [self.manifest.region]
                chosen = self.stack_set_accounts(resource)
                for account in chosen:
                    accounts[account.name].stack_instances.extend(f"{resource.name}@{r}" for r in regions)
                if chosen:
                    backup.extend(self.backup_policies(resource, regions))
        for account in self.members():
            self.effective(accounts[account.name], account, backup)
        for account, ancestor in nested_accounts(self.org):  # inherits plans, gets no baseline
            accounts[account.name].problems.append(nested_message(account, ancestor))
            self.problems.append(nested_message(account, ancestor))
        for a in accounts.values():
            a.scps = sorted({MANAGED_SCP, *a.scps})
            a.rcps = sorted({MANAGED_RCP, *a.rcps})
            a.stack_instances.sort()
        return Plan(self.org.source, list(accounts.values()), sorted(set(self.problems)))

    def blank(self, account: Account) -> AccountPlan:
        return AccountPlan(
            name=account.name,
            id=self.account_id(account),
            ou=account.ou or "Root",
            role=self.org.role_of(account),
            in_scope=self.org.in_scope(account),
        )

    def effective(self, target: AccountPlan, account: Account, policies: list[BackupPolicySpec]) -> None:
        chain = [self.ids.root_id, *(self.ids.ous[p] for p in self.org.ancestors(account.ou)), target.id]
        levels: list[list[dict[str, Any]]] = []
        names: list[str] = []
        for node in chain:
            attached = [p for p in policies if node in p.targets]
            levels.append([p.content for p in attached])
            names.extend(p.name for p in attached)
        target.backup_policies = names
        if not names:
            return
        effective = effective_policy([level for level in levels if level])
        copies: set[str] = set()
        for region in self.org.governed_regions:
            plans = backup_plans(effective, target.id, region)
            if plans:
                target.plans[region] = sorted(str(p["BackupPlanName"]) for p in plans)
            for plan in plans:
                for rule in plan.get("Rules", []):
                    for action in rule.get("CopyActions", []) or []:
                        copies.add(str(action["DestinationBackupVaultArn"]))
        target.copy_destinations = sorted(copies)


def make_plan(
    org: Organization, manifest: Manifest, package_dir: Path, ids: OrganizationIds, account: str | None = None
) -> Plan:
    plan = Planner(org, manifest, package_dir, ids).plan()
    if account is not None:
        plan.accounts = [a for a in plan.accounts if account in (a.name, a.id)]
    return plan


def render_plan(plan: Plan) -> str:
    lines: list[str] = []
    for a in plan.accounts:
        scope = "protected" if a.in_scope else (a.role or "not protected")
        lines.append(f"{a.name} ({a.id}) in {a.ou} [{scope}]")
        lines.append(f"  SCPs:            {', '.join(a.scps)}")
        lines.append(f"  RCPs:            {', '.join(a.rcps)}")
        lines.append(f"  stack instances: {', '.join(a.stack_instances) or '-'}")
        lines.append(f"  backup policies: {', '.join(a.backup_policies) or '-'}")
        for region, names in sorted(a.plans.items()):
            lines.append(f"  plans {region}: {', '.join(names)}")
        for dest in a.copy_destinations:
            lines.append(f"  copies to {dest}")
        lines.extend(f"  problem: {p}" for p in a.problems)
    lines.extend(f"problem: {p}" for p in plan.problems)
    return "\n".join(lines)


def plan_json(plan: Plan) -> str:
    return json.dumps(plan.as_dict(), indent=2)
