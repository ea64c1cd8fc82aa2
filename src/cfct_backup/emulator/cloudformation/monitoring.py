"""CloudWatch alarms, CloudTrail trails, EventBridge Scheduler schedules and log metric filters."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel

from .models import Resource


class CloudWatchAlarmResource(Resource, CloudFormationModel):
    TYPE = "AWS::CloudWatch::Alarm"
    NAME_PROPERTY = "AlarmName"
    ATTRIBUTES = frozenset({"Arn"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CloudWatchAlarmResource:
        from moto.cloudwatch.models import cloudwatch_backends  # noqa: PLC0415

        p = cloudformation_json["Properties"]
        alarm = cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=resource_name,
            namespace=p.get("Namespace"),
            metric_name=p.get("MetricName"),
            comparison_operator=p["ComparisonOperator"],
            evaluation_periods=int(p["EvaluationPeriods"]),
            period=int(p["Period"]) if p.get("Period") is not None else None,  # type: ignore[arg-type]
            threshold=float(p["Threshold"]) if p.get("Threshold") is not None else None,  # type: ignore[arg-type]
            statistic=p.get("Statistic"),
            description=p.get("AlarmDescription"),
            dimensions=list(p.get("Dimensions", [])),
            alarm_actions=p.get("AlarmActions", []),
            metric_data_queries=None,  # Metrics (metric math) not modelled; the alarm exists
            datapoints_to_alarm=p.get("DatapointsToAlarm"),
            extended_statistic=p.get("ExtendedStatistic"),
            ok_actions=p.get("OKActions", []),
            insufficient_data_actions=p.get("InsufficientDataActions", []),
            unit=p.get("Unit"),
            actions_enabled=str(p.get("ActionsEnabled", True)).lower() == "true",
            treat_missing_data=p.get("TreatMissingData"),
            tags=p.get("Tags"),
        )
        return cls(resource_name, account_id, region_name, {"Arn": alarm.alarm_arn})

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.cloudwatch.models import cloudwatch_backends  # noqa: PLC0415

        cloudwatch_backends[account_id][region_name].delete_alarms([self.physical_id])


class CloudTrailTrailResource(Resource, CloudFormationModel):
    TYPE = "AWS::CloudTrail::Trail"
    NAME_PROPERTY = "TrailName"
    ATTRIBUTES = frozenset({"Arn", "SnsTopicArn"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CloudTrailTrailResource:
        from moto.cloudtrail.models import cloudtrail_backends  # noqa: PLC0415

        p = cloudformation_json["Properties"]

        def flag(name: str, default: bool = False) -> bool:
            return str(p.get(name, default)).lower() == "true"

        backend = cloudtrail_backends[account_id][region_name]
        trail = backend.create_trail(
            resource_name,
            p["S3BucketName"],
            p.get("S3KeyPrefix"),
            p.get("SnsTopicName"),
            flag("IncludeGlobalServiceEvents", True),
            flag("IsMultiRegionTrail"),
            flag("EnableLogFileValidation"),
            flag("IsOrganizationTrail"),
            p.get("CloudWatchLogsLogGroupArn"),
            p.get("CloudWatchLogsRoleArn"),
            p.get("KMSKeyId"),
            p.get("Tags", []),
        )
        if flag("IsLogging", True):
            trail.start_logging()
        if p.get("EventSelectors") or p.get("AdvancedEventSelectors"):
            trail.put_event_selectors(p.get("EventSelectors"), p.get("AdvancedEventSelectors"))
        return cls(
            resource_name, account_id, region_name, {"Arn": trail.arn, "SnsTopicArn": p.get("SnsTopicName")}
        )

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.cloudtrail.models import cloudtrail_backends  # noqa: PLC0415

        cloudtrail_backends[account_id][region_name].delete_trail(self.physical_id)


class SchedulerScheduleResource(Resource, CloudFormationModel):
    TYPE = "AWS::Scheduler::Schedule"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = frozenset({"Arn"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SchedulerScheduleResource:
        from moto.scheduler.models import scheduler_backends  # noqa: PLC0415

        p = cloudformation_json["Properties"]
        schedule = scheduler_backends[account_id][region_name].create_schedule(
            description=p.get("Description"),
            end_date=p.get("EndDate"),
            flexible_time_window=p["FlexibleTimeWindow"],
            group_name=p.get("GroupName"),
            kms_key_arn=p.get("KmsKeyArn"),
            name=resource_name,
            schedule_expression=p["ScheduleExpression"],
            schedule_expression_timezone=p.get("ScheduleExpressionTimezone"),
            start_date=p.get("StartDate"),
            state=p.get("State"),
            target=p["Target"],
            action_after_completion=None,
        )
        resource = cls(resource_name, account_id, region_name, {"Arn": schedule.arn})
        resource.group = p.get("GroupName")
        return resource

    group: str | None = None

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.scheduler.models import scheduler_backends  # noqa: PLC0415

        scheduler_backends[account_id][region_name].delete_schedule(self.group, self.physical_id)


class LogsMetricFilterResource(Resource, CloudFormationModel):
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-metricfilter.html"""

    TYPE = "AWS::Logs::MetricFilter"
    NAME_PROPERTY = "FilterName"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> LogsMetricFilterResource:
        from moto.logs.models import logs_backends  # noqa: PLC0415

        p = cloudformation_json["Properties"]
        transformations = [
            {key[:1].lower() + key[1:]: value for key, value in t.items()} for t in p["MetricTransformations"]
        ]
        logs_backends[account_id][region_name].put_metric_filter(
            resource_name,
            p.get("FilterPattern", ""),
            p["LogGroupName"],
            transformations,  # type: ignore[arg-type]  # moto's annotation says str; it stores the list
        )
        resource = cls(resource_name, account_id, region_name, {})
        resource.log_group = p["LogGroupName"]
        return resource

    log_group: str = ""

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.logs.models import logs_backends  # noqa: PLC0415

        logs_backends[account_id][region_name].delete_metric_filter(self.physical_id, self.log_group)


# ---- custom resources ---------------------------------------------------------------------------
