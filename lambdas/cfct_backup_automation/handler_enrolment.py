"""Lambda entry point of `cfct-backup-enrolment` (EventBridge lifecycle events, async invoke).

Thin: builds the runtime once, makes the processing idempotent on the EventBridge event id
(powertools idempotency on the `cfct-backup-idempotency` table), and lets failures raise so that
Lambda retries the async invocation and finally sends it to the DLQ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cfct_backup_automation import contract
from cfct_backup_automation.log import logger
from cfct_backup_automation.runtime_slot import RuntimeSlot

if TYPE_CHECKING:
    from cfct_backup_automation.runtime import Runtime

SERVICE = contract.ENROLMENT_FUNCTION
_slot = RuntimeSlot(SERVICE)
_state = _slot.state  # kept while the container is warm: the runtime, the idempotent wrapper
get_runtime = _slot.get
set_runtime = _slot.set  # tests and the simulator: use this runtime, or forget it (None)


def process(event: Any, runtime: Runtime) -> dict[str, Any]:
    """Handle one event without idempotency bookkeeping (the simulator may call this directly)."""
    from cfct_backup_automation.enrolment import handle_event  # noqa: PLC0415 - keeps import time low

    return handle_event(
        event,
        runtime.cfg,
        runtime.sessions,
        runtime.telemetry,
        destinations=runtime.destinations,
        now=runtime.clock(),
    ).as_dict()


def _idempotent(runtime: Runtime) -> Any:
    if "idempotent" not in _state:
        # Powertools idempotency is the heaviest import: loaded on the first invocation only.
        from aws_lambda_powertools.utilities.idempotency import (  # noqa: PLC0415
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )

        from cfct_backup_automation.config import require_env  # noqa: PLC0415

        persistence = DynamoDBPersistenceLayer(
            table_name=require_env("IDEMPOTENCY_TABLE", runtime.environ),
            boto3_client=runtime.sessions.home_client("dynamodb"),
        )
        config = IdempotencyConfig(event_key_jmespath="id", expires_after_seconds=7 * 86400)

        @idempotent_function(  # type: ignore[untyped-decorator]
            data_keyword_argument="event", persistence_store=persistence, config=config
        )
        def run(event: dict[str, Any]) -> dict[str, Any]:
            return process(event, runtime)

        _state["idempotent"] = (run, config)
    return _state["idempotent"]


def handler(event: Any, context: Any) -> dict[str, Any]:
    """EventBridge -> Lambda (async). `context` may be None when called in-process."""
    logger.clear_state()
    logger.set_correlation_id(event.get("id") if isinstance(event, dict) else None)
    if context is not None:
        logger.append_keys(function_request_id=getattr(context, "aws_request_id", None))
    runtime = get_runtime()
    if not isinstance(event, dict) or not event.get("id"):
        # No key to be idempotent on: nothing will be done anyway (parse_event ignores it).
        return process(event, runtime)
    run, config = _idempotent(runtime)
    if context is not None and hasattr(context, "get_remaining_time_in_millis"):
        config.register_lambda_context(context)
    result: dict[str, Any] = run(event=event)
    return result
