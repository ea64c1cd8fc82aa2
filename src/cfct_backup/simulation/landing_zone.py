"""An emulated Control Tower landing zone on moto: the organization, its accounts and configuration.

What Control Tower would have done before CfCT runs is done here directly, and nothing more: the
organization with nested OUs and accounts (Organizations API); in every *enrolled* account the
`AWSControlTowerExecution` role and an instance of the `AWSControlTowerBP-BASELINE-CONFIG` stack
set (CfCT reads enrolment from it); in the management account the `service-role/
AWSControlTowerStackSetRole` administration role and *no* `AWSControlTowerExecution` (Control Tower
does not create it there, https://docs.aws.amazon.com/controltower/latest/userguide/roles-how.html);
the `/cfct-backup/...` configuration parameters; the Lambda artifact that `publish` would upload.

What a human deploys by hand before the first pipeline run (docs/first-deployment.md) is
`deploy_prerequisites`: the stack that creates `AWSControlTowerExecution` in the management account.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
from cfct_backup_automation import contract

from cfct_backup.cfct.interpreter import (
    ADMINISTRATION_ROLE,
    ADMINISTRATION_ROLE_PATH,
    BASELINE_CONFIG_STACK_SET,
    EXECUTION_ROLE,
    ClientFactory,
)
from cfct_backup.emulator import install
from cfct_backup.organization import Account, Organization, OrganizationIds, config_parameters

MOTO_CONFIG: dict[str, Any] = {
    "core": {"reset_boto3_session": False, "mock_credentials": True},
    "iam": {"load_aws_managed_policies": False},
    "lambda": {"use_docker": False},
}
ARTIFACT_KEY = contract.SIMULATION_LAMBDA_KEY

_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}


@contextmanager
def emulated_aws(home_region: str) -> Iterator[None]:
    """Start moto with the project's extensions (`cfct_backup.emulator`) for the whole `with` block.

    Credentials and Region come from the environment, so the Lambda code (which builds its own
    boto3 clients) talks to the same emulator as the management account.
    """
    from moto import mock_aws  # noqa: PLC0415 - heavy import, only when simulating

    env = {**_FAKE_ENV, "AWS_DEFAULT_REGION": home_region, "AWS_REGION": home_region}
    with (
        install(),  # IAM authorization enforced, patches undone afterwards
        warnings.catch_warnings(),
        mock.patch.dict(os.environ, env),
        mock_aws(config=MOTO_CONFIG),  # type: ignore[call-overload]
    ):
        # moto warns (log + UserWarning) for each resource type it drops; the interpreter reports
        # those once per resource by name instead.
        warnings.filterwarnings("ignore", message="Tried to parse", category=UserWarning)
        moto_log = logging.getLogger("moto")
        level = moto_log.level
        moto_log.setLevel(logging.ERROR)
        try:
            boto3.setup_default_session()
            yield
        finally:
            moto_log.setLevel(level)


def management_session(region: str) -> boto3.Session:
    return boto3.Session(
        aws_access_key_id=_FAKE_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=_FAKE_ENV["AWS_SECRET_ACCESS_KEY"],
        region_name=region,
    )


def create_execution_role(account_id: str, management_id: str) -> None:
    """Control Tower's baseline role in an account (created through moto's backend: no caller
    can reach a brand-new account before this role exists, just as in AWS)."""
    from moto.iam.models import iam_backends  # noqa: PLC0415

    backend = iam_backends[account_id]["aws"]
    if EXECUTION_ROLE in {r.name for r in backend.roles.values()}:
        return
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{management_id}:root"},
                "Action": "sts:AssumeRole",
            },
        ],
    }
    backend.create_role(
        role_name=EXECUTION_ROLE,
        assume_role_policy_document=json.dumps(trust),
        path="/",
        permissions_boundary=None,
        description="Control Tower execution role (emulated account baseline)",
        tags=[],
        max_session_duration="3600",
    )
    backend.put_role_policy(
        EXECUTION_ROLE,
        "AdministratorAccess",
        json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )


PREREQUISITE_STACK = contract.PREREQUISITE_STACK
PREREQUISITE_TEMPLATE = "prerequisites/management-execution-role.yaml"
# A stand-in for Control Tower's account baseline: only its instances matter (they say who is enrolled)
_BASELINE_TEMPLATE = json.dumps(
    {
        "Description": "Control Tower account baseline (emulated)",
        "Resources": {"Baseline": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
    }
)


def create_control_tower_roles(management_id: str) -> None:
    """What Control Tower creates in the management account for CfCT's stack sets: the
    administration role, trusted by CloudFormation (no execution role: see the module docstring)."""
    from moto.iam.models import iam_backends  # noqa: PLC0415

    backend = iam_backends[management_id]["aws"]
    if ADMINISTRATION_ROLE in {r.name for r in backend.roles.values()}:
        return
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "cloudformation.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    backend.create_role(
        role_name=ADMINISTRATION_ROLE,
        assume_role_policy_document=json.dumps(trust),
        path=ADMINISTRATION_ROLE_PATH,
        permissions_boundary=None,
        description="Control Tower stack set administration role (emulated)",
        tags=[],
        max_session_duration="3600",
    )
    # Control Tower gives it one permission: assume the execution role in the accounts it deploys to
    # (AWSControlTowerStackSetRolePolicy, https://docs.aws.amazon.com/controltower/latest/userguide/
    # roles-how.html).
    backend.put_role_policy(
        ADMINISTRATION_ROLE,
        "AWSControlTowerStackSetRolePolicy",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Resource": f"arn:aws:iam::*:role/{EXECUTION_ROLE}",
                    }
                ],
            }
        ),
    )


def create_baseline_stack_set(session: boto3.Session, region: str) -> None:
    cfn = session.client("cloudformation", region_name=region)
    cfn.create_stack_set(
        StackSetName=BASELINE_CONFIG_STACK_SET,
        TemplateBody=_BASELINE_TEMPLATE,
        PermissionModel="SELF_MANAGED",
    )


def enrol(session: boto3.Session, region: str, account_id: str) -> None:
    """Control Tower enrols an account: its BASELINE-CONFIG instance (what CfCT reads)."""
    cfn = session.client("cloudformation", region_name=region)
    cfn.create_stack_instances(
        StackSetName=BASELINE_CONFIG_STACK_SET, Accounts=[account_id], Regions=[region]
    )


def deploy_prerequisites(session: boto3.Session, region: str, template: Path) -> str:
    """The prerequisite stack, deployed once by hand in the management account's home Region
    (docs/first-deployment.md): `AWSControlTowerExecution` for CfCT's management stack sets."""
    cfn = session.client("cloudformation", region_name=region)
    stack_id = cfn.create_stack(
        StackName=PREREQUISITE_STACK,
        TemplateBody=template.read_text(encoding="utf-8"),
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )["StackId"]
    return str(stack_id)


@contextmanager
def _account_id(wanted: str | None) -> Iterator[None]:
    """Make moto's next `create_account` use `wanted` as the new account's ID."""
    if wanted is None:
        yield
        return
    from moto.organizations import utils  # noqa: PLC0415

    with mock.patch.object(utils, "make_random_account_id", lambda: wanted):
        yield


@contextmanager
def _ou_id(wanted: str | None) -> Iterator[None]:
    """Make moto's next `create_organizational_unit` use `wanted` as the OU ID."""
    if wanted is None:
        yield
        return
    from moto.organizations import utils  # noqa: PLC0415

    with mock.patch.object(utils, "make_random_ou_id", lambda _root_id: wanted):
        yield


def create_account(
    org_client: Any, account: Account, parent_id: str, root_id: str, *, enrolled: bool = True
) -> str:
    """Account Factory, emulated: create the account, move it into its OU and enrol it (execution
    role, BASELINE-CONFIG instance); `enrolled=False` is an account created in Organizations only."""
    management_id = org_client.describe_organization()["Organization"]["MasterAccountId"]
    with _account_id(account.id):
        status = org_client.create_account(AccountName=account.name, Email=account.email)[
            "CreateAccountStatus"
        ]
    account_id = str(status["AccountId"])
    if parent_id != root_id:
        org_client.move_account(AccountId=account_id, SourceParentId=root_id, DestinationParentId=parent_id)
    if enrolled:
        create_execution_role(account_id, management_id)
        # Control Tower's home Region: the one `emulated_aws` runs in
        region = os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        enrol(management_session(region), region, account_id)
    return account_id


def build_organization(
    org: Organization,
    session: boto3.Session,
    progress: Callable[[str], None],
    *,
    unenrolled: frozenset[str] = frozenset(),
) -> OrganizationIds:
    """Create the organization, its OUs (parents first) and accounts, all enrolled in Control Tower
    except those named in `unenrolled`; return the assigned IDs."""
    client = session.client("organizations")
    caller = session.client("sts").get_caller_identity()["Account"]
    if org.management.id is not None and org.management.id != caller:
        raise ValueError(
            f"{org.source}: management.id: {org.management.id} is not the emulator's caller account {caller} "
            "(moto's default account; the manifest targets the management account by this ID)"
        )
    organization = client.create_organization(FeatureSet="ALL")["Organization"]
    root_id = client.list_roots()["Roots"][0]["Id"]
    create_control_tower_roles(caller)
    create_baseline_stack_set(session, org.home_region)
    ids = OrganizationIds(org_id=organization["Id"], root_id=root_id, accounts={org.management.name: caller})
    for ou in org.ous:
        parent = root_id if not ou.parent else ids.ous[ou.parent]
        with _ou_id(ou.id):
            created = client.create_organizational_unit(ParentId=parent, Name=ou.name)
        ids.ous[ou.path] = created["OrganizationalUnit"]["Id"]
    for account in org.accounts:
        parent = root_id if not account.ou else ids.ous[account.ou]
        ids.accounts[account.name] = create_account(
            client, account, parent, root_id, enrolled=account.name not in unenrolled
        )
    progress(
        f"  organization {ids.org_id}: {len(org.ous)} OUs, {len(org.accounts) + 1} accounts "
        f"(protected: {', '.join(org.protected_paths)})"
    )
    return ids


def write_configuration(org: Organization, ids: OrganizationIds, session: boto3.Session) -> dict[str, str]:
    """The `/cfct-backup/...` SSM parameters, management account, home Region."""
    ssm = session.client("ssm", region_name=org.home_region)
    values: dict[str, str] = {}
    for name, (ptype, value) in config_parameters(org, ids).items():
        ssm.put_parameter(Name=name, Value=value, Type=ptype, Overwrite=True)  # type: ignore[arg-type]
        values[name] = value
    return values


def lambda_zip(lambdas_dir: Path) -> bytes:
    """The Lambda artifact: the automation package as a zip (what `package` builds, minus deps)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        if lambdas_dir.is_dir():
            for path in sorted(lambdas_dir.rglob("*.py")):
                zf.write(path, str(path.relative_to(lambdas_dir.parent)))
        else:
            zf.writestr("cfct_backup_automation/__init__.py", "")
    return buffer.getvalue()


def stage_artifacts(org: Organization, session: boto3.Session, code: bytes) -> dict[str, str]:
    """Upload the Lambda artifact and record its location in SSM, as `publish` does."""
    region = org.home_region
    account = session.client("sts").get_caller_identity()["Account"]
    bucket = contract.artifact_bucket(account, region)
    s3 = session.client("s3", region_name=region)
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        if region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})  # type: ignore[typeddict-item]
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    version = s3.put_object(Bucket=bucket, Key=ARTIFACT_KEY, Body=code)["VersionId"]
    ssm = session.client("ssm", region_name=region)
    values = {
        contract.SSM_ARTIFACT_BUCKET.name: bucket,
        contract.SSM_LAMBDA_KEY.name: ARTIFACT_KEY,
        contract.SSM_LAMBDA_VERSION.name: version,
    }
    for name, value in values.items():
        ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
    return values


def clients_for(session: boto3.Session) -> ClientFactory:
    from cfct_backup.emulator.iam.enforcement import service_role_environment  # noqa: PLC0415

    return ClientFactory(session, service_credentials=service_role_environment)
