"""Security properties of the CloudFormation templates, read from the files and evaluated."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .helpers import (
    AUDIT,
    BUNKER,
    DR,
    HOME,
    KEY_VAULT,
    LOG_ARCHIVE,
    MANAGEMENT,
    MEMBER,
    ORG_ID,
    OUTSIDER,
    PROTECTED_PATHS,
    ROOT_ID,
    SANDBOX_OU,
    TEMPLATES,
    Context,
    Request,
    all_templates,
    allows,
    denies,
    load_template,
    own_templates,
    parameter_file,
    resolve,
    resources,
    role,
    sso_role,
    statements,
)

VAULT_TEMPLATES = {"member-baseline.yaml": MEMBER, "bunker.yaml": BUNKER}
PROTECTED_VAULT_ACTIONS = [
    "backup:DeleteRecoveryPoint",
    "backup:UpdateRecoveryPointLifecycle",
    "backup:PutBackupVaultAccessPolicy",
    "backup:DeleteBackupVaultAccessPolicy",
    "backup:DeleteBackupVault",
    "backup:DeleteBackupVaultLockConfiguration",
]
KEY_TYPES = ("AWS::KMS::Key", "AWS::KMS::ReplicaKey")
GRANT_OPS = ["Decrypt", "DescribeKey", "ReEncryptFrom", "GenerateDataKeyWithoutPlaintext", "CreateGrant"]


def _template(name: str) -> dict[str, Any]:
    return load_template(TEMPLATES / name)


def _vault_policy(name: str, account: str, region: str = HOME) -> dict[str, Any]:
    template = _template(name)
    (vault,) = resources(template, "AWS::Backup::BackupVault").values()
    policy = resolve(vault["Properties"]["AccessPolicy"], Context(account, region), template)
    assert isinstance(policy, dict)
    return policy


def _key_policies() -> list[tuple[str, str, dict[str, Any], str]]:
    """(template, logical id, resolved key policy, owning account) for every key of the package."""
    owners = {"key-vault.yaml": KEY_VAULT, "key-vault-replica.yaml": KEY_VAULT, "audit.yaml": AUDIT}
    found = []
    for path in own_templates():
        template = load_template(path)
        account = owners.get(path.name, MANAGEMENT if path.name.startswith("org-") else MEMBER)
        for logical, res in template["Resources"].items():
            if res["Type"] in KEY_TYPES:
                ctx = Context(account)
                ctx.parameters["PrimaryKeyArn"] = f"arn:aws:kms:{HOME}:{KEY_VAULT}:key/mrk-1"
                policy = resolve(res["Properties"]["KeyPolicy"], ctx, template)
                found.append((path.name, logical, policy, account))
    return found


# ---------------------------------------------------------------- vault access policies


# The Config rule's trio: break-glass (deletion) and the pipeline (later policy updates) are exempt
# here; the SCPs give each only its own action (tests/security/test_matrix.py proves the sum).
CONFIG_RULE_ACTIONS = PROTECTED_VAULT_ACTIONS[:3]
REMOVAL_ACTIONS = PROTECTED_VAULT_ACTIONS[3:]


@pytest.mark.parametrize(("name", "account"), sorted(VAULT_TEMPLATES.items()))
@pytest.mark.parametrize("action", PROTECTED_VAULT_ACTIONS)
def test_vault_policy_denies_deletion_and_policy_changes_to_all_but_break_glass(
    name: str, account: str, action: str
) -> None:
    policy = _vault_policy(name, account)
    for caller in (
        role(account, "Admin"),
        role(account, "cfct-backup-automation"),
        f"arn:aws:iam::{account}:root",
        role(OUTSIDER, "cfct-backup-break-glass"),  # the right name in the wrong account
        role(OUTSIDER, "AWSControlTowerExecution"),
    ):
        assert denies(policy, Request(action, caller)), f"{name}: {action} by {caller} not denied"
    for exempt in ("cfct-backup-break-glass", "AWSControlTowerExecution"):
        assert denies(policy, Request(action, role(account, exempt))) is (action in REMOVAL_ACTIONS), exempt


@pytest.mark.parametrize(("name", "account"), sorted(VAULT_TEMPLATES.items()))
def test_vault_policy_lets_cloudformation_apply_the_lock_after_the_policy(name: str, account: str) -> None:
    """CloudFormation may put the lock after the access policy on create: the policy must not block it
    (the SCPs protect PutBackupVaultLockConfiguration instead)."""
    policy = _vault_policy(name, account)
    pipeline = role(account, "AWSControlTowerExecution")
    assert not denies(policy, Request("backup:PutBackupVaultLockConfiguration", pipeline))
    assert not denies(policy, Request("backup:PutBackupVaultNotifications", pipeline))
    assert not denies(policy, Request("backup:TagResource", pipeline))


def test_member_vault_copies_only_to_the_bunker_vaults() -> None:
    policy = _vault_policy("member-baseline.yaml", MEMBER)
    caller = role(MEMBER, "cfct-backup-service-role")
    home = f"arn:aws:backup:{HOME}:{BUNKER}:backup-vault:cfct-backup-bunker"
    dr = f"arn:aws:backup:{DR}:{BUNKER}:backup-vault:cfct-backup-bunker"
    elsewhere = f"arn:aws:backup:{HOME}:{OUTSIDER}:backup-vault:cfct-backup-bunker"

    def copy(targets: list[str]) -> Request:
        return Request("backup:CopyFromBackupVault", caller, context={"backup:CopyTargets": targets})

    assert not denies(policy, copy([home]))
    assert not denies(policy, copy([dr]))
    assert not denies(policy, copy([home, dr]))
    assert denies(policy, copy([elsewhere]))
    assert denies(policy, copy([home, elsewhere]))
    assert denies(policy, copy([f"arn:aws:backup:{HOME}:{MEMBER}:backup-vault:other"]))


@pytest.mark.parametrize("region", [HOME, DR])
def test_bunker_admits_copies_only_from_the_protected_ous(region: str) -> None:
    policy = _vault_policy("bunker.yaml", BUNKER, region)
    member_role = role(MEMBER, "cfct-backup-service-role")

    def copy_in(org_id: str, paths: list[str]) -> Request:
        return Request(
            "backup:CopyIntoBackupVault",
            member_role,
            context={"aws:PrincipalOrgID": org_id, "aws:PrincipalOrgPaths": paths},
        )

    prod_path = PROTECTED_PATHS[0].replace("*", "")
    assert allows(policy, copy_in(ORG_ID, [prod_path]))
    assert not allows(policy, copy_in(ORG_ID, [f"{ORG_ID}/{ROOT_ID}/{SANDBOX_OU}/"]))
    assert not allows(policy, copy_in("o-otherorg12", [prod_path]))
    # nothing else is allowed to outsiders through the vault policy
    assert not allows(policy, Request("backup:CopyFromBackupVault", member_role))
    assert not allows(policy, Request("backup:StartRestoreJob", member_role))


# ---------------------------------------------------------------- vaults, keys, lock


@pytest.mark.parametrize("name", sorted(VAULT_TEMPLATES))
def test_every_vault_uses_a_customer_managed_key_and_is_retained(name: str) -> None:
    template = _template(name)
    vaults = resources(template, "AWS::Backup::BackupVault")
    assert vaults
    for logical, vault in vaults.items():
        assert vault.get("DeletionPolicy") == "Retain", logical
        assert vault.get("UpdateReplacePolicy") == "Retain", logical
        key = resolve(vault["Properties"]["EncryptionKeyArn"], Context(BUNKER), template)
        assert re.fullmatch(r"arn:aws:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+", key), key
        assert "alias/aws/" not in key
    if name == "bunker.yaml":
        assert key == f"arn:aws:kms:{HOME}:{KEY_VAULT}:key/mrk-0123456789abcdef0123456789abcdef"
        dr_key = resolve(
            next(iter(vaults.values()))["Properties"]["EncryptionKeyArn"], Context(BUNKER, DR), template
        )
        assert dr_key.startswith(f"arn:aws:kms:{DR}:{KEY_VAULT}:key/mrk-")
    else:
        ref = next(iter(vaults.values()))["Properties"]["EncryptionKeyArn"]
        assert ref == {"Fn::GetAtt": ["VaultKey", "Arn"]}
        assert template["Resources"]["VaultKey"]["Type"] == "AWS::KMS::Key"
        assert template["Resources"]["VaultKey"]["Properties"]["EnableKeyRotation"] is True


def test_bunker_lock_is_compliance_mode_within_bounds() -> None:
    template = _template("bunker.yaml")
    (vault,) = resources(template, "AWS::Backup::BackupVault").values()
    lock = vault["Properties"]["LockConfiguration"]
    # compliance mode = a ChangeableForDays grace period is set (governance mode has none)
    assert "ChangeableForDays" in lock
    params = template["Parameters"]
    assert params["LockChangeableForDays"]["MinValue"] >= 3
    for name in ("LockMinRetentionDays", "LockMaxRetentionDays"):
        assert params[name]["MinValue"] >= 1
        assert params[name]["MaxValue"] <= 36500
    values = parameter_file("bunker.json")
    ctx = Context(BUNKER)
    ctx.parameters.update(values)
    resolved = resolve(lock, ctx, template)
    changeable = int(resolved["ChangeableForDays"])
    low, high = int(resolved["MinRetentionDays"]), int(resolved["MaxRetentionDays"])
    assert changeable >= 3
    assert 1 <= low <= high <= 36500


def test_no_key_policy_has_an_unconditioned_star_principal() -> None:
    policies = _key_policies()
    assert {(t, k) for t, k, _, _ in policies} >= {
        ("member-baseline.yaml", "VaultKey"),
        ("key-vault.yaml", "BunkerKey"),
        ("key-vault-replica.yaml", "BunkerReplicaKey"),
    }
    for name, logical, policy, _ in policies:
        for stmt in statements(policy):
            principal = stmt.get("Principal")
            star = principal == "*" or (isinstance(principal, dict) and "*" in _aws(principal))
            if star:
                assert stmt.get("Condition"), f"{name}:{logical}:{stmt.get('Sid')}"


def _aws(principal: dict[str, Any]) -> list[str]:
    value = principal.get("AWS", [])
    return value if isinstance(value, list) else [value]


def _member_key_policy() -> dict[str, Any]:
    ((_, _, policy, _),) = [p for p in _key_policies() if p[0] == "member-baseline.yaml"]
    return policy


def _create_grant(caller: str, grantee: str, ops: list[str], *, for_aws: bool = False) -> Request:
    return Request(
        "kms:CreateGrant",
        caller,
        context={
            "kms:GranteePrincipal": grantee,
            "kms:GrantOperations": ops,
            "kms:GrantIsForAWSResource": "true" if for_aws else "false",
        },
    )


def test_member_key_is_shared_with_the_bunker_only_by_the_automation_role() -> None:
    policy = _member_key_policy()
    automation = role(MEMBER, "cfct-backup-automation")
    bunker_root = f"arn:aws:iam::{BUNKER}:root"
    assert allows(policy, _create_grant(automation, bunker_root, GRANT_OPS))
    assert allows(policy, _create_grant(automation, bunker_root, ["Decrypt", "DescribeKey"]))
    # wrong grantee, extra operation, or another principal: no
    assert not allows(policy, _create_grant(automation, f"arn:aws:iam::{OUTSIDER}:root", GRANT_OPS))
    assert not allows(policy, _create_grant(automation, bunker_root, [*GRANT_OPS, "Encrypt"]))
    assert not allows(policy, _create_grant(automation, bunker_root, ["RetireGrant"]))
    assert not allows(policy, _create_grant(role(MEMBER, "Admin"), bunker_root, GRANT_OPS))
    assert not allows(policy, _create_grant(role(BUNKER, "anything"), bunker_root, GRANT_OPS))
    # AWS services acting for a principal of the account keep working (AWS Backup needs grants)
    assert allows(policy, _create_grant(role(MEMBER, "Admin"), "backup", ["Decrypt"], for_aws=True))
    for action in ("kms:ListGrants", "kms:RevokeGrant", "kms:RetireGrant"):
        assert allows(policy, Request(action, automation)), action
    assert not allows(policy, Request("kms:RetireGrant", role(MEMBER, "Admin")))
    # the bunker gets nothing from the key policy itself: only through the grant
    assert not allows(policy, Request("kms:Decrypt", role(BUNKER, "cfct-backup-service-role")))


def test_member_key_policy_gives_create_grant_to_nobody_else() -> None:
    """Every Allow of kms:CreateGrant is either the automation-to-bunker grant or AWS-service-only."""
    policy = _member_key_policy()
    for stmt in statements(policy):
        actions = stmt["Action"] if isinstance(stmt["Action"], list) else [stmt["Action"]]
        if stmt["Effect"] != "Allow" or not any(
            a in ("kms:CreateGrant", "kms:*", "kms:Create*") for a in actions
        ):
            continue
        cond = stmt.get("Condition", {})
        service_only = cond.get("Bool", {}).get("kms:GrantIsForAWSResource") == "true"
        to_bunker = (
            cond.get("ArnEquals", {}).get("aws:PrincipalArn") == role(MEMBER, "cfct-backup-automation")
            and cond.get("StringEquals", {}).get("kms:GranteePrincipal") == f"arn:aws:iam::{BUNKER}:root"
            and sorted(cond.get("ForAllValues:StringEquals", {}).get("kms:GrantOperations", []))
            == sorted(GRANT_OPS)
        )
        assert service_only or to_bunker, stmt.get("Sid")


@pytest.mark.parametrize("name", ["key-vault.yaml", "key-vault-replica.yaml"])
def test_bunker_key_requires_root_with_mfa_and_serves_only_the_bunker(name: str) -> None:
    """Identity Center and role-chained sessions carry no aws:MultiFactorAuthPresent (IAM condition
    keys page), so the guard names the one principal that can present MFA: the root user."""
    ((_, _, policy, _),) = [p for p in _key_policies() if p[0] == name]
    admin = role(KEY_VAULT, "KeyAdmin")
    root = f"arn:aws:iam::{KEY_VAULT}:root"
    no_mfa = {"aws:MultiFactorAuthPresent": "false"}
    mfa = {"aws:MultiFactorAuthPresent": "true"}
    for action in ("kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"):
        assert denies(policy, Request(action, admin, context=mfa)), f"{action}: a role, even claiming MFA"
        assert denies(policy, Request(action, root, context=no_mfa)), action
        assert denies(policy, Request(action, root)), f"{action} without the MFA key at all"
        assert allows(policy, Request(action, root, context=mfa)), action
    # the pipeline may update the key policy, never delete or disable the key
    pipeline = role(KEY_VAULT, "AWSControlTowerExecution")
    assert allows(policy, Request("kms:PutKeyPolicy", pipeline, context=no_mfa))
    assert denies(policy, Request("kms:ScheduleKeyDeletion", pipeline, context=mfa))
    # administration is separated from use
    for action in ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"):
        assert not allows(policy, Request(action, admin, context=mfa)), action
        assert allows(policy, Request(action, role(BUNKER, "anything"))), action
        assert not allows(policy, Request(action, role(MEMBER, "anything"))), action
    assert not allows(policy, Request("kms:CreateGrant", role(BUNKER, "x"), context={}))
    assert allows(
        policy, Request("kms:CreateGrant", role(BUNKER, "x"), context={"kms:GrantIsForAWSResource": "true"})
    )


# ---------------------------------------------------------------- IAM


def _iam_documents(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    docs: list[tuple[str, dict[str, Any]]] = []
    for logical, res in template["Resources"].items():
        props = res.get("Properties", {})
        if res["Type"] == "AWS::IAM::Role":
            docs += [(f"{logical}:{p['PolicyName']}", p["PolicyDocument"]) for p in props.get("Policies", [])]
        elif res["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            docs.append((logical, props["PolicyDocument"]))
        elif res["Type"] == "AWS::SSO::PermissionSet" and "InlinePolicy" in props:
            docs.append((logical, props["InlinePolicy"]))
    return docs


@pytest.mark.parametrize("path", own_templates(), ids=lambda p: p.name)
def test_no_iam_policy_allows_every_action_on_every_resource(path: Path) -> None:
    template = load_template(path)
    for where, doc in _iam_documents(template):
        for raw in statements(doc):
            # a conditional statement (Fn::If) counts with each of its branches
            branches = raw["Fn::If"][1:] if "Fn::If" in raw else [raw]
            for stmt in branches:
                if isinstance(stmt, dict) and "Effect" in stmt:
                    _no_wildcard_allow(where, stmt)


def _no_wildcard_allow(where: str, stmt: dict[str, Any]) -> None:
    if stmt["Effect"] != "Allow":
        return
    actions = stmt.get("Action", [])
    actions = actions if isinstance(actions, list) else [actions]
    res = stmt.get("Resource", [])
    res = res if isinstance(res, list) else [res]
    assert not ("*" in actions and "*" in res), where
    assert "*" not in actions, f"{where}: Action *"
    assert not any(a.endswith(":*") for a in actions if isinstance(a, str)), f"{where}: service:*"


AUTOMATION_TEMPLATES = {
    "member-baseline.yaml": MEMBER,
    "bunker.yaml": BUNKER,
    "key-vault.yaml": KEY_VAULT,
    "log-archive.yaml": LOG_ARCHIVE,
    "audit.yaml": AUDIT,
}


@pytest.mark.parametrize(("name", "account"), sorted(AUTOMATION_TEMPLATES.items()))
def test_automation_role_trusts_only_the_management_lambda_roles(name: str, account: str) -> None:
    template = _template(name)
    roles = {r["Properties"]["RoleName"]: r for r in resources(template, "AWS::IAM::Role").values()}
    trust = resolve(
        roles["cfct-backup-automation"]["Properties"]["AssumeRolePolicyDocument"], Context(account), template
    )
    for lambda_role in ("cfct-backup-enrolment", "cfct-backup-reconcile"):
        assert allows(trust, Request("sts:AssumeRole", role(MANAGEMENT, lambda_role)))
    for other in (
        role(MANAGEMENT, "Admin"),
        role(account, "cfct-backup-enrolment"),
        role(OUTSIDER, "cfct-backup-reconcile"),
    ):
        assert not allows(trust, Request("sts:AssumeRole", other)), other


def test_member_automation_role_is_least_privilege() -> None:
    template = _template("member-baseline.yaml")
    ctx = Context(MEMBER)
    policy = resolve(
        template["Resources"]["AutomationRole"]["Properties"]["Policies"][0]["PolicyDocument"], ctx, template
    )
    key = f"arn:aws:kms:{HOME}:{MEMBER}:key/abc"
    vault_alias = {"kms:ResourceAliases": ["alias/cfct-backup-vault"]}
    bunker_grant = {**vault_alias, "kms:GranteePrincipal": f"arn:aws:iam::{BUNKER}:root"}
    caller = role(MEMBER, "cfct-backup-automation")
    assert allows(policy, Request("kms:CreateGrant", caller, key, bunker_grant))
    assert not allows(
        policy,
        Request("kms:CreateGrant", caller, key, {**vault_alias, "kms:GranteePrincipal": role(OUTSIDER, "x")}),
    )
    assert not allows(
        policy, Request("kms:CreateGrant", caller, key, {"kms:ResourceAliases": ["alias/other"]})
    )
    assert allows(policy, Request("backup:UpdateRegionSettings", caller))
    vault = f"arn:aws:backup:{HOME}:{MEMBER}:backup-vault:cfct-backup-vault"
    assert allows(policy, Request("backup:GetBackupVaultAccessPolicy", caller, vault))
    for action in (
        "backup:DeleteRecoveryPoint",
        "backup:PutBackupVaultAccessPolicy",
        "kms:Decrypt",
        "iam:PassRole",
    ):
        assert not allows(policy, Request(action, caller, vault)), action


def test_break_glass_roles_need_identity_center_and_one_hour_sessions() -> None:
    bunker = _template("bunker.yaml")
    res = bunker["Resources"]["BreakGlassRole"]["Properties"]
    assert res["MaxSessionDuration"] == 3600
    trust = resolve(res["AssumeRolePolicyDocument"], Context(BUNKER), bunker)
    assert allows(trust, Request("sts:AssumeRole", sso_role(BUNKER, "cfct-backup-break-glass")))
    assert not allows(trust, Request("sts:AssumeRole", sso_role(BUNKER, "AdministratorAccess")))
    assert not allows(trust, Request("sts:AssumeRole", role(BUNKER, "Admin")))
    member = _template("member-baseline.yaml")
    mres = member["Resources"]["BreakGlassRole"]["Properties"]
    mtrust = resolve(mres["AssumeRolePolicyDocument"], Context(MEMBER), member)
    assert allows(mtrust, Request("sts:AssumeRole", role(BUNKER, "cfct-backup-break-glass")))
    assert not allows(mtrust, Request("sts:AssumeRole", role(MEMBER, "Admin")))
    glass = _template("break-glass.yaml")
    pset = glass["Resources"]["BreakGlassPermissionSet"]["Properties"]
    assert pset["SessionDuration"] == "PT1H"
    assert pset["Name"] == "cfct-backup-break-glass"


# ---------------------------------------------------------------- literals and hygiene

ACCOUNT_LITERAL = re.compile(r"(?<![\w.-])\d{12}(?![\w-])")
REGION_LITERAL = re.compile(
    r"\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-(?:north|south|east|west|central|northeast|southeast"
    r"|northwest|southwest)-\d\b"
)


@pytest.mark.parametrize("path", all_templates(), ids=lambda p: p.name)
def test_no_literal_account_region_or_partition_in_templates(path: Path) -> None:
    # comments are prose, not configuration: only what CloudFormation reads is checked
    lines = path.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    assert not ACCOUNT_LITERAL.findall(text), path.name
    assert not REGION_LITERAL.findall(text), path.name
    assert "arn:aws:" not in text and "arn:aws-" not in text, f"{path.name}: use ${{AWS::Partition}}"


def test_literal_detectors_do_catch_literals() -> None:
    assert ACCOUNT_LITERAL.findall('Principal: "arn:aws:iam::123456789012:root"')
    assert REGION_LITERAL.findall("Region: eu-west-1")
    assert not ACCOUNT_LITERAL.findall('AllowedPattern: "^\\\\d{12}$"')


@pytest.mark.parametrize("path", own_templates(), ids=lambda p: p.name)
def test_stateful_resources_are_retained(path: Path) -> None:
    template = load_template(path)
    stateful = (
        "AWS::KMS::Key",
        "AWS::KMS::ReplicaKey",
        "AWS::S3::Bucket",
        "AWS::Backup::BackupVault",
        "AWS::Logs::LogGroup",
    )
    for logical, res in template["Resources"].items():
        if res["Type"] in stateful:
            assert res.get("DeletionPolicy") == "Retain", f"{path.name}:{logical}"
            assert res.get("UpdateReplacePolicy") == "Retain", f"{path.name}:{logical}"


@pytest.mark.parametrize("path", own_templates(), ids=lambda p: p.name)
def test_buckets_are_private_versioned_and_tls_only(path: Path) -> None:
    template = load_template(path)
    for logical, bucket in resources(template, "AWS::S3::Bucket").items():
        props = bucket["Properties"]
        assert props["VersioningConfiguration"]["Status"] == "Enabled", logical
        assert all(props["PublicAccessBlockConfiguration"].values()), logical
        policies = [
            p
            for p in resources(template, "AWS::S3::BucketPolicy").values()
            if p["Properties"]["Bucket"] == {"Ref": logical}
        ]
        assert policies, f"{logical}: no bucket policy"
        ctx = Context(LOG_ARCHIVE)
        doc = resolve(policies[0]["Properties"]["PolicyDocument"], ctx, template)
        arn = _bucket_arn(props, ctx, template)
        insecure = Request(
            "s3:GetObject", role(LOG_ARCHIVE, "Reader"), f"{arn}/x", {"aws:SecureTransport": "false"}
        )
        assert denies(doc, insecure), logical


def _bucket_arn(props: dict[str, Any], ctx: Context, template: dict[str, Any]) -> str:
    return f"arn:aws:s3:::{resolve(props['BucketName'], ctx, template)}"


def test_log_bucket_has_object_lock_and_admits_only_the_organization() -> None:
    template = _template("log-archive.yaml")
    bucket = template["Resources"]["LogBucket"]["Properties"]
    assert bucket["ObjectLockEnabled"] is True
    assert bucket["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]["Mode"] == {"Ref": "ObjectLockMode"}
    assert parameter_file("log-archive.json")["ObjectLockMode"] == "COMPLIANCE"
    ctx = Context(LOG_ARCHIVE)
    doc = resolve(template["Resources"]["LogBucketPolicy"]["Properties"]["PolicyDocument"], ctx, template)
    obj = f"arn:aws:s3:::cfct-backup-logs-{LOG_ARCHIVE}-{HOME}/cloudtrail/x"
    tls = {"aws:SecureTransport": "true"}
    assert denies(
        doc, Request("s3:GetObject", role(OUTSIDER, "x"), obj, {**tls, "aws:PrincipalOrgID": "o-other00000"})
    )
    assert denies(doc, Request("s3:GetObject", role(OUTSIDER, "x"), obj, tls))
    assert not denies(
        doc, Request("s3:GetObject", role(AUDIT, "x"), obj, {**tls, "aws:PrincipalOrgID": ORG_ID})
    )
    trail = f"arn:aws:cloudtrail:{HOME}:{MANAGEMENT}:trail/cfct-backup-org-trail"
    put = Request(
        "s3:PutObject",
        "arn:aws:iam::000000000000:root",
        f"arn:aws:s3:::cfct-backup-logs-{LOG_ARCHIVE}-{HOME}/cloudtrail/AWSLogs/{ORG_ID}/x",
        {**tls, "aws:SourceArn": trail, "aws:PrincipalIsAWSService": "true"},
        service_principal="cloudtrail.amazonaws.com",
    )
    assert allows(doc, put)
    put.context["aws:SourceArn"] = trail.replace("cfct-backup-org-trail", "other")
    assert not allows(doc, put)


def test_central_bus_accepts_events_only_from_the_organization() -> None:
    template = _template("audit.yaml")
    stmt = resolve(
        template["Resources"]["EventBusPolicy"]["Properties"]["Statement"], Context(AUDIT), template
    )
    stmt["Principal"] = {"AWS": "*"} if stmt["Principal"] == "*" else stmt["Principal"]
    policy = {"Statement": [stmt]}
    assert allows(
        policy,
        Request(
            "events:PutEvents",
            role(MEMBER, "cfct-backup-event-forwarder"),
            "getatt:EventBus.Arn",
            {"aws:PrincipalOrgID": ORG_ID},
        ),
    )
    assert not allows(
        policy,
        Request(
            "events:PutEvents",
            role(OUTSIDER, "x"),
            "getatt:EventBus.Arn",
            {"aws:PrincipalOrgID": "o-other00000"},
        ),
    )
    topic = template["Resources"]["AlertTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": ["AlertKey", "Arn"]}
    assert topic["Subscription"][0] == {"Protocol": "email", "Endpoint": {"Ref": "AlertEmail"}}


def test_member_framework_has_the_controls_of_the_design() -> None:
    template = _template("member-baseline.yaml")
    controls = {
        c["ControlName"]
        for c in template["Resources"]["ControlsFramework"]["Properties"]["FrameworkControls"]
    }
    assert controls == {
        "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
        "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
        "BACKUP_RECOVERY_POINT_ENCRYPTED",
        "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED",
        "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
        "BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT",
        "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION",
        "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK",
        "BACKUP_LAST_RECOVERY_POINT_CREATED",
    }
    framework = resolve(
        template["Resources"]["ControlsFramework"]["Properties"], Context(MEMBER, DR), template
    )
    cross_region = next(
        c
        for c in framework["FrameworkControls"]
        if c["ControlName"] == "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION"
    )
    assert cross_region["ControlInputParameters"][0]["ParameterValue"] == HOME  # from DR, the other Region


def test_member_baseline_creates_iam_only_in_the_home_region() -> None:
    template = _template("member-baseline.yaml")
    for logical, res in resources(template, "AWS::IAM::Role").items():
        assert res.get("Condition") == "IsHomeRegion", logical
    from .helpers import condition

    assert condition("IsHomeRegion", Context(MEMBER, HOME), template)
    assert not condition("IsHomeRegion", Context(MEMBER, DR), template)


def test_config_conformance_pack_has_the_backup_rules() -> None:
    import yaml

    template = _template("config-conformance.yaml")
    pack = template["Resources"]["BackupConformancePack"]["Properties"]
    body = yaml.safe_load(pack["TemplateBody"])
    identifiers = {r["Properties"]["Source"]["SourceIdentifier"] for r in body["Resources"].values()}
    assert {
        "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
        "BACKUP_RECOVERY_POINT_ENCRYPTED",
        "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED",
        "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
    } <= identifiers
    assert any(i.endswith("_PROTECTED_BY_BACKUP_PLAN") for i in identifiers)
    bucket = resolve(pack["DeliveryS3Bucket"], Context(MANAGEMENT), template)
    assert bucket == f"awsconfigconforms-cfct-backup-{LOG_ARCHIVE}-{HOME}"
    log_archive = _template("log-archive.yaml")
    assert (
        resolve(
            log_archive["Resources"]["ConformsBucket"]["Properties"]["BucketName"],
            Context(LOG_ARCHIVE),
            log_archive,
        )
        == bucket
    )
