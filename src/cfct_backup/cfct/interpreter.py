"""Deploy a CfCT manifest the way CfCT v2.8.4's pipeline does, against any boto3 endpoint (moto here).

Read from CfCT's source (aws-solutions/aws-control-tower-customizations, tag v2.8.4:
`manifest/manifest_parser.py`, `manifest/cfn_params_handler.py`, `manifest/sm_execution_manager.py`,
`state_machine_handler.py`, `customizations-for-aws-control-tower.template`):

- stages run in pipeline order: every `deploy_method: scp` resource (manifest order), then every
  `rcp` one, then every `stack_set` one; a failed stage stops the pipeline, and the stack-set stage
  (SEQUENTIAL mode) stops at the first failed stack set: what follows is reported as not run;
- policies: named after the resource, content the file *text* as CfCT sends it (read in text mode,
  `\n` -> `\r\n`, every `"  "` removed: `policy_text_as_sent`), attached to each listed OU (an OU
  that is not found is skipped with a warning, as CfCT's get_final_ou_list does);
- stack set targets (`target_accounts`): an OU without `:` is matched by exact name among the OUs
  directly under the root, a nested `A:B` path is walked level by level (a path that is not found
  raises in CfCT: the stage fails); only accounts *directly* in the OU are targeted, never those of
  its child OUs; `Root` means the accounts of the `AWSControlTowerBP-BASELINE-CONFIG` stack set and
  makes CfCT ignore the other OUs listed; names in `accounts` match account names
  case-insensitively, and `accounts` (IDs or names) are kept only when enrolled in Control Tower
  (an instance of BASELINE-CONFIG) or the management account: the rest is dropped, silently in
  CfCT, as a named warning here. CfCT reads BASELINE-CONFIG for every stack-set run: without it
  (landing zone 4.0) the stage fails before the first stack set;
- stack sets `CustomControlTower-<name>`, SELF_MANAGED, administration role
  `service-role/AWSControlTowerStackSetRole`, execution role `AWSControlTowerExecution` in every
  target account *including the management account*, where Control Tower does not create it: an
  instance whose account lacks it (or whose role does not trust the caller) fails, naming the role;
- a stack set fails (and stops the stage) when, in a Region, more instances failed than
  FailureTolerancePercentage (default 10, rounded down) allows, or any failed when
  EnforceSuccessfulStackInstances is true (`Interpreter(..., enforce_successful_stack_instances=)`);
- parameters from `parameters`, or from `parameter_file` (when both are given CfCT uses neither);
  each value is split on commas, each item stripped; an item that *is* `$[alfred_ssm_<name>]` is
  read from SSM (management account, manifest Region; a missing one fails), `alfred_genpass_N`,
  `alfred_genaz_N` are generated, any other `$[keyword]` (alfred_genuuid too) becomes the literal
  keyword, and a helper inside longer text is not substituted; a non-string ParameterValue in a
  parameter file crashes the stage;
- `export_outputs`: `$[output_<Key>]` from the stack instance's outputs, stored as SSM String
  parameters in the management account, manifest Region;
- the pipeline re-runs on a configuration change and on Control Tower CreateManagedAccount /
  UpdateManagedAccount SUCCEEDED, never on an Organizations MoveAccount (`triggers_pipeline`).

Emulator caveats handled here: moto's `update_stack_set` does not redeploy instances, so a second
run only adds missing instances (and reports instances whose template changed); resource types moto
drops are reported as warnings naming the type; a failing instance is a named gap, not a crash.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import boto3
from cfct_backup_automation import contract
from cfct_backup_automation.accounts import is_active

from cfct_backup.cfct.cfn import load_template, resource_types
from cfct_backup.cfct.manifest import Manifest, ManifestResource

EXECUTION_ROLE = contract.CONTROL_TOWER_EXECUTION_ROLE
# CfCT's stack sets' administration role, as its template names it (ADMINISTRATION_ROLE_ARN:
# arn:${AWS::Partition}:iam::${AWS::AccountId}:role/service-role/AWSControlTowerStackSetRole)
ADMINISTRATION_ROLE = "AWSControlTowerStackSetRole"
ADMINISTRATION_ROLE_PATH = "/service-role/"
# CfCT's CONTROL_TOWER_BASELINE_CONFIG_STACKSET default: the accounts Control Tower has enrolled
BASELINE_CONFIG_STACK_SET = "AWSControlTowerBP-BASELINE-CONFIG"
# CfCT template parameters FailureTolerancePercentage (default 10) and
# EnforceSuccessfulStackInstances (default false)
DEFAULT_FAILURE_TOLERANCE_PERCENTAGE = 10
STACK_SET_PREFIX = "CustomControlTower-"
ALFRED = re.compile(r"\$\[(alfred_[^\]]+)\]")
OUTPUT_REF = re.compile(r"\$\[output_([A-Za-z0-9]+)\]")
ACCOUNT_ID = re.compile(r"^\d{12}$")

Level = Literal["error", "warning"]

# What this model of CfCT does not reproduce (printed by every simulation): each is a place where a
# green simulation proves less than a real pipeline run.
CFCT_LENIENCIES: tuple[str, ...] = (
    "CfCT build stage: `aws cloudformation validate-template` is not run (cfn-lint stands in for it in"
    " `validate`); cfn_nag is modelled for the F-rules of the resource types this package uses only",
    "CfCT stack sets: the permissions of AWSControlTowerExecution are not evaluated against what each"
    " template creates (only that the role exists and trusts the caller's account)",
    "CfCT stack sets: an existing stack set whose template or parameters changed is not updated"
    " (moto's update_stack_set does not redeploy); CfCT's PARALLEL execution mode is not modelled",
    "CfCT S3/HTTPS resource_file and parameter_file locations are not fetched",
)


@dataclass(frozen=True)
class Finding:
    """A gap (error) or caveat (warning) met while deploying, tied to a manifest resource."""

    level: Level
    resource: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.resource}: {self.message}"


@dataclass
class StackSetResult:
    name: str
    stack_set_name: str
    accounts: list[str]
    regions: list[str]
    parameters: dict[str, str]
    deployed: list[tuple[str, str]] = field(default_factory=list)  # (account, region)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (account, region, reason)


@dataclass
class PolicyResult:
    name: str
    policy_type: str
    policy_id: str
    targets: list[str]  # OU IDs


@dataclass
class DeploymentResult:
    stack_sets: dict[str, StackSetResult] = field(default_factory=dict)
    policies: dict[str, PolicyResult] = field(default_factory=dict)
    exports: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)  # resources after the failed one, never run
    dropped: dict[str, list[str]] = field(default_factory=dict)  # resource -> accounts CfCT dropped

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]


def policy_text_as_sent(text: str) -> str:
    """A policy file's text as CfCT's SCP/RCP state machine sends it to Organizations
    (`state_machine_handler.py` `_load_policy`: the file read in text mode, so any line end is
    `\n`; then `.replace("\n", "\r\n").replace("  ", "")`): not minified, so the size that counts
    against the Organizations quota is this text's length."""
    universal = text.replace("\r\n", "\n").replace("\r", "\n")
    return universal.replace("\n", "\r\n").replace("  ", "")


# The Control Tower lifecycle events CfCT re-runs on, and where each carries its status.
CONTROL_TOWER_STATUS_KEYS = {
    "CreateManagedAccount": "createManagedAccountStatus",
    "UpdateManagedAccount": "updateManagedAccountStatus",
}


def triggers_pipeline(event: Mapping[str, Any]) -> bool:
    """Whether an EventBridge event starts CfCT's pipeline (its template's rules, v2.8.4):
    Control Tower CreateManagedAccount / UpdateManagedAccount with state SUCCEEDED (lifecycle
    rules), a PutObject/CopyObject/CompleteMultipartUpload on the configuration bucket (S3 source) or
    a branch reference change (CodeCommit source). Nothing else: not an Organizations MoveAccount,
    not a failed account creation."""
    if not isinstance(event, Mapping):
        return False
    detail = event.get("detail")
    detail = detail if isinstance(detail, Mapping) else {}
    source = event.get("source")
    if source == "aws.controltower" and event.get("detail-type") == "AWS Service Event via CloudTrail":
        details = detail.get("serviceEventDetails")
        details = details if isinstance(details, Mapping) else {}
        key = CONTROL_TOWER_STATUS_KEYS.get(str(detail.get("eventName")))
        status = details.get(key) if key else None
        return isinstance(status, Mapping) and status.get("state") == "SUCCEEDED"
    if source == "aws.s3":
        return detail.get("eventName") in ("PutObject", "CopyObject", "CompleteMultipartUpload")
    if source == "aws.codecommit":
        return detail.get("event") in ("referenceCreated", "referenceUpdated") and (
            detail.get("referenceType") == "branch"
        )
    return False


class ClientFactory:
    """boto3 clients in any account of the organization: the management account's own credentials,
    any other account through `sts:AssumeRole` into the CfCT execution role (as CfCT's stack sets do).
    """

    def __init__(
        self,
        session: Any,
        role_name: str = EXECUTION_ROLE,
        service_credentials: Callable[[str, str, str, str], Mapping[str, str]] | None = None,
    ) -> None:
        """service_credentials(role_arn, service principal, session name, region): the `AWS_*`
        credentials a service gets for a role it assumes (the emulator passes its own, which checks
        the role's trust for that service); None: the caller's own `sts:AssumeRole`."""
        self.session = session
        self.role_name = role_name
        self.service_credentials = service_credentials
        self.management_id: str = session.client("sts").get_caller_identity()["Account"]
        self._sessions: dict[str, Any] = {self.management_id: session}
        self._administration: Any = None

    def administration_session(self) -> Any:
        """The stack sets' administration role (`service-role/AWSControlTowerStackSetRole`) as
        CloudFormation assumes it: the principal that assumes `AWSControlTowerExecution` in each
        target account (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/
        stacksets-prereqs-self-managed.html)."""
        if self._administration is None:
            region = self.session.region_name
            partition = str(self.session.client("sts").get_caller_identity()["Arn"]).split(":")[1]
            role = f"{ADMINISTRATION_ROLE_PATH}{ADMINISTRATION_ROLE}"
            arn = f"arn:{partition}:iam::{self.management_id}:role{role}"
            if self.service_credentials is not None:
                env = self.service_credentials(arn, "cloudformation.amazonaws.com", "cfct-stack-set", region)
                creds = {
                    "AccessKeyId": env["AWS_ACCESS_KEY_ID"],
                    "SecretAccessKey": env["AWS_SECRET_ACCESS_KEY"],
                    "SessionToken": env["AWS_SESSION_TOKEN"],
                }
            else:
                creds = self.session.client("sts").assume_role(RoleArn=arn, RoleSessionName="cfct-stack-set")[
                    "Credentials"
                ]
            self._administration = boto3.Session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
                region_name=region,
            )
        return self._administration

    def session_for(self, account_id: str) -> Any:
        if account_id not in self._sessions:
            partition = "aws"
            creds = self.session.client("sts").assume_role(
                RoleArn=f"arn:{partition}:iam::{account_id}:role/{self.role_name}",
                RoleSessionName=contract.SIMULATE_SESSION,
            )["Credentials"]
            self._sessions[account_id] = boto3.Session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
                region_name=self.session.region_name,
            )
        return self._sessions[account_id]

    def client(self, service: str, account_id: str, region: str) -> Any:
        return self.session_for(account_id).client(service, region_name=region)


@dataclass
class OrgView:
    """The organization as Organizations (and the BASELINE-CONFIG stack set) report it: what CfCT
    resolves targets against."""

    root_id: str
    ou_ids: dict[str, str]  # CfCT path -> OU ID
    accounts_by_ou: dict[str, list[str]]  # OU/root ID -> ACTIVE account IDs directly in it
    account_names: dict[str, str]  # name -> ID (ACTIVE accounts)
    account_ids: set[str]
    management_id: str = ""
    enrolled: set[str] | None = None  # BASELINE-CONFIG instance accounts; None: no such stack set

    @classmethod
    def read(cls, org: Any, cfn: Any | None = None) -> OrgView:
        root_id = org.list_roots()["Roots"][0]["Id"]
        ou_ids: dict[str, str] = {}
        accounts_by_ou: dict[str, list[str]] = {}
        pending: list[tuple[str, str]] = [(root_id, "")]
        while pending:
            parent_id, parent_path = pending.pop(0)
            accounts_by_ou[parent_id] = [
                a["Id"]
                for page in org.get_paginator("list_accounts_for_parent").paginate(ParentId=parent_id)
                for a in page["Accounts"]
                if is_active(a)  # State, not the retired Status
            ]
            for page in org.get_paginator("list_organizational_units_for_parent").paginate(
                ParentId=parent_id
            ):
                for ou in page["OrganizationalUnits"]:
                    path = f"{parent_path}:{ou['Name']}" if parent_path else ou["Name"]
                    ou_ids[path] = ou["Id"]
                    pending.append((ou["Id"], path))
        names: dict[str, str] = {}
        ids: set[str] = set()
        for page in org.get_paginator("list_accounts").paginate():
            for a in page["Accounts"]:
                if a.get("Status", "ACTIVE") == "ACTIVE":
                    names[a["Name"]] = a["Id"]
                ids.add(a["Id"])
        management = str(org.describe_organization()["Organization"]["MasterAccountId"])
        enrolled: set[str] | None = None
        if cfn is not None:
            try:
                enrolled = {
                    s["Account"]
                    for page in cfn.get_paginator("list_stack_instances").paginate(
                        StackSetName=BASELINE_CONFIG_STACK_SET
                    )
                    for s in page["Summaries"]
                }
            except cfn.exceptions.ClientError:
                enrolled = None
        return cls(root_id, ou_ids, accounts_by_ou, names, ids, management, enrolled)

    def ou_id(self, path: str) -> str | None:
        if path == "Root":
            return self.root_id
        return self.ou_ids.get(path)

    def account_by_name(self, name: str) -> list[str]:
        """CfCT's get_final_account_list: every ACTIVE account whose name equals it, ignoring case."""
        return [i for n, i in self.account_names.items() if n.lower() == name.lower()]


class Interpreter:
    def __init__(
        self,
        package_dir: Path,
        manifest: Manifest,
        clients: ClientFactory,
        *,
        progress: Callable[[str], None] | None = None,
        failure_tolerance_percentage: int = DEFAULT_FAILURE_TOLERANCE_PERCENTAGE,
        enforce_successful_stack_instances: bool = False,
    ) -> None:
        self.failure_tolerance_percentage = failure_tolerance_percentage
        self.enforce_successful_stack_instances = enforce_successful_stack_instances
        self.package_dir = package_dir
        self.manifest = manifest
        self.clients = clients
        self.region = manifest.region
        self.progress = progress or (lambda _line: None)
        self._mgmt = clients.management_id
        # instances that failed in an earlier run: their half-created stack stays (as in AWS, where
        # the instance stays OUTDATED); a re-run does not try them again
        self._failed: set[tuple[str, str, str]] = set()
        self._reported: set[Finding] = set()  # a re-run prints only what is new
        self._changes_only = False
        self._unsupported: dict[str, list[str]] = {}  # template text -> types moto does not model
        self._assumable: dict[str, str | None] = {}  # account -> why the execution role fails (None: ok)

    # ---- entry point ---------------------------------------------------------------------------
    def deploy(self, *, changes_only: bool = False) -> DeploymentResult:
        """Run the pipeline's SCP, RCP and stack-set stages; `changes_only` prints only what this
        run changed (a re-run). A failed stage stops the pipeline; the stack-set stage stops at its
        first failed stack set. What did not run is in `result.not_run`, each with a finding."""
        self._changes_only = changes_only
        self._assumable = {}
        result = DeploymentResult()
        org = self.clients.client("organizations", self._mgmt, self.region)
        cfn = self.clients.client("cloudformation", self._mgmt, self.region)
        view = OrgView.read(org, cfn)
        order = [
            r
            for method in ("scp", "rcp", "stack_set")
            for r in self.manifest.resources
            if r.deploy_method == method
        ]
        for index, resource in enumerate(order):
            errors_before = len(result.errors)
            if resource.deploy_method == "stack_set":
                ok = self._deploy_stack_set(resource, view, result)
            else:
                self._deploy_policy(resource, view, org, result)
                ok = len(result.errors) == errors_before
            if not ok:
                stage = {"scp": "SCP", "rcp": "RCP", "stack_set": "stack-set"}[resource.deploy_method]
                for rest in order[index + 1 :]:
                    result.not_run.append(rest.name)
                    self._finding(
                        result,
                        "error",
                        rest.name,
                        f"not run: CfCT's {stage} stage stopped at the failed {resource.name}",
                    )
                break
        return result

    # ---- helpers -------------------------------------------------------------------------------
    def _finding(self, result: DeploymentResult, level: Level, resource: str, message: str) -> None:
        finding = Finding(level, resource, message)
        result.findings.append(finding)
        if finding not in self._reported:
            self._reported.add(finding)
            self.progress(f"  {level.upper()} {resource}: {message}")

    def _read(self, resource: ManifestResource, relative: str, result: DeploymentResult) -> str | None:
        if relative.startswith(("s3://", "https://")):
            self._finding(result, "error", resource.name, f"remote file {relative} is not supported locally")
            return None
        path = self.package_dir / relative
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            self._finding(result, "error", resource.name, f"cannot read {relative}: {exc.strerror or exc}")
            return None

    def _target_accounts(
        self, resource: ManifestResource, view: OrgView, result: DeploymentResult
    ) -> list[str] | None:
        """CfCT's StackSetParser.parse_stack_set_manifest_v2 targets; None when CfCT raises."""
        accounts: list[str] = []
        ous = resource.organizational_units
        if "Root" in ous:
            if view.enrolled is None:
                self._finding(
                    result,
                    "error",
                    resource.name,
                    f"'Root' resolves to the accounts of {BASELINE_CONFIG_STACK_SET}, which this landing zone"
                    " does not have (landing zone 4.0): CfCT raises StackSetNotFoundException",
                )
                return None
            accounts.extend(sorted(view.enrolled))
            if len(ous) > 1:
                self._finding(
                    result,
                    "warning",
                    resource.name,
                    "with 'Root' listed CfCT ignores the other OUs"
                    f" ({', '.join(o for o in ous if o != 'Root')})",
                )
        else:
            for ou in ous:
                ou_id = view.ou_id(ou)
                if ou_id is None and ":" in ou:
                    self._finding(
                        result,
                        "error",
                        resource.name,
                        f"organizational unit {ou!r} not found: CfCT's get_ou_id raises ValueError and the"
                        " stack-set stage fails",
                    )
                    return None
                if ou_id is None:
                    self._finding(
                        result,
                        "warning",
                        resource.name,
                        f"organizational unit {ou!r} not found directly under the root: CfCT targets nothing"
                        " for it",
                    )
                    continue
                # only the accounts directly in the OU: CfCT never descends into its child OUs
                accounts.extend(view.accounts_by_ou.get(ou_id, []))
        allowed = (view.enrolled or set()) | {view.management_id}
        named: list[str] = []
        for acct in resource.accounts:
            if ACCOUNT_ID.match(acct):
                named.append(acct)
                ids = [acct]
            else:
                ids = view.account_by_name(acct)
                if not ids:
                    self._dropped(result, resource.name, acct, f"no ACTIVE account is named {acct!r}")
                    continue
            for account_id in ids:
                if account_id in allowed:
                    accounts.append(account_id)
                elif account_id not in view.account_ids:
                    self._dropped(result, resource.name, acct, f"account {acct} is not in the organization")
                else:
                    self._dropped(
                        result,
                        resource.name,
                        acct,
                        f"account {acct} ({account_id}) is not enrolled in Control Tower (no"
                        f" {BASELINE_CONFIG_STACK_SET} instance) and not the management account",
                    )
        return list(dict.fromkeys(accounts))

    def _dropped(self, result: DeploymentResult, resource: str, account: str, why: str) -> None:
        result.dropped.setdefault(resource, []).append(account)
        self._finding(result, "warning", resource, f"dropped from accounts: {why}; CfCT drops it silently")

    def _execution_role_problem(self, account: str) -> str | None:
        """Why CfCT's stack set cannot run in `account` (None when it can): the administration role
        in the management account, then `AWSControlTowerExecution` in the target, assumable."""
        if account in self._assumable:
            return self._assumable[account]
        problem: str | None = None
        iam = self.clients.client("iam", self._mgmt, self.region)
        try:
            role = iam.get_role(RoleName=ADMINISTRATION_ROLE)["Role"]
            if role.get("Path") != ADMINISTRATION_ROLE_PATH:
                problem = f"{ADMINISTRATION_ROLE} is not at {ADMINISTRATION_ROLE_PATH} (management account)"
        except iam.exceptions.NoSuchEntityException:
            problem = f"{ADMINISTRATION_ROLE} does not exist in the management account"
        if problem is None:
            sts = self.clients.administration_session().client("sts", region_name=self.region)
            arn = f"arn:{self._partition()}:iam::{account}:role/{EXECUTION_ROLE}"
            try:
                sts.assume_role(RoleArn=arn, RoleSessionName="cfct-stack-set-execution")
            except sts.exceptions.ClientError as exc:
                where = "the management account" if account == self._mgmt else f"account {account}"
                problem = (
                    f"{EXECUTION_ROLE} is missing in {where} or does not trust {ADMINISTRATION_ROLE}"
                    f" ({_reason(exc)})"
                    + (
                        "; Control Tower does not create it there: deploy"
                        " prerequisites/management-execution-role.yaml (docs/first-deployment.md)"
                        if account == self._mgmt
                        else ""
                    )
                )
        self._assumable[account] = problem
        return problem

    def _partition(self) -> str:
        arn = self.clients.session_for(self._mgmt).client("sts").get_caller_identity()["Arn"]
        return str(arn).split(":")[1]

    def resolve_value(self, value: str, resource: str, result: DeploymentResult) -> str:
        """A parameter value as CfCT's CFNParamsHandler.update_params makes it: split on commas
        (each item stripped) when there is one, each item resolved when it *is* `$[keyword]`."""
        ssm = self.clients.client("ssm", self._mgmt, self.region)

        def item(text: str) -> str:
            if not (text.startswith("$[") and text.endswith("]")):
                return text  # a helper inside longer text is not substituted
            keyword = text[2:-1]
            if keyword.startswith("alfred_ssm_"):
                name = keyword[len("alfred_ssm_") :]
                if not name:
                    self._finding(
                        result, "error", resource, f"{text}: CfCT raises KeyError (no parameter name)"
                    )
                    return text
                try:
                    return str(ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])
                except ssm.exceptions.ParameterNotFound:
                    self._finding(result, "error", resource, f"SSM parameter {name} not found ({text})")
                    return ""
            if keyword.startswith(("alfred_genpass_", "alfred_genaz_")):
                count = keyword.rsplit("_", 1)[1]
                if not count.isdigit():
                    self._finding(result, "error", resource, f"{text}: CfCT's int({count!r}) fails")
                    return text
                if keyword.startswith("alfred_genpass_"):
                    return secrets.token_urlsafe(int(count))[: int(count)]
                return ",".join(f"{self.region}{chr(ord('a') + i)}" for i in range(int(count)))
            if keyword.startswith("alfred_genkeypair"):
                self._finding(result, "error", resource, f"{text}: EC2 key pairs are not emulated")
                return text
            # any other keyword, alfred_genuuid included, reaches the template as the bare keyword
            return keyword

        if "," in value:
            return ",".join(item(part.strip()) for part in value.split(","))
        return item(value)

    def _parameters(self, resource: ManifestResource, result: DeploymentResult) -> dict[str, str] | None:
        pairs: list[tuple[str, str]] = []
        if resource.parameter_file and resource.parameters:
            self._finding(
                result,
                "warning",
                resource.name,
                "both 'parameters' and 'parameter_file': CfCT's parse_stack_set_manifest_v2 then loads"
                " neither, the stack set gets no parameters",
            )
            return {}
        if resource.parameter_file:
            text = self._read(resource, resource.parameter_file, result)
            if text is None:
                return None
            try:
                data = json.loads(text)
                raw = [(p["ParameterKey"], p["ParameterValue"]) for p in data]
            except (ValueError, KeyError, TypeError) as exc:
                self._finding(
                    result, "error", resource.name, f"{resource.parameter_file}: not a parameter file: {exc}"
                )
                return None
            for key, value in raw:
                if not isinstance(value, str):
                    self._finding(
                        result,
                        "error",
                        resource.name,
                        f"{resource.parameter_file}: ParameterValue of {key} is {json.dumps(value)}, not a"
                        " string: CfCT's update_params crashes on it",
                    )
                    return None
                pairs.append((str(key), value))
        elif resource.parameters:
            pairs = list(resource.parameters)
        return {key: self.resolve_value(value, resource.name, result) for key, value in pairs}

    # ---- SCP / RCP -----------------------------------------------------------------------------
    def _deploy_policy(
        self, resource: ManifestResource, view: OrgView, org: Any, result: DeploymentResult
    ) -> None:
        policy_type = (
            "SERVICE_CONTROL_POLICY" if resource.deploy_method == "scp" else "RESOURCE_CONTROL_POLICY"
        )
        if not self._changes_only:
            self.progress(f"  {resource.deploy_method.upper()} {resource.name}")
        text = self._read(resource, resource.resource_file, result)
        if text is None:
            return
        content = policy_text_as_sent(text)
        try:
            json.loads(content)
        except ValueError as exc:
            self._finding(
                result,
                "error",
                resource.name,
                f"{resource.resource_file}: not JSON as CfCT sends it (CRLF, every double space removed):"
                f" {exc}",
            )
            return
        existing = {
            p["Name"]: p["Id"]
            for page in org.get_paginator("list_policies").paginate(Filter=policy_type)
            for p in page["Policies"]
        }
        try:
            if resource.name in existing:
                policy_id = existing[resource.name]
                org.update_policy(PolicyId=policy_id, Content=content)
            else:
                policy_id = org.create_policy(
                    Name=resource.name,
                    Description=resource.description or resource.name,
                    Type=policy_type,
                    Content=content,
                )["Policy"]["PolicySummary"]["Id"]
        except org.exceptions.ClientError as exc:
            self._finding(result, "error", resource.name, f"{policy_type} refused: {exc}")
            return
        targets: list[str] = []
        for ou in resource.organizational_units:
            ou_id = view.ou_id(ou)
            if ou_id is None:
                self._finding(
                    result,
                    "warning",
                    resource.name,
                    f"organizational unit {ou!r} not found: CfCT's get_final_ou_list ignores it, the policy"
                    " is attached nowhere there",
                )
                continue
            attached = {
                t["TargetId"]
                for page in org.get_paginator("list_targets_for_policy").paginate(PolicyId=policy_id)
                for t in page["Targets"]
            }
            if ou_id not in attached:
                if self._changes_only:
                    self.progress(f"  {resource.deploy_method.upper()} {resource.name}: attached to {ou}")
                try:
                    org.attach_policy(PolicyId=policy_id, TargetId=ou_id)
                except org.exceptions.ClientError as exc:
                    self._finding(result, "error", resource.name, f"attach to {ou} refused: {exc}")
                    continue
            targets.append(ou_id)
        if resource.accounts:
            self._finding(
                result, "warning", resource.name, "accounts are ignored for policies (CfCT attaches to OUs)"
            )
        result.policies[resource.name] = PolicyResult(resource.name, policy_type, policy_id, targets)

    # ---- stack sets ----------------------------------------------------------------------------
    def _unsupported_types(self, template_text: str) -> list[str]:
        """Parsed once per template text: a pipeline re-run of an unchanged template costs nothing."""
        if template_text not in self._unsupported:
            self._unsupported[template_text] = self._find_unsupported_types(template_text)
        return self._unsupported[template_text]

    @staticmethod
    def _find_unsupported_types(template_text: str) -> list[str]:
        try:
            from moto.cloudformation.parsing import NULL_MODELS, get_model_map  # noqa: PLC0415 - moto is optional
        except ImportError:  # not on moto: nothing to say
            return []
        try:
            types = resource_types(load_template(template_text))
        except ValueError:
            return []
        known = get_model_map()
        return sorted(
            {
                f"{t} ({logical})"
                for logical, t in types.items()
                if t not in known and t not in NULL_MODELS and not t.startswith("Custom::")
            }
        )

    def _deploy_stack_set(self, resource: ManifestResource, view: OrgView, result: DeploymentResult) -> bool:
        """One stack set as CfCT's state machine runs it; False when its execution fails (the
        stack-set stage then stops)."""
        name = STACK_SET_PREFIX + resource.name
        regions = list(resource.regions) or [self.region]
        if view.enrolled is None:
            self._finding(
                result,
                "error",
                resource.name,
                f"no {BASELINE_CONFIG_STACK_SET} stack set in the management account (landing zone 4.0):"
                " CfCT reads it for every stack-set run and raises StackSetNotFoundException",
            )
            return False
        errors_before = len(result.errors)
        target = self._target_accounts(resource, view, result)
        if target is None:
            return False
        accounts = target
        if not self._changes_only:
            self.progress(f"  STACK SET {name}: {len(accounts)} account(s) x {', '.join(regions)}")
        template = self._read(resource, resource.resource_file, result)
        parameters = self._parameters(resource, result)
        if template is None or parameters is None:
            return False
        for dropped in self._unsupported_types(template):
            self._finding(
                result, "warning", resource.name, f"the emulator does not model {dropped}: not created"
            )
        outcome = StackSetResult(resource.name, name, accounts, regions, parameters)
        result.stack_sets[resource.name] = outcome
        cfn = self.clients.client("cloudformation", self._mgmt, self.region)
        cfn_params = [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()]
        try:
            current = cfn.describe_stack_set(StackSetName=name)["StackSet"]
        except cfn.exceptions.StackSetNotFoundException:
            current = None
        except cfn.exceptions.ClientError:
            current = None
        if current is None:
            try:
                self._create_stack_set(cfn, name, resource, template, cfn_params)
            except Exception as exc:  # noqa: BLE001 - the emulator's CloudFormation may raise anything
                self._finding(result, "error", resource.name, f"stack set refused: {_reason(exc)}")
                return False
        elif current.get("TemplateBody") != template:
            self._finding(
                result,
                "warning",
                resource.name,
                "template changed: the emulator does not redeploy existing instances (update_stack_set)",
            )
        existing = {
            (s["Account"], s["Region"])
            for page in cfn.get_paginator("list_stack_instances").paginate(StackSetName=name)
            for s in page["Summaries"]
        }
        for account in accounts:
            role_problem = self._execution_role_problem(account)
            if role_problem is not None:
                for region in regions:
                    outcome.failed.append((account, region, role_problem))
                self._finding(
                    result, "error", resource.name, f"stack instances in {account} failed: {role_problem}"
                )
                continue
            missing = [
                r for r in regions if (account, r) not in existing and (name, account, r) not in self._failed
            ]
            if missing:
                if self._changes_only:
                    self.progress(f"  STACK SET {name}: new instance(s) in {account} x {', '.join(missing)}")
                try:
                    cfn.create_stack_instances(StackSetName=name, Accounts=[account], Regions=missing)
                except Exception as exc:  # noqa: BLE001 - the emulator's CloudFormation may raise anything
                    for region in missing:
                        outcome.failed.append((account, region, _reason(exc)))
                        self._failed.add((name, account, region))
                    self._finding(
                        result, "error", resource.name, f"stack instance in {account} failed: {_reason(exc)}"
                    )
                    continue
            for region in regions:
                if (name, account, region) in self._failed:
                    continue
                status, reason = self._instance_status(name, account, region)
                if status.endswith("_COMPLETE") and "ROLLBACK" not in status:
                    outcome.deployed.append((account, region))
                else:
                    outcome.failed.append((account, region, reason or status))
                    self._finding(
                        result,
                        "error",
                        resource.name,
                        f"stack instance {account}/{region}: {status} {reason}".strip(),
                    )
        failed = self._operation_failed(outcome, len(accounts))
        if failed:
            self._finding(result, "error", resource.name, failed)
            return False
        self._export_outputs(resource, outcome, result)
        # instance failures within the tolerance stay errors in the report, yet CfCT goes on
        instance_errors = sum(
            1 for f in result.errors[errors_before:] if f.message.startswith("stack instance")
        )
        return len(result.errors) - errors_before == instance_errors

    def _operation_failed(self, outcome: StackSetResult, accounts: int) -> str | None:
        return operation_failed(
            outcome, accounts, self.failure_tolerance_percentage, self.enforce_successful_stack_instances
        )

    def _create_stack_set(
        self, cfn: Any, name: str, resource: ManifestResource, template: str, cfn_params: list[dict[str, str]]
    ) -> None:
        cfn.create_stack_set(
            StackSetName=name,
            Description=resource.description or name,
            TemplateBody=template,
            Parameters=cfn_params,
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
            PermissionModel="SELF_MANAGED",
            AdministrationRoleARN=f"arn:aws:iam::{self._mgmt}:role/service-role/AWSControlTowerStackSetRole",
            ExecutionRoleName=EXECUTION_ROLE,
        )

    def _instance_status(self, stack_set_name: str, account: str, region: str) -> tuple[str, str]:
        cfn = self.clients.client("cloudformation", account, region)
        try:
            stack = cfn.describe_stacks(StackName=f"StackSet:{stack_set_name}")["Stacks"][0]
        except cfn.exceptions.ClientError as exc:
            return "MISSING", _reason(exc)
        return str(stack["StackStatus"]), str(stack.get("StackStatusReason", ""))

    def stack_outputs(self, stack_set_name: str, account: str, region: str) -> dict[str, str]:
        cfn = self.clients.client("cloudformation", account, region)
        stack = cfn.describe_stacks(StackName=f"StackSet:{stack_set_name}")["Stacks"][0]
        return {o["OutputKey"]: str(o["OutputValue"]) for o in stack.get("Outputs", [])}

    def _export_outputs(
        self, resource: ManifestResource, outcome: StackSetResult, result: DeploymentResult
    ) -> None:
        if not resource.export_outputs:
            return
        if not outcome.deployed:
            self._finding(
                result, "error", resource.name, "export_outputs: no stack instance to read outputs from"
            )
            return
        account, region = outcome.deployed[0]
        if len(outcome.deployed) > 1:
            self._finding(
                result,
                "warning",
                resource.name,
                f"export_outputs read from the first instance only ({account}/{region})",
            )
        outputs = self.stack_outputs(outcome.stack_set_name, account, region)
        ssm = self.clients.client("ssm", self._mgmt, self.region)
        for param_name, value in resource.export_outputs:
            missing: list[str] = []

            def repl(match: re.Match[str], missing: list[str] = missing) -> str:
                key = match.group(1)
                if key not in outputs:
                    missing.append(key)
                    return ""
                return outputs[key]

            resolved = OUTPUT_REF.sub(repl, value)
            if missing:
                self._finding(
                    result,
                    "error",
                    resource.name,
                    f"export_outputs {param_name}: no output {', '.join(missing)}",
                )
                continue
            resolved = self.resolve_value(resolved, resource.name, result)
            ssm.put_parameter(Name=param_name, Value=resolved, Type="String", Overwrite=True)
            result.exports[param_name] = resolved


def operation_failed(
    outcome: StackSetResult, accounts: int, tolerance_percentage: int, enforce_successful: bool
) -> str | None:
    """CloudFormation's verdict on a stack set operation, as CfCT sees it (None: it succeeded): a
    Region whose failed instances exceed `tolerance_percentage` of the accounts (rounded down)
    fails the operation; with EnforceSuccessfulStackInstances any failed instance does.
    https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html
    ("When calculating the number of accounts based on the specified percentage, CloudFormation
    rounds down to the next whole number")."""
    if not outcome.failed:
        return None
    if enforce_successful:
        return (
            f"{len(outcome.failed)} failed stack instance(s) and EnforceSuccessfulStackInstances=true:"
            " the stack set execution fails"
        )
    tolerated = tolerance_percentage * accounts // 100
    for region in dict.fromkeys(r for _, r, _ in outcome.failed):
        count = sum(1 for _, r, _ in outcome.failed if r == region)
        if count > tolerated:
            return (
                f"{count} of {accounts} instance(s) failed in {region}, more than"
                f" FailureTolerancePercentage {tolerance_percentage} tolerates ({tolerated}):"
                " the operation fails"
            )
    return None


def _reason(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:
        err = response["Error"]
        return f"{err.get('Code', '')}: {err.get('Message', '')}".strip(": ")
    return f"{type(exc).__name__}: {exc}"
