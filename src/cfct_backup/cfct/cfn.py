"""The project's one CloudFormation reader: templates decoded by cfn-lint, intrinsics evaluated.

`load_template` / `decode_template` read YAML (short-form tags such as `!Sub` become their `Fn::`
form) or JSON with cfn-lint's decoder (`cfnlint.decode`, what `validate` lints with), so that every
reader sees the same data: keys and values keep their position (`start_mark`) and a bad template is
an error naming the file and the line. `Evaluator` resolves the intrinsics that the package's
policy-carrying templates use (`Ref` to a parameter or pseudo parameter, `Fn::Sub`, `Fn::Join`,
`Fn::Split`, `Fn::Select`, `Fn::If` with `Fn::Equals`/`Fn::Not`/`Fn::And`/`Fn::Or` conditions) so
that `plan` can say what a stack would create; anything it cannot resolve raises `Unresolvable`
naming the expression. `static_value` is what a property is without deploying: a literal or the
Default of the parameter it references.

Intrinsic functions: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml


class Unresolvable(ValueError):
    """An intrinsic that cannot be evaluated without deploying."""


def _decode(text: str) -> tuple[Any, str | None]:
    """cfn-lint's decoding of a template's text: (data, None), or (None, the first error with its line)."""
    from cfnlint.decode.decode import decode_str  # type: ignore[import-untyped]  # noqa: PLC0415 - heavy

    try:
        data, matches = decode_str(text)
    except (yaml.YAMLError, ValueError, RecursionError) as exc:  # pragma: no cover - decode_str catches most
        return None, str(exc)
    if matches:
        message, line = str(matches[0].message), matches[0].linenumber
        return None, message if f"line {line}" in message else f"{message} (line {line})"
    return data, None


def decode_template(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The template in a file as data, or an error message (for `validate`, which names the file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot read: {exc}"
    data, error = _decode(text)
    if error is not None:
        return None, error
    if not isinstance(data, dict):
        return None, "not a CloudFormation template (no mapping at the top)"
    return data, None


def load_template(text: str, source: str = "") -> dict[str, Any]:
    """A template as data; raises ValueError naming the line (and ``source``, the file, when given)
    when it is neither YAML nor JSON of a mapping."""
    data, error = _decode(text)
    where = f"{source}: " if source else ""
    if error is not None:
        raise ValueError(f"{where}not a CloudFormation template: {error}")
    if not isinstance(data, dict):
        raise ValueError(f"{where}not a CloudFormation template: top level is not a mapping")
    return data


def static_value(value: Any, parameters: Mapping[str, Any]) -> Any:
    """A literal, or the Default of the parameter a `Ref` points to; None when it is only known at
    deploy time (any other intrinsic, or a parameter without Default)."""
    if isinstance(value, Mapping) and set(value) == {"Ref"}:
        param = parameters.get(str(value["Ref"]))
        if isinstance(param, Mapping) and "Default" in param:
            return param["Default"]
        return None
    if isinstance(value, Mapping):
        return None
    return value


def resource_types(template: Mapping[str, Any]) -> dict[str, str]:
    """Logical ID -> resource type."""
    resources = template.get("Resources") or {}
    return {
        str(k): str(v.get("Type", "")) for k, v in resources.items() if isinstance(v, dict) and "Type" in v
    }


_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")


class Evaluator:
    """Evaluate intrinsics given parameter values and pseudo parameters."""

    def __init__(
        self,
        template: Mapping[str, Any],
        parameters: Mapping[str, str],
        *,
        account_id: str,
        region: str,
        partition: str = "aws",
        stack_name: str = "stack",
    ) -> None:
        self.template = template
        declared = template.get("Parameters") or {}
        self.params: dict[str, Any] = {}
        for name, spec in declared.items():
            value: Any = parameters.get(name, (spec or {}).get("Default"))
            if value is None:
                continue
            ptype = str((spec or {}).get("Type", "String"))
            if ptype.startswith("List<") or ptype == "CommaDelimitedList":
                value = [v.strip() for v in str(value).split(",")] if str(value) else []
            else:
                value = str(value)
            self.params[str(name)] = value
        self.pseudo = {
            "AWS::AccountId": account_id,
            "AWS::Region": region,
            "AWS::Partition": partition,
            "AWS::StackName": stack_name,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": None,
        }
        self.conditions = template.get("Conditions") or {}

    def ref(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.params:
            return self.params[name]
        raise Unresolvable(f"Ref {name} (a resource, or a parameter without value)")

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            raise Unresolvable(f"condition {name} is not defined")
        return bool(self.eval(self.conditions[name]))

    def eval(self, node: Any) -> Any:
        if isinstance(node, list):
            return [v for v in (self.eval(x) for x in node) if v is not _NOVALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref":
                value = self.ref(str(arg))
                return _NOVALUE if value is None else value
            if key == "Condition":
                return self.condition(str(arg))
            if key.startswith("Fn::"):
                return self.function(key[4:], arg)
        out = {}
        for k, v in node.items():
            value = self.eval(v)
            if value is not _NOVALUE:
                out[k] = value
        return out

    def function(self, name: str, arg: Any) -> Any:
        if name == "Sub":
            if isinstance(arg, list):
                text, extra = str(arg[0]), {str(k): self.eval(v) for k, v in dict(arg[1]).items()}
            else:
                text, extra = str(arg), {}

            def repl(match: re.Match[str]) -> str:
                var = match.group(1)
                if var in extra:
                    return str(extra[var])
                if "." in var:
                    raise Unresolvable(f"Fn::Sub ${{{var}}} (GetAtt)")
                value = self.ref(var)
                return ",".join(value) if isinstance(value, list) else str(value)

            return _SUB_VAR.sub(repl, text).replace("${!", "${")
        if name == "Join":
            sep, items = arg
            values = self.eval(items)
            return str(sep).join(str(v) for v in values)
        if name == "Split":
            sep, value = arg
            return str(self.eval(value)).split(str(sep))
        if name == "Select":
            index, items = arg
            return self.eval(items)[int(self.eval(index))]
        if name == "If":
            cond, yes, no = arg
            return self.eval(yes if self.condition(str(cond)) else no)
        if name == "Equals":
            a, b = (self.eval(x) for x in arg)
            return a == b
        if name == "Not":
            return not self.eval(arg[0])
        if name == "And":
            return all(self.eval(x) for x in arg)
        if name == "Or":
            return any(self.eval(x) for x in arg)
        raise Unresolvable(f"Fn::{name}")


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


_NOVALUE: Any = _NoValue()
