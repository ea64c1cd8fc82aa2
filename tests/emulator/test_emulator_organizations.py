"""Organizations backup policies and effective policies, checked against the AWS rules."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.usefixtures("aws")

REGION = "us-east-1"


def plan(name: str, vault: str = "cfct-backup-vault", regions: list[str] | None = None) -> dict[str, Any]:
    return {
        "plans": {
            name: {
                "regions": {"@@assign": regions or [REGION]},
                "rules": {
                    name: {
                        "schedule_expression": {"@@assign": "cron(0 5 ? * * *)"},
                        "target_backup_vault_name": {"@@assign": vault},
                    }
                },
                "selections": {
                    "tags": {
                        name: {
                            "iam_role_arn": {
                                "@@assign": "arn:aws:iam::$account:role/cfct-backup-service-role"
                            },
                            "tag_key": {"@@assign": "cfct-backup:tier"},
                            "tag_value": {"@@assign": [name]},
                        }
                    }
                },
            }
        }
    }


class Org:
    def __init__(self) -> None:
        self.client = boto3.client("organizations", region_name=REGION)
        self.management = self.client.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"]
        self.root = self.client.list_roots()["Roots"][0]["Id"]
        self.workloads = self.ou(self.root, "Workloads")
        self.prod = self.ou(self.workloads, "Prod")
        self.account = self.client.create_account(AccountName="app", Email="app@example.com")[
            "CreateAccountStatus"
        ]["AccountId"]
        self.client.move_account(
            AccountId=self.account, SourceParentId=self.root, DestinationParentId=self.prod
        )

    def ou(self, parent: str, name: str) -> str:
        return self.client.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]  # type: ignore[no-any-return]

    def policy(self, name: str, content: dict[str, Any]) -> str:
        return self.client.create_policy(  # type: ignore[no-any-return]
            Name=name, Description=name, Type="BACKUP_POLICY", Content=json.dumps(content)
        )["Policy"]["PolicySummary"]["Id"]

    def effective(self, target: str | None = None) -> dict[str, Any]:
        kwargs = {"PolicyType": "BACKUP_POLICY"}
        if target:
            kwargs["TargetId"] = target
        return json.loads(self.client.describe_effective_policy(**kwargs)["EffectivePolicy"]["PolicyContent"])  # type: ignore[no-any-return]


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def test_backup_policy_is_created_with_its_arn_and_type() -> None:
    org = Org()
    policy_id = org.policy("daily", plan("daily"))
    described = org.client.describe_policy(PolicyId=policy_id)["Policy"]
    assert described["PolicySummary"]["Type"] == "BACKUP_POLICY"
    assert f"/backup_policy/{policy_id}" in described["PolicySummary"]["Arn"]
    listed = org.client.list_policies(Filter="BACKUP_POLICY")["Policies"]
    assert [p["Id"] for p in listed] == [policy_id]


def test_malformed_backup_policy_is_refused() -> None:
    org = Org()
    with pytest.raises(ClientError) as excinfo:
        org.client.create_policy(Name="bad", Description="", Type="BACKUP_POLICY", Content="{not json")
    assert error_code(excinfo) == "MalformedPolicyDocumentException"
    with pytest.raises(ClientError) as excinfo:
        org.client.create_policy(
            Name="big",
            Description="",
            Type="BACKUP_POLICY",
            Content=json.dumps({"plans": {"x": "y" * 10001}}),
        )
    assert error_code(excinfo) == "ConstraintViolationException"


def test_attach_needs_the_policy_type_enabled_in_the_root() -> None:
    org = Org()
    policy_id = org.policy("daily", plan("daily"))
    with pytest.raises(ClientError) as excinfo:
        org.client.attach_policy(PolicyId=policy_id, TargetId=org.workloads)
    assert error_code(excinfo) == "PolicyTypeNotEnabledException"
    root = org.client.enable_policy_type(RootId=org.root, PolicyType="BACKUP_POLICY")["Root"]
    assert {"Type": "BACKUP_POLICY", "Status": "ENABLED"} in root["PolicyTypes"]
    org.client.attach_policy(PolicyId=policy_id, TargetId=org.workloads)
    targets = org.client.list_targets_for_policy(PolicyId=policy_id)["Targets"]
    assert [t["TargetId"] for t in targets] == [org.workloads]


def test_effective_policy_merges_from_the_root_down_the_ou_path() -> None:
    org = Org()
    org.client.enable_policy_type(RootId=org.root, PolicyType="BACKUP_POLICY")
    at_root = org.policy("daily", plan("daily"))
    at_prod = org.policy("weekly", {"plans": {"weekly": plan("weekly")["plans"]["weekly"]}})
    elsewhere = org.ou(org.root, "Sandbox")
    at_sandbox = org.policy("monthly", plan("monthly"))
    org.client.attach_policy(PolicyId=at_root, TargetId=org.root)
    org.client.attach_policy(PolicyId=at_prod, TargetId=org.prod)
    org.client.attach_policy(PolicyId=at_sandbox, TargetId=elsewhere)
    effective = org.effective(org.account)
    assert sorted(effective["plans"]) == ["daily", "weekly"]
    assert effective["plans"]["daily"]["regions"] == [REGION]  # operators resolved by the engine
    # the account's own view (no TargetId) is the same
    member = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{org.account}:role/OrganizationAccountAccessRole", RoleSessionName="test"
    )
    creds = member["Credentials"]
    member_org = boto3.client(
        "organizations",
        region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    own = json.loads(
        member_org.describe_effective_policy(PolicyType="BACKUP_POLICY")["EffectivePolicy"]["PolicyContent"]
    )
    assert own == effective
    # a member cannot read another account's effective policy
    with pytest.raises(ClientError) as excinfo:
        member_org.describe_effective_policy(PolicyType="BACKUP_POLICY", TargetId=org.management)
    assert error_code(excinfo) == "AccessDeniedException"


def test_effective_policy_errors() -> None:
    org = Org()
    org.client.enable_policy_type(RootId=org.root, PolicyType="BACKUP_POLICY")
    with pytest.raises(ClientError) as excinfo:
        org.effective(org.account)
    assert error_code(excinfo) == "EffectivePolicyNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        org.effective("111122223333")
    assert error_code(excinfo) == "TargetNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        org.effective(org.prod)  # OUs are not valid targets
    assert error_code(excinfo) == "InvalidInputException"
    with pytest.raises(ClientError) as excinfo:
        org.client.describe_effective_policy(PolicyType="SERVICE_CONTROL_POLICY", TargetId=org.account)
    assert error_code(excinfo) == "InvalidInputException"


def test_disabling_the_type_detaches_its_policies() -> None:
    org = Org()
    org.client.enable_policy_type(RootId=org.root, PolicyType="BACKUP_POLICY")
    policy_id = org.policy("daily", plan("daily"))
    org.client.attach_policy(PolicyId=policy_id, TargetId=org.account)
    assert sorted(org.effective(org.account)["plans"]) == ["daily"]
    org.client.disable_policy_type(RootId=org.root, PolicyType="BACKUP_POLICY")
    assert org.client.list_targets_for_policy(PolicyId=policy_id)["Targets"] == []
    with pytest.raises(ClientError) as excinfo:
        org.effective(org.account)
    assert error_code(excinfo) == "EffectivePolicyNotFoundException"


def test_backup_delegated_administrator_and_trusted_access() -> None:
    org = Org()
    org.client.enable_aws_service_access(ServicePrincipal="backup.amazonaws.com")
    org.client.register_delegated_administrator(
        AccountId=org.account, ServicePrincipal="backup.amazonaws.com"
    )
    admins = org.client.list_delegated_administrators(ServicePrincipal="backup.amazonaws.com")[
        "DelegatedAdministrators"
    ]
    assert [a["Id"] for a in admins] == [org.account]
    services = org.client.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert [s["ServicePrincipal"] for s in services] == ["backup.amazonaws.com"]


def test_accounts_carry_state_not_the_retired_status() -> None:
    """Account.Status was retired on 2026-09-09 (botocore's organizations model): only State is returned."""
    from cfct_backup_automation.accounts import account_state, is_active, is_leaving

    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    status = org.create_account(AccountName="m", Email="m@example.com")["CreateAccountStatus"]
    created = org.describe_create_account_status(CreateAccountRequestId=status["Id"])
    account_id = created["CreateAccountStatus"]["AccountId"]
    described = org.describe_account(AccountId=account_id)["Account"]
    assert "Status" not in described
    assert is_active(described)
    org.close_account(AccountId=account_id)
    closed = next(a for a in org.list_accounts()["Accounts"] if a["Id"] == account_id)
    assert "Status" not in closed
    assert account_state(closed) == "SUSPENDED" and not is_active(closed) and is_leaving(closed)
    assert not is_active({"Id": account_id, "Status": "ACTIVE"})  # the retired field alone is not trusted
