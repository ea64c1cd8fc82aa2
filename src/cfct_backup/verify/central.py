"""The central checks as observe -> evaluate: what the role accounts must hold, read back.

The member table proves the member baseline and the bunker's vaults; these prove the rest of the
landing zone: the Log Archive bucket, the organization trail with its metric filters and alarms, the
organization settings, the Audit account's bus, topic, rules and report plans, the Key Vault's
multi-Region key and its policy, the bunker's report bucket and break-glass role, and the
self-service portfolio of the members.

`observe_<group>(clients, target)` only reads (Describe/Get/List calls, each listed in the audit
roles of the role-account templates) and returns what it read: a value, or `Failed(code)` for a
call AWS refused. `evaluate_<group>(observed, target)` is a pure function of that. Where the
emulator only records a resource type (no API: Config conformance packs, IAM Identity Center,
Service Catalog), the check reads the CloudFormation stack resource and says "recorded".
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from cfct_backup_automation import contract

from cfct_backup.verify.policies import (
    bucket_org_scoped,
    condition_values,
    key_users,
    mfa_guarded,
    org_scoped,
    statements,
    tls_only,
)
from cfct_backup.verify.target import Target

TRAIL = contract.ORG_TRAIL
TRAIL_LOG_GROUP = contract.TRAIL_LOG_GROUP
METRIC_NAMESPACE = contract.METRICS_NAMESPACE
CENTRAL_BUS = contract.CENTRAL_BUS
ALERT_TOPIC = contract.ALERT_TOPIC
REPORT_PLANS = contract.REPORT_PLANS
REPORT_PREFIX = "audit-manager"
BUNKER_KEY_ALIAS = contract.BUNKER_KEY_ALIAS
BREAK_GLASS_ROLE = contract.BREAK_GLASS_ROLE
BREAK_GLASS_SESSION_SECONDS = 3600
SELF_SERVICE_LAUNCH_ROLE = contract.SELF_SERVICE_LAUNCH_ROLE
MEMBER_EVENT_RULE = contract.MEMBER_EVENT_RULE
RESTORE_TESTS_RULE = contract.RESTORE_TESTS_RULE  # templates/restore-validation.yaml
BACKUP_PRINCIPAL = "backup.amazonaws.com"
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


class Clients(Protocol):
    """Boto3 clients per account and Region (emulator ClientFactory, automation SessionFactory)."""

    def client(self, service: str, account_id: str, region: str) -> Any: ...


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


@dataclass(frozen=True)
class Failed:
    """A read AWS refused (the error code): missing resource, access denied, unmodelled API."""

    code: str


def error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", "")) or type(exc).__name__
    return type(exc).__name__


def read(function: Callable[[], Any]) -> Any:
    """`function()`, or Failed naming the error."""
    try:
        return function()
    except Exception as exc:  # noqa: BLE001 - missing resource or unmodelled API: both are the gap
        return Failed(error_code(exc))


class Checks:
    """The checks of one account and Region, as they are evaluated."""

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

    def failed(self, what: str, seed: Iterable[str], value: Any) -> bool:
        """True, with a failed check naming the error, when the read of `value` failed."""
        if isinstance(value, Failed):
            self.add(what, False, f"cannot be read ({value.code})", *seed)
            return True
        return False

    def got(self, what: str, seed: Iterable[str], value: Any) -> Any:
        """`value`, or None with a failed check when its read failed."""
        return None if self.failed(what, seed, value) else value


def recorded(clients: Clients, account_id: str, region: str, resource_type: str) -> list[str]:
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


def log_bucket_name(log_archive_id: str, home: str) -> str:
    return contract.log_bucket(log_archive_id, home)


def conformance_bucket_name(log_archive_id: str, home: str) -> str:
    return contract.conformance_bucket(log_archive_id, home)


def audit_report_bucket_name(audit_id: str, home: str) -> str:
    return contract.audit_report_bucket(audit_id, home)


def bunker_report_bucket_name(bunker_id: str, home: str) -> str:
    return contract.report_bucket(bunker_id, home)


# ---- Log Archive ---------------------------------------------------------------------------------


def observe_log_archive(clients: Clients, t: Target) -> dict[str, Any]:
    s3 = clients.client("s3", t.log_archive.id, t.home_region)
    bucket = log_bucket_name(t.log_archive.id, t.home_region)
    conforms = conformance_bucket_name(t.log_archive.id, t.home_region)
    # GetBucketVersioning proves the bucket exists (HeadBucket would need s3:ListBucket)
    seen: dict[str, Any] = {"bucket": read(lambda: s3.get_bucket_versioning(Bucket=bucket))}
    if not isinstance(seen["bucket"], Failed):
        seen["lock"] = read(
            lambda: s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
        )
        seen["policy"] = read(lambda: s3.get_bucket_policy(Bucket=bucket)["Policy"])
        seen["conformance_bucket"] = read(lambda: s3.get_bucket_versioning(Bucket=conforms))
    return seen


def evaluate_log_archive(seen: Mapping[str, Any], t: Target) -> list[CentralCheck]:
    c = Checks("log_archive", t.log_archive.name, t.log_archive.id, t.home_region)
    bucket = log_bucket_name(t.log_archive.id, t.home_region)
    if c.got(f"log bucket {bucket}", ("3.7",), seen["bucket"]) is None:
        return c.items
    lock = seen["lock"]
    if isinstance(lock, Failed):  # ObjectLockConfigurationNotFoundError: the gap
        c.add("log bucket Object Lock", False, f"not enabled ({lock.code})", "3.7")
    else:
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
    status = seen["bucket"].get("Status")
    c.add("log bucket versioning", status == "Enabled", f"versioning {status or 'never enabled'}", "3.7")
    policy = c.got("log bucket policy", ("3.7",), seen["policy"])
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
            bucket_org_scoped(policy, t.org_id),
            f"no Deny outside aws:PrincipalOrgID {t.org_id}, or an open Allow",
            "3.7",
            seen="",
        )
    conforms = conformance_bucket_name(t.log_archive.id, t.home_region)
    if c.got(f"conformance pack bucket {conforms}", ("3.6",), seen["conformance_bucket"]) is not None:
        c.add(f"conformance pack bucket {conforms}", True, "exists", "3.6")
    return c.items


# ---- management ----------------------------------------------------------------------------------


def observe_management(clients: Clients, t: Target) -> dict[str, Any]:
    account_id, home = t.management.id, t.home_region
    cloudtrail = clients.client("cloudtrail", account_id, home)
    seen: dict[str, Any] = {"trails": read(lambda: cloudtrail.describe_trails(trailNameList=[TRAIL]))}
    if not isinstance(seen["trails"], Failed) and any(
        tr.get("Name") == TRAIL for tr in seen["trails"].get("trailList", [])
    ):
        seen["trail_status"] = read(lambda: cloudtrail.get_trail_status(Name=TRAIL))
    logs = clients.client("logs", account_id, home)
    seen["filters"] = read(
        lambda: logs.describe_metric_filters(logGroupName=TRAIL_LOG_GROUP)["metricFilters"]
    )
    cloudwatch = clients.client("cloudwatch", account_id, home)
    seen["alarms"] = read(
        lambda: [
            a
            for page in cloudwatch.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"])
            for a in page["MetricAlarms"]
        ]
    )
    orgs = clients.client("organizations", account_id, home)
    seen["services"] = read(
        lambda: [
            s["ServicePrincipal"]
            for s in orgs.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
        ]
    )
    seen["roots"] = read(lambda: orgs.list_roots()["Roots"])
    seen["admins"] = read(
        lambda: [
            a["Id"]
            for a in orgs.list_delegated_administrators(ServicePrincipal=BACKUP_PRINCIPAL)[
                "DelegatedAdministrators"
            ]
        ]
    )
    backup = clients.client("backup", account_id, home)
    seen["settings"] = read(lambda: backup.describe_global_settings()["GlobalSettings"])
    seen["packs"] = read(
        lambda: recorded(clients, account_id, home, "AWS::Config::OrganizationConformancePack")
    )
    return seen


def _evaluate_trail(c: Checks, seen: Mapping[str, Any], t: Target) -> None:
    seed = ("1.6", "3.6", "4.9")
    trails = c.got(f"trail {TRAIL}", seed, seen["trails"])
    trail = next((tr for tr in (trails or {}).get("trailList", []) if tr.get("Name") == TRAIL), None)
    if trails is not None and trail is None:
        c.add(f"trail {TRAIL}", False, "missing", *seed)
    if trail is None:
        return
    bucket = log_bucket_name(t.log_archive.id, t.home_region)
    status = c.got("organization trail status", seed, seen.get("trail_status", Failed("not read")))
    if status is not None:
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
        # AWS returns the log group ARN with the log stream wildcard, `...:log-group:<name>:*`
        # (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Trail.html)
        str(trail.get("CloudWatchLogsLogGroupArn", ""))
        .removesuffix(":*")
        .endswith(f":log-group:{TRAIL_LOG_GROUP}"),
        f"log group {trail.get('CloudWatchLogsLogGroupArn') or 'none'}",
        "1.7",
        "4.9",
    )


def _evaluate_metrics(c: Checks, seen: Mapping[str, Any], t: Target) -> None:
    filters = c.got(f"metric filters on {TRAIL_LOG_GROUP}", ("1.7", "4.9"), seen["filters"])
    alarms = c.got("metric alarms", ("1.7", "4.9"), seen["alarms"])
    if filters is None or alarms is None:
        return
    for metric, watched in TRAIL_METRICS.items():
        producing = [
            f
            for f in filters
            if any(
                tr.get("metricNamespace") == METRIC_NAMESPACE and tr.get("metricName") == metric
                for tr in f.get("metricTransformations", [])
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
            and not any(t.bunker.id in str(f.get("filterPattern", "")) for f in producing)
        ):
            ok, detail = False, f"filter does not watch the bunker account {t.bunker.id}"
        c.add(f"metric filter + alarm on {watched} ({metric})", ok, detail, "1.7", "4.9")


def evaluate_management(seen: Mapping[str, Any], t: Target) -> list[CentralCheck]:
    c = Checks("management", t.management.name, t.management.id, t.home_region)
    _evaluate_trail(c, seen, t)
    _evaluate_metrics(c, seen, t)
    services = c.got("trusted access for AWS Backup", ("2.10", "3.4"), seen["services"])
    if services is not None:
        c.add(
            "trusted access for AWS Backup",
            BACKUP_PRINCIPAL in services,
            "not enabled",
            "2.10",
            "3.4",
            seen="",
        )
    roots = c.got("BACKUP_POLICY policy type enabled", ("2.2", "3.4"), seen["roots"])
    if roots is not None:
        enabled = {p["Type"] for r in roots for p in r.get("PolicyTypes", []) if p.get("Status") == "ENABLED"}
        c.add(
            "BACKUP_POLICY policy type enabled",
            "BACKUP_POLICY" in enabled,
            "not enabled on the root",
            "2.2",
            "3.4",
            seen="",
        )
    admins = c.got("delegated Backup administrator", ("2.10", "3.4"), seen["admins"])
    if admins is not None:
        c.add(
            "delegated Backup administrator is the Audit account",
            t.audit.id in admins,
            f"delegated: {', '.join(admins) or 'none'} (want {t.audit.id})",
            "2.10",
            "3.4",
        )
    settings = c.got("cross-account backup", ("2.7", "3.4"), seen["settings"])
    if settings is not None:
        c.add(
            "cross-account backup enabled",
            str(settings.get("isCrossAccountBackupEnabled")).lower() == "true",
            "isCrossAccountBackupEnabled is not true",
            "2.7",
            "3.4",
            seen="",
        )
    packs = c.got(f"organization conformance pack {contract.CONFORMANCE_PACK}", ("3.6",), seen["packs"])
    if packs is not None:
        c.add(
            f"organization conformance pack {contract.CONFORMANCE_PACK}",
            contract.CONFORMANCE_PACK in packs,
            "recorded: a complete CloudFormation stack resource (its state in AWS Config is not read)"
            if contract.CONFORMANCE_PACK in packs
            else "not recorded",
            "3.6",
        )
    return c.items


# ---- Audit ---------------------------------------------------------------------------------------


def observe_audit(clients: Clients, t: Target) -> dict[str, Any]:
    account_id, home = t.audit.id, t.home_region
    events = clients.client("events", account_id, home)
    seen: dict[str, Any] = {"bus": read(lambda: events.describe_event_bus(Name=CENTRAL_BUS))}
    if not isinstance(seen["bus"], Failed):

        def rules() -> list[dict[str, Any]]:
            found = events.list_rules(EventBusName=CENTRAL_BUS)["Rules"]
            return [
                {
                    **r,
                    "Targets": events.list_targets_by_rule(Rule=r["Name"], EventBusName=CENTRAL_BUS)[
                        "Targets"
                    ],
                }
                for r in found
                if r["Name"] != RESTORE_TESTS_RULE  # validation, not an alert
            ]

        seen["rules"] = read(rules)
    sns = clients.client("sns", account_id, home)
    topic_arn = f"arn:aws:sns:{home}:{account_id}:{ALERT_TOPIC}"
    seen["topic"] = read(lambda: sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"])
    if not isinstance(seen["topic"], Failed):
        key = seen["topic"].get("KmsMasterKeyId")
        if key:
            kms = clients.client("kms", account_id, home)
            seen["topic_key"] = read(lambda: kms.describe_key(KeyId=key)["KeyMetadata"])
        seen["subscriptions"] = read(
            lambda: sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
        )
    s3 = clients.client("s3", account_id, home)
    bucket = audit_report_bucket_name(account_id, home)
    seen["replication"] = read(
        lambda: s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"]["Rules"]
    )
    backup = clients.client("backup", account_id, home)
    seen["report_plans"] = {
        name: read(functools.partial(_report_plan, backup, name)) for name in REPORT_PLANS
    }
    return seen


def evaluate_audit(seen: Mapping[str, Any], t: Target) -> list[CentralCheck]:
    account_id, home = t.audit.id, t.home_region
    c = Checks("audit", t.audit.name, account_id, home)
    bus = c.got(f"central bus {CENTRAL_BUS}", ("2.9",), seen["bus"])
    if bus is not None:
        reason = org_scoped(bus.get("Policy"), t.org_id)
        c.add("central bus policy organization-only", reason is None, reason or "", "2.9")
    topic_arn = f"arn:aws:sns:{home}:{account_id}:{ALERT_TOPIC}"
    attributes = c.got(f"alert topic {ALERT_TOPIC}", ("2.9",), seen["topic"])
    if attributes is not None:
        key = attributes.get("KmsMasterKeyId")
        detail = "no KMS key"
        ok = False
        if key:
            meta = seen.get("topic_key", Failed("not read"))
            if isinstance(meta, Failed):  # the key is not in the account
                detail = f"key {key} not found ({meta.code})"
            else:
                ok = meta.get("KeyManager") == "CUSTOMER" and meta.get("KeyState") == "Enabled"
                detail = f"key {meta.get('KeyId')} {meta.get('KeyManager')} {meta.get('KeyState')}"
        c.add("alert topic encrypted with a customer managed key", ok, detail, "2.9")
        subscriptions = c.got("alert topic subscriptions", ("2.9",), seen["subscriptions"])
        if subscriptions is not None:
            emails = [s["Endpoint"] for s in subscriptions if s.get("Protocol") == "email"]
            c.add(
                f"alert topic email subscription {t.alert_email}",
                t.alert_email in emails,
                f"email subscriptions: {', '.join(emails) or 'none'}",
                "2.9",
            )
    if bus is not None:
        rules = c.got("central bus rules into the alert topic", ("2.9",), seen["rules"])
        if rules is not None:
            into_topic = [
                r["Name"]
                for r in rules
                if r.get("State") == "ENABLED" and any(tg["Arn"] == topic_arn for tg in r["Targets"])
            ]
            c.add(
                "central bus rules into the alert topic",
                bool(into_topic) and len(into_topic) == len(rules),
                f"{len(into_topic)}/{len(rules)} enabled rules target {ALERT_TOPIC}",
                "2.9",
            )
    # a report plan writes only to its own account's bucket; that bucket replicates to the bunker's
    # (templates/audit.yaml; https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-api.html)
    report_bucket = audit_report_bucket_name(account_id, home)
    central = bunker_report_bucket_name(t.bunker.id, home)
    replication = seen["replication"]
    if isinstance(replication, Failed):  # no bucket or no replication: reported as the gap
        c.add(f"report bucket {report_bucket} replicates to {central}", False, replication.code, "3.11")
    else:
        targets = [
            r.get("Destination", {}).get("Bucket", "") for r in replication if r.get("Status") == "Enabled"
        ]
        c.add(
            f"report bucket {report_bucket} replicates to {central}",
            f"arn:aws:s3:::{central}" in targets,
            ", ".join(targets) or "no rule",
            "3.11",
        )
    protected_ou_ids = set(t.protected_ou_ids)
    for plan_name in REPORT_PLANS:
        plan = c.got(f"report plan {plan_name}", ("3.11", "4.8"), seen["report_plans"][plan_name])
        if plan is None:
            continue
        channel, setting = plan.get("ReportDeliveryChannel", {}), plan.get("ReportSetting", {})
        problems = []
        if channel.get("Formats", ["CSV"]) != ["CSV"]:
            problems.append(f"formats {channel.get('Formats')} (organization reports are CSV only)")
        if channel.get("S3BucketName") != report_bucket:
            problems.append(f"delivered to {channel.get('S3BucketName')} (want {report_bucket})")
        if not protected_ou_ids <= set(setting.get("OrganizationUnits", [])):
            problems.append("does not cover every protected OU")
        if not {t.home_region, t.dr_region} <= set(setting.get("Regions", [])):
            problems.append("does not cover the home and DR Regions")
        c.add(
            f"report plan {plan_name} (organization-wide, into the bunker)",
            not problems,
            "; ".join(problems) or f"{setting.get('ReportTemplate')} to s3://{report_bucket}/{REPORT_PREFIX}",
            "3.11",
            "4.8",
        )
    return c.items


# ---- Key Vault -----------------------------------------------------------------------------------


def _report_plan(backup: Any, name: str) -> Any:
    return backup.describe_report_plan(ReportPlanName=name)["ReportPlan"]


def _bunker_key(kms: Any, region: str, home: str) -> dict[str, Any]:
    here: dict[str, Any] = {"meta": read(lambda: kms.describe_key(KeyId=BUNKER_KEY_ALIAS)["KeyMetadata"])}
    if isinstance(here["meta"], Failed):
        return here
    key_id = here["meta"]["KeyId"]
    if region == home:
        here["rotation"] = read(lambda: kms.get_key_rotation_status(KeyId=key_id).get("KeyRotationEnabled"))
    here["policy"] = read(lambda: kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    return here


def observe_key_vault(clients: Clients, t: Target) -> dict[str, Any]:
    """Region -> what was read of the bunker key there (home: the primary, DR: the replica)."""
    return {
        region: _bunker_key(clients.client("kms", t.key_vault.id, region), region, t.home_region)
        for region in (t.home_region, t.dr_region)
    }


def evaluate_key_vault(seen: Mapping[str, Any], t: Target) -> list[CentralCheck]:
    home = t.home_region
    bunker_root = f"arn:aws:iam::{t.bunker.id}:root"
    checks: list[CentralCheck] = []
    primary_arn: str | None = None
    for region in (home, t.dr_region):
        c = Checks("key_vault", t.key_vault.name, t.key_vault.id, region)
        here = seen[region]
        meta = c.got(f"bunker key {BUNKER_KEY_ALIAS}", ("3.8", "4.3"), here["meta"])
        if meta is not None:
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
                rotation = here["rotation"]
                if not c.failed("bunker key rotation", ("4.3",), rotation):
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
            policy = c.got("bunker key policy", ("4.3",), here["policy"])
            if policy is not None:
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


# ---- bunker --------------------------------------------------------------------------------------


def observe_bunker(clients: Clients, t: Target) -> dict[str, Any]:
    """The report bucket and break-glass role in the bunker; the permission set in the management
    account (Identity Center lives there)."""
    account_id, home = t.bunker.id, t.home_region
    s3 = clients.client("s3", account_id, home)
    bucket = bunker_report_bucket_name(account_id, home)
    seen: dict[str, Any] = {"bucket": read(lambda: s3.get_bucket_versioning(Bucket=bucket))}
    iam = clients.client("iam", account_id, home)
    seen["role"] = read(lambda: iam.get_role(RoleName=BREAK_GLASS_ROLE)["Role"])
    management = t.management.id
    seen["permission_sets"] = read(lambda: recorded(clients, management, home, "AWS::SSO::PermissionSet"))
    seen["assignments"] = read(lambda: recorded(clients, management, home, "AWS::SSO::Assignment"))
    return seen


def evaluate_bunker(seen: Mapping[str, Any], t: Target) -> list[CentralCheck]:
    home = t.home_region
    c = Checks("bunker", t.bunker.name, t.bunker.id, home)
    bucket = bunker_report_bucket_name(t.bunker.id, home)
    versioning = c.got(f"report bucket {bucket}", ("3.11", "4.8"), seen["bucket"])
    if versioning is not None:
        status = versioning.get("Status")
        c.add(f"report bucket {bucket} versioned", status == "Enabled", f"versioning {status}", "3.11", "4.8")
    role = c.got(f"break-glass role {BREAK_GLASS_ROLE}", ("4.6", "4.7"), seen["role"])
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
            any(contract.BREAK_GLASS_SSO_ROLE_PREFIX in v for v in condition_values(st, "aws:PrincipalArn"))
            for st in statements(trust)
            if st.get("Effect") == "Allow"
        ) and bool(statements(trust))
        c.add(
            "break-glass role: assumable only through the Identity Center permission set",
            sso_only,
            f"trust policy not limited to {contract.BREAK_GLASS_SSO_ROLE_PREFIX}*",
            "4.6",
            "4.7",
            seen="",
        )
    m = Checks("bunker", t.management.name, t.management.id, home)
    what = "break-glass permission set (Identity Center)"
    sets, assignments = seen["permission_sets"], seen["assignments"]
    if not m.failed(what, ("3.5", "4.6"), sets) and not m.failed(what, ("3.5", "4.6"), assignments):
        m.add(
            "break-glass permission set and assignment (Identity Center)",
            bool(sets) and bool(assignments),
            (
                "recorded: complete CloudFormation stack resources (Identity Center itself is not read)"
                if sets and assignments
                else "not recorded"
            ),
            "3.5",
            "4.6",
        )
    return c.items + m.items


# ---- members (self-service) ----------------------------------------------------------------------


def _member(clients: Clients, account_id: str, region: str) -> dict[str, Any]:
    portfolios = read(lambda: recorded(clients, account_id, region, "AWS::ServiceCatalog::Portfolio"))
    here: dict[str, Any] = {"portfolios": portfolios}
    if not isinstance(portfolios, Failed):
        iam = clients.client("iam", account_id, region)
        here["launch_role"] = read(lambda: iam.get_role(RoleName=SELF_SERVICE_LAUNCH_ROLE)["Role"])
    return here


def observe_members(clients: Clients, t: Target) -> dict[str, Any]:
    """Member ID -> its recorded portfolios and whether its launch role exists (seed 3.12)."""
    return {member.id: _member(clients, member.id, t.home_region) for member in t.members}


def evaluate_members(seen: Mapping[str, Any], t: Target) -> list[CentralCheck]:
    checks: list[CentralCheck] = []
    for member in t.members:
        c = Checks("members", member.name, member.id, t.home_region)
        here = seen[member.id]
        portfolios = c.got("self-service portfolio", ("3.12",), here["portfolios"])
        if portfolios is not None:
            launch = not isinstance(here["launch_role"], Failed)  # NoSuchEntity
            c.add(
                "self-service portfolio and launch role",
                bool(portfolios) and launch,
                (
                    "recorded: a complete CloudFormation stack resource (Service Catalog itself is not read)"
                    if portfolios
                    else "portfolio not recorded"
                )
                + ("" if launch else f"; role {SELF_SERVICE_LAUNCH_ROLE} missing"),
                "3.12",
            )
        checks.extend(c.items)
    return checks


# ---- the pipeline --------------------------------------------------------------------------------

Observe = Callable[[Clients, Target], Mapping[str, Any]]
Evaluate = Callable[[Mapping[str, Any], Target], list[CentralCheck]]

PIPELINE: dict[str, tuple[Observe, Evaluate]] = {
    "management": (observe_management, evaluate_management),
    "log_archive": (observe_log_archive, evaluate_log_archive),
    "audit": (observe_audit, evaluate_audit),
    "key_vault": (observe_key_vault, evaluate_key_vault),
    "bunker": (observe_bunker, evaluate_bunker),
    "members": (observe_members, evaluate_members),
}


def read_back_failed(group: str, t: Target, exc: BaseException) -> CentralCheck:
    """The one check of a group whose account cannot be read at all (e.g. its role not assumable)."""
    accounts = {
        "management": t.management,
        "log_archive": t.log_archive,
        "audit": t.audit,
        "key_vault": t.key_vault,
        "bunker": t.bunker,
    }
    account = accounts.get(group)
    name, account_id = (account.name, account.id) if account else (group, "")
    detail = f"failed ({error_code(exc)}: {exc})"
    return CentralCheck(group, name, account_id, t.home_region, "read back", False, detail)


def sort_checks(checks: Iterable[CentralCheck]) -> list[CentralCheck]:
    order = {g: i for i, g in enumerate(GROUPS)}
    return sorted(checks, key=lambda ch: order.get(ch.group, len(order)))


def inspect_central(
    clients: Clients,
    t: Target,
    groups: Iterable[str] = GROUPS,
    observers: Mapping[str, Observe] | None = None,
) -> list[CentralCheck]:
    """Observe then evaluate each group, in GROUPS order; `observers` replace a group's observe."""
    checks: list[CentralCheck] = []
    for group in groups:
        observe, evaluate = PIPELINE[group]
        observe = (observers or {}).get(group, observe)
        try:
            seen = observe(clients, t)
        except Exception as exc:  # noqa: BLE001 - an account that cannot be read is itself the gap
            checks.append(read_back_failed(group, t, exc))
            continue
        checks.extend(evaluate(seen, t))
    return sort_checks(checks)
