"""The simulation on the real timeline: lifecycle events at the times and in the order AWS delivers them.

On a real landing zone the Control Tower CreateManagedAccount event reaches the enrolment function
first; CfCT's pipeline, started by the same event, deploys the member baseline tens of minutes
later, and CloudFormation then emits one `StackSet StackInstance Status Change` event per instance.
An Organizations MoveAccount starts no CfCT run at all, nor does a Control Tower baseline call
(EnableBaseline / ResetEnabledBaseline / UpdateEnabledBaseline, landing zone 3.1+/4.0: it enrols an
OU's accounts in Control Tower). This module replays that on the emulator's clock
(`cfct_backup.emulator.clock`):

- every lifecycle event is delivered to the real enrolment handler at its time; the handler's
  clock (`cfct_backup_automation.runtime.utcnow`) is the simulated one;
- an event that triggers CfCT (`triggers_pipeline`), and every `StartPipelineExecution` the
  automation makes on CfCT's pipeline, schedules a pipeline run that finishes `pipeline_seconds`
  later: the package is deployed again as CfCT does (`Interpreter.deploy(changes_only=True)`) and
  each new stack instance's status event is delivered;
- a handler that raises is retried by Lambda twice (1 and 2 minutes later), then the event goes to
  the DLQ (`dlqMessages`): https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
- the CloudWatch alarms are modelled from what the functions emitted (period 1 h, 1 evaluation
  period, missing data not breaching: one notification per run of breaching periods);
- finally a scheduled reconcile runs.

Per account the report gets `timeToProtectedSeconds` (inventory `protectedAt` minus the time of the
account's first in-scope event, both on the simulated clock) and `dlqMessages`. A baseline call names
an OU, not an account: it is the first in-scope event of each account of the protected OU it
concerns (every protected OU for a reset or update, which name only the enabled baseline) that is not
PROTECTED when it is delivered.
"""

from __future__ import annotations

import heapq
import itertools
import json
import sys
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from unittest import mock

from cfct_backup_automation import contract
from cfct_backup_automation.events import BASELINE_CALLS

from cfct_backup.cfct.interpreter import CONTROL_TOWER_STATUS_KEYS, triggers_pipeline
from cfct_backup.emulator import clock
from cfct_backup.simulation import automation
from cfct_backup.simulation.report import EventOutcome

if TYPE_CHECKING:
    from cfct_backup.cfct.interpreter import DeploymentResult, Interpreter

# CfCT's pipeline (Name of the AWS::CodePipeline::Pipeline in customizations-for-aws-control-tower.template)
CFCT_PIPELINE = contract.CFCT_PIPELINE
# "tens of minutes" after a vend (shared/DESIGN.md §8); the run the simulation models
DEFAULT_PIPELINE_SECONDS = 25 * 60
LAMBDA_RETRY_DELAYS = (60.0, 120.0)  # async invoke: two retries, about 1 and 2 minutes apart
ALARM_PERIOD = 3600  # ProtectionGapsAlarm: Period 3600, EvaluationPeriods 1
LAMBDA_ALARM_PERIOD = 300  # EnrolmentErrorsAlarm / DeadLetterQueueAlarm: Period 300
STACK_INSTANCE_EVENT = "CloudFormation StackSet StackInstance Status Change"
LENIENCY = (
    "timeline: CfCT's pipeline is a stand-in named Custom-Control-Tower-CodePipeline; a run takes a fixed "
    "time and deploys every stack instance at its end (real runs vary and instances finish one by one)"
)


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _runtime(module: str) -> Any:
    handler = sys.modules.get(module)
    slot = getattr(handler, "_slot", None)
    return slot.state.get("runtime") if slot is not None else None


@dataclass(order=True)
class _Item:
    at: float
    seq: int
    kind: str = field(compare=False)  # "event" | "pipeline"
    event: dict[str, Any] = field(compare=False, default_factory=dict)
    label: str = field(compare=False, default="")
    account: str = field(compare=False, default="")
    attempt: int = field(compare=False, default=0)


@dataclass
class Timeline:
    interpreter: Interpreter
    session: Any  # boto3 session of the management account
    progress: Callable[[str], None]
    pipeline_seconds: float = DEFAULT_PIPELINE_SECONDS
    last_result: DeploymentResult | None = None
    start: float = 0.0
    first_in_scope: dict[str, float] = field(default_factory=dict)
    dlq: dict[str, int] = field(default_factory=dict)
    errors: list[float] = field(default_factory=list)
    gap_metrics: list[float] = field(default_factory=list)
    pipeline_runs: list[dict[str, Any]] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    _queue: list[_Item] = field(default_factory=list)
    _seq: Any = field(default_factory=itertools.count)
    _executions: int = 0
    _next_run: float | None = None
    _deployed: set[tuple[str, str, str]] = field(default_factory=set)

    # ---- scheduling ---------------------------------------------------------------------------
    def _push(self, item: _Item) -> None:
        heapq.heappush(self._queue, item)

    def _schedule_pipeline(self, at: float, why: str) -> None:
        # CodePipeline runs one execution at a time; a newer start while one waits supersedes it.
        if self._next_run is not None and self._next_run > at:
            self.log.append(f"{at - self.start:8.0f}s pipeline start ({why}) joins the run already queued")
            return
        finish = at + self.pipeline_seconds
        self._next_run = finish
        self._push(_Item(finish, next(self._seq), "pipeline", label=why))
        self.log.append(
            f"{at - self.start:8.0f}s pipeline started ({why}), finishes at {finish - self.start:.0f}s"
        )

    def _move_clock(self, at: float) -> None:
        ahead = at - clock.now()
        if ahead > 0:
            clock.advance(seconds=ahead)

    # ---- the run ------------------------------------------------------------------------------
    def run(self, deliveries: list[tuple[str, str | None, dict[str, Any]]]) -> list[EventOutcome]:
        """Deliver (label, account, event) in order, then what follows from them; the outcomes."""
        self.start = clock.now()
        self._stand_in_pipeline()
        self._deployed = self._instances()
        protected_ous = self._protected_ous()
        for label, account, event in deliveries:
            self._push(_Item(self.start, next(self._seq), "event", event, label, account or "?"))
            if not self._enters_scope(event, protected_ous):
                continue
            for concerned in [account] if account else self._unprotected_accounts(event, protected_ous):
                self.first_in_scope.setdefault(concerned, self.start)
        outcomes: list[EventOutcome] = []
        with mock.patch(
            "cfct_backup_automation.runtime.utcnow", lambda: datetime.fromtimestamp(clock.now(), UTC)
        ):
            while self._queue:
                item = heapq.heappop(self._queue)
                self._move_clock(item.at)
                if item.kind == "pipeline":
                    self._pipeline_finished(item)
                    continue
                outcome = self._deliver(item)
                if outcome is not None:
                    outcomes.append(outcome)
            self._move_clock(clock.now() + 60)
            reconcile = automation.run_reconcile(_iso(clock.now()))
            self._count_metrics("cfct_backup_automation.handler_reconcile", 0, clock.now())
            self.log.append(
                f"{clock.now() - self.start:8.0f}s reconcile: {'ok' if reconcile.ok else reconcile.error}"
            )
            if not reconcile.ok:
                outcomes.append(EventOutcome("(reconcile)", "-", reconcile.error))
        return outcomes

    def _deliver(self, item: _Item) -> EventOutcome | None:
        event = {**item.event, "time": _iso(item.at)}
        if triggers_pipeline(event) and item.attempt == 0:
            self._schedule_pipeline(item.at, f"{item.label}: Control Tower lifecycle event")
        before = self._metric_count("cfct_backup_automation.handler_enrolment")
        invocation = automation.deliver_event(event)
        self._count_metrics("cfct_backup_automation.handler_enrolment", before, item.at)
        self._new_executions(item.at, item.label)
        offset = item.at - self.start
        if invocation.ok:
            text = _describe(invocation.result)
            self.log.append(f"{offset:8.0f}s {item.label}: {text}")
            self.progress(f"  t+{offset:.0f}s {item.label}: {text}")
            return EventOutcome(item.label, item.account, f"t+{offset:.0f}s {text}")
        self.errors.append(item.at)
        if item.attempt < len(LAMBDA_RETRY_DELAYS):
            retry = item.at + LAMBDA_RETRY_DELAYS[item.attempt]
            self._push(
                _Item(retry, next(self._seq), "event", item.event, item.label, item.account, item.attempt + 1)
            )
            self.log.append(
                f"{offset:8.0f}s {item.label}: failed, Lambda retries at {retry - self.start:.0f}s"
            )
            return None
        self.dlq[item.account] = self.dlq.get(item.account, 0) + 1
        self._send_to_dlq(event, invocation.error)
        self.progress(f"  t+{offset:.0f}s {item.label}: {invocation.error} -> DLQ")
        return EventOutcome(item.label, item.account, f"t+{offset:.0f}s DLQ: {invocation.error}")

    def _pipeline_finished(self, item: _Item) -> None:
        self._next_run = None if self._next_run == item.at else self._next_run
        offset = item.at - self.start
        self.progress(f"  t+{offset:.0f}s CfCT pipeline run finished ({item.label})")
        result = self.interpreter.deploy(changes_only=True)
        self.last_result = result
        events = self._instance_events(result, item.at)
        self.pipeline_runs.append(
            {"finishedAtSeconds": round(offset), "trigger": item.label, "instances": len(events)}
        )
        for account, event in events:
            self._push(_Item(item.at, next(self._seq), "event", event, "(stack instance)", account))

    # ---- AWS side effects the timeline reads or plays ------------------------------------------
    def _stand_in_pipeline(self) -> None:
        """CfCT's pipeline exists in a real landing zone (CfCT's own stack creates it): a stand-in."""
        cp = self.session.client("codepipeline")
        if CFCT_PIPELINE in [p["name"] for p in cp.list_pipelines().get("pipelines", [])]:
            self._executions = self._execution_count(cp)
            return
        iam = self.session.client("iam")
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "codepipeline.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role = iam.create_role(
            RoleName=f"cfct-pipeline-{uuid.uuid4().hex[:8]}", AssumeRolePolicyDocument=json.dumps(trust)
        )
        action = {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}
        cp.create_pipeline(
            pipeline={
                "name": CFCT_PIPELINE,
                "roleArn": role["Role"]["Arn"],
                "artifactStore": {"type": "S3", "location": "cfct-pipeline-artifacts"},
                "stages": [
                    {
                        "name": "Source",
                        "actions": [
                            {
                                "name": "Source",
                                "actionTypeId": action,
                                "configuration": {
                                    "S3Bucket": "cfct",
                                    "S3ObjectKey": "custom-control-tower-configuration.zip",
                                },
                                "outputArtifacts": [{"name": "src"}],
                            }
                        ],
                    },
                    {
                        "name": "Build",
                        "actions": [
                            {
                                "name": "Build",
                                "actionTypeId": {**action, "category": "Build", "provider": "CodeBuild"},
                                "configuration": {"ProjectName": "cfct"},
                                "inputArtifacts": [{"name": "src"}],
                            }
                        ],
                    },
                ],
            }
        )
        self._executions = 0

    @staticmethod
    def _execution_count(cp: Any) -> int:
        resp = cp.list_pipeline_executions(pipelineName=CFCT_PIPELINE)
        return len(resp.get("pipelineExecutionSummaries", []))

    def _new_executions(self, at: float, label: str) -> None:
        count = self._execution_count(self.session.client("codepipeline"))
        if count > self._executions:
            self._executions = count
            self._schedule_pipeline(at, f"{label}: StartPipelineExecution by the enrolment function")

    def _protected_ous(self) -> set[str]:
        ssm = self.session.client("ssm")
        value = ssm.get_parameter(Name=contract.SSM_PROTECTED_OU_IDS.name)["Parameter"]["Value"]
        return {v.strip() for v in str(value).split(",") if v.strip()}

    @staticmethod
    def _enters_scope(event: Mapping[str, Any], protected: set[str]) -> bool:
        detail = event.get("detail") if isinstance(event.get("detail"), dict) else {}
        assert isinstance(detail, dict)
        if triggers_pipeline(event):
            key = CONTROL_TOWER_STATUS_KEYS[str(detail.get("eventName"))]
            ou = ((detail.get("serviceEventDetails") or {}).get(key) or {}).get("organizationalUnit") or {}
            return ou.get("organizationalUnitId") in protected
        params = detail.get("requestParameters") if isinstance(detail.get("requestParameters"), dict) else {}
        assert isinstance(params, dict)
        if event.get("source") == "aws.controltower" and detail.get("eventName") in BASELINE_CALLS:
            target = _baseline_target(params)
            return target is None or target in protected
        return detail.get("eventName") == "MoveAccount" and params.get("destinationParentId") in protected

    def _unprotected_accounts(self, event: Mapping[str, Any], protected: set[str]) -> list[str]:
        """The accounts a baseline call concerns: those of its protected OU(s) not PROTECTED yet."""
        detail = event.get("detail") if isinstance(event.get("detail"), dict) else {}
        assert isinstance(detail, dict)
        params = detail.get("requestParameters") if isinstance(detail.get("requestParameters"), dict) else {}
        assert isinstance(params, dict)
        target = _baseline_target(params)
        items = inventory_items()
        orgs = self.session.client("organizations")
        found = []
        for ou in sorted([target] if target else protected):
            for page in orgs.get_paginator("list_accounts_for_parent").paginate(ParentId=ou):
                for acct in page.get("Accounts", []):
                    if (items.get(acct["Id"]) or {}).get("state") != "PROTECTED":
                        found.append(str(acct["Id"]))
        return found

    def _instances(self) -> set[tuple[str, str, str]]:
        cfn = self.session.client("cloudformation")
        found: set[tuple[str, str, str]] = set()
        for page in cfn.get_paginator("list_stack_sets").paginate(Status="ACTIVE"):
            for ss in page.get("Summaries", []):
                for inst in cfn.get_paginator("list_stack_instances").paginate(
                    StackSetName=ss["StackSetName"]
                ):
                    for s in inst.get("Summaries", []):
                        found.add((ss["StackSetName"], s["Account"], s["Region"]))
        return found

    def _instance_events(self, result: DeploymentResult, at: float) -> list[tuple[str, dict[str, Any]]]:
        """One StackSet StackInstance Status Change event per instance this run created or failed."""
        cfn = self.session.client("cloudformation")
        management = self.session.client("sts").get_caller_identity()["Account"]
        events: list[tuple[str, dict[str, Any]]] = []
        for ss in result.stack_sets.values():
            outcomes = [(a, r, "SUCCEEDED", "") for a, r in ss.deployed]
            outcomes += [(a, r, "FAILED", reason) for a, r, reason in ss.failed]
            for account, region, status, reason in outcomes:
                key = (ss.stack_set_name, account, region)
                if key in self._deployed:
                    continue
                self._deployed.add(key)
                arn = cfn.describe_stack_set(StackSetName=ss.stack_set_name)["StackSet"]["StackSetARN"]
                stack = f"StackSet-{ss.stack_set_name}-{uuid.uuid4().hex[:8]}/{uuid.uuid4()}"
                stack_id = f"arn:aws:cloudformation:{region}:{account}:stack/{stack}"
                events.append(
                    (
                        account,
                        {
                            "version": "0",
                            "id": str(uuid.uuid4()),
                            "detail-type": STACK_INSTANCE_EVENT,
                            "source": "aws.cloudformation",
                            "account": management,
                            "time": _iso(at),
                            "region": self.session.region_name,
                            "resources": [arn],
                            "detail": {
                                "stack-set-arn": arn,
                                "stack-id": stack_id,
                                "action": "CREATE",
                                "status-details": {
                                    "status": "CURRENT" if status == "SUCCEEDED" else "INOPERABLE",
                                    "status-reason": reason,
                                    "detailed-status": status,
                                },
                            },
                        },
                    )
                )
        return events

    def _send_to_dlq(self, event: Mapping[str, Any], error: str) -> None:
        sqs = self.session.client("sqs")
        try:
            url = sqs.get_queue_url(QueueName=contract.AUTOMATION_DLQ)["QueueUrl"]
        except sqs.exceptions.QueueDoesNotExist:
            return
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"event": event, "error": error}, default=str))

    # ---- metrics and alarms -------------------------------------------------------------------
    @staticmethod
    def _metric_count(module: str) -> int:
        rt = _runtime(module)
        return len(rt.telemetry.emitted_metrics) if rt is not None else 0

    def _count_metrics(self, module: str, before: int, at: float) -> None:
        rt = _runtime(module)
        if rt is None:
            return
        for metric in rt.telemetry.emitted_metrics[before:]:
            if metric["name"] == "ProtectionGaps" and metric["value"] > 0:
                self.gap_metrics.append(at)

    @staticmethod
    def _notifications(times: list[float], period: int) -> int:
        """OK -> ALARM transitions of an alarm with one evaluation period, missing data not breaching."""
        periods = sorted({int(t // period) for t in times})
        return sum(1 for p in periods if p - 1 not in periods)

    def summary(self, inventory: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
        """The report's timeline section; `accounts` is merged into each account of the report."""
        accounts: dict[str, dict[str, Any]] = {}
        for account in {*self.first_in_scope, *self.dlq, *inventory}:
            item = inventory.get(account) or {}
            protected = item.get("protectedAt")
            first = self.first_in_scope.get(account)
            seconds = None
            if protected and first is not None:
                seconds = max(datetime.fromisoformat(str(protected)).timestamp() - first, 0.0)
            accounts[account] = {
                "timeToProtectedSeconds": None if seconds is None else round(seconds),
                "dlqMessages": self.dlq.get(account, 0),
            }
        dlq_times = [t for t in self.errors]  # every failed attempt is a Lambda Errors datapoint
        return {
            "pipelineSeconds": self.pipeline_seconds,
            "pipelineRuns": self.pipeline_runs,
            "dlqMessages": sum(self.dlq.values()),
            "alarms": {
                contract.PROTECTION_GAPS_ALARM: self._notifications(self.gap_metrics, ALARM_PERIOD),
                contract.ENROLMENT_ERRORS_ALARM: self._notifications(dlq_times, LAMBDA_ALARM_PERIOD),
                contract.DLQ_DEPTH_ALARM: 1 if self.dlq else 0,
            },
            "log": self.log,
            "leniency": LENIENCY,
            "accounts": accounts,
        }


def inventory_items(table: str = automation.LAMBDA_ENV["INVENTORY_TABLE"]) -> dict[str, dict[str, Any]]:
    """account ID -> inventory item (plain values), read in the emulated management account."""
    import boto3  # noqa: PLC0415
    from cfct_backup_automation.inventory import from_item  # noqa: PLC0415

    ddb = boto3.client("dynamodb")
    items: dict[str, dict[str, Any]] = {}
    try:
        for page in ddb.get_paginator("scan").paginate(TableName=table):
            for raw in page.get("Items", []):
                item = from_item(raw)
                items[str(item.get("accountId"))] = item
    except ddb.exceptions.ResourceNotFoundException:
        return {}
    return items


def _baseline_target(params: Mapping[str, Any]) -> str | None:
    """The OU ID of an EnableBaseline's targetIdentifier (an OU ARN); None for the other calls."""
    target = params.get("targetIdentifier")
    return str(target).rsplit("/", 1)[-1] if isinstance(target, str) and ":ou/" in target else None


def _describe(result: Any) -> str:
    if isinstance(result, Mapping):
        parts = [f"{k}={result[k]}" for k in ("action", "state", "reason", "message") if result.get(k)]
        return ", ".join(parts) or json.dumps(result, default=str)[:200]
    return str(result)[:200]
