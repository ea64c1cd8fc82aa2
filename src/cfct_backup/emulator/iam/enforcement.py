"""The one place every emulated call is authorized: a botocore ``before-call`` handler.

moto answers a boto3 call in botocore's ``before-send`` event (``moto.core.botocore_stubber``).
This module registers, the same way (``botocore.handlers.BUILTIN_HANDLERS``, so every session
created afterwards has it), a ``before-parameter-build`` handler that keeps the call's parameters
and a ``before-call`` handler that, while a ``mock_aws`` is active and enforcement is on:

1. maps the access key that signs the request to its principal (:mod:`.principals`);
2. maps the operation to its IAM action, resource ARN and context keys (:mod:`.models`);
3. gathers the identity policies, the SCPs and RCPs of the OU path and the resource policy
   (:mod:`.policies`, :mod:`.resources`);
4. asks the project's one policy evaluator (``cfct_backup.policy.evaluator.evaluate``) and, when
   it refuses, answers the call with AWS's AccessDenied (:mod:`.responses`) without reaching moto.

Every decision that refused something is kept (:func:`denials`); every operation the table does
not map, called by a principal other than the default administrator, is kept as a leniency
(:func:`unmapped`): its action was evaluated against resource ``*`` only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from botocore.handlers import BUILTIN_HANDLERS

from cfct_backup.policy.evaluator import Decision, PolicyError, Request
from cfct_backup.policy.evaluator import evaluate as _evaluate

from . import models, policies, resources
from .principals import Principal, resolve
from .responses import access_denied, message

_PARAMS_KEY = "cfct_backup_api_params"


@dataclass(frozen=True)
class Denial:
    principal: str  # the caller's role/user/root ARN (the IAM entity, not the session)
    action: str
    resource: str
    reason: str

    def __str__(self) -> str:
        return f"{self.principal} may not {self.action} on {self.resource}: {self.reason}"


@dataclass(frozen=True)
class Unmapped:
    service: str
    operation: str
    principal: str

    def __str__(self) -> str:
        return f"{self.service}.{self.operation} by {self.principal}: resource not mapped, evaluated on '*'"


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.enabled = False
        self.denials: list[Denial] = []
        self.unmapped: dict[tuple[str, str, str], Unmapped] = {}
        self.registered = False


_state = _State()


def denials() -> list[Denial]:
    with _state.lock:
        return list(_state.denials)


def unmapped() -> list[Unmapped]:
    with _state.lock:
        return sorted(_state.unmapped.values(), key=lambda u: (u.service, u.operation, u.principal))


def reset() -> None:
    with _state.lock:
        _state.denials.clear()
        _state.unmapped.clear()


def enabled() -> bool:
    return _state.enabled


def set_enabled(on: bool) -> None:
    _state.enabled = on


@contextmanager
def enforcing(on: bool = True) -> Iterator[None]:
    """Authorization on (or off) for the ``with`` block; the previous state afterwards."""
    before = _state.enabled
    _state.enabled = on
    try:
        yield
    finally:
        _state.enabled = before


def _remember_params(params: Mapping[str, Any], context: dict[str, Any], **_: Any) -> None:
    context[_PARAMS_KEY] = dict(params)


def _mocked() -> bool:
    from moto.core.models import botocore_stubber  # noqa: PLC0415

    return bool(botocore_stubber.enabled)


def _access_key(request_signer: Any) -> str | None:
    credentials = getattr(request_signer, "_credentials", None)
    if credentials is None:
        return None
    frozen = (
        credentials.get_frozen_credentials()
        if hasattr(credentials, "get_frozen_credentials")
        else credentials
    )
    return getattr(frozen, "access_key", None)


def _before_call(
    model: Any, request_signer: Any = None, context: dict[str, Any] | None = None, **_: Any
) -> Any:
    if not _state.enabled or not _mocked():
        return None
    context = context if context is not None else {}
    service = model.service_model.service_name
    region = context.get("client_region") or "us-east-1"
    principal = resolve(_access_key(request_signer))
    call = models.Call(service, model.name, context.get(_PARAMS_KEY, {}), region, principal)
    refusal = authorize(call)
    if refusal is None:
        return None
    return access_denied(model.service_model.protocol, service, refusal)


def authorize(call: models.Call) -> str | None:
    """None when the call is allowed, else AWS's AccessDenied message (the denial is recorded)."""
    for target in models.targets(call):
        if target is None:
            continue
        if not target.mapped and not call.principal.is_admin:
            with _state.lock:
                key = (call.service, call.operation, call.principal.identity_arn)
                _state.unmapped.setdefault(key, Unmapped(*key))
        decision = decide(call.principal, target)
        if not decision.allowed and not target.mapped and not call.principal.is_admin:
            continue  # recorded above as a leniency: the resource is unknown, "*" proves nothing
        if not decision.allowed:
            with _state.lock:
                _state.denials.append(
                    Denial(call.principal.identity_arn, target.action, target.resource, decision.reason)
                )
            return message(call.principal.arn, target.action, target.resource, decision.reason)
    return None


def principal_context(principal: Principal, region: str) -> dict[str, Any]:
    """The global condition keys AWS sets for a request signed by ``principal``."""
    context: dict[str, Any] = {
        "aws:PrincipalArn": principal.identity_arn,
        "aws:PrincipalAccount": principal.account,
        "aws:PrincipalType": {"admin": "User", "user": "User", "role": "AssumedRole"}[principal.kind],
        "aws:SecureTransport": True,
        "aws:RequestedRegion": region,
        "aws:ViaAWSService": False,
        "aws:PrincipalIsAWSService": False,
        **policies.org_context(principal.account),
        **principal.facts,
    }
    return context


def evaluate(request: Request, **kwargs: Any) -> Decision:
    """The evaluator's decision; a policy it cannot read denies (AWS refuses such a policy when it
    is put, so nothing it says can allow anything)."""
    try:
        return _evaluate(request, **kwargs)
    except PolicyError as exc:
        return Decision(False, f"a policy in force is malformed: {exc}")


_ROOT_IDENTITY = [
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
]


def decide(principal: Principal, target: models.Target) -> Decision:
    """The evaluator's decision on one (action, resource) for ``principal``."""
    context = {
        **principal_context(principal, target.region),
        **policies.resource_org_context(target.account or principal.account),
        **target.context,
    }
    if target.service_principal is not None:
        return _service_decision(principal, target)
    request = Request(target.action, target.resource, principal.arn, context)
    if principal.is_admin:
        identity: list[Any] = list(_ROOT_IDENTITY)  # its own permissions; another account still decides
        boundary = None
    else:
        identity, boundary = policies.identity(principal)
    resource_account = target.account or principal.account
    policy_arn = target.policy_arn or target.resource
    resource_policy = resources.policy_of(policy_arn) if policy_arn != "*" else None
    scps = policies.org_levels(principal.account, "SERVICE_CONTROL_POLICY")
    rcps = policies.org_levels(resource_account, "RESOURCE_CONTROL_POLICY")
    kwargs: dict[str, Any] = {
        "identity": identity,
        "boundary": boundary,
        "scps": scps,
        "rcps": rcps,
        "principal_account": principal.account,
        "resource_account": resource_account,
        "management_account": policies.is_management(principal.account),
    }
    if target.resource_policy_required and resource_policy is None:
        # a KMS key or a role that does not exist: nothing can allow the call
        return Decision(False, f"{target.resource} does not exist (no key policy or trust policy)")
    # KMS key policies and role trust policies must allow (or name the account, which then
    # delegates to the identity policies): the evaluator applies that rule for kms:* on a key and
    # sts:AssumeRole on a role
    # (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html,
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html)
    kwargs["resource_in_management_account"] = policies.is_management(resource_account)
    return evaluate(request, resource_policy=resource_policy, **kwargs)


def _service_decision(principal: Principal, target: models.Target) -> Decision:
    """Whether the AWS service the caller hands a role to may assume it (the role's trust policy)."""
    service = str(target.service_principal)
    trust = resources.policy_of(target.resource)
    if trust is None:
        return Decision(False, f"role {target.resource} does not exist")
    context = {"aws:SourceAccount": principal.account, "aws:PrincipalIsAWSService": True}
    decision = evaluate(
        Request(target.action, target.resource, service, context),
        resource_policy=trust,
        principal_account=target.account,
        resource_account=target.account,
    )
    if decision.allowed:
        return decision
    return Decision(False, f"the trust policy of {target.resource} does not let {service} assume it")


_HANDLERS = (("before-parameter-build", _remember_params), ("before-call", _before_call))


def _default_session_events() -> Any:
    """The event system of boto3's default session, if one exists already: BUILTIN_HANDLERS reach
    only sessions created later, and a `boto3.client(...)` made before install() would otherwise keep
    a session whose calls are never authorized (enforcement silently off)."""
    import boto3  # noqa: PLC0415 - only the default session is of interest

    session = boto3.DEFAULT_SESSION
    return None if session is None else session.events


def install() -> None:
    """Register the handlers (once per process) for new sessions and boto3's existing default
    session; enforcement stays off until :func:`enforcing`."""
    with _state.lock:
        if _state.registered:
            return
        BUILTIN_HANDLERS.extend(_HANDLERS)
        events = _default_session_events()
        if events is not None:
            for event, handler in _HANDLERS:
                events.register(event, handler, unique_id=f"{__name__}.{event}")
        _state.registered = True


def uninstall() -> None:
    """Remove the handlers from sessions created from now on and from boto3's default session
    (other existing sessions keep them, but they do nothing while enforcement is off)."""
    with _state.lock:
        for entry in _HANDLERS:
            if entry in BUILTIN_HANDLERS:
                BUILTIN_HANDLERS.remove(entry)
        events = _default_session_events()
        if events is not None:
            for event, handler in _HANDLERS:
                events.unregister(event, handler, unique_id=f"{__name__}.{event}")
        _state.registered = False


def service_role_environment(role_arn: str, service: str, session_name: str, region: str) -> dict[str, str]:
    """Credentials of ``role_arn`` as ``service`` gets them (a Lambda function's execution role), as
    the ``AWS_*`` environment variables the Lambda runtime sets. A trust policy that does not let
    the service assume the role is a recorded denial (the function could not run in AWS)."""
    from moto.sts.models import sts_backends  # noqa: PLC0415

    parts = role_arn.split(":")
    account = parts[4] if len(parts) > 5 else ""
    target = models.Target("sts:AssumeRole", role_arn, region, account, service_principal=service)
    decision = _service_decision(resolve(None), target)
    if not decision.allowed:
        with _state.lock:
            _state.denials.append(Denial(service, "sts:AssumeRole", role_arn, decision.reason))
    session = sts_backends[account][parts[1] if len(parts) > 1 else "aws"].assume_role(
        region_name=region,
        role_session_name=session_name,
        role_arn=role_arn,
        policy="",
        duration=3600,
        external_id="",
    )
    return {
        "AWS_ACCESS_KEY_ID": session.access_key_id,
        "AWS_SECRET_ACCESS_KEY": session.secret_access_key,
        "AWS_SESSION_TOKEN": session.session_token,
    }
