"""Bucket policies: moto cannot evaluate conditions, so conditional statements do not deny everything."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.usefixtures("aws")


def test_conditional_deny_does_not_block_but_unconditional_deny_does() -> None:
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
