"""TPL104: a backup plan rule's `StartWindowMinutes` is at least 60."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cfct_backup.backup_policy.parse import as_int
from cfct_backup.quotas import quota
from cfct_backup.validate.registry import Finding, ResourceRule
from cfct_backup.validate.rules._template import Resource, line, parameters, resolve_default

MIN_START_WINDOW = quota("backup_rule.min_start_window_minutes")  # cfct_backup.quotas


class StartWindow(ResourceRule):
    id = "TPL104"
    severity = "error"
    shortdesc = "backup plan rule with StartWindowMinutes below 60"
    source_url = "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRule.html"
    tags = ("template", "backup")
    resource_types = ("AWS::Backup::BackupPlan",)

    def check_resource(self, r: Resource, data: Mapping[str, Any]) -> Iterator[Finding]:
        plan = r.props.get("BackupPlan")
        rules = plan.get("BackupPlanRule") if isinstance(plan, Mapping) else None
        for i, rule in enumerate(rules if isinstance(rules, list) else []):
            if not isinstance(rule, Mapping):
                continue
            start = as_int(resolve_default(rule.get("StartWindowMinutes"), parameters(data)))
            if start is not None and start < MIN_START_WINDOW:
                message = (
                    f"{r.name}: BackupPlanRule[{i}] StartWindowMinutes {start} is below {MIN_START_WINDOW}"
                )
                yield Finding(message, line=line(rule))
