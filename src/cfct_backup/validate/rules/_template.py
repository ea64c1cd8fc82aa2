"""What the template rules share: positions of decoded nodes and the values they can read statically."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cfct_backup.cfct.cfn import static_value


def line(node: Any) -> int | None:
    """The 1-based line of a node decoded by cfn-lint (None for a node without a position)."""
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def key_line(mapping: Mapping[str, Any], key: str) -> int | None:
    """The line of `key` itself (cfn-lint's decoded keys carry their position)."""
    for candidate in mapping:
        if candidate == key:
            return line(candidate)
    return None


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class Resource:
    """One resource of a template: logical ID, type, Properties, the whole entry, its line."""

    name: str
    type: str
    props: Mapping[str, Any]
    body: Mapping[str, Any]
    line: int | None


def resources(data: Mapping[str, Any], rtype: str | None = None) -> Iterator[Resource]:
    """The template's resources (of type `rtype` when given) that are mappings."""
    items = data.get("Resources")
    if not isinstance(items, Mapping):
        return
    for name, body in items.items():
        if not isinstance(body, Mapping):
            continue
        kind = str(body.get("Type", ""))
        if rtype is None or kind == rtype:
            yield Resource(str(name), kind, mapping(body.get("Properties")), body, key_line(items, name))


# a literal, or the Default of the parameter a `Ref` points to (the one resolver: cfct.cfn)
resolve_default = static_value


def parameters(data: Mapping[str, Any]) -> Mapping[str, Any]:
    return mapping(data.get("Parameters"))


def sub_text(value: Any) -> str | None:
    """The text of a literal or a `!Sub "..."` (list form: its template string); None otherwise."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and set(value) == {"Fn::Sub"}:
        body = value["Fn::Sub"]
        if isinstance(body, str):
            return body
        if isinstance(body, list) and body and isinstance(body[0], str):
            return body[0]
    return None


def same_template_bucket(value: Any, items: Mapping[str, Any]) -> bool:
    """`value` is a `Ref` to an `AWS::S3::Bucket` of the same template."""
    if isinstance(value, Mapping) and set(value) == {"Ref"}:
        target = items.get(str(value["Ref"]))
        return isinstance(target, Mapping) and target.get("Type") == "AWS::S3::Bucket"
    return False


def is_parameter_ref(value: Any, params: Mapping[str, Any]) -> bool:
    return isinstance(value, Mapping) and set(value) == {"Ref"} and str(value["Ref"]) in params
