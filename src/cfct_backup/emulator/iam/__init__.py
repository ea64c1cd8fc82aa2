"""IAM authorization of every emulated call, with the project's policy evaluator.

AWS decides each request from the caller's identity policies (and permissions boundary), the SCPs
and RCPs on the OU path of the accounts involved (never the management account), the resource's
policy, and for ``sts:AssumeRole`` the role's trust policy with its conditions
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html). moto
5.2.x evaluates none of these for the services the package uses. :mod:`.enforcement` does, in one
place (a botocore ``before-call`` handler), for every boto3 call made while a ``mock_aws`` is
active and enforcement is on.

- :mod:`.principals`: access key -> principal (role session, user, account root);
- :mod:`.models`: (service, operation, parameters) -> IAM action, resource ARN, context keys;
- :mod:`.policies` / :mod:`.resources`: the policies, read from moto's backends;
- :mod:`.responses`: the AccessDenied error.
"""

from __future__ import annotations

from .enforcement import (
    Denial,
    Unmapped,
    denials,
    enabled,
    enforcing,
    install,
    reset,
    service_role_environment,
    uninstall,
    unmapped,
)

__all__ = [
    "Denial",
    "Unmapped",
    "denials",
    "enabled",
    "enforcing",
    "install",
    "reset",
    "service_role_environment",
    "uninstall",
    "unmapped",
]
