"""AWS004: S3 server access logs go to a bucket of the same account and Region."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cfct_backup.problems import Problem
from cfct_backup.validate.registry import TemplateRule
from cfct_backup.validate.rules._template import (
    is_parameter_ref,
    mapping,
    parameters,
    resources,
    same_template_bucket,
    sub_text,
)


class AccessLogBucket(TemplateRule):
    id = "AWS004"
    severity = "error/warning"
    shortdesc = "S3 access logs to a bucket not provably of the same account and Region"
    source_url = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html"
    tags = ("template", "s3")

    def check_template(self, data: Mapping[str, Any], source: str) -> list[Problem]:
        problems = []
        items = mapping(data.get("Resources"))
        params = parameters(data)
        for r in resources(data, "AWS::S3::Bucket"):
            logging = r.props.get("LoggingConfiguration")
            if not isinstance(logging, Mapping) or "DestinationBucketName" not in logging:
                continue
            target = logging["DestinationBucketName"]
            if same_template_bucket(target, items):
                continue
            text = sub_text(target)
            if text is not None and "${AWS::AccountId}" in text and "${AWS::Region}" in text:
                continue
            if is_parameter_ref(target, params):
                problems.append(
                    Problem(
                        source,
                        r.line,
                        "warning",
                        self.id,
                        f"{r.name}: access logs go to a bucket given by parameter {target['Ref']}; it must be"
                        " in this account and Region",
                    )
                )
                continue
            problems.append(
                Problem(
                    source,
                    r.line,
                    "error",
                    self.id,
                    f"{r.name}: access logs must go to a bucket of the same account and Region (a bucket of"
                    " this template, or a name with ${AWS::AccountId} and ${AWS::Region})",
                )
            )
        return problems
