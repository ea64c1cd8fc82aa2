"""Reconcile reports, per selected resource, a workload key that would make the copy to the bunker fail.

Backups of EBS, EC2, RDS and Aurora keep the resource's key
(https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html): the member vault's grant
does not help; the resource key must admit the bunker account, and an AWS managed key never can
(https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html).
"""

from __future__ import annotations

import json
from typing import Any

from cfct_backup_automation.copy_readiness import RESOURCE_TYPES, policy_admits, resource_type
from cfct_backup_automation.reconcile import reconcile_account

from .conftest import HOME, Org


def _key(org: Org, account: str, admit: bool) -> str:
    statements: list[dict[str, Any]] = [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    if admit:
        statements.append(
            {
                "Sid": "BunkerCopiesBackups",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{org.bunker}:root"},
                "Action": [
                    "kms:Decrypt",
                    "kms:DescribeKey",
                    "kms:CreateGrant",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                ],
                "Resource": "*",
            }
        )
    kms = org.member_client("kms", account)
    policy = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return str(kms.create_key(Policy=policy)["KeyMetadata"]["Arn"])


def _volume(org: Org, account: str, key: str | None, tier: str = "daily") -> str:
    ec2 = org.member_client("ec2", account)
    kwargs: dict[str, Any] = {"Encrypted": True, **({"KmsKeyId": key} if key else {})}
    tags = [{"ResourceType": "volume", "Tags": [{"Key": "cfct-backup:tier", "Value": tier}]}]
    return str(
        ec2.create_volume(AvailabilityZone=f"{HOME}a", Size=8, TagSpecifications=tags, **kwargs)["VolumeId"]
    )


def test_reconcile_names_the_resource_key_that_would_fail_the_bunker_copy(org: Org, rt) -> None:
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    bunker_vault = org.deploy_bunker_vault(HOME)
    org.attach_copy_policy(account, [bunker_vault])
    unshared = _key(org, account, admit=False)
    shared = _key(org, account, admit=True)
    bad = _volume(org, account, unshared)
    good = _volume(org, account, shared)
    managed = _volume(org, account, None)  # the default EBS key (aws/ebs) is AWS managed
    ignored = _volume(org, account, unshared, tier="never")  # not selected by any plan

    report = reconcile_account(account, org.protected_ou, rt.cfg, rt.sessions, mode="audit")
    gaps = [g for g in report.gaps if g.code.startswith("copy-key")]
    by_volume = {v: [g for g in gaps if v in g.message] for v in (bad, good, managed, ignored)}
    assert [g.code for g in by_volume[bad]] == ["copy-key-not-shared"]
    assert unshared in by_volume[bad][0].message and org.bunker in by_volume[bad][0].message
    assert [g.code for g in by_volume[managed]] == ["copy-key-aws-managed"]
    assert by_volume[good] == [] and by_volume[ignored] == []


def test_the_type_table_and_the_key_policy_rule() -> None:
    assert RESOURCE_TYPES["EBS"].keeps_source_key and RESOURCE_TYPES["RDS"].keeps_source_key
    assert not RESOURCE_TYPES["S3"].keeps_source_key and not RESOURCE_TYPES["EFS"].keeps_source_key
    assert not RESOURCE_TYPES["RDS"].one_step_cross_account_and_region
    assert not RESOURCE_TYPES["Aurora"].one_step_cross_account_and_region
    assert RESOURCE_TYPES["EBS"].one_step_cross_account_and_region
    assert resource_type("arn:aws:rds:us-east-1:111111111111:cluster:orders") == "Aurora"
    assert resource_type("arn:aws:ec2:us-east-1:111111111111:volume/vol-1") == "EBS"
    bunker = "222222222222"
    allow = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{bunker}:root"}, "Resource": "*"}
    full = {"Statement": [{**allow, "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"]}]}
    assert policy_admits(full, bunker) is None
    partial = {"Statement": [{**allow, "Action": ["kms:Decrypt"]}]}
    assert "kms:CreateGrant" in (policy_admits(partial, bunker) or "")
    anyone = {"Statement": [{**allow, "Principal": "*", "Action": "kms:*"}]}
    assert policy_admits(anyone, bunker) is not None  # "*" without a condition naming the account
    scoped = {
        "Statement": [
            {**anyone["Statement"][0], "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}
        ]
    }
    assert policy_admits(scoped, bunker, "o-1") is None
    denied = {
        "Statement": [
            full["Statement"][0],
            {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"},
        ]
    }
    assert policy_admits(denied, bunker) is not None
