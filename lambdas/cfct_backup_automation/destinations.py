"""Copy destinations of an account's effective backup plans: the vaults must exist (and be locked).

A plan whose copy action points at a vault that does not exist backs up locally and then fails
every copy job: the account is not protected. For each copy action of the effective plans (after
AWS's `$account` / `$region` expansion, `$region` taking every Region the plan runs in) the
destination vault is read in its own account and Region (`DescribeBackupVault` through
`cfct-backup-automation` there; the bunker template's automation role may read its vaults). A
destination in the bunker account must also be locked when `BUNKER_VAULT_LOCK_REQUIRED` (default
true: the bunker template always sets Vault Lock).

The destinations are the same for every account (the bunker vaults in the home and DR Regions), so
what was read is cached: per warm container with a short TTL (enrolment), per sweep (reconcile).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from cfct_backup_automation import contract
from cfct_backup_automation.sessions import ACCESS_DENIED, RoleNotReady, SessionFactory, error_code

# Short: a bunker vault fixed (or broken) is seen by the next enrolment within this time.
DESTINATION_TTL_SECONDS = 300.0
VAULT_ARN = re.compile(
    r"^arn:[\w-]+:backup:(?P<region>[\w-]+):(?P<account>\d{12}):backup-vault:(?P<name>.+)$"
)
_NOT_FOUND = {"ResourceNotFoundException", "NotFoundException"}


def _value(node: Any) -> Any:
    """An effective policy leaf: `{"@@assign": v}` or v."""
    if isinstance(node, Mapping) and "@@assign" in node:
        return node["@@assign"]
    return node


def copy_destinations(plans: Mapping[str, Any], account_id: str, default_regions: Iterable[str]) -> list[str]:
    """Destination vault ARNs of every copy action, `$account` / `$region` expanded, sorted."""
    found: set[str] = set()
    for plan in plans.values():
        if not isinstance(plan, Mapping):
            continue
        regions = _value(plan.get("regions")) or list(default_regions)
        if isinstance(regions, str):
            regions = [regions]
        rules = plan.get("rules") or {}
        for rule in rules.values() if isinstance(rules, Mapping) else ():
            copies = rule.get("copy_actions") if isinstance(rule, Mapping) else None
            if not isinstance(copies, Mapping):
                continue
            for key, action in copies.items():
                arn = contract.copy_target(str(key), action).replace("$account", account_id)
                found.update(arn.replace("$region", str(r)) for r in regions)
    return sorted(found)


@dataclass(frozen=True)
class VaultState:
    """What reading a destination vault found."""

    exists: bool
    locked: bool = False
    problem: str = ""  # could not be read (role missing, access denied): why


class DestinationCache:
    """Destination vault ARN -> VaultState, each read once per `ttl` seconds (None: never again).

    Thread-safe; concurrent readers of one ARN wait for the first one's read (reconcile threads).
    """

    def __init__(
        self, ttl: float | None = DESTINATION_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self.reads = 0
        self._entries: dict[str, tuple[float, VaultState]] = {}
        self._lock = threading.Lock()
        self._arn_locks: dict[str, threading.Lock] = {}

    def get(self, arn: str, read: Callable[[], VaultState]) -> VaultState:
        with self._lock:
            lock = self._arn_locks.setdefault(arn, threading.Lock())
        with lock:
            entry = self._entries.get(arn)
            now = self.clock()
            if entry is not None and (self.ttl is None or now - entry[0] < self.ttl):
                return entry[1]
            state = read()
            self.reads += 1
            self._entries[arn] = (now, state)
            return state

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def read_vault(sessions: SessionFactory, account: str, region: str, name: str) -> VaultState:
    """DescribeBackupVault in the vault's own account and Region."""
    try:
        backup = sessions.client("backup", account, region, retry_access_denied=False)
        vault = backup.describe_backup_vault(BackupVaultName=name)
    except RoleNotReady as exc:
        return VaultState(
            False,
            problem=f"cannot assume {exc.role_arn}: the stack that creates it (bunker) is not deployed "
            "or does not trust this function",
        )
    except ClientError as exc:
        code = error_code(exc)
        if code in _NOT_FOUND:
            return VaultState(False)
        if code in ACCESS_DENIED:
            return VaultState(False, problem=f"{code}: {exc}")
        raise
    return VaultState(True, bool(vault.get("Locked")))
