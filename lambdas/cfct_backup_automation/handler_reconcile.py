"""Lambda entry point of `cfct-backup-reconcile`.

Two engines (template parameter `SweepEngine`, docs/automation.md for the sizing):
- `lambda` (small organizations): the EventBridge schedule invokes it; one invocation sweeps
  every account.
- `stepfunctions` (large organizations): the schedule starts the sweep state machine, whose
  states invoke it with `{"step": "scope" | "batch" | "summary", ...}` (`step`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cfct_backup_automation import contract
from cfct_backup_automation.log import logger
from cfct_backup_automation.runtime_slot import RuntimeSlot

if TYPE_CHECKING:
    from cfct_backup_automation.runtime import Runtime

SERVICE = contract.RECONCILE_FUNCTION
_slot = RuntimeSlot(SERVICE)
get_runtime = _slot.get
set_runtime = _slot.set  # tests and the simulator: use this runtime, or forget it (None)


def step(event: dict[str, Any], runtime: Runtime) -> Any:
    """One state of the Step Functions sweep (templates/lifecycle-automation.yaml, SweepStateMachine)."""
    from datetime import datetime  # noqa: PLC0415

    from cfct_backup_automation import reconcile as sweep  # noqa: PLC0415 - import time

    now = runtime.clock()
    if event["step"] == "scope":
        return {
            "runId": f"{now.strftime('%Y%m%dT%H%M%SZ')}-sfn",
            "started": now.isoformat(),
            "batches": sweep.sweep_scope(runtime.cfg, runtime.sessions),
        }
    if event["step"] == "batch":
        return sweep.sweep_batch(event["batch"], runtime.cfg, runtime.sessions, runtime.telemetry, now=now)
    if event["step"] == "summary":
        started = datetime.fromisoformat(str(event["started"]))
        return sweep.sweep_summary(
            runtime.cfg,
            runtime.sessions,
            runtime.telemetry,
            run_id=str(event["runId"]),
            started=started,
            now=now,
        )
    raise ValueError(f"unknown sweep step {event['step']!r} (scope, batch, summary)")


def handler(event: Any, context: Any) -> dict[str, Any]:
    from cfct_backup_automation.reconcile import reconcile  # noqa: PLC0415 - import time

    logger.clear_state()
    logger.set_correlation_id(event.get("id") if isinstance(event, dict) else None)
    runtime = get_runtime()
    if isinstance(event, dict) and "step" in event:
        out: dict[str, Any] = step(event, runtime)
        return out
    env = runtime.environ
    result = reconcile(
        runtime.cfg,
        runtime.sessions,
        mode="repair",
        telemetry=runtime.telemetry,
        max_workers=int(env.get("RECONCILE_CONCURRENCY", "32") or 32),
        now=runtime.clock,
    )
    return result.summary()
