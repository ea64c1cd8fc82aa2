"""The project's one IAM policy evaluator: AWS's evaluation logic, as documented, over parsed policies.

moto enforces no SCP, RCP, resource policy, key policy or trust policy, so the package tests and the
emulator decide every request here. The rules, each from the AWS page cited next to it:

* Evaluation logic (explicit Deny wins, then RCPs, SCPs, resource-based, identity-based policies,
  permissions boundaries, session policies):
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html and
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
* Same account: an Allow in either the identity-based or the resource-based policy suffices
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html);
  cross-account: both must allow
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
* Role trust policies and KMS key policies are the exceptions: a key policy must allow, and IAM policies
  count only when the key policy grants the account
  (https://docs.aws.amazon.com/kms/latest/developerguide/control-access.html,
  https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html); a trust policy that names
  the account (not the principal) needs the caller's identity policy as well; the root user cannot assume
  a role (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
* SCPs: every level of the OU path (root, each OU, the account) must allow; they do not apply to the
  management account, to service principals or to service-linked roles
  (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html,
  https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html).
* RCPs: the same per level for the resource's account; not for resources of the management account, not
  for service-linked roles; they do apply to AWS service principals
  (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
* Elements and operators: Action/NotAction (case-insensitive), Resource/NotResource, Principal/NotPrincipal
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html),
  condition operators incl. ...IfExists and Null
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html),
  ForAnyValue/ForAllValues
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html),
  policy variables (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html:
  a variable AWS cannot resolve makes the statement invalid, so it does not apply).

Where the documentation leaves a choice, the evaluator takes the stricter reading and says so:
a permissions boundary limits every identity-side grant (AWS exempts resource-policy grants to a user
or session ARN), and a same-account resource policy that names only the account (not the principal)
does not grant by itself. Anything it does not understand raises PolicyError with one line.
"""

from __future__ import annotations

import datetime as _dt
import functools
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Policy = Mapping[str, Any]


class PolicyError(ValueError):
    """A policy or request the evaluator cannot decide (one line: what and where)."""


@dataclass(frozen=True)
class Request:
    """One API call as AWS authorizes it."""

    action: str  # "backup:DeleteRecoveryPoint"
    resource: str  # an ARN, or "*"
    principal_arn: str  # role/user/assumed-role/root ARN, or a service principal "backup.amazonaws.com"
    context: Mapping[str, Any] = field(default_factory=dict)  # condition keys


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


# ---------------------------------------------------------------- principals


@dataclass(frozen=True)
class _Principal:
    arn: str
    kind: str  # "service", "root", "role", "user", "federated-user", "other"
    account: str | None
    role_arn: str | None = None  # for a role or one of its sessions
    service_linked: bool = False


_ARN = re.compile(r"^arn:([^:]+):([^:]+):([^:]*):(\d{12}|):(.+)$")


def _parse_principal(arn: str, context_role_arn: str | None) -> _Principal:
    if not arn.startswith("arn:"):
        if not re.fullmatch(r"[a-z0-9.-]+\.amazonaws\.com(\.cn)?", arn):
            raise PolicyError(f"principal {arn!r} is neither an ARN nor a service principal")
        return _Principal(arn, "service", None)
    m = _ARN.match(arn)
    if not m or not m.group(4):
        raise PolicyError(f"principal ARN {arn!r} has no account")
    partition, service, _, account, rest = m.groups()
    if service == "iam" and rest == "root":
        return _Principal(arn, "root", account)
    if service == "iam" and rest.startswith("role/"):
        return _Principal(arn, "role", account, arn, service_linked=rest.startswith("role/aws-service-role/"))
    if service == "sts" and rest.startswith("assumed-role/"):
        parts = rest.split("/")
        if len(parts) < 3:
            raise PolicyError(f"assumed-role ARN {arn!r} lacks a session name")
        role_arn = context_role_arn or f"arn:{partition}:iam::{account}:role/{parts[1]}"
        return _Principal(arn, "role", account, role_arn, service_linked="/aws-service-role/" in role_arn)
    if service == "iam" and rest.startswith("user/"):
        return _Principal(arn, "user", account)
    if service == "sts" and rest.startswith("federated-user/"):
        return _Principal(arn, "federated-user", account)
    raise PolicyError(f"principal ARN {arn!r} is not a user, role, session or root")


# ---------------------------------------------------------------- request context


def _context(request: Request, p: _Principal, resource_account: str | None) -> dict[str, list[Any]]:
    """Condition keys by lower-cased name; values as lists. Global keys AWS derives are added when
    the caller did not give them
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)."""
    ctx: dict[str, list[Any]] = {}
    for key, value in request.context.items():
        if value is None:
            continue
        ctx[key.lower()] = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
    derived: dict[str, Any] = {"aws:principalisawsservice": p.kind == "service"}
    if p.kind == "service":
        derived["aws:principalservicename"] = p.arn
    else:
        derived["aws:principalarn"] = p.role_arn or p.arn
        derived["aws:principalaccount"] = p.account
        derived["aws:principaltype"] = {
            "root": "Account",
            "role": "AssumedRole",
            "user": "User",
            "federated-user": "FederatedUser",
        }.get(p.kind, "Unknown")
    if resource_account:
        derived["aws:resourceaccount"] = resource_account
    for key, value in derived.items():
        ctx.setdefault(key, [value])
    return ctx


# ---------------------------------------------------------------- matching primitives


@functools.lru_cache(maxsize=8192)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    literal = {"\x01": "*", "\x02": "?"}  # ${*} and ${?}: the characters themselves
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(literal.get(c, c)) for c in pattern)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _like(value: str, pattern: str, *, ignore_case: bool = False) -> bool:
    return _glob(pattern, ignore_case).fullmatch(value) is not None


def _arn_like(value: str, pattern: str) -> bool:
    """ArnLike/ArnEquals: each of the six colon-delimited parts is matched separately, wildcards allowed
    (condition operators page, "Amazon Resource Name (ARN) condition operators")."""
    v, p = value.split(":", 5), pattern.split(":", 5)
    if len(p) != 6:
        return _like(value, pattern)
    if len(v) != 6:
        return False
    return all(_like(a, b) for a, b in zip(v, p, strict=True))


def _resource_like(value: str, pattern: str) -> bool:
    if pattern == "*":
        return True
    if pattern.startswith("arn:") and value.startswith("arn:"):
        return _arn_like(value, pattern)
    return _like(value, pattern)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


_VAR = re.compile(r"\$\{([^}]*)\}")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


class _Unresolved(Exception):
    pass


def _substitute(text: str, ctx: Mapping[str, list[Any]]) -> str:
    """Policy variables: ${key}, ${key, 'default'}, ${*}, ${?}, ${$}. A key absent or multi-valued
    without a default makes the statement invalid (policy variables page)."""

    def one(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        if inner in _SPECIAL:
            # The special characters stand for themselves literally, not as wildcards.
            return "\0" + inner
        name, default = inner, None
        dm = re.fullmatch(r"([^,]+),\s*'((?:[^']|'')*)'", inner)
        if dm:
            name, default = dm.group(1).strip(), dm.group(2).replace("''", "'")
        values = ctx.get(name.lower())
        if values is not None and len(values) == 1:
            return _text(values[0])
        if default is not None:
            return default
        raise _Unresolved(name)

    if "${" not in text:
        return text
    return _VAR.sub(one, text)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------- conditions

_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "NumericNotEquals": "NumericEquals",
    "DateNotEquals": "DateEquals",
    "NotIpAddress": "IpAddress",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


def _number(value: Any) -> float | None:
    try:
        return float(_text(value))
    except ValueError:
        return None


def _date(value: Any) -> _dt.datetime | None:
    if isinstance(value, _dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=_dt.UTC)
    text = _text(value)
    try:
        return _dt.datetime.fromtimestamp(float(text), tz=_dt.UTC)
    except ValueError:
        pass
    try:
        parsed = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.UTC)


def _ordered(cmp: Callable[[Any, Any], bool], conv: Callable[[Any], Any]) -> Callable[[Any, str], bool]:
    def match(ctx_value: Any, policy_value: str) -> bool:
        a, b = conv(ctx_value), conv(policy_value)
        return a is not None and b is not None and bool(cmp(a, b))

    return match


def _ip(ctx_value: Any, policy_value: str) -> bool:
    try:
        return ipaddress.ip_address(_text(ctx_value)) in ipaddress.ip_network(policy_value, strict=False)
    except ValueError:
        return False


def _unliteral(pattern: str) -> str:
    return pattern.replace("\0*", "\x01").replace("\0?", "\x02").replace("\0$", "$")


def _string_like(ctx_value: Any, policy_value: str) -> bool:
    return _like(_text(ctx_value), _unliteral(policy_value))


def _plain(value: str) -> str:
    return _unliteral(value).replace("\x01", "*").replace("\x02", "?")


_POSITIVE: dict[str, Callable[[Any, str], bool]] = {
    "StringEquals": lambda c, p: _text(c) == _plain(p),
    "StringEqualsIgnoreCase": lambda c, p: _text(c).lower() == _plain(p).lower(),
    "StringLike": _string_like,
    "NumericEquals": _ordered(lambda a, b: a == b, _number),
    "NumericLessThan": _ordered(lambda a, b: a < b, _number),
    "NumericLessThanEquals": _ordered(lambda a, b: a <= b, _number),
    "NumericGreaterThan": _ordered(lambda a, b: a > b, _number),
    "NumericGreaterThanEquals": _ordered(lambda a, b: a >= b, _number),
    "DateEquals": _ordered(lambda a, b: a == b, _date),
    "DateLessThan": _ordered(lambda a, b: a < b, _date),
    "DateLessThanEquals": _ordered(lambda a, b: a <= b, _date),
    "DateGreaterThan": _ordered(lambda a, b: a > b, _date),
    "DateGreaterThanEquals": _ordered(lambda a, b: a >= b, _date),
    "Bool": lambda c, p: _text(c).lower() == p.lower(),
    "BinaryEquals": lambda c, p: _text(c) == p,
    "IpAddress": _ip,
    "ArnEquals": lambda c, p: _arn_like(_text(c), _unliteral(p)),
    "ArnLike": lambda c, p: _arn_like(_text(c), _unliteral(p)),
}


def _split_operator(operator: str) -> tuple[str | None, str, bool]:
    qualifier = None
    if ":" in operator:
        qualifier, operator = operator.split(":", 1)
        if qualifier not in ("ForAnyValue", "ForAllValues"):
            raise PolicyError(f"condition operator qualifier {qualifier!r} is not ForAnyValue/ForAllValues")
    if_exists = operator.endswith("IfExists") and operator != "Null"
    if if_exists:
        operator = operator[: -len("IfExists")]
    if operator != "Null" and operator not in _POSITIVE and operator not in _NEGATED:
        raise PolicyError(f"unknown condition operator {operator!r}")
    return qualifier, operator, if_exists


def _condition_holds(operator: str, key: str, values: Any, ctx: Mapping[str, list[Any]]) -> bool:
    qualifier, base, if_exists = _split_operator(operator)
    raw = _as_list(values)
    present = ctx.get(key.lower())
    if base == "Null":
        # "true": the key is absent; "false": it is present (Null condition operator).
        absent = not present
        return any((_text(v).lower() == "true") == absent for v in raw)
    policy_values = [_substitute(_text(v), ctx) for v in raw]
    negated = base in _NEGATED
    test = _POSITIVE[_NEGATED.get(base, base)]
    if not present:
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        # Absent key: no match; a negated operator is then true, ...IfExists is true.
        return if_exists or negated

    def hit(c: Any) -> bool:
        return any(test(c, p) for p in policy_values)

    if qualifier == "ForAllValues":
        return all(hit(c) != negated for c in present)
    if qualifier == "ForAnyValue":
        return any(hit(c) != negated for c in present)
    matched = any(hit(c) for c in present)
    return matched != negated


def _conditions_hold(conditions: Any, ctx: Mapping[str, list[Any]]) -> bool:
    if conditions is None:
        return True
    if not isinstance(conditions, Mapping):
        raise PolicyError("Condition must be an object")
    for operator, pairs in conditions.items():
        if not isinstance(pairs, Mapping):
            raise PolicyError(f"Condition {operator} must map keys to values")
        for key, values in pairs.items():
            if not _condition_holds(operator, key, values, ctx):
                return False
    return True


# ---------------------------------------------------------------- statements

_ACCOUNT_ID = re.compile(r"^\d{12}$")


def _principal_entry(entry_type: str, value: str, p: _Principal, ctx: Mapping[str, list[Any]]) -> str | None:
    """How one Principal entry matches: "exact" (this principal), "account" (its account), None."""
    if value == "*":
        return "exact"
    if entry_type == "AWS":
        if "*" in value or "?" in value:
            raise PolicyError(f"Principal {value!r}: AWS admits no partial wildcard in a principal")
        if p.kind == "service":
            return None
        if _ACCOUNT_ID.match(value) or value.endswith(":root"):
            account = value if _ACCOUNT_ID.match(value) else value.split(":")[4]
            if account != p.account:
                return None
            return "exact" if p.kind == "root" else "account"
        if value in (p.arn, p.role_arn):
            return "exact"
        return None
    if entry_type == "Service":
        return "exact" if p.kind == "service" and value == p.arn else None
    if entry_type == "Federated":
        provider = ctx.get("aws:federatedprovider")
        return "exact" if value == p.arn or (provider and value in map(_text, provider)) else None
    if entry_type == "CanonicalUser":
        return "exact" if value == p.arn else None
    raise PolicyError(f"unknown Principal type {entry_type!r}")


def _principal_match(element: Any, p: _Principal, ctx: Mapping[str, list[Any]]) -> str | None:
    if element == "*":
        return "exact"
    if not isinstance(element, Mapping):
        raise PolicyError(f'Principal must be "*" or an object, not {element!r}')
    best = None
    for entry_type, values in element.items():
        for value in _as_list(values):
            kind = _principal_entry(entry_type, _text(value), p, ctx)
            if kind == "exact":
                return kind
            best = best or kind
    return best


def _not_principal_excludes(element: Any, p: _Principal, ctx: Mapping[str, list[Any]]) -> bool:
    """NotPrincipal exempts a principal only when it is named exactly and, for users and sessions, its
    account is named too; a role session needs its assumed-role session ARN (NotPrincipal page)."""
    if not isinstance(element, Mapping):
        raise PolicyError("NotPrincipal must be an object")
    named = {(t, _text(v)) for t, vs in element.items() for v in _as_list(vs)}
    if p.kind == "service":
        return ("Service", p.arn) in named
    account_named = ("AWS", str(p.account)) in named or any(
        t == "AWS" and v.endswith(":root") and v.split(":")[4] == p.account for t, v in named
    )
    if p.kind == "root":
        return account_named
    return account_named and ("AWS", p.arn) in named and p.arn != p.role_arn


def _statements(policy: Policy, where: str) -> list[Mapping[str, Any]]:
    if not isinstance(policy, Mapping) or "Statement" not in policy:
        raise PolicyError(f"{where}: policy has no Statement")
    out = _as_list(policy["Statement"])
    for stmt in out:
        if not isinstance(stmt, Mapping) or stmt.get("Effect") not in ("Allow", "Deny"):
            raise PolicyError(f"{where}: every statement needs Effect Allow or Deny")
        if ("Action" in stmt) == ("NotAction" in stmt):
            sid = stmt.get("Sid", "?")
            raise PolicyError(f"{where}: statement {sid} needs exactly one of Action/NotAction")
        if "Resource" in stmt and "NotResource" in stmt:
            sid = stmt.get("Sid", "?")
            raise PolicyError(f"{where}: statement {sid} has both Resource and NotResource")
    return out


def _statement_match(
    stmt: Mapping[str, Any],
    request: Request,
    p: _Principal,
    ctx: Mapping[str, list[Any]],
    *,
    resource_policy: bool,
) -> str | None:
    """Does the statement apply? Returns "exact"/"account" (how the principal matched) or None."""
    action = request.action
    if "Action" in stmt:
        if not any(_like(action, _text(a), ignore_case=True) for a in _as_list(stmt["Action"])):
            return None
    elif any(_like(action, _text(a), ignore_case=True) for a in _as_list(stmt["NotAction"])):
        return None
    try:
        if "Resource" in stmt:
            pats = [_unliteral(_substitute(_text(r), ctx)) for r in _as_list(stmt["Resource"])]
            if not any(_resource_like(request.resource, r) for r in pats):
                return None
        elif "NotResource" in stmt:
            pats = [_unliteral(_substitute(_text(r), ctx)) for r in _as_list(stmt["NotResource"])]
            if any(_resource_like(request.resource, r) for r in pats):
                return None
        how: str | None = "exact"
        if resource_policy:
            if "Principal" in stmt:
                how = _principal_match(stmt["Principal"], p, ctx)
            elif "NotPrincipal" in stmt:
                how = None if _not_principal_excludes(stmt["NotPrincipal"], p, ctx) else "exact"
            else:
                raise PolicyError(f"resource policy statement {stmt.get('Sid', '?')} has no Principal")
        elif "Principal" in stmt or "NotPrincipal" in stmt:
            raise PolicyError(f"statement {stmt.get('Sid', '?')}: Principal is only for resource policies")
        if how is None:
            return None
        return how if _conditions_hold(stmt.get("Condition"), ctx) else None
    except _Unresolved:
        return None


def _name(policy: Policy, layer: str, index: int | None = None) -> str:
    ident = policy.get("Id") if isinstance(policy, Mapping) else None
    if ident:
        return f"{layer} {ident}"
    return layer if index is None else f"{layer} #{index}"


def _matches(
    policies: Iterable[tuple[str, Policy]],
    effect: str,
    request: Request,
    p: _Principal,
    ctx: Mapping[str, list[Any]],
    *,
    resource_policy: bool = False,
) -> tuple[str, str] | None:
    """First statement of this effect that applies: (policy label + Sid, how the principal matched)."""
    best: tuple[str, str] | None = None
    for label, policy in policies:
        for stmt in _statements(policy, label):
            if stmt["Effect"] != effect:
                continue
            how = _statement_match(stmt, request, p, ctx, resource_policy=resource_policy)
            if how is None:
                continue
            found = (f"{label}, Sid {stmt.get('Sid', '?')}", how)
            if how == "exact":
                return found
            best = best or found
    return best


# ---------------------------------------------------------------- evaluation

_TRUST_ACTIONS = {
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
}


def _is_key(request: Request) -> bool:
    key_arn = re.match(r"^arn:[^:]+:kms:[^:]*:\d{12}:key/", request.resource)
    return request.action.lower().startswith("kms:") and key_arn is not None


def _is_trust(request: Request) -> bool:
    role_arn = re.match(r"^arn:[^:]+:iam::\d{12}:role/", request.resource)
    return request.action.lower() in _TRUST_ACTIONS and role_arn is not None


def _resource_account_of(resource: str) -> str | None:
    m = _ARN.match(resource)
    return (m.group(4) or None) if m else None


def evaluate(
    request: Request,
    *,
    identity: Sequence[Policy] = (),
    boundary: Policy | None = None,
    scps: Sequence[Sequence[Policy]] = (),
    rcps: Sequence[Sequence[Policy]] = (),
    resource_policy: Policy | None = None,
    principal_account: str | None = None,
    resource_account: str | None = None,
    management_account: bool = False,
    session_policies: Sequence[Policy] = (),
    resource_in_management_account: bool | None = None,
) -> Decision:
    """Decide one request.

    scps: one list of attached policies per level of the principal's OU path (root, OU..., account);
    rcps: the same for the resource's account. management_account: the principal's account is the
    management account (no SCPs); resource_in_management_account (default: management_account when
    the request stays in one account) likewise for RCPs. resource_account defaults to the account in
    the resource ARN, else to the principal's account (S3 ARNs carry none: give it). For a KMS key the
    resource_policy is the key policy, for sts:AssumeRole* on a role the role's trust policy.
    """
    p = _parse_principal(request.principal_arn, _explicit_principal_arn(request))
    p_account = principal_account or p.account
    if principal_account and p.kind != "service":
        p = _Principal(p.arn, p.kind, principal_account, p.role_arn, p.service_linked)
    r_account = resource_account or _resource_account_of(request.resource)
    if r_account is None:
        if request.resource != "*" and resource_policy is not None:
            raise PolicyError(f"resource {request.resource!r} names no account: pass resource_account")
        r_account = p_account
    same = p.kind != "service" and p_account == r_account
    ctx = _context(request, p, r_account)
    if resource_in_management_account is None:
        resource_in_management_account = management_account and same

    scp_apply = bool(scps) and not management_account and p.kind != "service" and not p.service_linked
    rcp_apply = bool(rcps) and not resource_in_management_account and not p.service_linked

    layers: list[tuple[str, Policy]] = []
    if scp_apply:
        layers += [(_name(pol, "SCP", i), pol) for level in scps for i, pol in enumerate(level)]
    rcp_labeled: list[tuple[str, Policy]] = []
    if rcp_apply:  # RCPs name Principal "*", like resource policies
        rcp_labeled = [(_name(pol, "RCP", i), pol) for level in rcps for i, pol in enumerate(level)]
    identity_labeled = [(_name(pol, "identity policy", i), pol) for i, pol in enumerate(identity)]
    boundary_labeled = [(_name(boundary, "permissions boundary"), boundary)] if boundary is not None else []
    session_labeled = [(_name(pol, "session policy", i), pol) for i, pol in enumerate(session_policies)]
    resource_labeled = (
        [(_name(resource_policy, _resource_label(request)), resource_policy)] if resource_policy else []
    )

    # 1. An explicit Deny in any applicable policy decides.
    deny = _matches(layers + identity_labeled + boundary_labeled + session_labeled, "Deny", request, p, ctx)
    deny = deny or _matches(rcp_labeled + resource_labeled, "Deny", request, p, ctx, resource_policy=True)
    if deny:
        return Decision(False, f"explicit Deny: {deny[0]}")

    # 2. RCPs then SCPs: every level of the path must allow.
    for kind, levels, applies in (("RCP", rcps, rcp_apply), ("SCP", scps, scp_apply)):
        for depth, level in enumerate(levels if applies else ()):
            labeled = [(_name(pol, kind, i), pol) for i, pol in enumerate(level)]
            if not _matches(labeled, "Allow", request, p, ctx, resource_policy=kind == "RCP"):
                return Decision(False, f"implicit deny: no {kind} at OU path level {depth} allows it")

    # 3. Resource-based and identity-based policies.
    granted = _matches(resource_labeled, "Allow", request, p, ctx, resource_policy=True)
    if p.kind == "service":
        if granted and granted[1] == "exact":
            return Decision(True, f"allowed: {granted[0]} grants {p.arn}")
        return Decision(False, f"implicit deny: no resource policy grants the service principal {p.arn}")

    # Permissions boundary and session policies cap what the principal may do (stricter reading: AWS
    # lets a same-account resource policy naming a user or session ARN bypass them).
    if boundary_labeled and not _matches(boundary_labeled, "Allow", request, p, ctx):
        return Decision(False, f"implicit deny: the permissions boundary does not allow {request.action}")
    if session_labeled and not _matches(session_labeled, "Allow", request, p, ctx):
        return Decision(False, f"implicit deny: no session policy allows {request.action}")
    identity_grant: tuple[str, str] | None
    if p.kind == "root":
        identity_grant = ("the account root user", "exact")  # full access unless an SCP or policy denies
    else:
        identity_grant = _matches(identity_labeled, "Allow", request, p, ctx)

    if _is_trust(request):
        if p.kind == "root":
            return Decision(False, "denied: the root user cannot assume a role")
        if not granted:
            return Decision(False, f"implicit deny: the trust policy of {request.resource} lacks the caller")
        if same and granted[1] == "exact":
            return Decision(True, f"allowed: {granted[0]} trusts the principal")
        if identity_grant:
            return Decision(True, f"allowed: {granted[0]} and {identity_grant[0]}")
        return Decision(False, "implicit deny: the trust policy names the account, no identity policy allows")

    if _is_key(request):
        if resource_policy is None:
            return Decision(False, f"implicit deny: no key policy given for {request.resource}")
        if same and granted and granted[1] == "exact" and p.kind != "root":
            return Decision(True, f"allowed: {granted[0]}")
        if same and p.kind == "root":
            if granted:
                return Decision(True, f"allowed: {granted[0]} grants the account")
            return Decision(False, "implicit deny: the key policy does not grant the account root user")
        if granted and identity_grant:
            return Decision(True, f"allowed: {granted[0]} and {identity_grant[0]}")
        if not granted:
            return Decision(False, "implicit deny: the key policy does not allow the caller or its account")
        return Decision(False, f"implicit deny: no identity policy allows {request.action}")

    if same:
        if identity_grant:
            return Decision(True, f"allowed: {identity_grant[0]}")
        if granted and granted[1] == "exact":
            return Decision(True, f"allowed: {granted[0]}")
        return Decision(False, f"implicit deny: nothing allows {request.action} on {request.resource}")
    if not granted:
        return Decision(False, f"implicit deny: cross-account, no resource policy of {r_account} allows")
    if not identity_grant:
        return Decision(False, f"implicit deny: cross-account, no identity policy of {p_account} allows")
    return Decision(True, f"allowed: {granted[0]} and {identity_grant[0]}")


def _explicit_principal_arn(request: Request) -> str | None:
    for key, value in request.context.items():
        if key.lower() == "aws:principalarn" and isinstance(value, str):
            return value
    return None


def _resource_label(request: Request) -> str:
    if _is_key(request):
        return "key policy"
    if _is_trust(request):
        return "trust policy"
    return "resource policy"


# ---------------------------------------------------------------- one policy alone (package tests)


def policy_match(
    policy: Policy, request: Request, effect: str, *, resource_policy: bool | None = None
) -> str | None:
    """The label/Sid of the first statement of this effect in this one policy that applies, or None.

    resource_policy: whether Principal elements are matched (default: when the policy has any)."""
    p = _parse_principal(request.principal_arn, _explicit_principal_arn(request))
    ctx = _context(request, p, _resource_account_of(request.resource))
    if resource_policy is None:
        resource_policy = any("Principal" in s or "NotPrincipal" in s for s in _statements(policy, "policy"))
    labeled = [(_name(policy, "policy"), policy)]
    found = _matches(labeled, effect, request, p, ctx, resource_policy=resource_policy)
    return found[0] if found else None


def denies(policy: Policy, request: Request) -> bool:
    """Does an explicit Deny of this policy apply to the request?"""
    return policy_match(policy, request, "Deny") is not None


def allows(policy: Policy, request: Request) -> bool:
    """Does an Allow of this policy apply and no Deny (this policy alone)?"""
    return not denies(policy, request) and policy_match(policy, request, "Allow") is not None
