"""Service control policies: grammar, size after CfCT's minification, count per target, and effect."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from .helpers import BUNKER, DR, HOME, KEY_VAULT, MEMBER, ROOT, Request, denies, load_manifest, role

SCP_DIR = ROOT / "policies" / "scp"
SCP_MAX_BYTES = 5120
SCP_MAX_PER_TARGET = 5
# FullAWSAccess stays attached to every OU; Control Tower also attaches its guardrail SCP to every
# registered OU (one policy for its preventive controls). Both count against the quota of 5.
ALWAYS_ATTACHED = 1
CONTROL_TOWER_GUARDRAILS = 1

MEMBER_VAULT = f"arn:aws:backup:{HOME}:{MEMBER}:backup-vault:cfct-backup-vault"
BUNKER_VAULT_HOME = f"arn:aws:backup:{HOME}:{BUNKER}:backup-vault:cfct-backup-bunker"
BUNKER_VAULT_DR = f"arn:aws:backup:{DR}:{BUNKER}:backup-vault:cfct-backup-bunker"
EXEMPT = ("AWSControlTowerExecution",)
# Names the design does not need, no longer exempt (docs/threat-model.md, "Exemptions").
NOT_EXEMPT = ("stacksets-exec-0123abcd", "cfct-backup-break-glass", "cfct-backup-automation")


def _scp(name: str) -> dict[str, Any]:
    data = json.loads((SCP_DIR / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _cfct_minified(path: Path) -> bytes:
    """What CfCT sends to Organizations: the JSON with every insignificant whitespace removed."""
    return json.dumps(json.loads(path.read_text(encoding="utf-8")), separators=(",", ":")).encode()


def _scp_files() -> list[Path]:
    files = sorted(SCP_DIR.glob("*.json"))
    assert files
    return files


@pytest.mark.parametrize("path", _scp_files(), ids=lambda p: p.name)
def test_scp_grammar_and_size(path: Path) -> None:
    scp = json.loads(path.read_text(encoding="utf-8"))
    assert scp["Version"] == "2012-10-17"
    sids = [s["Sid"] for s in scp["Statement"]]
    assert len(sids) == len(set(sids)), "duplicate Sid"
    for stmt in scp["Statement"]:
        assert stmt["Effect"] == "Deny", "FullAWSAccess stays attached; these only subtract"
        assert "Principal" not in stmt and "NotPrincipal" not in stmt  # SCPs support neither
        assert "Action" in stmt and "Resource" in stmt
    size = len(_cfct_minified(path))
    assert size <= SCP_MAX_BYTES, f"{path.name}: {size} bytes after minification"


def test_minification_measure_is_whitespace_free() -> None:
    text = _cfct_minified(SCP_DIR / "protect-keys.json")
    assert b" " not in text.replace(b"cfct-backup managed", b"")
    assert len(text) < len((SCP_DIR / "protect-keys.json").read_bytes())


def _attachments() -> Counter[str]:
    counts: Counter[str] = Counter()
    for res in load_manifest()["resources"]:
        if res.get("deploy_method") == "scp":
            for ou in res["deployment_targets"]["organizational_units"]:
                counts[ou] += 1
    return counts


def test_at_most_five_scps_per_target_counting_full_access_and_control_tower() -> None:
    counts = _attachments()
    assert counts == {"Workloads:Prod": 2, "Workloads:Dev": 2, "Backup": 2, "Security": 1}
    for target, n in counts.items():
        assert n + ALWAYS_ATTACHED + CONTROL_TOWER_GUARDRAILS <= SCP_MAX_PER_TARGET, target


def test_every_scp_file_is_attached_by_the_manifest() -> None:
    attached = {
        res["resource_file"] for res in load_manifest()["resources"] if res.get("deploy_method") == "scp"
    }
    assert attached == {f"policies/scp/{p.name}" for p in _scp_files()}


# ---------------------------------------------------------------- effect on members


@pytest.mark.parametrize(
    "action",
    [
        "backup:DeleteBackupVault",
        "backup:PutBackupVaultAccessPolicy",
        "backup:DeleteBackupVaultAccessPolicy",
        "backup:DeleteBackupVaultLockConfiguration",
        "backup:PutBackupVaultNotifications",
    ],
)
def test_member_vault_changes_are_denied_except_to_pipeline_and_break_glass(action: str) -> None:
    scp = _scp("protect-member-backup.json")
    assert denies(scp, Request(action, role(MEMBER, "Admin"), MEMBER_VAULT))
    assert denies(scp, Request(action, role(MEMBER, "OrganizationAccountAccessRole"), MEMBER_VAULT))
    for name in EXEMPT:
        assert not denies(scp, Request(action, role(MEMBER, name), MEMBER_VAULT)), name
    for name in NOT_EXEMPT:
        assert denies(scp, Request(action, role(MEMBER, name), MEMBER_VAULT)), name
    # another team's vault is not this package's business
    other = f"arn:aws:backup:{HOME}:{MEMBER}:backup-vault:team-vault"
    assert not denies(scp, Request(action, role(MEMBER, "Admin"), other))


def test_member_recovery_points_region_settings_and_roles_are_protected() -> None:
    scp = _scp("protect-member-backup.json")
    admin = role(MEMBER, "Admin")
    point = f"arn:aws:backup:{HOME}:{MEMBER}:recovery-point:abc"
    assert denies(scp, Request("backup:DeleteRecoveryPoint", admin, point))
    assert denies(scp, Request("backup:UpdateRecoveryPointLifecycle", admin, point))
    assert not denies(
        scp, Request("backup:DeleteRecoveryPoint", role(MEMBER, "cfct-backup-break-glass"), point)
    )
    # the automation never deletes a recovery point, so the SCP gives it no way to
    assert denies(scp, Request("backup:DeleteRecoveryPoint", role(MEMBER, "cfct-backup-automation"), point))
    assert denies(scp, Request("backup:UpdateRegionSettings", admin))
    assert not denies(scp, Request("backup:UpdateRegionSettings", role(MEMBER, "cfct-backup-automation")))
    service_role = role(MEMBER, "cfct-backup-service-role")
    for action in ("iam:DeleteRole", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"):
        assert denies(scp, Request(action, admin, service_role)), action
        assert not denies(scp, Request(action, role(MEMBER, "AWSControlTowerExecution"), service_role))
        assert not denies(scp, Request(action, admin, role(MEMBER, "team-role"))), action
    rule = f"arn:aws:events:{HOME}:{MEMBER}:rule/cfct-backup-forward-events"
    assert denies(scp, Request("events:DisableRule", admin, rule))


def test_only_the_backup_service_role_copies_into_the_bunker() -> None:
    """Seed 4.4: the boundary on copy operations into the bunker account."""
    scp = _scp("protect-member-backup.json")
    service_role = role(MEMBER, "cfct-backup-service-role")
    for vault in (BUNKER_VAULT_HOME, BUNKER_VAULT_DR):
        assert not denies(scp, Request("backup:CopyIntoBackupVault", service_role, vault))
        for caller in (
            "Admin",
            "cfct-backup-automation",
            "AWSControlTowerExecution",
            "cfct-backup-break-glass",
        ):
            assert denies(scp, Request("backup:CopyIntoBackupVault", role(MEMBER, caller), vault)), caller
    point = f"arn:aws:backup:{HOME}:{MEMBER}:recovery-point:abc"
    assert denies(scp, Request("backup:StartCopyJob", role(MEMBER, "Admin"), point))
    assert not denies(scp, Request("backup:StartCopyJob", service_role, point))
    # nobody else can hand the service role to a copy job of their own
    assert denies(scp, Request("iam:PassRole", role(MEMBER, "Admin"), service_role))
    assert not denies(
        scp, Request("iam:PassRole", role(MEMBER, "cfct-backup-self-service-launch"), service_role)
    )


def test_backup_keys_are_protected_by_alias_and_by_tag() -> None:
    scp = _scp("protect-keys.json")
    key = f"arn:aws:kms:{HOME}:{MEMBER}:key/abc"
    admin = role(MEMBER, "Admin")
    by_alias = {"kms:ResourceAliases": ["alias/cfct-backup-vault"]}
    by_tag = {"aws:ResourceTag/cfct-backup:managed": "true"}
    pipeline = role(MEMBER, "AWSControlTowerExecution")
    for action in ("kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey"):
        assert denies(scp, Request(action, admin, key, by_alias)), action
        assert denies(scp, Request(action, admin, key, by_tag)), action
        assert not denies(scp, Request(action, admin, key, {"kms:ResourceAliases": ["alias/team"]})), action
        assert denies(scp, Request(action, role(MEMBER, "cfct-backup-break-glass"), key, by_alias))
    # the pipeline may rewrite a key policy, but nobody may delete or disable a backup key: the
    # rewrite-then-delete path is closed
    assert not denies(scp, Request("kms:PutKeyPolicy", pipeline, key, by_alias))
    for action in ("kms:ScheduleKeyDeletion", "kms:DisableKey"):
        assert denies(scp, Request(action, pipeline, key, by_alias)), action
        assert denies(scp, Request(action, f"arn:aws:iam::{MEMBER}:root", key, by_tag)), action
    alias = f"arn:aws:kms:{HOME}:{MEMBER}:alias/cfct-backup-vault"
    assert denies(scp, Request("kms:DeleteAlias", admin, alias))
    assert not denies(scp, Request("kms:DeleteAlias", admin, f"arn:aws:kms:{HOME}:{MEMBER}:alias/team"))
    assert denies(scp, Request("kms:UntagResource", admin, key, {"aws:TagKeys": ["cfct-backup:managed"]}))


def test_bunker_and_key_vault_are_locked_down() -> None:
    scp = _scp("lock-down-bunker.json")
    admin = role(BUNKER, "AWSReservedSSO_AdministratorAccess_abc")
    vault = BUNKER_VAULT_HOME
    bg, pipeline = role(BUNKER, "cfct-backup-break-glass"), role(BUNKER, "AWSControlTowerExecution")
    for action in ("backup:DeleteRecoveryPoint", "backup:StartRestoreJob", "backup:StartCopyJob"):
        assert denies(scp, Request(action, admin, vault)), action
        assert not denies(scp, Request(action, bg, vault)), action
        assert denies(scp, Request(action, pipeline, vault)), action
    for action in ("backup:PutBackupVaultAccessPolicy", "backup:PutBackupVaultLockConfiguration"):
        assert denies(scp, Request(action, admin, vault)), action
        assert denies(scp, Request(action, bg, vault)), action
        assert not denies(scp, Request(action, pipeline, vault)), action
    key = f"arn:aws:kms:{HOME}:{KEY_VAULT}:key/mrk-1"
    human = {"aws:PrincipalIsAWSService": "false"}
    for who in (
        role(KEY_VAULT, "Admin"),
        role(KEY_VAULT, "AWSControlTowerExecution"),
        f"arn:aws:iam::{KEY_VAULT}:root",
    ):
        assert denies(scp, Request("kms:ScheduleKeyDeletion", who, key, human)), who
    assert not denies(scp, Request("kms:PutKeyPolicy", role(KEY_VAULT, "AWSControlTowerExecution"), key))
    for action in ("iam:CreateUser", "iam:CreateAccessKey", "organizations:LeaveOrganization"):
        assert denies(scp, Request(action, role(BUNKER, "AWSControlTowerExecution"))), action
    assert denies(scp, Request("iam:CreateRole", admin))
    assert denies(scp, Request("iam:CreateRole", role(BUNKER, "stacksets-exec-abc")))
    assert not denies(scp, Request("iam:CreateRole", role(BUNKER, "AWSControlTowerExecution")))
