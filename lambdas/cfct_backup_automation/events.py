"""Typed model of the lifecycle events the enrolment function receives from EventBridge.

Two families:

* Control Tower lifecycle events: source `aws.controltower`, detail-type
  `AWS Service Event via CloudTrail`, `detail.eventName` CreateManagedAccount / UpdateManagedAccount,
  `detail.serviceEventDetails.createManagedAccountStatus` (or `updateManagedAccountStatus`) with
  `state` SUCCEEDED/FAILED, `account {accountId, accountName}` and
  `organizationalUnit {organizationalUnitId, organizationalUnitName}`.
* Control Tower baseline API calls recorded by CloudTrail (landing zone 3.1+/4.0, where an OU's
  `AWSControlTowerBaseline` is an EnabledBaseline): source `aws.controltower`, detail-type
  `AWS API Call via CloudTrail`, `detail.eventSource` controltower.amazonaws.com, `detail.eventName`
  ResetEnabledBaseline / UpdateEnabledBaseline (requestParameters `enabledBaselineIdentifier`, an
  enabledbaseline ARN; the OU is not in the event) or EnableBaseline (requestParameters
  `targetIdentifier`, the OU's ARN). The call starts an asynchronous operation (`operationIdentifier`
  in responseElements) that enrols the OU's accounts in Control Tower: it is not a CfCT run.
  https://docs.aws.amazon.com/controltower/latest/APIReference/API_ResetEnabledBaseline.html
  https://docs.aws.amazon.com/controltower/latest/APIReference/API_EnableBaseline.html
  https://docs.aws.amazon.com/controltower/latest/userguide/logging-using-cloudtrail.html
* Organizations API calls recorded by CloudTrail: source `aws.organizations`, detail-type
  `AWS API Call via CloudTrail`, `detail.eventName` MoveAccount (requestParameters accountId,
  sourceParentId, destinationParentId), RemoveAccountFromOrganization and CloseAccount
  (requestParameters accountId).
* CloudFormation StackSet events (the "baseline ready" signal): source `aws.cloudformation`,
  detail-type `CloudFormation StackSet StackInstance Status Change`, delivered in the stack set's
  administrator account and Region (CfCT's management account, home Region), with `stack-set-arn`,
  `stack-id` (the instance's stack: account and Region) and `status-details.detailed-status`
  (SUCCEEDED / FAILED / CANCELLED / ...) and `status-reason`.
  https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/event-detail-stackset-stack-instance-status-change.html

`parse_event` returns a `LifecycleEvent` or raises `IgnoredEvent` carrying a short stable `reason`
(used as the metric dimension) and a human message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

ACCOUNT_RE = re.compile(r"^\d{12}$")
OU_RE = re.compile(r"^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$")

Kind = Literal[
    "CreateManagedAccount",
    "UpdateManagedAccount",
    "MoveAccount",
    "RemoveAccountFromOrganization",
    "CloseAccount",
    "BaselineInstance",
    "EnableBaseline",
    "ResetEnabledBaseline",
    "UpdateEnabledBaseline",
]
CONTROL_TOWER_EVENTS: dict[str, str] = {
    "CreateManagedAccount": "createManagedAccountStatus",
    "UpdateManagedAccount": "updateManagedAccountStatus",
}
ORGANIZATIONS_EVENTS = ("MoveAccount", "RemoveAccountFromOrganization", "CloseAccount")
API_CALL_DETAIL_TYPE = "AWS API Call via CloudTrail"
# Control Tower calls that (re-)apply an OU's baseline to its accounts, without a CfCT run
BASELINE_CALLS = ("EnableBaseline", "ResetEnabledBaseline", "UpdateEnabledBaseline")
# arn:<partition>:organizations::<management>:ou/<org>/<ou-id>
OU_ARN_RE = re.compile(
    r"^arn:[a-z-]+:organizations::\d{12}:ou/o-[a-z0-9]{10,32}/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$"
)
STACK_INSTANCE_DETAIL_TYPE = "CloudFormation StackSet StackInstance Status Change"
# arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>
STACK_ID_RE = re.compile(r"^arn:[a-z-]+:cloudformation:([a-z0-9-]+):(\d{12}):stack/[^/]+/.+$")
# arn:<partition>:cloudformation:<region>:<account>:stackset/<name>:<uuid>
STACK_SET_ARN_RE = re.compile(r"^arn:[a-z-]+:cloudformation:[a-z0-9-]+:\d{12}:stackset/([^:/]+):.+$")


class IgnoredEvent(Exception):
    """The event is not acted upon; `reason` is a short metric dimension, str() the explanation."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class LifecycleEvent:
    kind: Kind
    event_id: str
    account_id: str
    time: datetime
    account_name: str = ""
    # OU the account is in after the event (None when it left the organization).
    ou_id: str | None = None
    ou_name: str = ""
    source_parent_id: str | None = None
    # BaselineInstance: the stack instance's Region, stack set, detailed status and its reason
    region: str = ""
    stack_set_name: str = ""
    instance_status: str = ""
    status_reason: str = ""
    # EnableBaseline / ResetEnabledBaseline / UpdateEnabledBaseline: the enabled baseline (an OU's)
    enabled_baseline: str = ""

    @property
    def applies_baseline(self) -> bool:
        """A Control Tower baseline call: about an OU (`ou_id` when the event names it), no account."""
        return self.kind in BASELINE_CALLS

    @property
    def leaves_organization(self) -> bool:
        return self.kind in ("RemoveAccountFromOrganization", "CloseAccount")

    @property
    def correlation_id(self) -> str:
        return self.event_id


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _time(raw: Any) -> datetime:
    if isinstance(raw, str):
        try:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise IgnoredEvent("malformed", f"event time {raw!r} is not an ISO 8601 timestamp") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise IgnoredEvent("malformed", "event has no time")


def _account(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not ACCOUNT_RE.match(raw):
        raise IgnoredEvent("malformed", f"{where} is not a 12-digit account ID: {raw!r}")
    return raw


def parse_event(event: Any) -> LifecycleEvent:
    """Parse an EventBridge event; raise IgnoredEvent(reason, message) for anything not actionable."""
    if not isinstance(event, dict):
        raise IgnoredEvent("malformed", f"event is a {type(event).__name__}, not a JSON object")
    event_id = event.get("id")
    if not isinstance(event_id, str) or not event_id:
        raise IgnoredEvent("malformed", "event has no id")
    source = event.get("source")
    detail = event.get("detail")
    if not isinstance(detail, dict):
        raise IgnoredEvent("malformed", f"event {event_id} has no detail object")
    name = detail.get("eventName")
    when = _time(event.get("time"))
    if source == "aws.controltower" and event.get("detail-type") == API_CALL_DETAIL_TYPE:
        return _baseline_call(event_id, detail, when)
    if source == "aws.controltower":
        if name not in CONTROL_TOWER_EVENTS:
            raise IgnoredEvent(
                "unknown-event", f"Control Tower event {name!r} is not a lifecycle event handled here"
            )
        status = _get(detail, "serviceEventDetails", CONTROL_TOWER_EVENTS[name])
        if not isinstance(status, dict):
            raise IgnoredEvent(
                "malformed",
                f"{name} event {event_id} has no serviceEventDetails.{CONTROL_TOWER_EVENTS[name]}",
            )
        state = status.get("state")
        account_id = _account(_get(status, "account", "accountId"), f"{name} account.accountId")
        if state == "FAILED":
            raise IgnoredEvent(
                "failed",
                f"{name} for account {account_id} FAILED in Control Tower: "
                f"{status.get('message', 'no message')}",
            )
        if state != "SUCCEEDED":
            raise IgnoredEvent(
                "malformed", f"{name} event {event_id} has state {state!r}, not SUCCEEDED/FAILED"
            )
        ou_id = _get(status, "organizationalUnit", "organizationalUnitId")
        if not isinstance(ou_id, str) or not OU_RE.match(ou_id):
            raise IgnoredEvent(
                "malformed", f"{name} event {event_id} has no valid organizationalUnitId: {ou_id!r}"
            )
        return LifecycleEvent(
            kind=name,
            event_id=event_id,
            account_id=account_id,
            time=when,
            account_name=str(_get(status, "account", "accountName") or ""),
            ou_id=ou_id,
            ou_name=str(_get(status, "organizationalUnit", "organizationalUnitName") or ""),
        )
    if source == "aws.organizations":
        if name not in ORGANIZATIONS_EVENTS:
            raise IgnoredEvent(
                "unknown-event", f"Organizations event {name!r} is not an account lifecycle event"
            )
        if detail.get("errorCode"):
            raise IgnoredEvent("failed", f"{name} call failed in Organizations: {detail.get('errorCode')}")
        params = detail.get("requestParameters")
        if not isinstance(params, dict):
            raise IgnoredEvent("malformed", f"{name} event {event_id} has no requestParameters")
        account_id = _account(params.get("accountId"), f"{name} requestParameters.accountId")
        if name == "MoveAccount":
            dest = params.get("destinationParentId")
            if not isinstance(dest, str) or not OU_RE.match(dest):
                raise IgnoredEvent(
                    "malformed", f"MoveAccount event {event_id} has no valid destinationParentId"
                )
            src = params.get("sourceParentId")
            return LifecycleEvent(
                kind="MoveAccount",
                event_id=event_id,
                account_id=account_id,
                time=when,
                ou_id=dest,
                source_parent_id=src if isinstance(src, str) else None,
            )
        return LifecycleEvent(kind=name, event_id=event_id, account_id=account_id, time=when)
    if source == "aws.cloudformation":
        return _stack_instance_event(event, event_id, detail, when)
    raise IgnoredEvent("unknown-source", f"event source {source!r} is not handled by the enrolment function")


def _baseline_call(event_id: str, detail: dict[str, Any], when: datetime) -> LifecycleEvent:
    name = detail.get("eventName")
    if name not in BASELINE_CALLS:
        raise IgnoredEvent("unknown-event", f"Control Tower API call {name!r} does not apply a baseline")
    if detail.get("errorCode"):
        raise IgnoredEvent("failed", f"{name} call failed in Control Tower: {detail.get('errorCode')}")
    params = detail.get("requestParameters")
    if not isinstance(params, dict):
        raise IgnoredEvent("malformed", f"{name} event {event_id} has no requestParameters")
    ou_id: str | None = None
    enabled = ""
    if name == "EnableBaseline":
        target = params.get("targetIdentifier")
        found = OU_ARN_RE.match(target) if isinstance(target, str) else None
        if found is None:
            raise IgnoredEvent(
                "malformed", f"EnableBaseline event {event_id} has no OU ARN as targetIdentifier: {target!r}"
            )
        ou_id = found.group(1)
    else:
        raw = params.get("enabledBaselineIdentifier")
        if not isinstance(raw, str) or ":enabledbaseline/" not in raw:
            raise IgnoredEvent(
                "malformed", f"{name} event {event_id} has no valid enabledBaselineIdentifier: {raw!r}"
            )
        enabled = raw
    return LifecycleEvent(
        kind=name, event_id=event_id, account_id="", time=when, ou_id=ou_id, enabled_baseline=enabled
    )


def _stack_instance_event(
    event: dict[str, Any], event_id: str, detail: dict[str, Any], when: datetime
) -> LifecycleEvent:
    if event.get("detail-type") != STACK_INSTANCE_DETAIL_TYPE:
        raise IgnoredEvent(
            "unknown-event",
            f"CloudFormation event {event.get('detail-type')!r} is not a stack instance status change",
        )
    stack_id = detail.get("stack-id")
    found = STACK_ID_RE.match(stack_id) if isinstance(stack_id, str) else None
    if found is None:
        raise IgnoredEvent(
            "malformed", f"stack instance event {event_id} has no valid stack-id: {stack_id!r}"
        )
    arn = detail.get("stack-set-arn")
    named = STACK_SET_ARN_RE.match(arn) if isinstance(arn, str) else None
    if named is None:
        raise IgnoredEvent(
            "malformed", f"stack instance event {event_id} has no valid stack-set-arn: {arn!r}"
        )
    status = _get(detail, "status-details", "detailed-status")
    if not isinstance(status, str) or not status:
        raise IgnoredEvent(
            "malformed", f"stack instance event {event_id} has no status-details.detailed-status"
        )
    return LifecycleEvent(
        kind="BaselineInstance",
        event_id=event_id,
        account_id=found.group(2),
        time=when,
        region=found.group(1),
        stack_set_name=named.group(1),
        instance_status=status,
        status_reason=str(_get(detail, "status-details", "status-reason") or ""),
    )
