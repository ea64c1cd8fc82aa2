"""``AWS::Organizations::Policy`` through the emulated Organizations."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel

from .models import Resource, json_text


def _organizations(account_id: str) -> Any:
    from moto.organizations.models import organizations_backends  # noqa: PLC0415 - heavy only when used

    return organizations_backends[account_id]["aws"]


class OrganizationsPolicyResource(Resource, CloudFormationModel):
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-organizations-policy.html"""

    TYPE = "AWS::Organizations::Policy"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = frozenset({"Id", "Arn", "AwsManaged"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> OrganizationsPolicyResource:
        props = cloudformation_json["Properties"]
        org = _organizations(account_id)
        summary = org.create_policy(
            Name=props.get("Name") or resource_name,
            Description=props.get("Description", ""),
            Type=props["Type"],
            Content=json_text(props["Content"]),
            Tags=props.get("Tags", []),
        )["Policy"]["PolicySummary"]
        for target in props.get("TargetIds") or []:
            org.attach_policy(PolicyId=summary["Id"], TargetId=target)
        return cls(
            summary["Id"],
            account_id,
            region_name,
            {"Id": summary["Id"], "Arn": summary["Arn"], "AwsManaged": False},
        )

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        props = cloudformation_json["Properties"]
        org = _organizations(account_id)
        policy_id = original_resource.physical_id
        if org.get_policy_by_id(policy_id).type != props["Type"]:
            return super().update_from_cloudformation_json(
                original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )
        org.update_policy(
            PolicyId=policy_id,
            Name=props.get("Name") or org.get_policy_by_id(policy_id).name,
            Description=props.get("Description", ""),
            Content=json_text(props["Content"]),
        )
        current = {t["TargetId"] for t in org.list_targets_for_policy(PolicyId=policy_id)["Targets"]}
        wanted = set(props.get("TargetIds") or [])
        for target in sorted(current - wanted):
            org.detach_policy(PolicyId=policy_id, TargetId=target)
        for target in props.get("TargetIds") or []:
            if target not in current:
                org.attach_policy(PolicyId=policy_id, TargetId=target)
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        org = _organizations(account_id)
        for target in org.list_targets_for_policy(PolicyId=self.physical_id)["Targets"]:
            org.detach_policy(PolicyId=self.physical_id, TargetId=target["TargetId"])
        org.delete_policy(PolicyId=self.physical_id)


# ---- KMS ----------------------------------------------------------------------------------------
