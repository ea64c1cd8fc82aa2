"""TPL103: a symmetric KMS key rotates (`EnableKeyRotation: true`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cfct_backup.validate.registry import ResourceRule
from cfct_backup.validate.rules._template import Resource, parameters, resolve_default


class KeyRotation(ResourceRule):
    id = "TPL103"
    severity = "error"
    shortdesc = "symmetric KMS key without EnableKeyRotation: true"
    source_url = "https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html"
    tags = ("template", "kms")
    resource_types = ("AWS::KMS::Key",)

    def check_resource(self, r: Resource, data: Mapping[str, Any]) -> Iterator[str]:
        spec = resolve_default(r.props.get("KeySpec", "SYMMETRIC_DEFAULT"), parameters(data))
        rotation = resolve_default(r.props.get("EnableKeyRotation"), parameters(data))
        if spec in (None, "SYMMETRIC_DEFAULT") and rotation not in (True, "true", "True"):
            yield f"{r.name}: KMS key without EnableKeyRotation: true"
