"""Service control policies: IAM policy grammar as SCPs allow it, and size after CfCT's transformation.

CfCT sends the policy file's text, not minified JSON (CfCT v2.8.4 state_machine_handler.py
`_load_policy`: text mode, `
` -> `
`, every double space removed, `policy_text_as_sent`), and
Organizations counts the characters it receives against the policy-size quota (the API and SDKs keep
whitespace; only the console strips it): 10,240 characters for SCPs since May 2026, 5,120 for RCPs; at
most 10 SCPs (5 RCPs) attached to one root, OU or account (the FullAWSAccess policy that
Organizations attaches by default takes one of those places while it stays attached). The numbers
live in cfct_backup.quotas with their source.
SCPs do not support `Principal` / `NotPrincipal`.

RCPs (AWS Organizations, "RCP syntax"): `Principal` must be "*", `NotPrincipal` and `NotAction` are
not among their elements, and Effect `Allow` is reserved to the AWS managed RCPFullAWSAccess. RCPs
apply only to the services listed in "List of AWS services that support RCPs"; an action of another
service (AWS Backup, for one) restricts nothing, which is reported as a warning.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from cfct_backup.cfct.interpreter import policy_text_as_sent
from cfct_backup.problems import Problem
from cfct_backup.quotas import quota

MAX_SCP_BYTES = quota("scp.max_chars")
MAX_RCP_CHARS = quota("rcp.max_chars")
MAX_POLICIES_PER_TARGET = quota("scp.max_per_target")
MAX_RCPS_PER_TARGET = quota("rcp.max_per_target")
VERSIONS = ("2012-10-17", "2008-10-17")
STATEMENT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
# Service prefixes whose resources RCPs apply to (AWS Organizations, "List of AWS services that
# support RCPs"): S3, STS, KMS, SQS and Secrets Manager at launch; ECR and OpenSearch Serverless
# since (both in AWS's data-perimeter RCP examples); Cognito, CloudWatch Logs and DynamoDB added
# later. Outside this list only a warning: a stale list must not block a valid package.
RCP_SERVICES = frozenset(
    {
        "s3",
        "sts",
        "kms",
        "sqs",
        "secretsmanager",
        "ecr",
        "aoss",
        "cognito-idp",
        "cognito-identity",
        "logs",
        "dynamodb",
    }
)
ACTION_RE = re.compile(r"^(\*|[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+)$")
SID_RE = re.compile(r"^[A-Za-z0-9]*$")
BASE_OPERATORS = {
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
    "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
    "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
    "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals",
    "ArnNotLike",
}  # fmt: skip


def _condition_operator_ok(op: str) -> bool:
    name = op
    for prefix in ("ForAllValues:", "ForAnyValue:"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    if name == "Null":
        return op == "Null"
    if name.endswith("IfExists"):
        name = name[: -len("IfExists")]
    return name in BASE_OPERATORS


def minified_size(data: Any) -> int:
    return len(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def check_scp(text: str, source: str, kind: str = "SCP") -> list[Problem]:
    """Grammar and size of one SCP (or RCP: `kind="RCP"`, which requires Principal "*")."""
    problems: list[Problem] = []
    code = kind

    def add(message: str, suffix: str, severity: str = "error") -> None:
        problems.append(
            Problem(source, None, "error" if severity == "error" else "warning", f"{code}{suffix}", message)
        )

    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKeyError as exc:
        add(f"duplicate key '{exc.key}'", "002")
        return problems
    except json.JSONDecodeError as exc:
        problems.append(Problem(source, exc.lineno, "error", f"{code}001", f"not valid JSON: {exc.msg}"))
        return problems
    except (ValueError, RecursionError) as exc:
        add(f"not valid JSON: {exc}", "001")
        return problems
    if not isinstance(data, dict):
        add("a policy is a JSON object with Version and Statement", "003")
        return problems
    sent = policy_text_as_sent(text)
    size = len(sent)
    limit = MAX_RCP_CHARS if kind == "RCP" else MAX_SCP_BYTES
    if size > limit:
        add(
            f"{size} characters as CfCT sends it (the file text, CRLF line ends, double spaces removed;"
            f" {minified_size(data)} minified); the quota is {limit}",
            "010",
        )
    try:
        json.loads(sent)
    except ValueError as exc:
        add(f"not JSON once CfCT removes its double spaces and adds CR: {exc}", "001")
    for key in data:
        if key not in ("Version", "Statement", "Id"):
            add(f"unknown top-level element '{key}'", "003")
    if data.get("Version") not in VERSIONS:
        add(f'Version must be "2012-10-17", got {json.dumps(data.get("Version"))}', "004")
    statements = data.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        add("Statement must be a statement or a non-empty list of statements", "005")
        return problems
    sids: set[str] = set()
    for i, st in enumerate(statements):
        where = f"Statement[{i}]"
        if not isinstance(st, Mapping):
            add(f"{where} must be an object", "005")
            continue
        sid = st.get("Sid")
        if sid is not None:
            where = f"Statement[{i}] ({sid})"
            if not isinstance(sid, str) or not SID_RE.match(sid):
                add(f"{where}: Sid must be letters and digits only", "006")
            elif sid in sids:
                add(f"{where}: Sid is used twice", "006")
            sids.add(str(sid))
        for key in st:
            if key in ("Principal", "NotPrincipal"):
                if kind == "SCP":
                    add(f"{where}: {key} is not supported in SCPs", "007")
                elif key == "NotPrincipal":
                    add(f"{where}: NotPrincipal is not supported in RCPs", "007")
                elif st.get(key) != "*":
                    add(f'{where}: an RCP\'s {key} must be "*"', "007")
            elif key not in STATEMENT_KEYS:
                add(f"{where}: unknown element '{key}'", "003")
        if kind == "RCP" and "Principal" not in st:
            add(f'{where}: an RCP statement needs Principal "*"', "007")
        if st.get("Effect") not in ("Allow", "Deny"):
            add(f"{where}: Effect must be Allow or Deny", "008")
        elif kind == "RCP" and st.get("Effect") != "Deny":
            add(f"{where}: an RCP only denies (Allow is reserved to RCPFullAWSAccess)", "011")
        if kind == "RCP" and "NotAction" in st:
            add(f"{where}: NotAction is not supported in RCPs", "011")
        if kind == "RCP" and "Action" in st:
            for action in _strings(st["Action"]):
                service = action.split(":", 1)[0].lower() if action and ":" in action else None
                if service is not None and service not in RCP_SERVICES:
                    add(
                        f"{where}: RCPs do not apply to {service} ({action} restricts nothing);"
                        f" supported: {', '.join(sorted(RCP_SERVICES))}",
                        "012",
                        "warning",
                    )
        if ("Action" in st) == ("NotAction" in st):
            add(f"{where}: exactly one of Action and NotAction", "008")
        for key in ("Action", "NotAction"):
            if key in st:
                for action in _strings(st[key]):
                    if action is None or not ACTION_RE.match(action):
                        add(f"{where}: {key} {json.dumps(action)} is not service:Action", "008")
        if "Resource" in st and "NotResource" in st:
            add(f"{where}: Resource and NotResource together", "008")
        for key in ("Resource", "NotResource"):
            if key in st:
                for res in _strings(st[key]):
                    if res is None or not (res == "*" or res.startswith("arn:")):
                        add(f"{where}: {key} {json.dumps(res)} is not an ARN or *", "008")
        cond = st.get("Condition")
        if cond is not None:
            if not isinstance(cond, Mapping):
                add(f"{where}: Condition must be an object", "009")
                continue
            for op, block in cond.items():
                if not _condition_operator_ok(str(op)):
                    add(f"{where}: unknown condition operator '{op}'", "009")
                if not isinstance(block, Mapping) or not block:
                    add(f"{where}: Condition {op} must map condition keys to values", "009")
                    continue
                for ckey, value in block.items():
                    values = value if isinstance(value, list) else [value]
                    if not values or not all(isinstance(v, str | bool | int | float) for v in values):
                        add(f"{where}: Condition {op} {ckey} needs string, number or boolean values", "009")
    return problems


def _strings(value: Any) -> list[str | None]:
    items = value if isinstance(value, list) else [value]
    if not items:
        return [None]
    return [v if isinstance(v, str) else None for v in items]


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out
