"""`configure` refuses an organization whose management account lacks AWSControlTowerExecution."""

from __future__ import annotations

import json

import boto3

from cfct_backup.cli import main
from cfct_backup.configure import execution_role_problem


def test_the_prerequisite_stack_creates_a_role_configure_accepts(built) -> None:
    iam = boto3.client("iam", region_name="us-east-1")
    assert execution_role_problem(iam, built.management_id) is None


def test_configure_refuses_without_the_execution_role(built, org_file, capsys) -> None:
    iam = boto3.client("iam", region_name="us-east-1")
    for name in iam.list_role_policies(RoleName="AWSControlTowerExecution")["PolicyNames"]:
        iam.delete_role_policy(RoleName="AWSControlTowerExecution", PolicyName=name)
    iam.delete_role(RoleName="AWSControlTowerExecution")
    assert main(["configure", "--org", str(org_file)]) == 1
    err = capsys.readouterr().err
    assert "no AWSControlTowerExecution role" in err
    assert "prerequisites/management-execution-role.yaml" in err
    assert "nothing was written" in err


def test_a_role_that_does_not_trust_cfcts_administration_role_is_refused(built) -> None:
    iam = boto3.client("iam", region_name="us-east-1")
    other = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    iam.update_assume_role_policy(RoleName="AWSControlTowerExecution", PolicyDocument=json.dumps(other))
    problem = execution_role_problem(iam, built.management_id)
    assert problem is not None and "does not trust service-role/AWSControlTowerStackSetRole" in problem
