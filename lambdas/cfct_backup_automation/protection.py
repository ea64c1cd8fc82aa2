"""What "protected" means, checked where it lives (in the member account, per governed Region).

A member account is PROTECTED when, in every governed Region: the key behind
`alias/cfct-backup-vault` is a customer managed, enabled key; the vault `cfct-backup-vault` is
encrypted with it (and locked when member Vault Lock is required); the vault has an access policy;
the AWS Backup services are opted in; the bunker copy grant exists on the key; and, once for the
account, its effective Organizations backup policy contains the expected plans and every copy
destination of those plans is a vault that exists (locked, in the bunker) (`destinations.py`).

`check_region` both checks and (depending on `mode`) does what the automation owns:
  * "enrol":  set the opt-ins and create the grant without reading first (fewest calls: KMS
              returns the existing grant for a CreateGrant with the same name and parameters);
  * "repair": read, and repair only what drifted (reconcile);
  * "audit":  read only, never write (`cfct-backup audit`).
Everything the automation does not own is reported as a Gap with the owner that must act.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from botocore.exceptions import ClientError

from cfct_backup_automation.config import Config
from cfct_backup_automation.contract import MEMBER_KEY_ALIAS
from cfct_backup_automation.contract import MEMBER_VAULT as MEMBER_VAULT_NAME
from cfct_backup_automation.destinations import VAULT_ARN, DestinationCache, copy_destinations, read_vault
from cfct_backup_automation.grants import create_grant, ensure_grant, find_grants, grant_matches
from cfct_backup_automation.log import logger
from cfct_backup_automation.sessions import SessionFactory, error_code

Mode = Literal["enrol", "repair", "audit"]
Owner = Literal["automation", "cfct-pipeline", "backup-policy"]
RERUN = "re-run the CfCT pipeline (the member baseline stack instance is missing or incomplete)"
NOT_FOUND = {"ResourceNotFoundException", "NotFoundException", "EffectivePolicyNotFoundException"}


@dataclass
class Gap:
    code: str
    message: str
    region: str | None = None
    owner: Owner = "automation"
    repaired: bool = False

    @property
    def label(self) -> str:
        return f"{self.region or 'global'}:{self.code}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "region": self.region or "global",
            "owner": self.owner,
            "repaired": self.repaired,
            "message": self.message,
        }


@dataclass
class RegionResult:
    region: str
    gaps: list[Gap] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    key_arn: str | None = None
    grant_id: str | None = None

    @property
    def open_gaps(self) -> list[Gap]:
        return [g for g in self.gaps if not g.repaired]


def _opt_in(backup: Any, cfg: Config, region: str, mode: Mode, result: RegionResult) -> None:
    wanted = dict.fromkeys(cfg.opt_in_services, True)
    if mode == "enrol":
        backup.update_region_settings(ResourceTypeOptInPreference=wanted)
        result.actions.append("region-opt-in")
        return
    current = backup.describe_region_settings().get("ResourceTypeOptInPreference", {})
    missing = sorted(s for s in cfg.opt_in_services if not current.get(s))
    if not missing:
        return
    gap = Gap("region-opt-in", f"AWS Backup not opted in for {', '.join(missing)} in {region}", region)
    if mode == "repair":
        backup.update_region_settings(ResourceTypeOptInPreference=dict.fromkeys(missing, True))
        gap.repaired = True
        result.actions.append("region-opt-in")
    result.gaps.append(gap)


def _key(kms: Any, region: str, result: RegionResult) -> None:
    try:
        meta = kms.describe_key(KeyId=MEMBER_KEY_ALIAS)["KeyMetadata"]
    except ClientError as exc:
        if error_code(exc) not in NOT_FOUND:
            raise
        result.gaps.append(
            Gap("key-missing", f"no key {MEMBER_KEY_ALIAS} in {region}: {RERUN}", region, "cfct-pipeline")
        )
        return
    if meta.get("KeyManager") != "CUSTOMER" or meta.get("KeyState") != "Enabled":
        result.gaps.append(
            Gap(
                "key-not-usable",
                f"{MEMBER_KEY_ALIAS} in {region} is {meta.get('KeyManager')}/{meta.get('KeyState')}, "
                "not an enabled customer managed key",
                region,
                "cfct-pipeline",
            )
        )
        return
    result.key_arn = str(meta["Arn"])


def _grant(kms: Any, cfg: Config, region: str, mode: Mode, result: RegionResult) -> None:
    if result.key_arn is None:
        return
    if mode == "audit":
        grants = [g for g in find_grants(kms, result.key_arn) if grant_matches(g, cfg.bunker_principal)]
        if grants:
            result.grant_id = str(grants[0]["GrantId"])
        else:
            result.gaps.append(
                Gap("grant-missing", f"bunker copy grant missing on the vault key in {region}", region)
            )
        return
    if mode == "enrol":
        # Idempotent by name: no ListGrants. A same-named grant with other parameters (drift) is
        # left for reconcile, which lists, revokes and reports it.
        result.grant_id = create_grant(kms, result.key_arn, cfg.bunker_principal)
        result.actions.append("grant")
        return
    grant_id, changed = ensure_grant(kms, result.key_arn, cfg.bunker_principal)
    result.grant_id = grant_id
    if changed:
        result.actions.append("grant")
        if mode == "repair":
            result.gaps.append(
                Gap("grant-missing", f"bunker copy grant missing or wrong in {region}", region, repaired=True)
            )


def _vault(backup: Any, cfg: Config, region: str, result: RegionResult) -> bool:
    try:
        vault = backup.describe_backup_vault(BackupVaultName=MEMBER_VAULT_NAME)
    except ClientError as exc:
        if error_code(exc) not in NOT_FOUND:
            raise
        result.gaps.append(
            Gap(
                "vault-missing", f"no vault {MEMBER_VAULT_NAME} in {region}: {RERUN}", region, "cfct-pipeline"
            )
        )
        return False
    if result.key_arn is not None and vault.get("EncryptionKeyArn") != result.key_arn:
        result.gaps.append(
            Gap(
                "vault-not-cmk",
                f"vault {MEMBER_VAULT_NAME} in {region} is not encrypted with {MEMBER_KEY_ALIAS}",
                region,
                "cfct-pipeline",
            )
        )
    if cfg.member_vault_lock_required and not vault.get("Locked"):
        result.gaps.append(
            Gap(
                "vault-lock-missing",
                f"vault {MEMBER_VAULT_NAME} in {region} has no Vault Lock: {RERUN}",
                region,
                "cfct-pipeline",
            )
        )
    return True


def _access_policy(backup: Any, region: str, result: RegionResult) -> None:
    try:
        policy = backup.get_backup_vault_access_policy(BackupVaultName=MEMBER_VAULT_NAME).get("Policy")
    except ClientError as exc:
        if error_code(exc) not in NOT_FOUND:
            raise
        policy = None
    if not policy:
        result.gaps.append(
            Gap(
                "vault-access-policy-missing",
                f"vault {MEMBER_VAULT_NAME} in {region} has no access policy: {RERUN}",
                region,
                "cfct-pipeline",
            )
        )


def check_region(backup: Any, kms: Any, cfg: Config, region: str, mode: Mode) -> RegionResult:
    """Check (and per `mode` act on) one member Region; clients are in the member account."""
    result = RegionResult(region)
    _opt_in(backup, cfg, region, mode, result)
    _key(kms, region, result)
    _grant(kms, cfg, region, mode, result)
    if _vault(backup, cfg, region, result):
        _access_policy(backup, region, result)
    return result


def effective_plans(orgs: Any, account_id: str) -> dict[str, Any] | None:
    """The plans of the account's effective backup policy (None when it has none)."""
    try:
        resp = orgs.describe_effective_policy(PolicyType="BACKUP_POLICY", TargetId=account_id)
    except ClientError as exc:
        if error_code(exc) not in NOT_FOUND:
            raise
        return None
    content = json.loads(resp["EffectivePolicy"]["PolicyContent"])
    plans = content.get("plans", {})
    return plans if isinstance(plans, dict) else {}


def policy_gaps(plans: dict[str, Any] | None, cfg: Config, account_id: str) -> list[Gap]:
    """Gaps of an account whose effective backup policy has these plans (None: no policy)."""
    if not plans:
        return [
            Gap(
                "backup-policy-missing",
                f"account {account_id} has no effective backup policy: attach the cfct-backup backup "
                "policies to its OU (they are deployed by the CfCT pipeline)",
                None,
                "backup-policy",
            )
        ]
    missing = [p for p in cfg.expected_plans if p not in plans]
    if missing:
        return [
            Gap(
                "backup-plan-missing",
                f"effective backup policy of {account_id} lacks plan(s) {', '.join(missing)}",
                None,
                "backup-policy",
            )
        ]
    return []


def destination_gaps(
    destinations: Iterable[str],
    cfg: Config,
    sessions: SessionFactory,
    cache: DestinationCache,
    *,
    audit: bool = False,
) -> list[Gap]:
    """Gaps for copy destinations that are missing, not locked where required, or unreadable.

    In audit mode (`cfct-backup audit`, a person's credentials) a destination account whose role
    does not let the caller in is logged and skipped: the bunker role trusts only the functions.
    """
    gaps: list[Gap] = []
    for arn in destinations:
        match = VAULT_ARN.match(arn)
        if match is None:
            gaps.append(
                Gap(
                    "copy-destination-invalid",
                    f"copy destination {arn} is not a backup vault ARN: fix the backup policy",
                    None,
                    "backup-policy",
                )
            )
            continue
        account, region, name = match["account"], match["region"], match["name"]
        state = cache.get(arn, functools.partial(read_vault, sessions, account, region, name))
        if state.problem:
            if audit:
                logger.warning("copy destination not readable", extra={"arn": arn, "error": state.problem})
                continue
            gaps.append(
                Gap(
                    "copy-destination-unverified",
                    f"copy destination {arn} could not be read ({state.problem})",
                    region,
                    "cfct-pipeline",
                )
            )
        elif not state.exists:
            gaps.append(
                Gap(
                    "copy-destination-missing",
                    f"copy destination vault {arn} does not exist: deploy the bunker stack (re-run the "
                    "CfCT pipeline) or fix the backup policy's copy action",
                    region,
                    "cfct-pipeline",
                )
            )
        elif account == cfg.bunker_account and cfg.bunker_vault_lock_required and not state.locked:
            gaps.append(
                Gap(
                    "copy-destination-not-locked",
                    f"copy destination vault {arn} has no Vault Lock: re-run the CfCT pipeline "
                    "(bunker stack)",
                    region,
                    "cfct-pipeline",
                )
            )
    return gaps


def account_gaps(
    plans: dict[str, Any] | None,
    cfg: Config,
    account_id: str,
    sessions: SessionFactory,
    cache: DestinationCache,
    *,
    mode: Mode,
) -> list[Gap]:
    """Account-wide gaps: the effective plans, then the copy destinations of those plans."""
    gaps = policy_gaps(plans, cfg, account_id)
    if plans:
        destinations = copy_destinations(plans, account_id, cfg.governed_regions)
        gaps.extend(destination_gaps(destinations, cfg, sessions, cache, audit=mode == "audit"))
    return gaps


class PolicyIndex:
    """Effective backup plans for a sweep, with one DescribeEffectivePolicy per OU, not per account.

    An account's effective policy is what it inherits (root and OUs above it) plus what is attached
    to the account itself. Accounts of one OU with no backup policy of their own therefore share
    one effective policy: it is read once for the OU (through one of its accounts); accounts that
    are a direct target of a backup policy are read individually. Plan names do not depend on
    `$account`/`$region`, which are the only per-account differences in the content.
    """

    def __init__(self, orgs: Any) -> None:
        self.orgs = orgs
        self.direct: set[str] = set()
        policies = orgs.get_paginator("list_policies").paginate(Filter="BACKUP_POLICY")
        targets = orgs.get_paginator("list_targets_for_policy")
        for page in policies:
            for policy in page.get("Policies", []):
                for tpage in targets.paginate(PolicyId=policy["Id"]):
                    self.direct.update(
                        t["TargetId"] for t in tpage.get("Targets", []) if t.get("Type") == "ACCOUNT"
                    )
        self._by_ou: dict[str, dict[str, Any] | None] = {}
        self._lock = threading.Lock()
        self._ou_locks: dict[str, threading.Lock] = {}
        self.calls = 0

    def plans(self, account_id: str, ou_id: str | None) -> dict[str, Any] | None:
        if ou_id is None or account_id in self.direct:
            self.calls += 1
            return effective_plans(self.orgs, account_id)
        with self._lock:
            lock = self._ou_locks.setdefault(ou_id, threading.Lock())
        with lock:
            if ou_id not in self._by_ou:
                self.calls += 1
                self._by_ou[ou_id] = effective_plans(self.orgs, account_id)
            return self._by_ou[ou_id]

    def gaps(self, cfg: Config, account_id: str, ou_id: str | None) -> list[Gap]:
        return policy_gaps(self.plans(account_id, ou_id), cfg, account_id)
