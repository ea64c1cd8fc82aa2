"""Resource policies and subscriptions: S3 bucket, SNS topic, SQS queue and event bus policies."""

from __future__ import annotations

import json
from typing import Self

from moto.core.common_models import CloudFormationModel

from .models import Properties, Resource, json_text, moto_backend


class S3BucketPolicyResource(Resource, CloudFormationModel):
    TYPE = "AWS::S3::BucketPolicy"
    UPDATE_IN_PLACE = True

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        bucket = props["Bucket"]
        moto_backend("s3", account_id, "aws").put_bucket_policy(
            bucket, json_text(props["PolicyDocument"]).encode()
        )
        return cls(bucket, account_id, region_name, {})

    def delete(self, account_id: str, region_name: str) -> None:
        moto_backend("s3", account_id, "aws").delete_bucket_policy(self.physical_id)


class SnsTopicPolicyResource(Resource, CloudFormationModel):
    TYPE = "AWS::SNS::TopicPolicy"
    UPDATE_IN_PLACE = True

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        sns = moto_backend("sns", account_id, region_name)
        for topic in props["Topics"]:
            sns.set_topic_attribute(topic, "policy", json_text(props["PolicyDocument"]))
        resource = cls(resource_name, account_id, region_name, {"Id": resource_name})
        resource.topics = list(props["Topics"])
        return resource

    topics: list[str] = []  # noqa: RUF012 - set per instance


class SnsSubscriptionResource(Resource, CloudFormationModel):
    TYPE = "AWS::SNS::Subscription"
    ATTRIBUTES = frozenset({"Arn"})

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        subscription = moto_backend("sns", account_id, region_name).subscribe(
            props["TopicArn"], props.get("Endpoint", ""), props["Protocol"]
        )
        return cls(subscription.arn, account_id, region_name, {"Arn": subscription.arn})

    def delete(self, account_id: str, region_name: str) -> None:
        moto_backend("sns", account_id, region_name).unsubscribe(self.physical_id)


class SqsQueuePolicyResource(Resource, CloudFormationModel):
    TYPE = "AWS::SQS::QueuePolicy"
    UPDATE_IN_PLACE = True

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        sqs = moto_backend("sqs", account_id, region_name)
        for queue_url in props["Queues"]:
            sqs.set_queue_attributes(
                queue_url.rstrip("/").split("/")[-1], {"Policy": json_text(props["PolicyDocument"])}
            )
        return cls(resource_name, account_id, region_name, {"Id": resource_name})


class EventBusPolicyResource(Resource, CloudFormationModel):
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-events-eventbuspolicy.html"""

    TYPE = "AWS::Events::EventBusPolicy"

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        bus = props.get("EventBusName") or "default"
        statement_id = props["StatementId"]
        statement = props.get("Statement")
        policy = None
        if statement is not None:
            statement = {**statement, "Sid": statement_id}
            policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        moto_backend("events", account_id, region_name).put_permission(
            bus,
            props.get("Action", ""),
            props.get("Principal", ""),
            statement_id,
            props.get("Condition"),
            policy or "",
        )
        resource = cls(statement_id, account_id, region_name, {"Id": statement_id})
        resource.bus = bus
        return resource

    bus: str = "default"

    def delete(self, account_id: str, region_name: str) -> None:
        moto_backend("events", account_id, region_name).remove_permission(self.bus, self.physical_id, False)
