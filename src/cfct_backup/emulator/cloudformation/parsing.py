"""Where moto's CloudFormation parser is patched: our models first, and two gaps in what a stack reports."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .custom import CustomResource
from .models import CUSTOM_TYPES, moto_parsing, our_models

_original_resource_class_from_type: Callable[[str], Any] | None = None


def _resource_class_from_type(resource_type: str) -> Any:
    """Custom resources to the handler registry; our models win over moto's for the same type."""
    if resource_type.startswith("Custom::") or resource_type in CUSTOM_TYPES:
        return CustomResource
    ours = our_models().get(resource_type)
    if ours is not None:
        return ours
    assert _original_resource_class_from_type is not None
    return _original_resource_class_from_type(resource_type)


def _physical_ids() -> None:
    """Two moto gaps in what a stack reports.

    - moto's EventBus has no physical ID: ``Ref`` returned the model object and DescribeStackResources
      showed nothing. AWS: ``Ref`` of AWS::Events::EventBus is the bus name.
    - A resource whose Condition is false was listed by DescribeStackResources as an empty entry (no
      logical ID, no type). AWS does not list resources it did not create.
    """
    from moto.cloudformation.models import Stack  # noqa: PLC0415
    from moto.events.models import EventBus  # noqa: PLC0415

    if not hasattr(EventBus, "physical_resource_id"):
        EventBus.physical_resource_id = property(lambda self: self.name)  # type: ignore[attr-defined]
    original: property = Stack.__dict__["stack_resources"]
    if original.fget is not None and getattr(original.fget, "__name__", "") != "_created_only":
        moto_getter = original.fget

        def _created_only(self: Any) -> list[Any]:
            return [r for r in moto_getter(self) if r is not None]

        Stack.stack_resources = property(_created_only)  # type: ignore[method-assign,assignment]


def _ssm_parameter_fix() -> None:
    """moto's AWS::SSM::Parameter expects Tags as a list and a Name; CloudFormation gives Tags as a
    map (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-parameter.html)
    and generates the name when Name is omitted."""
    from moto.ssm.models import Parameter  # noqa: PLC0415

    moto_create = Parameter.__dict__["create_from_cloudformation_json"].__func__
    if getattr(moto_create, "__name__", "") == "_create_with_cfn_tags":
        return

    def _create_with_cfn_tags(
        cls: Any,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        properties = dict(cloudformation_json["Properties"])
        if isinstance(properties.get("Tags"), Mapping):
            properties["Tags"] = [{"Key": k, "Value": v} for k, v in properties["Tags"].items()]
        properties.setdefault("Name", resource_name)
        return moto_create(
            cls,
            resource_name,
            {**cloudformation_json, "Properties": properties},
            account_id,
            region_name,
            **kwargs,
        )

    Parameter.create_from_cloudformation_json = classmethod(_create_with_cfn_tags)  # type: ignore[method-assign,assignment,arg-type]


def patch_moto_cloudformation() -> None:
    global _original_resource_class_from_type  # noqa: PLW0603 - moto's own function, kept once
    parsing = moto_parsing()
    _physical_ids()
    _ssm_parameter_fix()
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
    if parsing.resource_class_from_type is not _resource_class_from_type:
        _original_resource_class_from_type = parsing.resource_class_from_type
        setattr(parsing, "resource_class_from_type", _resource_class_from_type)  # noqa: B010
