"""Lambda entry point of `cfct-backup-restore-validation` (Audit account, central bus rule on
completed restore tests): assume the validator role in the member, validate, report."""

from __future__ import annotations

import os
from typing import Any

import boto3

from cfct_backup_automation.log import EVENT_BRIDGE, logger
from cfct_backup_automation.restore_validation import VALIDATOR_ROLE, handle_event
from cfct_backup_automation.sessions import RETRY_CONFIG


def client_for(account: str, service: str, region: str) -> Any:
    partition = os.environ.get("AWS_PARTITION", "aws")
    sts: Any = boto3.client("sts", config=RETRY_CONFIG)
    creds = sts.assume_role(
        RoleArn=f"arn:{partition}:iam::{account}:role/{VALIDATOR_ROLE}", RoleSessionName="restore-validation"
    )["Credentials"]
    make: Any = boto3.client
    return make(
        service,
        region_name=region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=RETRY_CONFIG,
    )


@logger.inject_lambda_context(correlation_id_path=EVENT_BRIDGE, clear_state=True)
def handler(event: Any, context: Any) -> dict[str, Any]:
    if not isinstance(event, dict):
        return {"action": "ignored", "reason": "event is not a JSON object"}
    result = handle_event(event, client_for, min_items=int(os.environ.get("MIN_RESTORED_ITEMS", "1") or 1))
    logger.info("restore validation", extra=result)
    return result
