"""The project's policy evaluator against AWS's documented evaluation logic.

Each expectation comes from the AWS page named next to it, not from the code:
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
- https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
- https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
- https://docs.aws.amazon.com/kms/latest/developerguide/control-access.html
"""

from __future__ import annotations

from typing import Any

import pytest

from cfct_backup.policy import PolicyError, Request, evaluate
from cfct_backup.policy.evaluator import allows, denies

A = "111111111111"
B = "222222222222"
ROLE_A = f"arn:aws:iam::{A}:role/app"
ROLE_B = f"arn:aws:iam::{B}:role/app"
VAULT_A = f"arn:aws:backup:us-east-1:{A}:backup-vault:v"
KEY_A = f"arn:aws:kms:us-east-1:{A}:key/k1"
FULL = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
RCP_FULL = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}


def allow(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Statement": [{"Effect": "Allow", "Action": action, "Resource": resource, **extra}]}


def deny(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Statement": [{"Effect": "Deny", "Action": action, "Resource": resource, **extra}]}


def req(
    action: str = "backup:DeleteRecoveryPoint", resource: str = VAULT_A, principal: str = ROLE_A, **ctx: Any
):
    return Request(action, resource, principal, {k.replace("__", ":"): v for k, v in ctx.items()})


# ---------------------------------------------------------------- layers


def test_implicit_deny_without_any_allow() -> None:
    assert not evaluate(req()).allowed


def test_identity_allow_and_explicit_deny_wins_over_it() -> None:
    assert evaluate(req(), identity=[allow()]).allowed
    d = evaluate(
        req(), identity=[allow(), {"Id": "guard", "Statement": [{**deny()["Statement"][0], "Sid": "NoDel"}]}]
    )
    assert not d.allowed
    assert "explicit Deny" in d.reason and "guard" in d.reason and "NoDel" in d.reason


def test_scp_every_level_of_the_ou_path_must_allow() -> None:
    root, ou, acct = [FULL], [allow("backup:*")], [FULL]
    assert evaluate(req(), identity=[allow()], scps=[root, ou, acct]).allowed
    d = evaluate(req(), identity=[allow()], scps=[root, [allow("s3:*")], acct])
    assert not d.allowed and "level 1" in d.reason
    # A level with no policy attached allows nothing.
    assert not evaluate(req(), identity=[allow()], scps=[root, [], acct]).allowed
    # An SCP grants nothing by itself.
    assert not evaluate(req(), scps=[[FULL]]).allowed


def test_scp_deny_at_any_level() -> None:
    assert not evaluate(req(), identity=[allow()], scps=[[FULL], [FULL, deny("backup:Delete*")]]).allowed


def test_scps_do_not_apply_to_the_management_account_or_service_linked_roles() -> None:
    blocked = [[FULL, deny()]]
    assert evaluate(req(), identity=[allow()], scps=blocked, management_account=True).allowed
    slr = f"arn:aws:iam::{A}:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup"
    assert evaluate(req(principal=slr), identity=[allow()], scps=blocked).allowed


def test_rcp_levels_and_management_account_resources() -> None:
    rcp_deny = [[RCP_FULL, deny("s3:*", Principal="*")]]
    bucket = "arn:aws:s3:::b/o"
    r = req("s3:GetObject", bucket)
    assert not evaluate(r, identity=[allow()], rcps=rcp_deny, resource_account=A).allowed
    assert evaluate(r, identity=[allow()], rcps=rcp_deny, resource_account=A, management_account=True).allowed
    assert not evaluate(r, identity=[allow()], rcps=[[RCP_FULL], []], resource_account=A).allowed


def test_rcps_apply_to_service_principals_scps_do_not() -> None:
    bucket = "arn:aws:s3:::b/o"
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::b/*",
            }
        ]
    }
    r = Request("s3:PutObject", bucket, "cloudtrail.amazonaws.com")
    assert evaluate(r, resource_policy=policy, resource_account=A, scps=[[deny()]]).allowed
    rcp = [[RCP_FULL, deny("s3:*", Principal="*")]]
    assert not evaluate(r, resource_policy=policy, resource_account=A, rcps=rcp).allowed


def test_permissions_boundary_caps_identity_policies() -> None:
    assert not evaluate(req(), identity=[allow()], boundary=allow("s3:*")).allowed
    assert evaluate(req(), identity=[allow()], boundary=allow("backup:*")).allowed
    # A boundary grants nothing by itself.
    assert not evaluate(req(), boundary=allow()).allowed


def test_same_account_either_identity_or_resource_policy() -> None:
    named = allow(Principal={"AWS": ROLE_A})
    assert evaluate(req(), resource_policy=named).allowed
    assert evaluate(req(), identity=[allow()], resource_policy=allow(Principal={"AWS": ROLE_B})).allowed


def test_cross_account_needs_both() -> None:
    r = req(principal=ROLE_B)
    grants_b = allow(Principal={"AWS": f"arn:aws:iam::{B}:root"})
    assert not evaluate(r, resource_policy=grants_b).allowed
    assert not evaluate(r, identity=[allow()]).allowed
    assert evaluate(r, identity=[allow()], resource_policy=grants_b).allowed
    assert evaluate(r, identity=[allow()], resource_policy=allow(Principal={"AWS": ROLE_B})).allowed
    assert evaluate(r, identity=[allow()], resource_policy=allow(Principal={"AWS": B})).allowed


def test_kms_identity_policies_count_only_when_the_key_policy_grants_the_account() -> None:
    r = req("kms:Decrypt", KEY_A)
    root_enabled = allow("kms:*", Principal={"AWS": f"arn:aws:iam::{A}:root"})
    only_other = allow("kms:*", Principal={"AWS": ROLE_B})
    assert evaluate(r, identity=[allow()], resource_policy=root_enabled).allowed
    assert not evaluate(r, identity=[allow()], resource_policy=only_other).allowed
    assert not evaluate(r, identity=[allow()]).allowed  # no key policy, no access
    assert not evaluate(r, resource_policy=root_enabled).allowed  # account granted, IAM silent
    assert evaluate(r, resource_policy=allow("kms:Decrypt", Principal={"AWS": ROLE_A})).allowed
    # Cross-account: key policy names the account and the caller's IAM allows.
    rb = req("kms:Decrypt", KEY_A, ROLE_B)
    grants_b = allow("kms:Decrypt", Principal={"AWS": f"arn:aws:iam::{B}:root"})
    assert evaluate(rb, identity=[allow()], resource_policy=grants_b).allowed
    assert not evaluate(rb, resource_policy=allow("kms:Decrypt", Principal={"AWS": ROLE_B})).allowed


def test_trust_policy_for_assume_role() -> None:
    target = f"arn:aws:iam::{A}:role/target"
    r = req("sts:AssumeRole", target, ROLE_A)
    assert evaluate(r, resource_policy=allow("sts:AssumeRole", Principal={"AWS": ROLE_A})).allowed
    by_account = allow("sts:AssumeRole", Principal={"AWS": f"arn:aws:iam::{A}:root"})
    assert not evaluate(r, resource_policy=by_account).allowed
    assert evaluate(r, identity=[allow("sts:AssumeRole")], resource_policy=by_account).allowed
    assert not evaluate(r, identity=[allow()]).allowed  # no trust policy
    # Cross-account: both, even when the trust names the role.
    rb = req("sts:AssumeRole", target, ROLE_B)
    assert not evaluate(rb, resource_policy=allow("sts:AssumeRole", Principal={"AWS": ROLE_B})).allowed
    assert evaluate(
        rb, identity=[allow()], resource_policy=allow("sts:AssumeRole", Principal={"AWS": ROLE_B})
    ).allowed
    # The root user cannot assume a role.
    root = req("sts:AssumeRole", target, f"arn:aws:iam::{A}:root")
    assert not evaluate(root, resource_policy=allow("sts:AssumeRole", Principal={"AWS": A})).allowed
    # A service.
    svc = Request("sts:AssumeRole", target, "backup.amazonaws.com")
    assert evaluate(
        svc, resource_policy=allow("sts:AssumeRole", Principal={"Service": "backup.amazonaws.com"})
    ).allowed
    assert not evaluate(
        svc, resource_policy=allow("sts:AssumeRole", Principal={"Service": "s3.amazonaws.com"})
    ).allowed


def test_root_user_has_full_access_in_its_account_but_scps_apply() -> None:
    root = req(principal=f"arn:aws:iam::{A}:root")
    assert evaluate(root).allowed
    assert not evaluate(root, scps=[[FULL, deny("backup:Delete*")]]).allowed


def test_assumed_role_session_matches_its_role() -> None:
    session = f"arn:aws:sts::{A}:assumed-role/app/alice"
    assert evaluate(req(principal=session), resource_policy=allow(Principal={"AWS": ROLE_A})).allowed
    cond = deny(Condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{A}:role/app"}})
    assert not evaluate(req(principal=session), identity=[allow(), cond]).allowed


# ---------------------------------------------------------------- elements


def test_action_case_insensitive_resource_case_sensitive() -> None:
    assert allows(allow("BACKUP:deleterecoverypoint", VAULT_A), req())
    assert not allows(allow("backup:DeleteRecoveryPoint", VAULT_A.upper()), req())
    assert allows(allow("backup:Delete*"), req())
    assert not allows(allow("backup:Delete?"), req())


def test_not_action_and_not_resource() -> None:
    assert not allows({"Statement": [{"Effect": "Allow", "NotAction": "backup:*", "Resource": "*"}]}, req())
    assert allows({"Statement": [{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}]}, req())
    st = {
        "Statement": [
            {"Effect": "Deny", "Action": "*", "NotResource": f"arn:aws:backup:*:{A}:backup-vault:v"}
        ]
    }
    assert not denies(st, req())
    assert denies(st, req(resource=f"arn:aws:backup:us-east-1:{A}:backup-vault:other"))


def test_resource_wildcards_stay_within_an_arn_segment() -> None:
    # ARN matching compares the six colon-separated parts one by one.
    assert allows(allow(resource="arn:aws:backup:*:*:backup-vault:*"), req())
    assert not allows(allow(resource="arn:aws:backup:*:backup-vault:v"), req())


def test_principal_kinds() -> None:
    r = req()
    assert allows(allow(Principal="*"), r)
    assert allows(allow(Principal={"AWS": "*"}), r)
    assert allows(allow(Principal={"AWS": A}), r)
    assert not allows(allow(Principal={"AWS": B}), r)
    assert not allows(allow(Principal={"Service": "backup.amazonaws.com"}), r)
    svc = Request("backup:CopyIntoBackupVault", VAULT_A, "backup.amazonaws.com")
    assert allows(allow(Principal={"Service": "backup.amazonaws.com"}), svc)
    assert not allows(allow(Principal={"AWS": A}), svc)
    fed = Request("sts:AssumeRoleWithWebIdentity", "*", "cognito-identity.amazonaws.com")
    assert allows(allow(Principal={"Federated": "cognito-identity.amazonaws.com"}), fed)
    with pytest.raises(PolicyError, match="wildcard"):
        allows(allow(Principal={"AWS": f"arn:aws:iam::{A}:role/*"}), r)


def test_not_principal_deny_exempts_only_a_session_named_with_its_account() -> None:
    session = f"arn:aws:sts::{A}:assumed-role/app/alice"
    stmt = {"Effect": "Deny", "Action": "*", "Resource": "*"}
    only_role = {"Statement": [{**stmt, "NotPrincipal": {"AWS": [ROLE_A]}}]}
    full = {"Statement": [{**stmt, "NotPrincipal": {"AWS": [session, f"arn:aws:iam::{A}:root"]}}]}
    assert denies(only_role, req(principal=session))
    assert not denies(full, req(principal=session))
    assert denies(full, req(principal=f"arn:aws:sts::{A}:assumed-role/app/bob"))


def test_identity_policy_with_a_principal_is_an_error() -> None:
    with pytest.raises(PolicyError, match="Principal"):
        evaluate(req(), identity=[allow(Principal="*")])
    with pytest.raises(PolicyError, match="no Principal"):
        evaluate(req(), resource_policy=allow())
    with pytest.raises(PolicyError, match="operator"):
        allows(allow(Condition={"StringEqualz": {"aws:x": "y"}}), req())


# ---------------------------------------------------------------- conditions


def cond(op: str, key: str, value: Any) -> dict[str, Any]:
    return allow(Condition={op: {key: value}})


@pytest.mark.parametrize(
    ("op", "policy_value", "ctx_value", "expected"),
    [
        ("StringEquals", "Prod", "Prod", True),
        ("StringEquals", "Prod", "prod", False),  # values case-sensitive
        ("StringEqualsIgnoreCase", "Prod", "prod", True),
        ("StringNotEquals", "Prod", "Dev", True),
        ("StringNotEquals", ["Prod", "Dev"], "Dev", False),
        ("StringNotEqualsIgnoreCase", "Prod", "PROD", False),
        ("StringLike", "ou-*/prod-?", "ou-1/prod-a", True),
        ("StringLike", "ou-*/prod-?", "ou-1/prod-ab", False),
        ("StringNotLike", "ou-*", "r-1", True),
        ("NumericLessThan", "10", "9", True),
        ("NumericLessThan", "10", "10", False),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericGreaterThan", "10", "11", True),
        ("NumericGreaterThanEquals", "10", "9", False),
        ("NumericEquals", "10", "10.0", True),
        ("NumericNotEquals", "10", "11", True),
        ("NumericEquals", "10", "ten", False),
        ("DateLessThan", "2026-01-01T00:00:00Z", "2025-12-31T23:59:59Z", True),
        ("DateGreaterThan", "2026-01-01T00:00:00Z", "2025-12-31T23:59:59Z", False),
        ("DateEquals", "2026-01-01T00:00:00Z", "1767225600", True),  # epoch seconds
        ("DateNotEquals", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", True),
        ("DateLessThanEquals", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", True),
        ("DateGreaterThanEquals", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", True),
        ("Bool", "true", True, True),
        ("Bool", "true", "false", False),
        ("BinaryEquals", "QmluYXJ5", "QmluYXJ5", True),
        ("IpAddress", "203.0.113.0/24", "203.0.113.9", True),
        ("IpAddress", "203.0.113.0/24", "198.51.100.1", False),
        ("NotIpAddress", "203.0.113.0/24", "198.51.100.1", True),
        ("IpAddress", "2001:db8::/32", "2001:db8::1", True),
        ("ArnLike", "arn:aws:iam::*:role/cfct-backup-*", f"arn:aws:iam::{A}:role/cfct-backup-x", True),
        ("ArnLike", "arn:aws:iam::*:role/cfct-backup-*", f"arn:aws:iam::{A}:role/other", False),
        ("ArnEquals", f"arn:aws:iam::{A}:role/x", f"arn:aws:iam::{A}:role/x", True),
        ("ArnNotLike", "arn:aws:iam::*:role/x", f"arn:aws:iam::{A}:role/y", True),
        ("ArnNotEquals", f"arn:aws:iam::{A}:role/x", f"arn:aws:iam::{A}:role/x", False),
    ],
)
def test_operator(op: str, policy_value: Any, ctx_value: Any, expected: bool) -> None:
    assert allows(cond(op, "test:Key", policy_value), req(test__Key=ctx_value)) is expected


def test_condition_keys_are_case_insensitive() -> None:
    assert allows(cond("StringEquals", "AWS:PrincipalOrgID", "o-1"), req(aws__principalorgid="o-1"))


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("StringEquals", False),
        ("StringNotEquals", True),  # negated operators are true when the key is absent
        ("StringLike", False),
        ("StringNotLike", True),
        ("ArnNotLike", True),
        ("StringEqualsIfExists", True),
        ("NumericLessThanIfExists", True),
        ("ForAnyValue:StringEquals", False),
        ("ForAllValues:StringEquals", True),
        ("ForAnyValue:StringNotEquals", False),
        ("ForAllValues:StringNotLike", True),
    ],
)
def test_absent_key(op: str, expected: bool) -> None:
    assert allows(cond(op, "test:Missing", "x"), req()) is expected


def test_null() -> None:
    assert allows(cond("Null", "backup:CopyTargets", "true"), req())
    assert not allows(cond("Null", "backup:CopyTargets", "false"), req())
    assert allows(cond("Null", "backup:CopyTargets", "false"), req(backup__CopyTargets=["arn:x"]))


def test_set_operators() -> None:
    tags = ["a", "b"]
    assert allows(cond("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b", "c"]), req(aws__TagKeys=tags))
    assert not allows(cond("ForAllValues:StringEquals", "aws:TagKeys", ["a"]), req(aws__TagKeys=tags))
    assert allows(cond("ForAnyValue:StringEquals", "aws:TagKeys", ["b"]), req(aws__TagKeys=tags))
    assert not allows(cond("ForAnyValue:StringEquals", "aws:TagKeys", ["z"]), req(aws__TagKeys=tags))
    assert allows(cond("ForAnyValue:StringNotLike", "aws:TagKeys", ["a"]), req(aws__TagKeys=tags))
    assert not allows(cond("ForAllValues:StringNotLike", "aws:TagKeys", ["a"]), req(aws__TagKeys=tags))
    # An empty set: ForAllValues true, ForAnyValue false.
    assert allows(cond("ForAllValues:StringEquals", "aws:TagKeys", ["a"]), req(aws__TagKeys=[]))
    assert not allows(cond("ForAnyValue:StringEquals", "aws:TagKeys", ["a"]), req(aws__TagKeys=[]))


def test_conditions_and_across_keys_or_within_values() -> None:
    both = allow(Condition={"StringEquals": {"k:a": "1", "k:b": ["2", "3"]}})
    assert allows(both, req(k__a="1", k__b="3"))
    assert not allows(both, req(k__a="1", k__b="4"))
    assert not allows(both, req(k__a="0", k__b="3"))


def test_policy_variables() -> None:
    own = cond("StringEquals", "aws:ResourceAccount", "${aws:PrincipalAccount}")
    assert allows(own, req())  # ResourceAccount derived from the vault ARN, PrincipalAccount from the role
    assert not allows(own, req(principal=ROLE_B))
    res = allow(resource="arn:aws:s3:::home/${aws:PrincipalAccount}/*")
    assert allows(res, req("s3:GetObject", f"arn:aws:s3:::home/{A}/f"))
    assert not allows(res, req("s3:GetObject", f"arn:aws:s3:::home/{B}/f"))
    # Unresolvable variable: the statement is invalid and does not apply; a default resolves it.
    missing = cond("StringEquals", "k:a", "${k:absent}")
    assert not allows(missing, req(k__a="x"))
    assert allows(cond("StringEquals", "k:a", "${k:absent, 'x'}"), req(k__a="x"))
    # ${*} is a literal asterisk.
    assert allows(cond("StringLike", "k:a", "a${*}"), req(k__a="a*"))
    assert not allows(cond("StringLike", "k:a", "a${*}"), req(k__a="ab"))


def test_derived_global_keys() -> None:
    assert allows(cond("Bool", "aws:PrincipalIsAWSService", "false"), req())
    svc = Request("s3:PutObject", "arn:aws:s3:::b/o", "cloudtrail.amazonaws.com")
    st = {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "*",
                "Resource": "*",
                "Condition": {
                    "StringNotEqualsIfExists": {"aws:PrincipalAccount": A},
                    "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                },
            }
        ]
    }
    assert not denies(st, svc)
    assert denies(st, req("s3:PutObject", "arn:aws:s3:::b/o", ROLE_B))
    assert not denies(st, req("s3:PutObject", "arn:aws:s3:::b/o", ROLE_A))


def test_s3_resource_without_account_needs_resource_account() -> None:
    policy = allow(Principal={"AWS": ROLE_B})
    with pytest.raises(PolicyError, match="resource_account"):
        evaluate(req("s3:GetObject", "arn:aws:s3:::b/o", ROLE_B), resource_policy=policy)
