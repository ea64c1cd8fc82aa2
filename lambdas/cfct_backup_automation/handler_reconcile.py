"""Lambda entry point of `cfct-backup-reconcile` (EventBridge schedule).

`{"step": "scope" | "batch" | "summary", ...}`: a state of the Step Functions sweep (`step`).
Small organizations: with `RECONCILE_SHARDS` > 1 the scheduled invocation fans out: it invokes
itself asynchronously once per shard (`{"shard": [index, count]}`) and each shard sweeps the
accounts whose ID modulo `count` is `index` (see docs/automation.md for the sizing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cfct_backup_automation.log import SWEEP, logger
from cfct_backup_automation.runtime_slot import RuntimeSlot

if TYPE_CHECKING:
    from cfct_backup_automation.runtime import Runtime

SERVICE = "cfct-backup-reconcile"
_slot = RuntimeSlot(SERVICE)
get_runtime = _slot.get
set_runtime = _slot.set  # tests and the simulator: use this runtime, or forget it (None)


def _shard(event: Any) -> tuple[int, int] | None:
    raw = event.get("shard") if isinstance(event, dict) else None
    if raw is None:
        return None
    index, count = int(raw[0]), int(raw[1])
    if not 0 <= index < count:
        raise ValueError(f"shard {raw!r} is not [index, count] with 0 <= index < count")
    return index, count


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


@logger.inject_lambda_context(correlation_id_path=SWEEP, clear_state=True)
def handler(event: Any, context: Any) -> dict[str, Any]:
    from cfct_backup_automation.reconcile import fan_out, reconcile  # noqa: PLC0415 - import time

    runtime = get_runtime()
    if isinstance(event, dict) and "step" in event:
        out: dict[str, Any] = step(event, runtime)
        return out
    env = runtime.environ
    shards = int(env.get("RECONCILE_SHARDS", "1") or 1)
    shard = _shard(event)
    if shard is None and shards > 1:
        name = getattr(context, "function_name", None) or env.get("AWS_LAMBDA_FUNCTION_NAME", SERVICE)
        fan_out(runtime.sessions.home_client("lambda"), name, shards, str(event.get("time", "")))
        return {"fannedOut": shards}
    result = reconcile(
        runtime.cfg,
        runtime.sessions,
        mode="repair",
        telemetry=runtime.telemetry,
        max_workers=int(env.get("RECONCILE_CONCURRENCY", "32") or 32),
        shard=shard or (0, 1),
        now=runtime.clock,
    )
    return result.summary()
