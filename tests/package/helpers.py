"""Helpers for the package tests: load templates, resolve intrinsics, evaluate IAM-style policies.

moto enforces no resource policy, key policy or SCP, so a test that expects a denial evaluates the
statements itself. The evaluator covers the IAM grammar this package uses (Action/NotAction,
Resource, Principal, the condition operators below, IfExists, ForAnyValue/ForAllValues, policy
variables such as `${aws:ResourceOrgID}` in condition values); it is not a
full IAM engine, and it says so by raising on anything it does not understand.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from cfnlint.decode import decode

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
PROTECTED_PATHS = [f"{ORG_ID}/{ROOT_ID}/{PROD_OU}/*", f"{ORG_ID}/{ROOT_ID}/{DEV_OU}/*"]
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
    others = {"lifecycle-automation.yaml"}
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


def resolve(node: Any, ctx: Context, template: dict[str, Any]) -> Any:
    """Resolve Ref, Fn::Sub, Fn::GetAtt, Fn::If (conditions by Fn::Equals) to plain values."""
    if isinstance(node, list):
        return [resolve(n, ctx, template) for n in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        ((key, value),) = node.items()
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
    return {k: resolve(v, ctx, template) for k, v in node.items()}


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


@dataclass
class Request:
    """One API call as IAM sees it."""

    action: str
    principal_arn: str
    resource: str = "*"
    context: dict[str, Any] = field(default_factory=dict)
    service_principal: str | None = None

    @property
    def principal_account(self) -> str:
        return self.principal_arn.split(":")[4]

    def key(self, name: str) -> list[str] | None:
        if name.lower() == "aws:principalarn":
            return [self.principal_arn]
        if name.lower() == "aws:principalaccount":
            return [self.principal_account]
        for k, v in self.context.items():
            if k.lower() == name.lower():
                return [str(x) for x in v] if isinstance(v, list) else [str(v)]
        return None


def _like(value: str, pattern: str, *, case: bool = True) -> bool:
    if not case:
        value, pattern = value.lower(), pattern.lower()
    return fnmatch.fnmatchcase(value, pattern)


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def _match_one(op: str, ctx_value: str, policy_values: list[str]) -> bool:
    """Positive form of an operator: does this one context value match any policy value."""
    if op in ("StringEquals", "ArnEquals"):
        return ctx_value in policy_values
    if op == "StringEqualsIgnoreCase":
        return ctx_value.lower() in [p.lower() for p in policy_values]
    if op in ("StringLike", "ArnLike"):
        return any(_like(ctx_value, p) for p in policy_values)
    if op == "Bool":
        return ctx_value.lower() in [str(p).lower() for p in policy_values]
    raise NotImplementedError(op)


_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def _substitute(value: str, req: Request) -> str:
    """Policy variables in a condition value (`${aws:ResourceOrgID}`) take the request's value.

    IAM leaves a condition with a variable the request lacks unsatisfiable in ways that depend on the
    operator; the tests always give the variables the package uses, so a missing one is an error.
    """

    def sub(m: re.Match[str]) -> str:
        found = req.key(m.group(1))
        if found is None or len(found) != 1:
            raise NotImplementedError(f"policy variable {m.group(0)} is not in the request context")
        return found[0]

    return _VARIABLE.sub(sub, value)


def _condition_holds(operator: str, key: str, values: Any, req: Request) -> bool:
    policy_values = [_substitute(str(v), req) for v in _as_list(values)]
    ctx = req.key(key)
    qualifier = None
    if ":" in operator and operator.split(":", maxsplit=1)[0] in ("ForAnyValue", "ForAllValues"):
        qualifier, operator = operator.split(":", 1)
    if_exists = operator.endswith("IfExists")
    if if_exists:
        operator = operator[: -len("IfExists")]
    if operator == "Null":
        present = ctx is not None
        return present == (policy_values[0].lower() == "false")
    negated = operator in _NEGATED
    base = _NEGATED.get(operator, operator)
    if ctx is None:
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return if_exists or negated
    if qualifier == "ForAllValues":
        return all(_match_one(base, c, policy_values) != negated for c in ctx)
    if qualifier == "ForAnyValue":
        return any(_match_one(base, c, policy_values) != negated for c in ctx)
    matched = any(_match_one(base, c, policy_values) for c in ctx)
    return not matched if negated else matched


def _conditions_hold(conditions: dict[str, Any] | None, req: Request) -> bool:
    for operator, pairs in (conditions or {}).items():
        for key, values in pairs.items():
            if not _condition_holds(operator, key, values, req):
                return False
    return True


def _principal_matches(principal: Any, req: Request) -> bool:
    if principal is None:  # SCPs and identity policies: the caller is the principal
        return True
    if principal == "*":
        return True
    assert isinstance(principal, dict), principal
    if req.service_principal is not None:
        return req.service_principal in _as_list(principal.get("Service", []))
    for p in _as_list(principal.get("AWS", [])):
        if p == "*":
            return True
        if p.endswith(":root") and p.split(":")[4] == req.principal_account:
            return True
        if p == req.principal_arn:
            return True
    return False


def statement_matches(stmt: dict[str, Any], req: Request) -> bool:
    if "NotAction" in stmt:
        if any(_like(req.action, a, case=False) for a in _as_list(stmt["NotAction"])):
            return False
    elif not any(_like(req.action, a, case=False) for a in _as_list(stmt["Action"])):
        return False
    if "Resource" in stmt and not any(_like(req.resource, r) for r in _as_list(stmt["Resource"])):
        return False
    if not _principal_matches(stmt.get("Principal"), req):
        return False
    return _conditions_hold(stmt.get("Condition"), req)


def statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(s) for s in _as_list(policy["Statement"])]


def denies(policy: dict[str, Any], req: Request) -> bool:
    """Does an explicit Deny of this policy match the request?"""
    return any(s["Effect"] == "Deny" and statement_matches(s, req) for s in statements(policy))


def allows(policy: dict[str, Any], req: Request) -> bool:
    """Does an Allow match and no Deny match (this policy alone)?"""
    if denies(policy, req):
        return False
    return any(s["Effect"] == "Allow" and statement_matches(s, req) for s in statements(policy))


def role(account: str, name: str) -> str:
    return f"arn:{PARTITION}:iam::{account}:role/{name}"


def sso_role(account: str, permission_set: str) -> str:
    return role(account, f"aws-reserved/sso.amazonaws.com/AWSReservedSSO_{permission_set}_0123456789abcdef")
