"""The Step Functions reconcile sweep, executed by moto's Step Functions interpreter.

The definition is the one in templates/lifecycle-automation.yaml (SweepStateMachine), with its
DefinitionSubstitutions applied as Step Functions does. moto runs its states
(`execute_state_machine`); its Lambda would need Docker, so the reconcile function's code is called
in-process for each Lambda invoke the states make (the real handler, with its real runtime).
Distributed Map: https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Iterator
from typing import Any
from unittest import mock

import boto3
import pytest
from cfct_backup_automation import handler_reconcile, inventory
from cfct_backup_automation.runtime import LocalContext
from cfnlint.decode.cfn_yaml import load
from moto.awslambda.models import LambdaFunction
from moto.core.config import default_user_config

from .conftest import HOME, Org
from .test_lifecycle_timeline import STACK_SET, _instances
from .test_reconcile import _report_bucket

TEMPLATE = (
    __import__("pathlib").Path(__file__).resolve().parents[2] / "templates" / "lifecycle-automation.yaml"
)


def _definition(function_arn: str) -> str:
    resource = load(str(TEMPLATE))["Resources"]["SweepStateMachine"]["Properties"]
    text = json.dumps(resource["Definition"])
    subs = {"LambdaInvoke": "arn:aws:states:::lambda:invoke", "ReconcileFunctionArn": function_arn}
    assert set(resource["DefinitionSubstitutions"]) == set(subs)
    for name, value in subs.items():
        text = text.replace("${" + name + "}", value)
    # moto's interpreter accepts only STANDARD child workflows; the template runs them as EXPRESS
    # (cheaper per account). The only change made to the deployed definition.
    assert text.count('"ExecutionType": "EXPRESS"') == 1
    return text.replace('"ExecutionType": "EXPRESS"', '"ExecutionType": "STANDARD"')


@pytest.fixture
def sweep(org: Org) -> Iterator[tuple[Any, str, list[str]]]:
    calls: list[str] = []
    runtime = org.runtime(BASELINE_STACK_SET_NAME=STACK_SET)
    handler_reconcile.set_runtime(runtime)

    def invoke(self: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
        payload = json.loads(event) if isinstance(event, str) else event
        calls.append(payload.get("step"))
        return json.dumps(handler_reconcile.handler(payload, LocalContext()), default=str), False, ""

    iam = boto3.client("iam", HOME)
    role = iam.create_role(
        RoleName=f"sweep-{len(calls)}-{time.time_ns()}",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.py", "def handler(e, c):\n    return e\n")
    fn = boto3.client("lambda", HOME).create_function(
        FunctionName=f"cfct-backup-reconcile-{time.time_ns()}",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": buf.getvalue()},
    )["FunctionArn"]
    with (
        mock.patch.dict(default_user_config["stepfunctions"], {"execute_state_machine": True}),
        mock.patch.object(LambdaFunction, "_invoke_lambda", invoke),
    ):
        sfn = boto3.client("stepfunctions", HOME)
        arn = sfn.create_state_machine(
            name=f"cfct-backup-reconcile-sweep-{time.time_ns()}", definition=_definition(fn), roleArn=role
        )["stateMachineArn"]
        yield sfn, arn, calls
    handler_reconcile.set_runtime(None)


def _run(sfn: Any, arn: str, tolerated: int) -> dict[str, Any]:
    execution = sfn.start_execution(
        stateMachineArn=arn, input=json.dumps({"maxConcurrency": 2, "toleratedFailurePercentage": tolerated})
    )["executionArn"]
    for _ in range(600):  # bounded wait for moto's interpreter thread; nothing is timed
        desc = sfn.describe_execution(executionArn=execution)
        if desc["status"] != "RUNNING":
            return dict(desc)
        time.sleep(0.05)
    raise AssertionError("the execution did not finish")


def test_the_sweep_checks_every_account_in_one_execution(org: Org, sweep: Any) -> None:
    sfn, arn, calls = sweep
    _report_bucket(org)
    protected = org.vend(org.protected_ou)
    org.deploy_baseline(protected)
    _instances(org, protected)
    missing = org.vend(org.protected_ou)  # no baseline at all
    desc = _run(sfn, arn, tolerated=0)
    assert desc["status"] == "SUCCEEDED", desc
    summary = json.loads(desc["output"])
    assert calls[0] == "scope" and calls[-1] == "summary"
    assert "batch" in calls  # the children: batches of one OU's accounts
    assert org.inventory(protected)["state"] == inventory.PROTECTED
    assert org.inventory(missing)["state"] == inventory.GAP
    assert summary["accountsProtected"] >= 1 and summary["accountsWithGaps"] >= 1


def test_concurrency_and_tolerance_are_stack_parameters() -> None:
    # Read, not executed: moto's interpreter ignores ToleratedFailurePercentagePath ("currently have
    # no effect") and, observed here, treats a Lambda function error of a child as a success.
    resources = load(str(TEMPLATE))["Resources"]
    accounts = resources["SweepStateMachine"]["Properties"]["Definition"]["States"]["Accounts"]
    assert accounts["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    assert accounts["MaxConcurrencyPath"] == "$.maxConcurrency"
    assert accounts["ToleratedFailurePercentagePath"] == "$.toleratedFailurePercentage"
    target = resources["ReconcileScheduleRule"]["Properties"]["Targets"][0]["Fn::If"][1]
    text = target["Input"]["Fn::Sub"]
    assert json.loads(
        text.replace("${SweepMaxConcurrency}", "7").replace("${SweepToleratedFailurePercentage}", "3")
    ) == {
        "maxConcurrency": 7,
        "toleratedFailurePercentage": 3,
    }
