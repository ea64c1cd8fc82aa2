"""Who makes a request: the access key of a signed request, mapped to the IAM principal moto knows.

- temporary credentials from ``AssumeRole`` (moto keeps them in the STS backend of the role's
  account): the role session ``arn:aws:sts::<account>:assumed-role/<role>/<session>``, whose
  policies are the role's;
- an IAM user's access key: the user;
- any other key (the simulation's and the tests' ``testing`` credentials): the administrator of
  moto's default account, which is the emulated organization's management account, named as moto's
  ``GetCallerIdentity`` names it (``arn:aws:iam::<account>:user/moto``) and allowed everything by
  identity (CfCT's pipeline roles and the operator running the CLI are administrators there). Not
  the root user: the root user cannot call ``AssumeRole``
  (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html). SCPs never apply to
  the management account (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html,
  "SCPs don't affect users or roles in the management account").
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

# Facts AWS knows about a session that moto's STS does not record: (access key) -> context keys
# (``aws:MultiFactorAuthPresent`` when the session was created with MFA, ``sts:ExternalId``...).
_session_facts: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Principal:
    arn: str  # what AWS names in an AccessDenied message (session ARN for a role session)
    account: str
    kind: str  # "admin" (the default credentials), "user", "role"
    identity_arn: str  # the IAM entity whose policies apply (role ARN, user ARN, root ARN)
    name: str = ""
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def is_admin(self) -> bool:
        """The default credentials: allowed everything by identity."""
        return self.kind == "admin"


def remember_session(access_key: str, facts: dict[str, Any]) -> None:
    with _lock:
        _session_facts[access_key] = dict(facts)


def forget_sessions() -> None:
    with _lock:
        _session_facts.clear()


def admin(account: str, partition: str = "aws") -> Principal:
    arn = f"arn:{partition}:iam::{account}:user/moto"
    return Principal(arn, account, "admin", arn, "moto")


def resolve(access_key: str | None, partition: str = "aws") -> Principal:
    if not access_key:
        return admin(DEFAULT_ACCOUNT_ID, partition)
    for account_id, account in list(iam_backends.items()):
        backend = account[partition]
        key = backend.access_keys.get(access_key)
        if key is None:
            continue
        role_arn = getattr(key, "role_arn", None)
        if role_arn:
            sts = sts_backends[account_id][partition]
            session = sts.get_assumed_role_from_access_key(access_key)
            name = role_arn.rsplit("/", 1)[-1]
            arn = session.arn if session is not None else role_arn
            facts = _session_facts.get(access_key, {})
            return Principal(arn, account_id, "role", role_arn, name, facts)
        user = backend.get_user_from_access_key_id(access_key)
        if user is not None:
            return Principal(user.arn, account_id, "user", user.arn, user.name)
    return admin(DEFAULT_ACCOUNT_ID, partition)
