"""cfn_nag's failing (F) rules, as CfCT's build stage runs them over every file under `templates/`.

CfCT v2.8.4 installs `gem install cfn-nag -v 0.7.2` (source/codebuild_scripts/
install_stage_dependencies.sh) and its `run-validation.sh` fails the pipeline when `cfn_nag_scan`
exits non-zero, which it does on any failing violation (or a FATAL parse error). cfn_nag is a Ruby
gem we cannot install here, so the rules that apply to the resource types this project uses are
carried below, one function per rule, named by its cfn_nag id, with the semantics read from
stelligent/cfn_nag v0.7.2 (`lib/cfn-nag/custom_rules/*.rb`) and the cfn-model 0.6.0 gem it pins
(`model/policy_document.rb`, `model/statement.rb`, `model/principal.rb`,
`parser/expression_evaluator.rb`):

- a statement counts only when its `Effect` is exactly the string `Allow`; its `Condition` is never
  read (a `*` principal limited by `aws:PrincipalOrgID` is still a wildcard principal);
- a wildcard action is `*` or `<service>:*`; a wildcard principal is any string containing `*`,
  directly or as a value (or list item) of the Principal mapping (`{"AWS": "*"}`);
- CfCT passes no condition values, so cfn-model takes every `Fn::If` in a property (and in the
  mappings under it, not inside lists) on its *true* branch; parameters are not substituted;
- a resource whose `Metadata: cfn_nag: rules_to_suppress` lists `{id: <rule id>}` is left out of
  that rule (cfn_nag needs only the id; this project also wants a `reason`, checked separately).

Rules for resource types this project does not use (RDS, EFS, Redshift, IAM users, ...) are not
modelled; `MODELLED_TYPES` names the types covered, and `unmodelled_types` reports the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cfct_backup.cfct.cfn import load_template

CFN_NAG_VERSION = "0.7.2"


class Fatal(ValueError):
    """cfn_nag cannot parse this (its FATAL violation, which also fails the build)."""


@dataclass(frozen=True)
class Resource:
    logical_id: str
    type: str
    properties: Mapping[str, Any]
    metadata: Mapping[str, Any]


@dataclass(frozen=True)
class Violation:
    rule_id: str
    logical_id: str
    message: str


# ------------------------------------------------------------------ cfn-model semantics


def _evaluate_if(value: Any) -> Any:
    """cfn-model's ExpressionEvaluator with every condition true: Fn::If -> its first branch,
    recursing into mappings only (a list is left as it is)."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        args = value["Fn::If"]
        if isinstance(args, list) and len(args) == 3:
            return _evaluate_if(args[1])
        return value
    if isinstance(value, dict):
        return {k: _evaluate_if(v) for k, v in value.items()}
    return value


def _resolve(value: Any) -> Any:
    """References.resolve_value without parameter values: Fn::If takes its true branch, a plain
    Fn::Sub string stands for itself (so a `*` in it counts: stricter than cfn-model, which keeps
    the mapping), everything else is kept."""
    if isinstance(value, dict):
        if len(value) == 1 and "Fn::If" in value:
            args = value["Fn::If"]
            return _resolve(args[1]) if isinstance(args, list) and len(args) == 3 else value
        if len(value) == 1 and "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
            return value["Fn::Sub"]
        if set(value) & {"Ref", "Fn::GetAtt", "Fn::ImportValue", "Fn::FindInMap", "Fn::Join"}:
            return value
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    return value


def _streamline(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, dict)):
        return [value]
    if isinstance(value, list):
        return value
    raise Fatal(f"unexpected object in streamline_array: {value!r}")


@dataclass(frozen=True)
class Statement:
    effect: Any
    actions: list[Any]
    resources: list[Any]
    principal: Any
    not_principal: Any

    @property
    def allow(self) -> bool:
        return bool(self.effect == "Allow")

    def wildcard_actions(self) -> list[Any]:
        return [a for a in self.actions if str(a) == "*" or re.match(r"^.+:\*$", str(a)) is not None]


def _statements(document: Any) -> list[Statement]:
    if not isinstance(document, dict):
        raise Fatal(f"policy document is not a mapping: {document!r}")
    out = []
    for raw in _streamline(document.get("Statement")):
        if not isinstance(raw, dict):
            raise Fatal(f"statement is not a mapping: {raw!r}")
        out.append(
            Statement(
                effect=_resolve(raw.get("Effect")),
                actions=_resolve(_streamline(raw.get("Action"))),
                resources=_resolve(_streamline(raw.get("Resource"))),
                principal=_resolve(raw.get("Principal")),
                not_principal=_resolve(raw.get("NotPrincipal")),
            )
        )
    return out


def wildcard_principal(principal: Any) -> bool:
    """cfn-model Principal.wildcard?"""
    if principal is None:
        return False
    if isinstance(principal, str):
        return "*" in principal
    if isinstance(principal, dict):
        for value in principal.values():
            if isinstance(value, str) and "*" in value:
                return True
            if isinstance(value, list) and any(isinstance(v, str) and "*" in v for v in value):
                return True
        return False
    raise Fatal(f"whacky principal not string or hash: {principal!r}")


def _doc(resource: Resource, key: str) -> list[Statement]:
    if key not in resource.properties:
        raise Fatal(f"{resource.logical_id}: {resource.type} has no {key}")
    return _statements(resource.properties[key])


def _wildcard_allowed_actions(statements: Iterable[Statement]) -> bool:
    return any(s.allow and s.wildcard_actions() for s in statements)


def _wildcard_allowed_principals(statements: Iterable[Statement]) -> bool:
    # Principal.wildcard? runs first (and raises on a list principal), then Effect is compared
    return any(wildcard_principal(s.principal) and s.allow for s in statements)


def _allows_not_principal(statements: Iterable[Statement]) -> bool:
    return any(s.allow and s.not_principal is not None for s in statements)


def _role_policies(resource: Resource) -> list[list[Statement]]:
    policies = resource.properties.get("Policies") or []
    if not isinstance(policies, list):
        raise Fatal(f"{resource.logical_id}: Policies is not a list")
    return [
        _statements(p.get("PolicyDocument")) for p in policies if isinstance(p, dict) and "PolicyName" in p
    ]


def _wildcard_patterns(word: str) -> set[str]:
    """cfn_nag's wildcard_patterns(): the word with any prefix/suffix replaced by `*`, and `*`."""
    out = {word, "*"}
    for i in range(len(word)):
        out.add("*" + word[i:])
        for j in range(len(word), i, -1):
            out.add("*" + word[i:j] + "*")
    for j in range(len(word), 0, -1):
        out.add(word[:j] + "*")
    return out


PASSROLE_ACTIONS = {f"iam:{p}" for p in _wildcard_patterns("PassRole")} | {"*"}


def _passrole_wildcard(statements: Iterable[Statement]) -> bool:
    # cfn_nag's PassRole rules do not look at Effect
    return any(
        any(a in PASSROLE_ACTIONS for a in s.actions if isinstance(a, str)) and "*" in s.resources
        for s in statements
    )


# ------------------------------------------------------------------ the rules (id, text, types)

RuleFn = Callable[[Resource], bool]


def F2(r: Resource) -> bool:
    """IAM role should not allow * action on its trust policy"""
    return _wildcard_allowed_actions(_doc(r, "AssumeRolePolicyDocument"))


def F3(r: Resource) -> bool:
    """IAM role should not allow * action on its permissions policy"""
    return any(_wildcard_allowed_actions(p) for p in _role_policies(r))


def F4(r: Resource) -> bool:
    """IAM policy should not allow * action"""
    return _wildcard_allowed_actions(_doc(r, "PolicyDocument"))


def F5(r: Resource) -> bool:
    """IAM managed policy should not allow * action"""
    return _wildcard_allowed_actions(_doc(r, "PolicyDocument"))


def F6(r: Resource) -> bool:
    """IAM role should not allow Allow+NotPrincipal in its trust policy"""
    return _allows_not_principal(_doc(r, "AssumeRolePolicyDocument"))


def F7(r: Resource) -> bool:
    """SQS Queue policy should not allow Allow+NotPrincipal"""
    return _allows_not_principal(_doc(r, "PolicyDocument"))


def F8(r: Resource) -> bool:
    """SNS Topic policy should not allow Allow+NotPrincipal"""
    return _allows_not_principal(_doc(r, "PolicyDocument"))


def F9(r: Resource) -> bool:
    """S3 Bucket policy should not allow Allow+NotPrincipal"""
    return _allows_not_principal(_doc(r, "PolicyDocument"))


def F13(r: Resource) -> bool:
    """Lambda permission principal should not be wildcard"""
    principal = _resolve(r.properties.get("Principal"))
    return isinstance(principal, str) and "*" in principal


def F14(r: Resource) -> bool:
    """S3 Bucket should not have a public read-write acl"""
    return r.properties.get("AccessControl") == "PublicReadWrite"


def F15(r: Resource) -> bool:
    """S3 Bucket policy should not allow * action"""
    return _wildcard_allowed_actions(_doc(r, "PolicyDocument"))


def F16(r: Resource) -> bool:
    """S3 Bucket policy should not allow * principal"""
    return _wildcard_allowed_principals(_doc(r, "PolicyDocument"))


def F18(r: Resource) -> bool:
    """SNS topic policy should not allow * principal"""
    return _wildcard_allowed_principals(_doc(r, "PolicyDocument"))


def F19(r: Resource) -> bool:
    """EnableKeyRotation should not be false or absent on KMS::Key resource"""
    return str(_py_to_ruby_s(r.properties.get("EnableKeyRotation"))).lower() != "true"


def F20(r: Resource) -> bool:
    """SQS Queue policy should not allow * action"""
    return _wildcard_allowed_actions(_doc(r, "PolicyDocument"))


def F21(r: Resource) -> bool:
    """SQS Queue policy should not allow * principal"""
    return _wildcard_allowed_principals(_doc(r, "PolicyDocument"))


def F38(r: Resource) -> bool:
    """IAM role should not allow * resource with PassRole action on its permissions policy"""
    return any(_passrole_wildcard(p) for p in _role_policies(r))


def F39(r: Resource) -> bool:
    """IAM policy should not allow * resource with PassRole action"""
    return _passrole_wildcard(_doc(r, "PolicyDocument"))


def F40(r: Resource) -> bool:
    """IAM managed policy should not allow * resource with PassRole action"""
    return _passrole_wildcard(_doc(r, "PolicyDocument"))


def F76(r: Resource) -> bool:
    """KMS key should not allow * principal"""
    return _wildcard_allowed_principals(_doc(r, "KeyPolicy"))


def _py_to_ruby_s(value: Any) -> str:
    """Ruby's to_s of a YAML scalar (true -> "true"); a mapping (a Ref) never reads as true."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None or isinstance(value, (dict, list)) else str(value)


RULES: dict[str, tuple[RuleFn, tuple[str, ...]]] = {
    "F2": (F2, ("AWS::IAM::Role",)),
    "F3": (F3, ("AWS::IAM::Role",)),
    "F4": (F4, ("AWS::IAM::Policy",)),
    "F5": (F5, ("AWS::IAM::ManagedPolicy",)),
    "F6": (F6, ("AWS::IAM::Role",)),
    "F7": (F7, ("AWS::SQS::QueuePolicy",)),
    "F8": (F8, ("AWS::SNS::TopicPolicy",)),
    "F9": (F9, ("AWS::S3::BucketPolicy",)),
    "F13": (F13, ("AWS::Lambda::Permission",)),
    "F14": (F14, ("AWS::S3::Bucket",)),
    "F15": (F15, ("AWS::S3::BucketPolicy",)),
    "F16": (F16, ("AWS::S3::BucketPolicy",)),
    "F18": (F18, ("AWS::SNS::TopicPolicy",)),
    "F19": (F19, ("AWS::KMS::Key",)),
    "F20": (F20, ("AWS::SQS::QueuePolicy",)),
    "F21": (F21, ("AWS::SQS::QueuePolicy",)),
    "F38": (F38, ("AWS::IAM::Role",)),
    "F39": (F39, ("AWS::IAM::Policy",)),
    "F40": (F40, ("AWS::IAM::ManagedPolicy",)),
    "F76": (F76, ("AWS::KMS::Key",)),
}
MODELLED_TYPES = frozenset(t for _, types in RULES.values() for t in types)
# cfn_nag 0.7.2 F-rules on types this project never uses (so not modelled): IAM users and groups
# (F10, F11, F12, F51, F2000), security groups (F1000), RDS/Redshift/EFS/ElastiCache/DMS/... secrets
# and encryption (F1, F22-F37, F41-F75, F77-F80), WAF (F665).
UNMODELLED_TYPE_PREFIXES = (
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::UserToGroupAddition",
    "AWS::EC2::",
    "AWS::RDS::",
    "AWS::Redshift::",
    "AWS::EFS::",
    "AWS::ElastiCache::",
    "AWS::DMS::",
    "AWS::DocDB::",
    "AWS::Neptune::",
    "AWS::EMR::",
    "AWS::Amplify::",
    "AWS::Pinpoint::",
    "AWS::OpsWorks::",
    "AWS::DirectoryService::",
    "AWS::AmazonMQ::",
    "AWS::AppStream::",
    "AWS::Cognito::",
    "AWS::KinesisFirehose::",
    "AWS::ManagedBlockchain::",
    "AWS::WAF::",
    "AWS::SDB::",
    "AWS::WorkSpaces::",
    "Alexa::",
    "AWS::CodePipeline::Webhook",
)


def rule_text(rule_id: str) -> str:
    return (RULES[rule_id][0].__doc__ or rule_id).strip()


def resources(template: Mapping[str, Any]) -> list[Resource]:
    raw = template.get("Resources")
    if not isinstance(raw, dict) or not raw:
        raise Fatal("no Resources")
    out = []
    for logical_id, body in raw.items():
        if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
            raise Fatal(f"{logical_id}: resource without a Type")
        props = body.get("Properties") or {}
        if not isinstance(props, dict):
            raise Fatal(f"{logical_id}: Properties is not a mapping")
        props = {k: _evaluate_if(v) for k, v in props.items()}
        metadata = body.get("Metadata") if isinstance(body.get("Metadata"), dict) else {}
        out.append(Resource(str(logical_id), body["Type"], props, metadata or {}))
    return out


def suppressions(resource: Resource) -> list[Mapping[str, Any]]:
    nag = resource.metadata.get("cfn_nag")
    rules = nag.get("rules_to_suppress") if isinstance(nag, dict) else None
    return [r for r in rules if isinstance(r, dict)] if isinstance(rules, list) else []


def _suppressed(resource: Resource, rule_id: str) -> bool:
    return any(s.get("id") == rule_id for s in suppressions(resource))


def scan(template: Mapping[str, Any]) -> list[Violation]:
    """Every failing violation cfn_nag_scan reports for this template (suppressions honoured)."""
    found: list[Violation] = []
    items = resources(template)
    for rule_id, (fn, types) in RULES.items():
        for resource in items:
            if resource.type not in types or _suppressed(resource, rule_id):
                continue
            if fn(resource):
                found.append(Violation(rule_id, resource.logical_id, rule_text(rule_id)))
    return found


def scan_text(text: str) -> list[Violation]:
    """`scan` over template text; a template cfn_nag cannot read is one FATAL violation."""
    try:
        return scan(load_template(text))
    except (Fatal, ValueError) as exc:
        return [Violation("FATAL", "", str(exc))]


def unmodelled_types(template: Mapping[str, Any]) -> list[str]:
    raw = template.get("Resources")
    types = (
        {str(b.get("Type")) for b in raw.values() if isinstance(b, dict)} if isinstance(raw, dict) else set()
    )
    return sorted(t for t in types if t.startswith(UNMODELLED_TYPE_PREFIXES))
