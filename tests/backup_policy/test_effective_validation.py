"""Organizations' own validation of effective backup policies, in the emulator, through boto3.

API_ListAccountsWithInvalidEffectivePolicy / API_ListEffectivePolicyValidationErrors
(https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListEffectivePolicyValidationErrors.html);
the rules are the engine's (`check_effective`), so an account is invalid exactly when `validate`
would call its merged policy invalid.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from cfct_backup.emulator import clock, install

REGION = "us-east-1"


@pytest.fixture
def org() -> Iterator[dict[str, Any]]:
    install()
    clock.reset()
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        client = boto3.client("organizations", region_name=REGION)
        client.create_organization(FeatureSet="ALL")
        root = client.list_roots()["Roots"][0]["Id"]
        client.enable_policy_type(RootId=root, PolicyType="BACKUP_POLICY")
        accounts = [
            client.create_account(AccountName=f"a{i}", Email=f"a{i}@example.com")["CreateAccountStatus"][
                "AccountId"
            ]
            for i in range(3)
        ]
        yield {"client": client, "root": root, "accounts": accounts}
    clock.reset()


def rule(**extra: Any) -> dict[str, Any]:
    return {
        "schedule_expression": {"@@assign": "cron(0 5 ? * * *)"},
        "target_backup_vault_name": {"@@assign": "cfct-backup-vault"},
        **extra,
    }


def policy(rules: dict[str, Any]) -> dict[str, Any]:
    return {
        "plans": {
            "daily": {
                "regions": {"@@assign": [REGION]},
                "rules": rules,
                "selections": {
                    "tags": {
                        "t": {
                            "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/r"},
                            "tag_key": {"@@assign": "tier"},
                            "tag_value": {"@@assign": ["daily"]},
                        }
                    }
                },
            }
        }
    }


def attach(org: dict[str, Any], name: str, content: dict[str, Any], target: str) -> str:
    client = org["client"]
    pid: str = client.create_policy(
        Name=name, Description=name, Type="BACKUP_POLICY", Content=json.dumps(content)
    )["Policy"]["PolicySummary"]["Id"]
    client.attach_policy(PolicyId=pid, TargetId=target)
    return pid


def test_an_account_whose_merged_policy_breaks_a_quota_is_listed_with_its_errors(org: dict[str, Any]) -> None:
    client, (good, bad, _) = org["client"], org["accounts"]
    root_policy = attach(org, "root", policy({"r0": rule()}), org["root"])
    # each policy is fine alone; together the account gets 11 rules in one plan (at most 10)
    many = policy({f"r{i}": rule() for i in range(1, 11)})
    account_policy = attach(org, "many", many, bad)
    listed = client.list_accounts_with_invalid_effective_policy(PolicyType="BACKUP_POLICY")
    assert [a["Id"] for a in listed["Accounts"]] == [bad]
    assert listed["PolicyType"] == "BACKUP_POLICY"
    errors = client.list_effective_policy_validation_errors(AccountId=bad, PolicyType="BACKUP_POLICY")
    assert errors["AccountId"] == bad
    assert errors["Path"].startswith("o-") and org["root"] in errors["Path"]
    (error,) = errors["EffectivePolicyValidationErrors"]
    assert error["ErrorCode"] == "ELEMENTS_TOO_MANY"  # the code AWS documents for a count quota
    assert error["PathToError"] == "plans.daily.rules"
    assert "at most 10" in error["ErrorMessage"]
    assert set(error["ContributingPolicies"]) == {root_policy, account_policy}
    none = client.list_effective_policy_validation_errors(AccountId=good, PolicyType="BACKUP_POLICY")
    assert none["EffectivePolicyValidationErrors"] == []


def test_a_cron_aws_backup_refuses_makes_the_effective_policy_invalid(org: dict[str, Any]) -> None:
    client, (_, _, third) = org["client"], org["accounts"]
    attach(org, "bad-cron", policy({"r": rule(schedule_expression={"@@assign": "cron(0 5 * * * *)"})}), third)
    errors = client.list_effective_policy_validation_errors(AccountId=third, PolicyType="BACKUP_POLICY")
    (error,) = errors["EffectivePolicyValidationErrors"]
    assert error["ErrorCode"] == "BKP020"
    assert "day-of-month and day-of-week" in error["ErrorMessage"]


def test_both_operations_paginate_with_the_boto3_paginator(org: dict[str, Any]) -> None:
    client = org["client"]
    for account in org["accounts"]:
        attach(org, f"p{account}", policy({f"r{i}": rule() for i in range(11)}), account)
    pages = client.get_paginator("list_accounts_with_invalid_effective_policy").paginate(
        PolicyType="BACKUP_POLICY", PaginationConfig={"PageSize": 2}
    )
    sizes = [len(p["Accounts"]) for p in pages]
    assert sizes == [2, 1]
    ids = [
        a["Id"]
        for p in client.get_paginator("list_accounts_with_invalid_effective_policy").paginate(
            PolicyType="BACKUP_POLICY"
        )
        for a in p["Accounts"]
    ]
    assert sorted(ids) == sorted(org["accounts"])


def test_only_the_management_account_may_ask_and_unknown_accounts_are_refused(org: dict[str, Any]) -> None:
    client, member = org["client"], org["accounts"][0]
    with pytest.raises(ClientError) as unknown:
        client.list_effective_policy_validation_errors(AccountId="999999999999", PolicyType="BACKUP_POLICY")
    assert unknown.value.response["Error"]["Code"] == "AccountNotFoundException"
    creds = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="test"
    )["Credentials"]
    as_member = boto3.client(
        "organizations",
        region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    with pytest.raises(ClientError) as denied:
        as_member.list_accounts_with_invalid_effective_policy(PolicyType="BACKUP_POLICY")
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    with pytest.raises(ClientError) as bad_type:
        client.list_accounts_with_invalid_effective_policy(PolicyType="SERVICE_CONTROL_POLICY")
    assert bad_type.value.response["Error"]["Code"] in ("InvalidInputException", "ValidationException")


def test_max_results_outside_1_to_20_is_refused_as_aws_documents(org: dict[str, Any]) -> None:
    # API_ListAccountsWithInvalidEffectivePolicy: MaxResults valid range 1-20
    with pytest.raises(ClientError) as too_many:
        org["client"].list_accounts_with_invalid_effective_policy(PolicyType="BACKUP_POLICY", MaxResults=21)
    assert too_many.value.response["Error"]["Code"] == "InvalidInputException"
