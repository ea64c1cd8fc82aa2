"""AWS002: an organization-wide Backup Audit Manager report plan delivers CSV only."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cfct_backup.validate.registry import ResourceRule
from cfct_backup.validate.rules._template import Resource


class OrganizationReportPlanFormat(ResourceRule):
    id = "AWS002"
    severity = "error"
    shortdesc = "organization-wide report plan with a format other than CSV"
    source_url = "https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-api.html"
    tags = ("template", "backup")
    resource_types = ("AWS::Backup::ReportPlan",)

    def check_resource(self, r: Resource, data: Mapping[str, Any]) -> Iterator[str]:
        setting = r.props.get("ReportSetting")
        channel = r.props.get("ReportDeliveryChannel")
        org_wide = isinstance(setting, Mapping) and any(
            k in setting for k in ("OrganizationUnits", "Accounts")
        )
        formats = channel.get("Formats") if isinstance(channel, Mapping) else None
        if org_wide and isinstance(formats, list) and any(f != "CSV" for f in formats):
            yield f"{r.name}: organization report plans deliver CSV only, not {formats}"
