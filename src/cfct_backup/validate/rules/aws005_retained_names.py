"""AWS005: retained resources need UpdateReplacePolicy, and no fixed name with DeletionPolicy Retain.

A failed first create leaves a retained resource behind and the retry fails with AlreadyExists;
`RetainExceptOnCreate` is the documented answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cfct_backup.validate.registry import ResourceRule
from cfct_backup.validate.rules._template import Resource

RETAINING = ("Retain", "RetainExceptOnCreate", "Snapshot")
# Top-level properties ending in "Name" that do not name the resource itself.
NOT_A_PHYSICAL_NAME = frozenset({"KeyName", "LogGroupName", "DestinationBucketName", "S3BucketName"})
# ... except where that property is the resource's own name.
PHYSICAL_NAME_OF = {"AWS::Logs::LogGroup": "LogGroupName"}


def physical_name(rtype: str, props: Mapping[str, Any]) -> str | None:
    """The property that fixes the resource's own name, if one is set."""
    own = PHYSICAL_NAME_OF.get(rtype)
    for key, value in props.items():
        if str(key).endswith("Name") and (key == own or key not in NOT_A_PHYSICAL_NAME):
            if isinstance(value, Mapping) and value == {"Ref": "AWS::NoValue"}:
                continue
            return str(key)
    return None


class RetainedResources(ResourceRule):
    id = "AWS005"
    severity = "error"
    shortdesc = "retained resource without UpdateReplacePolicy, or with a fixed name and Retain"
    source_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html"
    tags = ("template", "cloudformation")

    def check_resource(self, r: Resource, data: Mapping[str, Any]) -> Iterator[str]:
        policy = r.body.get("DeletionPolicy")
        if policy not in RETAINING:
            return
        if "UpdateReplacePolicy" not in r.body:
            yield f"{r.name}: DeletionPolicy {policy} without UpdateReplacePolicy"
        named = physical_name(r.type, r.props)
        if policy == "Retain" and named is not None:
            yield (
                f"{r.name}: fixed {named} with DeletionPolicy Retain; a failed first create leaves it"
                " behind and the retry fails with AlreadyExists (use RetainExceptOnCreate)"
            )
