"""Pure readers of IAM-style policy documents (bucket, bus, key and trust policies)."""

from __future__ import annotations

import json
import re
from typing import Any

MFA_ACTIONS = ("kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey")
KEY_USE_ACTIONS = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:GenerateDataKey",
    "kms:CreateGrant",
)


def statements(policy: Any) -> list[dict[str, Any]]:
    try:
        doc = json.loads(policy) if isinstance(policy, str | bytes) else policy
    except ValueError:
        return []
    if not isinstance(doc, dict):
        return []
    found = doc.get("Statement", [])
    found = [found] if isinstance(found, dict) else found
    return [s for s in found if isinstance(s, dict)]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def principals(statement: dict[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        return [str(p) for key in ("AWS", "Service") for p in as_list(principal.get(key))]
    return [str(p) for p in as_list(principal)]


def covers(action_pattern: str, action: str) -> bool:
    pattern = "^" + re.escape(action_pattern).replace(r"\*", ".*") + "$"
    return re.match(pattern, action, re.IGNORECASE) is not None


def condition_values(statement: dict[str, Any], key: str) -> list[str]:
    """Every value the statement's conditions compare `key` with (any operator)."""
    values: list[str] = []
    for block in (statement.get("Condition") or {}).values():
        if isinstance(block, dict):
            for k, v in block.items():
                if k.lower() == key.lower():
                    values.extend(str(x) for x in as_list(v))
    return values


def org_scoped(policy: Any, org_id: str) -> str | None:
    """None when every Allow to a wildcard principal is conditioned on `aws:PrincipalOrgID` = the
    organization, else the reason."""
    found = statements(policy)
    if not found:
        return "no policy"
    for st in found:
        # "*", or a wildcard ARN such as arn:aws:iam::*:root (how PutPermission Principal "*" is stored)
        if st.get("Effect") != "Allow" or not any("*" in p for p in principals(st)):
            continue
        if org_id not in condition_values(st, "aws:PrincipalOrgID"):
            return f"statement {st.get('Sid', '?')} allows any principal outside the organization"
    return None


def tls_only(policy: Any) -> bool:
    return any(
        st.get("Effect") == "Deny"
        and "false" in [v.lower() for v in condition_values(st, "aws:SecureTransport")]
        for st in statements(policy)
    )


def bucket_org_scoped(policy: Any, org_id: str) -> bool:
    """A Deny to everyone outside the organization (AWS services aside), and no open Allow."""
    denies = any(
        st.get("Effect") == "Deny" and org_id in condition_values(st, "aws:PrincipalOrgID")
        for st in statements(policy)
    )
    return denies and org_scoped(policy, org_id) is None


def mfa_guarded(policy: Any) -> list[str]:
    """The MFA_ACTIONS that no Deny statement guards with `aws:MultiFactorAuthPresent` = false."""
    missing = []
    for action in MFA_ACTIONS:
        guarded = any(
            st.get("Effect") == "Deny"
            and any(covers(str(a), action) for a in as_list(st.get("Action")))
            and "false" in [v.lower() for v in condition_values(st, "aws:MultiFactorAuthPresent")]
            for st in statements(policy)
        )
        if not guarded:
            missing.append(action.split(":")[1])
    return missing


def key_users(policy: Any) -> set[str]:
    """Principals an Allow statement lets use the key (encrypt, decrypt, grants)."""
    users: set[str] = set()
    for st in statements(policy):
        if st.get("Effect") != "Allow":
            continue
        if any(covers(str(a), use) for a in as_list(st.get("Action")) for use in KEY_USE_ACTIONS):
            users.update(principals(st))
    return users
