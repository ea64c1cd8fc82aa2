"""IAM authorization of emulated calls: identity policies, SCPs, resource and trust policies.

AWS's evaluation logic: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from cfct_backup.emulator import iam

from .helpers import HOME, session

pytestmark = pytest.mark.usefixtures("aws")
MANAGEMENT = "123456789012"


@pytest.fixture
def enforced(aws: None) -> Iterator[None]:
    iam.reset()
    with iam.enforcing():
        yield
    iam.reset()


@pytest.fixture
def org() -> dict[str, str]:
    client = boto3.client("organizations", region_name=HOME)
    org_id = client.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    member = client.create_account(AccountName="app", Email="app@example.com")["CreateAccountStatus"][
        "AccountId"
    ]
    return {"id": org_id, "member": member, "root": client.list_roots()["Roots"][0]["Id"]}


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _role(iam_client: Any, name: str, trust: dict[str, Any], *allowed: dict[str, Any]) -> str:
    arn: str = iam_client.create_role(RoleName=name, AssumeRolePolicyDocument=_doc(trust))["Role"]["Arn"]
    if allowed:
        iam_client.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=_doc(*allowed))
    return arn


def _trust(account: str, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return statement


def _session_of(creds: dict[str, Any]) -> boto3.Session:
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=HOME,
    )


def _assume(arn: str, client: Any = None, **extra: Any) -> boto3.Session:
    client = client or boto3.client("sts", region_name=HOME)
    return _session_of(client.assume_role(RoleArn=arn, RoleSessionName="tt", **extra)["Credentials"])


def test_a_role_without_the_permission_gets_access_denied_in_the_services_error_shape(enforced: None) -> None:
    iam_client = boto3.client("iam", region_name=HOME)
    boto3.client("dynamodb", region_name=HOME).create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    arn = _role(
        iam_client,
        "reader",
        _trust(MANAGEMENT),
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"},
    )
    reader = _assume(arn)
    reader.client("dynamodb").get_item(TableName="t", Key={"k": {"S": "a"}})  # allowed
    with pytest.raises(ClientError) as denied:
        reader.client("dynamodb").put_item(TableName="t", Item={"k": {"S": "a"}})
    error = denied.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"  # JSON protocol
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Message"].startswith(
        f"User: arn:aws:sts::{MANAGEMENT}:assumed-role/reader/tt is not authorized to perform: "
        f"dynamodb:PutItem on resource: arn:aws:dynamodb:{HOME}:{MANAGEMENT}:table/t because "
    )
    with pytest.raises(ClientError) as query:
        reader.client("iam").get_role(RoleName="reader")
    assert query.value.response["Error"]["Code"] == "AccessDenied"  # query protocol
    assert [(d.principal, d.action) for d in iam.denials()] == [
        (arn, "dynamodb:PutItem"),
        (arn, "iam:GetRole"),
    ]


def test_an_scp_denies_in_a_member_account_but_never_in_the_management_account(
    enforced: None, org: dict[str, str]
) -> None:
    client = boto3.client("organizations", region_name=HOME)
    client.enable_policy_type(RootId=org["root"], PolicyType="SERVICE_CONTROL_POLICY")
    scp = client.create_policy(
        Name="no-buckets",
        Description="",
        Type="SERVICE_CONTROL_POLICY",
        Content=_doc({"Sid": "NoBuckets", "Effect": "Deny", "Action": "s3:CreateBucket", "Resource": "*"}),
    )["Policy"]["PolicySummary"]["Id"]
    client.attach_policy(PolicyId=scp, TargetId=org["root"])
    member = session(org["member"])  # OrganizationAccountAccessRole: AdministratorAccess
    with pytest.raises(ClientError) as denied:
        member.client("s3", region_name=HOME).create_bucket(Bucket="member-bucket")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    assert "s3:CreateBucket" in denied.value.response["Error"]["Message"]
    member.client("sqs", region_name=HOME).create_queue(QueueName="still-allowed")
    boto3.client("s3", region_name=HOME).create_bucket(Bucket="management-bucket")  # SCPs skip it


def test_trust_conditions_external_id_org_id_and_mfa_are_evaluated(
    enforced: None, org: dict[str, str]
) -> None:
    member_iam = session(org["member"]).client("iam", region_name=HOME)
    external = _role(member_iam, "external", _trust(MANAGEMENT, {"StringEquals": {"sts:ExternalId": "cfct"}}))
    org_only = _role(
        member_iam,
        "org-only",
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": org["id"]}},
        },
    )
    mfa = _role(member_iam, "mfa", _trust(MANAGEMENT, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    for arn, extra in ((external, {}), (external, {"ExternalId": "other"}), (mfa, {})):
        with pytest.raises(ClientError) as denied:
            _assume(arn, **extra)
        assert denied.value.response["Error"]["Code"] == "AccessDenied"
    _assume(external, ExternalId="cfct")
    _assume(mfa, SerialNumber=f"arn:aws:iam::{MANAGEMENT}:mfa/admin", TokenCode="123456")
    _assume(org_only)  # the management account is in the organization

    outsider_iam = session(org["member"]).client("iam", region_name=HOME)
    assert outsider_iam is not None
    outside = "210987654321"  # an account outside the organization, with its own user
    from moto.iam.models import iam_backends

    backend = iam_backends[outside]["aws"]
    backend.create_user(None, "stranger")
    backend.put_user_policy("stranger", "all", _doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))
    key = backend.create_access_key("stranger")
    stranger = boto3.client(
        "sts",
        region_name=HOME,
        aws_access_key_id=key.access_key_id,
        aws_secret_access_key=key.secret_access_key,
    )
    with pytest.raises(ClientError):
        _assume(org_only, stranger)


def test_a_kms_key_policy_that_does_not_name_the_caller_refuses_even_an_administrator(
    enforced: None, org: dict[str, str]
) -> None:
    kms = session(org["member"]).client("kms", region_name=HOME)
    policy = _doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{org['member']}:role/someone-else"},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    key = kms.create_key(Policy=policy, BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as denied:
        kms.describe_key(KeyId=key)
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"


def test_an_operation_the_table_does_not_map_is_recorded_as_a_leniency(
    enforced: None, org: dict[str, str]
) -> None:
    session(org["member"]).client("ec2", region_name=HOME).describe_regions()
    recorded = [(u.service, u.operation) for u in iam.unmapped()]
    assert ("ec2", "DescribeRegions") in recorded


def test_without_enforcement_nothing_is_decided(aws: None) -> None:
    iam.reset()  # what an earlier test (in any order) recorded
    iam_client = boto3.client("iam", region_name=HOME)
    arn = _role(iam_client, "nothing", _trust(MANAGEMENT))
    _assume(arn).client("iam").get_role(RoleName="nothing")
    assert iam.denials() == []


def test_a_statement_cloudformation_removed_as_novalue_is_not_read_as_null() -> None:
    """moto's CloudFormation keeps an Fn::If branch that is AWS::NoValue as null in a list;
    CloudFormation removes it."""
    from cfct_backup.emulator.iam.policies import parse

    kept = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    assert parse(json.dumps({"Version": "2012-10-17", "Statement": [None, kept]})) == {
        "Version": "2012-10-17",
        "Statement": [kept],
    }
    assert parse({"Statement": [kept, None]}) == {"Statement": [kept]}


def test_a_function_role_that_does_not_trust_lambda_is_a_recorded_denial(enforced: None) -> None:
    iam_client = boto3.client("iam", region_name=HOME)
    lambda_trust = {
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    good = _role(iam_client, "fn-good", lambda_trust)
    bad = _role(iam_client, "fn-bad", _trust(MANAGEMENT))
    env = iam.service_role_environment(good, "lambda.amazonaws.com", "fn", HOME)
    assert iam.denials() == []
    as_function = boto3.client(
        "sts",
        region_name=HOME,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=env["AWS_SESSION_TOKEN"],
    )
    assert as_function.get_caller_identity()["Arn"] == f"arn:aws:sts::{MANAGEMENT}:assumed-role/fn-good/fn"
    iam.service_role_environment(bad, "lambda.amazonaws.com", "fn", HOME)
    assert [(d.principal, d.action, d.resource) for d in iam.denials()] == [
        ("lambda.amazonaws.com", "sts:AssumeRole", bad)
    ]


def test_the_default_session_made_before_install_is_authorized_too(org: dict[str, str]) -> None:
    """boto3's default session created before the handlers were registered (a test that used
    `boto3.client` under a bare mock_aws first) is authorized all the same: without it, every
    later `boto3.client(...)` call of the process went unchecked (it depended on test order)."""
    iam.uninstall()
    boto3.setup_default_session()  # exists before install(), as after such a test
    iam.install()
    member_iam = session(org["member"]).client("iam", region_name=HOME)
    external = _role(member_iam, "external", _trust(MANAGEMENT, {"StringEquals": {"sts:ExternalId": "cfct"}}))
    iam.reset()
    with iam.enforcing():
        with pytest.raises(ClientError) as denied:
            _assume(external)  # boto3.client("sts"): the default session
        assert denied.value.response["Error"]["Code"] == "AccessDenied"
        _assume(external, ExternalId="cfct")
    iam.reset()
