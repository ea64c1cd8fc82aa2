"""Helpers for the package tests: load templates, resolve intrinsics, evaluate IAM-style policies.

moto enforces no resource policy, key policy or SCP, so a test that expects a denial evaluates the
statements itself. The evaluation is the project's one
policy evaluator, cfct_backup.policy.evaluator.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from cfnlint.decode import decode

from cfct_backup.policy import evaluator

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PARAMETERS = ROOT / "parameters"

# The example organization's values, used to resolve Fn::Sub/Ref in templates.
PARTITION = "aws"
MANAGEMENT = "123456789012"
BUNKER = "222222222222"
KEY_VAULT = "333333333333"
AUDIT = "444444444444"
LOG_ARCHIVE = "555555555555"
MEMBER = "666666666666"
OUTSIDER = "999999999999"
HOME = "us-east-1"
DR = "us-west-2"
ORG_ID = "o-abc123defg"
ROOT_ID = "r-ab12"
PROD_OU = "ou-ab12-prod0001"
DEV_OU = "ou-ab12-dev00001"
SANDBOX_OU = "ou-ab12-sand0001"
PROTECTED_PATHS = [f"{ORG_ID}/{ROOT_ID}/{PROD_OU}/", f"{ORG_ID}/{ROOT_ID}/{DEV_OU}/"]
BUNKER_KEY_ID = "mrk-0123456789abcdef0123456789abcdef"

DEFAULT_PARAMETERS: dict[str, Any] = {
    "ManagementAccountId": MANAGEMENT,
    "BunkerAccountId": BUNKER,
    "KeyVaultAccountId": KEY_VAULT,
    "AuditAccountId": AUDIT,
    "LogArchiveAccountId": LOG_ARCHIVE,
    "HomeRegion": HOME,
    "DrRegion": DR,
    "OrganizationId": ORG_ID,
    "ProtectedOuIds": [PROD_OU, DEV_OU],
    "ProtectedOuOrgPaths": PROTECTED_PATHS,
    "BunkerKeyId": BUNKER_KEY_ID,
}


def load_template(path: Path) -> dict[str, Any]:
    template, matches = decode(str(path))
    assert not matches, f"{path}: {matches}"
    assert template is not None
    return dict(template)


def all_templates() -> list[Path]:
    return sorted(TEMPLATES.glob("*.yaml"))


def own_templates() -> list[Path]:
    """Templates this package owns (not the Lambda or delivery engineers' ones)."""
    others = {"lifecycle-automation.yaml", "pre-pipeline.yaml"}
    return [p for p in all_templates() if p.name not in others]


def load_manifest() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "manifest.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def parameter_file(name: str) -> dict[str, str]:
    rows = json.loads((PARAMETERS / name).read_text(encoding="utf-8"))
    return {row["ParameterKey"]: row["ParameterValue"] for row in rows}


# ---------------------------------------------------------------- intrinsic resolution


@dataclass
class Context:
    """What a stack instance sees: account, Region and parameter values."""

    account: str
    region: str = HOME
    parameters: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_PARAMETERS))

    def pseudo(self) -> dict[str, Any]:
        return {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::Partition": PARTITION,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": "stack",
        }


_SUB = re.compile(r"\$\{([^}!]+)\}")


class _NoValue:
    """What `Ref: AWS::NoValue` resolves to: the list item or property disappears."""


NO_VALUE = _NoValue()


def resolve(node: Any, ctx: Context, template: dict[str, Any]) -> Any:
    """Resolve Ref, Fn::Sub, Fn::GetAtt, Fn::If (conditions by Fn::Equals) to plain values."""
    if isinstance(node, list):
        return [r for r in (resolve(n, ctx, template) for n in node) if r is not NO_VALUE]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        ((key, value),) = node.items()
        if key == "Ref" and value == "AWS::NoValue":
            return NO_VALUE
        if key == "Ref":
            return _ref(str(value), ctx, template)
        if key == "Fn::Sub":
            text, extra = (value, {}) if isinstance(value, str) else (value[0], value[1])
            local = {k: resolve(v, ctx, template) for k, v in extra.items()}

            def sub(m: re.Match[str]) -> str:
                name = m.group(1)
                if name in local:
                    return str(local[name])
                if "." in name:
                    logical, attr = name.split(".", 1)
                    return _getatt(logical, attr, ctx, template)
                resolved = _ref(name, ctx, template)
                assert isinstance(resolved, str), f"${{{name}}} is a list"
                return resolved

            return _SUB.sub(sub, text)
        if key == "Fn::GetAtt":
            logical, attr = value if isinstance(value, list) else value.split(".", 1)
            return _getatt(logical, attr, ctx, template)
        if key == "Fn::If":
            cond, yes, no = value
            return resolve(yes if condition(cond, ctx, template) else no, ctx, template)
    resolved = {k: resolve(v, ctx, template) for k, v in node.items()}
    return {k: v for k, v in resolved.items() if v is not NO_VALUE}


def condition(name: str, ctx: Context, template: dict[str, Any]) -> bool:
    spec = template["Conditions"][name]
    return _cond(spec, ctx, template)


def _cond(spec: Any, ctx: Context, template: dict[str, Any]) -> bool:
    ((key, value),) = spec.items()
    if key == "Fn::Equals":
        return bool(resolve(value[0], ctx, template) == resolve(value[1], ctx, template))
    if key == "Fn::Not":
        return not _cond(value[0], ctx, template)
    if key == "Fn::And":
        return all(_cond(v, ctx, template) for v in value)
    if key == "Fn::Or":
        return any(_cond(v, ctx, template) for v in value)
    if key == "Condition":
        return condition(value, ctx, template)
    raise NotImplementedError(key)


def _ref(name: str, ctx: Context, template: dict[str, Any]) -> Any:
    pseudo = ctx.pseudo()
    if name in pseudo:
        return pseudo[name]
    if name in template.get("Parameters", {}):
        if name in ctx.parameters:
            return ctx.parameters[name]
        default = template["Parameters"][name].get("Default")
        assert default is not None, f"no value for parameter {name}"
        return str(default)
    if name in template.get("Resources", {}):
        return f"ref:{name}"
    raise KeyError(name)


def _getatt(logical: str, attr: str, ctx: Context, template: dict[str, Any]) -> str:
    rtype = template["Resources"][logical]["Type"]
    if rtype == "AWS::KMS::Key" and attr == "Arn":
        return f"arn:{PARTITION}:kms:{ctx.region}:{ctx.account}:key/{logical}"
    if rtype == "AWS::S3::Bucket" and attr == "Arn":
        name = resolve(template["Resources"][logical]["Properties"]["BucketName"], ctx, template)
        return f"arn:{PARTITION}:s3:::{name}"
    return f"getatt:{logical}.{attr}"


def resources(template: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template.get("Resources", {}).items() if v.get("Type") == rtype}


# ---------------------------------------------------------------- policy evaluation
# The project's one evaluator (src/cfct_backup/policy/evaluator.py) decides; these are its per-policy
# checks ("does this policy alone deny/allow") and a constructor in the argument order the package
# tests use.


def Request(  # stands in for the evaluator's Request, in the tests' argument order
    action: str,
    principal_arn: str,
    resource: str = "*",
    context: dict[str, Any] | None = None,
    service_principal: str | None = None,
) -> evaluator.Request:
    """One API call; a service principal, when given, is the caller (its ARN stand-in is ignored)."""
    return evaluator.Request(
        action=action,
        resource=resource,
        principal_arn=service_principal or principal_arn,
        context=dict(context or {}),
    )


denies = evaluator.denies
allows = evaluator.allows


def statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    st = policy["Statement"]
    return [dict(s) for s in (st if isinstance(st, list) else [st])]


def role(account: str, name: str) -> str:
    return f"arn:{PARTITION}:iam::{account}:role/{name}"


def sso_role(account: str, permission_set: str) -> str:
    return role(account, f"aws-reserved/sso.amazonaws.com/AWSReservedSSO_{permission_set}_0123456789abcdef")
