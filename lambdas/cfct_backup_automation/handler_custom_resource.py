"""Lambda entry point of `cfct-backup-custom-resource` (crhelper).

crhelper answers CloudFormation on the ResponseURL in every case, including exceptions (FAILED with
the exception message as the reason) and timeouts; the logic lives in `custom_resources`.
"""

from __future__ import annotations

import os
from typing import Any

from cfct_backup_automation.log import CUSTOM_RESOURCE, logger

_state: dict[str, Any] = {}


def _clients(event: dict[str, Any]) -> tuple[Any, Any, str]:
    import boto3  # noqa: PLC0415 - import time

    from cfct_backup_automation.custom_resources import stack_location  # noqa: PLC0415
    from cfct_backup_automation.sessions import RETRY_CONFIG  # noqa: PLC0415

    region, _ = stack_location(str(event.get("StackId", "")))
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    session = _state.get("session") or boto3.Session()
    orgs = session.client("organizations", config=RETRY_CONFIG)
    backup = session.client("backup", region_name=region, config=RETRY_CONFIG)
    return orgs, backup, region


def _apply(event: dict[str, Any], _context: Any) -> str:
    from cfct_backup_automation import custom_resources as cr  # noqa: PLC0415

    kind = event.get("ResourceType")
    props = event.get("ResourceProperties") or {}
    orgs, backup, region = _clients(event)
    if kind == cr.ORG_SETTINGS:
        physical, data = cr.apply_org_settings(orgs, backup, props, event.get("OldResourceProperties"))
    elif kind == cr.REGION_SETTINGS:
        physical, data = cr.apply_region_settings(backup, props, region)
    else:
        raise cr.InvalidProperties(f"unsupported custom resource type {kind!r}")
    _helper().Data.update(data)
    logger.info("custom resource applied", extra={"type": kind, "physical_id": physical, "data": data})
    return physical


def _delete(event: dict[str, Any], _context: Any) -> None:
    # Conservative by design (see custom_resources): org-wide and Region settings stay as they are;
    # nothing to look up, so nothing that could be "already gone".
    logger.info(
        "custom resource delete: settings left in place",
        extra={"type": event.get("ResourceType"), "physical_id": event.get("PhysicalResourceId")},
    )


def _helper() -> Any:
    if "helper" not in _state:
        from crhelper import CfnResource  # noqa: PLC0415 - import time

        helper = CfnResource(
            json_logging=True,
            log_level=os.environ.get("LOG_LEVEL", "INFO"),
            sleep_on_delete=int(os.environ.get("CR_SLEEP_ON_DELETE", "0") or 0),
        )
        helper.create(_apply)
        helper.update(_apply)
        helper.delete(_delete)
        _state["helper"] = helper
    return _state["helper"]


def set_runtime(session: Any | None) -> None:
    """Use this boto3 session (tests, the simulator), or forget cached state (None)."""
    _state.clear()
    if session is not None:
        _state["session"] = session


@logger.inject_lambda_context(correlation_id_path=CUSTOM_RESOURCE, clear_state=True)
def handler(event: dict[str, Any], context: Any) -> None:
    logger.append_keys(
        logical_resource_id=event.get("LogicalResourceId"), request_type=event.get("RequestType")
    )
    _helper()(event, context)
