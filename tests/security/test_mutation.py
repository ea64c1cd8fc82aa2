"""Mutation check: weaken any one protection of the rendered package and at least one matrix row
must change its outcome.

Mutations are generated from the policies themselves, not listed by hand: for every statement of
every SCP, RCP, resource policy (vault, key, bucket, trust) and package role policy, drop a Deny,
remove each condition (one key at a time), widen each principal exemption (ArnNotLike/ArnNotEquals
on aws:PrincipalArn gains `arn:*:iam::*:role/*`), and widen each resource-policy Allow to any
principal. The matrix runs in-process per mutation. A surviving mutation must be listed in
EQUIVALENT with the reason no request can tell it apart; nothing else may survive.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from typing import Any

from .matrix import ROWS
from .rendered import Package, package
from .test_matrix import decide

Path = tuple[Any, ...]
Mutation = tuple[str, Path, Callable[[dict[str, Any]], None]]

WIDE_ROLE = "arn:*:iam::*:role/*"
EXEMPTION_OPERATORS = ("ArnNotLike", "ArnNotEquals")

# Mutations no request can distinguish, each with the reason (regex over the mutation's name).
PINNED = (
    "a condition on aws:PrincipalArn, aws:SourceAccount or aws:SourceArn in the same statement"
    " names the only principal it may match"
)
_PINNED_SIDS = "|".join(
    [
        "AdmitCopyBackFromTheBunker",
        "AutomationSharesWithBunkerByGrant",
        "AutomationManagesItsGrants",
        "AuditListsGrants",
        "NotificationPublishersUseKey",
        "AuditManagerReportsFromTheAuditAccount",
        "ReconcileReportsFromManagement",
        "CloudTrailAclCheck",
        "CloudTrailWrite",
    ]
)
SOURCE_ACCOUNT = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
    "#condition-keys-sourceaccount"
)
EQUIVALENT: list[tuple[str, str]] = [
    (
        r"^remove condition ArnNotLike aws:PrincipalARN of SCP .*OnlyTheBackupServiceRoleStartsCopyJobs$",
        "the service role's own policies grant no StartCopyJob, so its exemption changes no decision;"
        " it stays so that copy actions AWS Backup runs as that role are never refused by the SCP",
    ),
    (rf"^widen principal of Allow policy of .*({_PINNED_SIDS})$", PINNED),
    (
        r"^widen principal of Allow policy of arn:aws:iam::\d+:role/cfct-backup-[a-z-]+, #0$",
        "trust: " + PINNED,
    ),
    (
        r"^remove condition Bool aws:PrincipalIsAWSService of RCP .*OnlyForServicesActingForTheOrg$",
        "Null aws:SourceAccount=false already limits the statement to AWS services: only a service"
        f" sets aws:SourceAccount ({SOURCE_ACCOUNT})",
    ),
    (
        r"^remove condition StringEquals aws:PrincipalOrgID of policy of .*CopyIntoOnlyFromProtectedOus$",
        "every aws:PrincipalOrgPaths value the statement admits begins with the organization ID",
    ),
    (
        r"^remove condition StringEquals kms:GranteePrincipal of policy of .*AutomationSharesWithBunker",
        "the automation role's own policy (ShareTheMemberKeyWithTheBunker, killed by MK-35) requires"
        " the same grantee; the key policy repeats it as defence in depth",
    ),
    (
        r"^drop Deny policy of arn:aws:s3:::cfct-backup-logs-.*OnlyTheOrganizationOrAwsServices$",
        "no Allow of the bucket policy admits a principal outside the organization and the RCP data"
        " perimeter (killed by LA-26) denies them too; the statement guards future Allows",
    ),
    (
        r"^remove condition StringEquals aws:SourceArn of policy of arn:aws:s3:::cfct-backup-logs-.*Write$",
        "LogObjectsOnlyFromTheOrganizationTrail denies every PutObject without the trail's aws:SourceArn",
    ),
]


def _docs(pkg: Package) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    seen: set[int] = set()
    for kind in ("scps", "rcps"):
        for target, docs in getattr(pkg, kind).items():
            for i, doc in enumerate(docs):
                if id(doc) not in seen:
                    seen.add(id(doc))
                    yield f"{kind[:-1].upper()} {doc.get('Id')}", (kind, target, i), doc
    for pattern, doc in pkg.resource_policies.items():
        if id(doc) not in seen and not doc.get("_fixture"):
            seen.add(id(doc))
            yield f"policy of {pattern.replace(chr(92), '')}", ("resource_policies", pattern), doc
    for arn, docs in pkg.identities.items():
        for i, doc in enumerate(docs):
            # only the package's own role policies (inline ones carry Sids or are short); AWS
            # managed policies and AdministratorAccess stand for what AWS and Control Tower give
            if id(doc) not in seen and _is_package_policy(doc):
                seen.add(id(doc))
                yield f"identity of {arn} #{i}", ("identities", arn, i), doc


def _is_package_policy(doc: dict[str, Any]) -> bool:
    st = doc["Statement"]
    sts = st if isinstance(st, list) else [st]
    return (
        not (len(sts) == 1 and sts[0].get("Action") == "*") and "Version" in doc and not doc.get("_managed")
    )


def _locate(pkg: Package, path: Path) -> dict[str, Any]:
    node: Any = getattr(pkg, path[0])
    for key in path[1:]:
        node = node[key]
    assert isinstance(node, dict)
    return node


def _statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    st = doc["Statement"]
    if isinstance(st, dict):
        doc["Statement"] = [st]
    return list(doc["Statement"])


def mutations(pkg: Package) -> list[Mutation]:
    out: list[Mutation] = []
    for label, path, doc in _docs(pkg):
        for i, stmt in enumerate(_statements(doc)):
            sid = stmt.get("Sid", f"#{i}")
            where = f"{label}, {sid}"
            if stmt["Effect"] == "Deny":
                out.append((f"drop Deny {where}", path, _drop(i)))
            for op, pairs in stmt.get("Condition", {}).items():
                for key in pairs:
                    out.append(
                        (f"remove condition {op} {key} of {where}", path, _remove_condition(i, op, key))
                    )
                    if op in EXEMPTION_OPERATORS and key.lower() == "aws:principalarn":
                        out.append((f"widen exemption {op} {key} of {where}", path, _widen(i, op, key)))
            if stmt["Effect"] == "Allow" and stmt.get("Principal") not in (None, "*", {"AWS": "*"}):
                out.append((f"widen principal of Allow {where}", path, _any_principal(i)))
    return out


def _drop(i: int) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        del doc["Statement"][i]

    return apply


def _remove_condition(i: int, op: str, key: str) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        cond = doc["Statement"][i]["Condition"]
        del cond[op][key]
        if not cond[op]:
            del cond[op]
        if not cond:
            del doc["Statement"][i]["Condition"]

    return apply


def _widen(i: int, op: str, key: str) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        pairs = doc["Statement"][i]["Condition"][op]
        values = pairs[key] if isinstance(pairs[key], list) else [pairs[key]]
        pairs[key] = [*values, WIDE_ROLE]

    return apply


def _any_principal(i: int) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        doc["Statement"][i]["Principal"] = {"AWS": "*"}

    return apply


def killed_by(pkg: Package) -> str | None:
    """The first row whose outcome differs on this package, or None."""
    for row in ROWS:
        if decide(pkg, row) is not row.expected:
            return row.id
    return None


def run() -> tuple[int, list[tuple[str, str]], list[str]]:
    base = package()
    all_mutations = mutations(base)
    kills: list[tuple[str, str]] = []
    survivors: list[str] = []
    for name, path, apply in all_mutations:
        mutant = copy.deepcopy(base)
        apply(_locate(mutant, path))
        row = killed_by(mutant)
        if row is None:
            survivors.append(name)
        else:
            kills.append((name, row))
    return len(all_mutations), kills, survivors


def test_every_weakened_protection_fails_a_matrix_row() -> None:
    total, kills, survivors = run()
    print(f"mutations: {total}, killed: {len(kills)}, equivalent: {len(survivors)}")
    assert total > 100, "the generator found too few protections to mutate"
    unexplained = [s for s in survivors if not any(re.search(p, s) for p, _ in EQUIVALENT)]
    assert not unexplained, "mutations no matrix row notices:\n" + "\n".join(unexplained)
