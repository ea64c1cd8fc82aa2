"""Central checks: what the role accounts must hold and how it must be configured, read back.

The member table proves the member baseline and the bunker's vaults; this proves the rest of the
landing zone: the Log Archive bucket, the organization trail with its metric filters and alarms, the
organization settings, the Audit account's bus, topic, rules and report plans, the Key Vault's
multi-Region key and its policy, the bunker's report bucket and break-glass role, and the
self-service portfolio of the members. Everything is read through the account's own credentials
(the CfCT execution role), as the member checks are. One end-to-end event is run as well: a failed
backup job on a member's default bus must reach the central bus and the alert topic.

Where the emulator only records a resource type (no API: Config conformance packs, IAM Identity
Center, Service Catalog), the check reads the CloudFormation stack resource in the account and says
"recorded"; it proves that the package asks for it, nothing more. Schema: docs/simulate.md.
"""

from __future__ import annotations

import functools
import json
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cfct_backup_automation import contract

from cfct_backup.cfct.interpreter import ClientFactory
from cfct_backup.organization import Organization, OrganizationIds
from cfct_backup.simulation.recovery import RESTORE_TESTS_RULE

TRAIL = contract.ORG_TRAIL
TRAIL_LOG_GROUP = contract.TRAIL_LOG_GROUP
METRIC_NAMESPACE = contract.METRICS_NAMESPACE
CENTRAL_BUS = contract.CENTRAL_BUS
ALERT_TOPIC = contract.ALERT_TOPIC
REPORT_PLANS = (contract.REPORT_PLANS[0], contract.REPORT_PLANS[1], contract.REPORT_PLANS[2])
REPORT_PREFIX = "audit-manager"
BUNKER_KEY_ALIAS = contract.BUNKER_KEY_ALIAS
BREAK_GLASS_ROLE = contract.BREAK_GLASS_ROLE
BREAK_GLASS_SESSION_SECONDS = 3600
SELF_SERVICE_LAUNCH_ROLE = contract.SELF_SERVICE_LAUNCH_ROLE
MEMBER_EVENT_RULE = contract.MEMBER_EVENT_RULE
BACKUP_PRINCIPAL = "backup.amazonaws.com"
MFA_ACTIONS = ("kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey")
KEY_USE_ACTIONS = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:GenerateDataKey",
    "kms:CreateGrant",
)
# metric (namespace CfctBackup) -> what it watches; each needs a metric filter on the trail's log
# group and an alarm (seed 1.7, 4.9)
TRAIL_METRICS = {
    "BackupJobsFailed": "backup job failures",
    "CopyJobsFailed": "copy job failures",
    "RecoveryPointDeletionAttempts": "recovery point deletions",
    "VaultPolicyOrLockChanges": "vault policy/lock changes",
    "KeyPolicyOrStateChanges": "key policy/state changes",
    "OrganizationsPolicyChanges": "Organizations policy changes",
    "BunkerHumanAccess": "bunker access",
}

GROUPS = ("management", "log_archive", "audit", "key_vault", "bunker", "members")


@dataclass
class CentralCheck:
    group: str  # management | log_archive | audit | key_vault | bunker | members
    account: str  # name of the account read
    account_id: str
    region: str
    what: str  # what must exist / be configured
    ok: bool
    detail: str = ""  # why not, or what was seen ("recorded" for record-only types)
    seed: list[str] = field(default_factory=list)

    @property
    def gap(self) -> str:
        return f"{self.account} {self.region}: {self.what}: {self.detail or 'missing'}"


def _code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", "")) or type(exc).__name__
    return type(exc).__name__


def _statements(policy: Any) -> list[dict[str, Any]]:
    try:
        doc = json.loads(policy) if isinstance(policy, str | bytes) else policy
    except ValueError:
        return []
    if not isinstance(doc, dict):
        return []
    statements = doc.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    return [s for s in statements if isinstance(s, dict)]


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _principals(statement: dict[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        return [str(p) for key in ("AWS", "Service") for p in _list(principal.get(key))]
    return [str(p) for p in _list(principal)]


def _covers(action_pattern: str, action: str) -> bool:
    pattern = "^" + re.escape(action_pattern).replace(r"\*", ".*") + "$"
    return re.match(pattern, action, re.IGNORECASE) is not None


def _condition_values(statement: dict[str, Any], key: str) -> list[str]:
    """Every value the statement's conditions compare `key` with (any operator)."""
    values: list[str] = []
    for block in (statement.get("Condition") or {}).values():
        if isinstance(block, dict):
            for k, v in block.items():
                if k.lower() == key.lower():
                    values.extend(str(x) for x in _list(v))
    return values


def org_scoped(policy: Any, org_id: str) -> str | None:
    """None when every Allow to a wildcard principal is conditioned on `aws:PrincipalOrgID` = the
    organization, else the reason."""
    statements = _statements(policy)
    if not statements:
        return "no policy"
    for st in statements:
        # "*", or a wildcard ARN such as arn:aws:iam::*:root (how PutPermission Principal "*" is stored)
        if st.get("Effect") != "Allow" or not any("*" in p for p in _principals(st)):
            continue
        if org_id not in _condition_values(st, "aws:PrincipalOrgID"):
            return f"statement {st.get('Sid', '?')} allows any principal outside the organization"
    return None


def tls_only(policy: Any) -> bool:
    return any(
        st.get("Effect") == "Deny"
        and "false" in [v.lower() for v in _condition_values(st, "aws:SecureTransport")]
        for st in _statements(policy)
    )


def bucket_org_scoped(policy: Any, org_id: str) -> bool:
    """A Deny to everyone outside the organization (AWS services aside), and no open Allow."""
    denies = any(
        st.get("Effect") == "Deny" and org_id in _condition_values(st, "aws:PrincipalOrgID")
        for st in _statements(policy)
    )
    return denies and org_scoped(policy, org_id) is None


def mfa_guarded(policy: Any) -> list[str]:
    """The MFA_ACTIONS that no Deny statement guards with `aws:MultiFactorAuthPresent` = false."""
    missing = []
    for action in MFA_ACTIONS:
        guarded = any(
            st.get("Effect") == "Deny"
            and any(_covers(str(a), action) for a in _list(st.get("Action")))
            and "false" in [v.lower() for v in _condition_values(st, "aws:MultiFactorAuthPresent")]
            for st in _statements(policy)
        )
        if not guarded:
            missing.append(action.split(":")[1])
    return missing


def key_users(policy: Any) -> set[str]:
    """Principals an Allow statement lets use the key (encrypt, decrypt, grants)."""
    users: set[str] = set()
    for st in _statements(policy):
        if st.get("Effect") != "Allow":
            continue
        if any(_covers(str(a), use) for a in _list(st.get("Action")) for use in KEY_USE_ACTIONS):
            users.update(_principals(st))
    return users


class _Checks:
    def __init__(self, group: str, account: str, account_id: str, region: str) -> None:
        self.group, self.account, self.account_id, self.region = group, account, account_id, region
        self.items: list[CentralCheck] = []

    def add(self, what: str, ok: bool, detail: str = "", *seed: str, seen: str | None = None) -> bool:
        """`detail` is what was seen, or why not; `seen` replaces it on a pass when it only says why not."""
        kept = detail if not ok or seen is None else seen
        self.items.append(
            CentralCheck(self.group, self.account, self.account_id, self.region, what, ok, kept, list(seed))
        )
        return ok

    def call(self, what: str, seed: Iterable[str], function: Callable[[], Any]) -> Any:
        """`function()`, or None with a failed check naming the error."""
        try:
            return function()
        except Exception as exc:  # noqa: BLE001 - missing resource or unmodelled API: both are the gap
            self.add(what, False, f"cannot be read ({_code(exc)})", *seed)
            return None


def recorded(clients: ClientFactory, account_id: str, region: str, resource_type: str) -> list[str]:
    """Physical IDs of the CREATE/UPDATE_COMPLETE stack resources of a type in the account."""
    cfn = clients.client("cloudformation", account_id, region)
    found: list[str] = []
    for page in cfn.get_paginator("list_stacks").paginate(
        StackStatusFilter=["CREATE_COMPLETE", "UPDATE_COMPLETE"]
    ):
        for stack in page["StackSummaries"]:
            for resource in cfn.describe_stack_resources(StackName=stack["StackName"])["StackResources"]:
                if resource["ResourceType"] == resource_type and str(resource["ResourceStatus"]).endswith(
                    "_COMPLETE"
                ):
                    found.append(str(resource.get("PhysicalResourceId", "")))
    return found


# ---- per role account ----------------------------------------------------------------------------


def log_bucket_name(log_archive_id: str, home: str) -> str:
    return contract.log_bucket(log_archive_id, home)


def check_log_archive(clients: ClientFactory, org: Organization, ids: OrganizationIds) -> list[CentralCheck]:
    name = org.roles["log_archive"]
    account_id, home = ids.accounts[name], org.home_region
    c = _Checks("log_archive", name, account_id, home)
    s3 = clients.client("s3", account_id, home)
    bucket = log_bucket_name(account_id, home)
    if c.call(f"log bucket {bucket}", ("3.7",), lambda: s3.head_bucket(Bucket=bucket)) is None:
        return c.items
    try:
        lock = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
        retention = lock.get("Rule", {}).get("DefaultRetention", {})
        enabled = lock.get("ObjectLockEnabled") == "Enabled"
        c.add(
            "log bucket Object Lock",
            enabled and bool(retention.get("Mode")),
            f"{retention.get('Mode')} {retention.get('Days') or retention.get('Years')}"
            if enabled and retention.get("Mode")
            else "no default retention",
            "3.7",
        )
    except Exception as exc:  # noqa: BLE001 - ObjectLockConfigurationNotFoundError: the gap
        c.add("log bucket Object Lock", False, f"not enabled ({_code(exc)})", "3.7")
    status = s3.get_bucket_versioning(Bucket=bucket).get("Status")
    c.add("log bucket versioning", status == "Enabled", f"versioning {status or 'never enabled'}", "3.7")
    policy = c.call("log bucket policy", ("3.7",), lambda: s3.get_bucket_policy(Bucket=bucket)["Policy"])
    if policy is not None:
        c.add(
            "log bucket policy TLS-only",
            tls_only(policy),
            "no Deny when aws:SecureTransport is false",
            "3.7",
            seen="",
        )
        c.add(
            "log bucket policy organization-only",
            bucket_org_scoped(policy, ids.org_id),
            f"no Deny outside aws:PrincipalOrgID {ids.org_id}, or an open Allow",
            "3.7",
            seen="",
        )
    conforms = contract.conformance_bucket(account_id, home)
    if c.call(f"conformance pack bucket {conforms}", ("3.6",), lambda: s3.head_bucket(Bucket=conforms)):
        c.add(f"conformance pack bucket {conforms}", True, "exists", "3.6")
    return c.items


def check_management(clients: ClientFactory, org: Organization, ids: OrganizationIds) -> list[CentralCheck]:
    name = org.management.name
    account_id, home = ids.accounts[name], org.home_region
    log_archive_id = ids.accounts[org.roles["log_archive"]]
    audit_id = ids.accounts[org.roles["audit"]]
    bunker_id = ids.accounts[org.roles["bunker"]]
    c = _Checks("management", name, account_id, home)
    seed = ("1.6", "3.6", "4.9")
    # organization trail
    cloudtrail = clients.client("cloudtrail", account_id, home)
    trails = c.call(f"trail {TRAIL}", seed, lambda: cloudtrail.describe_trails(trailNameList=[TRAIL]))
    trail = next((t for t in (trails or {}).get("trailList", []) if t.get("Name") == TRAIL), None)
    if trails is not None and trail is None:
        c.add(f"trail {TRAIL}", False, "missing", *seed)
    if trail is not None:
        bucket = log_bucket_name(log_archive_id, home)
        status = cloudtrail.get_trail_status(Name=TRAIL)
        c.add(
            "organization trail logging to the Log Archive bucket",
            bool(trail.get("IsOrganizationTrail"))
            and status.get("IsLogging") is True
            and trail.get("S3BucketName") == bucket,
            f"organization={trail.get('IsOrganizationTrail')}, logging={status.get('IsLogging')}, "
            f"bucket={trail.get('S3BucketName')} (want {bucket})",
            "1.6",
            "3.7",
            "4.9",
        )
        c.add(
            "organization trail multi-Region",
            bool(trail.get("IsMultiRegionTrail")),
            "single-Region",
            *seed,
            seen="",
        )
        c.add(
            "organization trail log file validation",
            bool(trail.get("LogFileValidationEnabled")),
            "off",
            *seed,
            seen="",
        )
        c.add("organization trail KMS-encrypted", bool(trail.get("KmsKeyId")), "no KMS key", *seed, seen="")
        c.add(
            f"organization trail into log group {TRAIL_LOG_GROUP}",
            str(trail.get("CloudWatchLogsLogGroupArn", "")).endswith(f":log-group:{TRAIL_LOG_GROUP}"),
            f"log group {trail.get('CloudWatchLogsLogGroupArn') or 'none'}",
            "1.7",
            "4.9",
        )
    # metric filters and alarms
    logs = clients.client("logs", account_id, home)
    filters = c.call(
        f"metric filters on {TRAIL_LOG_GROUP}",
        ("1.7", "4.9"),
        lambda: logs.describe_metric_filters(logGroupName=TRAIL_LOG_GROUP)["metricFilters"],
    )
    cloudwatch = clients.client("cloudwatch", account_id, home)
    alarms = [
        a
        for page in cloudwatch.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"])
        for a in page["MetricAlarms"]
    ]
    if filters is not None:
        for metric, watched in TRAIL_METRICS.items():
            producing = [
                f
                for f in filters
                if any(
                    t.get("metricNamespace") == METRIC_NAMESPACE and t.get("metricName") == metric
                    for t in f.get("metricTransformations", [])
                )
            ]
            alarmed = [
                a["AlarmName"]
                for a in alarms
                if a.get("Namespace") == METRIC_NAMESPACE and a.get("MetricName") == metric
            ]
            detail = "no metric filter" if not producing else ("no alarm" if not alarmed else alarmed[0])
            ok = bool(producing and alarmed)
            if (
                ok
                and metric == "BunkerHumanAccess"
                and not any(bunker_id in str(f.get("filterPattern", "")) for f in producing)
            ):
                ok, detail = False, f"filter does not watch the bunker account {bunker_id}"
            c.add(f"metric filter + alarm on {watched} ({metric})", ok, detail, "1.7", "4.9")
    # organization settings (custom resource)
    orgs = clients.client("organizations", account_id, home)
    services = c.call(
        "trusted access for AWS Backup",
        ("2.10", "3.4"),
        lambda: [
            s["ServicePrincipal"]
            for s in orgs.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
        ],
    )
    if services is not None:
        c.add(
            "trusted access for AWS Backup",
            BACKUP_PRINCIPAL in services,
            "not enabled",
            "2.10",
            "3.4",
            seen="",
        )
    roots = orgs.list_roots()["Roots"]
    enabled = {p["Type"] for r in roots for p in r.get("PolicyTypes", []) if p.get("Status") == "ENABLED"}
    c.add(
        "BACKUP_POLICY policy type enabled",
        "BACKUP_POLICY" in enabled,
        "not enabled on the root",
        "2.2",
        "3.4",
        seen="",
    )
    admins = c.call(
        "delegated Backup administrator",
        ("2.10", "3.4"),
        lambda: [
            a["Id"]
            for a in orgs.list_delegated_administrators(ServicePrincipal=BACKUP_PRINCIPAL)[
                "DelegatedAdministrators"
            ]
        ],
    )
    if admins is not None:
        c.add(
            "delegated Backup administrator is the Audit account",
            audit_id in admins,
            f"delegated: {', '.join(admins) or 'none'} (want {audit_id})",
            "2.10",
            "3.4",
        )
    backup = clients.client("backup", account_id, home)
    settings = c.call(
        "cross-account backup", ("2.7", "3.4"), lambda: backup.describe_global_settings()["GlobalSettings"]
    )
    if settings is not None:
        c.add(
            "cross-account backup enabled",
            str(settings.get("isCrossAccountBackupEnabled")).lower() == "true",
            "isCrossAccountBackupEnabled is not true",
            "2.7",
            "3.4",
            seen="",
        )
    packs = c.call(
        f"organization conformance pack {contract.CONFORMANCE_PACK}",
        ("3.6",),
        lambda: recorded(clients, account_id, home, "AWS::Config::OrganizationConformancePack"),
    )
    if packs is not None:
        c.add(
            f"organization conformance pack {contract.CONFORMANCE_PACK}",
            contract.CONFORMANCE_PACK in packs,
            "recorded (the emulator has no Config API)"
            if contract.CONFORMANCE_PACK in packs
            else "not recorded",
            "3.6",
        )
    return c.items


def report_replication(
    clients: ClientFactory, account_id: str, home: str, bucket: str, central: str
) -> tuple[str, bool, str, str]:
    """(what, ok, detail, seed): the audit report bucket replicates audit-manager/ into the bunker's."""
    s3 = clients.client("s3", account_id, home)
    try:
        rules = s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"]["Rules"]
    except Exception as exc:  # noqa: BLE001 - no bucket or no replication: reported as the gap
        return (f"report bucket {bucket} replicates to {central}", False, _code(exc), "3.11")
    targets = [r.get("Destination", {}).get("Bucket", "") for r in rules if r.get("Status") == "Enabled"]
    ok = f"arn:aws:s3:::{central}" in targets
    return (f"report bucket {bucket} replicates to {central}", ok, ", ".join(targets) or "no rule", "3.11")


def check_audit(clients: ClientFactory, org: Organization, ids: OrganizationIds) -> list[CentralCheck]:
    name = org.roles["audit"]
    account_id, home = ids.accounts[name], org.home_region
    c = _Checks("audit", name, account_id, home)
    events = clients.client("events", account_id, home)
    bus = c.call(f"central bus {CENTRAL_BUS}", ("2.9",), lambda: events.describe_event_bus(Name=CENTRAL_BUS))
    if bus is not None:
        reason = org_scoped(bus.get("Policy"), ids.org_id)
        c.add("central bus policy organization-only", reason is None, reason or "", "2.9")
    sns = clients.client("sns", account_id, home)
    topic_arn = f"arn:aws:sns:{home}:{account_id}:{ALERT_TOPIC}"
    attributes = c.call(
        f"alert topic {ALERT_TOPIC}",
        ("2.9",),
        lambda: sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"],
    )
    if attributes is not None:
        key = attributes.get("KmsMasterKeyId")
        detail = "no KMS key"
        ok = False
        if key:
            kms = clients.client("kms", account_id, home)
            try:
                meta = kms.describe_key(KeyId=key)["KeyMetadata"]
                ok = meta.get("KeyManager") == "CUSTOMER" and meta.get("KeyState") == "Enabled"
                detail = f"key {meta.get('KeyId')} {meta.get('KeyManager')} {meta.get('KeyState')}"
            except Exception as exc:  # noqa: BLE001 - the key is not in the account
                detail = f"key {key} not found ({_code(exc)})"
        c.add("alert topic encrypted with a customer managed key", ok, detail, "2.9")
        subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
        emails = [s["Endpoint"] for s in subscriptions if s.get("Protocol") == "email"]
        c.add(
            f"alert topic email subscription {org.alert_email}",
            org.alert_email in emails,
            f"email subscriptions: {', '.join(emails) or 'none'}",
            "2.9",
        )
    if bus is not None:
        rules = events.list_rules(EventBusName=CENTRAL_BUS)["Rules"]
        rules = [r for r in rules if r["Name"] != RESTORE_TESTS_RULE]  # validation, not an alert
        into_topic = []
        for rule in rules:
            targets = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=CENTRAL_BUS)["Targets"]
            if rule.get("State") == "ENABLED" and any(t["Arn"] == topic_arn for t in targets):
                into_topic.append(rule["Name"])
        c.add(
            "central bus rules into the alert topic",
            bool(into_topic) and len(into_topic) == len(rules),
            f"{len(into_topic)}/{len(rules)} enabled rules target {ALERT_TOPIC}",
            "2.9",
        )
    backup = clients.client("backup", account_id, home)
    bunker_id = ids.accounts[org.roles["bunker"]]
    # a report plan writes only to its own account's bucket; that bucket replicates to the bunker's
    # (templates/audit.yaml; https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-api.html)
    report_bucket = contract.audit_report_bucket(account_id, home)
    c.add(
        *report_replication(clients, account_id, home, report_bucket, contract.report_bucket(bunker_id, home))
    )
    protected_ou_ids = {ids.ous[p] for p in org.protected_paths}
    for plan_name in REPORT_PLANS:
        plan = c.call(
            f"report plan {plan_name}",
            ("3.11", "4.8"),
            functools.partial(backup.describe_report_plan, ReportPlanName=plan_name),
        )
        if plan is None:
            continue
        plan = plan["ReportPlan"]
        channel, setting = plan.get("ReportDeliveryChannel", {}), plan.get("ReportSetting", {})
        problems = []
        if channel.get("Formats", ["CSV"]) != ["CSV"]:
            problems.append(f"formats {channel.get('Formats')} (organization reports are CSV only)")
        if channel.get("S3BucketName") != report_bucket:
            problems.append(f"delivered to {channel.get('S3BucketName')} (want {report_bucket})")
        if not protected_ou_ids <= set(setting.get("OrganizationUnits", [])):
            problems.append("does not cover every protected OU")
        if not {org.home_region, org.dr_region} <= set(setting.get("Regions", [])):
            problems.append("does not cover the home and DR Regions")
        c.add(
            f"report plan {plan_name} (organization-wide, into the bunker)",
            not problems,
            "; ".join(problems) or f"{setting.get('ReportTemplate')} to s3://{report_bucket}/{REPORT_PREFIX}",
            "3.11",
            "4.8",
        )
    return c.items


def check_key_vault(clients: ClientFactory, org: Organization, ids: OrganizationIds) -> list[CentralCheck]:
    name = org.roles["key_vault"]
    account_id, home, dr = ids.accounts[name], org.home_region, org.dr_region
    bunker_root = f"arn:aws:iam::{ids.accounts[org.roles['bunker']]}:root"
    checks: list[CentralCheck] = []
    primary_arn: str | None = None
    for region in (home, dr):
        c = _Checks("key_vault", name, account_id, region)
        kms = clients.client("kms", account_id, region)
        meta = c.call(
            f"bunker key {BUNKER_KEY_ALIAS}",
            ("3.8", "4.3"),
            functools.partial(kms.describe_key, KeyId=BUNKER_KEY_ALIAS),
        )
        if meta is not None:
            meta = meta["KeyMetadata"]
            config = meta.get("MultiRegionConfiguration", {})
            primary = config.get("PrimaryKey", {})
            if region == home:
                primary_arn = str(meta.get("Arn"))
                c.add(
                    "bunker key: multi-Region primary, customer managed, enabled",
                    bool(meta.get("MultiRegion"))
                    and config.get("MultiRegionKeyType") == "PRIMARY"
                    and meta.get("KeyManager") == "CUSTOMER"
                    and meta.get("KeyState") == "Enabled",
                    f"multi-Region={meta.get('MultiRegion')}, {config.get('MultiRegionKeyType')}, "
                    f"{meta.get('KeyManager')}, {meta.get('KeyState')}",
                    "3.8",
                    "4.3",
                )
                rotation = kms.get_key_rotation_status(KeyId=meta["KeyId"]).get("KeyRotationEnabled")
                c.add("bunker key rotation", bool(rotation), "rotation off", "4.3", seen="")
            else:
                c.add(
                    "bunker key replica of the home primary",
                    bool(meta.get("MultiRegion"))
                    and config.get("MultiRegionKeyType") == "REPLICA"
                    and primary_arn is not None
                    and primary.get("Arn") == primary_arn
                    and meta.get("KeyState") == "Enabled",
                    f"{config.get('MultiRegionKeyType')} of {primary.get('Arn')} "
                    f"(want REPLICA of {primary_arn}), {meta.get('KeyState')}",
                    "3.8",
                    "4.3",
                )
            policy = kms.get_key_policy(KeyId=meta["KeyId"], PolicyName="default")["Policy"]
            unguarded = mfa_guarded(policy)
            c.add(
                "bunker key policy: MFA on ScheduleKeyDeletion/PutKeyPolicy/DisableKey",
                not unguarded,
                f"no MFA condition on {', '.join(unguarded)}",
                "4.3",
                seen="",
            )
            users = key_users(policy)
            c.add(
                "bunker key policy: use by the bunker account only",
                users == {bunker_root},
                f"usable by {', '.join(sorted(users)) or 'nobody'} (want {bunker_root})",
                "3.8",
                "4.3",
            )
        checks.extend(c.items)
    return checks


def check_bunker(clients: ClientFactory, org: Organization, ids: OrganizationIds) -> list[CentralCheck]:
    name = org.roles["bunker"]
    account_id, home = ids.accounts[name], org.home_region
    c = _Checks("bunker", name, account_id, home)
    s3 = clients.client("s3", account_id, home)
    bucket = contract.report_bucket(account_id, home)
    if c.call(f"report bucket {bucket}", ("3.11", "4.8"), lambda: s3.head_bucket(Bucket=bucket)) is not None:
        status = s3.get_bucket_versioning(Bucket=bucket).get("Status")
        c.add(f"report bucket {bucket} versioned", status == "Enabled", f"versioning {status}", "3.11", "4.8")
    iam = clients.client("iam", account_id, home)
    role = c.call(
        f"break-glass role {BREAK_GLASS_ROLE}",
        ("4.6", "4.7"),
        lambda: iam.get_role(RoleName=BREAK_GLASS_ROLE)["Role"],
    )
    if role is not None:
        seconds = role.get("MaxSessionDuration")
        c.add(
            f"break-glass role: sessions of at most {BREAK_GLASS_SESSION_SECONDS} s",
            seconds is not None and int(seconds) <= BREAK_GLASS_SESSION_SECONDS,
            f"MaxSessionDuration {seconds}",
            "4.7",
        )
        trust = role.get("AssumeRolePolicyDocument", {})
        sso_only = all(
            any(contract.BREAK_GLASS_SSO_ROLE_PREFIX in v for v in _condition_values(st, "aws:PrincipalArn"))
            for st in _statements(trust)
            if st.get("Effect") == "Allow"
        ) and bool(_statements(trust))
        c.add(
            "break-glass role: assumable only through the Identity Center permission set",
            sso_only,
            f"trust policy not limited to {contract.BREAK_GLASS_SSO_ROLE_PREFIX}*",
            "4.6",
            "4.7",
            seen="",
        )
    management = org.management.name
    m = _Checks("bunker", management, ids.accounts[management], home)
    sets = m.call(
        "break-glass permission set (Identity Center)",
        ("3.5", "4.6"),
        lambda: recorded(clients, ids.accounts[management], home, "AWS::SSO::PermissionSet"),
    )
    if sets is not None:
        assignments = recorded(clients, ids.accounts[management], home, "AWS::SSO::Assignment")
        m.add(
            "break-glass permission set and assignment (Identity Center)",
            bool(sets) and bool(assignments),
            "recorded (the emulator has no Identity Center API)" if sets and assignments else "not recorded",
            "3.5",
            "4.6",
        )
    return c.items + m.items


def check_members(clients: ClientFactory, org: Organization, ids: OrganizationIds) -> list[CentralCheck]:
    """The self-service portfolio (and its launch role) in every in-scope member (seed 3.12)."""
    checks: list[CentralCheck] = []
    for account in org.accounts:
        if not org.in_scope(account) or account.name not in ids.accounts:
            continue
        account_id = ids.accounts[account.name]
        c = _Checks("members", account.name, account_id, org.home_region)
        portfolios = c.call(
            "self-service portfolio",
            ("3.12",),
            functools.partial(
                recorded, clients, account_id, org.home_region, "AWS::ServiceCatalog::Portfolio"
            ),
        )
        if portfolios is not None:
            iam = clients.client("iam", account_id, org.home_region)
            try:
                iam.get_role(RoleName=SELF_SERVICE_LAUNCH_ROLE)
                launch = True
            except Exception:  # noqa: BLE001 - NoSuchEntity
                launch = False
            c.add(
                "self-service portfolio and launch role",
                bool(portfolios) and launch,
                (
                    "recorded (the emulator has no Service Catalog API)"
                    if portfolios
                    else "portfolio not recorded"
                )
                + ("" if launch else f"; role {SELF_SERVICE_LAUNCH_ROLE} missing"),
                "3.12",
            )
        checks.extend(c.items)
    return checks


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
                "statusMessage": "cfct-backup simulate: end-to-end alert drill",
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
    c = _Checks("audit", audit_name, audit_id, home)
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
            c.add(what, False, f"alert topic cannot be subscribed ({_code(exc)})", "1.8", "2.9")
        try:
            events.put_rule(
                Name=probe, EventBusName=CENTRAL_BUS, EventPattern=json.dumps({"source": ["aws.backup"]})
            )
            events.put_targets(
                Rule=probe, EventBusName=CENTRAL_BUS, Targets=[{"Id": "probe", "Arn": queue_arn}]
            )
            rule_created = True
        except Exception as exc:  # noqa: BLE001 - no central bus
            c.add(what, False, f"central bus cannot be probed ({_code(exc)})", "1.8", "2.9")
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
    """Every central check, in GROUPS order."""
    checks: list[CentralCheck] = []
    for inspect in (
        check_management,
        check_log_archive,
        check_audit,
        check_event_path,
        check_key_vault,
        check_bunker,
        check_members,
    ):
        try:
            checks.extend(inspect(clients, org, ids))
        except Exception as exc:  # noqa: BLE001 - an account that cannot be read is itself the gap
            group = inspect.__name__.removeprefix("check_").replace("event_path", "audit")
            checks.append(
                CentralCheck(
                    group, group, "", org.home_region, "read back", False, f"failed ({_code(exc)}: {exc})"
                )
            )
    order = {g: i for i, g in enumerate(GROUPS)}
    return sorted(checks, key=lambda ch: order.get(ch.group, len(order)))
