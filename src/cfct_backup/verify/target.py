"""What the central checks verify: the organization's role accounts, Regions and protected OUs.

Built from the organization description (the simulation) or from the SSM configuration of a real
organization (`cfct-backup audit --central`, parameters of docs/conventions.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cfct_backup_automation import contract

from cfct_backup.organization import ROLES, Organization, OrganizationIds


class TargetError(ValueError):
    """The configuration lacks a value the central checks need (the message names the parameter)."""


@dataclass(frozen=True)
class AccountRef:
    name: str
    id: str


@dataclass(frozen=True)
class Target:
    org_id: str
    home_region: str
    dr_region: str
    management: AccountRef
    log_archive: AccountRef
    audit: AccountRef
    key_vault: AccountRef
    bunker: AccountRef
    protected_ou_ids: tuple[str, ...]
    alert_email: str
    members: tuple[AccountRef, ...] = ()  # in-scope members (self-service check, event drill)

    @classmethod
    def from_description(cls, org: Organization, ids: OrganizationIds) -> Target:
        def ref(name: str) -> AccountRef:
            return AccountRef(name, ids.accounts[name])

        return cls(
            org_id=ids.org_id,
            home_region=org.home_region,
            dr_region=org.dr_region,
            management=ref(org.management.name),
            log_archive=ref(org.roles["log_archive"]),
            audit=ref(org.roles["audit"]),
            key_vault=ref(org.roles["key_vault"]),
            bunker=ref(org.roles["bunker"]),
            protected_ou_ids=tuple(ids.ous[p] for p in org.protected_paths),
            alert_email=org.alert_email,
            members=tuple(ref(a.name) for a in org.accounts if org.in_scope(a) and a.name in ids.accounts),
        )

    @classmethod
    def from_parameters(
        cls, parameters: Mapping[str, str], prefix: str, names: Mapping[str, str] | None = None
    ) -> Target:
        """From the SSM values under `prefix` (keyed relative to it, as `read_parameters` returns
        them); `names`: account ID -> account name (default: the role's conventional name)."""
        names = names or {}
        prefix = prefix.rstrip("/")

        def value(rel: str) -> str:
            raw = parameters.get(rel, "").strip()
            if not raw:
                raise TargetError(f"missing SSM parameter {prefix}/{rel}")
            return raw

        def account(rel: str, default_name: str) -> AccountRef:
            account_id = value(rel)
            if not (len(account_id) == 12 and account_id.isdigit()):
                raise TargetError(f"SSM parameter {prefix}/{rel} is not a 12-digit account ID")
            return AccountRef(names.get(account_id, default_name), account_id)

        return cls(
            org_id=value(contract.SSM_ORG_ID.rel),
            home_region=value(contract.SSM_HOME_REGION.rel),
            dr_region=value(contract.SSM_DR_REGION.rel),
            management=account(contract.SSM_MANAGEMENT_ACCOUNT.rel, "Management"),
            log_archive=account(contract.SSM_LOG_ARCHIVE_ACCOUNT.rel, ROLES["log_archive"]),
            audit=account(contract.SSM_AUDIT_ACCOUNT.rel, ROLES["audit"]),
            key_vault=account(contract.SSM_KEY_VAULT_ACCOUNT.rel, ROLES["key_vault"]),
            bunker=account(contract.SSM_BUNKER_ACCOUNT.rel, ROLES["bunker"]),
            protected_ou_ids=tuple(
                p.strip() for p in value(contract.SSM_PROTECTED_OU_IDS.rel).split(",") if p.strip()
            ),
            alert_email=value(contract.SSM_ALERT_EMAIL.rel),
        )
