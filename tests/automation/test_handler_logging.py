"""Every Lambda handler logs through powertools' inject_lambda_context: each line carries the Lambda
context and the correlation id taken from the event (EventBridge `id`, custom resource `RequestId`,
the Step Functions sweep's `runId`), and nothing logged by a previous invocation leaks in."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from cfct_backup_automation import (
    handler_custom_resource,
    handler_enrolment,
    handler_reconcile,
    handler_restore_validation,
)
from cfct_backup_automation.log import logger
from cfct_backup_automation.runtime import LocalContext

from cfct_backup.emulator import custom_resources as cfn_custom

from .conftest import HOME, Org
from .test_reconcile import _report_bucket

Lines = Callable[[str], list[dict[str, Any]]]


@pytest.fixture
def lines() -> Iterator[Lines]:
    """The JSON log lines written while the test runs, those with `message` first."""
    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    buf = io.StringIO()
    old = handler.setStream(buf)
    logger.append_keys(stale="from an earlier invocation")

    def read(message: str) -> list[dict[str, Any]]:
        parsed = [json.loads(line) for line in buf.getvalue().splitlines() if line.startswith("{")]
        return [p for p in parsed if p.get("message") == message]

    try:
        yield read
    finally:
        handler.setStream(old)
        logger.remove_keys(["stale"])


def _context_of(line: dict[str, Any]) -> None:
    assert line["function_name"] == LocalContext.function_name
    assert line["function_request_id"] == LocalContext.aws_request_id
    assert "stale" not in line  # clear_state: keys of the last invocation are gone


def test_restore_validation_logs_the_eventbridge_event_id(lines: Lines) -> None:
    event = {"id": "7bf73129-1428-4cd3-a780-95db273d1602", "detail-type": "Backup Job State Change"}
    result = handler_restore_validation.handler(event, LocalContext())
    assert result["action"] == "ignored"
    [line] = lines("restore validation")
    assert line["correlation_id"] == "7bf73129-1428-4cd3-a780-95db273d1602"
    _context_of(line)


def test_enrolment_logs_the_eventbridge_event_id(org: Org, lines: Lines) -> None:
    handler_enrolment.set_runtime(org.runtime())
    try:
        event = {"id": "evt-enrol-1", "source": "aws.s3", "detail-type": "Object Created", "detail": {}}
        handler_enrolment.handler(event, LocalContext())
    finally:
        handler_enrolment.set_runtime(None)
    [line] = lines("event ignored")
    assert line["correlation_id"] == "evt-enrol-1"
    _context_of(line)


def test_reconcile_summary_step_logs_the_sweep_run_id(org: Org, lines: Lines) -> None:
    _report_bucket(org)
    handler_reconcile.set_runtime(org.runtime())
    started = datetime(2026, 11, 26, 3, tzinfo=UTC).isoformat()
    try:
        handler_reconcile.handler(
            {"step": "summary", "runId": "20261126T030000Z-sfn", "started": started}, LocalContext()
        )
    finally:
        handler_reconcile.set_runtime(None)
    [line] = lines("reconcile finished")
    assert line["correlation_id"] == "20261126T030000Z-sfn"
    _context_of(line)


def test_custom_resource_logs_the_cloudformation_request_id(org: Org, lines: Lines) -> None:
    token = "cfct-backup-custom-resource-logging"
    requests: list[dict[str, Any]] = []

    def recording(event: dict[str, Any], context: Any) -> None:
        requests.append(event)
        handler_custom_resource.handler(event, context)

    handler_custom_resource.set_runtime(boto3.Session(region_name=HOME))
    cfn_custom.register(token, recording)
    try:
        response = cfn_custom.invoke(
            token,
            "Delete",
            region_name=HOME,
            stack_id=f"arn:aws:cloudformation:{HOME}:{org.management}:stack/org-settings/1",
            logical_id="Settings",
            resource_type="Custom::BackupOrganizationSettings",
            properties={"ServiceToken": token},
            physical_id="cfct-backup-org-settings-o-1",
        )
    finally:
        cfn_custom.unregister(token)
        handler_custom_resource.set_runtime(None)
    assert response["Status"] == "SUCCESS"
    [line] = lines("custom resource delete: settings left in place")
    assert line["correlation_id"] == requests[0]["RequestId"]
    assert line["function_name"] == token  # the emulator's context, not a stand-in
    assert "stale" not in line
