"""What the emulator still lets through that AWS (or CfCT) would refuse, printed by every simulate
report (text and JSON). A green simulation proves nothing about these: each entry says what AWS
does and what the emulator does instead. Remove an entry only together with the code that closes it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Leniency:
    id: str
    aws: str  # what AWS does
    emulator: str  # what the emulator does instead

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


LENIENCIES: tuple[Leniency, ...] = (
    Leniency(
        "cfn-resource-actions",
        "CloudFormation creates each resource with the caller's (or the stack's service role's) "
        "permissions; a missing iam:CreateRole or kms:CreateKey fails the stack",
        "the CloudFormation API calls are authorized (CreateStackSet, CreateStackInstances, ...), "
        "the resources moto's CloudFormation creates inside the stack are not",
    ),
    Leniency(
        "service-side-calls",
        "AWS services act with roles and resource policies: AWS Backup runs jobs as the IamRoleArn "
        "role, EventBridge delivers cross-account through the target bus's policy, SNS publishes "
        "to subscribers through the topic policy",
        "only boto3 calls are authorized (including iam:PassRole and the role's trust for the "
        "service); what moto's backends do on a service's behalf (rule targets, job execution) is "
        "not, except the copy-job vault policies and the organization's cross-account setting",
    ),
    Leniency(
        "unmapped-operations",
        "every operation is authorized on its own resource ARN",
        "an operation absent from emulator.iam.models.OPERATIONS is evaluated on resource '*' and, "
        "when that denies, allowed and listed under 'unmapped operations' in the report",
    ),
    Leniency(
        "star-resource-operations",
        "Organizations, CloudFormation stack and some AWS Backup read operations name a resource ARN",
        "the operations in emulator.iam.models.STAR are evaluated on resource '*' (stricter for a "
        "policy scoped to ARNs, never more lenient)",
    ),
    Leniency(
        "cross-account-by-arn",
        "a call naming another account's resource by ARN (key, vault, bus) reaches that account",
        "moto answers in the caller's account; the emulator authorizes against the named "
        "account's resource policy and RCPs, but the state read or changed is the caller's",
    ),
    Leniency(
        "condition-keys",
        "AWS sets request-specific condition keys (aws:SourceIp, aws:SourceVpc, aws:CalledVia, "
        "aws:TokenIssueTime, tags, kms:ViaService, kms:EncryptionContext, s3:x-amz-*)",
        "only the keys listed in emulator.iam.enforcement.principal_context and per operation in "
        "emulator.iam.models are set; a condition on any other key sees it absent",
    ),
    Leniency(
        "observer-reads",
        "every read is authorized",
        "the report's own read-back of the deployed state (simulation.report/central) runs with "
        "authorization off: it is the test oracle, not a principal of the package",
    ),
    Leniency(
        "copy-role-identity",
        "a copy job's IAM role needs backup:CopyFromBackupVault / CopyIntoBackupVault in its own "
        "policies (AWSBackupServiceRolePolicyForBackup grants them)",
        "copy jobs check both vaults' access policies and the source account's SCPs with the "
        "policy evaluator, taking the role's identity policies as allowing (AWS managed policies "
        "are not loaded in moto)",
    ),
    Leniency(
        "aws-managed-policies",
        "an AWS managed policy attached to a role grants its permissions",
        "AWS managed policies are not loaded (moto's iam.load_aws_managed_policies is off): a role "
        "that relies on one is denied what it grants (stricter)",
    ),
    Leniency(
        "iam-eventual-consistency",
        "IAM changes (a new role, a policy) take seconds to propagate",
        "they apply at once",
    ),
    Leniency(
        "identity-center",
        "IAM Identity Center provisions the permission set's role (aws-reserved/sso.amazonaws.com/"
        "AWSReservedSSO_<set>_<hash>) trusting the SAML provider, and a person signs in with MFA",
        "the recovery drill arranges that role with the permission set's inline policy and a trust in "
        "the bunker account standing in for the federation; every hop after it is authorized",
    ),
    Leniency(
        "s3-access-logging",
        "S3 delivers server access logs to the target bucket",
        "the LoggingConfiguration is stored and validated (same account and Region, AWS004) but no "
        "log object is written",
    ),
    Leniency(
        "s3-replication",
        "S3 replicates new objects to the destination bucket with the replication role",
        "the replication configuration is read back and checked; no object is copied",
    ),
    Leniency(
        "copy-source-keys",
        "a copy of a backup that keeps its resource's key needs that key's policy or a grant to admit "
        "the destination account, for every resource type whose backups keep the source key",
        "the key check reads the key policy only (not grants) and covers EBS, EC2, RDS and Aurora "
        "(emulator.backup.keys); other such types copy without the check",
    ),
    Leniency(
        "stepfunctions-express-children",
        "a Distributed Map runs its child workflows with the ExecutionType it declares (the reconcile "
        "sweep's are EXPRESS: 5-minute limit, at-least-once)",
        "moto's interpreter runs children as STANDARD only: the sweep test changes EXPRESS to STANDARD "
        "(the one change to the deployed definition); the tolerated failure threshold is "
        "emulator.stepfunctions'",
    ),
)


def as_dicts() -> list[dict[str, Any]]:
    return [entry.as_dict() for entry in LENIENCIES]
