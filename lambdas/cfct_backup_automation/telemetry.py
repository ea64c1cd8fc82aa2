"""Events (EventBridge, `source: cfct-backup`) and EMF metrics (namespace `CfctBackup`).

Events go to the management account's bus (`EVENT_BUS_NAME`, default `default`); a rule in the
lifecycle stack forwards `source: cfct-backup` to the central `cfct-backup-events` bus in the
Audit account (a template owns that wiring; see docs/automation.md). Metrics are written as EMF
lines on stdout, one per metric, so each can carry its own `reason` dimension. `records` keeps
what was emitted in this process (handy for the simulator's report), also when powertools'
own switch (`POWERTOOLS_METRICS_DISABLED`, or `POWERTOOLS_DEV`) turns the EMF output off, which
`single_metric` on its own does not honour.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cfct_backup_automation import contract
from cfct_backup_automation.contract import EVENT_SOURCE, METRICS_NAMESPACE
from cfct_backup_automation.log import logger


@dataclass
class Telemetry:
    events_client: Callable[[], Any]
    bus_name: str = "default"
    service: str = contract.SERVICE_NAME
    emitted_events: list[dict[str, Any]] = field(default_factory=list)
    emitted_metrics: list[dict[str, Any]] = field(default_factory=list)

    def event(self, detail_type: str, detail: Mapping[str, Any]) -> None:
        entry = {
            "Source": EVENT_SOURCE,
            "DetailType": detail_type,
            "Detail": json.dumps(detail, sort_keys=True, default=str),
            "EventBusName": self.bus_name,
        }
        resp = self.events_client().put_events(Entries=[entry])
        if resp.get("FailedEntryCount"):
            logger.error(
                "event not accepted by EventBridge", extra={"entry": entry, "response": resp.get("Entries")}
            )
        self.emitted_events.append({"detail-type": detail_type, "detail": dict(detail)})

    def metric(self, name: str, value: float, unit: str = "Count", reason: str | None = None) -> None:
        # Imported on first use: keeps the handler import time low.
        from aws_lambda_powertools.metrics import MetricUnit, single_metric  # noqa: PLC0415
        from aws_lambda_powertools.metrics.functions import is_metrics_disabled  # noqa: PLC0415

        metric_unit = MetricUnit(unit)
        if not is_metrics_disabled():
            dims = {"service": self.service}
            with single_metric(
                name=name,
                unit=metric_unit,
                value=value,
                namespace=METRICS_NAMESPACE,
                default_dimensions=dims,
            ) as m:
                if reason:
                    m.add_dimension(name="reason", value=reason)
        self.emitted_metrics.append({"name": name, "value": value, "unit": unit, "reason": reason})
