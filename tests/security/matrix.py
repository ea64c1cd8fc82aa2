"""The threat model as data: asset x actor x action x resource -> ALLOWED / DENIED.

Every row has an ID that docs/threat-model.md cites; tests/security/test_matrix.py checks each row
against the rendered package and that the document and this table name the same rows. Expectations
come from the design (docs/threat-model.md), never from running the policies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .rendered import (
    AUDIT,
    BUNKER,
    BUNKER_KEY_ID,
    CHILD_MEMBER,
    DEV_MEMBER,
    DR,
    HOME,
    KEY_VAULT,
    LOG_ARCHIVE,
    MANAGEMENT,
    MEMBER,
    ORG_ID,
    OTHER_ORG,
    OUTSIDER,
    SANDBOX_MEMBER,
    role,
    sso,
)

ALLOWED, DENIED = True, False


@dataclass(frozen=True)
class Row:
    id: str
    asset: str
    actor: str
    principal: str
    action: str
    resource: str
    expected: bool
    context: dict[str, Any] = field(default_factory=dict)
    without_scp: tuple[str, ...] = ()  # the management account has detached these SCPs (residual rows)
    note: str = ""


# ---------------------------------------------------------------- principals
def admin(account: str) -> str:
    return sso(account, "AdministratorAccess")


def root(account: str) -> str:
    return f"arn:aws:iam::{account}:root"


def pipeline(account: str) -> str:
    return role(account, "AWSControlTowerExecution")


def automation(account: str) -> str:
    return role(account, "cfct-backup-automation")


BREAK_GLASS = role(BUNKER, "cfct-backup-break-glass")
BREAK_GLASS_SSO = sso(BUNKER, "cfct-backup-break-glass")
MEMBER_BREAK_GLASS = role(MEMBER, "cfct-backup-break-glass")
SERVICE_ROLE = role(MEMBER, "cfct-backup-service-role")
RESTORE_ROLE = role(BUNKER, "cfct-backup-restore")
OUTSIDER_ADMIN = role(OUTSIDER, "Admin")
ENROLMENT = role(MANAGEMENT, "cfct-backup-enrolment")
RECONCILE = role(MANAGEMENT, "cfct-backup-reconcile")
BAM_REPORTS = role(AUDIT, "aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports")
TRAIL = f"arn:aws:cloudtrail:{HOME}:{MANAGEMENT}:trail/cfct-backup-org-trail"

# ---------------------------------------------------------------- resources
MEMBER_VAULT = f"arn:aws:backup:{HOME}:{MEMBER}:backup-vault:cfct-backup-vault"
MEMBER_RP = f"arn:aws:backup:{HOME}:{MEMBER}:recovery-point:rp-1"
MEMBER_DR_RP = f"arn:aws:backup:{DR}:{MEMBER}:recovery-point:rp-2"
MEMBER_KEY = f"arn:aws:kms:{HOME}:{MEMBER}:key/VaultKey"
MEMBER_ALIAS = f"arn:aws:kms:{HOME}:{MEMBER}:alias/cfct-backup-vault"
BUNKER_VAULT = f"arn:aws:backup:{HOME}:{BUNKER}:backup-vault:cfct-backup-bunker"
BUNKER_DR_VAULT = f"arn:aws:backup:{DR}:{BUNKER}:backup-vault:cfct-backup-bunker"
BUNKER_RP = f"arn:aws:backup:{HOME}:{BUNKER}:recovery-point:rp-3"
BUNKER_KEY = f"arn:aws:kms:{HOME}:{KEY_VAULT}:key/{BUNKER_KEY_ID}"
BUNKER_DR_KEY = f"arn:aws:kms:{DR}:{KEY_VAULT}:key/{BUNKER_KEY_ID}"
LOG_BUCKET = f"arn:aws:s3:::cfct-backup-logs-{LOG_ARCHIVE}-{HOME}"
LOG_OBJECT = f"{LOG_BUCKET}/cloudtrail/AWSLogs/{ORG_ID}/{MEMBER}/CloudTrail/{HOME}/x.json.gz"
REPORT_BUCKET = f"arn:aws:s3:::cfct-backup-reports-{BUNKER}-{HOME}"
OUTSIDER_VAULT = f"arn:aws:backup:{HOME}:{OUTSIDER}:backup-vault:cfct-backup-bunker"


def rolearn(account: str, name: str) -> str:
    return role(account, name)


MFA = {"aws:MultiFactorAuthPresent": "true"}
NO_MFA = {"aws:MultiFactorAuthPresent": "false"}
OUTSIDE = {"aws:PrincipalOrgID": OTHER_ORG, "aws:PrincipalOrgPaths": [f"{OTHER_ORG}/r-zz99/"]}
TO_BUNKER = {"backup:CopyTargets": [BUNKER_VAULT]}
TO_BOTH_BUNKERS = {"backup:CopyTargets": [BUNKER_VAULT, BUNKER_DR_VAULT]}
TO_MEMBER = {"backup:CopyTargets": [MEMBER_VAULT]}
TO_OUTSIDER = {"backup:CopyTargets": [OUTSIDER_VAULT]}
MEMBER_RESTORE = {"iam:PassedToService": "backup.amazonaws.com"}
EC2 = {"iam:PassedToService": "ec2.amazonaws.com"}
GRANT_TO_BUNKER = {
    "kms:GranteePrincipal": f"arn:aws:iam::{BUNKER}:root",
    "kms:GrantOperations": ["Decrypt", "DescribeKey", "GenerateDataKeyWithoutPlaintext"],
}


def svc(account: str, org: str | None = ORG_ID) -> dict[str, Any]:
    ctx: dict[str, Any] = {"aws:SourceAccount": account}
    if org:
        ctx["aws:SourceOrgID"] = org
    return ctx


LOCK_DOWN = "cfct-backup-lock-down-bunker"
PROTECT_KEYS = "cfct-backup-protect-keys"
LIFTED = (LOCK_DOWN, PROTECT_KEYS)

R = Row
ROWS: list[Row] = [
    # -------------------------------------------------------- member vault and recovery points
    R("MV-01", "member vault", "member admin", admin(MEMBER), "backup:DeleteRecoveryPoint", MEMBER_RP, DENIED),
    R("MV-02", "member vault", "member root", root(MEMBER), "backup:DeleteRecoveryPoint", MEMBER_RP, DENIED),
    R("MV-03", "member vault", "pipeline", pipeline(MEMBER), "backup:DeleteRecoveryPoint", MEMBER_RP, DENIED),
    R("MV-04", "member vault", "automation", automation(MEMBER), "backup:DeleteRecoveryPoint", MEMBER_RP, DENIED),
    R("MV-05", "member vault", "break-glass", MEMBER_BREAK_GLASS, "backup:DeleteRecoveryPoint", MEMBER_RP, ALLOWED),
    R("MV-06", "member vault", "member admin", admin(MEMBER), "backup:UpdateRecoveryPointLifecycle", MEMBER_DR_RP, DENIED),
    R("MV-07", "member vault", "break-glass", MEMBER_BREAK_GLASS, "backup:UpdateRecoveryPointLifecycle", MEMBER_RP, ALLOWED),
    R("MV-08", "member vault", "member admin", admin(MEMBER), "backup:PutBackupVaultAccessPolicy", MEMBER_VAULT, DENIED),
    R("MV-09", "member vault", "member root", root(MEMBER), "backup:PutBackupVaultAccessPolicy", MEMBER_VAULT, DENIED),
    R("MV-10", "member vault", "pipeline", pipeline(MEMBER), "backup:PutBackupVaultAccessPolicy", MEMBER_VAULT, ALLOWED),
    R("MV-11", "member vault", "break-glass", MEMBER_BREAK_GLASS, "backup:PutBackupVaultAccessPolicy", MEMBER_VAULT, DENIED),
    R("MV-12", "member vault", "pipeline", pipeline(MEMBER), "backup:DeleteBackupVault", MEMBER_VAULT, DENIED),
    R("MV-13", "member vault", "pipeline", pipeline(MEMBER), "backup:DeleteBackupVaultAccessPolicy", MEMBER_VAULT, DENIED),
    R("MV-14", "member vault", "member admin", admin(MEMBER), "backup:DeleteBackupVaultLockConfiguration", MEMBER_VAULT, DENIED),
    R("MV-15", "member vault", "member admin", admin(MEMBER), "backup:PutBackupVaultLockConfiguration", MEMBER_VAULT, DENIED),
    R("MV-16", "member vault", "pipeline", pipeline(MEMBER), "backup:PutBackupVaultLockConfiguration", MEMBER_VAULT, ALLOWED),
    R("MV-17", "member vault", "member admin", admin(MEMBER), "backup:PutBackupVaultNotifications", MEMBER_VAULT, DENIED),
    R("MV-18", "member vault", "pipeline", pipeline(MEMBER), "backup:PutBackupVaultNotifications", MEMBER_VAULT, ALLOWED),
    R("MV-19", "member vault", "automation", automation(MEMBER), "backup:DeleteBackupVaultNotifications", MEMBER_VAULT, DENIED),
    R("MV-20", "member vault", "backup service role", SERVICE_ROLE, "backup:CopyFromBackupVault", MEMBER_VAULT, ALLOWED, TO_BOTH_BUNKERS),
    R("MV-21", "member vault", "backup service role", SERVICE_ROLE, "backup:CopyFromBackupVault", MEMBER_VAULT, DENIED, TO_OUTSIDER),
    R("MV-22", "member vault", "backup service role", SERVICE_ROLE, "backup:CopyFromBackupVault", MEMBER_VAULT, DENIED, note="CopyTargets absent"),
    R("MV-23", "member vault", "member admin", admin(MEMBER), "backup:CopyFromBackupVault", MEMBER_VAULT, DENIED, TO_OUTSIDER),
    R("MV-24", "member vault", "member admin", admin(MEMBER), "backup:StartCopyJob", MEMBER_RP, DENIED),
    R("MV-25", "member vault", "break-glass", MEMBER_BREAK_GLASS, "backup:StartCopyJob", MEMBER_RP, DENIED, TO_OUTSIDER, note="copy-back runs from the bunker"),
    R("MV-26", "member vault", "member admin", admin(MEMBER), "backup:StartRestoreJob", MEMBER_RP, ALLOWED, note="owners restore their own data"),
    R("MV-27", "member vault", "break-glass", MEMBER_BREAK_GLASS, "backup:StartRestoreJob", MEMBER_RP, ALLOWED),
    R("MV-28", "member vault", "break-glass", MEMBER_BREAK_GLASS, "iam:PassRole", SERVICE_ROLE, ALLOWED, MEMBER_RESTORE),
    R("MV-29", "member vault", "break-glass", MEMBER_BREAK_GLASS, "iam:PassRole", SERVICE_ROLE, DENIED, EC2),
    R("MV-30", "member vault", "member admin", admin(MEMBER), "iam:PassRole", SERVICE_ROLE, DENIED, MEMBER_RESTORE),
    R("MV-31", "member vault", "break-glass", MEMBER_BREAK_GLASS, "backup:StartBackupJob", MEMBER_VAULT, DENIED, note="nothing more than recovery"),
    R("MV-32", "member vault", "restore role (copy-back)", RESTORE_ROLE, "backup:CopyIntoBackupVault", MEMBER_VAULT, ALLOWED),
    R("MV-33", "member vault", "bunker admin", admin(BUNKER), "backup:CopyIntoBackupVault", MEMBER_VAULT, DENIED),
    R("MV-34", "member vault", "outsider", OUTSIDER_ADMIN, "backup:CopyIntoBackupVault", MEMBER_VAULT, DENIED, OUTSIDE),
    R("MV-35", "member vault", "member admin", admin(MEMBER), "organizations:LeaveOrganization", "*", DENIED),
    R("MV-36", "member vault", "member root", root(DEV_MEMBER), "organizations:LeaveOrganization", "*", DENIED),
    R("MV-37", "member vault", "member admin", admin(MEMBER), "backup:UpdateRegionSettings", "*", DENIED),
    R("MV-38", "member vault", "automation", automation(MEMBER), "backup:UpdateRegionSettings", "*", ALLOWED),
    R("MV-39", "member vault", "member admin", admin(MEMBER), "backup:ListRecoveryPointsByBackupVault", MEMBER_VAULT, ALLOWED, note="read stays with the owner"),
    # -------------------------------------------------------- member key
    R("MK-01", "member key", "member admin", admin(MEMBER), "kms:ScheduleKeyDeletion", MEMBER_KEY, DENIED),
    R("MK-02", "member key", "member root", root(MEMBER), "kms:ScheduleKeyDeletion", MEMBER_KEY, DENIED),
    R("MK-03", "member key", "pipeline", pipeline(MEMBER), "kms:ScheduleKeyDeletion", MEMBER_KEY, DENIED, note="rewrite-then-delete closed"),
    R("MK-04", "member key", "pipeline", pipeline(MEMBER), "kms:PutKeyPolicy", MEMBER_KEY, ALLOWED),
    R("MK-05", "member key", "member admin", admin(MEMBER), "kms:PutKeyPolicy", MEMBER_KEY, DENIED),
    R("MK-06", "member key", "member admin", admin(MEMBER), "kms:DisableKey", MEMBER_KEY, DENIED),
    R("MK-07", "member key", "member admin", admin(MEMBER), "kms:DisableKeyRotation", MEMBER_KEY, DENIED),
    R("MK-08", "member key", "member admin", admin(MEMBER), "kms:Decrypt", MEMBER_KEY, ALLOWED),
    R("MK-09", "member key", "outsider", OUTSIDER_ADMIN, "kms:Decrypt", MEMBER_KEY, DENIED, OUTSIDE),
    R("MK-10", "member key", "automation", automation(MEMBER), "kms:CreateGrant", MEMBER_KEY, ALLOWED, GRANT_TO_BUNKER),
    R("MK-11", "member key", "automation", automation(MEMBER), "kms:CreateGrant", MEMBER_KEY, DENIED,
      {**GRANT_TO_BUNKER, "kms:GranteePrincipal": f"arn:aws:iam::{OUTSIDER}:root"}),
    R("MK-12", "member key", "automation", automation(MEMBER), "kms:CreateGrant", MEMBER_KEY, DENIED,
      {**GRANT_TO_BUNKER, "kms:GrantOperations": ["Decrypt", "Encrypt"]}),
    R("MK-13", "member key", "member admin", admin(MEMBER), "kms:CreateGrant", MEMBER_KEY, DENIED, GRANT_TO_BUNKER),
    R("MK-14", "member key", "member admin", admin(MEMBER), "kms:UntagResource", MEMBER_KEY, DENIED, {"aws:TagKeys": ["cfct-backup:managed"]}),
    R("MK-15", "member key", "member admin", admin(MEMBER), "kms:DeleteAlias", MEMBER_ALIAS, DENIED),
    R("MK-16", "member key", "AWS service for the org", "backup.amazonaws.com", "kms:Decrypt", MEMBER_KEY, ALLOWED, svc(MEMBER)),
    R("MK-17", "member key", "AWS service for an outsider", "backup.amazonaws.com", "kms:Decrypt", MEMBER_KEY, DENIED, svc(OUTSIDER, OTHER_ORG)),
    R("MK-18", "member key", "member admin", admin(MEMBER), "kms:CreateAlias", MEMBER_ALIAS, DENIED),
    # -------------------------------------------------------- backup and automation roles
    R("RO-01", "roles", "member admin", admin(MEMBER), "iam:CreateRole", MEMBER_BREAK_GLASS, DENIED, note="reserved name claimed early"),
    R("RO-02", "roles", "member admin", admin(DEV_MEMBER), "iam:CreateRole", automation(DEV_MEMBER), DENIED),
    R("RO-03", "roles", "member root", root(MEMBER), "iam:CreateRole", rolearn(MEMBER, "cfct-backup-service-role"), DENIED),
    R("RO-04", "roles", "member admin", admin(MEMBER), "iam:CreateRole", pipeline(MEMBER), DENIED),
    R("RO-05", "roles", "member admin", admin(MEMBER), "iam:CreateRole", rolearn(MEMBER, "team-app"), ALLOWED, note="not this package's business"),
    R("RO-06", "roles", "pipeline", pipeline(MEMBER), "iam:CreateRole", MEMBER_BREAK_GLASS, ALLOWED),
    R("RO-07", "roles", "member admin", admin(MEMBER), "iam:UpdateAssumeRolePolicy", SERVICE_ROLE, DENIED),
    R("RO-08", "roles", "member admin", admin(MEMBER), "iam:PutRolePolicy", MEMBER_BREAK_GLASS, DENIED),
    R("RO-09", "roles", "break-glass", MEMBER_BREAK_GLASS, "iam:AttachRolePolicy", MEMBER_BREAK_GLASS, DENIED),
    R("RO-10", "roles", "stacksets-exec role", rolearn(MEMBER, "stacksets-exec-0123abcd"), "iam:CreateRole", MEMBER_BREAK_GLASS, DENIED, note="unneeded exemption removed"),
    R("RO-11", "roles", "member admin", admin(MEMBER), "sts:AssumeRole", MEMBER_BREAK_GLASS, DENIED),
    R("RO-12", "roles", "break-glass", BREAK_GLASS, "sts:AssumeRole", MEMBER_BREAK_GLASS, ALLOWED),
    R("RO-13", "roles", "outsider", OUTSIDER_ADMIN, "sts:AssumeRole", MEMBER_BREAK_GLASS, DENIED, OUTSIDE),
    R("RO-14", "roles", "management Lambdas", ENROLMENT, "sts:AssumeRole", automation(MEMBER), ALLOWED),
    R("RO-15", "roles", "management admin", role(MANAGEMENT, "Admin"), "sts:AssumeRole", automation(MEMBER), DENIED),
    R("RO-16", "roles", "AWS service for the org", "backup.amazonaws.com", "sts:AssumeRole", SERVICE_ROLE, ALLOWED, svc(MEMBER)),
    R("RO-17", "roles", "AWS service for an outsider", "backup.amazonaws.com", "sts:AssumeRole", SERVICE_ROLE, DENIED, svc(OUTSIDER, OTHER_ORG)),
    R("RO-18", "roles", "AWS service for the org", "backup.amazonaws.com", "sts:AssumeRole", RESTORE_ROLE, ALLOWED, svc(BUNKER)),
    R("RO-19", "roles", "AWS service for another account", "backup.amazonaws.com", "sts:AssumeRole", RESTORE_ROLE, DENIED, svc(MEMBER)),
    R("RO-20", "roles", "bunker admin", admin(BUNKER), "sts:AssumeRole", BREAK_GLASS, DENIED, note="break-glass without approval"),
    R("RO-21", "roles", "break-glass (Identity Center)", BREAK_GLASS_SSO, "sts:AssumeRole", BREAK_GLASS, ALLOWED, note="approved: member of the group"),
    R("RO-22", "roles", "bunker admin", admin(BUNKER), "iam:CreateRole", RESTORE_ROLE, DENIED),
    R("RO-23", "roles", "pipeline", pipeline(BUNKER), "iam:CreateRole", RESTORE_ROLE, ALLOWED),
    R("RO-24", "roles", "bunker admin", admin(BUNKER), "iam:CreateUser", "*", DENIED),
    R("RO-25", "roles", "pipeline", pipeline(BUNKER), "iam:CreateAccessKey", "*", DENIED),
    R("RO-26", "roles", "member admin", admin(MEMBER), "iam:TagRole", automation(MEMBER), DENIED),
    # -------------------------------------------------------- bunker vaults
    R("BV-01", "bunker vault", "backup service role", SERVICE_ROLE, "backup:CopyIntoBackupVault", BUNKER_VAULT, ALLOWED),
    R("BV-02", "bunker vault", "backup service role", role(DEV_MEMBER, "cfct-backup-service-role"), "backup:CopyIntoBackupVault", BUNKER_DR_VAULT, ALLOWED),
    R("BV-03", "bunker vault", "member admin", admin(MEMBER), "backup:CopyIntoBackupVault", BUNKER_VAULT, DENIED),
    R("BV-04", "bunker vault", "child-OU account", role(CHILD_MEMBER, "cfct-backup-service-role"), "backup:CopyIntoBackupVault", BUNKER_VAULT, DENIED, note="child OU: no baseline, not admitted"),
    R("BV-05", "bunker vault", "sandbox account", role(SANDBOX_MEMBER, "cfct-backup-service-role"), "backup:CopyIntoBackupVault", BUNKER_VAULT, DENIED),
    R("BV-06", "bunker vault", "outsider", role(OUTSIDER, "cfct-backup-service-role"), "backup:CopyIntoBackupVault", BUNKER_VAULT, DENIED, OUTSIDE),
    R("BV-07", "bunker vault", "bunker admin", admin(BUNKER), "backup:DeleteRecoveryPoint", BUNKER_RP, DENIED),
    R("BV-08", "bunker vault", "bunker root", root(BUNKER), "backup:DeleteRecoveryPoint", BUNKER_RP, DENIED),
    R("BV-09", "bunker vault", "pipeline", pipeline(BUNKER), "backup:DeleteRecoveryPoint", BUNKER_RP, DENIED),
    R("BV-10", "bunker vault", "break-glass", BREAK_GLASS, "backup:DeleteRecoveryPoint", BUNKER_RP, ALLOWED, note="Vault Lock still refuses before retention ends"),
    R("BV-11", "bunker vault", "pipeline", pipeline(BUNKER), "backup:PutBackupVaultAccessPolicy", BUNKER_VAULT, ALLOWED, note="new protected OU"),
    R("BV-12", "bunker vault", "bunker admin", admin(BUNKER), "backup:PutBackupVaultAccessPolicy", BUNKER_VAULT, DENIED),
    R("BV-13", "bunker vault", "break-glass", BREAK_GLASS, "backup:PutBackupVaultAccessPolicy", BUNKER_VAULT, DENIED),
    R("BV-14", "bunker vault", "automation", automation(BUNKER), "backup:PutBackupVaultAccessPolicy", BUNKER_VAULT, DENIED, note="org-paths mode"),
    R("BV-15", "bunker vault", "pipeline", pipeline(BUNKER), "backup:DeleteBackupVault", BUNKER_DR_VAULT, DENIED),
    R("BV-16", "bunker vault", "bunker admin", admin(BUNKER), "backup:PutBackupVaultLockConfiguration", BUNKER_VAULT, DENIED),
    R("BV-17", "bunker vault", "pipeline", pipeline(BUNKER), "backup:PutBackupVaultLockConfiguration", BUNKER_VAULT, ALLOWED),
    R("BV-18", "bunker vault", "break-glass", BREAK_GLASS, "backup:StartRestoreJob", BUNKER_RP, ALLOWED),
    R("BV-19", "bunker vault", "bunker admin", admin(BUNKER), "backup:StartRestoreJob", BUNKER_RP, DENIED),
    R("BV-20", "bunker vault", "break-glass", BREAK_GLASS, "backup:StartCopyJob", BUNKER_RP, ALLOWED),
    R("BV-21", "bunker vault", "bunker admin", admin(BUNKER), "backup:StartCopyJob", BUNKER_RP, DENIED),
    R("BV-22", "bunker vault", "break-glass", BREAK_GLASS, "iam:PassRole", RESTORE_ROLE, ALLOWED, MEMBER_RESTORE),
    R("BV-23", "bunker vault", "break-glass", BREAK_GLASS, "iam:PassRole", RESTORE_ROLE, DENIED, EC2),
    R("BV-24", "bunker vault", "bunker admin", admin(BUNKER), "iam:PassRole", RESTORE_ROLE, DENIED, MEMBER_RESTORE),
    R("BV-25", "bunker vault", "restore role", RESTORE_ROLE, "backup:CopyFromBackupVault", BUNKER_VAULT, ALLOWED, TO_MEMBER),
    R("BV-26", "bunker vault", "restore role", RESTORE_ROLE, "backup:CopyFromBackupVault", BUNKER_VAULT, DENIED, TO_OUTSIDER),
    R("BV-27", "bunker vault", "restore role", RESTORE_ROLE, "backup:CopyFromBackupVault", BUNKER_VAULT, DENIED, note="CopyTargets absent"),
    R("BV-28", "bunker vault", "bunker admin", admin(BUNKER), "backup:CopyFromBackupVault", BUNKER_VAULT, DENIED, TO_MEMBER),
    R("BV-29", "bunker vault", "break-glass (Identity Center)", BREAK_GLASS_SSO, "backup:StartRestoreJob", BUNKER_RP, DENIED, note="must assume the role first"),
    R("BV-30", "bunker vault", "break-glass", BREAK_GLASS, "backup:StartBackupJob", BUNKER_VAULT, DENIED, note="nothing more than recovery"),
    R("BV-31", "bunker vault", "bunker admin", admin(BUNKER), "organizations:LeaveOrganization", "*", DENIED),
    R("BV-32", "bunker vault", "break-glass", BREAK_GLASS, "backup:ListRecoveryPointsByBackupVault", BUNKER_VAULT, ALLOWED),
    R("BV-33", "bunker vault", "bunker admin", admin(BUNKER), "backup:UpdateRegionSettings", "*", DENIED),
    # -------------------------------------------------------- bunker key
    R("BK-01", "bunker key", "key vault admin", admin(KEY_VAULT), "kms:ScheduleKeyDeletion", BUNKER_KEY, DENIED, MFA),
    R("BK-02", "bunker key", "key vault root", root(KEY_VAULT), "kms:ScheduleKeyDeletion", BUNKER_KEY, DENIED, MFA, note="SCP: two parties needed"),
    R("BK-03", "bunker key", "pipeline", pipeline(KEY_VAULT), "kms:ScheduleKeyDeletion", BUNKER_DR_KEY, DENIED),
    R("BK-04", "bunker key", "pipeline", pipeline(KEY_VAULT), "kms:PutKeyPolicy", BUNKER_KEY, ALLOWED),
    R("BK-05", "bunker key", "key vault admin", admin(KEY_VAULT), "kms:PutKeyPolicy", BUNKER_KEY, DENIED, MFA),
    R("BK-06", "bunker key", "key vault admin", admin(KEY_VAULT), "kms:DisableKey", BUNKER_DR_KEY, DENIED, MFA),
    R("BK-07", "bunker key", "key vault root", root(KEY_VAULT), "kms:ScheduleKeyDeletion", BUNKER_KEY, ALLOWED, MFA, without_scp=LIFTED, note="residual: management lifts the SCP"),
    R("BK-08", "bunker key", "key vault root", root(KEY_VAULT), "kms:ScheduleKeyDeletion", BUNKER_KEY, DENIED, NO_MFA, without_scp=LIFTED),
    R("BK-09", "bunker key", "pipeline", pipeline(KEY_VAULT), "kms:ScheduleKeyDeletion", BUNKER_KEY, DENIED, MFA, without_scp=LIFTED),
    R("BK-10", "bunker key", "key vault admin", admin(KEY_VAULT), "kms:DisableKey", BUNKER_DR_KEY, DENIED, MFA, without_scp=LIFTED),
    R("BK-11", "bunker key", "key vault root", root(KEY_VAULT), "kms:PutKeyPolicy", BUNKER_KEY, DENIED, NO_MFA, without_scp=LIFTED),
    R("BK-12", "bunker key", "key vault admin", admin(KEY_VAULT), "kms:PutKeyPolicy", BUNKER_DR_KEY, DENIED, MFA, without_scp=LIFTED),
    R("BK-13", "bunker key", "bunker admin", admin(BUNKER), "kms:Decrypt", BUNKER_KEY, ALLOWED),
    R("BK-14", "bunker key", "member admin", admin(MEMBER), "kms:Decrypt", BUNKER_KEY, DENIED),
    R("BK-15", "bunker key", "outsider", OUTSIDER_ADMIN, "kms:Decrypt", BUNKER_DR_KEY, DENIED, OUTSIDE),
    R("BK-16", "bunker key", "key vault admin", admin(KEY_VAULT), "kms:Decrypt", BUNKER_KEY, DENIED, note="administration separated from use"),
    R("BK-17", "bunker key", "bunker admin", admin(BUNKER), "kms:CreateGrant", BUNKER_KEY, DENIED),
    R("BK-18", "bunker key", "bunker admin", admin(BUNKER), "kms:CreateGrant", BUNKER_KEY, ALLOWED, {"kms:GrantIsForAWSResource": "true"}),
    R("BK-19", "bunker key", "key vault admin", admin(KEY_VAULT), "kms:ReplicateKey", BUNKER_KEY, DENIED),
    R("BK-20", "bunker key", "key vault admin", admin(KEY_VAULT), "organizations:LeaveOrganization", "*", DENIED),
    R("BK-21", "bunker key", "automation", automation(KEY_VAULT), "kms:DescribeKey", BUNKER_KEY, ALLOWED),
    # -------------------------------------------------------- Log Archive bucket
    R("LA-01", "log bucket", "log archive admin", admin(LOG_ARCHIVE), "s3:PutBucketPolicy", LOG_BUCKET, DENIED),
    R("LA-02", "log bucket", "log archive root", root(LOG_ARCHIVE), "s3:DeleteBucketPolicy", LOG_BUCKET, DENIED),
    R("LA-03", "log bucket", "pipeline", pipeline(LOG_ARCHIVE), "s3:PutBucketPolicy", LOG_BUCKET, ALLOWED),
    R("LA-04", "log bucket", "log archive admin", admin(LOG_ARCHIVE), "s3:PutLifecycleConfiguration", LOG_BUCKET, DENIED),
    R("LA-05", "log bucket", "log archive admin", admin(LOG_ARCHIVE), "s3:PutBucketObjectLockConfiguration", LOG_BUCKET, DENIED),
    R("LA-06", "log bucket", "log archive root", root(LOG_ARCHIVE), "s3:PutBucketVersioning", LOG_BUCKET, DENIED),
    R("LA-07", "log bucket", "log archive admin", admin(LOG_ARCHIVE), "s3:PutObject", LOG_OBJECT, DENIED, note="forged log lines"),
    R("LA-08", "log bucket", "organization trail", "cloudtrail.amazonaws.com", "s3:PutObject", LOG_OBJECT, ALLOWED, {**svc(MANAGEMENT), "aws:SourceArn": TRAIL}),
    R("LA-09", "log bucket", "another trail", "cloudtrail.amazonaws.com", "s3:PutObject", LOG_OBJECT, DENIED,
      {**svc(MANAGEMENT), "aws:SourceArn": f"arn:aws:cloudtrail:{HOME}:{MANAGEMENT}:trail/other"}),
    R("LA-10", "log bucket", "log archive admin", admin(LOG_ARCHIVE), "s3:DeleteObjectVersion", LOG_OBJECT, DENIED),
    R("LA-11", "log bucket", "pipeline", pipeline(LOG_ARCHIVE), "s3:DeleteObject", LOG_OBJECT, DENIED),
    R("LA-12", "log bucket", "log archive root", root(LOG_ARCHIVE), "s3:BypassGovernanceRetention", LOG_OBJECT, DENIED),
    R("LA-13", "log bucket", "log archive admin", admin(LOG_ARCHIVE), "s3:GetObject", LOG_OBJECT, ALLOWED, note="auditors read logs"),
    R("LA-14", "log bucket", "outsider", OUTSIDER_ADMIN, "s3:GetObject", LOG_OBJECT, DENIED, OUTSIDE),
    R("LA-15", "log bucket", "member admin", admin(MEMBER), "s3:GetObject", LOG_OBJECT, DENIED),
    R("LA-16", "log bucket", "log archive admin", admin(LOG_ARCHIVE), "s3:GetObject", LOG_OBJECT, DENIED, {"aws:SecureTransport": "false"}),
    R("LA-17", "log bucket", "log archive admin", admin(LOG_ARCHIVE), "organizations:LeaveOrganization", "*", DENIED),
    R("LA-18", "log bucket", "log archive admin", admin(LOG_ARCHIVE), "s3:PutObjectRetention", LOG_OBJECT, DENIED),
    # -------------------------------------------------------- reports
    R("RP-01", "reports", "Backup Audit Manager", BAM_REPORTS, "s3:PutObject", f"{REPORT_BUCKET}/audit-manager/r.csv", ALLOWED),
    R("RP-02", "reports", "audit admin", admin(AUDIT), "s3:PutObject", f"{REPORT_BUCKET}/audit-manager/r.csv", DENIED),
    R("RP-03", "reports", "management Lambdas", RECONCILE, "s3:PutObject", f"{REPORT_BUCKET}/reconcile/x.json", ALLOWED),
    R("RP-04", "reports", "management Lambdas", RECONCILE, "s3:PutObject", f"{REPORT_BUCKET}/audit-manager/x.csv", DENIED),
    R("RP-05", "reports", "management Lambdas", RECONCILE, "s3:PutObject", f"{REPORT_BUCKET}/reconcile/x.json", DENIED, {"aws:SecureTransport": "false"}),
    R("RP-06", "reports", "outsider", OUTSIDER_ADMIN, "s3:GetObject", f"{REPORT_BUCKET}/reconcile/x.json", DENIED, OUTSIDE),
    R("RP-07", "reports", "bunker admin", admin(BUNKER), "s3:GetObject", f"{REPORT_BUCKET}/reconcile/x.json", ALLOWED),
    # -------------------------------------------------------- the management account (residual)
    R("MG-01", "organization", "management admin", role(MANAGEMENT, "Admin"), "organizations:DetachPolicy", "*", ALLOWED, note="residual: SCPs never bind the management account"),
    R("MG-02", "member vault", "management admin", role(MANAGEMENT, "Admin"), "backup:DeleteRecoveryPoint", MEMBER_RP, DENIED, note="cross-account: vault policy grants nothing"),
    R("MG-03", "bunker key", "management admin", role(MANAGEMENT, "Admin"), "kms:ScheduleKeyDeletion", BUNKER_KEY, DENIED),
]

BY_ID = {r.id: r for r in ROWS}
assert len(BY_ID) == len(ROWS), "duplicate row IDs"
