"""KMS: CreateGrant with a Name is idempotent for identical parameters (API_CreateGrant, Name)."""

from __future__ import annotations

import boto3
import pytest

REGION = "us-east-1"

GRANTEE = "arn:aws:iam::111122223333:root"
OPS = ["Decrypt", "DescribeKey", "ReEncryptFrom", "GenerateDataKeyWithoutPlaintext", "CreateGrant"]


def _key() -> tuple[object, str]:
    kms = boto3.client("kms", REGION)
    return kms, kms.create_key(Description="k")["KeyMetadata"]["Arn"]


def _grants(kms, key: str) -> list[dict]:
    return kms.list_grants(KeyId=key)["Grants"]


def test_named_grant_retried_with_identical_parameters_returns_the_original(aws) -> None:
    kms, key = _key()
    first = kms.create_grant(KeyId=key, GranteePrincipal=GRANTEE, Operations=OPS, Name="copy")
    again = kms.create_grant(KeyId=key, GranteePrincipal=GRANTEE, Operations=list(reversed(OPS)), Name="copy")
    assert again["GrantId"] == first["GrantId"]
    assert again["GrantToken"] != first["GrantToken"]  # "the returned grant token is unique"
    assert [g["GrantId"] for g in _grants(kms, key)] == [first["GrantId"]]


@pytest.mark.parametrize(
    "change",
    [
        {"Operations": ["Decrypt"]},
        {"GranteePrincipal": "arn:aws:iam::444455556666:root"},
        {"RetiringPrincipal": "arn:aws:iam::111122223333:root"},
        {"Constraints": {"EncryptionContextSubset": {"a": "b"}}},
        {"Name": "other"},
    ],
)
def test_any_other_parameter_makes_a_new_grant(aws, change: dict) -> None:
    kms, key = _key()
    base = {"KeyId": key, "GranteePrincipal": GRANTEE, "Operations": OPS, "Name": "copy"}
    first = kms.create_grant(**base)["GrantId"]
    second = kms.create_grant(**{**base, **change})["GrantId"]
    assert second != first
    assert len(_grants(kms, key)) == 2


def test_without_a_name_every_request_makes_a_new_grant(aws) -> None:
    kms, key = _key()
    a = kms.create_grant(KeyId=key, GranteePrincipal=GRANTEE, Operations=OPS)["GrantId"]
    b = kms.create_grant(KeyId=key, GranteePrincipal=GRANTEE, Operations=OPS)["GrantId"]
    assert a != b
    assert len(_grants(kms, key)) == 2


def test_same_name_on_another_key_is_another_grant(aws) -> None:
    kms, key = _key()
    _, other = _key()
    a = kms.create_grant(KeyId=key, GranteePrincipal=GRANTEE, Operations=OPS, Name="copy")["GrantId"]
    b = kms.create_grant(KeyId=other, GranteePrincipal=GRANTEE, Operations=OPS, Name="copy")["GrantId"]
    assert a != b


def test_a_revoked_grant_is_created_again(aws) -> None:
    kms, key = _key()
    a = kms.create_grant(KeyId=key, GranteePrincipal=GRANTEE, Operations=OPS, Name="copy")["GrantId"]
    kms.revoke_grant(KeyId=key, GrantId=a)
    b = kms.create_grant(KeyId=key, GranteePrincipal=GRANTEE, Operations=OPS, Name="copy")["GrantId"]
    assert b != a
    assert [g["GrantId"] for g in _grants(kms, key)] == [b]


def test_every_token_of_a_grant_retires_it(aws) -> None:
    kms, key = _key()
    kms.create_grant(KeyId=key, GranteePrincipal=GRANTEE, Operations=OPS, Name="copy")
    retry = kms.create_grant(KeyId=key, GranteePrincipal=GRANTEE, Operations=OPS, Name="copy")
    kms.retire_grant(GrantToken=retry["GrantToken"])
    assert _grants(kms, key) == []
