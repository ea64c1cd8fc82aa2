"""Bunker wiring owned by the automation (only in `BUNKER_ALLOWLIST_MODE=accounts`).

By default the bunker vault's access policy allows CopyIntoBackupVault by `aws:PrincipalOrgPaths`
(the protected OUs), which the bunker template owns: nothing to do per account. When an organization
prefers an explicit account allow-list, this module keeps ONE statement of the bunker vault policy,
Sid `CfctBackupCopyIntoFromEnrolledAccounts`, listing the enrolled accounts; every other statement
is the template's and is left as found.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from cfct_backup_automation import contract
from cfct_backup_automation.contract import BUNKER_VAULT as BUNKER_VAULT_NAME
from cfct_backup_automation.sessions import error_code

SID = contract.BUNKER_COPY_SID


def _policy(backup: Any) -> dict[str, Any]:
    try:
        raw = backup.get_backup_vault_access_policy(BackupVaultName=BUNKER_VAULT_NAME).get("Policy")
    except ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
        raw = None
    doc: dict[str, Any] = json.loads(raw) if raw else {"Version": "2012-10-17", "Statement": []}
    if isinstance(doc.get("Statement"), dict):
        doc["Statement"] = [doc["Statement"]]
    return doc


def _accounts(doc: dict[str, Any]) -> set[str]:
    for st in doc.get("Statement", []):
        if st.get("Sid") == SID:
            accounts = st.get("Condition", {}).get("StringEquals", {}).get("aws:PrincipalAccount", [])
            return {accounts} if isinstance(accounts, str) else set(accounts)
    return set()


def allowed_accounts(backup: Any) -> set[str]:
    """Accounts in the automation's allow-list statement of the bunker vault policy."""
    return _accounts(_policy(backup))


def set_account(backup: Any, account_id: str, present: bool) -> bool:
    """Add or remove `account_id` in the allow-list statement; return whether the policy changed."""
    doc = _policy(backup)
    others = [st for st in doc["Statement"] if st.get("Sid") != SID]
    current = _accounts(doc)
    wanted = (current | {account_id}) if present else (current - {account_id})
    if wanted == current:
        return False
    if wanted:
        others.append(
            {
                "Sid": SID,
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "backup:CopyIntoBackupVault",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": sorted(wanted)}},
            }
        )
    doc["Statement"] = others
    backup.put_backup_vault_access_policy(BackupVaultName=BUNKER_VAULT_NAME, Policy=json.dumps(doc))
    return True
