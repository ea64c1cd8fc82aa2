"""CloudWatch alarms, CloudTrail trails, EventBridge Scheduler schedules and log metric filters."""

from __future__ import annotations

from typing import Self

from moto.core.common_models import CloudFormationModel

from .models import Properties, Resource, moto_backend


class CloudWatchAlarmResource(Resource, CloudFormationModel):
    TYPE = "AWS::CloudWatch::Alarm"
    NAME_PROPERTY = "AlarmName"
    ATTRIBUTES = frozenset({"Arn"})

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        alarm = moto_backend("cloudwatch", account_id, region_name).put_metric_alarm(
            name=resource_name,
            namespace=props.get("Namespace"),
            metric_name=props.get("MetricName"),
            comparison_operator=props["ComparisonOperator"],
            evaluation_periods=int(props["EvaluationPeriods"]),
            period=int(props["Period"]) if props.get("Period") is not None else None,
            threshold=float(props["Threshold"]) if props.get("Threshold") is not None else None,
            statistic=props.get("Statistic"),
            description=props.get("AlarmDescription"),
            dimensions=list(props.get("Dimensions", [])),
            alarm_actions=props.get("AlarmActions", []),
            metric_data_queries=None,  # Metrics (metric math) not modelled; the alarm exists
            datapoints_to_alarm=props.get("DatapointsToAlarm"),
            extended_statistic=props.get("ExtendedStatistic"),
            ok_actions=props.get("OKActions", []),
            insufficient_data_actions=props.get("InsufficientDataActions", []),
            unit=props.get("Unit"),
            actions_enabled=str(props.get("ActionsEnabled", True)).lower() == "true",
            treat_missing_data=props.get("TreatMissingData"),
            tags=props.get("Tags"),
        )
        return cls(resource_name, account_id, region_name, {"Arn": alarm.alarm_arn})

    def delete(self, account_id: str, region_name: str) -> None:
        moto_backend("cloudwatch", account_id, region_name).delete_alarms([self.physical_id])


class CloudTrailTrailResource(Resource, CloudFormationModel):
    TYPE = "AWS::CloudTrail::Trail"
    NAME_PROPERTY = "TrailName"
    ATTRIBUTES = frozenset({"Arn", "SnsTopicArn"})

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        def flag(name: str, default: bool = False) -> bool:
            return str(props.get(name, default)).lower() == "true"

        backend = moto_backend("cloudtrail", account_id, region_name)
        trail = backend.create_trail(
            resource_name,
            props["S3BucketName"],
            props.get("S3KeyPrefix"),
            props.get("SnsTopicName"),
            flag("IncludeGlobalServiceEvents", True),
            flag("IsMultiRegionTrail"),
            flag("EnableLogFileValidation"),
            flag("IsOrganizationTrail"),
            props.get("CloudWatchLogsLogGroupArn"),
            props.get("CloudWatchLogsRoleArn"),
            props.get("KMSKeyId"),
            props.get("Tags", []),
        )
        if flag("IsLogging", True):
            trail.start_logging()
        if props.get("EventSelectors") or props.get("AdvancedEventSelectors"):
            trail.put_event_selectors(props.get("EventSelectors"), props.get("AdvancedEventSelectors"))
        return cls(
            resource_name,
            account_id,
            region_name,
            {"Arn": trail.arn, "SnsTopicArn": props.get("SnsTopicName")},
        )

    def delete(self, account_id: str, region_name: str) -> None:
        moto_backend("cloudtrail", account_id, region_name).delete_trail(self.physical_id)


class SchedulerScheduleResource(Resource, CloudFormationModel):
    TYPE = "AWS::Scheduler::Schedule"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = frozenset({"Arn"})

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        schedule = moto_backend("scheduler", account_id, region_name).create_schedule(
            description=props.get("Description"),
            end_date=props.get("EndDate"),
            flexible_time_window=props["FlexibleTimeWindow"],
            group_name=props.get("GroupName"),
            kms_key_arn=props.get("KmsKeyArn"),
            name=resource_name,
            schedule_expression=props["ScheduleExpression"],
            schedule_expression_timezone=props.get("ScheduleExpressionTimezone"),
            start_date=props.get("StartDate"),
            state=props.get("State"),
            target=props["Target"],
            action_after_completion=None,
        )
        resource = cls(resource_name, account_id, region_name, {"Arn": schedule.arn})
        resource.group = props.get("GroupName")
        return resource

    group: str | None = None

    def delete(self, account_id: str, region_name: str) -> None:
        moto_backend("scheduler", account_id, region_name).delete_schedule(self.group, self.physical_id)


class LogsMetricFilterResource(Resource, CloudFormationModel):
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-metricfilter.html"""

    TYPE = "AWS::Logs::MetricFilter"
    NAME_PROPERTY = "FilterName"

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        transformations = [
            {key[:1].lower() + key[1:]: value for key, value in t.items()}
            for t in props["MetricTransformations"]
        ]
        moto_backend("logs", account_id, region_name).put_metric_filter(
            resource_name,
            props.get("FilterPattern", ""),
            props["LogGroupName"],
            transformations,  # moto's annotation says str; it stores the list
        )
        resource = cls(resource_name, account_id, region_name, {})
        resource.log_group = props["LogGroupName"]
        return resource

    log_group: str = ""

    def delete(self, account_id: str, region_name: str) -> None:
        moto_backend("logs", account_id, region_name).delete_metric_filter(self.physical_id, self.log_group)


# ---- custom resources ---------------------------------------------------------------------------
