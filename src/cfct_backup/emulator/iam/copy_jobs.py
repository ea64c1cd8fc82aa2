"""A copy job needs both vaults' access policies and the copy role's SCPs to let it through.

AWS Backup performs a copy with the job's IAM role (``IamRoleArn``): it calls
``backup:CopyFromBackupVault`` on the source vault, with the condition key ``backup:CopyTargets``
(the destination vault ARNs), and ``backup:CopyIntoBackupVault`` on the destination vault; a vault
access policy can deny either, and for a copy into another account the destination policy must
allow it (https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault-access-policy.html,
https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html,
https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackup.html). The SCPs of
the source account apply to the role (it is not a service-linked role).

The role's own identity policies are taken as allowing both actions (its AWS managed
``AWSBackupServiceRolePolicyForBackup`` is not loaded in moto): see the leniency list.
"""

from __future__ import annotations

from typing import Any

from cfct_backup.policy.evaluator import Request, evaluate

from . import policies

_ALLOW_ALL = [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]


def copy_refusal(source_vault: Any, destination_vault: Any, role_arn: str, source_account: str) -> str | None:
    """None when both vaults' policies and the SCPs let the copy role copy, else why not."""
    destination_arn = str(destination_vault.backup_vault_arn)
    destination_account = str(destination_vault.account_id)
    context: dict[str, Any] = {
        "aws:PrincipalArn": role_arn,
        "aws:PrincipalAccount": source_account,
        **policies.org_context(source_account),
        "backup:CopyTargets": [destination_arn],
    }
    scps = policies.org_levels(source_account, "SERVICE_CONTROL_POLICY")
    management = policies.is_management(source_account)
    checks = (
        ("backup:CopyFromBackupVault", source_vault, source_account),
        ("backup:CopyIntoBackupVault", destination_vault, destination_account),
    )
    for action, vault, account in checks:
        decision = evaluate(
            Request(action, str(vault.backup_vault_arn), role_arn, context),
            identity=_ALLOW_ALL,
            scps=scps,
            resource_policy=policies.parse(getattr(vault, "access_policy", None)),
            principal_account=source_account,
            resource_account=account,
            management_account=management,
        )
        if not decision.allowed:
            return (
                f"Access denied: {role_arn} may not {action} on {vault.backup_vault_arn}: {decision.reason}"
            )
    return None
