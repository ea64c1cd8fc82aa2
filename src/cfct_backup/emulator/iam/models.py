"""A request as IAM sees it: the action, the resource ARN and the context keys of each operation.

``OPERATIONS`` maps ``(service, operation)`` to the resource the call acts on
(https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html,
one page per service: "Actions defined by ..."). An operation not in the table is evaluated on
resource ``*`` and recorded as a leniency (see ``enforcement.unmapped``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .principals import Principal


@dataclass(frozen=True)
class Call:
    service: str  # botocore service name ("backup", "s3", "stepfunctions")
    operation: str  # botocore operation name ("StartCopyJob")
    params: Mapping[str, Any]
    region: str
    principal: Principal

    @property
    def account(self) -> str:
        return self.principal.account

    def arn(self, service: str, resource: str, *, region: str | None = None, account: str | None = None) -> str:
        region = self.region if region is None else region
        account = self.account if account is None else account
        return f"arn:aws:{service}:{region}:{account}:{resource}"

    def param(self, name: str) -> str:
        value = self.params.get(name)
        return "" if value is None else str(value)


@dataclass(frozen=True)
class Target:
    action: str
    resource: str
    region: str
    account: str | None  # the resource's account (None: the caller's)
    context: Mapping[str, Any] = field(default_factory=dict)
    mapped: bool = True
    resource_policy_required: bool = False


Resolver = Callable[[Call], "str | Target | list[Target] | None"]

# botocore service name -> IAM service prefix, where they differ
PREFIX = {"stepfunctions": "states", "sso-admin": "sso", "resourcegroupstaggingapi": "tag", "elbv2": "elasticloadbalancing"}

# operations needing no authorization (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html:
# "No permissions are required to perform this operation")
UNAUTHORIZED = {("sts", "GetCallerIdentity")}

OPERATIONS: dict[tuple[str, str], Resolver] = {}


def action_of(call: Call) -> str:
    prefix = PREFIX.get(call.service, call.service)
    return f"{prefix}:{ACTION_NAMES.get((call.service, call.operation), call.operation)}"


# operations whose IAM action is not named after them
ACTION_NAMES: dict[tuple[str, str], str] = {}


def targets(call: Call) -> list[Target]:
    if (call.service, call.operation) in UNAUTHORIZED:
        return []
    resolver = OPERATIONS.get((call.service, call.operation))
    action = action_of(call)
    if resolver is None:
        return [Target(action, "*", call.region, None, mapped=False)]
    resolved = resolver(call)
    if resolved is None:
        return [Target(action, "*", call.region, None)]
    if isinstance(resolved, str):
        return [Target(action, resolved, call.region, _account_of(resolved, call))]
    if isinstance(resolved, Target):
        return [resolved]
    return list(resolved)


def _account_of(arn: str, call: Call) -> str | None:
    parts = arn.split(":")
    if len(parts) < 6:
        return None
    if parts[2] == "s3":
        from .resources import bucket_account  # noqa: PLC0415

        return bucket_account(parts[5].split("/", 1)[0]) or call.account
    return parts[4] or call.account
