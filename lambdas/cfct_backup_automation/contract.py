"""The names every part of cfct-backup agrees on: the one place they are spelled.

Resource and role names, the SSM parameter schema, gap codes and account states with the module
that defines them, and how a copy action names its destination vault. The Lambdas, the CLI, the
emulator and the simulation import this module; tests/test_contract.py fails when a name is spelled
anywhere else in Python, when a template names a role, vault, alias or parameter the contract does
not know, or when docs/conventions.md disagrees with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

NAME_PREFIX = "cfct-backup"
# the CLI's program name, the powertools service name and the EventBridge source (docs/conventions.md)
CLI_NAME = NAME_PREFIX
SERVICE_NAME = NAME_PREFIX
EVENT_SOURCE = NAME_PREFIX
METRICS_NAMESPACE = "CfctBackup"
# prefix of the Organizations backup policy names (`cfct-backup-<stem>`, `cfct-backup-optional-<stem>`)
BACKUP_POLICY_PREFIX = f"{NAME_PREFIX}-"
OPTIONAL_BACKUP_POLICY_PREFIX = f"{NAME_PREFIX}-optional-"

# --- tags -----------------------------------------------------------------------------------------
MANAGED_TAG = f"{NAME_PREFIX}:managed"
TIER_TAG = f"{NAME_PREFIX}:tier"

# --- IAM roles ------------------------------------------------------------------------------------
AUTOMATION_ROLE = "cfct-backup-automation"  # members and role accounts, assumed by the Lambdas
AUDIT_ROLE = "cfct-backup-audit"  # read-only, assumed by `cfct-backup audit`
RESTORE_ROLE = "cfct-backup-restore"  # bunker and recovery account, AWS Backup restores and copies
BREAK_GLASS_ROLE = "cfct-backup-break-glass"  # bunker and recovery account
BREAK_GLASS_PERMISSION_SET = "cfct-backup-break-glass"  # Identity Center, assigned on the bunker
# Identity Center names the role it creates AWSReservedSSO_<permission set>_<unique suffix>
# (https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html)
BREAK_GLASS_SSO_ROLE_PREFIX = f"AWSReservedSSO_{BREAK_GLASS_PERMISSION_SET}_"
SERVICE_ROLE = "cfct-backup-service-role"  # members, used by the backup plans
SELF_SERVICE_LAUNCH_ROLE = "cfct-backup-self-service-launch"
EVENT_FORWARDER_ROLE = "cfct-backup-event-forwarder"
RESTORE_TESTING_ROLE = "cfct-backup-restore-testing"
RESTORE_VALIDATOR_ROLE = "cfct-backup-restore-validator"  # members, assumed by the validation Lambda
REPORT_REPLICATION_ROLE = "cfct-backup-report-replication"
MALWARE_SCANNER_ROLE = "cfct-backup-malware-scanner"
CONTROL_TOWER_EXECUTION_ROLE = "AWSControlTowerExecution"

# --- Lambda functions (each function's role carries the function's name) --------------------------
ENROLMENT_FUNCTION = "cfct-backup-enrolment"
RECONCILE_FUNCTION = "cfct-backup-reconcile"
CUSTOM_RESOURCE_FUNCTION = "cfct-backup-custom-resource"
RESTORE_VALIDATION_FUNCTION = "cfct-backup-restore-validation"
# the in-process Lambda context of tests and `cfct-backup simulate`
LOCAL_FUNCTION = "cfct-backup-local"

# --- vaults, keys, grants, policy statements ------------------------------------------------------
MEMBER_VAULT = "cfct-backup-vault"
MEMBER_KEY_ALIAS = f"alias/{MEMBER_VAULT}"
BUNKER_VAULT = "cfct-backup-bunker"
BUNKER_KEY_ALIAS = f"alias/{BUNKER_VAULT}"
RECOVERY_VAULT = "cfct-backup-recovery"
RECOVERY_KEY_ALIAS = f"alias/{RECOVERY_VAULT}"
AIR_GAPPED_VAULT = "cfct-backup-air-gapped"
AIR_GAPPED_SHARE = "cfct-backup-air-gapped-recovery"
ALERTS_KEY_ALIAS = "alias/cfct-backup-alerts"
AUTOMATION_KEY_ALIAS = "alias/cfct-backup-automation"
GRANT_NAME = "cfct-backup-bunker-copy"  # member key grant to the bunker account
BUNKER_COPY_SID = "CfctBackupCopyIntoFromEnrolledAccounts"  # bunker vault policy, `accounts` mode

# --- stack sets and stacks ------------------------------------------------------------------------
MEMBER_BASELINE = "cfct-backup-member-baseline"  # CfCT resource name of the member baseline
MEMBER_BASELINE_STACK_SET = f"CustomControlTower-{MEMBER_BASELINE}"
PREREQUISITE_STACK = "cfct-backup-management-execution-role"
CFCT_PIPELINE = "Custom-Control-Tower-CodePipeline"

# --- tables, queues, events, alarms, logs ---------------------------------------------------------
INVENTORY_TABLE = "cfct-backup-inventory"
IDEMPOTENCY_TABLE = "cfct-backup-idempotency"
AUTOMATION_DLQ = "cfct-backup-automation-dlq"
CENTRAL_BUS = "cfct-backup-events"
ALERT_TOPIC = "cfct-backup-alerts"
MEMBER_EVENT_RULE = "cfct-backup-forward-events"
RESTORE_TESTS_RULE = "cfct-backup-restore-tests-completed"
PROTECTION_GAPS_ALARM = "cfct-backup-protection-gaps"
ENROLMENT_ERRORS_ALARM = "cfct-backup-enrolment-errors"
DLQ_DEPTH_ALARM = "cfct-backup-automation-dlq-depth"
RECONCILE_SWEEP_STATE_MACHINE = "cfct-backup-reconcile-sweep"
BASELINE_INSTANCES_RULE = "cfct-backup-baseline-instances"  # StackInstance Status Change
MEMBER_KEY_EVENT_RULE = "cfct-backup-forward-key-events"
MEMBER_NOTIFICATION_TOPIC = "cfct-backup-notifications"
MEMBER_ALARMS = (
    "cfct-backup-backup-jobs-failed-${AWS::Region}",
    "cfct-backup-copy-jobs-failed-${AWS::Region}",
)
CENTRAL_BUS_RULES = (
    "cfct-backup-job-failures",
    "cfct-backup-deletions-and-policy-changes",
    "cfct-backup-recovery-point-deleted",
    "cfct-backup-alarms",
    PROTECTION_GAPS_ALARM,
)
MANAGEMENT_FORWARDING_RULES = (
    "cfct-backup-forward-management-alarms",
    "cfct-backup-forward-management-events",
)
LOG_ARCHIVE_SCP = "cfct-backup-protect-log-archive"
ORG_TRAIL = "cfct-backup-org-trail"
TRAIL_LOG_GROUP = "/cfct-backup/org-trail"
REPORT_PREFIX_RECONCILE = "reconcile/"

# --- Backup Audit Manager, Config -----------------------------------------------------------------
FRAMEWORK = "cfct_backup_controls"
REPORT_PLANS = ("cfct_backup_backup_jobs", "cfct_backup_copy_jobs", "cfct_backup_restore_jobs")
CONFORMANCE_PACK = "cfct-backup-controls"

# --- the Lambda artifact --------------------------------------------------------------------------
LAMBDA_ZIP_NAME = "cfct-backup-automation.zip"
PACKAGE_RECORD_NAME = "cfct-backup-package.json"
SIMULATION_LAMBDA_KEY = f"lambda/{LAMBDA_ZIP_NAME}"  # simulate and plan: the key publish would write
PLAN_ARTIFACT_BUCKET = "cfct-backup-artifacts"  # plan: placeholder before any bucket exists
PUBLISH_COMMITTER_EMAIL = "cfct-backup-publish@users.noreply.invalid"  # publish to a git repository
DEFAULT_LAMBDA_KEY = f"{NAME_PREFIX}/lambda/{LAMBDA_ZIP_NAME}"


# --- bucket names (account and Region of the bucket's own stack) ----------------------------------
def report_bucket(account: str, region: str) -> str:
    """BAM / reconcile report bucket, bunker account, home Region."""
    return f"cfct-backup-reports-{account}-{region}"


def audit_report_bucket(account: str, region: str) -> str:
    """BAM writes here (audit account), replicated to the bunker's report bucket."""
    return f"cfct-backup-audit-reports-{account}-{region}"


def log_bucket(account: str, region: str) -> str:
    """CloudTrail + Config logs (Object Lock), log archive account, home Region."""
    return f"cfct-backup-logs-{account}-{region}"


def access_log_bucket(account: str, region: str) -> str:
    return f"cfct-backup-access-logs-{account}-{region}"


def artifact_bucket(account: str, region: str) -> str:
    """Lambda artifact bucket of the pre-pipeline stack, management account."""
    return f"cfct-backup-artifacts-{account}-{region}"


def conformance_bucket(account: str, region: str) -> str:
    """Config requires the `awsconfigconforms` prefix for conformance pack delivery buckets."""
    return f"awsconfigconforms-cfct-backup-{account}-{region}"


# --- names the simulation and the emulator give what they create ----------------------------------
SIMULATE_SESSION = "cfct-backup-simulate"
SIMULATED_FUNCTION = "cfct-backup-simulated"
EMULATOR_REQUEST_ID = "cfct-backup-emulator"
PROBE_MEMBER_ADMIN_ROLE = "cfct-backup-probe-member-admin"
PROBE_PREFIX = "cfct-backup-simulate-probe-"
ALERT_DRILL_PREFIX = "cfct-backup-drill-"
SCHEDULED_DRILL_TABLE = "cfct-backup-scheduled-drill"
RECOVERY_DRILL_TABLE = "cfct-backup-recovery-drill"
RESTORE_TEST_DRILL_TABLE = "cfct-backup-restore-test-drill"
RESTORED_DRILL_TABLE = "cfct-backup-restored-drill"
ORG_SETTINGS_RESOURCE_PREFIX = "cfct-backup-org-settings-"  # custom resource physical IDs
REGION_SETTINGS_RESOURCE_PREFIX = "cfct-backup-region-settings-"


# --- the SSM parameter schema (management account, home Region) -----------------------------------
SSM_PREFIX = "/cfct-backup"
Writer = Literal["configure", "publish", "cfct-outputs"]


@dataclass(frozen=True)
class Parameter:
    """One `/cfct-backup/...` SSM parameter: `rel` is its name below the prefix."""

    rel: str
    type: Literal["String", "StringList"]
    writer: Writer  # configure (and simulate), publish, or CfCT's export_outputs
    readers: tuple[str, ...]  # nothing: written for people and tools outside this package
    required: bool  # the Lambdas refuse to start without it

    @property
    def name(self) -> str:
        return f"{SSM_PREFIX}/{self.rel}"

    def under(self, prefix: str) -> str:
        """The full name below another prefix (`CONFIG_PARAMETER_PREFIX`)."""
        return f"{prefix.rstrip('/')}/{self.rel}"


# readers: "lambdas" = the Lambdas' Config (and `cfct-backup audit`), "parameters" = the CfCT
# parameter files ($[alfred_ssm_...]), "publish" = its default artifact bucket
_ALL = ("lambdas", "parameters")
_CFCT = ("parameters",)
SSM_ORG_ID = Parameter("org/id", "String", "configure", _ALL, True)
SSM_ROOT_ID = Parameter("org/root-id", "String", "configure", (), False)
SSM_MANAGEMENT_ACCOUNT = Parameter("accounts/management", "String", "configure", _ALL, True)
SSM_LOG_ARCHIVE_ACCOUNT = Parameter("accounts/log-archive", "String", "configure", _ALL, True)
SSM_AUDIT_ACCOUNT = Parameter("accounts/audit", "String", "configure", _ALL, True)
SSM_BUNKER_ACCOUNT = Parameter("accounts/bunker", "String", "configure", _ALL, True)
SSM_KEY_VAULT_ACCOUNT = Parameter("accounts/key-vault", "String", "configure", _CFCT, False)
SSM_RECOVERY_ACCOUNT = Parameter("accounts/recovery", "String", "configure", _CFCT, False)
SSM_HOME_REGION = Parameter("regions/home", "String", "configure", _ALL, True)
SSM_DR_REGION = Parameter("regions/dr", "String", "configure", _ALL, True)
SSM_GOVERNED_REGIONS = Parameter("regions/governed", "StringList", "configure", ("lambdas",), True)
SSM_PROTECTED_OU_PATHS = Parameter("protected-ous/paths", "StringList", "configure", (), False)
SSM_PROTECTED_OU_IDS = Parameter("protected-ous/ids", "StringList", "configure", _ALL, True)
SSM_PROTECTED_OU_ORG_PATHS = Parameter("protected-ous/org-paths", "StringList", "configure", _CFCT, False)
SSM_ALERT_EMAIL = Parameter("alert-email", "String", "configure", _CFCT, False)
SSM_AUDIT_PRINCIPALS = Parameter("audit/principal-arns", "StringList", "configure", _CFCT, False)
SSM_AIR_GAPPED_VAULT = Parameter("bunker/air-gapped-vault", "String", "configure", _CFCT, False)
SSM_IDENTITY_CENTER_INSTANCE = Parameter("identity-center/instance-arn", "String", "configure", _CFCT, False)
SSM_BREAK_GLASS_GROUP = Parameter("identity-center/break-glass-group-id", "String", "configure", _CFCT, False)
SSM_ARTIFACT_BUCKET = Parameter("artifacts/bucket", "String", "publish", ("parameters", "publish"), False)
SSM_LAMBDA_KEY = Parameter("artifacts/lambda-key", "String", "publish", _CFCT, False)
SSM_LAMBDA_VERSION = Parameter("artifacts/lambda-version", "String", "publish", _CFCT, False)
SSM_CUSTOM_RESOURCE_ARN = Parameter(
    "outputs/custom-resource-function-arn", "String", "cfct-outputs", _CFCT, False
)
SSM_BUNKER_KEY_ID = Parameter("outputs/bunker-key-id", "String", "cfct-outputs", _CFCT, False)
SSM_BUNKER_KEY_ARN = Parameter("outputs/bunker-key-arn", "String", "cfct-outputs", _CFCT, False)

PARAMETERS: tuple[Parameter, ...] = tuple(v for v in dict(globals()).values() if isinstance(v, Parameter))
# the folders `configure` never touches (publish and CfCT write them)
NOT_CONFIGURED_FOLDERS = (f"{SSM_PREFIX}/artifacts/", f"{SSM_PREFIX}/outputs/")


# --- gap codes: who reports each, who fixes it -----------------------------------------------------
Owner = Literal["automation", "cfct-pipeline", "backup-policy"]


@dataclass(frozen=True)
class GapCode:
    code: str
    reporter: str  # the module of cfct_backup_automation that defines (spells) it
    owner: Owner  # who fixes it (protection.Gap.owner); "automation" repairs it itself


GAP_CODES: Mapping[str, GapCode] = {
    g.code: g
    for g in (
        GapCode("region-opt-in", "protection", "automation"),
        GapCode("key-missing", "protection", "cfct-pipeline"),
        GapCode("key-not-usable", "protection", "cfct-pipeline"),
        GapCode("grant-missing", "protection", "automation"),
        GapCode("vault-missing", "protection", "cfct-pipeline"),
        GapCode("vault-not-cmk", "protection", "cfct-pipeline"),
        GapCode("vault-lock-missing", "protection", "cfct-pipeline"),
        GapCode("vault-access-policy-missing", "protection", "cfct-pipeline"),
        GapCode("backup-policy-missing", "protection", "backup-policy"),
        GapCode("backup-plan-missing", "protection", "backup-policy"),
        GapCode("copy-destination-invalid", "protection", "backup-policy"),
        GapCode("copy-destination-unverified", "protection", "cfct-pipeline"),
        GapCode("copy-destination-missing", "protection", "cfct-pipeline"),
        GapCode("copy-destination-not-locked", "protection", "cfct-pipeline"),
        GapCode("copy-not-one-step", "copy_readiness", "backup-policy"),
        GapCode("copy-key-not-shared", "copy_readiness", "automation"),
        GapCode("copy-key-aws-managed", "copy_readiness", "backup-policy"),
        GapCode("copy-readiness-unverified", "copy_readiness", "automation"),
        GapCode("restore-test-missing", "recovery_ledger", "automation"),
        GapCode("restore-target-missed", "recovery_ledger", "automation"),
        GapCode("restore-ledger-unverified", "recovery_ledger", "automation"),
        GapCode("backup-policy-invalid", "policy_validation", "backup-policy"),
        GapCode("baseline-failed", "baseline", "cfct-pipeline"),
        GapCode("baseline-timeout", "baseline", "cfct-pipeline"),
        GapCode("nested-ou", "baseline", "cfct-pipeline"),
        GapCode("stack-instance-missing", "reconcile", "cfct-pipeline"),
        GapCode("role-missing", "reconcile", "cfct-pipeline"),
        GapCode("check-failed", "reconcile", "automation"),
        GapCode("bunker-allow-list", "reconcile", "automation"),
        GapCode("inventory-drift", "reconcile", "automation"),
        GapCode("left-scope", "reconcile", "automation"),
    )
}

# --- account states -------------------------------------------------------------------------------
# inventory item `state`, written by enrolment and reconcile (inventory.py)
INVENTORY_STATES = ("ENROLLING", "PENDING", "PROTECTED", "GAP", "OFFBOARDED")
# an account's state in the simulate report (simulation/report.py): PROTECTED and GAP as above,
# ROLE for the role accounts, NOT_IN_SCOPE for members outside the protected OUs
REPORT_STATES = ("PROTECTED", "GAP", "NOT_IN_SCOPE", "ROLE")


# --- copy destinations ----------------------------------------------------------------------------
def _leaf(node: Any) -> Any:
    """An effective policy leaf: `{"@@assign": v}` or v."""
    if isinstance(node, Mapping) and "@@assign" in node:
        return node["@@assign"]
    return node


def copy_target(key: str, action: Any) -> str:
    """The destination vault ARN a backup policy copy action names, before `$account` / `$region`.

    `target_backup_vault_arn` when set; otherwise AWS uses the action's key in lower case
    (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_backup_syntax.html).
    """
    target = _leaf(action.get("target_backup_vault_arn")) if isinstance(action, Mapping) else None
    return str(target or str(key).lower())
