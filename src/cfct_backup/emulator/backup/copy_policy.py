"""Whether a destination vault's access policy admits a copy job (``backup:CopyIntoBackupVault``)."""

from __future__ import annotations

import fnmatch
import json
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..iam.policies import org_context


def like(value: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern)


def not_like(value: str, pattern: str) -> bool:
    return not fnmatch.fnmatchcase(value, pattern)


_CONDITION_OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": operator.eq,
    "StringNotEquals": operator.ne,
    "StringLike": like,
    "StringNotLike": not_like,
    "ArnEquals": operator.eq,
    "ArnLike": like,
    "ArnNotEquals": operator.ne,
    "ArnNotLike": not_like,
}


def conditions_hold(conditions: Mapping[str, Any], context: Mapping[str, list[str]]) -> bool | None:
    """Whether the conditions hold for the request context; None when one cannot be evaluated."""
    for condition_operator, tests in conditions.items():
        qualifier, _, base = condition_operator.rpartition(":")
        compare = _CONDITION_OPERATORS.get(base)
        if compare is None or not isinstance(tests, Mapping):
            return None
        for key, patterns in tests.items():
            values = context.get(key.lower())
            if values is None:
                return None
            wanted = patterns if isinstance(patterns, list) else [patterns]
            negative = base.endswith(("NotEquals", "NotLike"))
            if negative:
                # every value must differ from every pattern
                held = all(compare(v, p) for v in values for p in wanted)
            elif qualifier == "ForAllValues":
                held = all(any(compare(v, p) for p in wanted) for v in values)
            else:  # single-valued keys and ForAnyValue
                held = any(compare(v, p) for v in values for p in wanted)
            if not held:
                return False
    return True


def copy_allowed(policy: str | None, source_account: str, role_arn: str, org: Any, partition: str) -> bool:
    """Whether a destination vault's access policy lets ``source_account`` copy into it.

    IAM evaluation for one action, ``backup:CopyIntoBackupVault``: an explicit Deny wins, else an
    Allow is needed (no policy: denied). Principals: ``*``, the account (ID or root ARN) or an ARN in
    it. Conditions on aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalAccount,
    aws:SourceAccount and aws:PrincipalArn (the copy job's role) with the String/Arn operators are
    evaluated; a statement with any other condition is not applied.
    """
    if not policy:
        return False
    try:
        document = json.loads(policy)
    except ValueError:
        return False
    context = {
        "aws:principalorgid": [org.org.id],
        "aws:principalorgpaths": org_context(source_account, partition).get("aws:PrincipalOrgPaths", []),
        "aws:principalaccount": [source_account],
        "aws:sourceaccount": [source_account],
        "aws:principalarn": [role_arn],
    }
    allowed = False
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        actions = actions if isinstance(actions, list) else [actions]
        if not any(fnmatch.fnmatchcase("backup:copyintobackupvault", str(a).lower()) for a in actions):
            continue
        principal = statement.get("Principal")
        principals = (
            ["*"] if principal == "*" else principal.get("AWS", []) if isinstance(principal, Mapping) else []
        )
        principals = principals if isinstance(principals, list) else [principals]
        if not any(
            p in ("*", source_account) or re.match(rf"^arn:[\w-]+:(iam|sts)::{source_account}:", str(p))
            for p in principals
        ):
            continue
        held = conditions_hold(statement.get("Condition") or {}, context)
        if not held:
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed
