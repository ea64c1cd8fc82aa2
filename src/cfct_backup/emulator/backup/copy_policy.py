"""Whether a destination vault's access policy admits a copy job (``backup:CopyIntoBackupVault``).

Decided by the project's one IAM evaluator (``cfct_backup.policy.evaluator``) over the vault's
access policy alone: an explicit Deny wins, else an Allow must match the copy job's role with its
organization context (https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault-access-policy.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html). A policy
the evaluator cannot decide admits nothing.
"""

from __future__ import annotations

import json

from cfct_backup.policy.evaluator import PolicyError, Request, policy_match

from ..iam.policies import org_context

ACTION = "backup:CopyIntoBackupVault"


def copy_allowed(
    policy: str | None, source_account: str, role_arn: str, destination_arn: str, partition: str
) -> bool:
    """Whether the destination vault's access policy lets ``role_arn`` of ``source_account`` copy in."""
    if not policy:
        return False
    try:
        document = json.loads(policy)
    except ValueError:
        return False
    request = Request(
        action=ACTION,
        resource=destination_arn,
        principal_arn=role_arn,
        context={**org_context(source_account, partition), "aws:SourceAccount": source_account},
    )
    try:
        if policy_match(document, request, "Deny", resource_policy=True) is not None:
            return False
        return policy_match(document, request, "Allow", resource_policy=True) is not None
    except PolicyError:
        return False
