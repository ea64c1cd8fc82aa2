"""The central checks' evaluate functions on plain data: every gap they can report, one at a time.

Each observation below is written by hand in the shape the AWS APIs return (boto3 response
fields, as documented on each API's reference page) for a landing zone deployed as the templates
say; each case changes one thing and expects exactly its named check to fail.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from cfct_backup.verify import central
from cfct_backup.verify.central import Failed
from cfct_backup.verify.target import AccountRef, Target, TargetError

ORG = "o-abcdefghij"
HOME, DR = "us-east-1", "us-west-2"
MGMT, LOGS, AUDIT, KEYS, BUNKER, MEMBER = (
    "111111111111",
    "222222222222",
    "333333333333",
    "444444444444",
    "555555555555",
    "666666666666",
)
OU = "ou-ab12-prod0001"
EMAIL = "alerts@example.com"

T = Target(
    org_id=ORG,
    home_region=HOME,
    dr_region=DR,
    management=AccountRef("Management", MGMT),
    log_archive=AccountRef("Log Archive", LOGS),
    audit=AccountRef("Audit", AUDIT),
    key_vault=AccountRef("Key Vault", KEYS),
    bunker=AccountRef("Backup Bunker", BUNKER),
    protected_ou_ids=(OU,),
    alert_email=EMAIL,
    members=(AccountRef("Payments Prod", MEMBER),),
)


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


TLS = {
    "Sid": "TlsOnly",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
OUTSIDE = {
    "Sid": "OrgOnly",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": ORG}},
}
TOPIC = f"arn:aws:sns:{HOME}:{AUDIT}:cfct-backup-alerts"
PRIMARY = f"arn:aws:kms:{HOME}:{KEYS}:key/mrk-1234"
BUNKER_ROOT = f"arn:aws:iam::{BUNKER}:root"
KEY_POLICY = _doc(
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{KEYS}:root"}, "Action": ["kms:DescribeKey"]},
    {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"],
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    },
    {"Effect": "Allow", "Principal": {"AWS": BUNKER_ROOT}, "Action": ["kms:Decrypt", "kms:GenerateDataKey*"]},
)
METRICS = [
    "BackupJobsFailed",
    "CopyJobsFailed",
    "RecoveryPointDeletionAttempts",
    "VaultPolicyOrLockChanges",
    "KeyPolicyOrStateChanges",
    "OrganizationsPolicyChanges",
    "BunkerHumanAccess",
]


def _plan(name: str) -> dict[str, Any]:
    return {
        "ReportPlanName": name,
        "ReportDeliveryChannel": {
            "S3BucketName": f"cfct-backup-audit-reports-{AUDIT}-{HOME}",
            "S3KeyPrefix": "audit-manager",
            "Formats": ["CSV"],
        },
        "ReportSetting": {
            "ReportTemplate": "BACKUP_JOB_REPORT",
            "OrganizationUnits": [OU],
            "Regions": [HOME, DR],
        },
    }


GOOD: dict[str, dict[str, Any]] = {
    "log_archive": {
        "bucket": {"Status": "Enabled"},
        "lock": {
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}},
        },
        "policy": _doc(TLS, OUTSIDE),
        "conformance_bucket": {"Status": "Enabled"},
    },
    "management": {
        "trails": {
            "trailList": [
                {
                    "Name": "cfct-backup-org-trail",
                    "IsOrganizationTrail": True,
                    "IsMultiRegionTrail": True,
                    "LogFileValidationEnabled": True,
                    "KmsKeyId": f"arn:aws:kms:{HOME}:{MGMT}:key/trail",
                    "S3BucketName": f"cfct-backup-logs-{LOGS}-{HOME}",
                    # as AWS returns it: with the log stream wildcard
                    "CloudWatchLogsLogGroupArn": f"arn:aws:logs:{HOME}:{MGMT}:log-group:"
                    "/cfct-backup/org-trail:*",
                }
            ]
        },
        "trail_status": {"IsLogging": True},
        "filters": [
            {
                "filterName": m,
                "filterPattern": f'{{ $.recipientAccountId = "{BUNKER}" }}'
                if m == "BunkerHumanAccess"
                else "{}",
                "metricTransformations": [{"metricNamespace": "CfctBackup", "metricName": m}],
            }
            for m in METRICS
        ],
        "alarms": [
            {"AlarmName": f"cfct-backup-{m}", "Namespace": "CfctBackup", "MetricName": m} for m in METRICS
        ],
        "services": ["backup.amazonaws.com", "member.org.stacksets.cloudformation.amazonaws.com"],
        "roots": [{"Id": "r-ab12", "PolicyTypes": [{"Type": "BACKUP_POLICY", "Status": "ENABLED"}]}],
        "admins": [AUDIT],
        "settings": {"isCrossAccountBackupEnabled": "true"},
        "packs": ["cfct-backup-controls"],
    },
    "audit": {
        "bus": {
            "Name": "cfct-backup-events",
            "Policy": _doc(
                {
                    "Sid": "org",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "events:PutEvents",
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG}},
                }
            ),
        },
        "rules": [
            {"Name": "cfct-backup-job-failed", "State": "ENABLED", "Targets": [{"Id": "t", "Arn": TOPIC}]},
            {"Name": "cfct-backup-vault-changed", "State": "ENABLED", "Targets": [{"Id": "t", "Arn": TOPIC}]},
        ],
        "topic": {"TopicArn": TOPIC, "KmsMasterKeyId": "alias/cfct-backup-alerts"},
        "topic_key": {"KeyId": "alerts", "KeyManager": "CUSTOMER", "KeyState": "Enabled"},
        "subscriptions": [{"Protocol": "email", "Endpoint": EMAIL}],
        "replication": [
            {
                "Status": "Enabled",
                "Destination": {"Bucket": f"arn:aws:s3:::cfct-backup-reports-{BUNKER}-{HOME}"},
            }
        ],
        "report_plans": {
            n: _plan(n)
            for n in ("cfct_backup_backup_jobs", "cfct_backup_copy_jobs", "cfct_backup_restore_jobs")
        },
    },
    "key_vault": {
        HOME: {
            "meta": {
                "KeyId": "mrk-1234",
                "Arn": PRIMARY,
                "MultiRegion": True,
                "MultiRegionConfiguration": {"MultiRegionKeyType": "PRIMARY", "PrimaryKey": {"Arn": PRIMARY}},
                "KeyManager": "CUSTOMER",
                "KeyState": "Enabled",
            },
            "rotation": True,
            "policy": KEY_POLICY,
        },
        DR: {
            "meta": {
                "KeyId": "mrk-1234",
                "Arn": f"arn:aws:kms:{DR}:{KEYS}:key/mrk-1234",
                "MultiRegion": True,
                "MultiRegionConfiguration": {"MultiRegionKeyType": "REPLICA", "PrimaryKey": {"Arn": PRIMARY}},
                "KeyManager": "CUSTOMER",
                "KeyState": "Enabled",
            },
            "policy": KEY_POLICY,
        },
    },
    "bunker": {
        "bucket": {"Status": "Enabled"},
        "role": {
            "RoleName": "cfct-backup-break-glass",
            "MaxSessionDuration": 3600,
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{BUNKER}:root"},
                        "Action": "sts:AssumeRole",
                        "Condition": {
                            "ArnLike": {
                                "aws:PrincipalArn": f"arn:aws:iam::{BUNKER}:role/aws-reserved/"
                                "sso.amazonaws.com/AWSReservedSSO_cfct-backup-break-glass_*"
                            }
                        },
                    }
                ]
            },
        },
        "permission_sets": ["arn:aws:sso:::permissionSet/ssoins-1/ps-1"],
        "assignments": ["assignment-1"],
    },
    "members": {
        MEMBER: {"portfolios": ["port-1"], "launch_role": {"RoleName": "cfct-backup-self-service-launch"}}
    },
}

EVALUATE: dict[str, Callable[[Any, Target], list[central.CentralCheck]]] = {
    g: evaluate for g, (_observe, evaluate) in central.PIPELINE.items()
}


def _failing(group: str, seen: dict[str, Any]) -> dict[str, str]:
    return {c.what: c.detail for c in EVALUATE[group](seen, T) if not c.ok}


@pytest.mark.parametrize("group", sorted(GOOD))
def test_a_landing_zone_as_deployed_has_no_gap(group: str) -> None:
    checks = EVALUATE[group](copy.deepcopy(GOOD[group]), T)
    assert checks and all(c.ok for c in checks), [c.gap for c in checks if not c.ok]
    assert {c.group for c in checks} == {group}


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(seen: dict[str, Any]) -> None:
        node: Any = seen
        keys = path.split("/")
        for key in keys[:-1]:
            node = node[int(key)] if isinstance(node, list) else node[key]
        last = keys[-1]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return apply


DENIED = Failed("AccessDenied")
BUCKET = f"cfct-backup-logs-{LOGS}-{HOME}"
CONFORMS = f"awsconfigconforms-cfct-backup-{LOGS}-{HOME}"
REPORTS = f"cfct-backup-reports-{BUNKER}-{HOME}"
AUDIT_REPORTS = f"cfct-backup-audit-reports-{AUDIT}-{HOME}"
COPY_PLAN = "report plan cfct_backup_copy_jobs (organization-wide, into the bunker)"
TRAIL_OK = "organization trail logging to the Log Archive bucket"
CASES: list[tuple[str, str, Callable[[dict[str, Any]], None], str, str]] = [
    # (group, case, change, the one failing check, a part of its detail)
    (
        "log_archive",
        "no bucket",
        _set("bucket", Failed("NoSuchBucket")),
        f"log bucket {BUCKET}",
        "NoSuchBucket",
    ),
    (
        "log_archive",
        "no lock",
        _set("lock", Failed("ObjectLockConfigurationNotFoundError")),
        "log bucket Object Lock",
        "not enabled",
    ),
    (
        "log_archive",
        "lock without retention",
        _set("lock/Rule", {}),
        "log bucket Object Lock",
        "no default retention",
    ),
    (
        "log_archive",
        "versioning suspended",
        _set("bucket/Status", "Suspended"),
        "log bucket versioning",
        "Suspended",
    ),
    ("log_archive", "versioning never on", _set("bucket", {}), "log bucket versioning", "never enabled"),
    ("log_archive", "policy unreadable", _set("policy", DENIED), "log bucket policy", "AccessDenied"),
    (
        "log_archive",
        "no TLS deny",
        _set("policy", _doc(OUTSIDE)),
        "log bucket policy TLS-only",
        "SecureTransport",
    ),
    ("log_archive", "no org deny", _set("policy", _doc(TLS)), "log bucket policy organization-only", ORG),
    (
        "log_archive",
        "no conformance bucket",
        _set("conformance_bucket", Failed("NoSuchBucket")),
        f"conformance pack bucket {CONFORMS}",
        "NoSuchBucket",
    ),
    (
        "management",
        "trails unreadable",
        _set("trails", DENIED),
        "trail cfct-backup-org-trail",
        "AccessDenied",
    ),
    ("management", "no trail", _set("trails", {"trailList": []}), "trail cfct-backup-org-trail", "missing"),
    (
        "management",
        "status unreadable",
        _set("trail_status", DENIED),
        "organization trail status",
        "AccessDenied",
    ),
    ("management", "trail stopped", _set("trail_status/IsLogging", False), TRAIL_OK, "logging=False"),
    (
        "management",
        "not an organization trail",
        _set("trails/trailList/0/IsOrganizationTrail", False),
        TRAIL_OK,
        "organization=False",
    ),
    (
        "management",
        "other bucket",
        _set("trails/trailList/0/S3BucketName", "elsewhere"),
        TRAIL_OK,
        "bucket=elsewhere",
    ),
    (
        "management",
        "single-Region",
        _set("trails/trailList/0/IsMultiRegionTrail", False),
        "organization trail multi-Region",
        "single-Region",
    ),
    (
        "management",
        "no validation",
        _set("trails/trailList/0/LogFileValidationEnabled", False),
        "organization trail log file validation",
        "off",
    ),
    (
        "management",
        "no KMS",
        _set("trails/trailList/0/KmsKeyId", None),
        "organization trail KMS-encrypted",
        "no KMS key",
    ),
    (
        "management",
        "other log group",
        _set("trails/trailList/0/CloudWatchLogsLogGroupArn", "arn:aws:logs:x:1:log-group:other"),
        "organization trail into log group /cfct-backup/org-trail",
        "other",
    ),
    (
        "management",
        "filters unreadable",
        _set("filters", DENIED),
        "metric filters on /cfct-backup/org-trail",
        "AccessDenied",
    ),
    ("management", "alarms unreadable", _set("alarms", DENIED), "metric alarms", "AccessDenied"),
    (
        "management",
        "no filter",
        lambda s: s["filters"].pop(1),
        "metric filter + alarm on copy job failures (CopyJobsFailed)",
        "no metric filter",
    ),
    (
        "management",
        "no alarm",
        lambda s: s["alarms"].pop(0),
        "metric filter + alarm on backup job failures (BackupJobsFailed)",
        "no alarm",
    ),
    (
        "management",
        "bunker filter blind",
        _set("filters/6/filterPattern", "{}"),
        "metric filter + alarm on bunker access (BunkerHumanAccess)",
        BUNKER,
    ),
    ("management", "no trusted access", _set("services", []), "trusted access for AWS Backup", "not enabled"),
    (
        "management",
        "services unreadable",
        _set("services", DENIED),
        "trusted access for AWS Backup",
        "AccessDenied",
    ),
    (
        "management",
        "no backup policies",
        _set("roots/0/PolicyTypes", []),
        "BACKUP_POLICY policy type enabled",
        "not enabled",
    ),
    (
        "management",
        "roots unreadable",
        _set("roots", DENIED),
        "BACKUP_POLICY policy type enabled",
        "AccessDenied",
    ),
    (
        "management",
        "other delegated admin",
        _set("admins", [MEMBER]),
        "delegated Backup administrator is the Audit account",
        AUDIT,
    ),
    (
        "management",
        "admins unreadable",
        _set("admins", DENIED),
        "delegated Backup administrator",
        "AccessDenied",
    ),
    (
        "management",
        "no cross-account",
        _set("settings/isCrossAccountBackupEnabled", "false"),
        "cross-account backup enabled",
        "not true",
    ),
    ("management", "settings unreadable", _set("settings", DENIED), "cross-account backup", "AccessDenied"),
    (
        "management",
        "no pack",
        _set("packs", []),
        "organization conformance pack cfct-backup-controls",
        "not recorded",
    ),
    (
        "audit",
        "no bus",
        _set("bus", Failed("ResourceNotFoundException")),
        "central bus cfct-backup-events",
        "ResourceNotFound",
    ),
    (
        "audit",
        "open bus",
        _set(
            "bus/Policy",
            _doc({"Sid": "open", "Effect": "Allow", "Principal": "*", "Action": "events:PutEvents"}),
        ),
        "central bus policy organization-only",
        "statement open",
    ),
    ("audit", "no topic", _set("topic", Failed("NotFound")), "alert topic cfct-backup-alerts", "NotFound"),
    (
        "audit",
        "topic unencrypted",
        _set("topic/KmsMasterKeyId", ""),
        "alert topic encrypted with a customer managed key",
        "no KMS key",
    ),
    (
        "audit",
        "topic key gone",
        _set("topic_key", Failed("NotFoundException")),
        "alert topic encrypted with a customer managed key",
        "not found",
    ),
    (
        "audit",
        "AWS managed topic key",
        _set("topic_key/KeyManager", "AWS"),
        "alert topic encrypted with a customer managed key",
        "AWS",
    ),
    (
        "audit",
        "subscriptions unreadable",
        _set("subscriptions", DENIED),
        "alert topic subscriptions",
        "AccessDenied",
    ),
    ("audit", "no email", _set("subscriptions", []), f"alert topic email subscription {EMAIL}", "none"),
    (
        "audit",
        "rules unreadable",
        _set("rules", DENIED),
        "central bus rules into the alert topic",
        "AccessDenied",
    ),
    (
        "audit",
        "rule disabled",
        _set("rules/1/State", "DISABLED"),
        "central bus rules into the alert topic",
        "1/2",
    ),
    ("audit", "rule elsewhere", _set("rules/0/Targets", []), "central bus rules into the alert topic", "1/2"),
    (
        "audit",
        "no replication",
        _set("replication", Failed("ReplicationConfigurationNotFoundError")),
        f"report bucket {AUDIT_REPORTS} replicates to {REPORTS}",
        "ReplicationConfigurationNotFound",
    ),
    (
        "audit",
        "replication elsewhere",
        _set("replication/0/Destination/Bucket", "arn:aws:s3:::other"),
        f"report bucket {AUDIT_REPORTS} replicates to {REPORTS}",
        "other",
    ),
    (
        "audit",
        "no plan",
        _set("report_plans/cfct_backup_copy_jobs", Failed("ResourceNotFoundException")),
        "report plan cfct_backup_copy_jobs",
        "ResourceNotFound",
    ),
    (
        "audit",
        "JSON reports",
        _set("report_plans/cfct_backup_copy_jobs/ReportDeliveryChannel/Formats", ["JSON"]),
        COPY_PLAN,
        "CSV only",
    ),
    (
        "audit",
        "other bucket",
        _set("report_plans/cfct_backup_copy_jobs/ReportDeliveryChannel/S3BucketName", "x"),
        COPY_PLAN,
        "delivered to x",
    ),
    (
        "audit",
        "OU not covered",
        _set("report_plans/cfct_backup_copy_jobs/ReportSetting/OrganizationUnits", []),
        COPY_PLAN,
        "protected OU",
    ),
    (
        "audit",
        "DR not covered",
        _set("report_plans/cfct_backup_copy_jobs/ReportSetting/Regions", [HOME]),
        COPY_PLAN,
        "DR Regions",
    ),
    (
        "key_vault",
        "no key",
        _set(f"{DR}/meta", Failed("NotFoundException")),
        "bunker key alias/cfct-backup-bunker",
        "NotFound",
    ),
    (
        "key_vault",
        "single-Region key",
        _set(f"{HOME}/meta/MultiRegion", False),
        "bunker key: multi-Region primary, customer managed, enabled",
        "multi-Region=False",
    ),
    (
        "key_vault",
        "rotation unreadable",
        _set(f"{HOME}/rotation", DENIED),
        "bunker key rotation",
        "AccessDenied",
    ),
    ("key_vault", "rotation off", _set(f"{HOME}/rotation", False), "bunker key rotation", "rotation off"),
    (
        "key_vault",
        "replica of another key",
        _set(f"{DR}/meta/MultiRegionConfiguration/PrimaryKey/Arn", "arn:aws:kms:x:1:key/other"),
        "bunker key replica of the home primary",
        "other",
    ),
    ("key_vault", "policy unreadable", _set(f"{DR}/policy", DENIED), "bunker key policy", "AccessDenied"),
    (
        "key_vault",
        "no MFA",
        _set(f"{HOME}/policy", _doc(json.loads(KEY_POLICY)["Statement"][2])),
        "bunker key policy: MFA on ScheduleKeyDeletion/PutKeyPolicy/DisableKey",
        "ScheduleKeyDeletion, PutKeyPolicy, DisableKey",
    ),
    (
        "key_vault",
        "another key user",
        _set(
            f"{HOME}/policy",
            _doc(
                *json.loads(KEY_POLICY)["Statement"],
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{MEMBER}:root"}, "Action": "kms:*"},
            ),
        ),
        "bunker key policy: use by the bunker account only",
        MEMBER,
    ),
    (
        "bunker",
        "no report bucket",
        _set("bucket", Failed("NoSuchBucket")),
        f"report bucket {REPORTS}",
        "NoSuchBucket",
    ),
    ("bunker", "reports unversioned", _set("bucket", {}), f"report bucket {REPORTS} versioned", "None"),
    (
        "bunker",
        "no break-glass role",
        _set("role", Failed("NoSuchEntity")),
        "break-glass role cfct-backup-break-glass",
        "NoSuchEntity",
    ),
    (
        "bunker",
        "long sessions",
        _set("role/MaxSessionDuration", 43200),
        "break-glass role: sessions of at most 3600 s",
        "43200",
    ),
    (
        "bunker",
        "trust beyond SSO",
        _set("role/AssumeRolePolicyDocument/Statement/0/Condition", {}),
        "break-glass role: assumable only through the Identity Center permission set",
        "AWSReservedSSO",
    ),
    (
        "bunker",
        "permission sets unreadable",
        _set("permission_sets", DENIED),
        "break-glass permission set (Identity Center)",
        "AccessDenied",
    ),
    (
        "bunker",
        "no assignment",
        _set("assignments", []),
        "break-glass permission set and assignment (Identity Center)",
        "not recorded",
    ),
    (
        "members",
        "portfolios unreadable",
        _set(f"{MEMBER}/portfolios", DENIED),
        "self-service portfolio",
        "AccessDenied",
    ),
    (
        "members",
        "no portfolio",
        _set(f"{MEMBER}/portfolios", []),
        "self-service portfolio and launch role",
        "portfolio not recorded",
    ),
    (
        "members",
        "no launch role",
        _set(f"{MEMBER}/launch_role", Failed("NoSuchEntity")),
        "self-service portfolio and launch role",
        "cfct-backup-self-service-launch missing",
    ),
]


@pytest.mark.parametrize(
    ("group", "case", "change", "what", "detail"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES]
)
def test_each_gap_is_reachable_alone(
    group: str, case: str, change: Callable[[dict[str, Any]], None], what: str, detail: str
) -> None:
    seen = copy.deepcopy(GOOD[group])
    change(seen)
    failing = _failing(group, seen)
    assert set(failing) == {what}, (case, failing)
    assert detail in failing[what], (case, failing[what])


def test_the_gap_line_names_account_region_check_and_detail() -> None:
    seen = copy.deepcopy(GOOD["key_vault"])
    seen[DR]["meta"] = Failed("NotFoundException")
    [gap] = [c for c in central.evaluate_key_vault(seen, T) if not c.ok]
    assert (
        gap.gap
        == "Key Vault us-west-2: bunker key alias/cfct-backup-bunker: cannot be read (NotFoundException)"
    )
    assert gap.account_id == KEYS and gap.seed == ["3.8", "4.3"]


class _Refusing:
    """A client factory whose Log Archive cannot be assumed (as a role without the audit role)."""

    def client(self, service: str, account_id: str, region: str) -> Any:
        raise PermissionError(f"cannot assume a role in {account_id}")


def test_an_account_that_cannot_be_read_is_one_gap_naming_it() -> None:
    checks = central.inspect_central(_Refusing(), T, ("log_archive", "key_vault"))
    assert [(c.account, c.what, c.ok) for c in checks] == [
        ("Log Archive", "read back", False),
        ("Key Vault", "read back", False),
    ]
    assert "cannot assume a role in 222222222222" in checks[0].detail


PARAMETERS = {
    "org/id": ORG,
    "accounts/management": MGMT,
    "accounts/log-archive": LOGS,
    "accounts/audit": AUDIT,
    "accounts/key-vault": KEYS,
    "accounts/bunker": BUNKER,
    "regions/home": HOME,
    "regions/dr": DR,
    "protected-ous/ids": f"{OU}, ou-ab12-prod0002",
    "alert-email": EMAIL,
}


def test_the_target_of_a_real_organization_comes_from_its_ssm_configuration() -> None:
    target = Target.from_parameters(PARAMETERS, "/cfct-backup/", {KEYS: "Keys"})
    assert target.key_vault == AccountRef("Keys", KEYS)
    assert target.log_archive == AccountRef("Log Archive", LOGS)
    assert target.protected_ou_ids == (OU, "ou-ab12-prod0002")
    assert (target.org_id, target.home_region, target.dr_region, target.alert_email) == (ORG, HOME, DR, EMAIL)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"accounts/key-vault": ""}, "missing SSM parameter /cfct-backup/accounts/key-vault"),
        ({"alert-email": "  "}, "missing SSM parameter /cfct-backup/alert-email"),
        (
            {"accounts/audit": "12345"},
            "SSM parameter /cfct-backup/accounts/audit is not a 12-digit account ID",
        ),
    ],
)
def test_a_configuration_without_what_the_checks_need_names_the_parameter(
    change: dict[str, str], message: str
) -> None:
    with pytest.raises(TargetError) as info:
        Target.from_parameters({**PARAMETERS, **change}, "/cfct-backup")
    assert str(info.value) == message
