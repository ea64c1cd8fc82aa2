"""AWS001: an organization conformance pack needs ExcludedAccounts.

It fails in every account without a Config recorder, and under Control Tower the management account
has none (landing zone 4.0 makes the Config integration optional altogether).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cfct_backup.validate.registry import ResourceRule
from cfct_backup.validate.rules._template import Resource

CONFORMANCE_PACK_DOC = (
    "https://docs.aws.amazon.com/config/latest/developerguide/conformance-pack-organization-apis.html"
)


class ConformancePackExcludedAccounts(ResourceRule):
    id = "AWS001"
    severity = "error"
    shortdesc = "organization conformance pack without ExcludedAccounts"
    source_url = CONFORMANCE_PACK_DOC
    tags = ("template", "config")
    resource_types = ("AWS::Config::OrganizationConformancePack",)

    def check_resource(self, r: Resource, data: Mapping[str, Any]) -> Iterator[str]:
        if "ExcludedAccounts" not in r.props:
            yield (
                f"{r.name}: organization conformance pack without ExcludedAccounts; it fails in accounts"
                " without a Config recorder (the Control Tower management account has none)"
                f" {CONFORMANCE_PACK_DOC}"
            )
