"""Security properties of the recovery templates (docs/recovery.md), read from the files and
evaluated with the package helpers: who may copy into the recovery vault, who may assume its roles,
what the restore testing and validation roles may do, and the air-gapped vault switch."""

from __future__ import annotations

from typing import Any

from .helpers import (
    AUDIT,
    BUNKER,
    MEMBER,
    ORG_ID,
    OUTSIDER,
    TEMPLATES,
    Context,
    Request,
    allows,
    condition,
    denies,
    load_template,
    resolve,
    resources,
    role,
)

RECOVERY = "777777777777"


def _roles(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        r["Properties"]["RoleName"]: r["Properties"] for r in resources(template, "AWS::IAM::Role").values()
    }


def test_recovery_vault_admits_copies_only_from_the_bunker_restore_role() -> None:
    template = load_template(TEMPLATES / "recovery-account.yaml")
    (vault,) = resources(template, "AWS::Backup::BackupVault").values()
    assert (
        vault["DeletionPolicy"] == "RetainExceptOnCreate"
    )  # a failed first create must not block the retry (AWS005)
    policy = resolve(vault["Properties"]["AccessPolicy"], Context(RECOVERY), template)
    copy = "backup:CopyIntoBackupVault"
    assert allows(policy, Request(copy, role(BUNKER, "cfct-backup-restore")))
    for other in (
        role(BUNKER, "cfct-backup-break-glass"),
        role(MEMBER, "cfct-backup-service-role"),
        role(OUTSIDER, "cfct-backup-restore"),
    ):
        assert not allows(policy, Request(copy, other)), other
    for action in ("backup:DeleteRecoveryPoint", "backup:PutBackupVaultAccessPolicy"):
        assert denies(policy, Request(action, role(RECOVERY, "Admin")))
        assert not denies(policy, Request(action, role(RECOVERY, "cfct-backup-break-glass")))
    key = resolve(vault["Properties"]["EncryptionKeyArn"], Context(RECOVERY), template)
    assert key.startswith(f"arn:aws:kms:us-east-1:{RECOVERY}:key/")


def test_recovery_roles_trust_only_backup_and_the_bunker_break_glass_role() -> None:
    template = load_template(TEMPLATES / "recovery-account.yaml")
    ctx = Context(RECOVERY)
    roles = _roles(template)
    restore = resolve(roles["cfct-backup-restore"]["AssumeRolePolicyDocument"], ctx, template)
    assert allows(
        restore,
        Request(
            "sts:AssumeRole",
            "backup.amazonaws.com",
            context={"aws:SourceAccount": RECOVERY},
            service_principal="backup.amazonaws.com",
        ),
    )
    glass = roles["cfct-backup-break-glass"]
    assert glass["MaxSessionDuration"] == 3600
    trust = resolve(glass["AssumeRolePolicyDocument"], ctx, template)
    org = {"aws:PrincipalOrgID": ORG_ID}
    assert allows(trust, Request("sts:AssumeRole", role(BUNKER, "cfct-backup-break-glass"), context=org))
    for other in (role(BUNKER, "Admin"), role(MEMBER, "cfct-backup-break-glass"), role(RECOVERY, "Admin")):
        assert not allows(trust, Request("sts:AssumeRole", other, context=org)), other
    policy = resolve(glass["Policies"][0]["PolicyDocument"], ctx, template)
    caller = role(RECOVERY, "cfct-backup-break-glass")
    passed = {"iam:PassedToService": "backup.amazonaws.com"}
    assert allows(policy, Request("iam:PassRole", caller, "getatt:RestoreRole.Arn", context=passed))
    assert not allows(
        policy, Request("iam:PassRole", caller, f"arn:aws:iam::{RECOVERY}:role/Admin", context=passed)
    )
    assert not allows(
        policy, Request("dynamodb:DeleteTable", caller, f"arn:aws:dynamodb:us-east-1:{RECOVERY}:table/orders")
    )
    assert allows(
        policy,
        Request(
            "dynamodb:DeleteTable",
            caller,
            f"arn:aws:dynamodb:us-east-1:{RECOVERY}:table/cfct-backup-restored-orders",
        ),
    )


def test_validator_is_assumed_only_by_the_audit_lambda_and_reads_only_restored_resources() -> None:
    template = load_template(TEMPLATES / "restore-testing.yaml")
    ctx = Context(MEMBER)
    validator = _roles(template)["cfct-backup-restore-validator"]
    trust = resolve(validator["AssumeRolePolicyDocument"], ctx, template)
    assert allows(trust, Request("sts:AssumeRole", role(AUDIT, "cfct-backup-restore-validation")))
    assert not allows(trust, Request("sts:AssumeRole", role(AUDIT, "Admin")))
    policy = resolve(validator["Policies"][0]["PolicyDocument"], ctx, template)
    caller = role(MEMBER, "cfct-backup-restore-validator")
    table = f"arn:aws:dynamodb:us-east-1:{MEMBER}:table/"
    assert allows(policy, Request("dynamodb:Scan", caller, table + "awsbackup-restore-test-abc"))
    assert not allows(policy, Request("dynamodb:Scan", caller, table + "orders"))
    assert not allows(policy, Request("dynamodb:DeleteTable", caller, table + "awsbackup-restore-test-abc"))
    assert allows(policy, Request("backup:PutRestoreValidationResult", caller))


def test_every_tier_has_a_weekly_plan_and_selections_for_the_three_validated_types() -> None:
    template = load_template(TEMPLATES / "restore-testing.yaml")
    plans = resources(template, "AWS::Backup::RestoreTestingPlan")
    tiers = {
        next(t["Value"] for t in p["Properties"]["Tags"] if t["Key"] == "cfct-backup:tier")
        for p in plans.values()
    }
    assert tiers == {"daily", "weekly", "monthly", "continuous"}
    selections = resources(template, "AWS::Backup::RestoreTestingSelection").values()
    by_plan: dict[str, set[str]] = {}
    for s in selections:
        props = s["Properties"]
        by_plan.setdefault(props["RestoreTestingPlanName"]["Ref"], set()).add(props["ProtectedResourceType"])
        assert props["IamRoleArn"] == {"Fn::GetAtt": ["RestoreTestingRole", "Arn"]}
    assert by_plan == {logical: {"DynamoDB", "S3", "EC2"} for logical in plans}


def test_air_gapped_vault_is_off_by_default_and_shared_only_with_the_recovery_account() -> None:
    template = load_template(TEMPLATES / "bunker-air-gapped.yaml")
    params = {"RecoveryAccountId": RECOVERY}
    off = Context(BUNKER, parameters={**Context(BUNKER).parameters, **params})
    assert not condition("AirGappedOn", off, template)
    on = Context(BUNKER, parameters={**off.parameters, "Enabled": "true"})
    assert condition("AirGappedOn", on, template)
    for resource in template["Resources"].values():
        assert resource["Condition"] == "AirGappedOn"
    share = template["Resources"]["RecoveryShare"]["Properties"]
    assert resolve(share["Principals"], on, template) == [RECOVERY]
    assert share["AllowExternalPrincipals"] is False
    vault = template["Resources"]["AirGappedVault"]["Properties"]
    assert template["Parameters"]["MinRetentionDays"]["MinValue"] == 7
    assert "kms" in resolve(vault["EncryptionKeyArn"], on, template)
