"""A request as IAM sees it: the action, the resource ARN and the context keys of each operation.

``OPERATIONS`` maps ``(service, operation)`` to the resource the call acts on
(https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html,
one page per service: "Actions defined by ..."). An operation not in the table is evaluated on
resource ``*`` and recorded as a leniency (see ``enforcement.unmapped``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .principals import Principal


@dataclass(frozen=True)
class Call:
    service: str  # botocore service name ("backup", "s3", "stepfunctions")
    operation: str  # botocore operation name ("StartCopyJob")
    params: Mapping[str, Any]
    region: str
    principal: Principal

    @property
    def account(self) -> str:
        return self.principal.account

    def arn(
        self, service: str, resource: str, *, region: str | None = None, account: str | None = None
    ) -> str:
        region = self.region if region is None else region
        account = self.account if account is None else account
        return f"arn:aws:{service}:{region}:{account}:{resource}"

    def param(self, name: str) -> str:
        value = self.params.get(name)
        return "" if value is None else str(value)


@dataclass(frozen=True)
class Target:
    action: str
    resource: str
    region: str
    account: str | None  # the resource's account (None: the caller's)
    context: Mapping[str, Any] = field(default_factory=dict)
    mapped: bool = True
    resource_policy_required: bool = False
    policy_arn: str | None = None  # whose resource policy applies (None: the resource's own)
    service_principal: str | None = None  # an AWS service asks (a role's trust for it), not the caller


Resolver = Callable[[Call], "str | Target | list[Target] | None"]

# botocore service name -> IAM service prefix, where they differ
PREFIX = {
    "stepfunctions": "states",
    "sso-admin": "sso",
    "resourcegroupstaggingapi": "tag",
    "elbv2": "elasticloadbalancing",
}

# operations needing no authorization (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html:
# "No permissions are required to perform this operation")
UNAUTHORIZED = {("sts", "GetCallerIdentity")}


def action_of(call: Call) -> str:
    prefix = PREFIX.get(call.service, call.service)
    return f"{prefix}:{ACTION_NAMES.get((call.service, call.operation), call.operation)}"


def targets(call: Call) -> list[Target]:
    if (call.service, call.operation) in UNAUTHORIZED:
        return []
    resolver = OPERATIONS.get((call.service, call.operation))
    action = action_of(call)
    if resolver is None:
        return [Target(action, "*", call.region, None, mapped=False)]
    resolved = resolver(call)
    if resolved is None:
        return [Target(action, "*", call.region, None)]
    if isinstance(resolved, str):
        return [Target(action, resolved, call.region, _account_of(resolved, call))]
    if isinstance(resolved, Target):
        return [resolved]
    return list(resolved)


def _account_of(arn: str, call: Call) -> str | None:
    parts = arn.split(":")
    if len(parts) < 6:
        return None
    if parts[2] == "s3":
        from .resources import bucket_account  # noqa: PLC0415

        return bucket_account(parts[5].split("/", 1)[0]) or call.account
    return parts[4] or call.account


# ---- the table ------------------------------------------------------------------------------------
# operations whose IAM action is not named after them (Service Authorization Reference)
ACTION_NAMES: dict[tuple[str, str], str] = {
    ("lambda", "Invoke"): "InvokeFunction",
    ("s3", "ListObjectsV2"): "ListBucket",
    ("s3", "ListObjects"): "ListBucket",
    ("s3", "HeadBucket"): "ListBucket",
    ("s3", "HeadObject"): "GetObject",
    ("s3", "ListBuckets"): "ListAllMyBuckets",
    ("s3", "ListObjectVersions"): "ListBucketVersions",
    ("s3", "GetBucketEncryption"): "GetEncryptionConfiguration",
    ("s3", "PutBucketEncryption"): "PutEncryptionConfiguration",
    ("s3", "GetObjectLockConfiguration"): "GetBucketObjectLockConfiguration",
    ("s3", "PutObjectLockConfiguration"): "PutBucketObjectLockConfiguration",
    ("s3", "GetPublicAccessBlock"): "GetBucketPublicAccessBlock",
    ("s3", "PutPublicAccessBlock"): "PutBucketPublicAccessBlock",
    ("s3", "GetBucketLifecycleConfiguration"): "GetLifecycleConfiguration",
    ("s3", "PutBucketLifecycleConfiguration"): "PutLifecycleConfiguration",
    ("s3", "DeleteObjects"): "DeleteObject",
    ("s3", "CopyObject"): "PutObject",
    ("s3", "GetObjectRetention"): "GetObjectRetention",
}

# operations whose only resource type is "*" (or that the package only ever grants on "*")
STAR: dict[str, set[str]] = {
    "backup": {
        "DescribeGlobalSettings",
        "UpdateGlobalSettings",
        "DescribeRegionSettings",
        "UpdateRegionSettings",
        "DescribeCopyJob",
        "ListCopyJobs",
        "DescribeBackupJob",
        "ListBackupJobs",
        "ListBackupVaults",
        "ListBackupPlans",
        "ListFrameworks",
        "ListReportPlans",
        "DescribeFramework",
        "DescribeReportPlan",
        "ListProtectedResources",
        "GetBackupPlan",
        "ListBackupSelections",
        "ListRestoreJobs",
    },
    "cloudformation": {
        "DescribeStacks",
        "ListStacks",
        "DescribeStackResources",
        "DescribeStackSet",
        "ListStackInstances",
        "CreateStackSet",
        "CreateStackInstances",
        "UpdateStackSet",
        "DescribeStackInstance",
        "ListStackSets",
        "DescribeStackSetOperation",
        "ListStackResources",
        "CreateStack",
        "UpdateStack",
        "DeleteStack",
        "DescribeStackEvents",
        "GetTemplate",
    },
    "cloudtrail": {"DescribeTrails", "GetTrailStatus", "GetEventSelectors", "ListTrails"},
    # EC2 Describe* take no resource-level permission; RDS Describe* do (db/cluster ARNs), evaluated on
    # "*" here like the rest of this table (https://docs.aws.amazon.com/service-authorization/latest/
    # reference/list_amazonec2.html, .../list_amazonrds.html)
    "ec2": {"DescribeInstances", "DescribeVolumes"},
    "rds": {"DescribeDBInstances", "DescribeDBClusters"},
    "cloudwatch": {"DescribeAlarms", "PutMetricData", "GetMetricData"},
    "logs": {"DescribeMetricFilters", "DescribeLogGroups"},
    "kms": {"CreateKey", "ListKeys", "ListAliases"},
    "organizations": {
        "DescribeOrganization",
        "ListAccounts",
        "ListAccountsForParent",
        "ListOrganizationalUnitsForParent",
        "ListRoots",
        "ListParents",
        "ListPolicies",
        "ListPoliciesForTarget",
        "ListTargetsForPolicy",
        "DescribeEffectivePolicy",
        "DescribeAccount",
        "DescribeOrganizationalUnit",
        "DescribePolicy",
        "ListDelegatedAdministrators",
        "ListAWSServiceAccessForOrganization",
        "ListChildren",
        "EnableAWSServiceAccess",
        "RegisterDelegatedAdministrator",
        "CreatePolicy",
        "UpdatePolicy",
        "AttachPolicy",
        "DetachPolicy",
        "EnablePolicyType",
        "CreateAccount",
        "CreateOrganization",
        "CreateOrganizationalUnit",
        "MoveAccount",
        "ListAccountsWithInvalidEffectivePolicy",
        "ListEffectivePolicyValidationErrors",
        "ListTagsForResource",
    },
    "s3": {"ListBuckets"},
    "sqs": {"ListQueues"},
    "sns": {"ListTopics"},
    "dynamodb": {"ListTables"},
    "lambda": {"ListFunctions"},
    "iam": {"ListRoles"},
    "events": {"ListRules", "ListEventBuses"},
}


def _vault(call: Call, name_param: str = "BackupVaultName") -> str:
    return call.arn("backup", f"backup-vault:{call.param(name_param)}")


def _pass_role(call: Call, role_param: str, service: str) -> list[Target]:
    """``iam:PassRole`` of the role a call hands to an AWS service, and the role's trust for that
    service (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)."""
    role_arn = call.param(role_param)
    if not role_arn:
        return []
    account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else call.account
    context = {"iam:PassedToService": service}
    return [
        Target("iam:PassRole", role_arn, call.region, account, context),
        Target(
            "sts:AssumeRole",
            role_arn,
            call.region,
            account,
            resource_policy_required=True,
            service_principal=service,
        ),
    ]


def _backup_vault_op(call: Call) -> list[Target]:
    return [Target(action_of(call), _vault(call), call.region, call.account)]


def _recovery_point(call: Call) -> list[Target]:
    point = call.param("RecoveryPointArn")
    return [Target(action_of(call), point or "*", call.region, call.account, policy_arn=_vault(call))]


def _start_backup_job(call: Call) -> list[Target]:
    return [
        Target(action_of(call), _vault(call), call.region, call.account),
        *_pass_role(call, "IamRoleArn", "backup.amazonaws.com"),
    ]


def _start_copy_job(call: Call) -> list[Target]:
    # backup:CopyTargets: the destination vault ARNs of StartCopyJob
    # (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackup.html)
    context = {"backup:CopyTargets": [call.param("DestinationBackupVaultArn")]}
    return [
        Target(
            action_of(call),
            call.param("RecoveryPointArn") or "*",
            call.region,
            call.account,
            context,
            policy_arn=_vault(call, "SourceBackupVaultName"),
        ),
        *_pass_role(call, "IamRoleArn", "backup.amazonaws.com"),
    ]


def _create_backup_selection(call: Call) -> list[Target]:
    selection = call.params.get("BackupSelection") or {}
    role = {"IamRoleArn": selection.get("IamRoleArn", "")} if isinstance(selection, Mapping) else {}
    plan = call.arn("backup", f"backup-plan:{call.param('BackupPlanId')}")
    inner = Call(call.service, call.operation, role, call.region, call.principal)
    return [
        Target(action_of(call), plan, call.region, call.account),
        *_pass_role(inner, "IamRoleArn", "backup.amazonaws.com"),
    ]


def key_arn(call: Call, key_id: str) -> str:
    """The key ARN of a KeyId (key ID, key ARN, alias name or alias ARN)."""
    if key_id.startswith("arn:") and ":key/" in key_id:
        return key_id
    from moto.kms.models import kms_backends  # noqa: PLC0415

    region, account = call.region, call.account
    if key_id.startswith("arn:"):
        parts = key_id.split(":")
        region, account, key_id = parts[3], parts[4], parts[5]
    backend = kms_backends[account][region]
    try:
        resolved = backend.any_id_to_key_id(key_id)
    except Exception:  # noqa: BLE001 - unknown key: moto answers NotFound itself
        resolved = key_id
    return f"arn:aws:kms:{region}:{account}:key/{resolved}"


def key_aliases(arn: str) -> list[str]:
    """kms:ResourceAliases: the aliases of the key
    (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-resource-aliases)."""
    from moto.kms.models import kms_backends  # noqa: PLC0415

    parts = arn.split(":")
    key = kms_backends[parts[4]][parts[3]].keys.get(parts[5].split("/", 1)[-1])
    return sorted(getattr(key, "aliases", {}) or {}) if key is not None else []


def _kms_key(call: Call) -> list[Target]:
    arn = key_arn(call, call.param("KeyId"))
    context: dict[str, Any] = {"kms:CallerAccount": call.account, "kms:ResourceAliases": key_aliases(arn)}
    if call.operation == "CreateGrant":
        context.update(
            {
                "kms:GranteePrincipal": call.param("GranteePrincipal"),
                "kms:GrantOperations": list(call.params.get("Operations") or []),
                "kms:GrantIsForAWSResource": False,
            }
        )
        if call.params.get("RetiringPrincipal"):
            context["kms:RetiringPrincipal"] = call.param("RetiringPrincipal")
    return [
        Target(action_of(call), arn, call.region, arn.split(":")[4], context, resource_policy_required=True)
    ]


def _kms_alias(call: Call) -> list[Target]:
    alias = call.arn("kms", call.param("AliasName"))
    targets = [Target(action_of(call), alias, call.region, call.account)]
    if call.params.get("TargetKeyId"):
        arn = key_arn(call, call.param("TargetKeyId"))
        targets.append(
            Target(action_of(call), arn, call.region, arn.split(":")[4], resource_policy_required=True)
        )
    return targets


def _bucket(call: Call) -> str:
    return f"arn:aws:s3:::{call.param('Bucket')}"


def _s3_object(call: Call) -> str:
    return f"arn:aws:s3:::{call.param('Bucket')}/{call.param('Key')}"


def _events_rule(call: Call) -> str:
    bus = call.param("EventBusName")
    name = call.param("Name") or call.param("Rule")
    if bus.startswith("arn:"):
        bus = bus.rsplit("/", 1)[-1]
    return call.arn("events", f"rule/{bus}/{name}" if bus and bus != "default" else f"rule/{name}")


def _events_bus(call: Call) -> str:
    bus = call.param("EventBusName") or call.param("Name") or "default"
    return bus if bus.startswith("arn:") else call.arn("events", f"event-bus/{bus}")


def _put_events(call: Call) -> list[Target]:
    buses = []
    for entry in call.params.get("Entries") or []:
        bus = str((entry or {}).get("EventBusName") or "default")
        arn = bus if bus.startswith("arn:") else call.arn("events", f"event-bus/{bus}")
        if arn not in buses:
            buses.append(arn)
    return [Target("events:PutEvents", arn, call.region, arn.split(":")[4]) for arn in buses]


def _put_targets(call: Call) -> list[Target]:
    found = [Target("events:PutTargets", _events_rule(call), call.region, call.account)]
    for target in call.params.get("Targets") or []:
        role = (target or {}).get("RoleArn")
        if role:
            inner = Call(call.service, call.operation, {"RoleArn": role}, call.region, call.principal)
            found.extend(_pass_role(inner, "RoleArn", "events.amazonaws.com"))
    return found


def _queue(call: Call) -> str:
    url = call.param("QueueUrl")
    if url:
        parts = url.rstrip("/").split("/")
        return call.arn("sqs", parts[-1], account=parts[-2])
    return call.arn("sqs", call.param("QueueName"))


def _topic(call: Call) -> str:
    if call.param("SubscriptionArn"):
        return call.param("SubscriptionArn").rsplit(":", 1)[0]
    return call.param("TopicArn") or call.param("ResourceArn")


def _table(call: Call) -> str:
    return call.arn("dynamodb", f"table/{call.param('TableName')}")


def _parameter(name: str, call: Call) -> str:
    if name.startswith("arn:"):
        return name
    return call.arn("ssm", f"parameter{name}" if name.startswith("/") else f"parameter/{name}")


def _ssm(call: Call) -> list[Target]:
    names = [call.param("Name") or call.param("Path")] if (call.param("Name") or call.param("Path")) else []
    names += [str(n) for n in call.params.get("Names") or []]
    return [Target(action_of(call), _parameter(n, call), call.region, call.account) for n in names]


def _role(call: Call) -> str:
    return f"arn:aws:iam::{call.account}:role/{call.param('RoleName')}"


def _function(call: Call) -> str:
    name = call.param("FunctionName")
    return name if name.startswith("arn:") else call.arn("lambda", f"function:{name}")


def _assume_role(call: Call) -> list[Target]:
    role_arn = call.param("RoleArn")
    account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else call.account
    context: dict[str, Any] = {"sts:RoleSessionName": call.param("RoleSessionName")}
    if call.params.get("ExternalId") is not None:
        context["sts:ExternalId"] = call.param("ExternalId")
    if call.params.get("SerialNumber") and call.params.get("TokenCode"):
        # AssumeRole with an MFA device: the request carries MFA
        # (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html)
        context["aws:MultiFactorAuthPresent"] = True
        context["aws:MultiFactorAuthAge"] = 0
    return [Target("sts:AssumeRole", role_arn, call.region, account, context, resource_policy_required=True)]


def _one(resolve: Callable[[Call], str]) -> Resolver:
    return resolve


OPERATIONS: dict[tuple[str, str], Resolver] = {("sts", "AssumeRole"): _assume_role}
for _op in (
    "DescribeBackupVault",
    "CreateBackupVault",
    "DeleteBackupVault",
    "GetBackupVaultAccessPolicy",
    "PutBackupVaultAccessPolicy",
    "DeleteBackupVaultAccessPolicy",
    "PutBackupVaultLockConfiguration",
    "DeleteBackupVaultLockConfiguration",
    "PutBackupVaultNotifications",
    "GetBackupVaultNotifications",
    "DeleteBackupVaultNotifications",
    "ListRecoveryPointsByBackupVault",
):
    OPERATIONS[("backup", _op)] = _backup_vault_op
for _op in (
    "DeleteRecoveryPoint",
    "UpdateRecoveryPointLifecycle",
    "DescribeRecoveryPoint",
    "StartRestoreJob",
):
    OPERATIONS[("backup", _op)] = _recovery_point
OPERATIONS[("backup", "StartBackupJob")] = _start_backup_job
OPERATIONS[("backup", "StartCopyJob")] = _start_copy_job
OPERATIONS[("backup", "CreateBackupSelection")] = _create_backup_selection
for _op in (
    "DescribeKey",
    "GetKeyPolicy",
    "PutKeyPolicy",
    "GetKeyRotationStatus",
    "EnableKeyRotation",
    "DisableKeyRotation",
    "ListGrants",
    "CreateGrant",
    "RetireGrant",
    "RevokeGrant",
    "ScheduleKeyDeletion",
    "CancelKeyDeletion",
    "DisableKey",
    "EnableKey",
    "Encrypt",
    "Decrypt",
    "GenerateDataKey",
    "ReEncryptFrom",
    "ReEncryptTo",
    "TagResource",
    "UntagResource",
    "ReplicateKey",
    "ListResourceTags",
):
    OPERATIONS[("kms", _op)] = _kms_key
OPERATIONS[("kms", "CreateAlias")] = _kms_alias
OPERATIONS[("kms", "UpdateAlias")] = _kms_alias
OPERATIONS[("kms", "DeleteAlias")] = _kms_alias
for _op in (
    "CreateBucket",
    "DeleteBucket",
    "HeadBucket",
    "ListObjectsV2",
    "ListObjects",
    "ListObjectVersions",
    "GetBucketPolicy",
    "PutBucketPolicy",
    "DeleteBucketPolicy",
    "GetBucketVersioning",
    "PutBucketVersioning",
    "GetObjectLockConfiguration",
    "PutObjectLockConfiguration",
    "GetBucketEncryption",
    "PutBucketEncryption",
    "GetPublicAccessBlock",
    "PutPublicAccessBlock",
    "GetBucketLifecycleConfiguration",
    "PutBucketLifecycleConfiguration",
    "GetBucketLocation",
    "GetBucketTagging",
    "PutBucketTagging",
):
    OPERATIONS[("s3", _op)] = _one(_bucket)
for _op in ("GetObject", "PutObject", "HeadObject", "DeleteObject", "CopyObject", "GetObjectRetention"):
    OPERATIONS[("s3", _op)] = _one(_s3_object)
for _op in (
    "PutRule",
    "DeleteRule",
    "DescribeRule",
    "EnableRule",
    "DisableRule",
    "ListTargetsByRule",
    "RemoveTargets",
):
    OPERATIONS[("events", _op)] = _one(_events_rule)
OPERATIONS[("events", "PutTargets")] = _put_targets
OPERATIONS[("events", "PutEvents")] = _put_events
for _op in ("DescribeEventBus", "PutPermission", "RemovePermission", "CreateEventBus", "DeleteEventBus"):
    OPERATIONS[("events", _op)] = _one(_events_bus)
for _op in (
    "CreateQueue",
    "DeleteQueue",
    "GetQueueAttributes",
    "SetQueueAttributes",
    "ReceiveMessage",
    "SendMessage",
    "DeleteMessage",
    "GetQueueUrl",
    "PurgeQueue",
):
    OPERATIONS[("sqs", _op)] = _one(_queue)
for _op in (
    "Publish",
    "Subscribe",
    "Unsubscribe",
    "GetTopicAttributes",
    "SetTopicAttributes",
    "ListSubscriptionsByTopic",
    "DeleteTopic",
):
    OPERATIONS[("sns", _op)] = _one(_topic)
for _op in (
    "CreateTable",
    "DeleteTable",
    "DescribeTable",
    "PutItem",
    "GetItem",
    "UpdateItem",
    "DeleteItem",
    "Scan",
    "Query",
    "BatchWriteItem",
):
    OPERATIONS[("dynamodb", _op)] = _one(_table)
for _op in ("GetParameter", "GetParameters", "GetParametersByPath", "PutParameter", "DeleteParameter"):
    OPERATIONS[("ssm", _op)] = _ssm
for _op in (
    "GetRole",
    "UpdateRole",
    "DeleteRole",
    "PutRolePolicy",
    "GetRolePolicy",
    "DeleteRolePolicy",
    "ListRolePolicies",
    "ListAttachedRolePolicies",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "UpdateAssumeRolePolicy",
    "CreateRole",
    "TagRole",
):
    OPERATIONS[("iam", _op)] = _one(_role)
for _op in ("GetFunctionConfiguration", "GetFunction", "Invoke", "UpdateFunctionConfiguration"):
    OPERATIONS[("lambda", _op)] = _one(_function)
for _service, _ops in STAR.items():
    for _op in _ops:
        OPERATIONS[(_service, _op)] = lambda _call: None


# ---- Organizations: roots, OUs, accounts and policies have ARNs
# (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html)
def _org_arn(call: Call, node_id: str) -> str:
    from .policies import organization  # noqa: PLC0415

    org = organization(call.account)
    if org is None or not node_id:
        return "*"
    for collection in (org.accounts, org.ou, org.policies):
        for node in collection:
            if node.id == node_id:
                return str(node.arn)
    return "*"


def _org_targets(*params: str) -> Resolver:
    def resolve(call: Call) -> list[Target]:
        found = []
        for param in params:
            if call.params.get(param):
                arn = _org_arn(call, call.param(param))
                found.append(Target(action_of(call), arn, call.region, None, _org_context(call)))
        return found or [Target(action_of(call), "*", call.region, None, _org_context(call))]

    return resolve


def _org_context(call: Call) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if call.params.get("PolicyType") or call.params.get("Type"):
        context["organizations:PolicyType"] = call.param("PolicyType") or call.param("Type")
    if call.params.get("ServicePrincipal"):
        context["organizations:ServicePrincipal"] = call.param("ServicePrincipal")
    return context


for _op, _params in {
    "EnablePolicyType": ("RootId",),
    "DisablePolicyType": ("RootId",),
    "AttachPolicy": ("PolicyId", "TargetId"),
    "DetachPolicy": ("PolicyId", "TargetId"),
    "UpdatePolicy": ("PolicyId",),
    "DescribePolicy": ("PolicyId",),
    "DeletePolicy": ("PolicyId",),
    "ListTargetsForPolicy": ("PolicyId",),
    "ListPoliciesForTarget": ("TargetId",),
    "DescribeEffectivePolicy": ("TargetId",),
    "DescribeAccount": ("AccountId",),
    "ListParents": ("ChildId",),
    "MoveAccount": ("AccountId",),
    "RegisterDelegatedAdministrator": ("AccountId",),
    "DeregisterDelegatedAdministrator": ("AccountId",),
    "ListAccountsForParent": ("ParentId",),
    "ListOrganizationalUnitsForParent": ("ParentId",),
    "ListChildren": ("ParentId",),
    "DescribeOrganizationalUnit": ("OrganizationalUnitId",),
    "CreateOrganizationalUnit": ("ParentId",),
    "RemoveAccountFromOrganization": ("AccountId",),
    "CloseAccount": ("AccountId",),
    "CreatePolicy": (),
    "EnableAWSServiceAccess": (),
}.items():
    OPERATIONS[("organizations", _op)] = _org_targets(*_params)


def _stack_set(call: Call) -> str:
    from moto.cloudformation.models import cloudformation_backends  # noqa: PLC0415

    name = call.param("StackSetName")
    backend = cloudformation_backends[call.account][call.region]
    found = next((s for s in backend.stacksets.values() if name in (s.name, s.id, s.arn)), None)
    return str(found.arn) if found is not None else call.arn("cloudformation", f"stackset/{name}:*")


for _op in (
    "ListStackInstances",
    "DescribeStackSet",
    "CreateStackInstances",
    "UpdateStackSet",
    "DescribeStackInstance",
    "DeleteStackInstances",
    "DeleteStackSet",
    "DescribeStackSetOperation",
    "UpdateStackInstances",
):
    OPERATIONS[("cloudformation", _op)] = _stack_set
