"""The organization description: which accounts, OUs and Regions a landing zone has.

`plan` and `simulate` read it from YAML (format in `docs/organization.md`, default
`examples/organization.yaml`). Account IDs are optional: Organizations assigns them when the
(emulated) organization is built; `OrganizationIds` records what it assigned, and
`config_parameters` turns both into the `/cfct-backup/...` SSM parameters of docs/conventions.md.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from cfct_backup_automation import contract

from cfct_backup.problems import did_you_mean

ROLES: dict[str, str] = {
    "log_archive": "Log Archive",
    "audit": "Audit",
    "bunker": "Backup Bunker",
    "key_vault": "Key Vault",
}
"""Role key -> default account name (docs/conventions.md)."""

OPTIONAL_ROLES: dict[str, str] = {"recovery": contract.SSM_RECOVERY_ACCOUNT.name}
"""Roles an organization may leave out (role key -> SSM parameter): `recovery` is the isolated
recovery account of docs/recovery.md; absent = no recovery drill."""
AIR_GAPPED_PARAMETER = contract.SSM_AIR_GAPPED_VAULT.name
""""true"/"false": the bunker's logically air-gapped vault (templates/bunker-air-gapped.yaml)."""

ROLE_PARAMETER: dict[str, str] = {
    "management": contract.SSM_MANAGEMENT_ACCOUNT.name,
    "log_archive": contract.SSM_LOG_ARCHIVE_ACCOUNT.name,
    "audit": contract.SSM_AUDIT_ACCOUNT.name,
    "bunker": contract.SSM_BUNKER_ACCOUNT.name,
    "key_vault": contract.SSM_KEY_VAULT_ACCOUNT.name,
}

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SSO_INSTANCE = re.compile(r"^arn:[\w-]+:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$")
_OU_ID = re.compile(r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")
_OU_NAME = re.compile(r"^[^:]{1,128}$")


class OrganizationError(ValueError):
    """A problem in an organization description, naming the file and the field."""

    def __init__(self, source: str, where: str, message: str) -> None:
        self.source = source
        self.where = where
        super().__init__(f"{source}: {where}: {message}" if where else f"{source}: {message}")


@dataclass(frozen=True)
class Account:
    name: str
    email: str
    ou: str  # CfCT path of the OU the account sits in; "" = directly under Root
    id: str | None = None


@dataclass(frozen=True)
class OrganizationalUnit:
    path: str  # CfCT path without Root: "Workloads:Prod"
    name: str
    parent: str  # parent path; "" = Root
    protected: bool = False
    id: str | None = None  # wanted OU ID (the emulator creates the OU with it)


@dataclass(frozen=True)
class Organization:
    source: str
    management: Account
    home_region: str
    dr_region: str
    governed_regions: tuple[str, ...]
    alert_email: str
    roles: Mapping[str, str]  # role key -> account name
    ous: tuple[OrganizationalUnit, ...]  # parents before children
    accounts: tuple[Account, ...]  # every account but management
    vend: Account | None = None
    # IAM Identity Center (break-glass access to the bunker): instance ARN and group ID
    identity_center: Mapping[str, str] = field(default_factory=dict)
    # the one switch for the logically air-gapped vault in the bunker (docs/recovery.md)
    air_gapped_vault: bool = False

    # ---- queries -------------------------------------------------------------------------------
    @property
    def protected_paths(self) -> tuple[str, ...]:
        return tuple(ou.path for ou in self.ous if ou.protected)

    def ou(self, path: str) -> OrganizationalUnit:
        for ou in self.ous:
            if ou.path == path:
                return ou
        raise KeyError(path)

    def account(self, name_or_id: str) -> Account:
        for acct in (self.management, *self.accounts):
            if name_or_id in (acct.name, acct.id):
                return acct
        raise KeyError(name_or_id)

    def role_account(self, role: str) -> Account:
        if role == "management":
            return self.management
        return self.account(self.roles[role])

    def role_of(self, account: Account) -> str | None:
        if account.name == self.management.name:
            return "management"
        for role, name in self.roles.items():
            if name == account.name:
                return role
        return None

    def ancestors(self, path: str) -> list[str]:
        """OU paths from the top-level OU down to `path` itself ("" = Root is not included)."""
        parts = path.split(":") if path else []
        return [":".join(parts[: i + 1]) for i in range(len(parts))]

    def in_scope(self, account: Account) -> bool:
        """Directly in a protected OU (CfCT deploys stack sets to accounts directly under an OU)."""
        return account.ou in self.protected_paths

    def with_ids(self, ids: Mapping[str, str]) -> Organization:
        """The same organization with account IDs (name -> ID) filled in."""
        return replace(
            self,
            management=replace(self.management, id=ids.get(self.management.name, self.management.id)),
            accounts=tuple(replace(a, id=ids.get(a.name, a.id)) for a in self.accounts),
            vend=None if self.vend is None else replace(self.vend, id=ids.get(self.vend.name, self.vend.id)),
        )

    def without_account(self, name: str) -> Organization:
        """The same organization without a member account (removed or closed)."""
        return replace(self, accounts=tuple(a for a in self.accounts if a.name != name))

    def with_account(self, account: Account) -> Organization:
        """The same organization with one more member account (e.g. a vended one)."""
        if account.ou and account.ou not in {ou.path for ou in self.ous}:
            raise OrganizationError(self.source, f"account {account.name!r}", f"unknown OU {account.ou!r}")
        others = tuple(a for a in self.accounts if a.name != account.name)
        return replace(self, accounts=(*others, account))


@dataclass(frozen=True)
class OrganizationIds:
    """What Organizations assigned when the organization was built."""

    org_id: str
    root_id: str
    accounts: dict[str, str] = field(default_factory=dict)  # account name -> ID
    ous: dict[str, str] = field(default_factory=dict)  # OU path -> ID

    def ou_org_path(self, path: str) -> str:
        """`aws:PrincipalOrgPaths` value of exactly the accounts directly in the OU: CfCT deploys the
        baseline to no child OU, so `.../ou-x/*` (which also matches every child OU's path) would admit
        unprotected accounts. AWS writes the value with a trailing slash
        (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths)."""
        ids = []
        parts = path.split(":")
        for i in range(len(parts)):
            ids.append(self.ous[":".join(parts[: i + 1])])
        return "/".join([self.org_id, self.root_id, *ids]) + "/"


def placeholder_ids(org: Organization) -> OrganizationIds:
    """Deterministic stand-in IDs for an organization that has not been built (used by `plan`)."""

    def digits(name: str) -> str:
        return str(int(hashlib.sha256(name.encode()).hexdigest(), 16))[-12:].rjust(12, "0")

    def ou_id(path: str) -> str:
        return "ou-plan-" + hashlib.sha256(path.encode()).hexdigest()[:8]

    accounts = {a.name: a.id or digits(a.name) for a in (org.management, *org.accounts)}
    if org.vend is not None:
        accounts.setdefault(org.vend.name, org.vend.id or digits(org.vend.name))
    return OrganizationIds(
        org_id="o-plan000000",
        root_id="r-plan",
        accounts=accounts,
        ous={ou.path: ou.id or ou_id(ou.path) for ou in org.ous},
    )


def config_parameters(org: Organization, ids: OrganizationIds) -> dict[str, tuple[str, str]]:
    """The `/cfct-backup/...` SSM parameters (name -> (Type, value)) of docs/conventions.md.

    The artifact parameters (`/cfct-backup/artifacts/...`) are written by `publish` (or by
    `simulate`), not derived from the organization.
    """
    params: dict[str, tuple[str, str]] = {
        contract.SSM_ORG_ID.name: ("String", ids.org_id),
        contract.SSM_ROOT_ID.name: ("String", ids.root_id),
        contract.SSM_HOME_REGION.name: ("String", org.home_region),
        contract.SSM_DR_REGION.name: ("String", org.dr_region),
        contract.SSM_GOVERNED_REGIONS.name: ("StringList", ",".join(org.governed_regions)),
        contract.SSM_ALERT_EMAIL.name: ("String", org.alert_email),
    }
    if org.identity_center:
        params[contract.SSM_IDENTITY_CENTER_INSTANCE.name] = ("String", org.identity_center["instance_arn"])
        params[contract.SSM_BREAK_GLASS_GROUP.name] = (
            "String",
            org.identity_center["break_glass_group_id"],
        )
    for role, name in ROLE_PARAMETER.items():
        account = org.role_account(role)
        account_id = ids.accounts.get(account.name, account.id)
        if account_id is None:
            raise OrganizationError(org.source, f"roles.{role}", f"account {account.name!r} has no ID yet")
        params[name] = ("String", account_id)
    for role, name in OPTIONAL_ROLES.items():
        if role in org.roles:
            account = org.role_account(role)
            account_id = ids.accounts.get(account.name, account.id)
            if account_id is None:
                raise OrganizationError(
                    org.source, f"roles.{role}", f"account {account.name!r} has no ID yet"
                )
            params[name] = ("String", account_id)
    params[AIR_GAPPED_PARAMETER] = ("String", "true" if org.air_gapped_vault else "false")
    # who may assume cfct-backup-audit: the management account by default (its IAM policies then
    # decide); set role ARNs here for least privilege (docs/conventions.md)
    management = params[ROLE_PARAMETER["management"]][1]
    params[contract.SSM_AUDIT_PRINCIPALS.name] = ("StringList", f"arn:aws:iam::{management}:root")
    protected = org.protected_paths
    if protected:
        params[contract.SSM_PROTECTED_OU_PATHS.name] = ("StringList", ",".join(protected))
        params[contract.SSM_PROTECTED_OU_IDS.name] = ("StringList", ",".join(ids.ous[p] for p in protected))
        params[contract.SSM_PROTECTED_OU_ORG_PATHS.name] = (
            "StringList",
            ",".join(ids.ou_org_path(p) for p in protected),
        )
    return params


# ---- loading -------------------------------------------------------------------------------------


def load_organization(path: str | Path) -> Organization:
    """Read and check an organization description; `OrganizationError` names file and field."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise OrganizationError(source, "", f"cannot read: {exc.strerror or exc}") from exc
    return parse_organization(text, source)


def parse_organization(text: str, source: str = "<organization>") -> Organization:
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise OrganizationError(source, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    unknown = _unknown_fields(root, "", _TOP_FIELDS)
    if unknown:  # every misspelt field at once, each with its line and the field it resembles
        lines = [f"{source}:{line}: {where}: unknown field{hint}" for line, where, hint in unknown]
        raise OrganizationError(source, "", f"{len(unknown)} unknown field(s):\n  " + "\n  ".join(lines))
    try:
        return _Parser(source).organization(data)
    except OrganizationError as exc:
        line = _line_of(root, exc.where)
        if line is None:
            raise
        prefix = f"{source}: {exc.where}: "
        message = str(exc)[len(prefix) :] if str(exc).startswith(prefix) else str(exc)
        located = OrganizationError(f"{source}:{line}", exc.where, message)
        located.source = source
        raise located from exc


# Allowed fields per mapping of the description, for the all-at-once unknown-field check. A value is
# either the set of fields of a nested mapping or of each item of a nested list.
_ACCOUNT_FIELDS: dict[str, Any] = {"name": None, "email": None, "id": None}
_OU_FIELDS: dict[str, Any] = {"name": None, "id": None, "protected": None}
_OU_FIELDS["accounts"] = [_ACCOUNT_FIELDS]
_OU_FIELDS["children"] = [_OU_FIELDS]
_TOP_FIELDS: dict[str, Any] = {
    "management": _ACCOUNT_FIELDS,
    "regions": {"home": None, "dr": None, "governed": None},
    "alert_email": None,
    "roles": dict.fromkeys((*ROLES, *OPTIONAL_ROLES)),
    "organizational_units": [_OU_FIELDS],
    "vend": {**_ACCOUNT_FIELDS, "ou": None},
    "identity_center": {"instance_arn": None, "break_glass_group_id": None},
    "air_gapped_vault": None,
}


def _unknown_fields(node: Any, where: str, fields: Any) -> list[tuple[int, str, str]]:
    """(line, field path, did-you-mean) of every key the description does not know."""
    found: list[tuple[int, str, str]] = []
    if isinstance(fields, list) and isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found.extend(_unknown_fields(item, f"{where}[{i}]", fields[0]))
    elif isinstance(fields, dict) and isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = str(key.value)
            here = f"{where}.{name}" if where else name
            if name not in fields:
                found.append((key.start_mark.line + 1, here, did_you_mean(name, fields)))
            elif fields[name] is not None:
                found.extend(_unknown_fields(value, here, fields[name]))
    return found


def _line_of(root: Any, where: str) -> int | None:
    """Line of the field a parser message names (`organizational_units[2].accounts[0].email`)."""
    if not where or root is None:
        return None
    node = root
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", where):
        if index and isinstance(node, yaml.SequenceNode) and int(index) < len(node.value):
            node = node.value[int(index)]
        elif name and isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if str(k.value) == name), None)
            if match is None:
                return None
            node = match
        else:
            return None
    return int(node.start_mark.line) + 1


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> OrganizationError:
        return OrganizationError(self.source, where, message)

    def mapping(
        self, value: Any, where: str, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where or "top level", "must be a mapping")
        allowed_set = set(allowed)
        for key in value:
            if key not in allowed_set:
                raise self.fail(
                    self.join(where, str(key)), f"unknown field (allowed: {', '.join(sorted(allowed_set))})"
                )
        for key in required:
            if key not in value or value[key] is None:
                raise self.fail(self.join(where, key), "required")
        return value

    @staticmethod
    def join(where: str, key: str) -> str:
        return f"{where}.{key}" if where else key

    def string(self, value: Any, where: str, pattern: re.Pattern[str] | None = None, what: str = "") -> str:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(where, "must be a string")
        if isinstance(value, int):
            if where.endswith(".id"):
                raise self.fail(where, "account IDs must be quoted (YAML reads unquoted digits as a number)")
            value = str(value)
        text: str = value
        if not text.strip():
            raise self.fail(where, "must not be empty")
        if pattern is not None and not pattern.match(text):
            raise self.fail(where, f"{text!r} is not {what or 'valid'}")
        return text

    def account(self, value: Any, where: str, ou: str) -> Account:
        data = self.mapping(value, where, ("name", "email", "id"), ("name", "email"))
        account_id = data.get("id")
        return Account(
            name=self.string(data["name"], self.join(where, "name")),
            email=self.string(data["email"], self.join(where, "email"), _EMAIL, "an email address"),
            ou=ou,
            id=None
            if account_id is None
            else self.string(account_id, self.join(where, "id"), _ACCOUNT_ID, "a 12-digit account ID"),
        )

    def organization(self, data: Any) -> Organization:
        top = self.mapping(
            data,
            "",
            (
                "management",
                "regions",
                "alert_email",
                "roles",
                "organizational_units",
                "vend",
                "identity_center",
                "air_gapped_vault",
            ),
            ("management", "regions", "alert_email", "organizational_units"),
        )
        management = self.account(top["management"], "management", "")
        regions = self.mapping(top["regions"], "regions", ("home", "dr", "governed"), ("home", "dr"))
        home = self.string(regions["home"], "regions.home", _REGION, "a Region name")
        dr = self.string(regions["dr"], "regions.dr", _REGION, "a Region name")
        if dr == home:
            raise self.fail("regions.dr", "must differ from regions.home")
        governed_raw = regions.get("governed", [home, dr])
        if not isinstance(governed_raw, list) or not governed_raw:
            raise self.fail("regions.governed", "must be a non-empty list of Regions")
        governed = tuple(
            self.string(r, f"regions.governed[{i}]", _REGION, "a Region name")
            for i, r in enumerate(governed_raw)
        )
        if len(set(governed)) != len(governed):
            raise self.fail("regions.governed", "lists a Region twice")
        for key, region in (("home", home), ("dr", dr)):
            if region not in governed:
                raise self.fail("regions.governed", f"must include the {key} Region {region}")
        alert = self.string(top["alert_email"], "alert_email", _EMAIL, "an email address")

        ous: list[OrganizationalUnit] = []
        accounts: list[Account] = []
        ou_list = top["organizational_units"]
        if not isinstance(ou_list, list):
            raise self.fail("organizational_units", "must be a list")
        self.ou_tree(ou_list, "organizational_units", "", ous, accounts)
        if not any(ou.protected for ou in ous):
            raise self.fail("organizational_units", "no OU is marked `protected: true`")

        names: dict[str, str] = {}
        for i, acct in enumerate((management, *accounts)):
            if acct.name in names:
                raise self.fail(f"account {acct.name!r}", "name used twice (CfCT resolves accounts by name)")
            names[acct.name] = str(i)
        ids = [a.id for a in (management, *accounts) if a.id]
        if len(set(ids)) != len(ids):
            raise self.fail("accounts", "an account ID is used twice")

        roles_raw = top.get("roles") or {}
        roles_data = self.mapping(roles_raw, "roles", (*ROLES, *OPTIONAL_ROLES))
        roles = {
            key: self.string(roles_data.get(key, default), f"roles.{key}") for key, default in ROLES.items()
        }
        for key in OPTIONAL_ROLES:
            if roles_data.get(key) is not None:
                name = self.string(roles_data[key], f"roles.{key}")
                if name in roles.values():
                    raise self.fail(f"roles.{key}", f"{name!r} already plays another role (isolated account)")
                roles[key] = name
        paths = {ou.path: ou for ou in ous}
        for key, name in roles.items():
            if name not in names:
                raise self.fail(f"roles.{key}", f"no account named {name!r} in organizational_units")
            acct = next(a for a in accounts if a.name == name)
            if acct.ou in paths and paths[acct.ou].protected:
                raise self.fail(f"roles.{key}", f"{name!r} must not sit in a protected OU ({acct.ou})")

        vend: Account | None = None
        if top.get("vend") is not None:
            vdata = self.mapping(top["vend"], "vend", ("name", "email", "ou", "id"), ("name", "email", "ou"))
            ou_path = self.string(vdata["ou"], "vend.ou")
            if ou_path not in paths:
                raise self.fail("vend.ou", f"unknown OU path {ou_path!r} (use Parent:Child without Root)")
            base = self.account({k: v for k, v in vdata.items() if k != "ou"}, "vend", ou_path)
            if base.name in names:
                raise self.fail("vend.name", f"{base.name!r} already exists in the organization")
            vend = base
        identity: dict[str, str] = {}
        if top.get("identity_center") is not None:
            ic = self.mapping(
                top["identity_center"],
                "identity_center",
                ("instance_arn", "break_glass_group_id"),
                ("instance_arn", "break_glass_group_id"),
            )
            identity["instance_arn"] = self.string(
                ic["instance_arn"],
                "identity_center.instance_arn",
                _SSO_INSTANCE,
                "an Identity Center instance ARN",
            )
            identity["break_glass_group_id"] = self.string(
                ic["break_glass_group_id"], "identity_center.break_glass_group_id"
            )
        air_gapped = top.get("air_gapped_vault", False)
        if not isinstance(air_gapped, bool):
            raise self.fail("air_gapped_vault", "must be true or false")
        return Organization(
            identity_center=identity,
            air_gapped_vault=air_gapped,
            source=self.source,
            management=management,
            home_region=home,
            dr_region=dr,
            governed_regions=governed,
            alert_email=alert,
            roles=roles,
            ous=tuple(ous),
            accounts=tuple(accounts),
            vend=vend,
        )

    def ou_tree(
        self,
        items: list[Any],
        where: str,
        parent: str,
        ous: list[OrganizationalUnit],
        accounts: list[Account],
    ) -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            here = f"{where}[{i}]"
            data = self.mapping(item, here, ("name", "id", "protected", "accounts", "children"), ("name",))
            name = self.string(data["name"], f"{here}.name", _OU_NAME, "an OU name (no ':')")
            if name == "Root" and not parent:
                raise self.fail(f"{here}.name", "'Root' is the organization root; do not declare it")
            if name in seen:
                raise self.fail(f"{here}.name", f"two OUs named {name!r} under the same parent")
            seen.add(name)
            protected = data.get("protected", False)
            if not isinstance(protected, bool):
                raise self.fail(f"{here}.protected", "must be true or false")
            path = f"{parent}:{name}" if parent else name
            ou_id = None
            if data.get("id") is not None:
                ou_id = self.string(data["id"], f"{here}.id", _OU_ID, "an OU ID (ou-xxxx-xxxxxxxx)")
                if any(o.id == ou_id for o in ous):
                    raise self.fail(f"{here}.id", f"OU ID {ou_id} is used twice")
            ous.append(OrganizationalUnit(path=path, name=name, parent=parent, protected=protected, id=ou_id))
            acct_list = data.get("accounts") or []
            if not isinstance(acct_list, list):
                raise self.fail(f"{here}.accounts", "must be a list")
            for j, acct in enumerate(acct_list):
                accounts.append(self.account(acct, f"{here}.accounts[{j}]", path))
            children = data.get("children") or []
            if not isinstance(children, list):
                raise self.fail(f"{here}.children", "must be a list")
            self.ou_tree(children, f"{here}.children", path, ous, accounts)
