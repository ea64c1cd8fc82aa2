"""KMS: CreateGrant with a Name is idempotent for identical parameters (API_CreateGrant, Name);
multi-Region replicas are keys of their own (API_ReplicateKey, AWS::KMS::ReplicaKey)."""

from __future__ import annotations

import json
import re

import boto3
import pytest
from botocore.exceptions import ClientError

REGION = "us-east-1"
DR = "eu-west-1"
ACCOUNT = "123456789012"

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


# ---- multi-Region keys --------------------------------------------------------------------------


def _policy(sid: str) -> str:
    principal = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    statement = {"Sid": sid, "Effect": "Allow", "Principal": principal, "Action": "kms:*", "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _mrk(**kwargs: object) -> dict:
    return boto3.client("kms", REGION).create_key(MultiRegion=True, **kwargs)["KeyMetadata"]


def _described(region: str, key: str) -> dict:
    return boto3.client("kms", region).describe_key(KeyId=key)["KeyMetadata"]


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_multi_region_key_ids_are_aws_shaped_and_usable_raw(aws) -> None:
    kms = boto3.client("kms", REGION)
    key = _mrk()
    assert re.fullmatch(r"mrk-[0-9a-f]{32}", key["KeyId"])
    assert key["Arn"] == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key['KeyId']}"
    assert key["MultiRegionConfiguration"]["PrimaryKey"]["Arn"] == key["Arn"]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Arn"] == key["Arn"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
    with pytest.raises(ClientError) as missing:
        kms.describe_key(KeyId="mrk-" + "0" * 32)
    assert _code(missing) == "NotFoundException"
    single = kms.create_key()["KeyMetadata"]["KeyId"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", single)


def test_multi_region_key_tags_follow_the_new_id(aws) -> None:
    key = _mrk(Tags=[{"TagKey": "purpose", "TagValue": "bunker"}])
    tags = boto3.client("kms", REGION).list_resource_tags(KeyId=key["KeyId"])["Tags"]
    assert tags == [{"TagKey": "purpose", "TagValue": "bunker"}]


def test_replicate_key_leaves_the_primary_primary(aws) -> None:
    primary = _mrk()
    response = boto3.client("kms", REGION).replicate_key(KeyId=primary["KeyId"], ReplicaRegion=DR)
    replica_arn = primary["Arn"].replace(REGION, DR)
    assert response["ReplicaKeyMetadata"]["Arn"] == replica_arn
    assert response["ReplicaKeyMetadata"]["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    replica = _described(DR, primary["KeyId"])  # moto's DescribeKey of the replica used to flip both
    home = _described(REGION, primary["KeyId"])
    want_primary = {"Arn": primary["Arn"], "Region": REGION}
    want_replicas = [{"Arn": replica_arn, "Region": DR}]
    assert home["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "PRIMARY",
        "PrimaryKey": want_primary,
        "ReplicaKeys": want_replicas,
    }
    assert replica["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "REPLICA",
        "PrimaryKey": want_primary,
        "ReplicaKeys": want_replicas,
    }
    assert replica["KeyId"] == home["KeyId"] == primary["KeyId"]
    assert replica["Arn"] == replica_arn
    assert (replica["KeySpec"], replica["Origin"]) == (home["KeySpec"], home["Origin"])


def test_every_related_key_lists_every_replica(aws) -> None:
    primary = _mrk()
    kms = boto3.client("kms", REGION)
    kms.replicate_key(KeyId=primary["Arn"], ReplicaRegion=DR)  # KeyId as an ARN, too
    kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion="ap-southeast-2")
    for region, kind in ((REGION, "PRIMARY"), (DR, "REPLICA"), ("ap-southeast-2", "REPLICA")):
        config = _described(region, primary["KeyId"])["MultiRegionConfiguration"]
        assert config["MultiRegionKeyType"] == kind, region
        assert [r["Region"] for r in config["ReplicaKeys"]] == [DR, "ap-southeast-2"], region


def test_replica_policy_description_grants_and_aliases_are_its_own(aws) -> None:
    primary = _mrk(Policy=_policy("primary"), Description="home")
    kms, dr = boto3.client("kms", REGION), boto3.client("kms", DR)
    response = kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion=DR)
    key = primary["KeyId"]
    default = json.loads(dr.get_key_policy(KeyId=key, PolicyName="default")["Policy"])
    assert default["Statement"][0]["Sid"] == "Enable IAM User Permissions"  # the default key policy
    assert json.loads(response["ReplicaPolicy"]) == default
    assert _described(DR, key)["Description"] == ""
    dr.put_key_policy(KeyId=key, PolicyName="default", Policy=_policy("replica"))
    dr.update_key_description(KeyId=key, Description="dr")
    assert json.loads(kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"]) == json.loads(
        _policy("primary")
    )
    assert json.loads(dr.get_key_policy(KeyId=key, PolicyName="default")["Policy"]) == json.loads(
        _policy("replica")
    )
    assert _described(REGION, key)["Description"] == "home"
    grant = dr.create_grant(KeyId=key, GranteePrincipal=GRANTEE, Operations=["Decrypt"])["GrantId"]
    assert [g["GrantId"] for g in dr.list_grants(KeyId=key)["Grants"]] == [grant]
    assert kms.list_grants(KeyId=key)["Grants"] == []
    dr.create_alias(AliasName="alias/dr-only", TargetKeyId=key)
    assert "alias/dr-only" not in [a["AliasName"] for a in kms.list_aliases(KeyId=key)["Aliases"]]
    dr.disable_key(KeyId=key)
    assert _described(REGION, key)["Enabled"] is True


def test_replicate_key_takes_the_requested_policy_description_and_tags(aws) -> None:
    primary = _mrk()
    response = boto3.client("kms", REGION).replicate_key(
        KeyId=primary["KeyId"],
        ReplicaRegion=DR,
        Policy=_policy("given"),
        Description="dr copy",
        Tags=[{"TagKey": "role", "TagValue": "dr"}],
    )
    dr = boto3.client("kms", DR)
    assert json.loads(
        dr.get_key_policy(KeyId=primary["KeyId"], PolicyName="default")["Policy"]
    ) == json.loads(_policy("given"))
    assert json.loads(response["ReplicaPolicy"]) == json.loads(_policy("given"))
    assert response["ReplicaTags"] == [{"TagKey": "role", "TagValue": "dr"}]
    assert _described(DR, primary["KeyId"])["Description"] == "dr copy"
    assert dr.list_resource_tags(KeyId=primary["KeyId"])["Tags"] == [{"TagKey": "role", "TagValue": "dr"}]
    assert boto3.client("kms", REGION).list_resource_tags(KeyId=primary["KeyId"])["Tags"] == []


@pytest.mark.parametrize(("source", "target"), [(REGION, DR), (DR, REGION)])
def test_encrypt_in_one_region_decrypt_in_the_other(aws, source: str, target: str) -> None:
    key = _mrk()["KeyId"]
    boto3.client("kms", REGION).replicate_key(KeyId=key, ReplicaRegion=DR)
    context = {"purpose": "dr-test"}
    blob = boto3.client("kms", source).encrypt(KeyId=key, Plaintext=b"secret", EncryptionContext=context)[
        "CiphertextBlob"
    ]
    out = boto3.client("kms", target).decrypt(CiphertextBlob=blob, EncryptionContext=context, KeyId=key)
    assert out["Plaintext"] == b"secret"
    assert out["KeyId"] == f"arn:aws:kms:{target}:{ACCOUNT}:key/{key}"


def test_replicate_key_refuses_what_aws_refuses(aws) -> None:
    kms = boto3.client("kms", REGION)
    single = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as not_multi_region:
        kms.replicate_key(KeyId=single, ReplicaRegion=DR)
    assert _code(not_multi_region) == "UnsupportedOperationException"
    key = _mrk()["KeyId"]
    kms.replicate_key(KeyId=key, ReplicaRegion=DR)
    with pytest.raises(ClientError) as twice:
        kms.replicate_key(KeyId=key, ReplicaRegion=DR)
    assert _code(twice) == "AlreadyExistsException"
    with pytest.raises(ClientError) as own_region:
        kms.replicate_key(KeyId=key, ReplicaRegion=REGION)
    assert _code(own_region) == "AlreadyExistsException"
    with pytest.raises(ClientError) as from_replica:
        boto3.client("kms", DR).replicate_key(KeyId=key, ReplicaRegion="ap-southeast-2")
    assert _code(from_replica) == "UnsupportedOperationException"
    assert [r["Region"] for r in _described(REGION, key)["MultiRegionConfiguration"]["ReplicaKeys"]] == [DR]
    with pytest.raises(ClientError) as missing:
        kms.replicate_key(KeyId="mrk-" + "1" * 32, ReplicaRegion=DR)
    assert _code(missing) == "NotFoundException"


def test_cloudformation_replica_key_leaves_the_primary_primary(aws) -> None:
    primary_template = {
        "Resources": {
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {"MultiRegion": True, "KeyPolicy": _policy("home")},
            }
        },
        "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Key", "Arn"]}}, "Id": {"Value": {"Ref": "Key"}}},
    }
    cfn = boto3.client("cloudformation", REGION)
    cfn.create_stack(StackName="key", TemplateBody=json.dumps(primary_template))
    out = {
        o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName="key")["Stacks"][0]["Outputs"]
    }
    assert re.fullmatch(r"mrk-[0-9a-f]{32}", out["Id"])
    replica_template = {
        "Resources": {
            "Replica": {
                "Type": "AWS::KMS::ReplicaKey",
                "Properties": {"PrimaryKeyArn": out["Arn"], "KeyPolicy": _policy("dr"), "Description": "dr"},
            }
        }
    }
    cfn_dr = boto3.client("cloudformation", DR)
    cfn_dr.create_stack(StackName="replica", TemplateBody=json.dumps(replica_template))
    [resource] = cfn_dr.describe_stack_resources(StackName="replica")["StackResources"]
    assert resource["PhysicalResourceId"] == out["Id"]
    replica, home = _described(DR, out["Id"]), _described(REGION, out["Id"])
    assert home["MultiRegionConfiguration"]["MultiRegionKeyType"] == "PRIMARY"
    assert home["MultiRegionConfiguration"]["ReplicaKeys"] == [{"Arn": replica["Arn"], "Region": DR}]
    assert replica["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert replica["MultiRegionConfiguration"]["PrimaryKey"] == {"Arn": out["Arn"], "Region": REGION}
    policy = {
        r: boto3.client("kms", r).get_key_policy(KeyId=out["Id"], PolicyName="default")["Policy"]
        for r in (REGION, DR)
    }
    assert json.loads(policy[REGION]) == json.loads(_policy("home"))
    assert json.loads(policy[DR]) == json.loads(_policy("dr"))
    assert (replica["Description"], home["Description"]) == ("dr", "")
    blob = boto3.client("kms", DR).encrypt(KeyId=out["Id"], Plaintext=b"p")["CiphertextBlob"]
    assert boto3.client("kms", REGION).decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"
