"""Copy jobs of resource types whose backups keep the source resource's key.

https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html (EBS, EC2, RDS, Aurora keep
the resource's key), https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html
(the key must admit the destination account; AWS managed keys never copy across accounts),
https://docs.aws.amazon.com/aws-backup/latest/devguide/recov-point-create-a-copy.html (RDS and Aurora:
one copy action changes either the account or the Region).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .helpers import DR, HOME, session
from .test_emulator_backup_copy import Org

pytestmark = pytest.mark.usefixtures("aws")


def _key(org: Org, admit_bunker: bool) -> str:
    statements: list[dict[str, Any]] = [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{org.member}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    if admit_bunker:
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
    kms = session(org.member).client("kms", region_name=HOME)
    return str(
        kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))["KeyMetadata"][
            "Arn"
        ]
    )


def _volume(org: Org, key: str | None) -> str:
    ec2 = session(org.member).client("ec2", region_name=HOME)
    kwargs: dict[str, Any] = {"Encrypted": True, **({"KmsKeyId": key} if key else {})}
    volume = ec2.create_volume(AvailabilityZone=f"{HOME}a", Size=8, **kwargs)["VolumeId"]
    return f"arn:aws:ec2:{HOME}:{org.member}:volume/{volume}"


def _backup_and_copy(org: Org, resource: str, destination: str) -> dict[str, Any]:
    backup = org.member_backup()
    backup.create_backup_vault(BackupVaultName="cfct-backup-vault", EncryptionKeyArn=_key(org, True))
    point = backup.start_backup_job(
        BackupVaultName="cfct-backup-vault",
        ResourceArn=resource,
        IamRoleArn=org.role,
        Lifecycle={"DeleteAfterDays": 35},
    )["RecoveryPointArn"]
    return org.copy(point, destination)


@pytest.mark.parametrize(
    ("case", "state", "reason"),
    [
        ("key-admits-bunker", "COMPLETED", None),
        ("key-does-not-admit-bunker", "FAILED", "kms:Decrypt"),
        ("aws-managed-key", "FAILED", "AWS managed key"),
    ],
)
def test_ebs_copy_to_the_bunker_depends_on_the_volume_key(case: str, state: str, reason: str | None) -> None:
    org = Org()
    destination = org.bunker_vault(org.by_org_path())
    org.enable_cross_account()
    key = None if case == "aws-managed-key" else _key(org, admit_bunker=case == "key-admits-bunker")
    job = _backup_and_copy(org, _volume(org, key), destination)
    assert job["State"] == state, job.get("StatusMessage")
    if reason:
        assert reason in job["StatusMessage"]


def test_rds_copy_cannot_change_account_and_region_at_once() -> None:
    org = Org()
    org.enable_cross_account()
    dr_bunker = session(org.bunker).client("backup", region_name=DR)
    destination = dr_bunker.create_backup_vault(
        BackupVaultName="cfct-backup-bunker", EncryptionKeyArn="arn:aws:kms:x"
    )["BackupVaultArn"]
    dr_bunker.put_backup_vault_access_policy(
        BackupVaultName="cfct-backup-bunker", Policy=json.dumps(org.by_org_path())
    )
    rds = session(org.member).client("rds", region_name=HOME)
    db = rds.create_db_instance(
        DBInstanceIdentifier="orders",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin",
        MasterUserPassword="password123",
        AllocatedStorage=20,
        StorageEncrypted=True,
        KmsKeyId=_key(org, admit_bunker=True),
    )["DBInstance"]["DBInstanceArn"]
    job = _backup_and_copy(org, db, destination)
    assert job["State"] == "FAILED"
    assert "another account and another Region" in job["StatusMessage"]
