"""The Step Functions reconcile sweep, executed by moto's Step Functions interpreter.

The definition is the one in templates/lifecycle-automation.yaml (SweepStateMachine), with its
DefinitionSubstitutions applied as Step Functions does. moto runs its states
(`execute_state_machine`; the emulator makes a Distributed Map fail past its tolerated failure
threshold, cfct_backup.emulator.stepfunctions); its Lambda would need Docker, so the reconcile
function's code is called in-process for each Lambda invoke the states make (the real handler, with
its real runtime). An exception in the handler is a function error, as the Lambda runtime reports it
(`errorType`, `errorMessage`): https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html
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
from cfct_backup_automation import copy_readiness, handler_reconcile, inventory
from cfct_backup_automation.reconcile import BATCH_SIZE, reconcile, sweep_scope
from cfct_backup_automation.runtime import LocalContext
from cfnlint.decode.cfn_yaml import load
from moto.awslambda.models import LambdaFunction
from moto.core.config import default_user_config

from cfct_backup.emulator.stepfunctions import exceeds

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
        try:
            return json.dumps(handler_reconcile.handler(payload, LocalContext()), default=str), False, ""
        except Exception as exc:  # noqa: BLE001 - the Lambda runtime turns it into a function error
            error = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
            return json.dumps(error), True, ""

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


@pytest.fixture
def broken(org: Org) -> Iterator[str]:
    """An account whose check fails unexpectedly (its copy readiness check raises)."""
    account = org.vend(org.protected_ou)
    real = copy_readiness.region_gaps

    def region_gaps(sessions: Any, account_id: str, *args: Any, **kwargs: Any) -> Any:
        if account_id == account:
            raise RuntimeError("injected failure")
        return real(sessions, account_id, *args, **kwargs)

    with mock.patch.object(copy_readiness, "region_gaps", region_gaps):
        yield account


def test_a_failed_account_fails_the_sweep_when_nothing_is_tolerated(
    org: Org, sweep: Any, broken: str
) -> None:
    sfn, arn, calls = sweep
    _report_bucket(org)
    desc = _run(sfn, arn, tolerated=0)
    assert desc["status"] == "FAILED", desc
    assert desc["error"] == "States.ExceedToleratedFailureThreshold"
    assert "summary" not in calls  # the Map failed: no Summary state
    assert "global:check-failed" in org.inventory(broken)["gaps"]  # still recorded by its batch


def test_a_tolerated_failure_is_visible_in_the_summary(org: Org, sweep: Any, broken: str) -> None:
    sfn, arn, calls = sweep
    _report_bucket(org)
    desc = _run(sfn, arn, tolerated=100)
    assert desc["status"] == "SUCCEEDED", desc
    assert calls[-1] == "summary"
    summary = json.loads(desc["output"])
    assert summary["gaps"].get("check-failed") == 1
    assert org.inventory(broken)["state"] == inventory.GAP
    assert "global:check-failed" in org.inventory(broken)["gaps"]


def test_the_map_items_cover_every_account_once_in_batches_of_one_ou(org: Org) -> None:
    # What the retired shards promised (every in-scope account swept exactly once), for the engine.
    for _ in range(BATCH_SIZE + 2):
        org.vend(org.protected_ou)
    rt = org.runtime()
    batches = sweep_scope(rt.cfg, rt.sessions)
    items = [a for b in batches for a in b["accounts"]]
    full = {a.account_id for a in reconcile(rt.cfg, rt.sessions, mode="audit", write_report=False).accounts}
    assert sorted(items) == sorted(full)  # each account in exactly one item
    assert all(len(b["accounts"]) <= BATCH_SIZE for b in batches)
    assert sum(1 for b in batches if b["ou"] == org.protected_ou) >= 2


def test_the_scope_is_one_walk_below_the_protected_ous(org: Org) -> None:
    """In scope and nested accounts come from one tree: each protected OU's accounts are listed once
    per sweep (they were listed twice, once for each question), however many pages it takes."""
    for _ in range(BATCH_SIZE + 2):  # more accounts than one ListAccountsForParent page
        org.vend(org.protected_ou)
    rt = org.runtime()
    listed: list[str] = []

    def first_page(params: dict[str, Any], **_: Any) -> None:
        if "NextToken" not in params:  # a listing starts; its further pages are the same listing
            listed.append(params["ParentId"])

    def count(client: Any) -> None:
        client.meta.events.register("provide-client-params.organizations.ListAccountsForParent", first_page)

    rt.sessions.on_client = count
    sweep_scope(rt.cfg, rt.sessions)
    assert listed and all(listed.count(ou) == 1 for ou in rt.cfg.protected_ou_ids)


def test_concurrency_and_tolerance_are_stack_parameters() -> None:
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


@pytest.mark.parametrize(
    ("failed", "total", "count", "percentage", "fails"),
    [
        (1, 10, None, None, True),  # neither declared: one failed item fails the Map Run
        (0, 10, None, None, False),
        (1, 10, None, 10.0, False),  # 10 % is not more than 10 %
        (2, 10, None, 10.0, True),
        (2, 10, 2, None, False),
        (3, 10, 2, 100.0, True),  # either threshold exceeded
    ],
)
def test_the_tolerated_failure_rule(
    failed: int, total: int, count: Any, percentage: Any, fails: bool
) -> None:
    # https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html#maprun-fail-threshold
    assert exceeds(failed, total, count=count, percentage=percentage) is fails
