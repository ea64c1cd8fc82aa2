"""AWS008: a rule on "CloudWatch Alarm State Change" must filter `detail.state.value`.

Otherwise it notifies on every OK transition too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cfct_backup.validate.registry import ResourceRule
from cfct_backup.validate.rules._template import Resource


class AlarmStateFilter(ResourceRule):
    id = "AWS008"
    severity = "error"
    shortdesc = "alarm state change rule that does not filter detail.state.value"
    source_url = (
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html"
    )
    tags = ("template", "eventbridge")
    resource_types = ("AWS::Events::Rule",)

    def check_resource(self, r: Resource, data: Mapping[str, Any]) -> Iterator[str]:
        pattern = r.props.get("EventPattern")
        if not isinstance(pattern, Mapping):
            return
        kinds = pattern.get("detail-type")
        detail = pattern.get("detail")
        state = detail.get("state") if isinstance(detail, Mapping) else None
        filtered = isinstance(state, Mapping) and "value" in state
        if isinstance(kinds, list) and "CloudWatch Alarm State Change" in kinds and not filtered:
            yield f"{r.name}: matches every alarm state change (OK too); filter detail.state.value"
