"""``AWS::Organizations::Policy`` through the emulated Organizations."""

from __future__ import annotations

from typing import Any, Self

from moto.core.common_models import CloudFormationModel

from .models import Properties, Resource, json_text, moto_backend


class OrganizationsPolicyResource(Resource, CloudFormationModel):
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-organizations-policy.html"""

    TYPE = "AWS::Organizations::Policy"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = frozenset({"Id", "Arn", "AwsManaged"})

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Self:
        org = moto_backend("organizations", account_id, "aws")
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
    def update(
        cls, original: Any, new_name: str, props: Properties, account_id: str, region_name: str
    ) -> Any:
        org = moto_backend("organizations", account_id, "aws")
        policy_id = original.physical_id
        if org.get_policy_by_id(policy_id).type != props["Type"]:
            return super().update(original, new_name, props, account_id, region_name)
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
        return original

    def delete(self, account_id: str, region_name: str) -> None:
        org = moto_backend("organizations", account_id, "aws")
        for target in org.list_targets_for_policy(PolicyId=self.physical_id)["Targets"]:
            org.detach_policy(PolicyId=self.physical_id, TargetId=target["TargetId"])
        org.delete_policy(PolicyId=self.physical_id)


# ---- KMS ----------------------------------------------------------------------------------------
