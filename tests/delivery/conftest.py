"""Fixtures for delivery tests: a small package tree of our own, and moto S3/SSM."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

MANIFEST = """\
region: us-east-1
version: 2021-03-15
resources:
  - name: cfct-backup-member-baseline
    resource_file: templates/member.yaml
    parameter_file: parameters/member.json
    deploy_method: stack_set
    deployment_targets:
      organizational_units:
        - Workloads
    regions:
      - us-east-1
  - name: cfct-backup-lifecycle
    resource_file: extra/lifecycle.yaml
    parameters:
      - parameter_key: LambdaVersion
        parameter_value: $[alfred_ssm_/cfct-backup/artifacts/lambda-version]
    deploy_method: stack_set
    deployment_targets:
      accounts:
        - "012345678901"
  - name: cfct-backup-protect
    resource_file: policies/scp/protect.json
    deploy_method: scp
    deployment_targets:
      organizational_units:
        - Workloads
  - name: remote-template
    resource_file: https://example-bucket.s3.amazonaws.com/remote.yaml
    deploy_method: stack_set
    deployment_targets:
      organizational_units:
        - Workloads
"""

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: fixture
Parameters:
  Name:
    Type: String
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Ref Name
"""

LIFECYCLE_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: fixture lifecycle
Parameters:
  LambdaVersion:
    Type: String
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub "fixture-${LambdaVersion}"
"""

SCP = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "DenyLeave", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}
    ],
}

HANDLERS = '''\
"""Fixture handlers: import what the real automation imports."""

from aws_lambda_powertools import Logger
from crhelper import CfnResource

logger = Logger(service="fixture")
helper = CfnResource()


def enrolment_handler(event, context):
    return {"ok": True}


def custom_resource_handler(event, context):
    helper(event, context)
'''


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_tree(root: Path) -> Path:
    """A minimal but complete package tree, plus the junk that must never ship."""
    write(root / "manifest.yaml", MANIFEST)
    write(root / "templates" / "member.yaml", TEMPLATE)
    write(root / "templates" / "unreferenced.yaml", TEMPLATE)  # CfCT needs the folder as it is
    write(root / "extra" / "lifecycle.yaml", LIFECYCLE_TEMPLATE)  # named by the manifest outside templates/
    write(root / "parameters" / "member.json", json.dumps([{"ParameterKey": "Name", "ParameterValue": "x"}]))
    write(root / "policies" / "scp" / "protect.json", json.dumps(SCP))
    write(root / "policies" / "scp" / "unused.json", json.dumps(SCP))
    write(root / "lambdas" / "cfct_backup_automation" / "__init__.py", '"""fixture"""\n')
    write(root / "lambdas" / "cfct_backup_automation" / "handlers.py", HANDLERS)
    (root / "requirements").mkdir()
    shutil.copy(REPO / "requirements" / "constraints.txt", root / "requirements" / "constraints.txt")
    # junk: never in either zip
    write(root / "tests" / "test_something.py", "def test(): pass\n")
    write(root / "templates" / "__pycache__" / "x.cpython-311.pyc", "junk")
    write(root / "templates" / ".hidden.yaml", "junk")
    write(root / "policies" / "tests" / "fixture.json", "{}")
    write(root / ".venv" / "lib" / "site.py", "junk")
    write(root / ".git" / "HEAD", "ref: refs/heads/main\n")
    write(root / "README.md", "# readme\n")
    write(root / "lambdas" / "cfct_backup_automation" / "__pycache__" / "handlers.cpython-311.pyc", "junk")
    write(root / "lambdas" / "cfct_backup_automation" / "tests" / "test_handlers.py", "junk")
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "tree")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from moto import mock_aws

    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        yield


class FakeSource:
    """A dependency source that writes one tiny module per pin: fast, for tests about other things."""

    description = "fake"

    def install(self, pins, target: Path) -> None:
        for pin in pins:
            write(target / pin.name.replace("-", "_") / "__init__.py", f"VERSION = {pin.version!r}\n")


@pytest.fixture
def fake_deps(monkeypatch: pytest.MonkeyPatch) -> FakeSource:
    """Make the CLI's default dependency source the fake one."""
    import cfct_backup.commands.package as package_command

    monkeypatch.setattr(package_command, "SitePackagesSource", FakeSource)
    return FakeSource()
