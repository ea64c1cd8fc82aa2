"""An Organizations account's lifecycle state, read from ``State``.

``Account.Status`` was retired on 2026-09-09 (botocore's organizations model: "The Status parameter in
the Account object will be retired on September 9, 2026 ... use the State parameter"); the states are
PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE and CLOSED
(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_account_state.html).

Only an ACTIVE account is protected: a PENDING_ACTIVATION account is not ready for stack instances
yet, and a SUSPENDED, PENDING_CLOSURE or CLOSED one is leaving (its grants and wiring are retired;
its vault and recovery points are never deleted). An account without ``State`` is not treated as
active: reading the retired field instead would silently keep closed accounts in scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ACTIVE = "ACTIVE"
LEAVING = frozenset({"SUSPENDED", "PENDING_CLOSURE", "CLOSED"})
STATES = frozenset({"PENDING_ACTIVATION", ACTIVE, *LEAVING})


def account_state(account: Mapping[str, Any]) -> str:
    """The account's ``State``; "UNKNOWN" when the response carries none."""
    state = account.get("State")
    return state if isinstance(state, str) and state in STATES else "UNKNOWN"


def is_active(account: Mapping[str, Any]) -> bool:
    return account_state(account) == ACTIVE


def is_leaving(account: Mapping[str, Any]) -> bool:
    return account_state(account) in LEAVING
