"""Custom resources through crhelper, answered on the ResponseURL (captured by the emulator)."""

from __future__ import annotations

import boto3
import pytest
from cfct_backup_automation import handler_custom_resource
from cfct_backup_automation.custom_resources import InvalidProperties, org_settings_from

from cfct_backup.emulator import custom_resources as cfn_custom

from .conftest import HOME, Org

TOKEN = "cfct-backup-custom-resource"


@pytest.fixture
def send(org: Org):
    handler_custom_resource.set_runtime(boto3.Session(region_name=HOME))
    cfn_custom.register(TOKEN, handler_custom_resource.handler)
    stack = f"arn:aws:cloudformation:{HOME}:{org.management}:stack/org-settings/1"

    def _send(request_type: str, resource_type: str, props: dict, **kw) -> dict:
        return cfn_custom.invoke(
            TOKEN,
            request_type,
            region_name=HOME,
            stack_id=stack,
            logical_id="Settings",
            resource_type=resource_type,
            properties={"ServiceToken": TOKEN, **props},
            **kw,
        )

    yield _send
    cfn_custom.unregister(TOKEN)
    handler_custom_resource.set_runtime(None)


ORG_PROPS = {
    "EnableTrustedAccess": "true",
    "EnableBackupPolicyType": "true",
    "EnableCrossAccountBackup": "true",
    "EnableCrossAccountMonitoring": "true",
}


def _org_state(org: Org) -> tuple[set[str], set[str], set[str], str]:
    o = org.orgs
    services = {
        s["ServicePrincipal"]
        for s in o.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    }
    root = o.list_roots()["Roots"][0]
    types = {p["Type"] for p in root["PolicyTypes"] if p["Status"] == "ENABLED"}
    admins = {
        a["Id"]
        for a in o.list_delegated_administrators(ServicePrincipal="backup.amazonaws.com")[
            "DelegatedAdministrators"
        ]
    }
    xacct = boto3.client("backup", HOME).describe_global_settings()["GlobalSettings"][
        "isCrossAccountBackupEnabled"
    ]
    return services, types, admins, xacct


def test_org_settings_create_update_delete(org: Org, send) -> None:
    created = send(
        "Create",
        "Custom::BackupOrganizationSettings",
        {**ORG_PROPS, "DelegatedAdministratorAccountId": org.audit},
    )
    assert created["Status"] == "SUCCESS", created
    assert created["PhysicalResourceId"] == f"cfct-backup-org-settings-{org.org_id}"
    assert created["Data"]["RootId"] == org.root_id
    services, types, admins, xacct = _org_state(org)
    assert "backup.amazonaws.com" in services and "BACKUP_POLICY" in types
    assert admins == {org.audit} and xacct == "true"

    # Update: another delegated administrator, cross-account backup off.
    new_props = {
        **ORG_PROPS,
        "EnableCrossAccountBackup": "false",
        "DelegatedAdministratorAccountId": org.log_archive,
    }
    updated = send(
        "Update",
        "Custom::BackupOrganizationSettings",
        new_props,
        physical_id=created["PhysicalResourceId"],
        old_properties={**ORG_PROPS, "DelegatedAdministratorAccountId": org.audit},
    )
    assert updated["Status"] == "SUCCESS", updated
    assert updated["PhysicalResourceId"] == created["PhysicalResourceId"]  # no replacement
    _, _, admins, xacct = _org_state(org)
    assert admins == {org.log_archive} and xacct == "false"

    # Delete: conservative, org-wide settings stay.
    deleted = send(
        "Delete", "Custom::BackupOrganizationSettings", new_props, physical_id=created["PhysicalResourceId"]
    )
    assert deleted["Status"] == "SUCCESS"
    services, types, admins, _ = _org_state(org)
    assert "backup.amazonaws.com" in services and "BACKUP_POLICY" in types and admins == {org.log_archive}


def test_delete_of_a_resource_that_never_existed_succeeds(send) -> None:
    # e.g. the Create failed (crhelper then reports a generated physical ID) and the stack rolls back
    resp = send(
        "Delete", "Custom::BackupOrganizationSettings", {"EnableTrustedAccess": "maybe"}, physical_id="gone"
    )
    assert resp["Status"] == "SUCCESS"


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({**ORG_PROPS, "EnableTrustedAccess": "yes"}, "EnableTrustedAccess must be"),
        ({**ORG_PROPS, "DelegatedAdministratorAccountId": "1234"}, "12-digit"),
        ({**ORG_PROPS, "EnableTrustedAccess": "false"}, "requires EnableTrustedAccess"),
        ({**ORG_PROPS, "Bogus": "1"}, "unknown property: Bogus"),
    ],
)
def test_invalid_org_settings_fail_with_a_reason_naming_the_property(send, props, message) -> None:
    resp = send("Create", "Custom::BackupOrganizationSettings", props)
    assert resp["Status"] == "FAILED"
    assert message in resp["Reason"]
    with pytest.raises(InvalidProperties, match=message):
        org_settings_from(props)


def test_region_settings_create_and_delete(org: Org, send) -> None:
    props = {
        "ResourceTypeOptInPreference": {"S3": "true", "Redshift": "true", "EBS": "false"},
        "ResourceTypeManagementPreference": {"DynamoDB": "true"},
    }
    resp = send("Create", "Custom::BackupRegionSettings", props)
    assert resp["Status"] == "SUCCESS", resp
    settings = boto3.client("backup", HOME).describe_region_settings()
    assert settings["ResourceTypeOptInPreference"]["S3"] is True
    assert settings["ResourceTypeOptInPreference"]["Redshift"] is True
    assert settings["ResourceTypeOptInPreference"]["EBS"] is False
    assert settings["ResourceTypeManagementPreference"]["DynamoDB"] is True
    assert (
        send("Delete", "Custom::BackupRegionSettings", props, physical_id=resp["PhysicalResourceId"])[
            "Status"
        ]
        == "SUCCESS"
    )
    assert (
        boto3.client("backup", HOME).describe_region_settings()["ResourceTypeOptInPreference"]["S3"] is True
    )
    bad = send("Create", "Custom::BackupRegionSettings", {"ResourceTypeOptInPreference": {"S3": "on"}})
    assert bad["Status"] == "FAILED" and "S3 must be" in bad["Reason"]
    unknown = send("Create", "Custom::SomethingElse", {})
    assert unknown["Status"] == "FAILED" and "unsupported custom resource type" in unknown["Reason"]
