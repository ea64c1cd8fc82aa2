"""Copy jobs, including the cross-account rules AWS documents for copies into a central vault."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from .helpers import DR, HOME, session

pytestmark = pytest.mark.usefixtures("aws")


class Org:
    def __init__(self) -> None:
        self.org = boto3.client("organizations", region_name=HOME)
        self.org_id = self.org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        self.root = self.org.list_roots()["Roots"][0]["Id"]
        self.workloads = self.org.create_organizational_unit(ParentId=self.root, Name="Workloads")[
            "OrganizationalUnit"
        ]["Id"]
        self.member = self.account("member")
        self.org.move_account(
            AccountId=self.member, SourceParentId=self.root, DestinationParentId=self.workloads
        )
        self.bunker = self.account("bunker")
        self.role = f"arn:aws:iam::{self.member}:role/cfct-backup-service-role"

    def account(self, name: str) -> str:
        return self.org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"][  # type: ignore[no-any-return]
            "AccountId"
        ]

    def member_backup(self) -> Any:
        return session(self.member).client("backup", region_name=HOME)

    def bunker_vault(self, policy: dict[str, Any] | None, lock: dict[str, int] | None = None) -> str:
        backup = session(self.bunker).client("backup", region_name=HOME)
        arn = backup.create_backup_vault(
            BackupVaultName="cfct-backup-bunker", EncryptionKeyArn="arn:aws:kms:x"
        )["BackupVaultArn"]
        if policy is not None:
            backup.put_backup_vault_access_policy(
                BackupVaultName="cfct-backup-bunker", Policy=json.dumps(policy)
            )
        if lock:
            backup.put_backup_vault_lock_configuration(BackupVaultName="cfct-backup-bunker", **lock)
        return arn  # type: ignore[no-any-return]

    def member_point(self, key: str | None = "arn:aws:kms:us-east-1:1:key/k") -> str:
        backup = self.member_backup()
        kwargs = {"EncryptionKeyArn": key} if key else {}
        backup.create_backup_vault(BackupVaultName="cfct-backup-vault", **kwargs)
        return backup.start_backup_job(  # type: ignore[no-any-return]
            BackupVaultName="cfct-backup-vault",
            ResourceArn=f"arn:aws:dynamodb:{HOME}:{self.member}:table/orders",
            IamRoleArn=self.role,
            Lifecycle={"DeleteAfterDays": 35},
        )["RecoveryPointArn"]

    def copy(self, point: str, destination: str, days: int = 35) -> dict[str, Any]:
        backup = self.member_backup()
        job = backup.start_copy_job(
            RecoveryPointArn=point,
            SourceBackupVaultName="cfct-backup-vault",
            DestinationBackupVaultArn=destination,
            IamRoleArn=self.role,
            Lifecycle={"DeleteAfterDays": days},
        )["CopyJobId"]
        return backup.describe_copy_job(CopyJobId=job)["CopyJob"]  # type: ignore[no-any-return]

    def enable_cross_account(self) -> None:
        boto3.client("backup", region_name=HOME).update_global_settings(
            GlobalSettings={"isCrossAccountBackupEnabled": "true"}
        )

    def by_org_path(self) -> dict[str, Any]:
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "backup:CopyIntoBackupVault",
                    "Resource": "*",
                    "Condition": {
                        "ForAnyValue:StringLike": {
                            "aws:PrincipalOrgPaths": [f"{self.org_id}/{self.root}/{self.workloads}/*"]
                        }
                    },
                }
            ],
        }


def test_copy_within_the_account_to_another_region() -> None:
    org = Org()
    point = org.member_point()
    dr = session(org.member).client("backup", region_name=DR)
    dr_arn = dr.create_backup_vault(BackupVaultName="cfct-backup-vault")["BackupVaultArn"]
    job = org.copy(point, dr_arn)
    assert job["State"] == "COMPLETED"
    [copied] = dr.list_recovery_points_by_backup_vault(BackupVaultName="cfct-backup-vault")["RecoveryPoints"]
    assert copied["RecoveryPointArn"] == job["DestinationRecoveryPointArn"]
    assert copied["SourceBackupVaultArn"].endswith(":backup-vault:cfct-backup-vault")


def test_cross_account_copy_allowed_by_org_path_lands_in_the_bunker() -> None:
    org = Org()
    destination = org.bunker_vault(org.by_org_path())
    org.enable_cross_account()
    job = org.copy(org.member_point(), destination)
    assert job["State"] == "COMPLETED", job.get("StatusMessage")
    bunker = session(org.bunker).client("backup", region_name=HOME)
    points = bunker.list_recovery_points_by_backup_vault(BackupVaultName="cfct-backup-bunker")[
        "RecoveryPoints"
    ]
    assert [p["RecoveryPointArn"] for p in points] == [job["DestinationRecoveryPointArn"]]


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("not-enabled", "not enabled"),
        ("no-policy", "access policy"),
        ("other-ou", "access policy"),
        ("aws-managed-key", "AWS managed key"),
        ("explicit-deny", "access policy"),
        ("lock-min", "minimum retention"),
    ],
)
def test_cross_account_copy_fails_as_aws_does(case: str, reason: str) -> None:
    org = Org()
    policy: dict[str, Any] | None = org.by_org_path()
    lock = None
    if case == "no-policy":
        policy = None
    if case == "other-ou":
        policy["Statement"][0]["Condition"]["ForAnyValue:StringLike"]["aws:PrincipalOrgPaths"] = [  # type: ignore[index]
            f"{org.org_id}/{org.root}/ou-none-00000000/*"
        ]
    if case == "explicit-deny":
        policy["Statement"].append(  # type: ignore[index]
            {"Effect": "Deny", "Principal": {"AWS": org.member}, "Action": "backup:*", "Resource": "*"}
        )
    if case == "lock-min":
        lock = {"MinRetentionDays": 90}
    destination = org.bunker_vault(policy, lock)
    if case != "not-enabled":
        org.enable_cross_account()
    point = org.member_point(key=None if case == "aws-managed-key" else "arn:aws:kms:us-east-1:1:key/k")
    job = org.copy(point, destination)
    assert job["State"] == "FAILED"
    assert reason in job["StatusMessage"]
    bunker = session(org.bunker).client("backup", region_name=HOME)
    assert (
        bunker.list_recovery_points_by_backup_vault(BackupVaultName="cfct-backup-bunker")["RecoveryPoints"]
        == []
    )


def test_a_deny_on_any_condition_operator_of_the_vault_policy_refuses_the_copy() -> None:
    """The vault policy is decided by the one IAM evaluator: a Deny whose condition uses Bool (which
    the emulator's old String/Arn-only reading skipped, so the copy went through) applies to the copy
    job's role, and the copy fails as AWS would refuse it
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice)."""
    org = Org()
    policy = org.by_org_path()
    policy["Statement"].append(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "backup:CopyIntoBackupVault",
            "Resource": "*",
            "Condition": {"Bool": {"aws:PrincipalIsAWSService": "false"}},
        }
    )
    destination = org.bunker_vault(policy)
    org.enable_cross_account()
    job = org.copy(org.member_point(), destination)
    assert job["State"] == "FAILED"
    assert "access policy" in job["StatusMessage"]


def test_copy_to_a_vault_that_does_not_exist_fails() -> None:
    org = Org()
    job = org.copy(org.member_point(), "arn:aws:backup:us-east-1:999999999999:backup-vault:nope")
    assert job["State"] == "FAILED" and "does not exist" in job["StatusMessage"]


def test_the_source_vault_policy_refuses_a_copy_to_a_vault_it_does_not_name() -> None:
    """backup:CopyFromBackupVault with backup:CopyTargets, as the member baseline's vault policy
    limits copies to the bunker (https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault-access-policy.html)."""
    org = Org()
    destination = org.bunker_vault(org.by_org_path())
    org.enable_cross_account()
    point = org.member_point()
    only_to = "arn:aws:backup:us-east-1:000000000000:backup-vault:somewhere-else"
    org.member_backup().put_backup_vault_access_policy(
        BackupVaultName="cfct-backup-vault",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "CopyOnlyThere",
                        "Effect": "Deny",
                        "Principal": {"AWS": "*"},
                        "Action": "backup:CopyFromBackupVault",
                        "Resource": "*",
                        "Condition": {"ForAnyValue:ArnNotLike": {"backup:CopyTargets": [only_to]}},
                    }
                ],
            }
        ),
    )
    job = org.copy(point, destination)
    assert job["State"] == "FAILED"
    assert "backup:CopyFromBackupVault" in job["StatusMessage"]


def test_an_scp_of_the_source_account_refuses_copies_by_another_role() -> None:
    org = Org()
    destination = org.bunker_vault(org.by_org_path())
    org.enable_cross_account()
    point = org.member_point()
    org.org.enable_policy_type(RootId=org.root, PolicyType="SERVICE_CONTROL_POLICY")
    scp = org.org.create_policy(
        Name="only-service-role-copies",
        Description="",
        Type="SERVICE_CONTROL_POLICY",
        Content=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Action": "backup:CopyIntoBackupVault",
                        "Resource": "*",
                        "Condition": {
                            "ArnNotLike": {"aws:PrincipalARN": "arn:*:iam::*:role/the-service-role"}
                        },
                    }
                ],
            }
        ),
    )["Policy"]["PolicySummary"]["Id"]
    org.org.attach_policy(PolicyId=scp, TargetId=org.workloads)
    job = org.copy(point, destination)
    assert job["State"] == "FAILED"
    assert "backup:CopyIntoBackupVault" in job["StatusMessage"]
