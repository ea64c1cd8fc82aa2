"""The CfCT v2 manifest (`manifest.yaml`, `version: 2021-03-15`): load, check, model.

The schema is written from the documented format (Control Tower user guide, "The CfCT manifest
file" and "The resources section of the CfCT manifest file"):

    region: str                       (required)
    version: 2021-03-15               (required)
    enable_stack_set_deletion: bool
    resources:                        list of
      - name: str                     (required, unique)
        description: str
        resource_file: str            (required; local path, S3 URI or S3 URL)
        deployment_targets:           (required)
          accounts: [str]             12-digit IDs (quoted!) or account names
          organizational_units: [str] OU names, nested as `Parent:Child` (no `Root:`)
        parameters: [{parameter_key, parameter_value}]   | parameter_file: str   (never both)
        deploy_method: scp | stack_set | rcp             (required)
        regions: [str]
        export_outputs: [{name, value}]

On top of the schema, the CfCT traps that the pipeline lets through silently are errors here:
account IDs that YAML 1.1 reads as numbers (a leading 0 makes them octal), emails in `accounts`,
`Root:` OU paths, `parameters` together with `parameter_file`, a scalar `regions`, unknown keys,
and `$[alfred_...]` helpers that CfCT does not have (CfCT passes an unknown helper through as a
literal string).

`load_manifest` raises `ManifestError` when there is any error; `check_manifest` returns the model
(when it could be built) together with every problem, warnings included.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cfct_backup.cfct.schema import CFCT_TAG, schema_errors
from cfct_backup.problems import Problem, Severity, did_you_mean

MANIFEST_VERSION = "2021-03-15"
DEPLOY_METHODS = ("scp", "stack_set", "rcp")

TOP_KEYS = {"region", "version", "enable_stack_set_deletion", "resources"}
RESOURCE_KEYS = {
    "name",
    "description",
    "resource_file",
    "deployment_targets",
    "parameters",
    "parameter_file",
    "deploy_method",
    "regions",
    "export_outputs",
}
PARAMETER_KEYS = {"parameter_key", "parameter_value"}
EXPORT_KEYS = {"name", "value"}

ACCOUNT_ID_RE = re.compile(r"^\d{12}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Organizations account names: 1-50 printable characters (no control characters).
ACCOUNT_NAME_RE = re.compile(r"^[\x20-\x7e\u00a0-\uffff]{1,50}$")
REGION_RE = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
ALFRED_RE = re.compile(r"\$\[(alfred_[^\]]*)\]")
# CfCT's parameter handler (aws-control-tower-customizations, ParameterHandler
# `_process_alfred_helper`) resolves alfred_ssm_<name>, alfred_genkeypair, alfred_genpass_<N> and
# alfred_genaz_<N>; any other `$[keyword]` becomes the literal `keyword`. alfred_genuuid is named in
# that function's comment but has no branch of its own: it is accepted with a warning.
ALFRED_HELPERS = (
    re.compile(r"^alfred_ssm_[A-Za-z0-9_.\-/]+$"),
    re.compile(r"^alfred_genkeypair$"),
    re.compile(r"^alfred_genpass_\d+$"),
    re.compile(r"^alfred_genaz_\d+$"),
    re.compile(r"^alfred_genuuid$"),
)
ALFRED_UNHANDLED = {"alfred_genuuid"}
# Only $[output_<Key>] is meaningful in export_outputs values.
OUTPUT_REF_RE = re.compile(r"^\$\[output_[A-Za-z0-9]+\]$")


@dataclass(frozen=True)
class ManifestResource:
    name: str
    description: str
    resource_file: str
    deploy_method: str
    accounts: tuple[str, ...]
    organizational_units: tuple[str, ...]
    parameters: tuple[tuple[str, str], ...] | None
    parameter_file: str | None
    regions: tuple[str, ...]
    export_outputs: tuple[tuple[str, str], ...]
    line: int
    # lines of individual entries, for checks that point at them (not part of equality)
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Manifest:
    region: str
    version: str
    enable_stack_set_deletion: bool
    resources: tuple[ManifestResource, ...]


class ManifestError(Exception):
    """The manifest is not valid: `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0] if problems else None
        super().__init__(str(first) if first else "invalid manifest")


# --------------------------------------------------------------------------------------------
# YAML with line numbers


class _Loader(yaml.SafeLoader):
    """SafeLoader (YAML 1.1, like CfCT's PyYAML) that never builds Python objects itself."""


def _compose(text: str) -> yaml.Node | None:
    return yaml.compose(text, Loader=_Loader)


@dataclass
class _Ctx:
    path: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, node: yaml.Node | None, code: str, message: str, severity: Severity = "error") -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(Problem(self.path, line, severity, code, message))


_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL_TAG = "tag:yaml.org,2002:null"
_TS_TAG = "tag:yaml.org,2002:timestamp"


def _plain(node: yaml.Node) -> Any:
    """The Python value of a node, as yaml.safe_load would build it (merge keys not supported)."""
    loader = _Loader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _pairs(node: yaml.MappingNode, ctx: _Ctx, where: str) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
    seen: set[str] = set()
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            ctx.add(key_node, "MAN003", f"{where}: keys must be plain strings")
            continue
        key = str(key_node.value)
        if key in seen:
            ctx.add(key_node, "MAN019", f"{where}: duplicate key '{key}' (YAML keeps only the last one)")
        seen.add(key)
        yield key, key_node, value_node


def _str(node: yaml.Node, ctx: _Ctx, where: str, *, allow_empty: bool = False) -> str | None:
    if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL_TAG:
        ctx.add(node, "MAN005", f"{where} must be a string")
        return None
    value = str(node.value)
    if node.tag != _STR_TAG:
        # a plain scalar that YAML reads as a number/bool/date; CfCT's schema wants a string
        ctx.add(node, "MAN005", f"{where} must be a string, YAML reads {value!r} as {_kind(node)}; quote it")
        return None
    if not value and not allow_empty:
        ctx.add(node, "MAN005", f"{where} must not be empty")
        return None
    return value


def _kind(node: yaml.ScalarNode) -> str:
    return {
        _INT_TAG: "a number",
        _FLOAT_TAG: "a number",
        _BOOL_TAG: "a boolean",
        _NULL_TAG: "null",
        _TS_TAG: "a date",
    }.get(node.tag, node.tag)


def _seq(node: yaml.Node, ctx: _Ctx, where: str, code: str = "MAN005") -> list[yaml.Node] | None:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
        return []
    ctx.add(node, code, f"{where} must be a list")
    return None


# --------------------------------------------------------------------------------------------
# checks


def _check_alfred(value: str, node: yaml.Node, ctx: _Ctx, where: str) -> None:
    """CfCT's CFNParamsHandler.update_params: the value is split on commas (each item stripped),
    and an item is a helper only when it *is* `$[keyword]`; alfred_ssm_<name>, alfred_genkeypair,
    alfred_genpass_<N> and alfred_genaz_<N> are resolved, any other keyword (alfred_genuuid
    included: it has no branch) becomes the literal keyword, without `$[ ]`."""
    for item in (i.strip() for i in value.split(",")):
        if not ALFRED_RE.search(item):
            continue
        if not (item.startswith("$[") and item.endswith("]")):
            ctx.add(
                node,
                "MAN017",
                f"{where}: '{item}' has a $[alfred_...] helper inside other text; CfCT resolves a helper only"
                " when it is the whole value (or a whole comma-separated item) and passes this text as is",
                "warning",
            )
            continue
        keyword = item[2:-1]
        if keyword == "alfred_ssm_":
            ctx.add(node, "MAN017", f"{where}: $[alfred_ssm_] names no parameter; CfCT raises KeyError")
        elif re.match(r"^alfred_gen(pass|az)_", keyword) and not re.match(
            r"^alfred_gen(pass|az)_\d+$", keyword
        ):
            ctx.add(node, "MAN017", f"{where}: {item}: CfCT reads the count with int() and fails on it")
        elif not any(p.match(keyword) for p in ALFRED_HELPERS) or keyword in ALFRED_UNHANDLED:
            ctx.add(
                node,
                "MAN017",
                f"{where}: {item} is not a helper CfCT resolves ($[alfred_ssm_/name], $[alfred_genkeypair],"
                f" $[alfred_genpass_N], $[alfred_genaz_N]); the stack receives the literal '{keyword}'",
                "warning",
            )


def _account(node: yaml.Node, ctx: _Ctx, where: str) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        ctx.add(node, "MAN005", f"{where} must be an account ID or name")
        return None
    raw = str(node.value)
    if node.tag in (_INT_TAG, _FLOAT_TAG):
        value = _plain(node)
        if raw.lstrip("+-").startswith("0") and raw.isdigit() and raw != str(value):
            ctx.add(
                node,
                "MAN010",
                f"{where}: account ID {raw} is not quoted; YAML 1.1 reads the leading 0 as octal and gives"
                f" {value}. Quote it: '{raw}'",
            )
        else:
            ctx.add(
                node,
                "MAN010",
                f"{where}: account ID {raw} is not quoted; YAML reads it as a number. Quote it: '{raw}'",
            )
        # what CfCT then works with: its yorm String attribute turns the number into str(number)
        # (an octal 012345670123 becomes '1402433619', no account ID, so a name that matches nothing)
        return str(_plain(node))
    if node.tag != _STR_TAG:
        ctx.add(node, "MAN005", f"{where}: {raw!r} is {_kind(node)}, not an account ID or name")
        return None
    if node.style is None and raw.isdigit():
        ctx.add(
            node,
            "MAN010",
            f"{where}: account ID {raw} is not quoted; PyYAML keeps it a string only because it is not a"
            " valid octal number, other YAML parsers read it as a number. Quote it",
        )
    elif EMAIL_RE.match(raw):
        ctx.add(node, "MAN011", f"{where}: '{raw}' is an email; CfCT resolves accounts by ID or name only")
    elif raw.isdigit() and not ACCOUNT_ID_RE.match(raw):
        ctx.add(node, "MAN012", f"{where}: '{raw}' is not a 12-digit account ID")
    elif not raw.strip() or not ACCOUNT_NAME_RE.match(raw):
        ctx.add(node, "MAN012", f"{where}: {raw!r} is neither a 12-digit account ID nor an account name")
    return raw


def _ou(node: yaml.Node, ctx: _Ctx, where: str) -> str | None:
    value = _str(node, ctx, where)
    if value is None:
        return None
    if value == "Root" or value.startswith("Root:"):
        ctx.add(
            node,
            "MAN014",
            f"{where}: OU path '{value}' starts with Root; CfCT paths start below the root"
            " (nested OUs as 'Parent:Child')",
        )
    elif any(not part.strip() for part in value.split(":")):
        ctx.add(node, "MAN014", f"{where}: OU path '{value}' has an empty segment")
    return value


def _parameters(node: yaml.Node, ctx: _Ctx, where: str) -> tuple[tuple[str, str], ...] | None:
    items = _seq(node, ctx, where)
    if items is None:
        return None
    out: list[tuple[str, str]] = []
    keys: set[str] = set()
    for i, item in enumerate(items):
        here = f"{where}[{i}]"
        if not isinstance(item, yaml.MappingNode):
            ctx.add(item, "MAN005", f"{here} must be a mapping with parameter_key and parameter_value")
            continue
        key: str | None = None
        value: str | None = None
        present: set[str] = set()
        for k, knode, vnode in _pairs(item, ctx, here):
            present.add(k)
            if k == "parameter_key":
                key = _str(vnode, ctx, f"{here}.parameter_key")
            elif k == "parameter_value":
                value = _param_value(vnode, ctx, f"{here}.parameter_value")
            else:
                ctx.add(
                    knode,
                    "MAN003",
                    f"{here}: unknown key '{k}'{did_you_mean(k, ('parameter_key', 'parameter_value'))} "
                    "(allowed: parameter_key, parameter_value)",
                )
        for required in sorted(PARAMETER_KEYS - present):
            ctx.add(item, "MAN004", f"{here}: missing '{required}'")
        if key is not None:
            if key in keys:
                ctx.add(item, "MAN018", f"{here}: parameter '{key}' is given twice")
            keys.add(key)
            if value is not None:
                out.append((key, value))
    return tuple(out)


def _param_value(node: yaml.Node, ctx: _Ctx, where: str) -> str | None:
    """CfCT accepts any scalar or a list (joined with commas); we keep the string CloudFormation gets."""
    if isinstance(node, yaml.SequenceNode):
        parts = []
        for item in node.value:
            part = _param_value(item, ctx, where)
            if part is None:
                return None
            parts.append(part)
        return ",".join(parts)
    if not isinstance(node, yaml.ScalarNode):
        ctx.add(node, "MAN005", f"{where} must be a string or a list of strings")
        return None
    if node.tag == _NULL_TAG:
        return ""
    if node.tag == _BOOL_TAG:
        value = _plain(node)
        return "true" if value else "false"
    if node.tag in (_INT_TAG, _FLOAT_TAG):
        raw = str(node.value)
        value = _plain(node)
        if str(value) != raw:
            ctx.add(
                node,
                "MAN010",
                f"{where}: {raw} is not quoted and YAML reads it as {value}; quote it: '{raw}'",
            )
        return raw
    value = str(node.value)
    _check_alfred(value, node, ctx, where)
    return value


def _exports(node: yaml.Node, ctx: _Ctx, where: str) -> tuple[tuple[str, str], ...]:
    items = _seq(node, ctx, where) or []
    out: list[tuple[str, str]] = []
    for i, item in enumerate(items):
        here = f"{where}[{i}]"
        if not isinstance(item, yaml.MappingNode):
            ctx.add(item, "MAN005", f"{here} must be a mapping with name and value")
            continue
        got: dict[str, str] = {}
        for k, knode, vnode in _pairs(item, ctx, here):
            if k in EXPORT_KEYS:
                s = _str(vnode, ctx, f"{here}.{k}")
                if s is not None:
                    got[k] = s
                    if k == "name" and not s.startswith("/"):
                        ctx.add(vnode, "MAN020", f"{here}.name: SSM parameter name '{s}' must start with '/'")
                    if k == "value" and not OUTPUT_REF_RE.match(s) and "$[" in s:
                        ctx.add(vnode, "MAN020", f"{here}.value: only $[output_<OutputKey>] is resolved here")
            else:
                ctx.add(
                    knode,
                    "MAN003",
                    f"{here}: unknown key '{k}'{did_you_mean(k, ('name', 'value'))} (allowed: name, value)",
                )
        for required in sorted(EXPORT_KEYS - {k for k, _, _ in _pairs_silent(item)}):
            ctx.add(item, "MAN004", f"{here}: missing '{required}'")
        if "name" in got and "value" in got:
            out.append((got["name"], got["value"]))
    return tuple(out)


def _pairs_silent(node: yaml.MappingNode) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode):
            yield str(k.value), k, v


def _resource(node: yaml.Node, index: int, ctx: _Ctx) -> ManifestResource | None:
    where = f"resources[{index}]"
    if not isinstance(node, yaml.MappingNode):
        ctx.add(node, "MAN005", f"{where} must be a mapping")
        return None
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    nodes: dict[str, yaml.Node] = {}
    name_for_msgs = where
    for k, _knode, vnode in _pairs_silent(node):
        if k == "name" and isinstance(vnode, yaml.ScalarNode):
            name_for_msgs = f"resource '{vnode.value}'"
    for k, knode, vnode in _pairs(node, ctx, name_for_msgs):
        nodes[k] = vnode
        lines[k] = knode.start_mark.line + 1
        if k not in RESOURCE_KEYS:
            ctx.add(
                knode,
                "MAN003",
                f"{name_for_msgs}: unknown key '{k}'{did_you_mean(k, RESOURCE_KEYS)} "
                f"(allowed: {', '.join(sorted(RESOURCE_KEYS))})",
            )
    for required in ("name", "resource_file", "deployment_targets", "deploy_method"):
        if required not in nodes:
            ctx.add(node, "MAN004", f"{name_for_msgs}: missing required key '{required}'")
    ok = True
    for key in ("name", "resource_file", "parameter_file"):
        if key in nodes:
            values[key] = _str(nodes[key], ctx, f"{name_for_msgs}.{key}")
            ok = ok and values[key] is not None
    if "description" in nodes:
        values["description"] = _str(
            nodes["description"], ctx, f"{name_for_msgs}.description", allow_empty=True
        )
    method = None
    if "deploy_method" in nodes:
        method = _str(nodes["deploy_method"], ctx, f"{name_for_msgs}.deploy_method")
        if method is not None and method not in DEPLOY_METHODS:
            ctx.add(
                nodes["deploy_method"],
                "MAN007",
                f"{name_for_msgs}.deploy_method '{method}' is not one of {', '.join(DEPLOY_METHODS)}",
            )
            method = None
    accounts: list[str] = []
    ous: list[str] = []
    if "deployment_targets" in nodes:
        targets = nodes["deployment_targets"]
        if not isinstance(targets, yaml.MappingNode):
            ctx.add(targets, "MAN005", f"{name_for_msgs}.deployment_targets must be a mapping")
        else:
            for k, knode, vnode in _pairs(targets, ctx, f"{name_for_msgs}.deployment_targets"):
                here = f"{name_for_msgs}.deployment_targets.{k}"
                if k == "accounts":
                    for i, item in enumerate(_seq(vnode, ctx, here) or []):
                        acc = _account(item, ctx, f"{here}[{i}]")
                        if acc is not None:
                            if acc in accounts:
                                ctx.add(item, "MAN018", f"{here}[{i}]: '{acc}' is listed twice", "warning")
                            accounts.append(acc)
                            lines[f"accounts[{len(accounts) - 1}]"] = item.start_mark.line + 1
                elif k == "organizational_units":
                    for i, item in enumerate(_seq(vnode, ctx, here) or []):
                        ou = _ou(item, ctx, f"{here}[{i}]")
                        if ou is not None:
                            if ou in ous:
                                ctx.add(item, "MAN018", f"{here}[{i}]: '{ou}' is listed twice", "warning")
                            ous.append(ou)
                            lines[f"organizational_units[{len(ous) - 1}]"] = item.start_mark.line + 1
                else:
                    ctx.add(
                        knode,
                        "MAN003",
                        f"{name_for_msgs}.deployment_targets: unknown key '{k}'"
                        f"{did_you_mean(k, ('accounts', 'organizational_units'))}"
                        " (allowed: accounts, organizational_units)",
                    )
            if not accounts and not ous:
                ctx.add(
                    targets,
                    "MAN021",
                    f"{name_for_msgs}: deployment_targets has no accounts and no OUs",
                    "warning",
                )
    parameters = None
    if "parameters" in nodes:
        parameters = _parameters(nodes["parameters"], ctx, f"{name_for_msgs}.parameters")
        if "parameter_file" in nodes:
            ctx.add(
                nodes["parameters"],
                "MAN015",
                f"{name_for_msgs}: both 'parameters' and 'parameter_file' are given; CfCT uses only one"
                " of them, silently",
            )
    regions: list[str] = []
    if "regions" in nodes:
        rnode = nodes["regions"]
        if isinstance(rnode, yaml.ScalarNode) and rnode.tag != _NULL_TAG:
            ctx.add(
                rnode,
                "MAN016",
                f"{name_for_msgs}.regions must be a list (write '- {rnode.value}'), not a single string",
            )
        else:
            for i, item in enumerate(_seq(rnode, ctx, f"{name_for_msgs}.regions", "MAN016") or []):
                region = _str(item, ctx, f"{name_for_msgs}.regions[{i}]")
                if region is None:
                    continue
                if not REGION_RE.match(region) and not ALFRED_RE.search(region):
                    ctx.add(item, "MAN022", f"{name_for_msgs}.regions[{i}]: '{region}' is not a Region name")
                if region in regions:
                    ctx.add(item, "MAN018", f"{name_for_msgs}.regions[{i}]: '{region}' is listed twice")
                regions.append(region)
    exports: tuple[tuple[str, str], ...] = ()
    if "export_outputs" in nodes:
        exports = _exports(nodes["export_outputs"], ctx, f"{name_for_msgs}.export_outputs")
    if method == "stack_set" and "Root" in ous:
        ctx.add(
            nodes["deployment_targets"],
            "MAN030",
            f"{name_for_msgs}: a stack set targeting 'Root': CfCT resolves Root from the accounts of the"
            " AWSControlTowerBP-BASELINE-CONFIG stack set (and then ignores the other OUs listed), which"
            " landing zone 4.0 no longer has; list the OUs instead",
        )
    if method in ("scp", "rcp"):
        for key in ("parameters", "parameter_file", "regions", "export_outputs"):
            if key in nodes:
                ctx.add(
                    nodes[key],
                    "MAN023",
                    f"{name_for_msgs}: '{key}' has no effect with deploy_method {method}",
                    "warning",
                )
        if accounts:
            ctx.add(
                nodes["deployment_targets"],
                "MAN023",
                f"{name_for_msgs}: CfCT attaches {method.upper()}s to OUs; 'accounts' targets are ignored",
                "warning",
            )
    if not ok or method is None or any(values.get(k) is None for k in ("name", "resource_file")):
        return None
    return ManifestResource(
        name=values["name"],
        description=values.get("description") or "",
        resource_file=values["resource_file"],
        deploy_method=method,
        accounts=tuple(accounts),
        organizational_units=tuple(ous),
        parameters=parameters,
        parameter_file=values.get("parameter_file"),
        regions=tuple(regions),
        export_outputs=exports,
        line=node.start_mark.line + 1,
        lines=lines,
    )


# Our checks that CfCT's schema also makes: when the schema reports the same line, its line stands
# alone; when it does not, ours is a warning (a package CfCT accepts gets no error from a rule that
# is ours alone).
SCHEMA_COVERED = {"MAN002", "MAN003", "MAN004", "MAN005", "MAN006", "MAN007", "MAN016", "MAN018", "MAN019"}
# Ours alone, and CfCT accepts the package: warnings (what CfCT then does is in each message).
OURS_ALONE = {"MAN010", "MAN011", "MAN012", "MAN015", "MAN020", "MAN022"}


def parse_manifest(text: str, path: str = "manifest.yaml") -> tuple[Manifest | None, list[Problem]]:
    """Parse and check manifest text against CfCT's own schema (pykwalify, `cfct.schema`) and the
    CfCT semantics on top; return the model (None if it cannot be built) and all problems.

    Errors are what CfCT refuses (its schema, in its build stage) or fails on when it deploys
    (`Root:` paths, a `Root` stack-set target on landing zone 4.0); what only this project
    objects to is a warning."""
    manifest, ours = _parse_ours(text, path)
    if any(p.code == "MAN001" for p in ours):
        return manifest, ours
    try:
        root = _compose(text)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        root = None
    by_line: dict[int | None, list[str]] = {}
    for line, message in schema_errors(text, root):
        by_line.setdefault(line, []).append(message)
    out: list[Problem] = []
    merged: set[int | None] = set()
    for p in ours:
        if p.code in SCHEMA_COVERED and p.severity == "error":
            if p.line in by_line:  # one line: ours explains it, the schema's words say CfCT refuses it
                merged.add(p.line)
                refusal = "; ".join(by_line[p.line])
                out.append(
                    Problem(p.path, p.line, "error", p.code, f"{p.message} (CfCT's schema: {refusal})")
                )
            else:
                out.append(Problem(p.path, p.line, "warning", p.code, p.message))
        elif p.code in OURS_ALONE and p.severity == "error":
            out.append(Problem(p.path, p.line, "warning", p.code, p.message))
        else:
            out.append(p)
    for line, messages in by_line.items():
        if line not in merged:
            out.extend(
                Problem(
                    path,
                    line,
                    "error",
                    "MAN100",
                    f"CfCT's manifest-v2 schema ({CFCT_TAG}, pykwalify) refuses it: {message};"
                    " CfCT's build stage stops the pipeline",
                )
                for message in messages
            )
    return manifest, out


def _parse_ours(text: str, path: str) -> tuple[Manifest | None, list[Problem]]:
    ctx = _Ctx(path)
    try:
        root = _compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        ctx.problems.append(Problem(path, line, "error", "MAN001", f"not valid YAML: {reason}"))
        return None, ctx.problems
    except (ValueError, TypeError, RecursionError) as exc:  # malformed input deep inside the scanner
        ctx.problems.append(Problem(path, None, "error", "MAN001", f"not valid YAML: {exc}"))
        return None, ctx.problems
    if not isinstance(root, yaml.MappingNode):
        ctx.add(root, "MAN002", "the manifest must be a mapping with region, version and resources")
        return None, ctx.problems
    nodes: dict[str, yaml.Node] = {}
    for k, knode, vnode in _pairs(root, ctx, "manifest"):
        nodes[k] = vnode
        if k not in TOP_KEYS:
            ctx.add(
                knode,
                "MAN003",
                f"unknown top-level key '{k}'{did_you_mean(k, TOP_KEYS)} "
                f"(allowed: {', '.join(sorted(TOP_KEYS))})",
            )
    for required in ("region", "version", "resources"):
        if required not in nodes:
            ctx.add(root, "MAN004", f"missing required top-level key '{required}'")
    region = _str(nodes["region"], ctx, "region") if "region" in nodes else None
    if region is not None and not REGION_RE.match(region):
        ctx.add(nodes["region"], "MAN022", f"region '{region}' is not a Region name")
    version = None
    if "version" in nodes:
        vnode = nodes["version"]
        raw = vnode.value if isinstance(vnode, yaml.ScalarNode) else None
        if isinstance(vnode, yaml.ScalarNode) and vnode.tag == _TS_TAG:
            parsed = _safe_plain(vnode)
            version = parsed.isoformat() if isinstance(parsed, _dt.date) else str(raw)
        elif isinstance(vnode, yaml.ScalarNode) and vnode.tag == _STR_TAG:
            version = str(raw)
        if version != MANIFEST_VERSION:
            ctx.add(vnode, "MAN006", f"version must be {MANIFEST_VERSION} (CfCT v2 manifest), got {raw!r}")
            version = None
    deletion = False
    if "enable_stack_set_deletion" in nodes:
        dnode = nodes["enable_stack_set_deletion"]
        if isinstance(dnode, yaml.ScalarNode) and dnode.tag == _BOOL_TAG:
            deletion = bool(_safe_plain(dnode))
        else:
            ctx.add(dnode, "MAN005", "enable_stack_set_deletion must be true or false")
    resources: list[ManifestResource] = []
    names: dict[str, int] = {}
    if "resources" in nodes:
        items = _seq(nodes["resources"], ctx, "resources")
        for i, item in enumerate(items or []):
            res = _resource(item, i, ctx)
            if res is None:
                continue
            if res.name in names:
                ctx.add(
                    item,
                    "MAN018",
                    f"resource name '{res.name}' is used twice (first on line {names[res.name]})",
                )
            names.setdefault(res.name, res.line)
            resources.append(res)
    if region is None or version is None:
        return None, ctx.problems
    return (
        Manifest(
            region=region, version=version, enable_stack_set_deletion=deletion, resources=tuple(resources)
        ),
        ctx.problems,
    )


def _safe_plain(node: yaml.Node) -> Any:
    try:
        return _plain(node)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        return None


def check_manifest(path: Path) -> tuple[Manifest | None, list[Problem]]:
    """Read and check a manifest file; the model is None when it cannot be built."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(str(path), None, "error", "MAN000", "manifest not found")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(str(path), None, "error", "MAN000", f"cannot read manifest: {exc}")]
    return parse_manifest(text, str(path))


def load_manifest(path: Path) -> Manifest:
    """The manifest model; raises ManifestError (with every problem) if the manifest has any error."""
    manifest, problems = check_manifest(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors or manifest is None:
        raise ManifestError(errors or problems)
    return manifest
