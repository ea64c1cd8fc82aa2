"""The KMS grant that lets the bunker account use a member's vault key for cross-account copies.

One grant per governed Region on the key behind `alias/cfct-backup-vault`, named
`cfct-backup-bunker-copy`, grantee the bunker account root, operations exactly GRANT_OPERATIONS.
KMS makes `CreateGrant` with a `Name` idempotent: retried with the same name and identical
parameters it returns the original GrantId instead of a new grant
(https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html, `Name`). Enrolment
therefore just creates it (`create_grant`, no ListGrants). Reconcile and offboarding list the grants
by name (`ensure_grant`, `revoke_all`): a grant with the right name but other grantee/operations is
drift, revoked (and, by reconcile, recreated).
"""

from __future__ import annotations

from typing import Any

from cfct_backup_automation.config import GRANT_OPERATIONS
from cfct_backup_automation.contract import GRANT_NAME


def find_grants(kms: Any, key_arn: str, name: str = GRANT_NAME) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in kms.get_paginator("list_grants").paginate(KeyId=key_arn):
        found.extend(g for g in page.get("Grants", []) if g.get("Name") == name)
    return found


def grant_matches(grant: dict[str, Any], grantee: str) -> bool:
    return grant.get("GranteePrincipal") == grantee and sorted(grant.get("Operations", [])) == sorted(
        GRANT_OPERATIONS
    )


def create_grant(kms: Any, key_arn: str, grantee: str) -> str:
    """Create the bunker copy grant, or get the existing identical one back; return its ID."""
    resp = kms.create_grant(
        KeyId=key_arn,
        GranteePrincipal=grantee,
        Operations=list(GRANT_OPERATIONS),
        Name=GRANT_NAME,
    )
    return str(resp["GrantId"])


def ensure_grant(kms: Any, key_arn: str, grantee: str) -> tuple[str, bool]:
    """Make sure exactly one correct grant exists; return (grant ID, whether anything changed)."""
    existing = find_grants(kms, key_arn)
    good = [g for g in existing if grant_matches(g, grantee)]
    changed = False
    for g in existing:
        if g is not (good[0] if good else None):
            kms.revoke_grant(KeyId=key_arn, GrantId=g["GrantId"])
            changed = True
    if good:
        return str(good[0]["GrantId"]), changed
    return create_grant(kms, key_arn, grantee), True


def revoke_all(kms: Any, key_arn: str) -> list[str]:
    """Revoke every grant this automation created on the key; return their IDs."""
    revoked = []
    for g in find_grants(kms, key_arn):
        kms.revoke_grant(KeyId=key_arn, GrantId=g["GrantId"])
        revoked.append(str(g["GrantId"]))
    return revoked
