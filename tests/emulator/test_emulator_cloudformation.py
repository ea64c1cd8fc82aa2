"""CloudFormation types moto drops: each creates (updates, deletes) the real emulated resource."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from cfct_backup.emulator import cloudformation, custom_resources

pytestmark = pytest.mark.usefixtures("aws")

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/cfct-backup-service-role"


def deploy(template: dict[str, Any] | str, name: str = "s") -> dict[str, dict[str, Any]]:
    cfn = boto3.client("cloudformation", region_name=REGION)
    body = template if isinstance(template, str) else json.dumps(template)
    cfn.create_stack(StackName=name, TemplateBody=body)
    resources = cfn.describe_stack_resources(StackName=name)["StackResources"]
    return {r["LogicalResourceId"]: r for r in resources}


def outputs(name: str = "s") -> dict[str, str]:
    stack = boto3.client("cloudformation", region_name=REGION).describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "backup:DeleteRecoveryPoint", "Resource": "*"}
    ],
}

BACKUP_TEMPLATE: dict[str, Any] = {
    "Resources": {
        "Topic": {"Type": "AWS::SNS::Topic"},
        "Vault": {
            "Type": "AWS::Backup::BackupVault",
            "Properties": {
                "BackupVaultName": "cfct-backup-vault",
                "AccessPolicy": POLICY,
                "Notifications": {
                    "SNSTopicArn": {"Ref": "Topic"},
                    "BackupVaultEvents": ["BACKUP_JOB_FAILED"],
                },
                "LockConfiguration": {"MinRetentionDays": 7, "MaxRetentionDays": 365},
                "BackupVaultTags": {"cfct-backup:managed": "true"},
            },
        },
        "Plan": {
            "Type": "AWS::Backup::BackupPlan",
            "Properties": {
                "BackupPlan": {
                    "BackupPlanName": "daily",
                    "BackupPlanRule": [
                        {
                            "RuleName": "daily",
                            "TargetBackupVault": {"Ref": "Vault"},
                            "ScheduleExpression": "cron(0 5 ? * * *)",
                            "Lifecycle": {"DeleteAfterDays": 35},
                        }
                    ],
                }
            },
        },
        "Selection": {
            "Type": "AWS::Backup::BackupSelection",
            "Properties": {
                "BackupPlanId": {"Ref": "Plan"},
                "BackupSelection": {
                    "SelectionName": "tier-daily",
                    "IamRoleArn": ROLE,
                    "ListOfTags": [
                        {
                            "ConditionType": "STRINGEQUALS",
                            "ConditionKey": "cfct-backup:tier",
                            "ConditionValue": "daily",
                        }
                    ],
                },
            },
        },
        "Framework": {
            "Type": "AWS::Backup::Framework",
            "Properties": {
                "FrameworkName": "cfct_backup_controls",
                "FrameworkControls": [
                    {
                        "ControlName": "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
                        "ControlScope": {"Tags": [{"Key": "cfct-backup:tier", "Value": "daily"}]},
                    }
                ],
                "FrameworkTags": [{"Key": "cfct-backup:managed", "Value": "true"}],
            },
        },
        # a report plan delivers only to a bucket of its own account (emulator/backup/reports.py)
        "ReportsBucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "reports"}},
        "Reports": {
            "Type": "AWS::Backup::ReportPlan",
            "Properties": {
                "ReportDeliveryChannel": {"S3BucketName": {"Ref": "ReportsBucket"}, "Formats": ["JSON"]},
                "ReportSetting": {
                    "ReportTemplate": "CONTROL_COMPLIANCE_REPORT",
                    "FrameworkArns": [{"Fn::GetAtt": ["Framework", "FrameworkArn"]}],
                },
            },
        },
    },
    "Outputs": {
        "VaultArn": {"Value": {"Fn::GetAtt": ["Vault", "BackupVaultArn"]}},
        "PlanArn": {"Value": {"Fn::GetAtt": ["Plan", "BackupPlanArn"]}},
        "ReportPlanArn": {"Value": {"Ref": "Reports"}},
    },
}


def test_backup_resources_really_exist() -> None:
    resources = deploy(BACKUP_TEMPLATE)
    backup = boto3.client("backup", region_name=REGION)
    vault = backup.describe_backup_vault(BackupVaultName="cfct-backup-vault")
    assert resources["Vault"]["PhysicalResourceId"] == "cfct-backup-vault"
    assert outputs()["VaultArn"] == vault["BackupVaultArn"]
    assert (vault["Locked"], vault["MinRetentionDays"], vault["MaxRetentionDays"]) == (True, 7, 365)
    assert (
        json.loads(backup.get_backup_vault_access_policy(BackupVaultName="cfct-backup-vault")["Policy"])
        == POLICY
    )
    notifications = backup.get_backup_vault_notifications(BackupVaultName="cfct-backup-vault")
    assert notifications["SNSTopicArn"] == resources["Topic"]["PhysicalResourceId"]
    assert backup.list_tags(ResourceArn=vault["BackupVaultArn"])["Tags"] == {"cfct-backup:managed": "true"}

    plan_id = resources["Plan"]["PhysicalResourceId"]
    plan = backup.get_backup_plan(BackupPlanId=plan_id)["BackupPlan"]
    assert plan["Rules"][0]["TargetBackupVaultName"] == "cfct-backup-vault"
    selections = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
    assert [s["SelectionId"] for s in selections] == [resources["Selection"]["PhysicalResourceId"]]

    framework = backup.describe_framework(FrameworkName="cfct_backup_controls")
    assert framework["FrameworkControls"][0]["ControlScope"]["Tags"] == {"cfct-backup:tier": "daily"}
    report = backup.list_report_plans()["ReportPlans"][0]
    assert report["ReportPlanArn"] == outputs()["ReportPlanArn"] == resources["Reports"]["PhysicalResourceId"]
    assert report["ReportSetting"]["FrameworkArns"] == [framework["FrameworkArn"]]


def test_invalid_lock_in_a_template_fails_the_stack() -> None:
    template = {
        "Resources": {
            "Vault": {
                "Type": "AWS::Backup::BackupVault",
                "Properties": {"BackupVaultName": "v1", "LockConfiguration": {"MinRetentionDays": 0}},
            }
        }
    }
    with pytest.raises(ClientError) as excinfo:
        deploy(template)
    assert "MinRetentionDays" in str(excinfo.value)


def test_stack_delete_removes_backup_resources_but_not_a_vault_with_recovery_points() -> None:
    deploy(BACKUP_TEMPLATE)
    backup = boto3.client("backup", region_name=REGION)
    cfn = boto3.client("cloudformation", region_name=REGION)
    backup.start_backup_job(
        BackupVaultName="cfct-backup-vault",
        ResourceArn=f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/t",
        IamRoleArn=ROLE,
        Lifecycle={"DeleteAfterDays": 35},
    )
    with pytest.raises(ClientError):
        cfn.delete_stack(StackName="s")
    assert backup.list_backup_plans()["BackupPlansList"] == []
    assert backup.list_frameworks()["Frameworks"] == []
    assert [v["BackupVaultName"] for v in backup.list_backup_vaults()["BackupVaultList"]] == [
        "cfct-backup-vault"
    ]


def test_update_changes_the_vault_in_place() -> None:
    deploy(BACKUP_TEMPLATE)
    template = json.loads(json.dumps(BACKUP_TEMPLATE))
    vault_props = template["Resources"]["Vault"]["Properties"]
    del vault_props["AccessPolicy"]
    vault_props["LockConfiguration"] = {"MinRetentionDays": 14, "MaxRetentionDays": 365}
    boto3.client("cloudformation", region_name=REGION).update_stack(
        StackName="s", TemplateBody=json.dumps(template)
    )
    backup = boto3.client("backup", region_name=REGION)
    assert backup.describe_backup_vault(BackupVaultName="cfct-backup-vault")["MinRetentionDays"] == 14
    with pytest.raises(ClientError):
        backup.get_backup_vault_access_policy(BackupVaultName="cfct-backup-vault")


def test_organizations_policy_is_created_and_attached() -> None:
    org = boto3.client("organizations", region_name=REGION)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="BACKUP_POLICY")
    ou = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    content = {"plans": {"daily": {"regions": {"@@assign": [REGION]}}}}
    template = {
        "Resources": {
            "Policy": {
                "Type": "AWS::Organizations::Policy",
                "Properties": {
                    "Name": "daily",
                    "Type": "BACKUP_POLICY",
                    "Content": content,
                    "TargetIds": [ou],
                },
            }
        },
        "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Policy", "Arn"]}}},
    }
    policy_id = deploy(template)["Policy"]["PhysicalResourceId"]
    described = org.describe_policy(PolicyId=policy_id)["Policy"]
    assert json.loads(described["Content"]) == content
    assert described["PolicySummary"]["Arn"] == outputs()["Arn"]
    assert [t["TargetId"] for t in org.list_targets_for_policy(PolicyId=policy_id)["Targets"]] == [ou]
    boto3.client("cloudformation", region_name=REGION).delete_stack(StackName="s")
    assert org.list_policies(Filter="BACKUP_POLICY")["Policies"] == []


def test_kms_multi_region_key_and_replica() -> None:
    key_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    primary = {
        "Resources": {
            "Key": {"Type": "AWS::KMS::Key", "Properties": {"MultiRegion": True, "KeyPolicy": key_policy}}
        },
        "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Key", "Arn"]}}},
    }
    deploy(primary)
    arn = outputs()["Arn"]
    assert ":key/mrk-" in arn
    kms = boto3.client("kms", region_name=REGION)
    assert json.loads(kms.get_key_policy(KeyId=arn, PolicyName="default")["Policy"]) == key_policy
    replica = {
        "Resources": {
            "Replica": {
                "Type": "AWS::KMS::ReplicaKey",
                "Properties": {"PrimaryKeyArn": arn, "KeyPolicy": key_policy},
            }
        }
    }
    cfn_dr = boto3.client("cloudformation", region_name="us-west-2")
    cfn_dr.create_stack(StackName="replica", TemplateBody=json.dumps(replica))
    replica_id = cfn_dr.describe_stack_resources(StackName="replica")["StackResources"][0][
        "PhysicalResourceId"
    ]
    described = boto3.client("kms", region_name="us-west-2").describe_key(KeyId=replica_id)["KeyMetadata"]
    assert described["Arn"] == arn.replace(REGION, "us-west-2")
    assert described["MultiRegion"] is True


def test_resource_policies_alarm_and_trail_exist() -> None:
    template = """
Resources:
  Bucket: {Type: AWS::S3::Bucket, Properties: {BucketName: cfct-backup-logs}}
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Deny, Principal: "*", Action: "s3:DeleteObject", Resource: "*"}]
  Topic: {Type: AWS::SNS::Topic}
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: backup.amazonaws.com}, Action: "SNS:Publish", Resource: "*"}
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: cfct-backup-gaps
      Namespace: CfctBackup
      MetricName: ProtectionGaps
      Statistic: Sum
      Period: 300
      EvaluationPeriods: 1
      Threshold: 0
      ComparisonOperator: GreaterThanThreshold
      AlarmActions: [!Ref Topic]
  Bus: {Type: AWS::Events::EventBus, Properties: {Name: cfct-backup-events}}
  BusPolicy:
    Type: AWS::Events::EventBusPolicy
    Properties:
      EventBusName: !Ref Bus
      StatementId: org
      Statement: {Effect: Allow, Principal: "*", Action: "events:PutEvents", Resource: "*"}
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      {TrailName: cfct-backup-org-trail, S3BucketName: !Ref Bucket, IsLogging: true, IsMultiRegionTrail: true}
"""
    resources = deploy(template)
    s3 = boto3.client("s3", region_name=REGION)
    assert (
        json.loads(s3.get_bucket_policy(Bucket="cfct-backup-logs")["Policy"])["Statement"][0]["Effect"]
        == "Deny"
    )
    topic = resources["Topic"]["PhysicalResourceId"]
    attrs = boto3.client("sns", region_name=REGION).get_topic_attributes(TopicArn=topic)["Attributes"]
    assert "backup.amazonaws.com" in attrs["Policy"]
    alarms = boto3.client("cloudwatch", region_name=REGION).describe_alarms(AlarmNames=["cfct-backup-gaps"])
    assert alarms["MetricAlarms"][0]["AlarmActions"] == [topic]
    bus = boto3.client("events", region_name=REGION).describe_event_bus(Name="cfct-backup-events")
    assert json.loads(bus["Policy"])["Statement"][0]["Sid"] == "org"
    trail = boto3.client("cloudtrail", region_name=REGION).get_trail_status(Name="cfct-backup-org-trail")
    assert trail["IsLogging"] is True
    for logical in ("BucketPolicy", "TopicPolicy", "Alarm", "BusPolicy", "Trail"):
        assert resources[logical]["PhysicalResourceId"]


# -- custom resources -----------------------------------------------------------------------------


@pytest.fixture
def crhelper_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """A real crhelper handler, registered by function name; records the events it receives."""
    from crhelper import CfnResource

    monkeypatch.setenv("AWS_REGION", REGION)  # as in Lambda, when the handler module is imported
    helper = CfnResource(json_logging=False, sleep_on_delete=0)
    events: list[dict[str, Any]] = []

    @helper.create
    @helper.update
    def upsert(event: dict[str, Any], context: Any) -> str:
        events.append(event)
        if event["ResourceProperties"].get("Fail") == "yes":
            raise RuntimeError("opt-in failed")
        helper.Data["Regions"] = ",".join(event["ResourceProperties"]["Regions"])
        return "optin-" + event["ResourceProperties"]["Name"]

    @helper.delete
    def delete(event: dict[str, Any], context: Any) -> None:
        events.append(event)

    custom_resources.register("cfct-backup-custom-resource", helper)
    yield events
    custom_resources.clear()


CUSTOM_TEMPLATE: dict[str, Any] = {
    "Resources": {
        "OptIn": {
            "Type": "Custom::RegionOptIn",
            "Properties": {
                "ServiceToken": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:cfct-backup-custom-resource",
                "Name": "backup",
                "Regions": ["us-east-1", "us-west-2"],
            },
        }
    },
    "Outputs": {
        "Regions": {"Value": {"Fn::GetAtt": ["OptIn", "Regions"]}},
        "Id": {"Value": {"Ref": "OptIn"}},
    },
}


def test_custom_resource_goes_to_the_registered_crhelper_handler(
    crhelper_handler: list[dict[str, Any]],
) -> None:
    resources = deploy(CUSTOM_TEMPLATE)
    assert resources["OptIn"]["PhysicalResourceId"] == "optin-backup"
    assert outputs() == {"Regions": "us-east-1,us-west-2", "Id": "optin-backup"}
    create = crhelper_handler[0]
    assert create["RequestType"] == "Create" and create["ResourceType"] == "Custom::RegionOptIn"
    assert create["ResponseURL"].startswith(
        "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/"
    )
    assert create["LogicalResourceId"] == "OptIn" and "PhysicalResourceId" not in create

    template = json.loads(json.dumps(CUSTOM_TEMPLATE))
    template["Resources"]["OptIn"]["Properties"]["Regions"] = ["us-east-1"]
    cfn = boto3.client("cloudformation", region_name=REGION)
    cfn.update_stack(StackName="s", TemplateBody=json.dumps(template))
    update = crhelper_handler[1]
    assert update["RequestType"] == "Update" and update["PhysicalResourceId"] == "optin-backup"
    assert update["OldResourceProperties"]["Regions"] == ["us-east-1", "us-west-2"]
    assert outputs()["Regions"] == "us-east-1"

    cfn.delete_stack(StackName="s")
    assert crhelper_handler[-1]["RequestType"] == "Delete"
    assert crhelper_handler[-1]["PhysicalResourceId"] == "optin-backup"


def test_failed_custom_resource_fails_the_stack(crhelper_handler: list[dict[str, Any]]) -> None:
    template = json.loads(json.dumps(CUSTOM_TEMPLATE))
    template["Resources"]["OptIn"]["Properties"]["Fail"] = "yes"
    with pytest.raises(ClientError) as excinfo:
        deploy(template)
    assert "opt-in failed" in str(excinfo.value)


def test_custom_resource_without_a_handler_fails() -> None:
    custom_resources.clear()  # a simulation run earlier in the session leaves its handler registered
    with pytest.raises(ClientError) as excinfo:
        deploy(CUSTOM_TEMPLATE)
    assert "no custom resource handler" in str(excinfo.value)


def test_unsupported_types_lists_what_is_still_dropped() -> None:
    template = {
        "Resources": {
            "A": {"Type": "AWS::Backup::BackupVault"},
            "B": {"Type": "AWS::AppStream::Fleet"},
            "C": {"Type": "Custom::Thing"},
            "D": {"Type": "AWS::CloudFormation::WaitConditionHandle"},
        }
    }
    assert cloudformation.unsupported_types(template) == [
        "AWS::AppStream::Fleet",
        "AWS::CloudFormation::WaitConditionHandle",
    ]


def test_moto_stack_gaps_closed() -> None:
    """Conditioned-out resources are not listed; Ref of an event bus is its name; SSM tags as a map."""
    template = """
Conditions:
  Never: !Equals [a, b]
Resources:
  Skipped: {Type: AWS::SNS::Topic, Condition: Never}
  Bus: {Type: AWS::Events::EventBus, Properties: {Name: cfct-backup-events}}
  Param:
    Type: AWS::SSM::Parameter
    Properties: {Type: String, Value: !Ref Bus, Tags: {cfct-backup:managed: "true"}}
  Group: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: trail}}
  Filter:
    Type: AWS::Logs::MetricFilter
    Properties:
      LogGroupName: !Ref Group
      FilterName: failed
      FilterPattern: '{ $.eventName = "BackupJobCompleted" }'
      MetricTransformations: [{MetricNamespace: CfctBackup, MetricName: BackupJobsFailed, MetricValue: "1"}]
  PermissionSet: {Type: AWS::SSO::PermissionSet, Properties: {Name: break-glass, InstanceArn: x}}
Outputs:
  PermissionSetArn: {Value: !GetAtt PermissionSet.PermissionSetArn}
"""
    resources = deploy(template)
    assert sorted(resources) == ["Bus", "Filter", "Group", "Param", "PermissionSet"]
    assert resources["Bus"]["PhysicalResourceId"] == "cfct-backup-events"
    ssm = boto3.client("ssm", region_name=REGION)
    name = resources["Param"]["PhysicalResourceId"]
    assert ssm.get_parameter(Name=name)["Parameter"]["Value"] == "cfct-backup-events"
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=name)["TagList"]
    assert tags == [{"Key": "cfct-backup:managed", "Value": "true"}]
    filters = boto3.client("logs", region_name=REGION).describe_metric_filters(logGroupName="trail")[
        "metricFilters"
    ]
    assert [f["metricTransformations"][0]["metricName"] for f in filters] == ["BackupJobsFailed"]
    assert outputs()["PermissionSetArn"].startswith("arn:aws:sso:::permissionSet/")
