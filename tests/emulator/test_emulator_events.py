"""EventBridge targets moto cannot deliver to: SNS receives the event, Lambda deliveries recorded."""

from __future__ import annotations

import json

import boto3
import pytest

from cfct_backup.emulator import events

pytestmark = pytest.mark.usefixtures("aws")

REGION = "us-east-1"


def test_put_events_reaches_sns_and_lambda_targets() -> None:
    events.clear()
    eb = boto3.client("events", region_name=REGION)
    sns = boto3.client("sns", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    topic = sns.create_topic(Name="cfct-backup-alerts")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    function = f"arn:aws:lambda:{REGION}:123456789012:function:cfct-backup-enrolment"
    eb.put_rule(Name="gaps", EventPattern=json.dumps({"source": ["cfct-backup"]}))
    eb.put_targets(Rule="gaps", Targets=[{"Id": "topic", "Arn": topic}, {"Id": "fn", "Arn": function}])
    result = eb.put_events(
        Entries=[
            {"Source": "cfct-backup", "DetailType": "Protection Gap", "Detail": json.dumps({"account": "1"})}
        ]
    )
    assert result["FailedEntryCount"] == 0
    body = json.loads(sqs.receive_message(QueueUrl=queue_url)["Messages"][0]["Body"])
    assert json.loads(body["Message"])["detail-type"] == "Protection Gap"
    [(arn, event)] = events.deliveries(function)
    assert arn == function and event["detail"] == {"account": "1"}


def test_a_disabled_rule_matches_nothing_until_enabled_again() -> None:
    eb = boto3.client("events", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="forwarded")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    eb.put_rule(Name="forward", EventPattern=json.dumps({"source": ["aws.backup"]}))
    eb.put_targets(Rule="forward", Targets=[{"Id": "queue", "Arn": queue_arn}])
    entry = {"Source": "aws.backup", "DetailType": "Backup Job State Change", "Detail": "{}"}
    eb.disable_rule(Name="forward")
    eb.put_events(Entries=[entry])
    assert "Messages" not in sqs.receive_message(QueueUrl=queue_url)
    eb.enable_rule(Name="forward")
    eb.put_events(Entries=[entry])
    assert len(sqs.receive_message(QueueUrl=queue_url)["Messages"]) == 1
