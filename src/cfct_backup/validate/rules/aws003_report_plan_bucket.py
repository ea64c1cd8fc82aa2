"""AWS003: a report plan writes only to a bucket of the account that creates it.

The bucket must be provably the creating account's: a bucket of this template, or a name built
from `${AWS::AccountId}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cfct_backup.problems import Problem
from cfct_backup.validate.registry import TemplateRule
from cfct_backup.validate.rules._template import mapping, resources, same_template_bucket, sub_text


class ReportPlanOwnBucket(TemplateRule):
    id = "AWS003"
    severity = "error"
    shortdesc = "report plan bucket not shown to be the creating account's"
    source_url = "https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-api.html"
    tags = ("template", "backup")

    def check_template(self, data: Mapping[str, Any], source: str) -> list[Problem]:
        problems = []
        items = mapping(data.get("Resources"))
        for r in resources(data, "AWS::Backup::ReportPlan"):
            channel = r.props.get("ReportDeliveryChannel")
            if not isinstance(channel, Mapping):
                continue
            bucket = channel.get("S3BucketName")
            text = sub_text(bucket)
            if same_template_bucket(bucket, items) or (text is not None and "${AWS::AccountId}" in text):
                continue
            problems.append(
                Problem(
                    source,
                    r.line,
                    "error",
                    self.id,
                    f"{r.name}: report bucket is not shown to be this account's (a bucket of this template or"
                    " a name with ${AWS::AccountId}); a report plan writes only to a bucket of the account"
                    " that creates it",
                )
            )
        return problems
