"""The package as AWS would hold it, for the policy matrix: every template rendered with its manifest
parameter file (the `$[alfred_ssm_...]` values of the example organization), the SCPs and RCPs the
manifest attaches, per level of each account's OU path, and the actors of docs/threat-model.md.

`Package.decide` asks the project's one evaluator (cfct_backup.policy.evaluator) with every layer
AWS would apply: the principal's SCPs per OU level, the resource account's RCPs per OU level, the
resource's policy (vault access policy, key policy, bucket policy or role trust policy) and the
principal's identity policies. AWS managed policies come from moto's copy of their documents.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml
from moto.iam.aws_managed_policies import aws_managed_policies_data
from package.helpers import (
    AUDIT,
    BUNKER,
    BUNKER_KEY_ID,
    DR,
    HOME,
    KEY_VAULT,
    LOG_ARCHIVE,
    MANAGEMENT,
    MEMBER,
    ORG_ID,
    OUTSIDER,
    PARAMETERS,
    ROOT,
    ROOT_ID,
    TEMPLATES,
    Context,
    load_template,
    resolve,
)

from cfct_backup.organization import OrganizationIds
from cfct_backup.policy.evaluator import Decision, Request, evaluate

P = "aws"
DEV_MEMBER = "777777777777"
CHILD_MEMBER = "888888888888"  # in an OU under Prod: CfCT deploys no baseline there
SANDBOX_MEMBER = "101010101010"
OTHER_ORG = "o-zz99other00"

# OU tree of the example organization (CfCT paths) and each account's place in it.
OU_IDS = {
    "Workloads": "ou-ab12-work0001",
    "Workloads:Prod": "ou-ab12-prod0001",
    "Workloads:Prod:Child": "ou-ab12-chil0001",
    "Workloads:Dev": "ou-ab12-dev00001",
    "Backup": "ou-ab12-back0001",
    "Security": "ou-ab12-secu0001",
    "Sandbox": "ou-ab12-sand0001",
}
ACCOUNT_OU = {
    MANAGEMENT: None,
    MEMBER: "Workloads:Prod",
    DEV_MEMBER: "Workloads:Dev",
    CHILD_MEMBER: "Workloads:Prod:Child",
    SANDBOX_MEMBER: "Sandbox",
    BUNKER: "Backup",
    KEY_VAULT: "Backup",
    LOG_ARCHIVE: "Security",
    AUDIT: "Security",
}
IDS = OrganizationIds(org_id=ORG_ID, root_id=ROOT_ID, ous=OU_IDS)

FULL_AWS_ACCESS = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
RCP_FULL_AWS_ACCESS = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
ADMIN = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
OPEN = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}


def team_key_policy(account: str) -> dict[str, Any]:
    """A key of the account's own teams (not the package's): the default key policy, shared with a
    partner outside the organization and with AWS Backup."""
    return {
        "_fixture": True,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OUTSIDER}:root"},
                "Action": "kms:Decrypt",
                "Resource": "*",
            },
            {
                "Effect": "Allow",
                "Principal": {"Service": "backup.amazonaws.com"},
                "Action": "kms:Decrypt",
                "Resource": "*",
            },
        ],
    }


# What the manifest's `$[alfred_ssm_...]` parameters hold in the example organization.
SSM = {
    "/cfct-backup/accounts/management": MANAGEMENT,
    "/cfct-backup/accounts/bunker": BUNKER,
    "/cfct-backup/accounts/key-vault": KEY_VAULT,
    "/cfct-backup/accounts/audit": AUDIT,
    "/cfct-backup/accounts/log-archive": LOG_ARCHIVE,
    "/cfct-backup/regions/home": HOME,
    "/cfct-backup/regions/dr": DR,
    "/cfct-backup/org/id": ORG_ID,
    "/cfct-backup/org/root-id": ROOT_ID,
    "/cfct-backup/outputs/bunker-key-id": BUNKER_KEY_ID,
    "/cfct-backup/outputs/bunker-key-arn": f"arn:{P}:kms:{HOME}:{KEY_VAULT}:key/{BUNKER_KEY_ID}",
    "/cfct-backup/protected-ous/org-paths": ",".join(
        IDS.ou_org_path(p) for p in ("Workloads:Prod", "Workloads:Dev")
    ),
    "/cfct-backup/protected-ous/ids": ",".join(OU_IDS[p] for p in ("Workloads:Prod", "Workloads:Dev")),
    "/cfct-backup/identity-center/instance-arn": "arn:aws:sso:::instance/ssoins-0123456789abcdef",
    "/cfct-backup/identity-center/break-glass-group-id": "12345678-1234-1234-1234-123456789012",
    # the lifecycle stack's artifacts (no policy depends on them)
    "/cfct-backup/artifacts/bucket": f"cfct-backup-artifacts-{MANAGEMENT}",
    "/cfct-backup/artifacts/lambda-key": "lambdas/cfct-backup.zip",
    "/cfct-backup/artifacts/lambda-version": "v1",
    "/cfct-backup/alert-email": "",
    # organization.config_parameters' default: the management account decides who may audit
    "/cfct-backup/audit/principal-arns": f"arn:{P}:iam::{MANAGEMENT}:root",
}


def role(account: str, name: str) -> str:
    return f"arn:{P}:iam::{account}:role/{name}"


def sso(account: str, permission_set: str) -> str:
    return role(account, f"aws-reserved/sso.amazonaws.com/AWSReservedSSO_{permission_set}_0123456789abcdef")


def org_path(account: str) -> str:
    """aws:PrincipalOrgPaths of an account: the path of its own OU, with AWS's trailing slash."""
    ou = ACCOUNT_OU[account]
    return f"{ORG_ID}/{ROOT_ID}/" if ou is None else IDS.ou_org_path(ou)


@cache
def _template(name: str) -> dict[str, Any]:
    return load_template(TEMPLATES / name)


@cache
def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yaml").read_text(encoding="utf-8"))
    return data


@cache
def _managed(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(aws_managed_policies_data)[name]["Document"]
    return doc


def _parameters(template: str) -> dict[str, Any]:
    manifest = _manifest()
    (res,) = [r for r in manifest["resources"] if r.get("resource_file") == f"templates/{template}"]
    values: dict[str, Any] = {}
    for row in json.loads((ROOT / res["parameter_file"]).read_text(encoding="utf-8")):
        value = row["ParameterValue"]
        m = re.fullmatch(r"\$\[alfred_ssm_(.+)\]", value)
        values[row["ParameterKey"]] = SSM[m.group(1)] if m else value
    tpl = _template(template)
    for name, spec in tpl.get("Parameters", {}).items():
        if spec.get("Type") == "CommaDelimitedList" and isinstance(values.get(name), str):
            values[name] = values[name].split(",")
        values.setdefault(name, str(spec.get("Default")) if "Default" in spec else None)
    return values


def _policy_files(kind: str) -> dict[str, list[dict[str, Any]]]:
    """Manifest target (CfCT OU path) -> the policies of this kind attached to it."""
    manifest = _manifest()
    out: dict[str, list[dict[str, Any]]] = {}
    for res in manifest["resources"]:
        if res.get("deploy_method") != kind:
            continue
        doc = json.loads((ROOT / res["resource_file"]).read_text(encoding="utf-8"))
        doc["Id"] = res["name"]
        for ou in res["deployment_targets"]["organizational_units"]:
            out.setdefault(ou, []).append(doc)
    return out


@dataclass
class Package:
    """Everything a request may meet, as plain policy documents (mutable: the mutation check edits it)."""

    scps: dict[str, list[dict[str, Any]]]
    rcps: dict[str, list[dict[str, Any]]]
    resource_policies: dict[str, dict[str, Any]] = field(default_factory=dict)  # ARN pattern -> doc
    identities: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # role ARN -> docs

    def copy(self) -> Package:
        return copy.deepcopy(self)

    def without(self, name: str) -> Package:
        """The package after the management account detaches one SCP or RCP everywhere."""
        scps = {t: [d for d in docs if d.get("Id") != name] for t, docs in self.scps.items()}
        rcps = {t: [d for d in docs if d.get("Id") != name] for t, docs in self.rcps.items()}
        return Package(scps, rcps, self.resource_policies, self.identities)

    def package_policy_ids(self) -> list[str]:
        return sorted({d["Id"] for docs in (*self.scps.values(), *self.rcps.values()) for d in docs})

    # ------------------------------------------------------------ lookups

    def levels(self, account: str, kind: str) -> list[list[dict[str, Any]]]:
        attached = self.scps if kind == "scp" else self.rcps
        full = FULL_AWS_ACCESS if kind == "scp" else RCP_FULL_AWS_ACCESS
        ou = ACCOUNT_OU[account]
        parts = [] if ou is None else ou.split(":")
        levels = [[full]]  # root
        for i in range(len(parts)):
            levels.append([full, *attached.get(":".join(parts[: i + 1]), [])])
        levels.append([full])  # the account itself
        return levels

    def resource_policy(self, arn: str) -> dict[str, Any] | None:
        for pattern, doc in self.resource_policies.items():
            if re.fullmatch(pattern, arn):
                return doc
        return None

    def identity(self, principal: str) -> list[dict[str, Any]]:
        base = re.sub(r"^arn:aws:sts::(\d+):assumed-role/([^/]+)/.*$", r"arn:aws:iam::\1:role/\2", principal)
        return self.identities.get(base, [])

    # ------------------------------------------------------------ the decision

    def decide(
        self,
        principal: str,
        action: str,
        resource: str,
        context: Mapping[str, Any] | None = None,
        *,
        rewritten: str = "",
    ) -> Decision:
        """rewritten: the resource's policy has been replaced, "open" to everyone or "account" (the
        default key policy: the account, through IAM): what must still hold when a vault, key,
        bucket or trust policy is rewritten."""
        ctx = dict(context or {})
        service = not principal.startswith("arn:")
        p_account = None if service else principal.split(":")[4]
        r_account = _resource_account(resource, ctx) if resource != "*" else (p_account or "")
        in_org = p_account in ACCOUNT_OU
        if not service and in_org and p_account:
            ctx.setdefault("aws:PrincipalOrgID", ORG_ID)
            ctx.setdefault("aws:PrincipalOrgPaths", [org_path(p_account)])
        ctx.setdefault("aws:SecureTransport", "true")
        if r_account in ACCOUNT_OU:
            ctx.setdefault("aws:ResourceOrgID", ORG_ID)
        elif r_account == OUTSIDER:
            ctx.setdefault("aws:ResourceOrgID", OTHER_ORG)
        ctx.update({k: v for k, v in _resource_keys(resource).items() if k not in ctx})
        return evaluate(
            Request(action=action, resource=resource, principal_arn=principal, context=ctx),
            identity=[] if service else self.identity(principal) or _default_identity(principal),
            scps=self.levels(p_account, "scp") if in_org and p_account else (),
            rcps=self.levels(r_account, "rcp") if r_account in ACCOUNT_OU else (),
            resource_policy=_rewritten(rewritten, r_account) or self.resource_policy(resource),
            principal_account=p_account,
            resource_account=r_account,
            management_account=p_account == MANAGEMENT,
            resource_in_management_account=r_account == MANAGEMENT,
        )


def _rewritten(kind: str, account: str) -> dict[str, Any] | None:
    if kind == "open":
        return OPEN
    if kind == "account":
        grant = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "*"}
        return {"Statement": [{**grant, "Resource": "*"}]}
    return None


def _resource_account(resource: str, ctx: Mapping[str, Any]) -> str:
    m = re.match(r"^arn:[^:]+:[^:]+:[^:]*:(\d{12}):", resource)
    if m:
        return m.group(1)
    m = re.match(r"^arn:[^:]+:s3:::[a-z-]+?-(\d{12})-", resource)
    if m:
        return m.group(1)
    return str(ctx["aws:ResourceAccount"])


def _resource_keys(resource: str) -> dict[str, Any]:
    """Attributes AWS attaches to requests on the package's resources (aliases and tags)."""
    keys: dict[str, Any] = {}
    if re.match(r"^arn:aws:kms:[^:]+:\d+:key/(VaultKey|mrk-)", resource):
        alias = "alias/cfct-backup-bunker" if BUNKER_KEY_ID in resource else "alias/cfct-backup-vault"
        keys["kms:ResourceAliases"] = [alias]
        keys["aws:ResourceTag/cfct-backup:managed"] = "true"
    return keys


def _default_identity(principal: str) -> list[dict[str, Any]]:
    """Roles outside the package: administrators hold AdministratorAccess."""
    return [ADMIN]


# ---------------------------------------------------------------- rendering


def _render(template: str, account: str, region: str) -> dict[str, Any]:
    tpl = _template(template)
    ctx = Context(account, region, _parameters(template))
    out: dict[str, Any] = {}
    for logical, res in tpl["Resources"].items():
        cond = res.get("Condition")
        if cond and not _condition(tpl, cond, ctx):
            continue
        out[logical] = {"Type": res["Type"], "Properties": resolve(res.get("Properties", {}), ctx, tpl)}
    return out


def _condition(tpl: dict[str, Any], name: str, ctx: Context) -> bool:
    from package.helpers import condition

    return condition(name, ctx, tpl)


def _add_roles(pkg: Package, account: str, resources: dict[str, Any]) -> None:
    for res in resources.values():
        if res["Type"] != "AWS::IAM::Role":
            continue
        props = res["Properties"]
        arn = role(account, props["RoleName"])
        pkg.resource_policies[re.escape(arn)] = props["AssumeRolePolicyDocument"]
        docs = [p["PolicyDocument"] for p in props.get("Policies", [])]
        for managed in props.get("ManagedPolicyArns", []):
            docs.append({**_managed(managed.rsplit("/", 1)[1]), "_managed": True})
        pkg.identities[arn] = docs


def build() -> Package:
    pkg = Package(scps=_policy_files("scp"), rcps=_policy_files("rcp"))
    for member in (MEMBER, DEV_MEMBER):
        for region in (HOME, DR):
            res = _render("member-baseline.yaml", member, region)
            vault = res["Vault"]["Properties"]["AccessPolicy"]
            prefix = re.escape(f"arn:aws:backup:{region}:{member}:")
            pkg.resource_policies[prefix + r"(backup-vault:cfct-backup-vault|recovery-point:.*)"] = vault
            pkg.resource_policies[re.escape(f"arn:aws:kms:{region}:{member}:key/VaultKey")] = res["VaultKey"][
                "Properties"
            ]["KeyPolicy"]
            if region == HOME:
                _add_roles(pkg, member, res)
    for region in (HOME, DR):
        res = _render("bunker.yaml", BUNKER, region)
        prefix = re.escape(f"arn:aws:backup:{region}:{BUNKER}:")
        pkg.resource_policies[prefix + r"(backup-vault:cfct-backup-bunker|recovery-point:.*)"] = res[
            "BunkerVault"
        ]["Properties"]["AccessPolicy"]
        if region == HOME:
            _add_roles(pkg, BUNKER, res)
            bucket = f"arn:aws:s3:::cfct-backup-reports-{BUNKER}-{HOME}"
            pkg.resource_policies[re.escape(bucket) + r"(/.*)?"] = res["ReportBucketPolicy"]["Properties"][
                "PolicyDocument"
            ]
    primary = _render("key-vault.yaml", KEY_VAULT, HOME)
    pkg.resource_policies[re.escape(f"arn:aws:kms:{HOME}:{KEY_VAULT}:key/{BUNKER_KEY_ID}")] = primary[
        "BunkerKey"
    ]["Properties"]["KeyPolicy"]
    _add_roles(pkg, KEY_VAULT, primary)
    replica = _render("key-vault-replica.yaml", KEY_VAULT, DR)
    pkg.resource_policies[re.escape(f"arn:aws:kms:{DR}:{KEY_VAULT}:key/{BUNKER_KEY_ID}")] = replica[
        "BunkerReplicaKey"
    ]["Properties"]["KeyPolicy"]
    logs = _render("log-archive.yaml", LOG_ARCHIVE, HOME)
    log_bucket = f"arn:aws:s3:::cfct-backup-logs-{LOG_ARCHIVE}-{HOME}"
    pkg.resource_policies[re.escape(log_bucket) + r"(/.*)?"] = logs["LogBucketPolicy"]["Properties"][
        "PolicyDocument"
    ]
    _add_roles(pkg, LOG_ARCHIVE, logs)
    # The Identity Center permission set, provisioned as a role in the bunker.
    glass = _render("break-glass.yaml", MANAGEMENT, HOME)
    pkg.identities[sso(BUNKER, "cfct-backup-break-glass")] = [
        glass["BreakGlassPermissionSet"]["Properties"]["InlinePolicy"]
    ]
    # Keys of the accounts' own teams, and a role an outsider prepared to receive a break-glass session.
    for account in (MEMBER, DEV_MEMBER, KEY_VAULT):
        for region in (HOME, DR):
            pkg.resource_policies[re.escape(f"arn:aws:kms:{region}:{account}:key/team")] = team_key_policy(
                account
            )
    bait = role(OUTSIDER, "cfct-backup-break-glass")
    pkg.resource_policies[re.escape(bait)] = {
        "_fixture": True,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": role(BUNKER, "cfct-backup-break-glass")},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    # The management account's automation (enrolment, reconcile, ...): the lifecycle stack's roles.
    lifecycle = _render("lifecycle-automation.yaml", MANAGEMENT, HOME)
    _add_roles(pkg, MANAGEMENT, {k: v for k, v in lifecycle.items() if "RoleName" in v["Properties"]})
    # AWSControlTowerExecution: AdministratorAccess in every enrolled account (Control Tower).
    for account in (MEMBER, DEV_MEMBER, BUNKER, KEY_VAULT, LOG_ARCHIVE, AUDIT):
        pkg.identities[role(account, "AWSControlTowerExecution")] = [ADMIN]
    return pkg


_PACKAGE: Package | None = None


def package() -> Package:
    """The rendered package (built once; callers that change it take .copy())."""
    global _PACKAGE  # noqa: PLW0603 - one build per test session
    if _PACKAGE is None:
        _PACKAGE = build()
    return _PACKAGE


__all__ = [
    "AUDIT",
    "BUNKER",
    "BUNKER_KEY_ID",
    "CHILD_MEMBER",
    "DEV_MEMBER",
    "DR",
    "HOME",
    "KEY_VAULT",
    "LOG_ARCHIVE",
    "MANAGEMENT",
    "MEMBER",
    "ORG_ID",
    "OTHER_ORG",
    "OUTSIDER",
    "PARAMETERS",
    "SANDBOX_MEMBER",
    "Package",
    "build",
    "org_path",
    "package",
    "role",
    "sso",
]
