"""Waiting for the member baseline instead of racing it.

Control Tower's CreateManagedAccount event reaches enrolment minutes before CfCT's pipeline has
deployed the member baseline stack instances (which create the role enrolment assumes). An account
whose baseline is not there yet is therefore recorded PENDING ("awaiting the baseline") — a normal
step of a vend, not an error: no exception (so no Lambda retry, no DLQ message), no gap metric (so
no alarm). The baseline announces itself: CloudFormation emits a `CloudFormation StackSet
StackInstance Status Change` event in the stack set's administrator account (CfCT's management
account, home Region) for every instance it creates; the enrolment rule routes the ones of the
member baseline stack set to this function, which enrols the account once every governed Region's
instance has SUCCEEDED.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/event-detail-stackset-stack-instance-status-change.html

Real failures still alarm, once, with the account and the reason: an instance that FAILED
(`baseline-failed`), a wait longer than `BASELINE_WAIT_SECONDS` (`baseline-timeout`, found by
reconcile), an account in a child OU of a protected OU (`nested-ou`: it inherits the backup
policies but CfCT deploys stack sets only to accounts directly in a listed OU).

Accounts that arrive without a CfCT run (Organizations MoveAccount into a protected OU; CfCT re-runs
only on Control Tower CreateManagedAccount/UpdateManagedAccount SUCCEEDED: the two
`CustomControlTower*ManagedAccountCWEventRule` rules of customizations-for-aws-control-tower.template
feeding source/src/cfct/lambda_handlers/lifecycle_event_handler.py, CfCT v2.8.4) get the pipeline started
here: `codepipeline:StartPipelineExecution` on `Custom-Control-Tower-CodePipeline` only.
https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_StartPipelineExecution.html
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from botocore.exceptions import ClientError

from cfct_backup_automation import inventory
from cfct_backup_automation.config import Config
from cfct_backup_automation.log import logger
from cfct_backup_automation.sessions import error_code
from cfct_backup_automation.telemetry import Telemetry

# Gap codes of this module (the others are in protection.py / reconcile.py)
BASELINE_FAILED = "baseline-failed"
BASELINE_TIMEOUT = "baseline-timeout"
NESTED_OU = "nested-ou"
AWAITING_BASELINE = "awaiting-baseline"

# StackInstanceStatus.DetailedStatus values that will not turn into SUCCEEDED on their own
# https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceComprehensiveStatus.html
FAILED_STATUSES = frozenset({"FAILED", "CANCELLED", "INOPERABLE", "FAILED_IMPORT"})
SUCCEEDED = "SUCCEEDED"
MAX_OU_DEPTH = 5  # Organizations: OU nesting depth under the root is at most five


@dataclass(frozen=True)
class BaselineStatus:
    state: Literal["ready", "waiting", "failed"]
    reason: str = ""
    regions: Mapping[str, str] = field(default_factory=dict)  # Region -> detailed status


def _detailed(summary: Mapping[str, Any]) -> str:
    detailed = (summary.get("StackInstanceStatus") or {}).get("DetailedStatus")
    if detailed:
        return str(detailed)
    status = str(summary.get("Status", ""))
    return {"CURRENT": SUCCEEDED, "INOPERABLE": "INOPERABLE"}.get(status, status or "PENDING")


def baseline_status(
    cfn: Any, cfg: Config, account_id: str, failed: Mapping[str, str] | None = None
) -> BaselineStatus:
    """Whether the member baseline is complete in every governed Region of `account_id`.

    `failed`: Regions whose instance a FAILED event reported (kept in the inventory item until a
    SUCCEEDED event for that Region clears it), trusted over the instance list.
    """
    if not cfg.baseline_stack_set:
        return BaselineStatus("ready", "no baseline stack set configured: not waited for")
    found: dict[str, str] = {}
    try:
        pages = cfn.get_paginator("list_stack_instances").paginate(
            StackSetName=cfg.baseline_stack_set, StackInstanceAccount=account_id
        )
        for page in pages:
            for summary in page.get("Summaries", []):
                if summary.get("Account") == account_id:
                    found[str(summary["Region"])] = _detailed(summary)
    except ClientError as exc:
        if error_code(exc) != "StackSetNotFoundException":
            raise
        return BaselineStatus("waiting", f"stack set {cfg.baseline_stack_set} is not deployed yet")
    bad = {r: s for r, s in found.items() if r in cfg.governed_regions and s in FAILED_STATUSES}
    bad.update({r: s for r, s in (failed or {}).items() if r in cfg.governed_regions})
    if bad:
        reason = "; ".join(f"{r}: {s}" for r, s in sorted(bad.items()))
        return BaselineStatus("failed", f"member baseline stack instance failed ({reason})", found)
    missing = [r for r in cfg.governed_regions if found.get(r) != SUCCEEDED]
    if missing:
        return BaselineStatus(
            "waiting",
            f"member baseline not complete in {', '.join(missing)}",
            {r: found.get(r, "") for r in missing},
        )
    return BaselineStatus("ready", "member baseline complete", found)


def protected_ancestor(orgs: Any, ou_id: str | None, cfg: Config) -> str | None:
    """The protected OU above `ou_id` (not `ou_id` itself), if any: the account would inherit its
    backup policies without getting the baseline."""
    if ou_id is None or not ou_id.startswith("ou-"):
        return None
    child = ou_id
    for _ in range(MAX_OU_DEPTH):
        parents = orgs.list_parents(ChildId=child).get("Parents", [])
        if not parents or parents[0].get("Type") == "ROOT":
            return None
        child = str(parents[0]["Id"])
        if cfg.is_protected_ou(child):
            return child
    return None


def nested_message(ou_id: str, ancestor: str) -> str:
    return (
        f"OU {ou_id} is a child of protected OU {ancestor}: the account inherits its backup policies, but "
        "CfCT deploys the member baseline only to accounts directly in a listed OU; list the child OU in "
        "the manifest's member baseline and protected-ous, or move the account (docs/automation.md)"
    )


def start_pipeline(codepipeline: Any, cfg: Config, account_id: str) -> str | None:
    """Start CfCT's pipeline so that it deploys the baseline of an account that entered scope without
    a Control Tower event; the execution ID, or None when no pipeline is configured."""
    if not cfg.cfct_pipeline_name:
        return None
    resp = codepipeline.start_pipeline_execution(name=cfg.cfct_pipeline_name)
    execution = str(resp.get("pipelineExecutionId", ""))
    logger.info(
        "CfCT pipeline started for an account without a lifecycle event",
        extra={"account_id": account_id, "pipeline": cfg.cfct_pipeline_name, "execution": execution},
    )
    return execution


def alarm_once(
    telemetry: Telemetry,
    previous_gaps: list[str] | None,
    *,
    account_id: str,
    ou_id: str | None,
    code: str,
    message: str,
    owner: str,
) -> bool:
    """Emit the gap (ProtectionGaps metric -> the one alarm, and a Protection Gap event naming the
    account and the reason) only when the account did not already have it; True when emitted."""
    label = f"global:{code}"
    if label in (previous_gaps or []):
        return False
    telemetry.metric("ProtectionGaps", 1, reason=code)
    telemetry.event(
        "Protection Gap",
        {
            "accountId": account_id,
            "ouId": ou_id,
            "state": inventory.GAP,
            "missing": message,
            "gaps": [{"code": code, "message": message, "region": None, "owner": owner, "repaired": False}],
        },
    )
    logger.warning("protection gap", extra={"account_id": account_id, "gaps": [label], "missing": message})
    return True


def iso_age(since: str | None, now: datetime) -> float:
    if not since:
        return 0.0
    return max((now - datetime.fromisoformat(since)).total_seconds(), 0.0)
