"""Organizations ``CreateAccount``: ``OrganizationAccountAccessRole`` has administrator permissions.

AWS: "AWS Organizations automatically creates an IAM role named OrganizationAccountAccessRole in the
new member account ... The role has full administrative permissions in the member account" (the
``AdministratorAccess`` managed policy;
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_create-cross-account-role.html).

moto 5.2.x creates the role with its trust policy and no permission at all: harmless while nothing
evaluates identity policies, every call through the role is refused once something does.

Fix: attach the role an inline policy equivalent to ``AdministratorAccess`` (``Allow * on *``; the
AWS managed policy itself exists in moto only with ``iam.load_aws_managed_policies``).
"""

from __future__ import annotations

import json
from typing import Any

from moto.organizations import models as _models

from .._moto import patch_attribute

ADMINISTRATOR_ACCESS = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
_moto_init = _models.FakeAccount.__init__


def _init(self: Any, organization: Any, **kwargs: Any) -> None:
    _moto_init(self, organization, **kwargs)
    from moto.iam.models import iam_backends  # noqa: PLC0415

    backend = iam_backends[self.id]["global"]
    role_name = kwargs.get("RoleName", "OrganizationAccountAccessRole")
    role = next((r for r in backend.roles.values() if r.name == role_name), None)
    if role is not None and not role.policies and not role.managed_policies:
        backend.put_role_policy(role_name, "AdministratorAccess", ADMINISTRATOR_ACCESS)


def install() -> None:
    patch_attribute(_models.FakeAccount, "__init__", _init)
