"""What the recovery drill needs from the security branch (merged later), modelled in the emulated
organization until then; a no-op once the deployed templates provide it.

- the bunker role `cfct-backup-restore` (AWS Backup service role for restores and copies, trust
  backup.amazonaws.com; templates/bunker.yaml of the security branch);
- the member vault access policy statement admitting copy-back from that role (templates/
  member-baseline.yaml of the security branch).
"""

from __future__ import annotations

import json
from typing import Any

from cfct_backup.simulation.recovery import MEMBER_VAULT, RESTORE_ROLE

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def model_security_branch(clients: Any, org: Any, ids: Any) -> None:
    region = org.home_region
    bunker = ids.accounts[org.roles["bunker"]]
    iam = clients.client("iam", bunker, region)
    try:
        iam.get_role(RoleName=RESTORE_ROLE)
    except iam.exceptions.NoSuchEntityException:
        iam.create_role(RoleName=RESTORE_ROLE, AssumeRolePolicyDocument=json.dumps(TRUST))
    role_arn = f"arn:aws:iam::{bunker}:role/{RESTORE_ROLE}"
    member = next(a for a in org.accounts if org.in_scope(a) and not org.role_of(a))
    backup = clients.client("backup", ids.accounts[member.name], region)
    policy = json.loads(backup.get_backup_vault_access_policy(BackupVaultName=MEMBER_VAULT)["Policy"])
    if any(s.get("Sid") == "CopyBackFromTheBunker" for s in policy["Statement"]):
        return
    policy["Statement"].append(
        {
            "Sid": "CopyBackFromTheBunker",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{bunker}:root"},
            "Action": "backup:CopyIntoBackupVault",
            "Resource": "*",
            "Condition": {"ArnEquals": {"aws:PrincipalArn": role_arn}},
        }
    )
    backup.put_backup_vault_access_policy(BackupVaultName=MEMBER_VAULT, Policy=json.dumps(policy))
