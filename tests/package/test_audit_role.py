"""cfct-backup-audit (member baseline): read-only, assumable only by the principals named in SSM
/cfct-backup/audit/principal-arns and only from inside the organization.

Evaluated with the test evaluator of tests/package/helpers.py, conditions included (the project's
policy evaluator, src/cfct_backup/policy/evaluator.py, comes with the security branch). Rules:
- a role trust policy naming a principal ARN admits exactly that principal; an account root
  principal delegates to that account's IAM policies:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
- aws:PrincipalOrgID is the organization of the calling principal:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .helpers import (
    MANAGEMENT,
    MEMBER,
    ORG_ID,
    OUTSIDER,
    PARAMETERS,
    TEMPLATES,
    Context,
    Request,
    allows,
    load_template,
    resolve,
    role,
    sso_role,
)

AUDITOR = sso_role(MANAGEMENT, "BackupAuditor")
TEMPLATE = TEMPLATES / "member-baseline.yaml"


def _role(principals: list[str]) -> dict[str, Any]:
    template = load_template(TEMPLATE)
    ctx = Context(MEMBER)
    ctx.parameters["AuditPrincipalArns"] = principals
    resolved = resolve(template["Resources"]["AuditRole"], ctx, template)
    assert resolved["Properties"]["RoleName"] == "cfct-backup-audit"
    return dict(resolved["Properties"])


def _assume(principal: str, org: str = ORG_ID) -> Request:
    return Request(
        "sts:AssumeRole", principal, role(MEMBER, "cfct-backup-audit"), context={"aws:PrincipalOrgID": org}
    )


def test_only_the_named_principals_of_the_organization_may_assume_it() -> None:
    trust = _role([AUDITOR])["AssumeRolePolicyDocument"]
    assert allows(trust, _assume(AUDITOR))
    assert not allows(trust, _assume(sso_role(MANAGEMENT, "AdministratorAccess")))  # not named
    assert not allows(trust, _assume(role(MANAGEMENT, "cfct-backup-enrolment")))
    assert not allows(trust, _assume(role(OUTSIDER, "auditor")))
    # the right ARN from outside the organization (a deleted and recreated account elsewhere) fails
    assert not allows(trust, _assume(AUDITOR, org="o-zzzzzzzzzz"))
    assert not allows(trust, Request("sts:AssumeRole", AUDITOR, context={}))  # no org: condition fails


def test_the_default_principal_is_the_management_account_and_no_other() -> None:
    (entry,) = [
        p
        for p in json.loads((PARAMETERS / "member-baseline.json").read_text())
        if p["ParameterKey"] == "AuditPrincipalArns"
    ]
    assert entry["ParameterValue"] == "$[alfred_ssm_/cfct-backup/audit/principal-arns]"
    trust = _role([f"arn:aws:iam::{MANAGEMENT}:root"])["AssumeRolePolicyDocument"]
    assert allows(trust, _assume(AUDITOR))  # the management account's IAM decides
    assert not allows(trust, _assume(role(MEMBER, "someone")))


@pytest.mark.parametrize(
    "action",
    [
        "backup:UpdateRegionSettings",
        "backup:DeleteBackupVault",
        "backup:PutBackupVaultAccessPolicy",
        "kms:CreateGrant",
        "kms:RevokeGrant",
        "kms:RetireGrant",
        "kms:ScheduleKeyDeletion",
        "iam:UpdateAssumeRolePolicy",
    ],
)
def test_it_can_change_nothing(action: str) -> None:
    (policy,) = _role([AUDITOR])["Policies"]
    req = Request(
        action,
        role(MEMBER, "cfct-backup-audit"),
        "*",
        context={"kms:ResourceAliases": ["alias/cfct-backup-vault"]},
    )
    assert not allows(policy["PolicyDocument"], req)


def test_it_reads_what_the_audit_sweep_reads() -> None:
    (policy,) = _role([AUDITOR])["Policies"]
    vault = f"arn:aws:backup:us-west-2:{MEMBER}:backup-vault:cfct-backup-vault"
    key = f"arn:aws:kms:us-west-2:{MEMBER}:key/1234abcd"
    me = role(MEMBER, "cfct-backup-audit")
    alias = {"kms:ResourceAliases": ["alias/cfct-backup-vault"]}
    doc = policy["PolicyDocument"]
    assert allows(doc, Request("backup:GetBackupVaultAccessPolicy", me, vault))
    assert allows(doc, Request("kms:GetKeyRotationStatus", me, key, context=alias))
    assert not allows(
        doc, Request("kms:GetKeyRotationStatus", me, key, context={"kms:ResourceAliases": ["alias/other"]})
    )
    assert allows(doc, Request("backup:DescribeRegionSettings", me))


def test_the_bunker_has_the_same_audit_role_reading_only_its_vaults() -> None:
    """`cfct-backup audit` reads the bunker vaults as copy destinations through the bunker's own
    cfct-backup-audit (templates/bunker.yaml): the same trust, DescribeBackupVault on cfct-backup-bunker
    and nothing else."""
    from .helpers import BUNKER

    template = load_template(TEMPLATES / "bunker.yaml")
    ctx = Context(BUNKER)
    ctx.parameters["AuditPrincipalArns"] = [AUDITOR]
    props = resolve(template["Resources"]["AuditRole"], ctx, template)["Properties"]
    assert props["RoleName"] == "cfct-backup-audit"
    me = role(BUNKER, "cfct-backup-audit")
    trust = props["AssumeRolePolicyDocument"]
    ask = {"aws:PrincipalOrgID": ORG_ID}
    assert allows(trust, Request("sts:AssumeRole", AUDITOR, me, context=ask))
    assert not allows(
        trust, Request("sts:AssumeRole", AUDITOR, me, context={"aws:PrincipalOrgID": "o-zzzzzzzzzz"})
    )
    assert not allows(trust, Request("sts:AssumeRole", role(BUNKER, "admin"), me, context=ask))
    (policy,) = props["Policies"]
    doc = policy["PolicyDocument"]
    for region in ("us-east-1", "us-west-2"):
        vault = f"arn:aws:backup:{region}:{BUNKER}:backup-vault:cfct-backup-bunker"
        assert allows(doc, Request("backup:DescribeBackupVault", me, vault))
        assert not allows(doc, Request("backup:DeleteBackupVault", me, vault))
        assert not allows(doc, Request("backup:ListRecoveryPointsByBackupVault", me, vault))
    (entry,) = [
        p
        for p in json.loads((PARAMETERS / "bunker.json").read_text())
        if p["ParameterKey"] == "AuditPrincipalArns"
    ]
    assert entry["ParameterValue"] == "$[alfred_ssm_/cfct-backup/audit/principal-arns]"
