"""AWS Organizations: backup policies and effective policies, which moto 5.2.x lacks.

moto lists ``BACKUP_POLICY`` as a supported type but ``CreatePolicy`` raises ``NotImplementedError``
for it, attaches any policy whether or not its type is enabled in the root, has no
``DescribeEffectivePolicy`` and does not accept ``backup.amazonaws.com`` as a delegated
administrator service. This package extends moto's ``OrganizationsBackend`` and response with:

- ``CreatePolicy(Type="BACKUP_POLICY")`` (ARN ``.../backup_policy/p-...``), content a JSON object
  (``MalformedPolicyDocumentException``) of at most 10,000 characters (``ConstraintViolationException``,
  the management policy size quota);
- ``AttachPolicy`` of a management policy (backup, tag, AI opt-out) refused with
  ``PolicyTypeNotEnabledException`` unless its type is enabled in the root
  (https://docs.aws.amazon.com/organizations/latest/APIReference/API_AttachPolicy.html). SCPs are
  not checked: moto itself attaches ``FullAWSAccess`` without enabling the type;
- ``DisablePolicyType`` detaches every policy of that type, as AWS documents
  (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DisablePolicyType.html);
- ``DescribeEffectivePolicy`` for an account: the policies attached from the root down the
  account's OU path to the account, merged by the project's policy engine
  (``cfct_backup.backup_policy.effective_policy``); ``EffectivePolicyNotFoundException`` when
  nothing applies, ``TargetNotFoundException`` for an unknown account, ``InvalidInputException``
  for a root or OU target or a non-management policy type, ``AccessDeniedException`` when a member
  account asks about another account
  (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeEffectivePolicy.html);
- ``ListAccountsWithInvalidEffectivePolicy`` and ``ListEffectivePolicyValidationErrors``
  (``effective.py``), validated with the policy engine's rules;
- ``backup.amazonaws.com`` (and the other services the package uses) accepted by
  ``RegisterDelegatedAdministrator``;
- accounts described with ``State`` only: ``Account.Status`` was retired on 2026-09-09, so code that
  still reads it finds nothing here (cfct_backup_automation.accounts reads ``State``).
"""

from __future__ import annotations

from typing import Any

from moto.organizations import models as _models

from .._moto import swap_backend_class
from .models import EXTRA_DELEGATED_SERVICES, EmulatedOrganizationsBackend

__all__ = ["install"]

_moto_describe_account = _models.FakeAccount.describe


def _describe_account(self: Any) -> dict[str, Any]:
    """An account as AWS returns it after 2026-09-09: ``State``, without the retired ``Status``
    (botocore organizations model, Account.Status: "will be retired on September 9, 2026")."""
    described = dict(_moto_describe_account(self))
    described.pop("Status", None)
    return described


def install() -> None:
    """Swap the extended backend in; accept the package's services as delegated administrators."""
    if _models.FakeAccount.describe is not _describe_account:
        _models.FakeAccount.describe = _describe_account  # type: ignore[method-assign]
    supported = _models.FakeDelegatedAdministrator.SUPPORTED_SERVICES
    supported.extend(s for s in EXTRA_DELEGATED_SERVICES if s not in supported)
    swap_backend_class(_models.organizations_backends, EmulatedOrganizationsBackend)
