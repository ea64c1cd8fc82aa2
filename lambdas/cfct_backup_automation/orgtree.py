"""The one organization tree: root, OUs and accounts as plain immutable data, and the queries on it.

Paths are CfCT's: OU names joined with ``:`` from the top-level OU down, without ``Root``
(``Workloads:Prod``); ``""`` is the root itself. Adapters build it from:

- the Organizations API: `read_tree` (one paginated walk from the root: configure, the CfCT
  interpreter) and `read_subtrees` (the same walk below given OUs only: reconcile's scope, which
  never lists the whole organization);
- the organization description: `cfct_backup.organization.Organization.tree`;
- the SSM configuration: `Config.protected_ou_ids`, the scope the queries take.

Organizations policies are inherited by every OU and account below the OU they are attached to
(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html),
while CfCT deploys a stack set only to the accounts directly in a listed OU: `in_scope` and
`nested` tell the two apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from cfct_backup_automation.accounts import ACTIVE, account_state

ROOT_PATH = ""


def join(parent: str, name: str) -> str:
    """The CfCT path of OU `name` under the OU at `parent` ("" = Root)."""
    return f"{parent}:{name}" if parent else name


def ancestors(path: str) -> list[str]:
    """OU paths from the top-level OU down to `path` itself (Root is not included)."""
    parts = path.split(":") if path else []
    return [":".join(parts[: i + 1]) for i in range(len(parts))]


@dataclass(frozen=True)
class OrgUnit:
    id: str
    name: str
    path: str
    parent_id: str  # the parent OU's or the root's ID

    @property
    def parent(self) -> str:
        """The parent's path ("" = Root)."""
        return self.path.rpartition(":")[0]


@dataclass(frozen=True)
class OrgAccount:
    id: str
    name: str
    email: str
    state: str  # ACTIVE | PENDING_ACTIVATION | SUSPENDED | PENDING_CLOSURE | CLOSED | UNKNOWN
    ou: str  # path of the OU it sits directly in; "" = Root
    parent_id: str  # that OU's (or the root's) ID

    @property
    def active(self) -> bool:
        return self.state == ACTIVE


@dataclass(frozen=True)
class OrgTree:
    root_id: str
    ous: tuple[OrgUnit, ...]  # parents before children
    accounts: tuple[OrgAccount, ...]
    org_id: str = ""
    management_id: str = ""

    # ---- OUs -----------------------------------------------------------------------------------
    def ou(self, path: str) -> OrgUnit | None:
        return next((o for o in self.ous if o.path == path), None)

    def ou_id(self, path: str) -> str | None:
        """The ID of the OU at `path` ("" = the root's ID); None when there is none."""
        if path == ROOT_PATH:
            return self.root_id
        found = self.ou(path)
        return None if found is None else found.id

    def ou_ids(self) -> dict[str, str]:
        """OU path -> ID, parents before children."""
        return {o.path: o.id for o in self.ous}

    def path_of(self, node_id: str) -> str | None:
        """The path of an OU (or "" for the root) by ID; None when the tree has no such node."""
        if node_id == self.root_id:
            return ROOT_PATH
        return next((o.path for o in self.ous if o.id == node_id), None)

    def chain(self, node_id: str) -> list[str]:
        """IDs from the root down to `node_id` itself (an OU's or an account's parent chain)."""
        by_id = {o.id: o for o in self.ous}
        found = [node_id]
        while node_id in by_id:
            node_id = by_id[node_id].parent_id
            found.append(node_id)
        return found[::-1]

    # ---- accounts ------------------------------------------------------------------------------
    def by_id(self, account_id: str) -> OrgAccount | None:
        return next((a for a in self.accounts if a.id == account_id), None)

    def named(self, name: str, *, ignore_case: bool = False) -> list[OrgAccount]:
        """Accounts named `name`; `ignore_case` as CfCT's get_final_account_list matches them."""
        if ignore_case:
            return [a for a in self.accounts if a.name.lower() == name.lower()]
        return [a for a in self.accounts if a.name == name]

    def accounts_in(self, node_id: str) -> list[OrgAccount]:
        """The ACTIVE accounts directly in the OU (or root) `node_id`, never those of its child OUs."""
        return [a for a in self.accounts if a.parent_id == node_id and a.active]

    def in_scope(self, protected_ou_ids: Iterable[str]) -> list[tuple[OrgAccount, str]]:
        """(account, protected OU ID) for every ACTIVE account directly in a protected OU."""
        return [(a, ou) for ou in dict.fromkeys(protected_ou_ids) for a in self.accounts_in(ou)]

    def nested(self, protected_ou_ids: Iterable[str]) -> list[tuple[OrgAccount, str]]:
        """(account, nearest protected ancestor OU ID) for every ACTIVE account in an OU that is not
        protected but lies, at any depth, below a protected one."""
        protected = set(protected_ou_ids)
        found: list[tuple[OrgAccount, str]] = []
        for account in self.accounts:
            if not account.active or account.parent_id in protected:
                continue
            above = [node for node in self.chain(account.parent_id)[:-1] if node in protected]
            if above:
                found.append((account, above[-1]))
        return found


# ---- the Organizations API adapter ---------------------------------------------------------------


def _walk(
    client: Any, tops: Iterable[tuple[str, str]], skip: frozenset[str] = frozenset(), descend: bool = True
) -> Iterator[OrgUnit | OrgAccount]:
    """Breadth first below each (ID, path) in `tops`: its accounts, then its child OUs (not those in
    `skip`, which are walked as tops of their own), all paginated."""
    account_pages = client.get_paginator("list_accounts_for_parent")
    todo = list(tops)
    while todo:
        parent_id, path = todo.pop(0)
        for page in account_pages.paginate(ParentId=parent_id):
            for acct in page.get("Accounts", []):
                yield OrgAccount(
                    id=str(acct["Id"]),
                    name=str(acct.get("Name", "")),
                    email=str(acct.get("Email", "")),
                    state=account_state(acct),  # State: Account.Status is retired (accounts.py)
                    ou=path,
                    parent_id=parent_id,
                )
        if not descend:
            continue
        ou_pages = client.get_paginator("list_organizational_units_for_parent")
        for page in ou_pages.paginate(ParentId=parent_id):
            for ou in page.get("OrganizationalUnits", []):
                child = OrgUnit(str(ou["Id"]), str(ou["Name"]), join(path, str(ou["Name"])), parent_id)
                if child.id in skip:
                    continue
                yield child
                todo.append((child.id, child.path))


def _tree(root_id: str, nodes: Iterable[OrgUnit | OrgAccount], **ids: str) -> OrgTree:
    items = list(nodes)
    return OrgTree(
        root_id=root_id,
        ous=tuple(n for n in items if isinstance(n, OrgUnit)),
        accounts=tuple(dict.fromkeys(n for n in items if isinstance(n, OrgAccount))),
        **ids,
    )


def read_tree(client: Any) -> OrgTree:
    """The whole organization: DescribeOrganization, ListRoots, then one walk of the OU tree with the
    accounts directly in each node. Only the management account or a delegated administrator may list."""
    org: Any = client.describe_organization()["Organization"]
    roots = [r for page in client.get_paginator("list_roots").paginate() for r in page["Roots"]]
    root_id = str(roots[0]["Id"])
    return _tree(
        root_id,
        _walk(client, [(root_id, ROOT_PATH)]),
        org_id=str(org["Id"]),
        management_id=str(org["MasterAccountId"]),
    )


def read_subtrees(client: Any, top_ou_ids: Iterable[str], *, descend: bool = True) -> OrgTree:
    """Only what lies below the OUs `top_ou_ids` (each walked once; `descend=False`: their own
    accounts only). Their names are not read: each top OU's path is its ID (``ou-x:Child``)."""
    tops = list(dict.fromkeys(top_ou_ids))
    units = [OrgUnit(top, top, top, ROOT_PATH) for top in tops]
    walked = _walk(client, [(top, top) for top in tops], frozenset(tops), descend)
    return _tree(ROOT_PATH, [*units, *walked])
