"""AWS002: an organization-wide Backup Audit Manager report plan delivers CSV only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cfct_backup.problems import Problem
from cfct_backup.validate.registry import TemplateRule
from cfct_backup.validate.rules._template import resources


class OrganizationReportPlanFormat(TemplateRule):
    id = "AWS002"
    severity = "error"
    shortdesc = "organization-wide report plan with a format other than CSV"
    source_url = "https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-api.html"
    tags = ("template", "backup")

    def check_template(self, data: Mapping[str, Any], source: str) -> list[Problem]:
        problems = []
        for r in resources(data, "AWS::Backup::ReportPlan"):
            setting = r.props.get("ReportSetting")
            channel = r.props.get("ReportDeliveryChannel")
            org_wide = isinstance(setting, Mapping) and any(
                k in setting for k in ("OrganizationUnits", "Accounts")
            )
            formats = channel.get("Formats") if isinstance(channel, Mapping) else None
            if org_wide and isinstance(formats, list) and any(f != "CSV" for f in formats):
                message = f"{r.name}: organization report plans deliver CSV only, not {formats}"
                problems.append(Problem(source, r.line, "error", self.id, message))
        return problems
