"""Organizations' own verdict on effective backup policies, reported as gaps.

Organizations validates every account's effective policy and lists the accounts whose policy is
not fully enforced (API_ListAccountsWithInvalidEffectivePolicy) and, per account, why
(API_ListEffectivePolicyValidationErrors: ErrorCode, ErrorMessage, PathToError,
ContributingPolicies):
https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsWithInvalidEffectivePolicy.html
https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListEffectivePolicyValidationErrors.html

A sweep asks once for the invalid accounts and then once per invalid account for its errors; each
account listed gets one `backup-policy-invalid` gap (owner `backup-policy`: fix the policies named
in the message). Both calls work only from the management account or a delegated administrator:
when they are refused (or the endpoint is not there) the sweep logs it and reports nothing rather
than failing every account.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from cfct_backup_automation.log import logger
from cfct_backup_automation.protection import Gap
from cfct_backup_automation.sessions import error_code

INVALID_POLICY = "backup-policy-invalid"
POLICY_TYPE = "BACKUP_POLICY"
NOT_AVAILABLE = {
    "AccessDeniedException",
    "UnsupportedAPIEndpointException",
    "AWSOrganizationsNotInUseException",
}
MAX_ERRORS_SHOWN = 5


def invalid_accounts(orgs: Any) -> set[str] | None:
    """IDs of the accounts whose effective backup policy is invalid; None when Organizations refuses."""
    try:
        pages = orgs.get_paginator("list_accounts_with_invalid_effective_policy").paginate(
            PolicyType=POLICY_TYPE
        )
        return {str(a["Id"]) for page in pages for a in page.get("Accounts", [])}
    except ClientError as exc:
        if error_code(exc) not in NOT_AVAILABLE:
            raise
        logger.warning("effective policy validation not available", extra={"error": error_code(exc)})
        return None


def validation_errors(orgs: Any, account_id: str) -> list[dict[str, Any]]:
    """The validation errors Organizations reports for the account's effective backup policy."""
    pages = orgs.get_paginator("list_effective_policy_validation_errors").paginate(
        AccountId=account_id, PolicyType=POLICY_TYPE
    )
    return [e for page in pages for e in page.get("EffectivePolicyValidationErrors", [])]


def invalid_policy_gap(account_id: str, errors: list[dict[str, Any]]) -> Gap:
    shown = "; ".join(
        f"{e.get('PathToError') or '(policy)'}: {e.get('ErrorCode', '?')} {e.get('ErrorMessage', '')}".strip()
        + (
            f" (policies {', '.join(e.get('ContributingPolicies') or [])})"
            if e.get("ContributingPolicies")
            else ""
        )
        for e in errors[:MAX_ERRORS_SHOWN]
    )
    more = f" and {len(errors) - MAX_ERRORS_SHOWN} more" if len(errors) > MAX_ERRORS_SHOWN else ""
    return Gap(
        INVALID_POLICY,
        f"Organizations reports the effective backup policy of {account_id} as invalid (not fully"
        f" enforced): {shown or 'no details returned'}{more}",
        None,
        "backup-policy",
    )


class PolicyValidation:
    """One sweep's view: the invalid accounts listed once, each account's errors read on demand."""

    def __init__(self, orgs: Any) -> None:
        self.orgs = orgs
        self.invalid = invalid_accounts(orgs)

    def gaps(self, account_id: str) -> list[Gap]:
        if not self.invalid or account_id not in self.invalid:
            return []
        try:
            errors = validation_errors(self.orgs, account_id)
        except ClientError as exc:
            if error_code(exc) not in NOT_AVAILABLE | {
                "AccountNotFoundException",
                "EffectivePolicyNotFoundException",
            }:
                raise
            errors = []
        return [invalid_policy_gap(account_id, errors)]
