"""DynamoDB attribute values <-> Python, through boto3's TypeSerializer / TypeDeserializer.

https://boto3.amazonaws.com/v1/documentation/api/latest/reference/customizations/dynamodb.html
(``boto3.dynamodb.types``). Two adjustments for the low-level client the code passes around:
floats go in as ``Decimal`` (the serializer refuses ``float``), and numbers come out as ``int``
when integral, else ``float`` (not ``Decimal``), so items read back compare equal to what was
written. String and number sets come out as sorted lists (JSON-friendly reports).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()


def _plain_in(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, Mapping):
        return {str(k): _plain_in(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_in(v) for v in value]
    return value


def _plain_out(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain_out(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_out(v) for v in value]
    if isinstance(value, set):
        return sorted(_plain_out(v) for v in value)
    return value


def value(python: Any) -> dict[str, Any]:
    """One attribute value (``{"S": ...}``, ``{"N": ...}``, ...) for a Python value."""
    serialized: Any = _SERIALIZER.serialize(_plain_in(python))
    return dict(serialized)


def to_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A whole item (or key, or ExpressionAttributeValues) in attribute-value form."""
    return {k: value(v) for k, v in item.items()}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A whole item as plain Python (str, int/float, bool, None, list, dict)."""
    return {k: _plain_out(_DESERIALIZER.deserialize(v)) for k, v in item.items()}
