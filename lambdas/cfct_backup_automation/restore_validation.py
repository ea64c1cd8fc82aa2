"""Restore test validation: check what a restore testing job restored, report it to AWS Backup.

AWS Backup restore testing emits ``Restore Job State Change`` when a test restore completes; the
event's ``detail`` names ``restoreJobId``, ``resourceType``, ``createdResourceArn`` and
``restoreTestingPlanArn`` (https://docs.aws.amazon.com/aws-backup/latest/devguide/
restore-testing-validation.html). Members forward these events to the central bus in the Audit
account (templates/member-baseline.yaml); a rule there invokes this function
(templates/restore-validation.yaml), which assumes ``cfct-backup-restore-validator`` in the member
(templates/restore-testing.yaml), checks the restored resource per type and calls
``PutRestoreValidationResult`` (FAILED | SUCCESSFUL | TIMED_OUT | VALIDATING,
https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutRestoreValidationResult.html).
AWS Backup deletes the restored resource itself once the selection's validation window has passed.

Checks (``validate_restored``): a DynamoDB table holds at least ``min_items`` items; an S3 bucket
at least ``min_objects`` objects; an EC2 instance is ``running`` (``pending`` reports VALIDATING,
so a later event or the window decides).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from cfct_backup_automation import contract

VALIDATOR_ROLE = contract.RESTORE_VALIDATOR_ROLE
ClientFor = Callable[[str, str, str], Any]  # (account, service, region) -> boto3 client


@dataclass(frozen=True)
class Verdict:
    status: str  # SUCCESSFUL | FAILED | VALIDATING
    message: str


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _name(arn: str) -> str:
    return arn.split(":", 5)[5].split("/", 1)[-1]


def validate_restored(
    client: Callable[[str], Any], resource_type: str, created_arn: str, *, min_items: int = 1
) -> Verdict:
    """Check one restored resource; ``client(service)`` gives a client in its account and Region."""
    try:
        if resource_type == "DynamoDB":
            table = _name(created_arn)
            count = 0
            for page in client("dynamodb").get_paginator("scan").paginate(TableName=table, Select="COUNT"):
                count += int(page.get("Count", 0))
            ok = count >= min_items
            return Verdict(
                "SUCCESSFUL" if ok else "FAILED", f"table {table}: {count} item(s), need {min_items}"
            )
        if resource_type == "S3":
            bucket = _name(created_arn)
            count = 0
            for page in client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket):
                count += int(page.get("KeyCount", 0))
            ok = count >= min_items
            return Verdict(
                "SUCCESSFUL" if ok else "FAILED", f"bucket {bucket}: {count} object(s), need {min_items}"
            )
        if resource_type == "EC2":
            instance_id = _name(created_arn)
            reservations = client("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"]
            states = [i["State"]["Name"] for r in reservations for i in r["Instances"]]
            state = states[0] if states else "missing"
            if state == "running":
                return Verdict("SUCCESSFUL", f"instance {instance_id} running")
            if state == "pending":
                return Verdict("VALIDATING", f"instance {instance_id} pending")
            return Verdict("FAILED", f"instance {instance_id} {state}")
    except ClientError as exc:
        return Verdict("FAILED", f"{resource_type} {created_arn}: {_code(exc)}")
    return Verdict("FAILED", f"no validation for resource type {resource_type}")


def handle_event(event: Mapping[str, Any], client_for: ClientFor, *, min_items: int = 1) -> dict[str, Any]:
    """Validate the restore test an EventBridge event reports; ignore anything else (one clear reason)."""
    detail = event.get("detail") if isinstance(event.get("detail"), Mapping) else None
    if event.get("detail-type") != "Restore Job State Change" or detail is None:
        return {"action": "ignored", "reason": "not a Restore Job State Change event"}
    if detail.get("status") != "COMPLETED":
        return {"action": "ignored", "reason": f"restore job status {detail.get('status')}"}
    if not detail.get("restoreTestingPlanArn"):
        return {"action": "ignored", "reason": "not a restore test (no restoreTestingPlanArn)"}
    job_id, created = detail.get("restoreJobId"), detail.get("createdResourceArn")
    account, region = str(event.get("account", "")), str(event.get("region", ""))
    if not job_id or not created or not account or not region:
        return {
            "action": "ignored",
            "reason": "event lacks restoreJobId, createdResourceArn, account or region",
        }

    def client(service: str) -> Any:
        return client_for(account, service, region)

    verdict = validate_restored(
        client, str(detail.get("resourceType", "")), str(created), min_items=min_items
    )
    client("backup").put_restore_validation_result(
        RestoreJobId=str(job_id),
        ValidationStatus=verdict.status,
        ValidationStatusMessage=verdict.message[:1000],
    )
    return {"action": "validated", "state": verdict.status, "message": verdict.message, "account": account}
