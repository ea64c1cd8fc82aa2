"""Reconcile's scope reads the account State: suspended, closing and closed accounts leave it.

Account.Status was retired on 2026-09-09 (botocore's organizations model); the states:
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_account_state.html
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from cfct_backup_automation.reconcile import in_scope_accounts


class _Orgs:
    def __init__(self, accounts: list[dict[str, Any]]) -> None:
        self.accounts = accounts

    def get_paginator(self, name: str) -> Any:
        assert name == "list_accounts_for_parent"
        return SimpleNamespace(paginate=lambda ParentId: [{"Accounts": self.accounts}])


def test_only_active_accounts_are_in_scope() -> None:
    accounts = [
        {"Id": "111111111111", "Name": "active", "State": "ACTIVE"},
        {"Id": "222222222222", "Name": "suspended", "State": "SUSPENDED"},
        {"Id": "333333333333", "Name": "closing", "State": "PENDING_CLOSURE"},
        {"Id": "444444444444", "Name": "closed", "State": "CLOSED"},
        {"Id": "555555555555", "Name": "new", "State": "PENDING_ACTIVATION"},
        # only the retired field: not trusted (AWS no longer sends it)
        {"Id": "666666666666", "Name": "legacy", "Status": "ACTIVE"},
    ]
    cfg = SimpleNamespace(protected_ou_ids=["ou-ab12-prod0001"])
    found = in_scope_accounts(_Orgs(accounts), cfg)  # type: ignore[arg-type]
    assert found == {"111111111111": ("ou-ab12-prod0001", "active")}
