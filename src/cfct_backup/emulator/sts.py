"""STS: ``AssumeRole`` succeeds only for a role that exists and trusts the caller.

moto 5.2.x hands out credentials for any role ARN, existing or not ("Note that the role does not
need to exist"). AWS refuses with ``AccessDenied`` (HTTP 403): "User: <caller ARN> is not authorized
to perform: sts:AssumeRole on resource: <role ARN>" when the role does not exist or its trust policy
does not allow the caller (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
"the role's trust policy ... must grant the principal permission"). Tests rely on this to model "the
role is not there yet" (an account just vended, its baseline stack instance not yet deployed).

The trust policy check is deliberately loose, and cheap: an ``Allow`` statement for
``sts:AssumeRole`` whose ``AWS`` principal is ``*``, the caller's account (ID or root ARN) or, in
``"account"`` mode (the default), any principal ARN in the caller's account; in ``"strict"`` mode
the caller's own role or user ARN. Conditions are not evaluated. Set :data:`TRUST_POLICY_MODE` to
``"off"`` to check existence only.

With IAM authorization enforced (:mod:`cfct_backup.emulator.iam`), the trust policy is evaluated in
full (conditions included) by the project's policy evaluator instead, and the check here is skipped;
a session created with ``SerialNumber`` and ``TokenCode`` is remembered as an MFA session.

moto's ``CreateAccount`` already creates ``OrganizationAccountAccessRole`` in the new account,
trusting the management account's root, as AWS does; assuming it from the management account works.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any, Literal, cast

from moto.core.exceptions import AccessDeniedError
from moto.core.responses import ActionResult
from moto.iam.models import iam_backends
from moto.sts import models as _models
from moto.sts.responses import TokenResponse
from moto.utilities.utils import get_partition

from ._moto import swap_backend_class, url_module
from .iam import enforcement
from .iam.principals import remember_session

TRUST_POLICY_MODE: Literal["account", "strict", "off"] = "account"

_ROLE_ARN = re.compile(
    r"^arn:(?P<partition>[\w-]+):iam::(?P<account>\d{12}):role/(?:.*/)?(?P<name>[\w+=,.@-]+)$"
)
_CALLER_ARN = re.compile(
    r"^arn:[\w-]+:(?:sts|iam)::(?P<account>\d{12}):(?:assumed-role/(?P<role>[^/]+)/.*|user/(?:.*/)?(?P<user>[^/]+)|root)$"
)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _principal_matches(principal: str, caller_arn: str, caller_account: str) -> bool:
    if principal in ("*", caller_account) or principal.endswith(f":iam::{caller_account}:root"):
        return True
    match = re.match(r"^arn:[\w-]+:(?:iam|sts)::(\d{12}):", principal)
    if match is None or match.group(1) != caller_account:
        return False
    if TRUST_POLICY_MODE == "account":
        return True
    caller = _CALLER_ARN.match(caller_arn)
    if caller is None:
        return False
    name = principal.rsplit("/", 1)[-1]
    if caller.group("role"):
        return ":role/" in principal and name == caller.group("role")
    return ":user/" in principal and name == caller.group("user")


def trust_allows(trust_policy: str | dict[str, Any] | None, caller_arn: str, caller_account: str) -> bool:
    """Whether a role's trust policy lets the caller assume it (loosely, see the module docstring)."""
    if TRUST_POLICY_MODE == "off":
        return True
    try:
        document = json.loads(trust_policy) if isinstance(trust_policy, str) else trust_policy
    except ValueError:
        return True  # moto accepted it; do not invent a denial from a document we cannot read
    if not isinstance(document, dict):
        return True
    for statement in _as_list(document.get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = _as_list(statement.get("Action"))
        if not any(a in ("*", "sts:*", "sts:AssumeRole") for a in actions):
            continue
        principal = statement.get("Principal")
        if principal == "*":
            return True
        if isinstance(principal, dict):
            for aws_principal in _as_list(principal.get("AWS")):
                if _principal_matches(str(aws_principal), caller_arn, caller_account):
                    return True
    return False


class EmulatedSTSBackend(_models.STSBackend):
    def _init_extension(self) -> None:
        """No extra state."""

    @property
    def _url_module(self) -> Any:
        return url_module([r"https?://sts\.(.*\.)?amazonaws\.com"], {"{0}/$": EmulatedTokenResponse.dispatch})

    def check_assume_role(self, role_arn: str, caller_arn: str, caller_account: str) -> None:
        """Raise ``AccessDenied`` as AWS does when the role is missing or does not trust the caller."""
        denied = AccessDeniedError(caller_arn, f"sts:AssumeRole on resource: {role_arn}")
        match = _ROLE_ARN.match(role_arn or "")
        if match is None:
            raise denied
        iam = iam_backends[match.group("account")][get_partition(self.region_name)]
        role = next((r for r in iam.roles.values() if r.name == match.group("name")), None)
        if role is None:
            raise denied
        if not trust_allows(role.assume_role_policy_document, caller_arn, caller_account):
            raise denied

    def assume_role(  # noqa: PLR0917 - moto's signature
        self,
        region_name: str,
        role_session_name: str,
        role_arn: str,
        policy: str,
        duration: int,
        external_id: str,
    ) -> _models.AssumedRole:
        role = super().assume_role(region_name, role_session_name, role_arn, policy, duration, external_id)
        facts = _pending.facts
        if facts:
            remember_session(role.access_key_id, facts)
        return role


class _Pending(threading.local):
    facts: dict[str, Any] | None = None


_pending = _Pending()


class EmulatedTokenResponse(TokenResponse):
    def assume_role(self) -> ActionResult:
        backend = cast(EmulatedSTSBackend, self.backend)
        if not enforcement.enabled():  # enforced: the IAM hook has already decided, fully
            _, caller_arn, caller_account = backend.get_caller_identity(self.get_access_key(), self.region)
            backend.check_assume_role(self._get_param("RoleArn"), caller_arn, caller_account)
        # a session created with an MFA device carries aws:MultiFactorAuthPresent; a role-chained
        # one does not (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent)
        with_mfa = bool(self._get_param("SerialNumber") and self._get_param("TokenCode"))
        _pending.facts = (
            {"aws:MultiFactorAuthPresent": True, "aws:MultiFactorAuthAge": 0} if with_mfa else None
        )
        try:
            return super().assume_role()
        finally:
            _pending.facts = None


def install() -> None:
    swap_backend_class(_models.sts_backends, EmulatedSTSBackend)
