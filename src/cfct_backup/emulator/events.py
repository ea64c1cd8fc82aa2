"""EventBridge: deliver to SNS and Lambda targets instead of crashing.

moto 5.2.x delivers a matched event only to CloudWatch Logs, archives, SQS, event buses and API
destinations; any other target raises ``NotImplementedError`` inside ``PutEvents``. AWS delivers to
every target type (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html). Here:

- SNS topic targets publish the event (JSON, after ``Input``/``InputPath``/``InputTransformer``)
  to the topic, so its subscriptions receive it;
- Lambda function targets and every other type moto cannot run are recorded: :func:`deliveries`
  returns ``(target ARN, event)`` pairs, so a test can assert that an event reached a function
  (run the handler directly, moto's Lambda needs Docker).

moto also sends events through disabled rules. AWS does not: "When you disable a rule, EventBridge
stops matching events to that rule" (DisableRule,
https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DisableRule.html). Here a rule whose
state is not ``ENABLED`` matches nothing.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from moto.events import models as _models
from moto.events.utils import EventTemplateParser
from moto.utilities.arns import parse_arn

_delivered: list[tuple[str, dict[str, Any]]] = []
_lock = threading.Lock()
_MOTO_TARGETS = ("logs", "sqs", "events")


def deliveries(target_arn: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    """Events delivered to targets moto cannot run (Lambda and others), oldest first."""
    with _lock:
        return [(arn, event) for arn, event in _delivered if target_arn is None or arn == target_arn]


def clear() -> None:
    with _lock:
        _delivered.clear()


def _payload(target: dict[str, Any], event: dict[str, Any], transform_input: bool) -> Any:
    if not transform_input:
        return event
    if "Input" in target:
        return json.loads(target["Input"])
    if "InputPath" in target:
        value: Any = event
        for part in str(target["InputPath"]).lstrip("$.").split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value
    if "InputTransformer" in target:
        transformer = target["InputTransformer"]
        return EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}),
            event=event,  # type: ignore[arg-type]
        )
    return event


_moto_send_to_targets = _models.Rule.send_to_targets


def _send_to_targets(self: Any, original_event: Any, transform_input: bool = True) -> None:
    if self.state != "ENABLED" or not self.event_pattern.matches_event(original_event):
        return
    for_moto = []
    for target in self.targets:
        arn = parse_arn(target["Arn"])
        if arn.service in _MOTO_TARGETS:
            for_moto.append(target)
            continue
        payload = _payload(target, dict(original_event), transform_input)
        if arn.service == "sns":
            from moto.sns.models import sns_backends  # noqa: PLC0415

            message = payload if isinstance(payload, str) else json.dumps(payload)
            sns_backends[arn.account][arn.region].publish(message=message, arn=target["Arn"])
        else:
            with _lock:
                _delivered.append((target["Arn"], payload))
    if for_moto:
        saved = self.targets
        self.targets = for_moto
        try:
            _moto_send_to_targets(self, original_event, transform_input)
        finally:
            self.targets = saved


def install() -> None:
    if _models.Rule.send_to_targets is not _send_to_targets:
        _models.Rule.send_to_targets = _send_to_targets  # type: ignore[method-assign]
