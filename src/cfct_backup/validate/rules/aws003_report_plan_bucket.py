"""AWS003: a report plan writes only to a bucket of the account that creates it.

The bucket must be provably the creating account's: a bucket of this template, or a name built
from `${AWS::AccountId}`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cfct_backup.validate.registry import ResourceRule
from cfct_backup.validate.rules._template import Resource, mapping, same_template_bucket, sub_text


class ReportPlanOwnBucket(ResourceRule):
    id = "AWS003"
    severity = "error"
    shortdesc = "report plan bucket not shown to be the creating account's"
    source_url = "https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-api.html"
    tags = ("template", "backup")
    resource_types = ("AWS::Backup::ReportPlan",)

    def check_resource(self, r: Resource, data: Mapping[str, Any]) -> Iterator[str]:
        channel = r.props.get("ReportDeliveryChannel")
        if not isinstance(channel, Mapping):
            return
        bucket = channel.get("S3BucketName")
        text = sub_text(bucket)
        if same_template_bucket(bucket, mapping(data.get("Resources"))):
            return
        if text is None or "${AWS::AccountId}" not in text:
            yield (
                f"{r.name}: report bucket is not shown to be this account's (a bucket of this template or"
                " a name with ${AWS::AccountId}); a report plan writes only to a bucket of the account"
                " that creates it"
            )
