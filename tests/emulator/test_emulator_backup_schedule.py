"""Policy-managed backup plans and scheduled jobs (seed 2.5, 1.4, 2.6).

AWS rules: once a backup policy applies to an account, AWS Backup creates its plans in that
account in every Region the policy names, and adds or deletes them as the account moves between
OUs or the policy changes; those plans are read-only in the account. On the rule's schedule, a
backup job runs for every resource the plan's selection assigns, inside the rule's start and
completion windows; the recovery point gets the rule's lifecycle and each copy action copies it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from cfct_backup.emulator import clock
from cfct_backup.emulator.backup.schedule import UnsupportedSchedule, occurrences, selected

from .helpers import DR, HOME, session

TIER = "cfct-backup:tier"
KEY = "arn:aws:kms:us-east-1:111111111111:key/k"


def policy(bunker: str, days: int = 35) -> dict[str, Any]:
    bunker_vault = f"arn:aws:backup:{HOME}:{bunker}:backup-vault:cfct-backup-bunker"
    return {
        "plans": {
            "cfct-backup-daily": {
                "regions": {"@@assign": [HOME]},
                "rules": {
                    "daily": {
                        "schedule_expression": {"@@assign": "cron(0 5 ? * * *)"},
                        "start_backup_window_minutes": {"@@assign": "60"},
                        "complete_backup_window_minutes": {"@@assign": "1440"},
                        "target_backup_vault_name": {"@@assign": "cfct-backup-vault"},
                        "lifecycle": {"delete_after_days": {"@@assign": str(days)}},
                        "copy_actions": {
                            bunker_vault: {
                                "target_backup_vault_arn": {"@@assign": bunker_vault},
                                "lifecycle": {"delete_after_days": {"@@assign": str(days)}},
                            }
                        },
                    }
                },
                "selections": {
                    "tags": {
                        "tier_daily": {
                            "iam_role_arn": {
                                "@@assign": "arn:aws:iam::$account:role/cfct-backup-service-role"
                            },
                            "tag_key": {"@@assign": TIER},
                            "tag_value": {"@@assign": ["daily"]},
                        }
                    }
                },
            }
        }
    }


class Org:
    """Root > Workloads (member) and Sandbox (outsider); a bunker account; a daily backup policy."""

    def __init__(self) -> None:
        self.org = boto3.client("organizations", region_name=HOME)
        self.org_id = self.org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        self.root = self.org.list_roots()["Roots"][0]["Id"]
        self.workloads = self.ou("Workloads")
        self.sandbox = self.ou("Sandbox")
        self.member = self.account("member", self.workloads)
        self.outsider = self.account("outsider", self.sandbox)
        self.bunker = self.account("bunker", self.root)
        self.org.enable_policy_type(RootId=self.root, PolicyType="BACKUP_POLICY")
        self.policy_id = self.org.create_policy(
            Name="cfct-backup-daily",
            Description="daily",
            Type="BACKUP_POLICY",
            Content=json.dumps(policy(self.bunker)),
        )["Policy"]["PolicySummary"]["Id"]
        self.org.attach_policy(PolicyId=self.policy_id, TargetId=self.workloads)

    def ou(self, name: str) -> str:
        return self.org.create_organizational_unit(ParentId=self.root, Name=name)[  # type: ignore[no-any-return]
            "OrganizationalUnit"
        ]["Id"]

    def account(self, name: str, parent: str) -> str:
        account: str = self.org.create_account(AccountName=name, Email=f"{name}@example.com")[
            "CreateAccountStatus"
        ]["AccountId"]
        self.org.move_account(AccountId=account, SourceParentId=self.root, DestinationParentId=parent)
        return account

    def backup(self, account: str, region: str = HOME) -> Any:
        return session(account).client("backup", region_name=region)

    def plans(self, account: str, region: str = HOME) -> list[dict[str, Any]]:
        return self.backup(account, region).list_backup_plans()["BackupPlansList"]  # type: ignore[no-any-return]

    def protect(self, account: str) -> None:
        """What the member baseline gives an account: the service role and a CMK-encrypted vault."""
        iam = session(account).client("iam")
        iam.create_role(
            RoleName="cfct-backup-service-role",
            AssumeRolePolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "backup.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
        )
        self.backup(account).create_backup_vault(BackupVaultName="cfct-backup-vault", EncryptionKeyArn=KEY)

    def bunker_vault(self) -> str:
        """The bunker vault admitting copies from the Workloads OU; cross-account backup enabled."""
        backup = self.backup(self.bunker)
        arn: str = backup.create_backup_vault(BackupVaultName="cfct-backup-bunker", EncryptionKeyArn=KEY)[
            "BackupVaultArn"
        ]
        statement = {
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
        backup.put_backup_vault_access_policy(
            BackupVaultName="cfct-backup-bunker",
            Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
        )
        boto3.client("backup", region_name=HOME).update_global_settings(
            GlobalSettings={"isCrossAccountBackupEnabled": "true"}
        )
        return arn

    def table(self, account: str, name: str, tier: str | None) -> str:
        tags = [{"Key": TIER, "Value": tier}] if tier else []
        return (
            session(account)
            .client("dynamodb", region_name=HOME)
            .create_table(  # type: ignore[no-any-return]
                TableName=name,
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
                Tags=tags,
            )["TableDescription"]["TableArn"]
        )


@pytest.fixture
def org(aws: None) -> Org:
    return Org()


def ts(value: Any) -> float:
    return value.timestamp() if isinstance(value, dt.datetime) else float(value)


# -- policy-managed plans (seed 2.5) ---------------------------------------------------------------


def test_attached_policy_creates_the_plan_in_a_member_of_the_ou_and_not_outside(org: Org) -> None:
    [plan] = org.plans(org.member)
    assert plan["BackupPlanName"] == "cfct-backup-daily"
    assert plan["BackupPlanId"].startswith("orgs/")
    assert plan["BackupPlanArn"].endswith(f":{org.member}:backup-plan:{plan['BackupPlanId']}")
    backup = org.backup(org.member)
    got = backup.get_backup_plan(BackupPlanId=plan["BackupPlanId"])
    [rule] = got["BackupPlan"]["Rules"]
    assert rule["TargetBackupVaultName"] == "cfct-backup-vault"
    assert rule["ScheduleExpression"] == "cron(0 5 ? * * *)"
    assert rule["Lifecycle"] == {"DeleteAfterDays": 35}
    [selection] = backup.list_backup_selections(BackupPlanId=plan["BackupPlanId"])["BackupSelectionsList"]
    full = backup.get_backup_selection(
        BackupPlanId=plan["BackupPlanId"], SelectionId=selection["SelectionId"]
    )
    assert full["BackupSelection"]["IamRoleArn"] == f"arn:aws:iam::{org.member}:role/cfct-backup-service-role"
    assert full["BackupSelection"]["ListOfTags"] == [
        {"ConditionType": "STRINGEQUALS", "ConditionKey": TIER, "ConditionValue": "daily"}
    ]
    # only in the Regions the policy names, only in accounts the policy applies to
    assert org.plans(org.member, DR) == []
    assert org.plans(org.outsider) == []
    assert org.plans(org.bunker) == []


def test_plans_follow_membership_and_policy_changes(org: Org) -> None:
    org.org.move_account(AccountId=org.member, SourceParentId=org.workloads, DestinationParentId=org.sandbox)
    assert org.plans(org.member) == []
    org.org.move_account(
        AccountId=org.outsider, SourceParentId=org.sandbox, DestinationParentId=org.workloads
    )
    assert [p["BackupPlanName"] for p in org.plans(org.outsider)] == ["cfct-backup-daily"]

    [before] = org.plans(org.outsider)
    org.org.update_policy(PolicyId=org.policy_id, Content=json.dumps(policy(org.bunker, days=40)))
    [after] = org.plans(org.outsider)
    assert after["BackupPlanId"] == before["BackupPlanId"]
    assert after["VersionId"] != before["VersionId"]
    got = org.backup(org.outsider).get_backup_plan(BackupPlanId=after["BackupPlanId"])
    assert got["BackupPlan"]["Rules"][0]["Lifecycle"] == {"DeleteAfterDays": 40}

    org.org.detach_policy(PolicyId=org.policy_id, TargetId=org.workloads)
    assert org.plans(org.outsider) == []
    with pytest.raises(ClientError) as error:
        org.backup(org.outsider).get_backup_plan(BackupPlanId=after["BackupPlanId"])
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_member_cannot_change_or_delete_the_managed_plan(org: Org) -> None:
    [plan] = org.plans(org.member)
    backup = org.backup(org.member)
    plan_id = plan["BackupPlanId"]
    [selection] = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
    attempts = [
        lambda: backup.delete_backup_plan(BackupPlanId=plan_id),
        lambda: backup.update_backup_plan(
            BackupPlanId=plan_id,
            BackupPlan={"BackupPlanName": "mine", "Rules": [{"RuleName": "r", "TargetBackupVaultName": "v"}]},
        ),
        lambda: backup.delete_backup_selection(BackupPlanId=plan_id, SelectionId=selection["SelectionId"]),
        lambda: backup.create_backup_selection(
            BackupPlanId=plan_id,
            BackupSelection={
                "SelectionName": "more",
                "IamRoleArn": "arn:aws:iam::1:role/r",
                "Resources": ["*"],
            },
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ClientError) as error:
            attempt()
        assert error.value.response["Error"]["Code"] == "InvalidRequestException"
    assert [p["BackupPlanId"] for p in org.plans(org.member)] == [plan_id]
    assert backup.get_backup_plan(BackupPlanId=plan_id)["VersionId"] == plan["VersionId"]


# -- scheduled jobs (seed 1.4, 2.6) ----------------------------------------------------------------


def test_one_day_later_the_daily_rule_backed_up_the_tagged_table_and_copied_it_to_the_bunker(
    org: Org,
) -> None:
    org.protect(org.member)
    bunker_vault = org.bunker_vault()
    tagged = org.table(org.member, "orders", "daily")
    untagged = org.table(org.member, "scratch", None)
    weekly = org.table(org.member, "archive", "weekly")
    backup = org.backup(org.member)
    [plan] = org.plans(org.member)

    before = clock.now()
    clock.advance(days=1)
    after = clock.now()

    [job] = backup.list_backup_jobs()["BackupJobs"]
    assert job["ResourceArn"] == tagged
    assert job["State"] == "COMPLETED"
    assert job["CreatedBy"]["BackupPlanId"] == plan["BackupPlanId"]
    assert job["IamRoleArn"] == f"arn:aws:iam::{org.member}:role/cfct-backup-service-role"
    created = ts(job["CreationDate"])
    assert before < created <= after
    scheduled = dt.datetime.fromtimestamp(created, dt.UTC)
    assert (scheduled.hour, scheduled.minute) == (5, 0)  # cron(0 5 ? * * *), UTC
    assert ts(job["StartBy"]) - created == 60 * 60  # start window
    assert created <= ts(job["CompletionDate"]) <= created + 1440 * 60  # completion window
    assert {untagged, weekly}.isdisjoint(j["ResourceArn"] for j in backup.list_backup_jobs()["BackupJobs"])

    [point] = backup.list_recovery_points_by_backup_vault(BackupVaultName="cfct-backup-vault")[
        "RecoveryPoints"
    ]
    assert point["RecoveryPointArn"] == job["RecoveryPointArn"]
    assert point["Lifecycle"] == {"DeleteAfterDays": 35}
    assert ts(point["CalculatedLifecycle"]["DeleteAt"]) == pytest.approx(
        ts(point["CreationDate"]) + 35 * 86400
    )

    [copy] = backup.list_copy_jobs()["CopyJobs"]
    assert copy["State"] == "COMPLETED", copy.get("StatusMessage")
    assert copy["DestinationBackupVaultArn"] == bunker_vault
    assert copy["SourceRecoveryPointArn"] == point["RecoveryPointArn"]
    [copied] = org.backup(org.bunker).list_recovery_points_by_backup_vault(
        BackupVaultName="cfct-backup-bunker"
    )["RecoveryPoints"]
    assert copied["ResourceArn"] == tagged
    assert copied["Lifecycle"] == {"DeleteAfterDays": 35}
    assert copied["RecoveryPointArn"] == copy["DestinationRecoveryPointArn"]

    # a second day: a second run, nothing run twice for the first
    clock.advance(days=1)
    assert len(backup.list_backup_jobs()["BackupJobs"]) == 2
    assert org.plans(org.member)[0]["LastExecutionDate"]


def test_no_job_outside_the_policy_or_before_the_schedule(org: Org) -> None:
    for account in (org.member, org.outsider):
        org.protect(account)
        org.table(account, "orders", "daily")
    clock.advance(seconds=60)  # a minute: 05:00 UTC not crossed unless we start at 04:59
    first = org.backup(org.member).list_backup_jobs()["BackupJobs"]
    assert len(first) <= 1
    clock.advance(days=1)
    assert len(org.backup(org.member).list_backup_jobs()["BackupJobs"]) == len(first) + 1
    assert org.backup(org.outsider).list_backup_jobs()["BackupJobs"] == []


def test_scheduled_job_fails_without_the_role_and_skips_types_not_opted_in(org: Org) -> None:
    org.backup(org.member).create_backup_vault(BackupVaultName="cfct-backup-vault", EncryptionKeyArn=KEY)
    table = org.table(org.member, "orders", "daily")
    s3 = session(org.member).client("s3", region_name=HOME)
    s3.create_bucket(Bucket="member-data")
    s3.put_bucket_tagging(Bucket="member-data", Tagging={"TagSet": [{"Key": TIER, "Value": "daily"}]})
    clock.advance(days=1)
    [job] = org.backup(org.member).list_backup_jobs()["BackupJobs"]  # S3 is not opted in by default
    assert job["ResourceArn"] == table
    assert job["State"] == "FAILED"
    assert "cfct-backup-service-role" in job["StatusMessage"]

    org.backup(org.member).update_region_settings(ResourceTypeOptInPreference={"S3": True})
    clock.advance(days=1)
    arns = {j["ResourceArn"] for j in org.backup(org.member).list_backup_jobs()["BackupJobs"]}
    assert "arn:aws:s3:::member-data" in arns


# -- the schedule and the selection, as AWS Backup reads them --------------------------------------


def utc(*args: int) -> float:
    return dt.datetime(*args, tzinfo=dt.UTC).timestamp()


def test_cron_occurrences_in_the_rule_timezone() -> None:
    day = (utc(2026, 1, 10), utc(2026, 1, 11))
    assert occurrences("cron(0 5 ? * * *)", None, *day) == [utc(2026, 1, 10, 5)]
    # 05:00 in New York is 10:00 UTC in winter, 09:00 UTC in summer
    assert occurrences("cron(0 5 ? * * *)", "America/New_York", *day) == [utc(2026, 1, 10, 10)]
    assert occurrences("cron(0 5 ? * * *)", "America/New_York", utc(2026, 7, 10), utc(2026, 7, 11)) == [
        utc(2026, 7, 10, 9)
    ]
    # weekly on Sunday (1 = SUN), two weeks
    sundays = occurrences("cron(0 5 ? * SUN *)", None, utc(2026, 1, 1), utc(2026, 1, 15))
    assert [dt.datetime.fromtimestamp(t, dt.UTC).weekday() for t in sundays] == [6, 6]
    assert occurrences("cron(0 5 ? * 1 *)", None, utc(2026, 1, 1), utc(2026, 1, 15)) == sundays
    # last day of the month; hourly
    assert occurrences("cron(0 5 L * ? *)", None, utc(2026, 2, 1), utc(2026, 3, 1)) == [utc(2026, 2, 28, 5)]
    assert len(occurrences("cron(0 * ? * * *)", None, *day)) == 24
    # the interval is (start, end]
    assert occurrences("cron(0 5 ? * * *)", None, utc(2026, 1, 10, 5), utc(2026, 1, 11, 5)) == [
        utc(2026, 1, 11, 5)
    ]
    for unsupported in ("rate(1 day)", "cron(0 5 ? * 2#1 *)", "cron(0 5 * *)", "cron(0 25 ? * * *)"):
        with pytest.raises(UnsupportedSchedule):
            occurrences(unsupported, None, *day)


def test_selection_rules() -> None:
    arn = "arn:aws:dynamodb:us-east-1:111111111111:table/orders"
    daily = {TIER: "daily"}
    by_tag = {
        "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": TIER, "ConditionValue": "daily"}]
    }
    assert selected(by_tag, arn, daily)
    assert not selected(by_tag, arn, {TIER: "weekly"})
    assert selected({"Resources": ["arn:aws:dynamodb:*"]}, arn, {})
    assert not selected({"Resources": ["arn:aws:s3:::*"]}, arn, {})
    assert not selected({"Resources": ["*"], "NotResources": [arn]}, arn, {})
    conditions = {
        "Resources": ["*"],
        "Conditions": {
            "StringEquals": [{"ConditionKey": f"aws:ResourceTag/{TIER}", "ConditionValue": "daily"}],
            "StringNotLike": [{"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "dev*"}],
        },
    }
    assert selected(conditions, arn, daily)
    assert not selected(conditions, arn, {**daily, "env": "dev-1"})  # AND
    assert not selected(conditions, arn, {})
