"""Step Functions Distributed Map: the tolerated failure threshold fails the Map Run.

AWS: a Distributed Map counts each child workflow execution that fails or times out as a failed
item; the Map Run fails with ``States.ExceedToleratedFailureThreshold`` once the failed items
exceed ``ToleratedFailureCount`` or their share exceeds ``ToleratedFailurePercentage`` (either
field, or its ``...Path`` variant; with neither, one failed item fails the Map Run).
https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html#maprun-fail-threshold

moto 5.2.x evaluates both fields (and validates the ``...Path`` values) and counts the failed items
in the Map Run record, but never compares them: a Map Run whose children all failed SUCCEEDS, with
``null`` as each failed child's output.

Extension: after the children of a Distributed Map finished, compare the failed and timed-out item
counts with the thresholds the state declares and raise the error AWS raises. Inline Map states
are untouched (there the first failed iteration fails the state, as in moto).
"""

from __future__ import annotations

from typing import Any

from ._moto import after_import, patch_attribute

ERROR = "States.ExceedToleratedFailureThreshold"
_STATE_MAP = "moto.stepfunctions.parser.asl.component.state.exec.state_map.state_map"
_DECLARED = "_cfct_declared_tolerance"  # (count declared, percentage declared) on the iteration component


def exceeds(failed: int, total: int, *, count: int | None, percentage: float | None) -> bool:
    """AWS's rule: neither threshold declared -> any failure; else either one exceeded."""
    if count is None and percentage is None:
        return failed > 0
    if count is not None and failed > count:
        return True
    return percentage is not None and total > 0 and failed * 100.0 / total > percentage


def _patch() -> None:
    from moto.stepfunctions.parser.api import (  # noqa: PLC0415 - heavy, loaded with moto's interpreter
        ExecutionFailedEventDetails,
        HistoryEventType,
    )
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (  # noqa: PLC0415
        FailureEvent,
        FailureEventException,
    )
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import (  # noqa: PLC0415
        StatesErrorName,
    )
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (  # noqa: PLC0415
        StatesErrorNameType,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_map import (  # noqa: PLC0415
        state_map,
        tolerated_failure,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration import (  # noqa: PLC0415
        distributed_iteration_component as distributed,
    )
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails  # noqa: PLC0415

    moto_from_state_props = state_map.StateMap.from_state_props
    moto_map_run = distributed.DistributedIterationComponent._map_run

    def from_state_props(self: Any, state_props: Any) -> None:
        moto_from_state_props(self, state_props)
        declared = (
            state_props.get(tolerated_failure.ToleratedFailureCountDecl) is not None,
            state_props.get(tolerated_failure.ToleratedFailurePercentageDecl) is not None,
        )
        setattr(self.iteration_component, _DECLARED, declared)

    def map_run(self: Any, env: Any, eval_input: Any) -> None:
        moto_map_run(self, env, eval_input)
        counter = eval_input.map_run_record.item_counter
        failed = counter.failed.get() + counter.timed_out.get()
        total = counter.total.get()
        count_declared, percentage_declared = getattr(self, _DECLARED, (False, False))
        count = eval_input.tolerated_failure_count if count_declared else None
        percentage = eval_input.tolerated_failure_percentage if percentage_declared else None
        if not exceeds(failed, total, count=count, percentage=percentage):
            return
        cause = (
            f"The Map Run {eval_input.map_run_record.map_run_arn} failed: {failed} of {total} items"
            f" failed (ToleratedFailureCount {count}, ToleratedFailurePercentage {percentage})."
        )
        raise FailureEventException(
            failure_event=FailureEvent(
                env=env,
                error_name=StatesErrorName(typ=StatesErrorNameType.StatesExceedToleratedFailureThreshold),
                event_type=HistoryEventType.ExecutionFailed,
                event_details=EventDetails(  # type: ignore[typeddict-item]  # as moto builds it
                    executionFailedEventDetails=ExecutionFailedEventDetails(error=ERROR, cause=cause)
                ),
            )
        )

    patch_attribute(state_map.StateMap, "from_state_props", from_state_props)
    patch_attribute(distributed.DistributedIterationComponent, "_map_run", map_run)


def install() -> None:
    """Patch moto's interpreter when moto loads it (it is heavy; ``install()`` stays cheap)."""
    after_import(_STATE_MAP, _patch)
