"""Each moto bug fixed in cfct_backup.emulator.fixes: the fix works, and moto still has the bug (the
second test turns red when moto fixes it: then drop the fix)."""

from __future__ import annotations

import boto3
from moto import mock_aws
from moto.iam.models import iam_backends
from moto.organizations import models as moto_organizations

from cfct_backup.emulator.fixes import organizations_access_role

from .helpers import HOME


def _access_role_policies(account_id: str) -> dict[str, str]:
    role = next(
        r
        for r in iam_backends[account_id]["global"].roles.values()
        if r.name == "OrganizationAccountAccessRole"
    )
    return dict(role.policies)


def _new_account() -> str:
    client = boto3.client("organizations", region_name=HOME)
    client.create_organization(FeatureSet="ALL")
    return str(
        client.create_account(AccountName="a", Email="a@example.com")["CreateAccountStatus"]["AccountId"]
    )


def test_the_organization_access_role_is_an_administrator_with_the_fix(aws: None) -> None:
    assert _access_role_policies(_new_account()) == {
        "AdministratorAccess": organizations_access_role.ADMINISTRATOR_ACCESS
    }


def test_moto_still_creates_the_organization_access_role_without_permissions() -> None:
    fixed = moto_organizations.FakeAccount.__init__
    moto_organizations.FakeAccount.__init__ = organizations_access_role._moto_init  # type: ignore[method-assign]
    try:
        with mock_aws(config={"core": {"reset_boto3_session": False}}):
            assert _access_role_policies(_new_account()) == {}
    finally:
        moto_organizations.FakeAccount.__init__ = fixed  # type: ignore[method-assign]
