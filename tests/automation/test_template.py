"""The lifecycle-automation stack agrees with the code and the conventions (names, handlers, config)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from cfnlint.decode.cfn_yaml import load

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "lifecycle-automation.yaml"


@pytest.fixture(scope="module")
def template() -> dict:
    return load(str(TEMPLATE))


def _resources(template: dict, kind: str) -> dict:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_functions_have_the_convention_names_and_real_handlers(template) -> None:
    functions = _resources(template, "AWS::Lambda::Function")
    names = {f["Properties"]["FunctionName"] for f in functions.values()}
    assert names == {"cfct-backup-enrolment", "cfct-backup-reconcile", "cfct-backup-custom-resource"}
    for f in functions.values():
        module, attr = f["Properties"]["Handler"].rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), attr))
        assert "DeadLetterConfig" in f["Properties"]
        assert set(f["Properties"]["Code"]) == {"S3Bucket", "S3Key", "S3ObjectVersion"}


def test_roles_assume_only_the_automation_role_inside_the_organization(template) -> None:
    roles = _resources(template, "AWS::IAM::Role")
    names = {r["Properties"].get("RoleName") for r in roles.values()}
    # The member baseline, bunker and audit stacks trust exactly these two by name.
    assert {"cfct-backup-enrolment", "cfct-backup-reconcile"} <= names
    assumes = []
    for role in roles.values():
        for policy in role["Properties"].get("Policies", []):
            for st in policy["PolicyDocument"]["Statement"]:
                actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
                if "sts:AssumeRole" in actions:
                    assumes.append(st)
    assert len(assumes) == 2
    for st in assumes:
        assert st["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/cfct-backup-automation"}
        assert st["Condition"] == {"StringEquals": {"aws:ResourceOrgID": {"Ref": "OrganizationId"}}}


def test_tables_queue_and_outputs(template) -> None:
    tables = {t["Properties"]["TableName"]: t for t in _resources(template, "AWS::DynamoDB::Table").values()}
    assert set(tables) == {"cfct-backup-inventory", "cfct-backup-idempotency"}
    for t in tables.values():
        assert t["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
        assert t["Properties"]["SSESpecification"]["SSEType"] == "KMS"
        assert (
            t["DeletionPolicy"] == "RetainExceptOnCreate"
        )  # named: see tests/package/test_retain_on_create.py
    assert tables["cfct-backup-inventory"]["Properties"]["KeySchema"][0]["AttributeName"] == "accountId"
    # powertools idempotency defaults: partition key "id", TTL attribute "expiration"
    idem = tables["cfct-backup-idempotency"]["Properties"]
    assert idem["KeySchema"][0]["AttributeName"] == "id"
    assert idem["TimeToLiveSpecification"]["AttributeName"] == "expiration"
    (queue,) = _resources(template, "AWS::SQS::Queue").values()
    assert "KmsMasterKeyId" in queue["Properties"]
    assert "CustomResourceFunctionArn" in template["Outputs"]
    alarms = {a["Properties"]["AlarmName"] for a in _resources(template, "AWS::CloudWatch::Alarm").values()}
    assert {
        "cfct-backup-automation-dlq-depth",
        "cfct-backup-protection-gaps",
        "cfct-backup-enrolment-errors",
    } <= alarms


def test_rules_match_the_events_the_parser_accepts(template) -> None:
    from cfct_backup_automation.events import CONTROL_TOWER_EVENTS, ORGANIZATIONS_EVENTS

    rules = {
        r["Properties"]["Name"]: r["Properties"] for r in _resources(template, "AWS::Events::Rule").values()
    }
    ct = rules["cfct-backup-control-tower-lifecycle"]["EventPattern"]
    assert ct["source"] == ["aws.controltower"]
    assert set(ct["detail"]["eventName"]) == set(CONTROL_TOWER_EVENTS)
    org = rules["cfct-backup-organizations-accounts"]["EventPattern"]
    assert set(org["detail"]["eventName"]) == set(ORGANIZATIONS_EVENTS)
    assert "ScheduleExpression" in rules["cfct-backup-reconcile-schedule"]


def test_parameter_file_fills_every_required_parameter_from_ssm(template) -> None:
    params = json.loads((ROOT / "parameters" / "lifecycle-automation.json").read_text())
    given = {p["ParameterKey"]: p["ParameterValue"] for p in params}
    declared = template["Parameters"]
    assert set(given) <= set(declared)
    assert {k for k, v in declared.items() if "Default" not in v} <= set(given)
    assert given["ArtifactBucket"] == "$[alfred_ssm_/cfct-backup/artifacts/bucket]"
    assert given["LambdaKey"] == "$[alfred_ssm_/cfct-backup/artifacts/lambda-key]"
    assert given["LambdaVersion"] == "$[alfred_ssm_/cfct-backup/artifacts/lambda-version]"
