"""Resource policies and subscriptions: S3 bucket, SNS topic, SQS queue and event bus policies."""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel

from .models import Resource, json_text


class S3BucketPolicyResource(Resource, CloudFormationModel):
    TYPE = "AWS::S3::BucketPolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> S3BucketPolicyResource:
        from moto.s3.models import s3_backends  # noqa: PLC0415

        props = cloudformation_json["Properties"]
        bucket = props["Bucket"]
        s3_backends[account_id]["aws"].put_bucket_policy(bucket, json_text(props["PolicyDocument"]).encode())
        return cls(bucket, account_id, region_name, {})

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.s3.models import s3_backends  # noqa: PLC0415

        s3_backends[account_id]["aws"].delete_bucket_policy(self.physical_id)


class SnsTopicPolicyResource(Resource, CloudFormationModel):
    TYPE = "AWS::SNS::TopicPolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SnsTopicPolicyResource:
        from moto.sns.models import sns_backends  # noqa: PLC0415

        props = cloudformation_json["Properties"]
        sns = sns_backends[account_id][region_name]
        for topic in props["Topics"]:
            sns.set_topic_attribute(topic, "policy", json_text(props["PolicyDocument"]))
        resource = cls(resource_name, account_id, region_name, {"Id": resource_name})
        resource.topics = list(props["Topics"])
        return resource

    topics: list[str] = []  # noqa: RUF012 - set per instance

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        return cls.create_from_cloudformation_json(
            original_resource.physical_id, cloudformation_json, account_id, region_name
        )


class SnsSubscriptionResource(Resource, CloudFormationModel):
    TYPE = "AWS::SNS::Subscription"
    ATTRIBUTES = frozenset({"Arn"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SnsSubscriptionResource:
        from moto.sns.models import sns_backends  # noqa: PLC0415

        props = cloudformation_json["Properties"]
        subscription = sns_backends[account_id][region_name].subscribe(
            props["TopicArn"], props.get("Endpoint", ""), props["Protocol"]
        )
        return cls(subscription.arn, account_id, region_name, {"Arn": subscription.arn})

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.sns.models import sns_backends  # noqa: PLC0415

        sns_backends[account_id][region_name].unsubscribe(self.physical_id)


class SqsQueuePolicyResource(Resource, CloudFormationModel):
    TYPE = "AWS::SQS::QueuePolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SqsQueuePolicyResource:
        from moto.sqs.models import sqs_backends  # noqa: PLC0415

        props = cloudformation_json["Properties"]
        sqs = sqs_backends[account_id][region_name]
        for queue_url in props["Queues"]:
            sqs.set_queue_attributes(
                queue_url.rstrip("/").split("/")[-1], {"Policy": json_text(props["PolicyDocument"])}
            )
        return cls(resource_name, account_id, region_name, {"Id": resource_name})

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        return cls.create_from_cloudformation_json(
            original_resource.physical_id, cloudformation_json, account_id, region_name
        )


class EventBusPolicyResource(Resource, CloudFormationModel):
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-events-eventbuspolicy.html"""

    TYPE = "AWS::Events::EventBusPolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> EventBusPolicyResource:
        from moto.events.models import events_backends  # noqa: PLC0415

        props = cloudformation_json["Properties"]
        bus = props.get("EventBusName") or "default"
        statement_id = props["StatementId"]
        statement = props.get("Statement")
        policy = None
        if statement is not None:
            statement = {**statement, "Sid": statement_id}
            policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        events_backends[account_id][region_name].put_permission(
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
        from moto.events.models import events_backends  # noqa: PLC0415

        events_backends[account_id][region_name].remove_permission(self.bus, self.physical_id, False)
