"""Deploy a CfCT manifest the way the CfCT pipeline does, against any boto3 endpoint (moto here).

What CfCT does, and so what this does (Control Tower user guide, "The CfCT manifest file", "Nested
OU", "alfred helpers"; CfCT source `manifest_parser.py`):

- resources are deployed in manifest order, SCPs/RCPs first, then stack sets (CfCT runs its SCP
  stage before its stack-set stage, and each stage in manifest order);
- `organizational_units` are OU names, nested OUs as `Parent:Child` (no `Root:`), or `Root`;
  SCPs/RCPs are attached to the last OU of the path; stack sets go to the accounts *directly* under
  it; `accounts` are 12-digit IDs or account names;
- `deploy_method: scp` / `rcp`: a policy named after the resource, content from `resource_file`
  (whitespace removed, as CfCT does), created or updated, attached to each target OU;
- `deploy_method: stack_set`: stack set `CustomControlTower-<name>`, SELF_MANAGED, from the
  management account in the manifest Region, execution role `AWSControlTowerExecution`; one
  instance per target account and Region (`regions`, default the manifest Region); parameters from
  `parameters` or `parameter_file`, with `$[alfred_ssm_<name>]` read from SSM in the management
  account, manifest Region;
- `export_outputs`: `$[output_<Key>]` from the stack instance's outputs, stored as SSM String
  parameters in the management account, manifest Region.

Emulator caveats handled here: moto's `update_stack_set` does not redeploy instances, so a second
run only adds missing instances (and reports instances whose template changed); resource types moto
drops are reported as warnings naming the type; a failing instance is a named gap, not a crash.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import boto3
from cfct_backup_automation.accounts import is_active

from cfct_backup.cfct.cfn import load_template, resource_types
from cfct_backup.cfct.manifest import Manifest, ManifestResource

EXECUTION_ROLE = "AWSControlTowerExecution"
STACK_SET_PREFIX = "CustomControlTower-"
ALFRED = re.compile(r"\$\[(alfred_[^\]]+)\]")
OUTPUT_REF = re.compile(r"\$\[output_([A-Za-z0-9]+)\]")
ACCOUNT_ID = re.compile(r"^\d{12}$")

Level = Literal["error", "warning"]


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

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]


class ClientFactory:
    """boto3 clients in any account of the organization: the management account's own credentials,
    any other account through `sts:AssumeRole` into the CfCT execution role (as CfCT's stack sets do).
    """

    def __init__(self, session: Any, role_name: str = EXECUTION_ROLE) -> None:
        self.session = session
        self.role_name = role_name
        self.management_id: str = session.client("sts").get_caller_identity()["Account"]
        self._sessions: dict[str, Any] = {self.management_id: session}

    def session_for(self, account_id: str) -> Any:
        if account_id not in self._sessions:
            partition = "aws"
            creds = self.session.client("sts").assume_role(
                RoleArn=f"arn:{partition}:iam::{account_id}:role/{self.role_name}",
                RoleSessionName="cfct-backup-simulate",
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
    """The organization as Organizations reports it: what CfCT resolves targets against."""

    root_id: str
    ou_ids: dict[str, str]  # CfCT path -> OU ID
    accounts_by_ou: dict[str, list[str]]  # OU/root ID -> account IDs directly in it
    account_names: dict[str, str]  # name -> ID
    account_ids: set[str]

    @classmethod
    def read(cls, org: Any) -> OrgView:
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
                names[a["Name"]] = a["Id"]
                ids.add(a["Id"])
        return cls(root_id, ou_ids, accounts_by_ou, names, ids)

    def ou_id(self, path: str) -> str | None:
        if path == "Root":
            return self.root_id
        return self.ou_ids.get(path)


class Interpreter:
    def __init__(
        self,
        package_dir: Path,
        manifest: Manifest,
        clients: ClientFactory,
        *,
        progress: Callable[[str], None] | None = None,
    ) -> None:
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

    # ---- entry point ---------------------------------------------------------------------------
    def deploy(self, *, changes_only: bool = False) -> DeploymentResult:
        """Deploy every resource; `changes_only` prints only what this run changed (a re-run)."""
        self._changes_only = changes_only
        result = DeploymentResult()
        org = self.clients.client("organizations", self._mgmt, self.region)
        view = OrgView.read(org)
        policies = [r for r in self.manifest.resources if r.deploy_method in ("scp", "rcp")]
        stack_sets = [r for r in self.manifest.resources if r.deploy_method == "stack_set"]
        for resource in policies:
            self._deploy_policy(resource, view, org, result)
        for resource in stack_sets:
            self._deploy_stack_set(resource, view, result)
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
    ) -> list[str]:
        accounts: list[str] = []
        for ou in resource.organizational_units:
            ou_id = view.ou_id(ou)
            if ou_id is None:
                self._finding(result, "error", resource.name, f"organizational unit {ou!r} not found")
                continue
            accounts.extend(view.accounts_by_ou.get(ou_id, []))
        for acct in resource.accounts:
            if ACCOUNT_ID.match(acct):
                if acct not in view.account_ids:
                    self._finding(
                        result, "error", resource.name, f"account {acct} is not in the organization"
                    )
                    continue
                accounts.append(acct)
            elif acct in view.account_names:
                accounts.append(view.account_names[acct])
            else:
                self._finding(result, "error", resource.name, f"no account named {acct!r}")
        return list(dict.fromkeys(accounts))

    def resolve_value(self, value: str, resource: str, result: DeploymentResult) -> str:
        """Replace the `$[alfred_...]` helpers in a parameter value as CfCT does."""
        ssm = self.clients.client("ssm", self._mgmt, self.region)

        def repl(match: re.Match[str]) -> str:
            helper = match.group(1)
            if helper.startswith("alfred_ssm_"):
                name = helper[len("alfred_ssm_") :]
                try:
                    return str(ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])
                except ssm.exceptions.ParameterNotFound:
                    self._finding(
                        result, "error", resource, f"SSM parameter {name} not found ({match.group(0)})"
                    )
                    return ""
            if helper == "alfred_genuuid":
                return str(uuid.uuid4())
            if helper.startswith("alfred_genpass_"):
                return secrets.token_urlsafe(int(helper.rsplit("_", 1)[1]))[: int(helper.rsplit("_", 1)[1])]
            if helper.startswith("alfred_genaz_"):
                count = int(helper.rsplit("_", 1)[1])
                return ",".join(f"{self.region}{chr(ord('a') + i)}" for i in range(count))
            self._finding(result, "error", resource, f"unsupported helper {match.group(0)}")
            return match.group(0)

        return ALFRED.sub(repl, value)

    def _parameters(self, resource: ManifestResource, result: DeploymentResult) -> dict[str, str] | None:
        pairs: list[tuple[str, str]] = []
        if resource.parameter_file:
            text = self._read(resource, resource.parameter_file, result)
            if text is None:
                return None
            try:
                data = json.loads(text)
                pairs = [(str(p["ParameterKey"]), str(p["ParameterValue"])) for p in data]
            except (ValueError, KeyError, TypeError) as exc:
                self._finding(
                    result, "error", resource.name, f"{resource.parameter_file}: not a parameter file: {exc}"
                )
                return None
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
        try:
            content = json.dumps(json.loads(text), separators=(",", ":"))
        except ValueError as exc:
            self._finding(result, "error", resource.name, f"{resource.resource_file}: not JSON: {exc}")
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
                self._finding(result, "error", resource.name, f"organizational unit {ou!r} not found")
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

    def _deploy_stack_set(self, resource: ManifestResource, view: OrgView, result: DeploymentResult) -> None:
        name = STACK_SET_PREFIX + resource.name
        regions = list(resource.regions) or [self.region]
        accounts = self._target_accounts(resource, view, result)
        if not self._changes_only:
            self.progress(f"  STACK SET {name}: {len(accounts)} account(s) x {', '.join(regions)}")
        template = self._read(resource, resource.resource_file, result)
        parameters = self._parameters(resource, result)
        if template is None or parameters is None:
            return
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
                return
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
        self._export_outputs(resource, outcome, result)

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


def _reason(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:
        err = response["Error"]
        return f"{err.get('Code', '')}: {err.get('Message', '')}".strip(": ")
    return f"{type(exc).__name__}: {exc}"
