"""AWS Organizations' own validation of effective policies, which moto 5.2.x lacks.

- ``ListAccountsWithInvalidEffectivePolicy``: "Lists all the accounts in an organization that have
  invalid effective policies. An invalid effective policy is an effective policy that fails
  validation checks, resulting in the effective policy not being fully enforced on all the
  intended accounts within an organization."
  https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsWithInvalidEffectivePolicy.html
- ``ListEffectivePolicyValidationErrors``: "Lists all the validation errors on an effective policy
  for a specified account and policy type"; each error has ``ErrorCode`` (AWS's example:
  ``ELEMENTS_TOO_MANY``), ``ErrorMessage``, ``PathToError`` and ``ContributingPolicies``; the
  response carries ``AccountId``, ``PolicyType``, ``Path`` and ``EvaluationTimestamp``.
  https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListEffectivePolicyValidationErrors.html

Shapes, errors and pagination are botocore's (``organizations`` 2016-11-28 model: both take
``PolicyType``, ``NextToken``, ``MaxResults``; both are callable only from the management account
or a delegated administrator, ``AccessDeniedException`` otherwise; ``AccountNotFoundException`` for
an unknown account; ``EffectivePolicyNotFoundException`` when the account has none).

The validation rules are the policy engine's (``cfct_backup.backup_policy.check_effective``): the
same required elements, quotas (``quotas.py``) and cron rules (``cron.py``) that ``validate`` and
``plan`` apply. What the emulator cannot reproduce (listed as a leniency): the exact ``ErrorCode``
strings AWS returns (the engine's BKP codes are returned instead; only ``ELEMENTS_TOO_MANY`` is
documented), and validation of policy types other than ``BACKUP_POLICY`` (none reported).

Written as a mixin of the emulated Organizations backend and response (``models.py``), the
shape a moto pull request would take.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from moto.organizations.exceptions import AccountNotFoundException, InvalidInputException

from cfct_backup.backup_policy import check_effective, merge_policies

from .. import clock
from .exceptions import EffectivePolicyAccessDenied

# The count quotas AWS reports with its one documented code; everything else keeps the BKP code.
AWS_ERROR_CODES = {
    "BKP014": "ELEMENTS_TOO_MANY",
    "BKP015": "ELEMENTS_TOO_MANY",
    "BKP016": "ELEMENTS_TOO_MANY",
}
VALIDATED_TYPES = frozenset({"BACKUP_POLICY"})
DEFAULT_MAX_RESULTS = 20


def _page(items: Sequence[Any], token: str | None, max_results: int | None) -> tuple[list[Any], str | None]:
    # API_ListAccountsWithInvalidEffectivePolicy: MaxResults "Valid Range: Minimum value of 1.
    # Maximum value of 20."
    if max_results is not None and not 1 <= int(max_results) <= DEFAULT_MAX_RESULTS:
        raise InvalidInputException("MaxResults must be between 1 and 20.")
    if token and not token.isdigit():
        raise InvalidInputException("The NextToken is not valid.")
    start = int(token) if token else 0
    size = max_results if max_results and max_results > 0 else DEFAULT_MAX_RESULTS
    end = start + size
    return list(items[start:end]), (str(end) if end < len(items) else None)


def _split(message: str) -> tuple[str, str]:
    path, sep, rest = message.partition(": ")
    return (path, rest) if sep else ("", message)


class EffectivePolicyValidationBackend:
    """Backend methods; mixed into the emulated ``OrganizationsBackend``."""

    def _validation_caller_allowed(self, caller_account_id: str) -> Any:
        org = self._management_backend()  # type: ignore[attr-defined]
        delegated = {admin.account.id for admin in org.admins}
        if caller_account_id != org.account_id and caller_account_id not in delegated:
            raise EffectivePolicyAccessDenied
        return org

    def effective_policy_errors(
        self, account_id: str, policy_type: str
    ) -> tuple[list[dict[str, Any]], float]:
        """The validation errors of the account's effective policy and when it was evaluated."""
        if policy_type not in VALIDATED_TYPES:
            return [], clock.now()
        path = self.policy_path(account_id, policy_type)  # type: ignore[attr-defined]
        levels = [(node_id, policies) for node_id, policies in path if policies]
        if not levels or not self._type_enabled(policy_type):  # type: ignore[attr-defined]
            return [], clock.now()
        documents: list[Sequence[Mapping[str, Any]]] = []
        sources: list[str] = []
        contributing: list[str] = []
        for node_id, policies in levels:
            documents.append([json.loads(p.content) for p in policies])
            sources.append(node_id)
            contributing.extend(p.id for p in policies)
        effective, _ = merge_policies(documents, sources=sources)
        errors = []
        for problem in check_effective(effective, f"effective policy of {account_id}"):
            if problem.severity != "error":
                continue
            where, message = _split(problem.message)
            errors.append(
                {
                    "ErrorCode": AWS_ERROR_CODES.get(problem.code, problem.code),
                    "ErrorMessage": message,
                    "PathToError": where,
                    "ContributingPolicies": contributing,
                }
            )
        evaluated = max(getattr(p, "last_updated", 0.0) for _, policies in levels for p in policies)
        return errors, evaluated

    def list_accounts_with_invalid_effective_policy(
        self, policy_type: str, caller_account_id: str, next_token: str | None, max_results: int | None
    ) -> dict[str, Any]:
        org = self._validation_caller_allowed(caller_account_id)
        if policy_type not in _EFFECTIVE_TYPES:
            raise InvalidInputException("You specified an invalid value.")
        invalid = [a for a in org.accounts if org.effective_policy_errors(a.id, policy_type)[0]]
        page, token = _page(sorted(invalid, key=lambda a: a.id), next_token, max_results)
        result: dict[str, Any] = {"Accounts": [a.describe() for a in page], "PolicyType": policy_type}
        if token:
            result["NextToken"] = token
        return result

    def list_effective_policy_validation_errors(
        self,
        account_id: str,
        policy_type: str,
        caller_account_id: str,
        next_token: str | None,
        max_results: int | None,
    ) -> dict[str, Any]:
        org = self._validation_caller_allowed(caller_account_id)
        if policy_type not in _EFFECTIVE_TYPES:
            raise InvalidInputException("You specified an invalid value.")
        account = next((a for a in org.accounts if a.id == account_id), None)
        if account is None:
            raise AccountNotFoundException
        errors, evaluated = org.effective_policy_errors(account_id, policy_type)
        page, token = _page(errors, next_token, max_results)
        nodes = [node_id for node_id, _ in org.policy_path(account_id, policy_type)]
        result: dict[str, Any] = {
            "AccountId": account_id,
            "PolicyType": policy_type,
            "Path": "/".join([org.org.id, *nodes[:-1]]) + "/",
            "EvaluationTimestamp": evaluated,
            "EffectivePolicyValidationErrors": page,
        }
        if token:
            result["NextToken"] = token
        return result


# botocore's EffectivePolicyType enum (organizations 2016-11-28)
_EFFECTIVE_TYPES = frozenset(
    {
        "TAG_POLICY",
        "BACKUP_POLICY",
        "AISERVICES_OPT_OUT_POLICY",
        "CHATBOT_POLICY",
        "DECLARATIVE_POLICY_EC2",
        "SECURITYHUB_POLICY",
        "SECURITYHUB_CSPM_POLICY",
        "INSPECTOR_POLICY",
        "UPGRADE_ROLLOUT_POLICY",
        "BEDROCK_POLICY",
        "S3_POLICY",
        "NETWORK_SECURITY_DIRECTOR_POLICY",
        "GUARDDUTY_POLICY",
    }
)


class EffectivePolicyValidationResponse:
    """Response methods; mixed into the emulated ``OrganizationsResponse``."""

    def list_accounts_with_invalid_effective_policy(self) -> str:
        result = self.organizations_backend.list_accounts_with_invalid_effective_policy(  # type: ignore[attr-defined]
            policy_type=self._get_param("PolicyType"),  # type: ignore[attr-defined]
            caller_account_id=self.current_account,  # type: ignore[attr-defined]
            next_token=self._get_param("NextToken"),  # type: ignore[attr-defined]
            max_results=self._get_param("MaxResults"),  # type: ignore[attr-defined]
        )
        return json.dumps(result)

    def list_effective_policy_validation_errors(self) -> str:
        result = self.organizations_backend.list_effective_policy_validation_errors(  # type: ignore[attr-defined]
            account_id=self._get_param("AccountId"),  # type: ignore[attr-defined]
            policy_type=self._get_param("PolicyType"),  # type: ignore[attr-defined]
            caller_account_id=self.current_account,  # type: ignore[attr-defined]
            next_token=self._get_param("NextToken"),  # type: ignore[attr-defined]
            max_results=self._get_param("MaxResults"),  # type: ignore[attr-defined]
        )
        return json.dumps(result)
