"""Central checks in the simulation: the verification pipeline (cfct_backup.verify) over the
emulated landing zone, plus one end-to-end event only the emulator can send.

The checks themselves (observe -> evaluate) live in `cfct_backup.verify.central` and run unchanged
against a real organization (`cfct-backup audit --central`). Everything is read through the
account's own credentials (the CfCT execution role), as the member checks are. The event drill: a
failed backup job on a member's default bus must reach the central bus and the alert topic. Schema:
docs/simulate.md.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from cfct_backup_automation import contract

from cfct_backup.cfct.interpreter import ClientFactory
from cfct_backup.organization import Organization, OrganizationIds
from cfct_backup.verify.central import (
    ALERT_TOPIC,
    CENTRAL_BUS,
    GROUPS,
    CentralCheck,
    Checks,
    error_code,
    read_back_failed,
    sort_checks,
)
from cfct_backup.verify.central import inspect_central as verify_central
from cfct_backup.verify.target import Target

__all__ = ["GROUPS", "CentralCheck", "check_event_path", "inspect_central"]


# ---- the end-to-end event ------------------------------------------------------------------------


def backup_job_failed_event(account_id: str, region: str) -> dict[str, Any]:
    """A `Backup Job State Change` FAILED entry as AWS Backup emits it (https://docs.aws.amazon.com/
    aws-backup/latest/devguide/eventbridge.html). AWS reserves `aws.*` sources for its services:
    only the emulator accepts this from PutEvents, standing in for AWS Backup itself."""
    job = f"{contract.ALERT_DRILL_PREFIX}{uuid.uuid4().hex[:12]}"
    return {
        "Source": "aws.backup",
        "DetailType": "Backup Job State Change",
        "Resources": [f"arn:aws:backup:{region}:{account_id}:backup-job:{job}"],
        "Detail": json.dumps(
            {
                "backupJobId": job,
                "backupVaultName": contract.MEMBER_VAULT,
                "state": "FAILED",
                "statusMessage": f"{contract.CLI_NAME} simulate: end-to-end alert drill",
                "resourceType": "EBS",
            }
        ),
    }


def check_event_path(clients: ClientFactory, org: Organization, ids: OrganizationIds) -> list[CentralCheck]:
    """A failed backup job on a member's default bus reaches the central bus and the alert topic.

    Two probes in the Audit account, removed afterwards: an SQS queue subscribed to the alert topic,
    and a rule on the central bus sending everything from `aws.backup` to the same queue.
    """
    audit_name = org.roles["audit"]
    audit_id, home = ids.accounts[audit_name], org.home_region
    members = [a for a in org.accounts if org.in_scope(a) and a.name in ids.accounts]
    c = Checks("audit", audit_name, audit_id, home)
    what = "failed backup job alert path (member bus -> central bus -> alert topic)"
    if not members:
        c.add(what, False, "no in-scope member to send from", "1.8", "2.9")
        return c.items
    member = members[0]
    member_id = ids.accounts[member.name]
    sqs = clients.client("sqs", audit_id, home)
    sns = clients.client("sns", audit_id, home)
    events = clients.client("events", audit_id, home)
    topic_arn = f"arn:aws:sns:{home}:{audit_id}:{ALERT_TOPIC}"
    probe = f"{contract.PROBE_PREFIX}{uuid.uuid4().hex[:8]}"
    queue_url = sqs.create_queue(QueueName=probe)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    subscription: str | None = None
    rule_created = False
    try:
        try:
            subscription = sns.subscribe(
                TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True
            )["SubscriptionArn"]
        except Exception as exc:  # noqa: BLE001 - no topic: reported below as not reached
            c.add(what, False, f"alert topic cannot be subscribed ({error_code(exc)})", "1.8", "2.9")
        try:
            events.put_rule(
                Name=probe, EventBusName=CENTRAL_BUS, EventPattern=json.dumps({"source": ["aws.backup"]})
            )
            events.put_targets(
                Rule=probe, EventBusName=CENTRAL_BUS, Targets=[{"Id": "probe", "Arn": queue_arn}]
            )
            rule_created = True
        except Exception as exc:  # noqa: BLE001 - no central bus
            c.add(what, False, f"central bus cannot be probed ({error_code(exc)})", "1.8", "2.9")
        entry = backup_job_failed_event(member_id, home)
        job_id = json.loads(entry["Detail"])["backupJobId"]
        clients.client("events", member_id, home).put_events(Entries=[entry])
        on_bus = on_topic = False
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline and not (on_bus and on_topic):
            messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                break
            for message in messages:
                body = json.loads(message["Body"])
                if body.get("Type") == "Notification":  # through SNS: the event is the Message
                    on_topic = on_topic or job_id in str(body.get("Message", ""))
                else:
                    on_bus = on_bus or job_id in json.dumps(body)
        if subscription and rule_created:
            detail = (
                f"from {member.name} reached the central bus and {ALERT_TOPIC}"
                if on_bus and on_topic
                else f"from {member.name}: central bus {'reached' if on_bus else 'NOT reached'}, "
                f"alert topic {'reached' if on_topic else 'NOT reached'}"
            )
            c.add(what, on_bus and on_topic, detail, "1.8", "2.9")
    finally:
        if rule_created:
            events.remove_targets(Rule=probe, EventBusName=CENTRAL_BUS, Ids=["probe"])
            events.delete_rule(Name=probe, EventBusName=CENTRAL_BUS)
        if subscription:
            sns.unsubscribe(SubscriptionArn=subscription)
        sqs.delete_queue(QueueUrl=queue_url)
    return c.items


def inspect_central(clients: ClientFactory, org: Organization, ids: OrganizationIds) -> list[CentralCheck]:
    """Every central check, in GROUPS order: the verification pipeline, then the event drill."""
    target = Target.from_description(org, ids)
    checks = verify_central(clients, target)
    try:
        checks.extend(check_event_path(clients, org, ids))
    except Exception as exc:  # noqa: BLE001 - an account that cannot be read is itself the gap
        checks.append(read_back_failed("audit", target, exc))
    return sort_checks(checks)
