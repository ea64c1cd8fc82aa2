"""The one organization tree (`cfct_backup_automation.orgtree`): its adapters agree with each other.

Policies are inherited by every OU and account below the OU they are attached to
(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html);
CfCT deploys a stack set only to the accounts directly in a listed OU (shared/DESIGN.md §8).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import boto3
from cfct_backup_automation.orgtree import OrgAccount, OrgTree, OrgUnit, read_subtrees, read_tree
from cfct_backup_automation.reconcile import in_scope_accounts, nested_accounts

from cfct_backup.organization import OrganizationIds, parse_organization

from .conftest import DESCRIPTION, Built, build

NESTED = DESCRIPTION.replace(
    "              - {name: Payments, email: payments@example.com}\n",
    "              - {name: Payments, email: payments@example.com}\n"
    "            children:\n"
    "              - name: Sandbox\n"
    "                accounts:\n"
    "                  - {name: Sandbox One, email: sandbox@example.com}\n",
)


def test_the_real_organization_and_its_description_make_the_same_tree(aws):
    built = build(NESTED)
    real = read_tree(built.client)
    described = parse_organization(NESTED).tree(
        OrganizationIds(
            built.org_id, built.root_id, {**built.accounts, "Management": built.management_id}, built.ous
        )
    )
    assert real.ou_ids() == described.ou_ids() == built.ous
    assert real.management_id == described.management_id == built.management_id
    sandbox = built.accounts["Sandbox One"]
    chain = [
        built.root_id,
        *(built.ous[p] for p in ("Workloads", "Workloads:Prod", "Workloads:Prod:Critical")),
    ]
    assert real.chain(built.ous["Workloads:Prod:Critical:Sandbox"]) == [
        *chain,
        built.ous["Workloads:Prod:Critical:Sandbox"],
    ]
    protected = [built.ous["Workloads:Prod"], built.ous["Workloads:Prod:Critical"]]
    for tree in (real, described):
        # the nearest protected ancestor, not the top one
        assert [(a.id, above) for a, above in tree.nested(protected)] == [(sandbox, chain[-1])]
        assert {a.name for a, _ou in tree.in_scope(protected)} == {"Orders Prod", "Payments"}
    # reconcile's scope (Config.protected_ou_ids) reads the same tree below the protected OUs only
    cfg: Any = SimpleNamespace(protected_ou_ids=tuple(protected))
    assert nested_accounts(built.client, cfg) == {
        sandbox: (built.ous["Workloads:Prod:Critical:Sandbox"], "Sandbox One", chain[-1])
    }
    assert set(in_scope_accounts(built.client, cfg)) == {
        built.accounts["Orders Prod"],
        built.accounts["Payments"],
    }


class _Recording:
    """An Organizations client over a fixed tree that records every listing."""

    def __init__(self, children: dict[str, list[str]], accounts: dict[str, list[dict[str, str]]]) -> None:
        self.children = children
        self.accounts = accounts
        self.calls: list[tuple[str, str]] = []

    def get_paginator(self, name: str) -> Any:
        def paginate(ParentId: str) -> list[dict[str, Any]]:
            self.calls.append((name, ParentId))
            if name == "list_accounts_for_parent":
                return [{"Accounts": self.accounts.get(ParentId, [])}]
            assert name == "list_organizational_units_for_parent"
            return [
                {
                    "OrganizationalUnits": [
                        {"Id": c, "Name": c.upper()} for c in self.children.get(ParentId, [])
                    ]
                }
            ]

        return SimpleNamespace(paginate=paginate)


def test_a_subtree_walk_lists_each_ou_once_and_nothing_above_the_protected_ous():
    client = _Recording(
        children={"ou-prod": ["ou-child", "ou-crit"], "ou-child": ["ou-deep"]},
        accounts={
            "ou-prod": [{"Id": "111111111111", "Name": "prod", "State": "ACTIVE"}],
            "ou-deep": [
                {"Id": "222222222222", "Name": "deep", "State": "ACTIVE"},
                {"Id": "333333333333", "Name": "gone", "State": "SUSPENDED"},
            ],
            "ou-crit": [{"Id": "444444444444", "Name": "crit", "State": "ACTIVE"}],
        },
    )
    tree = read_subtrees(client, ["ou-prod", "ou-crit"])
    parents = [p for _name, p in client.calls]
    assert sorted(set(parents)) == ["ou-child", "ou-crit", "ou-deep", "ou-prod"]
    assert len(parents) == 8  # accounts and child OUs of each, once: ou-crit is walked as its own top
    assert tree.ou("ou-prod:OU-CHILD:OU-DEEP") is not None
    assert [(a.name, above) for a, above in tree.nested(["ou-prod", "ou-crit"])] == [("deep", "ou-prod")]
    client.calls.clear()
    only = read_subtrees(client, ["ou-prod"], descend=False)
    assert client.calls == [("list_accounts_for_parent", "ou-prod")]
    assert [a.name for a in only.accounts_in("ou-prod")] == ["prod"]


def test_names_match_exactly_or_as_cfct_does():
    def account(account_id: str, name: str, state: str = "ACTIVE") -> OrgAccount:
        return OrgAccount(account_id, name, f"{account_id}@example.com", state, "Prod", "ou-p")

    tree = OrgTree(
        "r-1",
        (OrgUnit("ou-p", "Prod", "Prod", "r-1"),),
        (
            account("111111111111", "Audit"),
            account("222222222222", "audit"),
            account("333333333333", "Old", "CLOSED"),
        ),
    )
    assert [a.id for a in tree.named("Audit")] == ["111111111111"]
    assert [a.id for a in tree.named("AUDIT", ignore_case=True)] == ["111111111111", "222222222222"]
    assert [a.id for a in tree.accounts_in("ou-p")] == ["111111111111", "222222222222"]  # not the CLOSED one
    assert tree.path_of("ou-p") == "Prod" and tree.path_of("r-1") == "" and tree.ou_id("") == "r-1"
    assert tree.ous[0].parent == ""


def test_configure_reads_the_organization_as_the_one_tree(built: Built):
    real = boto3.client("organizations", region_name="us-east-1")
    from cfct_backup.configure import read_organization

    tree = read_organization(real)
    assert isinstance(tree, OrgTree) and tree.org_id == built.org_id and tree.root_id == built.root_id
    assert {a.name: a.ou for a in tree.accounts}["Payments"] == "Workloads:Prod:Critical"
