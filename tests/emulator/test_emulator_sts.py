"""STS AssumeRole: the role must exist and trust the caller, as AWS requires."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from cfct_backup.emulator import sts

pytestmark = pytest.mark.usefixtures("aws")

REGION = "us-east-1"
MANAGEMENT = "123456789012"


def trust(principal: Any) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
        }
    )


def session(creds: dict[str, Any]) -> boto3.Session:
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=REGION,
    )


def assume(role_arn: str, client: Any = None) -> dict[str, Any]:
    client = client or boto3.client("sts", region_name=REGION)
    return client.assume_role(RoleArn=role_arn, RoleSessionName="cfct-backup")["Credentials"]  # type: ignore[no-any-return]


@pytest.fixture
def member() -> str:
    """A member account created through Organizations (so it has OrganizationAccountAccessRole)."""
    org = boto3.client("organizations", region_name=REGION)
    org.create_organization(FeatureSet="ALL")
    return org.create_account(AccountName="app", Email="app@example.com")["CreateAccountStatus"]["AccountId"]  # type: ignore[no-any-return]


@pytest.fixture
def strict() -> Iterator[None]:
    sts.TRUST_POLICY_MODE = "strict"
    yield
    sts.TRUST_POLICY_MODE = "account"


def test_assuming_a_missing_role_is_access_denied_with_the_aws_message(member: str) -> None:
    other = member
    role_arn = f"arn:aws:iam::{other}:role/cfct-backup-automation"
    with pytest.raises(ClientError) as excinfo:
        assume(role_arn)
    error = excinfo.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Message"] == (
        f"User: arn:aws:sts::{MANAGEMENT}:user/moto is not authorized to perform: sts:AssumeRole "
        f"on resource: {role_arn}"
    )


def test_role_created_later_can_then_be_assumed_and_credentials_land_in_its_account(member: str) -> None:
    other = member
    role_arn = f"arn:aws:iam::{other}:role/cfct-backup-automation"
    with pytest.raises(ClientError):
        assume(role_arn)
    # the role appears (its stack instance is deployed), created from inside that account
    bootstrap = session(assume(f"arn:aws:iam::{other}:role/OrganizationAccountAccessRole"))
    bootstrap.client("iam").create_role(
        RoleName="cfct-backup-automation",
        AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{MANAGEMENT}:root"}),
    )
    identity = session(assume(role_arn)).client("sts").get_caller_identity()
    assert identity["Account"] == other
    assert identity["Arn"] == f"arn:aws:sts::{other}:assumed-role/cfct-backup-automation/cfct-backup"


def test_organization_account_access_role_exists_in_a_created_account() -> None:
    org = boto3.client("organizations", region_name=REGION)
    org.create_organization(FeatureSet="ALL")
    account = org.create_account(AccountName="app", Email="app@example.com")["CreateAccountStatus"][
        "AccountId"
    ]
    identity = session(assume(f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole")).client("sts")
    assert identity.get_caller_identity()["Account"] == account


def test_role_that_does_not_trust_the_caller_account_is_denied(member: str) -> None:
    other = member
    iam = session(assume(f"arn:aws:iam::{other}:role/OrganizationAccountAccessRole")).client("iam")
    iam.create_role(
        RoleName="service-only", AssumeRolePolicyDocument=trust({"Service": "backup.amazonaws.com"})
    )
    iam.create_role(
        RoleName="someone-else", AssumeRolePolicyDocument=trust({"AWS": "arn:aws:iam::111122223333:root"})
    )
    iam.create_role(RoleName="by-account-id", AssumeRolePolicyDocument=trust({"AWS": MANAGEMENT}))
    for name in ("service-only", "someone-else"):
        with pytest.raises(ClientError) as excinfo:
            assume(f"arn:aws:iam::{other}:role/{name}")
        assert excinfo.value.response["Error"]["Code"] == "AccessDenied"
    assert assume(f"arn:aws:iam::{other}:role/by-account-id")["AccessKeyId"]


@pytest.mark.usefixtures("strict")
def test_strict_mode_matches_the_callers_own_role_arn(member: str) -> None:
    other = member
    iam = session(assume(f"arn:aws:iam::{other}:role/OrganizationAccountAccessRole")).client("iam")
    iam.create_role(
        RoleName="for-enrolment",
        AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{MANAGEMENT}:role/cfct-backup-enrolment"}),
    )
    target = f"arn:aws:iam::{other}:role/for-enrolment"
    with pytest.raises(ClientError):  # the default moto user is not that role
        assume(target)
    boto3.client("iam").create_role(
        RoleName="cfct-backup-enrolment",
        AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{MANAGEMENT}:root"}),
    )
    enrolment = session(assume(f"arn:aws:iam::{MANAGEMENT}:role/cfct-backup-enrolment"))
    assert assume(target, enrolment.client("sts"))["AccessKeyId"]


def test_same_account_missing_role_is_denied_too() -> None:
    with pytest.raises(ClientError) as excinfo:
        assume(f"arn:aws:iam::{MANAGEMENT}:role/not-there")
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"
