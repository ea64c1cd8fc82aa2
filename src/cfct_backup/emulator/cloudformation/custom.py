"""``Custom::*`` and ``AWS::CloudFormation::CustomResource``: sent to the in-process handlers of
:mod:`..custom_resources`.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel

from .. import custom_resources
from .models import Properties, Resource, ValidationError


class CustomResource(Resource, CloudFormationModel):
    """A custom resource served by a handler from :mod:`.custom_resources`."""

    TYPE = "AWS::CloudFormation::CustomResource"

    def __init__(self, physical_id: str, account_id: str, region_name: str, attributes: dict[str, Any]):
        super().__init__(physical_id, account_id, region_name, attributes)
        self.properties: dict[str, Any] = {}
        self.stack_id = ""
        self.logical_id = ""
        self.resource_type = self.TYPE

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True  # whatever the handler returns in Data

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name in self.attributes:
            return self.attributes[attribute_name]
        raise ValidationError(
            message=f"CustomResource attribute error: Vendor response doesn't contain {attribute_name} key "
            f"in object {self.stack_id}|{self.logical_id}"
        )

    @staticmethod
    def _send(request_type: str, resource: CustomResource, **kwargs: Any) -> dict[str, Any]:
        token = resource.properties.get("ServiceToken")
        if not token:
            raise ValidationError(f"{resource.logical_id}: ServiceToken is required")
        try:
            response = custom_resources.invoke(
                str(token),
                request_type,
                region_name=resource.region_name,
                stack_id=resource.stack_id,
                logical_id=resource.logical_id,
                resource_type=resource.resource_type,
                properties=resource.properties,
                **kwargs,
            )
        except LookupError as exc:
            raise ValidationError(str(exc)) from None
        if response.get("Status") != "SUCCESS":
            raise ValidationError(
                message=f"Received response status [FAILED] from custom resource {resource.logical_id}. "
                f"Message returned: {response.get('Reason', '')}"
            )
        return response

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CustomResource:
        resource = cls("", account_id, region_name, {})
        resource.properties = dict(cloudformation_json["Properties"])
        resource.stack_id = kwargs.get("StackId", "")
        resource.logical_id = kwargs.get("LogicalId", resource_name)
        resource.resource_type = kwargs.get("ResourceType", cloudformation_json.get("Type", cls.TYPE))
        response = cls._send("Create", resource)
        resource.physical_id = str(response.get("PhysicalResourceId") or resource_name)
        resource.attributes = dict(response.get("Data") or {})
        return resource

    @classmethod
    def update(
        cls, original: Any, new_name: str, props: Properties, account_id: str, region_name: str
    ) -> Any:
        old = dict(original.properties)
        original.properties = dict(props)
        response = cls._send("Update", original, physical_id=original.physical_id, old_properties=old)
        new_physical = str(response.get("PhysicalResourceId") or original.physical_id)
        if new_physical != original.physical_id:
            # A new physical ID means replacement: CloudFormation then deletes the old resource.
            previous = cls("", account_id, region_name, {})
            previous.__dict__.update(original.__dict__)
            previous.properties = old
            cls._send("Delete", previous, physical_id=previous.physical_id)
        original.physical_id = new_physical
        original.attributes = dict(response.get("Data") or {})
        return original

    def delete(self, account_id: str, region_name: str) -> None:
        self._send("Delete", self, physical_id=self.physical_id)


# ---- registration -------------------------------------------------------------------------------
