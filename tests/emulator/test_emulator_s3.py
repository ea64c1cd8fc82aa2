"""Bucket policies as AWS applies them, and the ``AWS::S3::Bucket`` properties moto's CloudFormation drops.

What the emulator cannot do (evaluate a conditional Deny whose condition matches) is in the leniency
list of docs/simulate.md, not asserted here."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.usefixtures("aws")


def test_tls_only_deny_admits_https_requests_and_an_unconditional_deny_refuses_them() -> None:
    """AWS applies a statement only when its conditions match
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html):
    "Deny s3:* when aws:SecureTransport is false" lets an HTTPS request through; the same Deny without
    a condition refuses it with 403 AccessDenied."""
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="cfct-backup-reports")
    secure_transport = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "arn:aws:s3:::cfct-backup-reports/*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    s3.put_bucket_policy(
        Bucket="cfct-backup-reports",
        Policy=json.dumps({"Version": "2012-10-17", "Statement": [secure_transport]}),
    )
    s3.put_object(Bucket="cfct-backup-reports", Key="report.json", Body=b"{}")  # HTTPS: allowed
    unconditional = {k: v for k, v in secure_transport.items() if k != "Condition"}
    s3.put_bucket_policy(
        Bucket="cfct-backup-reports",
        Policy=json.dumps({"Version": "2012-10-17", "Statement": [unconditional]}),
    )
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket="cfct-backup-reports", Key="report.json", Body=b"{}")
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def _stack(name: str, properties: dict) -> None:
    template = {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": properties}}}
    boto3.client("cloudformation", region_name="us-east-1").create_stack(
        StackName=name, TemplateBody=json.dumps(template)
    )


def test_cloudformation_bucket_with_object_lock_gets_lock_retention_and_versioning() -> None:
    _stack(
        "logs",
        {
            "BucketName": "cfct-backup-logs",
            "ObjectLockEnabled": True,
            "ObjectLockConfiguration": {
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}},
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "RestrictPublicBuckets": "true"},
        },
    )
    s3 = boto3.client("s3", region_name="us-east-1")
    lock = s3.get_object_lock_configuration(Bucket="cfct-backup-logs")["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled"
    assert lock["Rule"]["DefaultRetention"] == {"Mode": "COMPLIANCE", "Days": 365}
    assert s3.get_bucket_versioning(Bucket="cfct-backup-logs")["Status"] == "Enabled"
    block = s3.get_public_access_block(Bucket="cfct-backup-logs")["PublicAccessBlockConfiguration"]
    assert block["BlockPublicAcls"] and block["RestrictPublicBuckets"] and not block["IgnorePublicAcls"]


def test_cloudformation_bucket_without_object_lock_has_none_and_keeps_its_versioning() -> None:
    _stack("plain", {"BucketName": "plain", "VersioningConfiguration": {"Status": "Suspended"}})
    _stack("bare", {"BucketName": "bare"})
    s3 = boto3.client("s3", region_name="us-east-1")
    with pytest.raises(ClientError) as excinfo:
        s3.get_object_lock_configuration(Bucket="plain")
    assert excinfo.value.response["Error"]["Code"] == "ObjectLockConfigurationNotFoundError"
    assert s3.get_bucket_versioning(Bucket="plain")["Status"] == "Suspended"
    assert "Status" not in s3.get_bucket_versioning(Bucket="bare")


@pytest.mark.parametrize(
    "properties",
    [
        # a default retention without Object Lock enabled on the bucket
        {"ObjectLockConfiguration": {"Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}},
        # an Object Lock bucket cannot have versioning suspended
        {"ObjectLockEnabled": True, "VersioningConfiguration": {"Status": "Suspended"}},
        # a default retention has exactly one of Days / Years
        {
            "ObjectLockEnabled": True,
            "ObjectLockConfiguration": {
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1, "Years": 1}}
            },
        },
    ],
)
@pytest.mark.filterwarnings("ignore:Exception\\(InvalidBucketState\\):UserWarning")
def test_cloudformation_refuses_object_lock_configurations_aws_refuses(properties: dict) -> None:
    with pytest.raises(ClientError) as excinfo:
        _stack("bad", {"BucketName": "bad", **properties})
    assert excinfo.value.response["Error"]["Code"] == "InvalidBucketState"
