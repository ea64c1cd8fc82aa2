"""Copy readiness: will the copy of each selected resource into the bunker work?

Backups of several resource types are not encrypted with the vault's key but keep the source
resource's KMS key ("Encryption for backups in AWS Backup", the "Independent AWS Backup encryption"
column: https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html). For those, a KMS
grant on the member vault key changes nothing: the copy into another account works only when the
*resource's* key admits the destination account, and a resource encrypted with an AWS managed key
can never be copied to another account ("Cross-account backup":
https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html; sharing a
key: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html).

And one copy action cannot be both cross-account and cross-Region for Amazon RDS and Aurora ("you can
also automate a sequence of cross-account and cross-Region copies for most supported resources,
except for Amazon RDS and Aurora ... only supports automating either cross-account or cross-Region
copies": https://docs.aws.amazon.com/aws-backup/latest/devguide/recov-point-create-a-copy.html,
checked 2026-12-01; the issue says this changed in 2025, but the newest stored page still says so:
the table below follows the page and is the one place to change when it does).

`region_gaps` reads the resources a plan's tag selections choose in one member account and Region
(EBS volumes, EC2 instances, RDS instances, Aurora clusters: the types that keep their key) and
returns one Gap per resource whose copy would fail, naming the key and the fix. The key-policy
statement a workload key needs is in docs/aws-constraints.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from cfct_backup_automation.destinations import VAULT_ARN, _value, copy_destinations
from cfct_backup_automation.protection import Gap

ENCRYPTION_DOC = "https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html"
COPY_DOC = "https://docs.aws.amazon.com/aws-backup/latest/devguide/recov-point-create-a-copy.html"
# What the destination account must be allowed on the source key to copy a backup encrypted with it
# (the key-sharing page above: use of the key by an external account, and grants for AWS services).
REQUIRED_KEY_ACTIONS = ("kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant")


@dataclass(frozen=True)
class TypeRule:
    keeps_source_key: bool  # backups encrypted with the source resource's key, not the vault's
    one_step_cross_account_and_region: bool  # one copy action may change account and Region


# AWS Backup resource type (as ResourceType names it) -> rule. From the encryption page's table
# (independent encryption) and the copy page (RDS/Aurora: one of cross-account or cross-Region).
RESOURCE_TYPES: dict[str, TypeRule] = {
    "EBS": TypeRule(True, True),
    "EC2": TypeRule(True, True),
    "RDS": TypeRule(True, False),
    "Aurora": TypeRule(True, False),
    "DocumentDB": TypeRule(True, True),
    "Neptune": TypeRule(True, True),
    "FSx": TypeRule(True, True),
    "Redshift": TypeRule(True, True),
    "Storage Gateway": TypeRule(True, True),
    # without advanced DynamoDB backup a table's backups keep the table's key (stricter: assumed)
    "DynamoDB": TypeRule(True, True),
    "S3": TypeRule(False, True),
    "EFS": TypeRule(False, True),
    "VirtualMachine": TypeRule(False, True),
    "Timestream": TypeRule(False, True),
    "CloudFormation": TypeRule(False, True),
}

_ARN_TYPES = (
    (re.compile(r"^arn:[\w-]+:ec2:[\w-]+:\d{12}:volume/"), "EBS"),
    (re.compile(r"^arn:[\w-]+:ec2:[\w-]+:\d{12}:instance/"), "EC2"),
    (re.compile(r"^arn:[\w-]+:rds:[\w-]+:\d{12}:db:"), "RDS"),
    (re.compile(r"^arn:[\w-]+:rds:[\w-]+:\d{12}:cluster:"), "Aurora"),
    (re.compile(r"^arn:[\w-]+:dynamodb:"), "DynamoDB"),
    (re.compile(r"^arn:[\w-]+:s3:::"), "S3"),
    (re.compile(r"^arn:[\w-]+:elasticfilesystem:"), "EFS"),
    (re.compile(r"^arn:[\w-]+:fsx:"), "FSx"),
)


def resource_type(arn: str) -> str | None:
    """The AWS Backup resource type of an ARN (rds ``cluster:`` counts as Aurora, the stricter rule)."""
    return next((t for pattern, t in _ARN_TYPES if pattern.match(arn)), None)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _covers(pattern: str, action: str) -> bool:
    regex = "^" + re.escape(pattern.lower()).replace(r"\*", ".*").replace(r"\?", ".") + "$"
    return re.match(regex, action.lower()) is not None


def _principal_admits(principal: Any, account: str) -> bool:
    if principal == "*":
        return True
    values = _list(principal.get("AWS")) if isinstance(principal, Mapping) else []
    for value in values:
        text = str(value)
        if text in ("*", account) or re.match(rf"^arn:[\w-]+:iam::{account}:", text):
            return True
    return False


def policy_admits(
    policy: Mapping[str, Any] | str | None, account: str, org_id: str | None = None
) -> str | None:
    """None when the key policy lets `account` use the key for a copy, else what is missing.

    Only what the policy itself says counts (grants are not read: stricter than AWS). A statement
    with `Principal: "*"` counts only with a condition naming the account or this organization.
    """
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return "the key policy is not valid JSON"
    statements = _list((policy or {}).get("Statement")) if isinstance(policy, Mapping) else []
    missing = []
    for action in REQUIRED_KEY_ACTIONS:
        allowed = denied = False
        for st in statements:
            if not isinstance(st, Mapping):
                continue
            if not any(_covers(str(a), action) for a in _list(st.get("Action"))):
                continue
            principal = st.get("Principal")
            if not _principal_admits(principal, account):
                continue
            if st.get("Effect") == "Deny":
                denied = denied or not st.get("Condition")  # a conditional Deny: not modelled
                continue
            condition = json.dumps(st.get("Condition") or {})
            anyone = principal == "*" or (
                isinstance(principal, Mapping) and "*" in _list(principal.get("AWS"))
            )
            if anyone and account not in condition and not (org_id and org_id in condition):
                continue
            allowed = allowed or st.get("Effect") == "Allow"
        allowed = allowed and not denied
        if not allowed:
            missing.append(action)
    return f"the key policy does not allow {', '.join(missing)} to account {account}" if missing else None


def key_problem(kms: Any, key_id: str, account: str, org_id: str | None = None) -> str | None:
    """Why a backup encrypted with this key cannot be copied into `account` (None: it can)."""
    try:
        meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    except ClientError as exc:
        return f"the key {key_id} cannot be read ({exc.response.get('Error', {}).get('Code', exc)})"
    if meta.get("KeyManager") == "AWS":
        return (
            f"{meta.get('Arn', key_id)} is an AWS managed key; AWS managed keys cannot be used by another"
            " account, so the backup can never be copied to the bunker"
        )
    try:
        policy = kms.get_key_policy(KeyId=meta["KeyId"], PolicyName="default")["Policy"]
    except ClientError as exc:
        return f"the key policy of {meta.get('Arn', key_id)} cannot be read ({exc})"
    return policy_admits(policy, account, org_id)


@dataclass(frozen=True)
class Selected:
    arn: str
    resource_type: str
    key_id: str | None  # None: not encrypted


def _tag_selections(plans: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    found = []
    for plan in plans.values():
        tags = ((plan or {}).get("selections") or {}).get("tags") if isinstance(plan, Mapping) else None
        for sel in (tags or {}).values() if isinstance(tags, Mapping) else ():
            key, values = _value(sel.get("tag_key")), _value(sel.get("tag_value"))
            if key:
                found.append((str(key), [str(v) for v in _list(values)]))
    return found


def selected_resources(ec2: Any, rds: Any, plans: Mapping[str, Any]) -> list[Selected]:
    """The EBS volumes, EC2 instances, RDS instances and Aurora clusters the plans' tag selections choose."""
    chosen: dict[str, Selected] = {}
    for key, values in _tag_selections(plans):
        filters = [{"Name": f"tag:{key}", "Values": values}]
        for page in ec2.get_paginator("describe_volumes").paginate(Filters=filters):
            for vol in page.get("Volumes", []):
                arn = f"volume/{vol['VolumeId']}"
                chosen[arn] = Selected(arn, "EBS", vol.get("KmsKeyId") if vol.get("Encrypted") else None)
        for page in ec2.get_paginator("describe_instances").paginate(Filters=filters):
            for reservation in page.get("Reservations", []):
                for inst in reservation.get("Instances", []):
                    ids = [m["Ebs"]["VolumeId"] for m in inst.get("BlockDeviceMappings", []) if "Ebs" in m]
                    vols = ec2.describe_volumes(VolumeIds=ids).get("Volumes", []) if ids else []
                    for vol in vols:
                        arn = f"instance/{inst['InstanceId']} ({vol['VolumeId']})"
                        chosen[arn] = Selected(
                            arn, "EC2", vol.get("KmsKeyId") if vol.get("Encrypted") else None
                        )
        for db in rds.describe_db_instances().get("DBInstances", []):
            if _tagged(db.get("TagList"), key, values) and not db.get("DBClusterIdentifier"):
                key_id = db.get("KmsKeyId") if db.get("StorageEncrypted") else None
                chosen[db["DBInstanceArn"]] = Selected(db["DBInstanceArn"], "RDS", key_id)
        for cluster in rds.describe_db_clusters().get("DBClusters", []):
            if _tagged(cluster.get("TagList"), key, values):
                key_id = cluster.get("KmsKeyId") if cluster.get("StorageEncrypted") else None
                chosen[cluster["DBClusterArn"]] = Selected(cluster["DBClusterArn"], "Aurora", key_id)
    return sorted(chosen.values(), key=lambda s: s.arn)


def _tagged(tags: Any, key: str, values: Iterable[str]) -> bool:
    wanted = set(values)
    return any(t.get("Key") == key and (not wanted or t.get("Value") in wanted) for t in tags or [])


def bunker_destinations(destinations: Iterable[str], bunker: str) -> list[tuple[str, str]]:
    """(account, Region) of each copy destination in the bunker account."""
    out = []
    for arn in destinations:
        match = VAULT_ARN.match(arn)
        if match is not None and match["account"] == bunker:
            out.append((match["account"], match["region"]))
    return out


def readiness_gaps(
    selected: Iterable[Selected],
    kms: Any,
    *,
    region: str,
    destinations: Iterable[tuple[str, str]],
    org_id: str | None = None,
) -> list[Gap]:
    """One gap per selected resource whose copy to a bunker destination would fail, with the fix."""
    gaps: list[Gap] = []
    targets = sorted(set(destinations))
    for res in selected:
        rule = RESOURCE_TYPES.get(res.resource_type)
        if rule is None:
            continue
        for _account, dest_region in targets:
            if dest_region != region and not rule.one_step_cross_account_and_region:
                gaps.append(
                    Gap(
                        "copy-not-one-step",
                        f"{res.arn}: {res.resource_type} backups cannot be copied to another account and"
                        f" another Region ({dest_region}) in one copy action ({COPY_DOC}); copy to the"
                        f" bunker in {region} and let the bunker copy to {dest_region}",
                        region,
                        "backup-policy",
                    )
                )
        if not rule.keeps_source_key or res.key_id is None:
            continue
        for account in sorted({a for a, _ in targets}):
            problem = key_problem(kms, res.key_id, account, org_id)
            if problem is None:
                continue
            managed = "AWS managed key" in problem
            fix = (
                "re-encrypt the resource with a customer managed key whose key policy admits the bunker"
                if managed
                else f"let account {account} use the key in its key policy (docs/aws-constraints.md)"
            )
            gaps.append(
                Gap(
                    "copy-key-aws-managed" if managed else "copy-key-not-shared",
                    f"{res.arn}: its {res.resource_type} backups keep the resource's key {res.key_id}"
                    f" ({ENCRYPTION_DOC}); {problem}: {fix}",
                    region,
                    "automation" if not managed else "backup-policy",
                )
            )
    return gaps


def region_gaps(
    sessions: Any, account_id: str, region: str, plans: Mapping[str, Any] | None, cfg: Any
) -> list[Gap]:
    """Copy-readiness gaps of one member account and Region (reconcile and audit call this)."""
    if not plans:
        return []
    destinations = bunker_destinations(
        copy_destinations(plans, account_id, cfg.governed_regions), cfg.bunker_account
    )
    if not destinations:
        return []
    ec2 = sessions.client("ec2", account_id, region, retry_access_denied=False)
    rds = sessions.client("rds", account_id, region, retry_access_denied=False)
    kms = sessions.client("kms", account_id, region, retry_access_denied=False)
    try:
        selected = selected_resources(ec2, rds, plans)
    except ClientError as exc:
        return [Gap("copy-readiness-unverified", f"resources could not be listed ({exc})", region)]
    # the copy in this Region goes to the bunker vault named for this Region or another one
    return readiness_gaps(
        selected, kms, region=region, destinations=destinations, org_id=getattr(cfg, "org_id", None)
    )
