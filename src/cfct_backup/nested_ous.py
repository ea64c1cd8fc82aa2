"""Accounts in a child OU of a protected OU: they inherit its backup policies, not the member baseline.

Organizations policies (SCPs, backup policies) are inherited by every OU and account below the OU
they are attached to (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html),
but CfCT deploys a stack set only to the accounts directly in the OUs its manifest lists, not to
child OUs (CfCT v2.8.4, shared/DESIGN.md §8). An account in an unprotected child OU of a protected
OU therefore has backup plans whose vault, key and role do not exist: its jobs fail every day.
The supported choice (docs/automation.md): list the child OU itself (mark it `protected: true` and
target it in the manifest), or keep protected OUs free of child OUs holding accounts.
"""

from __future__ import annotations

from cfct_backup.organization import Account, Organization, placeholder_ids
from cfct_backup.problems import Problem


def nested_accounts(org: Organization) -> list[tuple[Account, str]]:
    """(account, nearest protected ancestor OU path) for every account in an OU that is not protected
    but lies under a protected one (`OrgTree.nested`, the query reconcile's scope uses)."""
    tree = org.tree(placeholder_ids(org))
    protected = [tree.ou_ids()[p] for p in org.protected_paths]
    return [(org.account(a.name), tree.path_of(above) or "") for a, above in tree.nested(protected)]


def nested_message(account: Account, ancestor: str) -> str:
    return (
        f"account {account.name!r} is in OU '{account.ou}', a child of protected OU '{ancestor}': "
        "it inherits the backup policies but CfCT deploys the member baseline only to accounts "
        f"directly in a listed OU; mark '{account.ou}' protected and list it in the manifest, "
        "or move the account"
    )


def nested_problems(org: Organization, where: str) -> list[Problem]:
    """`validate --org`: one error (ORG010) per such account, naming the file of the organization."""
    return [
        Problem(where, None, "error", "ORG010", nested_message(a, above)) for a, above in nested_accounts(org)
    ]
