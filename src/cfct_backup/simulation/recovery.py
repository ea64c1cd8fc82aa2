"""The recovery drill of `cfct-backup simulate` (docs/recovery.md, report section `restores`).

Runs after the protection report is read back (it moves the emulated clock on), in the home Region,
when the organization has a `recovery` account:

1. **break-glass restore from the bunker**: a DynamoDB table with items in the first protected
   member, tagged with the daily tier, is backed up into the member vault and copied into the bunker
   (the member's `cfct-backup-service-role`, as the backup policies do); the table is then lost.
   From the bunker, the break-glass operator copies the bunker recovery point into the recovery
   vault (`cfct-backup-recovery`) with the bunker's `cfct-backup-restore` role, then restores it in
   the recovery account with the recovery account's `cfct-backup-restore` role; the restored table
   is validated (item count, `restore_validation.validate_restored`), measured on the emulated
   clock, deleted; finally the bunker copies the recovery point back into the member vault.
2. **restore test in the member**: the clock moves to the next run of the member's restore testing
   plan of the daily tier (`templates/restore-testing.yaml`); the completed restore job's event is
   delivered to the validation handler's logic (`restore_validation.handle_event`), which reports
   `PutRestoreValidationResult`; once the validation window has passed AWS Backup (the emulator)
   deletes the restored table.
3. the recovery ledger of that member (`recovery_ledger.account_ledger`).

Every step records its outcome; a step that AWS (the emulator) refuses becomes a gap of the entry.
"""

from __future__ import annotations

import time
from typing import Any

from cfct_backup_automation import contract

from cfct_backup.cfct.interpreter import ClientFactory
from cfct_backup.emulator import iam
from cfct_backup.organization import Organization, OrganizationIds

DRILL_TABLE = contract.RECOVERY_DRILL_TABLE
TEST_TABLE = contract.RESTORE_TEST_DRILL_TABLE
RESTORED_TABLE = contract.RESTORED_DRILL_TABLE
DRILL_ITEMS = 5
DRILL_TIER = "daily"
MEMBER_VAULT = contract.MEMBER_VAULT
BUNKER_VAULT = contract.BUNKER_VAULT
RECOVERY_VAULT = contract.RECOVERY_VAULT
RESTORE_ROLE = contract.RESTORE_ROLE
SERVICE_ROLE = contract.SERVICE_ROLE
BREAK_GLASS_ROLE = contract.BREAK_GLASS_ROLE
RESTORE_TESTS_RULE = contract.RESTORE_TESTS_RULE  # templates/restore-validation.yaml
POLL_SECONDS = 60.0


def _code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return (
            str(response.get("Error", {}).get("Code", ""))
            + ": "
            + str(response.get("Error", {}).get("Message", ""))
        )
    return str(exc)


def _seconds(value: Any) -> float:
    return value.timestamp() if hasattr(value, "timestamp") else float(value)


def _wait_restore(backup: Any, job_id: str, limit_seconds: float = 6 * 3600) -> dict[str, Any]:
    """Poll DescribeRestoreJob as an operator would, moving the emulated clock a minute at a time."""
    from cfct_backup.emulator import clock  # noqa: PLC0415 - the simulation runs on the emulator

    waited = 0.0
    while True:
        job: dict[str, Any] = backup.describe_restore_job(RestoreJobId=job_id)
        if job["Status"] not in ("PENDING", "RUNNING") or waited >= limit_seconds:
            return job
        clock.advance(seconds=POLL_SECONDS)
        waited += POLL_SECONDS


def _item_count(dynamodb: Any, table: str) -> int:
    return sum(
        int(p.get("Count", 0))
        for p in dynamodb.get_paginator("scan").paginate(TableName=table, Select="COUNT")
    )


def break_glass_restore(
    clients: ClientFactory, org: Organization, ids: OrganizationIds, member: str
) -> dict[str, Any]:
    """Step 1 of the module docstring; the `restores` entry."""
    region = org.home_region
    member_id = ids.accounts[member]
    recovery_id = ids.accounts[org.roles["recovery"]]
    entry: dict[str, Any] = {
        "kind": "break-glass",
        "source_account": member_id,
        "recovery_account": recovery_id,
        "region": region,
        "resource_type": "DynamoDB",
        "gaps": [],
    }
    m_dynamodb = clients.client("dynamodb", member_id, region)
    table_arn = m_dynamodb.create_table(
        TableName=DRILL_TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": contract.TIER_TAG, "Value": DRILL_TIER}],
    )["TableDescription"]["TableArn"]
    for i in range(DRILL_ITEMS):
        m_dynamodb.put_item(TableName=DRILL_TABLE, Item={"id": {"S": f"order-{i}"}})
    entry["source_items"] = DRILL_ITEMS
    try:
        return _break_glass_steps(clients, org, ids, entry, table_arn)
    finally:
        if DRILL_TABLE in m_dynamodb.list_tables()["TableNames"]:
            m_dynamodb.delete_table(TableName=DRILL_TABLE)


def _break_glass_steps(
    clients: ClientFactory, org: Organization, ids: OrganizationIds, entry: dict[str, Any], table_arn: str
) -> dict[str, Any]:

    region = org.home_region
    member_id = entry["source_account"]
    bunker_id = ids.accounts[org.roles["bunker"]]
    partition = "aws"
    m_backup = clients.client("backup", member_id, region)
    m_dynamodb = clients.client("dynamodb", member_id, region)
    service_role = f"arn:{partition}:iam::{member_id}:role/{SERVICE_ROLE}"
    bunker_vault_arn = f"arn:{partition}:backup:{region}:{bunker_id}:backup-vault:{BUNKER_VAULT}"
    # Arrange: what the member's backup plan does on its schedule (a backup, then its copy into
    # the bunker), run by the simulation itself with authorization off; the scheduled drill of
    # simulation.run proves that path as the backup service role. The recovery steps below are
    # authorized.
    with iam.enforcing(False):
        arranged = _arrange_bunker_copy(m_backup, table_arn, (service_role, bunker_vault_arn), entry)
    if arranged is None:
        return entry
    bunker_point = arranged
    m_dynamodb.delete_table(TableName=DRILL_TABLE)  # the incident: the table is gone
    entry["bunker_recovery_point"] = bunker_point
    return _recover(clients, org, ids, entry, bunker_point)


def _copy(
    backup: Any, point: str, vaults: tuple[str, str], role: str, entry: dict[str, Any], *, key: str, what: str
) -> dict[str, Any] | None:
    """One copy job of the drill (`vaults`: source vault name, destination vault ARN), recorded in
    `entry[key]`; the described job when it COMPLETED, else None with the gap recorded."""
    source, destination = vaults
    job = backup.describe_copy_job(
        CopyJobId=backup.start_copy_job(
            RecoveryPointArn=point,
            SourceBackupVaultName=source,
            DestinationBackupVaultArn=destination,
            IamRoleArn=role,
            Lifecycle={"DeleteAfterDays": 35},
        )["CopyJobId"]
    )["CopyJob"]
    entry[key] = {"job": job["CopyJobId"], "state": job["State"]}
    if job["State"] != "COMPLETED":
        entry["gaps"].append(f"{what} {job['State']}: {job.get('StatusMessage', '')}")
        return None
    return dict(job)


def _arrange_bunker_copy(
    m_backup: Any, table_arn: str, role_and_vault: tuple[str, str], entry: dict[str, Any]
) -> str | None:
    service_role, bunker_vault_arn = role_and_vault
    gaps: list[str] = entry["gaps"]
    point = m_backup.start_backup_job(
        BackupVaultName=MEMBER_VAULT,
        ResourceArn=table_arn,
        IamRoleArn=service_role,
        Lifecycle={"DeleteAfterDays": 35},
    ).get("RecoveryPointArn")
    if not point:
        gaps.append("backup of the drill table into the member vault failed")
        return None
    entry["member_recovery_point"] = point
    vaults = (MEMBER_VAULT, bunker_vault_arn)
    to_bunker = _copy(
        m_backup, point, vaults, service_role, entry, key="copy_to_bunker", what="copy into the bunker"
    )
    return None if to_bunker is None else str(to_bunker["DestinationRecoveryPointArn"])


def _session(creds: dict[str, Any], region: str) -> Any:
    import boto3  # noqa: PLC0415

    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )


def break_glass_sessions(clients: ClientFactory, org: Organization, ids: OrganizationIds) -> tuple[Any, Any]:
    """(bunker, recovery account) sessions of the break-glass role, reached as a person reaches it:
    the Identity Center permission set's role in the bunker (templates/break-glass.yaml, its inline
    policy as deployed) assumes `cfct-backup-break-glass` there, which assumes the recovery
    account's `cfct-backup-break-glass`. Every hop is authorized by the emulator (trust policies,
    identity policies, SCPs). Identity Center itself is not emulated: its provisioned role is
    arranged here with the permission set's policy and a trust in the bunker account standing in
    for the SAML federation (leniency RECOVERY_LENIENCIES)."""
    import json  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from cfct_backup.cfct.cfn import Evaluator, load_template  # noqa: PLC0415

    region = org.home_region
    bunker_id = ids.accounts[org.roles["bunker"]]
    recovery_id = ids.accounts[org.roles["recovery"]]
    template = load_template(
        (Path(__file__).resolve().parents[3] / "templates" / "break-glass.yaml").read_text(encoding="utf-8")
    )
    evaluator = Evaluator(
        template,
        {"BunkerAccountId": bunker_id, "IdentityCenterInstanceArn": "-", "BreakGlassGroupId": "-"},
        account_id=ids.accounts[org.management.name],
        region=region,
    )
    permission_set = template["Resources"]["BreakGlassPermissionSet"]["Properties"]
    inline = evaluator.eval(permission_set["InlinePolicy"])
    sso_role = f"AWSReservedSSO_{BREAK_GLASS_ROLE}_0123456789abcdef"
    iam_client = clients.client("iam", bunker_id, region)
    with iam.enforcing(False):  # arranged: what Identity Center provisions for the permission set
        try:
            iam_client.get_role(RoleName=sso_role)
        except iam_client.exceptions.NoSuchEntityException:
            trust = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{bunker_id}:root"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
            iam_client.create_role(
                RoleName=sso_role,
                Path="/aws-reserved/sso.amazonaws.com/",
                AssumeRolePolicyDocument=json.dumps(trust),
                MaxSessionDuration=3600,
            )
            iam_client.put_role_policy(
                RoleName=sso_role, PolicyName="AwsSSOInlinePolicy", PolicyDocument=json.dumps(inline)
            )
        person = clients.client("sts", bunker_id, region).assume_role(
            RoleArn=f"arn:aws:iam::{bunker_id}:role/aws-reserved/sso.amazonaws.com/{sso_role}",
            RoleSessionName="break-glass-operator",
        )["Credentials"]
    bunker = _session(
        _session(person, region)
        .client("sts")
        .assume_role(
            RoleArn=f"arn:aws:iam::{bunker_id}:role/{BREAK_GLASS_ROLE}", RoleSessionName="break-glass-drill"
        )["Credentials"],
        region,
    )
    recovery = _session(
        bunker.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{recovery_id}:role/{BREAK_GLASS_ROLE}", RoleSessionName="break-glass-drill"
        )["Credentials"],
        region,
    )
    return bunker, recovery


def _recover(
    clients: ClientFactory, org: Organization, ids: OrganizationIds, entry: dict[str, Any], bunker_point: str
) -> dict[str, Any]:
    from cfct_backup_automation.restore_validation import validate_restored  # noqa: PLC0415

    region = org.home_region
    member_id, recovery_id = entry["source_account"], entry["recovery_account"]
    bunker_id = ids.accounts[org.roles["bunker"]]
    partition = "aws"
    gaps: list[str] = entry["gaps"]
    try:
        bunker_session, recovery_session = break_glass_sessions(clients, org, ids)
    except Exception as exc:  # noqa: BLE001 - a refused hop is the drill's result
        gaps.append(f"break-glass could not be reached: {_code(exc)}")
        return entry
    b_backup = bunker_session.client("backup", region_name=region)
    bunker_role = f"arn:{partition}:iam::{bunker_id}:role/{RESTORE_ROLE}"
    # the emulated copy job does not look the role up: the drill does (templates/bunker.yaml)
    try:
        clients.client("iam", bunker_id, region).get_role(RoleName=RESTORE_ROLE)
    except Exception as exc:  # noqa: BLE001 - NoSuchEntity
        gaps.append(f"the bunker has no role {RESTORE_ROLE} for copies and restores ({_code(exc)})")
        return entry
    recovery_vault_arn = f"arn:{partition}:backup:{region}:{recovery_id}:backup-vault:{RECOVERY_VAULT}"
    to_recovery = _copy(
        b_backup,
        bunker_point,
        (BUNKER_VAULT, recovery_vault_arn),
        bunker_role,
        entry,
        key="copy_to_recovery",
        what="copy into the recovery vault",
    )
    if to_recovery is None:
        return entry

    r_backup = recovery_session.client("backup", region_name=region)
    r_dynamodb = clients.client("dynamodb", recovery_id, region)  # the recovery account's own admin
    try:
        job_id = r_backup.start_restore_job(
            RecoveryPointArn=to_recovery["DestinationRecoveryPointArn"],
            Metadata={"targetTableName": RESTORED_TABLE},
            IamRoleArn=f"arn:{partition}:iam::{recovery_id}:role/{RESTORE_ROLE}",
            ResourceType="DynamoDB",
        )["RestoreJobId"]
    except Exception as exc:  # noqa: BLE001 - a refusal is the drill's result
        gaps.append(f"restore refused: {_code(exc)}")
        return entry
    job = _wait_restore(r_backup, job_id)
    entry["job"] = job_id
    entry["status"] = job["Status"]
    if job["Status"] != "COMPLETED":
        gaps.append(f"restore job {job['Status']}: {job.get('StatusMessage', '')}")
        return entry
    entry["created_resource"] = job["CreatedResourceArn"]
    entry["duration_seconds"] = round(_seconds(job["CompletionDate"]) - _seconds(job["CreationDate"]), 3)
    entry["data_age_seconds"] = round(
        _seconds(job["CreationDate"]) - _seconds(job["RecoveryPointCreationDate"]), 3
    )

    def recovery_client(service: str) -> Any:
        return clients.client(service, recovery_id, region)

    verdict = validate_restored(recovery_client, "DynamoDB", job["CreatedResourceArn"], min_items=DRILL_ITEMS)
    entry["validation_status"] = verdict.status
    entry["validation_message"] = verdict.message
    # PutRestoreValidationResult is for restore tests; a break-glass restore keeps its result here.
    entry["validation_reported"] = False
    if verdict.status != "SUCCESSFUL":
        gaps.append(f"validation {verdict.status}: {verdict.message}")
    r_dynamodb.delete_table(TableName=RESTORED_TABLE)
    entry["cleaned_up"] = RESTORED_TABLE not in r_dynamodb.list_tables()["TableNames"]
    if not entry["cleaned_up"]:
        gaps.append(f"restored table {RESTORED_TABLE} still exists")

    member_vault_arn = f"arn:{partition}:backup:{region}:{member_id}:backup-vault:{MEMBER_VAULT}"
    vaults = (BUNKER_VAULT, member_vault_arn)
    _copy(
        b_backup,
        bunker_point,
        vaults,
        bunker_role,
        entry,
        key="copy_back",
        what="copy back into the member vault",
    )
    return entry


def restore_test(
    clients: ClientFactory, org: Organization, ids: OrganizationIds, member: str
) -> dict[str, Any]:
    """Step 2: the member's restore testing plan of the daily tier, validated by the handler's logic."""
    from cfct_backup_automation.restore_validation import handle_event  # noqa: PLC0415

    from cfct_backup.emulator import clock  # noqa: PLC0415

    region = org.home_region
    member_id = ids.accounts[member]
    entry: dict[str, Any] = {"kind": "restore-test", "account": member_id, "region": region, "gaps": []}
    gaps: list[str] = entry["gaps"]
    backup = clients.client("backup", member_id, region)
    dynamodb = clients.client("dynamodb", member_id, region)
    try:
        plan = backup.get_restore_testing_plan(RestoreTestingPlanName=f"cfct_backup_{DRILL_TIER}")[
            "RestoreTestingPlan"
        ]
    except Exception as exc:  # noqa: BLE001
        gaps.append(f"no restore testing plan cfct_backup_{DRILL_TIER}: {_code(exc)}")
        return entry
    entry["plan"] = plan["RestoreTestingPlanArn"]
    # a tagged table with a fresh backup for the plan to find (the break-glass drill's table is gone)
    table_arn = dynamodb.create_table(
        TableName=TEST_TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": contract.TIER_TAG, "Value": DRILL_TIER}],
    )["TableDescription"]["TableArn"]
    for i in range(DRILL_ITEMS):
        dynamodb.put_item(TableName=TEST_TABLE, Item={"id": {"S": f"order-{i}"}})
    backup.start_backup_job(
        BackupVaultName=MEMBER_VAULT,
        ResourceArn=table_arn,
        IamRoleArn=f"arn:aws:iam::{member_id}:role/{SERVICE_ROLE}",
        Lifecycle={"DeleteAfterDays": 35},
    )
    from cfct_backup.emulator.backup import schedule  # noqa: PLC0415

    now = clock.now()
    runs = schedule.occurrences(
        str(plan["ScheduleExpression"]), plan.get("ScheduleExpressionTimezone"), now, now + 8 * 86400
    )
    jobs: list[dict[str, Any]] = []
    if runs:  # half an hour after the plan's next run: the restore is done, the window still open
        clock.advance(seconds=runs[0] + 1800 - now)
        jobs = backup.list_restore_jobs(ByRestoreTestingPlanArn=plan["RestoreTestingPlanArn"])["RestoreJobs"]
    dynamodb.delete_table(TableName=TEST_TABLE)
    mine = [j for j in jobs if j.get("SourceResourceArn") == table_arn]
    if not mine:
        gaps.append(f"restore testing plan cfct_backup_{DRILL_TIER} restored nothing within eight days")
        return entry
    job = mine[0]
    entry.update(job=job["RestoreJobId"], status=job["Status"])
    if job["Status"] != "COMPLETED":
        gaps.append(f"restore test {job['Status']}: {job.get('StatusMessage', '')}")
        return entry
    event = {
        "detail-type": "Restore Job State Change",
        "source": "aws.backup",
        "account": member_id,
        "region": region,
        "detail": {
            "restoreJobId": job["RestoreJobId"],
            "status": "COMPLETED",
            "resourceType": job["ResourceType"],
            "createdResourceArn": job["CreatedResourceArn"],
            "restoreTestingPlanArn": plan["RestoreTestingPlanArn"],
        },
    }
    outcome = handle_event(event, lambda account, service, rgn: clients.client(service, account, rgn))
    described = backup.describe_restore_job(RestoreJobId=job["RestoreJobId"])
    entry["validation_status"] = described.get("ValidationStatus")
    entry["validation_message"] = described.get("ValidationStatusMessage")
    entry["validation_reported"] = outcome.get("action") == "validated"
    entry["duration_seconds"] = round(
        _seconds(described["CompletionDate"]) - _seconds(described["CreationDate"]), 3
    )
    if entry["validation_status"] != "SUCCESSFUL":
        gaps.append(f"restore test validation {entry['validation_status']}: {entry['validation_message']}")
    clock.advance(seconds=24 * 3600)  # past the selection's validation window
    described = backup.describe_restore_job(RestoreJobId=job["RestoreJobId"])
    entry["deletion_status"] = described.get("DeletionStatus")
    entry["cleaned_up"] = job["CreatedResourceArn"].split("/")[-1] not in dynamodb.list_tables()["TableNames"]
    if not entry["cleaned_up"]:
        gaps.append("restored test table still exists after the validation window")
    return entry


def ledger(
    clients: ClientFactory, org: Organization, ids: OrganizationIds, member: str
) -> list[dict[str, Any]]:
    from dataclasses import asdict  # noqa: PLC0415
    from datetime import UTC, datetime  # noqa: PLC0415

    from cfct_backup_automation.recovery_ledger import account_ledger, read_jobs  # noqa: PLC0415

    from cfct_backup.emulator import clock  # noqa: PLC0415

    member_id = ids.accounts[member]
    backup = clients.client("backup", member_id, org.home_region)
    jobs = read_jobs(backup)
    # the types this member has backups of (of those restore testing covers)
    points = backup.list_recovery_points_by_backup_vault(BackupVaultName=MEMBER_VAULT)["RecoveryPoints"]
    kinds = sorted({str(p["ResourceType"]) for p in points} & {"DynamoDB", "S3", "EC2"})
    now = datetime.fromtimestamp(clock.now(), UTC)
    return [asdict(r) for r in account_ledger(member_id, jobs, kinds, {}, now)]


def run_drill(clients: ClientFactory, org: Organization, ids: OrganizationIds) -> dict[str, Any]:
    """The `restores` section of the report (empty `entries` without a recovery account)."""
    if "recovery" not in org.roles or org.roles["recovery"] not in ids.accounts:
        return {"entries": [], "ledger": [], "note": "no recovery account in the organization description"}
    member = next((a.name for a in org.accounts if org.in_scope(a) and not org.role_of(a)), None)
    if member is None:
        return {"entries": [], "ledger": [], "note": "no protected member to drill"}
    started = time.perf_counter()
    entries = []
    for kind, step in (("break-glass", break_glass_restore), ("restore-test", restore_test)):
        try:
            entries.append(step(clients, org, ids, member))
        except Exception as exc:  # noqa: BLE001 - one clear gap, never a traceback
            entries.append({"kind": kind, "gaps": [f"the drill could not run: {_code(exc)}"]})
    from cfct_backup.emulator.backup.restore import LENIENCIES  # noqa: PLC0415

    try:
        rows = ledger(clients, org, ids, member)
    except Exception as exc:  # noqa: BLE001 - e.g. the member vault was never deployed
        rows = []
        entries.append({"kind": "ledger", "gaps": [f"the recovery ledger could not be read: {_code(exc)}"]})
    return {
        "entries": entries,
        "ledger": rows,
        "wall_seconds": round(time.perf_counter() - started, 3),
        "emulator_leniencies": list(LENIENCIES),
    }


def restore_gaps(section: dict[str, Any]) -> list[str]:
    return [f"{e['kind']}: {g}" for e in section.get("entries", []) for g in e.get("gaps", [])]


def render(section: dict[str, Any]) -> list[str]:
    """Text lines of the `restores` section for the simulate table."""
    if not section:
        return []
    lines = ["", "recovery drill (restores; docs/recovery.md):"]
    if section.get("note"):
        lines.append(f"  {section['note']}")
    for e in section.get("entries", []):
        lines.append(
            f"  {e['kind']}: restore job {e.get('job', '-')} {e.get('status', 'not run')}, "
            f"validation {e.get('validation_status', '-')}, {e.get('duration_seconds', '-')} s emulated, "
            f"cleaned up {'yes' if e.get('cleaned_up') else 'no'}"
        )
        lines.extend(f"  GAP restore {e['kind']}: {g}" for g in e.get("gaps", []))
    for row in section.get("ledger", []):
        lines.append(
            f"  ledger {row['account']} {row['resource_type']}: last success {row['last_success'] or '-'}"
            f"{', GAP ' + row['gap'] if row['gap'] else ''}"
        )
    lines.extend(f"  not emulated: {text}" for text in section.get("emulator_leniencies", []))
    return lines
