"""Fixtures for `cfct-backup configure`: moto, a small description, and the real organization it describes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

DESCRIPTION = """\
management: {name: Management, email: management@example.com}
regions: {home: eu-west-1, dr: eu-central-1}
alert_email: alerts@example.com
organizational_units:
  - name: Security
    accounts:
      - {name: Log Archive, email: log@example.com}
      - {name: Audit, email: audit@example.com}
  - name: Backup
    accounts:
      - {name: Backup Bunker, email: bunker@example.com}
      - {name: Key Vault, email: keys@example.com}
  - name: Workloads
    children:
      - name: Prod
        protected: true
        accounts:
          - {name: Orders Prod, email: orders-prod@example.com}
        children:
          - name: Critical
            protected: true
            accounts:
              - {name: Payments, email: payments@example.com}
      - name: Dev
        accounts:
          - {name: Orders Dev, email: orders-dev@example.com}
"""


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from moto import mock_aws

    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        yield


class Built:
    """What Organizations (moto) assigned: the IDs the parameters must carry."""

    def __init__(self, org_id: str, root_id: str, management_id: str) -> None:
        self.org_id = org_id
        self.root_id = root_id
        self.management_id = management_id
        self.ous: dict[str, str] = {}
        self.accounts: dict[str, str] = {}

    @property
    def client(self) -> Any:
        return boto3.client("organizations", region_name="us-east-1")

    def move(self, account: str, to_ou: str) -> None:
        account_id = self.accounts[account]
        parent = self.client.list_parents(ChildId=account_id)["Parents"][0]["Id"]
        self.client.move_account(
            AccountId=account_id, SourceParentId=parent, DestinationParentId=self.ous[to_ou]
        )


def build(description: str) -> Built:
    """Create, in moto, the organization a description describes (names and OU tree as written)."""
    client = boto3.client("organizations", region_name="us-east-1")
    organization = client.create_organization(FeatureSet="ALL")["Organization"]
    root_id = client.list_roots()["Roots"][0]["Id"]
    built = Built(organization["Id"], root_id, organization["MasterAccountId"])

    def tree(items: list[dict[str, Any]], parent_path: str, parent_id: str) -> None:
        for item in items:
            path = f"{parent_path}:{item['name']}" if parent_path else item["name"]
            ou_id = client.create_organizational_unit(ParentId=parent_id, Name=item["name"])[
                "OrganizationalUnit"
            ]["Id"]
            built.ous[path] = ou_id
            for acct in item.get("accounts") or []:
                account_id = client.create_account(AccountName=acct["name"], Email=acct["email"])[
                    "CreateAccountStatus"
                ]["AccountId"]
                client.move_account(AccountId=account_id, SourceParentId=root_id, DestinationParentId=ou_id)
                built.accounts[acct["name"]] = account_id
            tree(item.get("children") or [], path, ou_id)

    tree(yaml.safe_load(description)["organizational_units"], "", root_id)
    # the hand-deployed prerequisite (docs/first-deployment.md): configure refuses without it
    template = Path(__file__).parents[2] / "prerequisites" / "management-execution-role.yaml"
    boto3.client("cloudformation", region_name="us-east-1").create_stack(
        StackName="cfct-backup-management-execution-role",
        TemplateBody=template.read_text(),
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    return built


@pytest.fixture
def built(aws: None) -> Built:
    return build(DESCRIPTION)


@pytest.fixture
def org_file(tmp_path: Path) -> Path:
    path = tmp_path / "organization.yaml"
    path.write_text(DESCRIPTION, encoding="utf-8")
    return path
