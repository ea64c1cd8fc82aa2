"""Configure a real organization: read it, check the description against it, write the SSM parameters.

`cfct-backup configure` is the real-world counterpart of what `simulate` does on the emulator
(`simulation.landing_zone.write_configuration`): the `/cfct-backup/...` parameters of
docs/conventions.md, computed by `organization.config_parameters` from the description and the IDs
Organizations really assigned.

Everything here is a plain function over boto3 clients passed in (no session, no printing):

1. `read_organization`: DescribeOrganization, ListRoots, the OU tree (ListOrganizationalUnitsForParent)
   and the accounts (ListAccounts, ListAccountsForParent for their placement), all paginated;
2. `check_organization`: every disagreement between the description and reality, one line each,
   naming the file and the field (`organization.OrganizationError` style);
3. `organization_ids`: the `OrganizationIds` of the accounts and OUs the description names;
4. `sync_parameters`: write each parameter only when it is missing or differs (a second run changes
   nothing); `/cfct-backup/artifacts/*` and `/cfct-backup/outputs/*` are never touched;
5. `execution_role_problem`: the management account's `AWSControlTowerExecution`, which Control
   Tower does not create and the hand-deployed prerequisite stack does (docs/first-deployment.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cfct_backup_automation import contract
from cfct_backup_automation.accounts import account_state

from cfct_backup.cfct.interpreter import ADMINISTRATION_ROLE, EXECUTION_ROLE
from cfct_backup.organization import Account, Organization, OrganizationIds, config_parameters

if TYPE_CHECKING:
    from mypy_boto3_organizations import OrganizationsClient
    from mypy_boto3_ssm import SSMClient

NOT_OURS = contract.NOT_CONFIGURED_FOLDERS
"""Written by `publish` and by CfCT's `export_outputs`: `configure` never writes below these."""

_GET_PARAMETERS_MAX = 10  # GetParameters takes at most 10 names


@dataclass(frozen=True)
class RealAccount:
    id: str
    name: str
    email: str
    status: str  # the account State: ACTIVE | PENDING_ACTIVATION | SUSPENDED | PENDING_CLOSURE | CLOSED
    ou: str  # CfCT path of the parent OU; "" = directly under Root


@dataclass(frozen=True)
class RealOrganization:
    """An organization as Organizations describes it (OU paths in CfCT syntax, without Root)."""

    org_id: str
    root_id: str
    management_id: str
    ous: dict[str, str] = field(default_factory=dict)  # OU path -> ID
    accounts: tuple[RealAccount, ...] = ()

    def named(self, name: str) -> list[RealAccount]:
        return [a for a in self.accounts if a.name == name]

    def by_id(self, account_id: str) -> RealAccount | None:
        return next((a for a in self.accounts if a.id == account_id), None)


# ---- reading -------------------------------------------------------------------------------------


def describe_organization(client: OrganizationsClient) -> tuple[str, str]:
    """(organization ID, management account ID); any account of the organization may ask."""
    org: Any = client.describe_organization()["Organization"]
    return str(org["Id"]), str(org["MasterAccountId"])


def read_organization(client: OrganizationsClient) -> RealOrganization:
    """The whole organization: IDs, the OU tree under the root, every account and where it sits.

    Only the management account (or a delegated administrator) may list; the caller checks who
    is asking first (`caller_problem`).
    """
    org_id, management_id = describe_organization(client)
    roots: list[Any] = [r for page in client.get_paginator("list_roots").paginate() for r in page["Roots"]]
    root_id = str(roots[0]["Id"])

    ous: dict[str, str] = {}
    placement: dict[str, str] = {}  # account ID -> OU path
    ou_pages = client.get_paginator("list_organizational_units_for_parent")
    account_pages = client.get_paginator("list_accounts_for_parent")
    todo: list[tuple[str, str]] = [("", root_id)]  # (path, ID), parents before children
    while todo:
        path, parent_id = todo.pop(0)
        for accounts_page in account_pages.paginate(ParentId=parent_id):
            for acct in accounts_page["Accounts"]:
                placement[str(acct["Id"])] = path
        for ous_page in ou_pages.paginate(ParentId=parent_id):
            for ou in ous_page["OrganizationalUnits"]:
                child = f"{path}:{ou['Name']}" if path else str(ou["Name"])
                ous[child] = str(ou["Id"])
                todo.append((child, str(ou["Id"])))

    accounts = []
    for page in client.get_paginator("list_accounts").paginate():
        for acct in page["Accounts"]:
            account_id = str(acct["Id"])
            accounts.append(
                RealAccount(
                    id=account_id,
                    name=str(acct.get("Name", "")),
                    email=str(acct.get("Email", "")),
                    status=account_state(acct),  # State: Account.Status is retired
                    ou=placement.get(account_id, ""),
                )
            )
    return RealOrganization(
        org_id=org_id, root_id=root_id, management_id=management_id, ous=ous, accounts=tuple(accounts)
    )


# ---- checking ------------------------------------------------------------------------------------


def caller_problem(org: Organization, caller: str, org_id: str, management_id: str) -> str | None:
    """The one problem that stops everything: the parameters live in the management account."""
    if caller == management_id:
        return None
    return (
        f"{org.source}: management: the caller account {caller} is not the management account "
        f"{management_id} of organization {org_id}; run configure with management account credentials"
    )


def ou_fields(org: Organization) -> dict[str, str]:
    """OU path -> its field in the description (`organizational_units[2].children[0]`)."""
    fields: dict[str, str] = {}
    for ou in org.ous:  # parents before children, in file order
        index = sum(1 for other in org.ous if other.parent == ou.parent and other.path in fields)
        fields[ou.path] = (
            f"{fields[ou.parent]}.children[{index}]" if ou.parent else f"organizational_units[{index}]"
        )
    return fields


def account_fields(org: Organization) -> dict[str, str]:
    """Account name -> its field in the description (`organizational_units[1].accounts[0]`)."""
    ous = ou_fields(org)
    fields = {org.management.name: "management"}
    seen: dict[str, int] = {}
    for acct in org.accounts:  # file order
        index = seen.get(acct.ou, 0)
        seen[acct.ou] = index + 1
        fields[acct.name] = f"{ous[acct.ou]}.accounts[{index}]"
    return fields


def _role_field(org: Organization, account: Account) -> str | None:
    role = org.role_of(account)
    if role is None:
        return None
    return "management" if role == "management" else f"roles.{role}"


def match_accounts(org: Organization, real: RealOrganization) -> tuple[dict[str, RealAccount], list[str]]:
    """Each described account's real counterpart (by name; a pinned ID picks among namesakes)."""
    fields = account_fields(org)
    found: dict[str, RealAccount] = {}
    problems: list[str] = []

    def fail(where: str, message: str) -> None:
        problems.append(f"{org.source}: {where}: {message}")

    management = real.by_id(real.management_id)
    for acct in (org.management, *org.accounts):
        where = fields[acct.name]
        role = _role_field(org, acct)
        plays = f" (it plays {role})" if role and role != "management" else ""
        if acct is org.management:
            if acct.id is not None and acct.id != real.management_id:
                fail(
                    "management.id",
                    f"{acct.id} in the file, but the management account of {real.org_id} is "
                    f"{real.management_id}",
                )
            elif management is not None:
                found[acct.name] = management
            continue
        namesakes = real.named(acct.name)
        if not namesakes:
            fail(
                f"{role or where + '.name'}", f"no account named {acct.name!r} in organization {real.org_id}"
            )
            continue
        pinned = [a for a in namesakes if a.id == acct.id] if acct.id else []
        if acct.id is not None and not pinned:
            ids = ", ".join(a.id for a in namesakes)
            fail(
                f"{where}.id", f"{acct.id} in the file, but {acct.name!r} is {ids} in the organization{plays}"
            )
            continue
        if len(namesakes) > 1 and not pinned:
            ids = ", ".join(a.id for a in namesakes)
            fail(f"{where}.name", f"{len(namesakes)} accounts are named {acct.name!r} ({ids}): pin its `id`")
            continue
        match = pinned[0] if pinned else namesakes[0]
        if match.status != "ACTIVE" and role:
            fail(f"{role}", f"{acct.name!r} ({match.id}) is {match.status}, not ACTIVE")
            continue
        found[acct.name] = match
    return found, problems


def check_organization(org: Organization, real: RealOrganization, caller: str) -> list[str]:
    """Every disagreement between the description and reality that makes the parameters wrong."""
    stop = caller_problem(org, caller, real.org_id, real.management_id)
    problems = [stop] if stop else []
    ous = ou_fields(org)
    fields = account_fields(org)

    def fail(where: str, message: str) -> None:
        problems.append(f"{org.source}: {where}: {message}")

    for ou in org.ous:
        where = ous[ou.path]
        real_id = real.ous.get(ou.path)
        if real_id is None:
            fail(f"{where}.name", f"no OU {ou.path!r} in organization {real.org_id} (path from Root)")
        elif ou.id is not None and ou.id != real_id:
            fail(f"{where}.id", f"{ou.id} in the file, but OU {ou.path!r} is {real_id} in the organization")

    found, account_problems = match_accounts(org, real)
    problems.extend(account_problems)

    role_accounts = {org.role_account(role).name: role for role in ("management", *org.roles)}
    for name, role in role_accounts.items():
        acct = found.get(name)
        described = org.role_account(role)
        if acct is None or role == "management":
            continue
        if acct.ou != described.ou:
            fail(
                f"roles.{role}",
                f"{name!r} ({acct.id}) is in OU {acct.ou or 'Root'!r}, not in {described.ou or 'Root'!r} "
                f"as {fields[name]} says",
            )

    protected = set(org.protected_paths)
    role_ids = {
        acct.id: (name, role) for name, role in role_accounts.items() if (acct := found.get(name)) is not None
    }
    management = real.by_id(real.management_id)
    if management is not None:
        role_ids.setdefault(management.id, (management.name, "management"))
    for real_acct in real.accounts:
        if real_acct.id in role_ids and real_acct.ou in protected:
            name, role = role_ids[real_acct.id]
            label = "management" if role == "management" else f"roles.{role}"
            fail(
                f"{ous[real_acct.ou]}.protected",
                f"protected OU {real_acct.ou!r} contains the role account {name!r} "
                f"({real_acct.id}, {label}); role accounts must not sit in a protected OU",
            )
    return problems


def placement_warnings(org: Organization, real: RealOrganization) -> list[str]:
    """What is off but does not make a parameter wrong: a management account named otherwise, a
    member (not a role account) sitting elsewhere than the file says (`plan` would show it wrongly).
    """
    found, _ = match_accounts(org, real)
    fields = account_fields(org)
    warnings = []
    management = real.by_id(real.management_id)
    if management is not None and management.name != org.management.name:
        warnings.append(
            f"{org.source}: management.name: warning: the management account {management.id} is named "
            f"{management.name!r}, not {org.management.name!r} (it is targeted by ID, so this is harmless)"
        )
    for acct in org.accounts:
        match = found.get(acct.name)
        if match is None or org.role_of(acct) is not None or match.ou == acct.ou:
            continue
        warnings.append(
            f"{org.source}: {fields[acct.name]}: warning: {acct.name!r} ({match.id}) is in OU "
            f"{match.ou or 'Root'!r}, not {acct.ou!r}"
        )
    return warnings


def organization_ids(org: Organization, real: RealOrganization) -> OrganizationIds:
    """The real IDs of the accounts and OUs the description names (check first)."""
    found, _ = match_accounts(org, real)
    return OrganizationIds(
        org_id=real.org_id,
        root_id=real.root_id,
        accounts={name: acct.id for name, acct in found.items()},
        ous={ou.path: real.ous[ou.path] for ou in org.ous if ou.path in real.ous},
    )


# ---- writing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterChange:
    name: str
    type: str
    value: str
    status: str  # created | updated | unchanged
    old_value: str | None = None
    old_type: str | None = None

    def line(self) -> str:
        if self.status == "updated":
            old = self.old_value if self.old_type == self.type else f"{self.old_value} ({self.old_type})"
            return f"updated   {self.name}  ({old} → {self.value})"
        return f"{self.status:<9} {self.name} = {self.value}"


def current_parameters(ssm: SSMClient, names: Iterable[str]) -> dict[str, tuple[str, str]]:
    """name -> (Type, Value) of those that exist."""
    wanted = list(names)
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(wanted), _GET_PARAMETERS_MAX):
        got: Any = ssm.get_parameters(Names=wanted[start : start + _GET_PARAMETERS_MAX])
        for param in got["Parameters"]:
            found[str(param["Name"])] = (str(param["Type"]), str(param["Value"]))
    return found


def sync_parameters(
    ssm: SSMClient, params: dict[str, tuple[str, str]], *, dry_run: bool = False
) -> list[ParameterChange]:
    """Write each parameter that is missing or differs (value or type); report every one."""
    for name in params:
        if name.startswith(NOT_OURS) or not name.startswith(f"{contract.SSM_PREFIX}/"):
            raise ValueError(f"configure does not write {name}")
    current = current_parameters(ssm, params)
    changes = []
    for name, (ptype, value) in params.items():
        old = current.get(name)
        if old == (ptype, value):
            changes.append(ParameterChange(name, ptype, value, "unchanged"))
            continue
        if not dry_run:
            ssm.put_parameter(
                Name=name,
                Value=value,
                Type=ptype,  # type: ignore[arg-type]
                Overwrite=True,
                Tier="Standard",
            )
        if old is None:
            changes.append(ParameterChange(name, ptype, value, "created"))
        else:
            changes.append(ParameterChange(name, ptype, value, "updated", old_type=old[0], old_value=old[1]))
    return changes


def wanted_parameters(org: Organization, real: RealOrganization) -> dict[str, tuple[str, str]]:
    """`config_parameters` with the real IDs (only once `check_organization` found nothing)."""
    return config_parameters(org, organization_ids(org, real))


PREREQUISITE = "prerequisites/management-execution-role.yaml"


def execution_role_problem(iam: Any, management_id: str) -> str | None:
    """Why CfCT's stack sets cannot run in the management account (None when they can): CfCT runs
    every stack set instance, the management account's too, as service-role/AWSControlTowerStackSetRole
    -> AWSControlTowerExecution, and Control Tower creates the latter only in the accounts it enrols."""
    import json  # noqa: PLC0415
    import urllib.parse  # noqa: PLC0415

    try:
        role = iam.get_role(RoleName=EXECUTION_ROLE)["Role"]
    except iam.exceptions.NoSuchEntityException:
        return (
            f"management account {management_id}: no {EXECUTION_ROLE} role. Control Tower does not create"
            " it there, and CfCT's stack sets for the management account fail without it: deploy"
            f" {PREREQUISITE} first (docs/first-deployment.md)"
        )
    trust = role.get("AssumeRolePolicyDocument")
    text = urllib.parse.unquote(trust) if isinstance(trust, str) else json.dumps(trust)
    if f":iam::{management_id}:role/service-role/{ADMINISTRATION_ROLE}" not in text:
        return (
            f"management account {management_id}: {EXECUTION_ROLE} does not trust"
            f" service-role/{ADMINISTRATION_ROLE}, which CfCT's stack sets use; deploy {PREREQUISITE}"
            " (docs/first-deployment.md)"
        )
    return None
