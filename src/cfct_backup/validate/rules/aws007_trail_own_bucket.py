"""AWS007: a trail whose S3 data-event selectors match its own destination bucket.

CloudTrail would log its own deliveries.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cfct_backup.validate.registry import ResourceRule
from cfct_backup.validate.rules._template import Resource, sub_text


def _normal(text: str) -> str:
    return text.replace("${AWS::Partition}", "aws")


def _own_bucket_messages(name: str, bucket: str, selectors: list[Any]) -> list[str]:
    """Each selector that logs the trail's own bucket `bucket`, said."""
    out = []
    own = f"arn:aws:s3:::{_normal(bucket)}/"
    for selector in selectors:
        fields = selector.get("FieldSelectors") if isinstance(selector, Mapping) else None
        if not isinstance(fields, list):
            continue
        by_field = {str(f.get("Field")): f for f in fields if isinstance(f, Mapping)}
        category = by_field.get("eventCategory", {}).get("Equals")
        types = by_field.get("resources.type", {}).get("Equals")
        if category != ["Data"] or not isinstance(types, list) or "AWS::S3::Object" not in types:
            continue
        arn = by_field.get("resources.ARN")
        if arn is None:
            out.append(f"{name}: S3 data events on every object include the trail's own bucket {bucket}")
            continue
        excluded = [
            _normal(v)
            for key in ("NotStartsWith", "NotEquals")
            for v in (sub_text(x) for x in arn.get(key, []) or [])
            if v is not None
        ]
        if any(own.startswith(v) for v in excluded):
            continue
        for value in (sub_text(x) for x in arn.get("StartsWith", []) or []):
            if value is not None and own.startswith(_normal(value).split("${", 1)[0]):
                out.append(
                    f"{name}: data-event selector StartsWith {value} matches the trail's own bucket {bucket};"
                    " CloudTrail would log its own deliveries (add NotStartsWith for it)"
                )
                break
    return out


class TrailLogsOwnBucket(ResourceRule):
    id = "AWS007"
    severity = "error"
    shortdesc = "trail whose S3 data-event selectors match its own bucket"
    source_url = (
        "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html"
    )
    tags = ("template", "cloudtrail")
    resource_types = ("AWS::CloudTrail::Trail",)

    def check_resource(self, r: Resource, data: Mapping[str, Any]) -> Iterator[str]:
        bucket = sub_text(r.props.get("S3BucketName"))
        selectors = r.props.get("AdvancedEventSelectors")
        if bucket is not None and isinstance(selectors, list):
            yield from _own_bucket_messages(r.name, bucket, selectors)
