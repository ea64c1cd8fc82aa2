"""AWS004: S3 server access logs go to a bucket of the same account and Region."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cfct_backup.validate.registry import Finding, ResourceRule
from cfct_backup.validate.rules._template import (
    Resource,
    is_parameter_ref,
    mapping,
    parameters,
    same_template_bucket,
    sub_text,
)


class AccessLogBucket(ResourceRule):
    id = "AWS004"
    severity = "error/warning"
    shortdesc = "S3 access logs to a bucket not provably of the same account and Region"
    source_url = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html"
    tags = ("template", "s3")
    resource_types = ("AWS::S3::Bucket",)

    def check_resource(self, r: Resource, data: Mapping[str, Any]) -> Iterator[Finding]:
        logging = r.props.get("LoggingConfiguration")
        if not isinstance(logging, Mapping) or "DestinationBucketName" not in logging:
            return
        target = logging["DestinationBucketName"]
        text = sub_text(target)
        if same_template_bucket(target, mapping(data.get("Resources"))) or (
            text is not None and "${AWS::AccountId}" in text and "${AWS::Region}" in text
        ):
            return
        if is_parameter_ref(target, parameters(data)):
            yield Finding(
                f"{r.name}: access logs go to a bucket given by parameter {target['Ref']}; it must be"
                " in this account and Region",
                "warning",
            )
            return
        yield Finding(
            f"{r.name}: access logs must go to a bucket of the same account and Region (a bucket of"
            " this template, or a name with ${AWS::AccountId} and ${AWS::Region})",
            "error",
        )
