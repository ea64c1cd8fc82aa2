"""Call the real Lambda code in-process (Lambda invoke would need Docker).

The functions run as they would in the management account: their boto3 clients use the
environment's credentials (the emulator's management account) and read their configuration from
the `/cfct-backup/...` SSM parameters. The Lambda entry points are preferred; when a piece of the
automation is not there, the adapter says so by name instead of failing.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import sys
import traceback
import types
import uuid
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from cfct_backup_automation import contract

from cfct_backup.emulator.custom_resources import register

LAMBDA_ENV: dict[str, str] = {
    "CONFIG_PARAMETER_PREFIX": contract.SSM_PREFIX,
    "INVENTORY_TABLE": contract.INVENTORY_TABLE,
    "IDEMPOTENCY_TABLE": contract.IDEMPOTENCY_TABLE,
    "AUTOMATION_ROLE_NAME": contract.AUTOMATION_ROLE,
    "POWERTOOLS_SERVICE_NAME": contract.SERVICE_NAME,
    "POWERTOOLS_METRICS_NAMESPACE": contract.METRICS_NAMESPACE,
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
    "LOG_LEVEL": "ERROR",
    "BASELINE_STACK_SET_NAME": contract.MEMBER_BASELINE_STACK_SET,
    # in-process: no real waiting for IAM propagation
    "ASSUME_ROLE_ATTEMPTS": "2",
    "ASSUME_ROLE_BACKOFF_SECONDS": "0",
    "RECONCILE_CONCURRENCY": "4",
    # the simulation prints its own progress: the functions' JSON logs and EMF metrics stay quiet
    "POWERTOOLS_METRICS_DISABLED": "true",
}
HANDLER_MODULES = (
    "cfct_backup_automation.handler_enrolment",
    "cfct_backup_automation.handler_reconcile",
    "cfct_backup_automation.handler_custom_resource",
)


class LambdaContext:
    """The bits of the Lambda context object that powertools reads."""

    function_name = contract.SIMULATED_FUNCTION
    memory_limit_in_mb = 512
    function_version = "$LATEST"

    def __init__(self, function_name: str) -> None:
        self.function_name = function_name
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 900_000


@dataclass
class Invocation:
    ok: bool
    result: Any
    error: str = ""
    output: str = ""  # what the function printed (EMF metrics)


@contextmanager
def lambda_environment(extra: Mapping[str, str] | None = None) -> Any:
    env = {**LAMBDA_ENV, **(extra or {})}
    env.setdefault("AWS_LAMBDA_FUNCTION_NAME", contract.ENROLMENT_FUNCTION)
    with mock.patch.dict(os.environ, env):
        yield


def _module(name: str) -> types.ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            return None
        raise


def _entry(candidates: list[tuple[str, str]]) -> tuple[str, Any] | None:
    for module_name, attr in candidates:
        module = _module(module_name)
        if module is not None and callable(getattr(module, attr, None)):
            return f"{module_name}.{attr}", getattr(module, attr)
    return None


# the Handler of each function in templates/lifecycle-automation.yaml
ENROLMENT_ENTRIES = [("cfct_backup_automation.handler_enrolment", "handler")]
RECONCILE_ENTRIES = [("cfct_backup_automation.handler_reconcile", "handler")]
CUSTOM_RESOURCE_ENTRIES = [("cfct_backup_automation.handler_custom_resource", "handler")]


def reset_handlers() -> None:
    """Forget what the handlers cached at "cold start" (clients bound to an earlier emulator)."""
    for name in HANDLER_MODULES:
        module = sys.modules.get(name)  # not imported yet: nothing cached
        reset = getattr(module, "set_runtime", None) if module is not None else None
        if callable(reset):
            reset(None)


def function_environment(function_name: str) -> dict[str, str]:
    """The environment the deployed function has (set by its stack), when it was deployed."""
    import boto3  # noqa: PLC0415

    client = boto3.client("lambda")
    try:
        config = client.get_function_configuration(FunctionName=function_name)
    except client.exceptions.ResourceNotFoundException:
        return {}
    variables = (config.get("Environment") or {}).get("Variables") or {}
    environment = {str(k): str(v) for k, v in variables.items()}
    if config.get("Role"):  # the function runs as its execution role, as Lambda runs it
        from cfct_backup.emulator.iam import service_role_environment  # noqa: PLC0415

        region = client.meta.region_name
        environment.update(
            service_role_environment(config["Role"], "lambda.amazonaws.com", function_name, region)
        )
    return environment


def _invoke(entries: list[tuple[str, str]], what: str, event: Any, function_name: str) -> Invocation:
    env = {**function_environment(function_name), "AWS_LAMBDA_FUNCTION_NAME": function_name}
    # in-process speed-ups win over the stack's values
    for key in (
        "ASSUME_ROLE_ATTEMPTS",
        "ASSUME_ROLE_BACKOFF_SECONDS",
        "RECONCILE_CONCURRENCY",
        "POWERTOOLS_TRACE_DISABLED",
        "POWERTOOLS_METRICS_DISABLED",
        "POWERTOOLS_LOG_LEVEL",
        "LOG_LEVEL",
    ):
        env[key] = LAMBDA_ENV[key]
    # the handler module is imported ("cold start") inside the function's environment
    with lambda_environment(env):
        found = _entry(entries)
        if found is None:
            tried = ", ".join(f"{m}.{a}" for m, a in entries)
            return Invocation(False, None, f"{what} handler not available (looked for {tried})")
        name, handler = found
        output = io.StringIO()  # EMF metrics are printed: kept with the outcome, off the console
        try:
            with contextlib.redirect_stdout(output):
                result = handler(event, LambdaContext(function_name))
            return Invocation(True, result, output=output.getvalue())
        except Exception as exc:  # noqa: BLE001 - a handler failure is a reported outcome
            error = f"{name} raised {type(exc).__name__}: {exc} ({_where(exc)})"
            return Invocation(False, None, error, output=output.getvalue())


def _where(exc: BaseException) -> str:
    """Where the exception was raised, and the last frame of the automation's own code on the way."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "no traceback"
    last = frames[-1]
    own = [f for f in frames if "cfct_backup_automation" in f.filename]
    where = f"at {Path(last.filename).name}:{last.lineno}"
    if own and own[-1] is not last:
        where += f", from {Path(own[-1].filename).name}:{own[-1].lineno}"
    return where


def deliver_event(event: Mapping[str, Any]) -> Invocation:
    """EventBridge -> the enrolment function."""
    return _invoke(ENROLMENT_ENTRIES, "enrolment", dict(event), contract.ENROLMENT_FUNCTION)


def run_reconcile(time: str) -> Invocation:
    """EventBridge Scheduler -> the reconcile function (a scheduled event)."""
    event = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": time,
        "region": os.environ.get("AWS_REGION", "us-east-1"),
        "resources": [],
        "detail": {},
    }
    return _invoke(RECONCILE_ENTRIES, "reconcile", event, contract.RECONCILE_FUNCTION)


def register_custom_resources() -> str | None:
    """Route the custom resource function of the lifecycle stack to its real handler; the message
    names what is missing when it cannot."""
    with lambda_environment({"AWS_LAMBDA_FUNCTION_NAME": contract.CUSTOM_RESOURCE_FUNCTION}):
        found = _entry(CUSTOM_RESOURCE_ENTRIES)
    if found is None:
        return "custom resources not routable: no custom resource handler in cfct_backup_automation"
    _, handler = found

    def call(event: Any, context: Any = None) -> Any:
        env = {
            **function_environment(contract.CUSTOM_RESOURCE_FUNCTION),
            "AWS_LAMBDA_FUNCTION_NAME": contract.CUSTOM_RESOURCE_FUNCTION,
        }
        with lambda_environment(env):
            return handler(event, context or LambdaContext(contract.CUSTOM_RESOURCE_FUNCTION))

    register(contract.CUSTOM_RESOURCE_FUNCTION, call)
    return None


def inventory_states(table: str = LAMBDA_ENV["INVENTORY_TABLE"]) -> dict[str, str] | None:
    """account ID -> state recorded by the automation (None when the table does not exist)."""
    import boto3  # noqa: PLC0415

    ddb = boto3.client("dynamodb")
    states: dict[str, str] = {}
    try:
        for page in ddb.get_paginator("scan").paginate(TableName=table):
            for item in page.get("Items", []):
                account = item.get("accountId", item.get("account_id", {})).get("S")
                state = item.get("state", {}).get("S")
                if account and state:
                    states[account] = state
    except ddb.exceptions.ResourceNotFoundException:
        return None
    return states
