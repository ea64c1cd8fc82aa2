"""Configuration of the automation: environment variables plus the shared SSM parameters.

The stack passes table names and the SSM prefix in environment variables; the organization's roles
(accounts, Regions, protected OUs) come from the SSM parameters of docs/conventions.md, read once per
cold start with one paginated GetParametersByPath call. Anything missing raises `ConfigError` naming
the exact environment variable or SSM parameter.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

from cfct_backup_automation import contract

DEFAULT_PREFIX = contract.SSM_PREFIX
# how long an in-scope account may wait for its member baseline before that is a failure
DEFAULT_BASELINE_WAIT_SECONDS = 4 * 3600
GRANT_OPERATIONS: tuple[str, ...] = (
    "Decrypt",
    "DescribeKey",
    "ReEncryptFrom",
    "GenerateDataKeyWithoutPlaintext",
    "CreateGrant",
)
# AWS Backup services opted in when the stack does not say otherwise (the ones the plans select
# by the cfct-backup:tier tag).
DEFAULT_OPT_IN_SERVICES: tuple[str, ...] = (
    "Aurora",
    "DynamoDB",
    "EBS",
    "EC2",
    "EFS",
    "RDS",
    "S3",
)


class ConfigError(RuntimeError):
    """A required environment variable or SSM parameter is missing or invalid."""


# SSM parameter (relative to the prefix) -> Config field. All are required.
_REQUIRED_PARAMETERS: dict[str, str] = {
    contract.SSM_ORG_ID.rel: "org_id",
    contract.SSM_MANAGEMENT_ACCOUNT.rel: "management_account",
    contract.SSM_LOG_ARCHIVE_ACCOUNT.rel: "log_archive_account",
    contract.SSM_AUDIT_ACCOUNT.rel: "audit_account",
    contract.SSM_BUNKER_ACCOUNT.rel: "bunker_account",
    contract.SSM_HOME_REGION.rel: "home_region",
    contract.SSM_DR_REGION.rel: "dr_region",
    contract.SSM_GOVERNED_REGIONS.rel: "governed_regions",
    contract.SSM_PROTECTED_OU_IDS.rel: "protected_ou_ids",
}
_LIST_FIELDS = {"governed_regions", "protected_ou_ids"}


@dataclass(frozen=True)
class Config:
    """Everything the automation needs to know about the organization."""

    org_id: str
    management_account: str
    log_archive_account: str
    audit_account: str
    bunker_account: str
    home_region: str
    dr_region: str
    governed_regions: tuple[str, ...]
    protected_ou_ids: tuple[str, ...]
    partition: str = "aws"
    inventory_table: str = contract.INVENTORY_TABLE
    role_name: str = contract.AUTOMATION_ROLE
    opt_in_services: tuple[str, ...] = DEFAULT_OPT_IN_SERVICES
    # Backup plan names the effective backup policy of a member must contain (empty: at least one).
    expected_plans: tuple[str, ...] = ()
    # Whether member vaults must carry a Vault Lock (bunker vaults always do; members optional).
    member_vault_lock_required: bool = False
    # Whether copy destinations in the bunker account must carry a Vault Lock (the bunker template
    # always sets one: compliance mode).
    bunker_vault_lock_required: bool = True
    # "org-paths": the bunker vault policy allows CopyIntoBackupVault by aws:PrincipalOrgPaths (the
    # bunker template owns it, nothing to do per account); "accounts": this automation keeps an
    # account allow-list statement in the bunker vault policy.
    bunker_allowlist_mode: str = "org-paths"
    # CfCT stack set of the member baseline; reconcile reports missing instances when set.
    baseline_stack_set: str = ""
    # CfCT's pipeline (`Custom-Control-Tower-CodePipeline`), started when an account enters scope
    # without a Control Tower lifecycle event (MoveAccount); empty: never started
    cfct_pipeline_name: str = ""
    baseline_wait_seconds: int = DEFAULT_BASELINE_WAIT_SECONDS
    event_bus_name: str = "default"
    report_bucket_override: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def report_bucket(self) -> str:
        """BAM / compliance report bucket in the bunker account, home Region (conventions)."""
        return self.report_bucket_override or contract.report_bucket(self.bunker_account, self.home_region)

    def is_protected_ou(self, ou_id: str | None) -> bool:
        return ou_id is not None and ou_id in self.protected_ou_ids

    def role_arn(self, account_id: str) -> str:
        return f"arn:{self.partition}:iam::{account_id}:role/{self.role_name}"

    @property
    def bunker_principal(self) -> str:
        return f"arn:{self.partition}:iam::{self.bunker_account}:root"


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _require_env(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"environment variable {name} is not set")
    return value


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    if raw.strip().lower() in {"true", "1", "yes"}:
        return True
    if raw.strip().lower() in {"false", "0", "no"}:
        return False
    raise ConfigError(f"environment variable {name} must be true or false, not {raw!r}")


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise ConfigError(f"environment variable {name} must be a positive number of seconds, not {raw!r}")
    return int(raw)


def read_parameters(ssm: SSMClient, prefix: str) -> dict[str, str]:
    """All parameters under `prefix`, keyed by their name relative to it (one paginated call)."""
    prefix = prefix.rstrip("/")
    found: dict[str, str] = {}
    paginator = ssm.get_paginator("get_parameters_by_path")
    for page in paginator.paginate(Path=prefix, Recursive=True):
        for param in page.get("Parameters", []):
            name = param.get("Name", "")
            if name.startswith(prefix + "/"):
                found[name[len(prefix) + 1 :]] = param.get("Value", "")
    return found


def config_from(parameters: Mapping[str, str], environ: Mapping[str, str], prefix: str) -> Config:
    """Build a Config from SSM values and the environment; raise ConfigError naming what is missing."""
    values: dict[str, Any] = {}
    missing = [f"{prefix.rstrip('/')}/{rel}" for rel in _REQUIRED_PARAMETERS if not parameters.get(rel)]
    if missing:
        raise ConfigError("missing SSM parameter(s): " + ", ".join(missing))
    for rel, attr in _REQUIRED_PARAMETERS.items():
        raw = parameters[rel].strip()
        values[attr] = _split(raw) if attr in _LIST_FIELDS else raw
    for attr in ("management_account", "log_archive_account", "audit_account", "bunker_account"):
        if not (len(values[attr]) == 12 and values[attr].isdigit()):
            rel = next(k for k, v in _REQUIRED_PARAMETERS.items() if v == attr)
            raise ConfigError(f"SSM parameter {prefix.rstrip('/')}/{rel} is not a 12-digit account ID")
    mode = environ.get("BUNKER_ALLOWLIST_MODE", "org-paths").strip() or "org-paths"
    if mode not in {"org-paths", "accounts"}:
        raise ConfigError(
            f"environment variable BUNKER_ALLOWLIST_MODE must be org-paths or accounts, not {mode!r}"
        )
    services = _split(environ.get("OPT_IN_SERVICES", "")) or DEFAULT_OPT_IN_SERVICES
    return Config(
        **values,
        partition=environ.get("AWS_PARTITION", "").strip() or "aws",
        inventory_table=environ.get("INVENTORY_TABLE", "").strip() or contract.INVENTORY_TABLE,
        role_name=environ.get("AUTOMATION_ROLE_NAME", "").strip() or contract.AUTOMATION_ROLE,
        opt_in_services=services,
        expected_plans=_split(environ.get("EXPECTED_BACKUP_PLANS", "")),
        member_vault_lock_required=_bool(environ, "MEMBER_VAULT_LOCK_REQUIRED", False),
        bunker_vault_lock_required=_bool(environ, "BUNKER_VAULT_LOCK_REQUIRED", True),
        bunker_allowlist_mode=mode,
        baseline_stack_set=environ.get("BASELINE_STACK_SET_NAME", "").strip(),
        cfct_pipeline_name=environ.get("CFCT_PIPELINE_NAME", "").strip(),
        baseline_wait_seconds=_int(environ, "BASELINE_WAIT_SECONDS", DEFAULT_BASELINE_WAIT_SECONDS),
        event_bus_name=environ.get("EVENT_BUS_NAME", "").strip() or "default",
        report_bucket_override=environ.get("REPORT_BUCKET", "").strip(),
    )


def load_config(ssm: SSMClient, environ: Mapping[str, str] | None = None) -> Config:
    """Read the configuration: `CONFIG_PARAMETER_PREFIX` (default /cfct-backup) from SSM + env."""
    env = os.environ if environ is None else environ
    prefix = env.get("CONFIG_PARAMETER_PREFIX", "").strip() or DEFAULT_PREFIX
    return config_from(read_parameters(ssm, prefix), env, prefix)


def require_env(name: str, environ: Mapping[str, str] | None = None) -> str:
    """The value of a required environment variable, or ConfigError naming it."""
    return _require_env(os.environ if environ is None else environ, name)
