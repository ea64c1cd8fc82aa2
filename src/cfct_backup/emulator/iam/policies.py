"""The policies that decide a request, read from moto's own backends.

- identity: the role's or user's inline policies and attached managed policies (moto's IAM
  backend), the user's groups' policies, and the permissions boundary;
- SCPs and RCPs: one list per level of the account's path from the root down to the account
  (moto's Organizations backend, as the emulator's ``policy_path`` returns it); none for the
  management account (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html,
  https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html);
- the organization's context keys of a principal account: ``aws:PrincipalOrgID`` and
  ``aws:PrincipalOrgPaths`` (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from moto.iam.models import iam_backends
from moto.organizations.models import organizations_backends

from .principals import Principal

Policy = Mapping[str, Any]


def parse(document: Any) -> Policy | None:
    """A policy document as moto stores it (JSON text, URL-quoted text or a dict)."""
    if document is None or document == "":
        return None
    if isinstance(document, Mapping):
        return _without_novalue(document)
    if isinstance(document, bytes):
        document = document.decode()
    text = str(document)
    if text.startswith("%7B"):
        from urllib.parse import unquote  # noqa: PLC0415

        text = unquote(text)
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return _without_novalue(value) if isinstance(value, Mapping) else None


def _without_novalue(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """CloudFormation removes a list item that is ``AWS::NoValue`` (an ``Fn::If`` branch);
    moto 5.2.x's CloudFormation leaves it as ``null``, e.g. a policy statement. Drop those
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html#cfn-pseudo-param-novalue)."""
    statements = document.get("Statement")
    if isinstance(statements, list) and any(s is None for s in statements):
        return {**document, "Statement": [s for s in statements if s is not None]}
    return document


def _managed_document(policy: Any) -> Policy | None:
    for version in getattr(policy, "versions", []) or []:
        if getattr(version, "is_default", False):
            return parse(version.document)
    return parse(getattr(policy, "document", None))


def _entity_policies(entity: Any) -> list[Policy]:
    found: list[Policy] = []
    for document in getattr(entity, "policies", {}).values():
        parsed = parse(document)
        if parsed is not None:
            found.append(parsed)
    for managed in getattr(entity, "managed_policies", {}).values():
        parsed = _managed_document(managed)
        if parsed is not None:
            found.append(parsed)
    return found


def role(account: str, name: str, partition: str = "aws") -> Any:
    backend = iam_backends[account][partition]
    return next((r for r in list(backend.roles.values()) if r.name == name), None)


def identity(principal: Principal, partition: str = "aws") -> tuple[list[Policy], Policy | None]:
    """(identity policies, permissions boundary) of the principal; the root user has no policies
    (it is allowed everything in its account: the caller models that)."""
    backend = iam_backends[principal.account][partition]
    entity: Any = None
    groups: list[Any] = []
    if principal.kind == "role":
        entity = role(principal.account, principal.name, partition)
    elif principal.kind == "user":
        entity = backend.users.get(principal.name)
        if entity is not None:
            groups = [g for g in backend.groups.values() if entity in getattr(g, "users", [])]
    if entity is None:
        return [], None
    found = _entity_policies(entity)
    for group in groups:
        found.extend(_entity_policies(group))
    boundary = None
    boundary_arn = getattr(entity, "permissions_boundary_arn", None)
    if boundary_arn:
        managed = backend.managed_policies.get(boundary_arn)
        boundary = _managed_document(managed) if managed is not None else {"Statement": []}
    return found, boundary


def organization(account: str, partition: str = "aws") -> Any:
    """The Organizations backend of the management account of ``account``'s organization."""
    backend = organizations_backends[account][partition]
    if backend.org is not None:
        return backend
    owner = organizations_backends.master_accounts.get(account)
    if owner is None:
        return None
    return organizations_backends[owner[0]][owner[1]]


def is_management(account: str, partition: str = "aws") -> bool:
    org = organization(account, partition)
    return org is not None and org.org.master_account_id == account


# AWS attaches RCPFullAWSAccess to the root, every OU and every account, and it cannot be detached
# (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html);
# moto attaches it to the root and the management account only.
RCP_FULL_ACCESS: Policy = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}


def org_levels(account: str, policy_type: str, partition: str = "aws") -> list[list[Policy]]:
    """The policies of ``policy_type`` per level of the account's OU path; empty when the account is
    not in an organization or is the management account.

    Attached policies apply whether or not moto records the policy type as enabled: AWS refuses to
    attach a policy of a type that is not enabled (``PolicyTypeNotEnabledException``), moto does not,
    so an attached policy is one that AWS would enforce (stricter, never more lenient)."""
    org = organization(account, partition)
    if org is None or org.org.master_account_id == account:
        return []
    try:
        path = org.policy_path(account, policy_type)
    except Exception:  # noqa: BLE001 - not a member (removed): nothing applies
        return []
    levels: list[list[Policy]] = []
    for _node, attached in path:
        level = [p for p in (parse(getattr(policy, "content", None)) for policy in attached) if p is not None]
        if policy_type == "RESOURCE_CONTROL_POLICY" and RCP_FULL_ACCESS not in level:
            level.append(RCP_FULL_ACCESS)
        levels.append(level)
    return levels


def org_context(account: str, partition: str = "aws") -> dict[str, Any]:
    """aws:PrincipalOrgID / aws:PrincipalOrgPaths of an account ({} outside an organization)."""
    org = organization(account, partition)
    if org is None:
        return {}
    member = next((a for a in org.accounts if a.id == account), None)
    if member is None:
        return {}
    chain: list[str] = []
    parent_id = member.parent_id
    while parent_id:
        node = next((ou for ou in org.ou if ou.id == parent_id), None)
        if node is None:
            break
        chain.append(node.id)
        parent_id = None if node.id == org.org.root_id else node.parent_id
    path = f"{org.org.id}/" + "".join(f"{n}/" for n in reversed(chain))
    return {"aws:PrincipalOrgID": org.org.id, "aws:PrincipalOrgPaths": [path]}


def resource_org_context(account: str, partition: str = "aws") -> dict[str, Any]:
    """aws:ResourceAccount / aws:ResourceOrgID / aws:ResourceOrgPaths of a resource's account."""
    context: dict[str, Any] = {"aws:ResourceAccount": account}
    principal = org_context(account, partition)
    if principal:
        context["aws:ResourceOrgID"] = principal["aws:PrincipalOrgID"]
        context["aws:ResourceOrgPaths"] = principal["aws:PrincipalOrgPaths"]
    return context
