"""Custom resources for what CloudFormation has no resource type for (org-wide Backup settings).

`Custom::BackupOrganizationSettings` (properties are strings, as CloudFormation sends them):
  EnableTrustedAccess, EnableBackupPolicyType, EnableCrossAccountBackup,
  EnableCrossAccountMonitoring ("true"/"false"), DelegatedAdministratorAccountId (12 digits).
  Create/Update: EnableAWSServiceAccess(backup.amazonaws.com); EnablePolicyType(BACKUP_POLICY) on
  the root; RegisterDelegatedAdministrator(backup.amazonaws.com) (and, on Update, deregister the
  previous account this resource registered); backup UpdateGlobalSettings
  isCrossAccountBackupEnabled. Cross-account monitoring has no API of its own: it rides on trusted
  access, so it requires EnableTrustedAccess.
  Delete: deliberately changes nothing. Trusted access, the BACKUP_POLICY type, the delegated
  administrator and cross-account backup are organization-wide settings that the backup policies,
  the bunker copies and the Audit account's report plans depend on; turning them off because one
  stack is deleted would silently stop backups and copies across the organization. Turning them off
  is a deliberate act (`"false"` on Update for cross-account backup, or by hand).

`Custom::BackupRegionSettings`: ResourceTypeOptInPreference (service -> "true"/"false"),
  optional ResourceTypeManagementPreference. Applied in the Region (and account) of the stack.
  Delete: leaves the preferences as they are (opting a service out would stop its backups).

Nothing here fails a Delete on something already gone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from cfct_backup_automation import contract
from cfct_backup_automation.sessions import error_code

BACKUP_PRINCIPAL = "backup.amazonaws.com"
ORG_SETTINGS = "Custom::BackupOrganizationSettings"
REGION_SETTINGS = "Custom::BackupRegionSettings"
ACCOUNT_RE = re.compile(r"^\d{12}$")
_FLAGS = (
    "EnableTrustedAccess",
    "EnableBackupPolicyType",
    "EnableCrossAccountBackup",
    "EnableCrossAccountMonitoring",
)


class InvalidProperties(ValueError):
    """A property value CloudFormation passed is not acceptable; the message names it."""


def flag(props: Mapping[str, Any], name: str, default: bool = False) -> bool:
    raw = props.get(name)
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"true", "false"}:
        return text == "true"
    raise InvalidProperties(f'{name} must be "true" or "false", not {raw!r}')


def org_settings_from(props: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the properties of Custom::BackupOrganizationSettings."""
    unknown = sorted(set(props) - {*_FLAGS, "DelegatedAdministratorAccountId", "ServiceToken"})
    if unknown:
        raise InvalidProperties(f"unknown propert{'y' if len(unknown) == 1 else 'ies'}: {', '.join(unknown)}")
    settings: dict[str, Any] = {name: flag(props, name) for name in _FLAGS}
    admin = str(props.get("DelegatedAdministratorAccountId", "") or "").strip()
    if admin and not ACCOUNT_RE.match(admin):
        raise InvalidProperties(
            f"DelegatedAdministratorAccountId must be a 12-digit account ID, not {admin!r}"
        )
    settings["DelegatedAdministratorAccountId"] = admin or None
    if not settings["EnableTrustedAccess"]:
        for needs in ("EnableCrossAccountMonitoring", "EnableBackupPolicyType"):
            if settings[needs]:
                raise InvalidProperties(f'{needs} requires EnableTrustedAccess "true"')
        if admin:
            raise InvalidProperties('DelegatedAdministratorAccountId requires EnableTrustedAccess "true"')
    return settings


def _root(orgs: Any) -> dict[str, Any]:
    roots = orgs.list_roots()["Roots"]
    return dict(roots[0])


def _admins(orgs: Any) -> set[str]:
    found: set[str] = set()
    for page in orgs.get_paginator("list_delegated_administrators").paginate(
        ServicePrincipal=BACKUP_PRINCIPAL
    ):
        found.update(a["Id"] for a in page.get("DelegatedAdministrators", []))
    return found


def apply_org_settings(
    orgs: Any, backup: Any, props: Mapping[str, Any], old_props: Mapping[str, Any] | None = None
) -> tuple[str, dict[str, str]]:
    """Create/Update: converge the organization to the properties; return (physical ID, Data)."""
    s = org_settings_from(props)
    old_admin = org_settings_from(old_props)["DelegatedAdministratorAccountId"] if old_props else None
    org_id = orgs.describe_organization()["Organization"]["Id"]
    root = _root(orgs)
    if s["EnableTrustedAccess"]:
        orgs.enable_aws_service_access(ServicePrincipal=BACKUP_PRINCIPAL)
    if s["EnableBackupPolicyType"]:
        enabled = {p["Type"] for p in root.get("PolicyTypes", []) if p.get("Status") == "ENABLED"}
        if "BACKUP_POLICY" not in enabled:
            try:
                orgs.enable_policy_type(RootId=root["Id"], PolicyType="BACKUP_POLICY")
            except ClientError as exc:
                if error_code(exc) != "PolicyTypeAlreadyEnabledException":
                    raise
    admin = s["DelegatedAdministratorAccountId"]
    if admin or old_admin:
        current = _admins(orgs)
        if admin and admin not in current:
            orgs.register_delegated_administrator(AccountId=admin, ServicePrincipal=BACKUP_PRINCIPAL)
        if old_admin and old_admin != admin and old_admin in current:
            # This resource registered it; the properties now name another account (or none).
            orgs.deregister_delegated_administrator(AccountId=old_admin, ServicePrincipal=BACKUP_PRINCIPAL)
    backup.update_global_settings(
        GlobalSettings={"isCrossAccountBackupEnabled": "true" if s["EnableCrossAccountBackup"] else "false"}
    )
    data = {
        "OrganizationId": org_id,
        "RootId": str(root["Id"]),
        "DelegatedAdministratorAccountId": admin or "",
        "CrossAccountBackupEnabled": str(s["EnableCrossAccountBackup"]).lower(),
    }
    return f"{contract.ORG_SETTINGS_RESOURCE_PREFIX}{org_id}", data


def region_settings_from(props: Mapping[str, Any]) -> tuple[dict[str, bool], dict[str, bool]]:
    unknown = sorted(
        set(props) - {"ResourceTypeOptInPreference", "ResourceTypeManagementPreference", "ServiceToken"}
    )
    if unknown:
        raise InvalidProperties(f"unknown propert{'y' if len(unknown) == 1 else 'ies'}: {', '.join(unknown)}")
    out = []
    for name in ("ResourceTypeOptInPreference", "ResourceTypeManagementPreference"):
        raw = props.get(name) or {}
        if not isinstance(raw, Mapping):
            raise InvalidProperties(f'{name} must be a map of service name to "true"/"false"')
        out.append({str(k): flag(raw, str(k)) for k in raw})
    if not out[0]:
        raise InvalidProperties("ResourceTypeOptInPreference is required and must not be empty")
    return out[0], out[1]


def apply_region_settings(backup: Any, props: Mapping[str, Any], region: str) -> tuple[str, dict[str, str]]:
    opt_in, management = region_settings_from(props)
    kwargs: dict[str, Any] = {"ResourceTypeOptInPreference": opt_in}
    if management:
        kwargs["ResourceTypeManagementPreference"] = management
    backup.update_region_settings(**kwargs)
    return f"{contract.REGION_SETTINGS_RESOURCE_PREFIX}{region}", {
        "OptedIn": ",".join(sorted(k for k, v in opt_in.items() if v)),
    }


def stack_location(stack_id: str) -> tuple[str | None, str | None]:
    """(Region, account) of a CloudFormation stack ARN."""
    parts = stack_id.split(":")
    if len(parts) >= 6 and parts[2] == "cloudformation":
        return parts[3] or None, parts[4] or None
    return None, None
