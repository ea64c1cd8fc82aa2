"""Differential test: the project's evaluator against an engine nobody here wrote.

principalmapper (NCC Group's PMapper; the `principalmapper-0ca` build, pinned in
requirements/constraints.txt) has a local authorization check,
`principalmapper.querying.query_interface.local_check_authorization_full`, that models identity
policies, permission boundaries, session policies, SCPs per OU level and resource policies, with
the same-account/cross-account and IAM-trust/KMS-key-policy rules. Both engines decide a few
thousand seeded random requests over the package's real rendered policies (tests/security/rendered.py);
they must agree on every one.

What the comparison leaves out, each a documented limit of principalmapper:
- RCPs (it predates them), service principals and the account root user as callers (its principals
  are IAM users and roles only), and the management account's exemption from SCPs (it takes the
  SCP groups it is given): requests of those kinds are not generated.
- Without a resource policy it never learns the resource's owner (`resource_owner` is read only
  with one) and decides a cross-account request on identity alone, which AWS denies: such
  requests are generated only within one account. It also takes any resource policy of an IAM
  resource as the trust policy for every action, so a role's trust policy is given for
  sts:AssumeRole* only, and sts:AssumeRole is generated only on roles whose trust policy the package
  holds (every role has one; principalmapper skips the trust check when it is not given one).
- Keys it infers when absent (aws:CurrentTime, aws:EpochTime, aws:userid, aws:SecureTransport,
  aws:PrincipalArn, aws:PrincipalAccount): every request carries them explicitly.
- `{"AWS": "*"}` in an Allow counts for it as naming the account, not the principal; the IAM
  Principal page says it equals "*". No Allow of the package names `{"AWS": "*"}` for a
  same-account request, where the difference would show.
principalmapper 1.1.5 imports `collections.Mapping`, removed in Python 3.10; the test restores the
two aliases before importing it.
"""

from __future__ import annotations

import collections
import collections.abc
import random
from typing import Any

from security.matrix import ROWS
from security.rendered import ACCOUNT_OU, ADMIN, MANAGEMENT, ORG_ID, OUTSIDER, org_path, package

from cfct_backup.policy.evaluator import Request, evaluate

for _name in ("Mapping", "MutableMapping"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

from principalmapper.common.nodes import Node  # noqa: E402
from principalmapper.common.policies import Policy as PmPolicy  # noqa: E402
from principalmapper.querying.query_interface import local_check_authorization_full  # noqa: E402

REQUESTS = 3000
SEED = 20261201


def _node(arn: str, docs: list[dict[str, Any]], boundary: dict[str, Any] | None) -> Node:
    policies = [PmPolicy(f"{arn}/policy/{i}", f"p{i}", _plain(d)) for i, d in enumerate(docs)]
    limit = PmPolicy(f"{arn}/boundary", "boundary", _plain(boundary)) if boundary else None
    trust: dict[str, Any] = {"Statement": []}
    return Node(arn, "AROAEXAMPLEID", policies, [], trust, None, 0, False, False, limit, False, {})


def _plain(doc: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": doc["Statement"]}


def _pools() -> tuple[list[str], list[str], list[str]]:
    """Principals (IAM roles only), actions and resources from the matrix and the package."""
    principals = sorted(
        {r.principal for r in ROWS if r.principal.startswith("arn:") and ":role/" in r.principal}
    )
    actions = sorted({r.action for r in ROWS if r.action != "organizations:DetachPolicy"})
    resources = sorted({r.resource for r in ROWS})
    return principals, actions, resources


def _same_service(actions: list[str], resource: str) -> list[str]:
    """Actions that can name this resource (a key policy governs kms:*, a trust policy sts:*)."""
    if resource == "*":
        return actions
    service = resource.split(":")[2]
    allowed = {"iam": ("iam", "sts")}.get(service, (service,))
    return [a for a in actions if a.split(":")[0] in allowed] or actions


def _context(rng: random.Random, principal: str) -> dict[str, Any]:
    account = principal.split(":")[4]
    ctx: dict[str, Any] = {
        "aws:PrincipalArn": principal,
        "aws:PrincipalAccount": account,
        "aws:userid": "AROAEXAMPLEID:session",
        "aws:CurrentTime": "2026-12-01T23:00:00Z",
        "aws:EpochTime": "1796166000",
        "aws:SecureTransport": rng.choice(["true", "true", "true", "false"]),
        "aws:PrincipalIsAWSService": "false",
    }
    if account in ACCOUNT_OU:
        ctx["aws:PrincipalOrgID"] = ORG_ID
        ctx["aws:PrincipalOrgPaths"] = [org_path(account)]
    elif rng.random() < 0.5:
        ctx["aws:PrincipalOrgID"] = "o-zz99other00"
    optional: dict[str, list[Any]] = {
        "aws:MultiFactorAuthPresent": ["true", "false"],
        "backup:CopyTargets": [
            [r.context["backup:CopyTargets"][0]] for r in ROWS if "backup:CopyTargets" in r.context
        ],
        "iam:PassedToService": ["backup.amazonaws.com", "ec2.amazonaws.com"],
        "kms:GranteePrincipal": ["arn:aws:iam::222222222222:root", f"arn:aws:iam::{OUTSIDER}:root"],
        "kms:GrantOperations": [["Decrypt", "DescribeKey"], ["Decrypt", "Encrypt"]],
        "kms:GrantIsForAWSResource": ["true", "false"],
        "kms:ResourceAliases": [["alias/cfct-backup-vault"], ["alias/cfct-backup-bunker"], ["alias/team"]],
        "aws:ResourceTag/cfct-backup:managed": ["true"],
        "aws:TagKeys": [["cfct-backup:managed"], ["team"]],
        "aws:ResourceOrgID": [ORG_ID],
    }
    for key, values in optional.items():
        if rng.random() < 0.4:
            ctx[key] = rng.choice(values)
    return ctx


def _resource_account(resource: str, principal_account: str) -> str:
    parts = resource.split(":")
    if resource == "*" or len(parts) < 5:
        return principal_account
    if parts[4]:
        return parts[4]
    return resource.split("-")[-3] if resource.startswith("arn:aws:s3:::") else principal_account


def test_principalmapper_agrees_on_generated_requests() -> None:
    pkg = package()
    principals, actions, resources = _pools()
    pool = [d for docs in pkg.identities.values() for d in docs] + [ADMIN]
    role_rows = [r for r in ROWS if r.principal in principals and r.action != "organizations:DetachPolicy"]
    rng = random.Random(SEED)
    disagreements: list[str] = []
    allowed = 0
    done = 0
    while done < REQUESTS:
        if rng.random() < 0.4:  # a threat-model request, with the rest of the inputs random
            row = rng.choice(role_rows)
            principal, action, resource = row.principal, row.action, row.resource
        else:
            principal = rng.choice(principals)
            resource = rng.choice(resources)
            action = rng.choice(_same_service(actions, resource))
        p_account = principal.split(":")[4]
        r_account = _resource_account(resource, p_account)
        resource_policy = pkg.resource_policy(resource)
        if ":role/" in resource and not action.startswith("sts:"):
            resource_policy = None  # a trust policy governs sts:AssumeRole* only
        if resource_policy is None and r_account != p_account:
            continue  # principalmapper reads resource_owner only with a resource policy
        if resource_policy is None and action.startswith("sts:") and ":role/" in resource:
            continue  # every role has a trust policy; these roles' are not the package's
        done += 1
        ctx = _context(rng, principal)
        # the principal's own policies, none, or another role's: the layers must combine right
        # whatever they hold; sometimes a permissions boundary from the package too
        roll = rng.random()
        own = pkg.identity(principal) or [ADMIN]
        identity = own if roll < 0.5 else [] if roll < 0.7 else [rng.choice(pool)]
        identity = [{"Statement": d["Statement"]} for d in identity]
        boundary = {"Statement": rng.choice(pool)["Statement"]} if rng.random() < 0.2 else None
        in_org = p_account in ACCOUNT_OU and p_account != MANAGEMENT
        scps = pkg.levels(p_account, "scp") if in_org else []
        ours = evaluate(
            Request(action, resource, principal, ctx),
            identity=identity,
            boundary=boundary,
            scps=scps,
            resource_policy=resource_policy,
            principal_account=p_account,
            resource_account=r_account,
        )
        theirs = local_check_authorization_full(
            _node(principal, identity, boundary),
            action,
            resource,
            dict(ctx),
            resource_policy=_plain(resource_policy) if resource_policy else None,
            resource_owner=r_account,
            service_control_policy_groups=[
                [PmPolicy(f"scp{i}{j}", "scp", _plain(d)) for j, d in enumerate(level)]
                for i, level in enumerate(scps)
            ]
            or None,
        )
        allowed += ours.allowed
        if ours.allowed != theirs:
            disagreements.append(f"{principal} {action} {resource} {ctx}: ours {ours}, theirs {theirs}")
    print(f"differential: {REQUESTS} requests, {allowed} allowed, {len(disagreements)} disagreements")
    assert allowed > REQUESTS // 20, "too few allowed requests to tell the engines apart"
    assert not disagreements, "\n".join(disagreements[:20])
