"""The package's templates against what AWS itself refuses or silently breaks (docs/aws-constraints.md).

Each test checks the templates directly (not through the validate rule that encodes the same
constraint, whose own cases are in tests/corpus/packages/broken/cases.yaml), so a template that
drifts and a rule that stops seeing it both fail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cfct_backup.validate.aws_rules import aws_rules

from .helpers import MANAGEMENT, Context, all_templates, load_template, parameter_file, resolve

# Properties that name the resource itself: with one of them fixed, a resource left behind by a
# failed first create makes the retry fail with AlreadyExists.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
NAME_KEYS = (
    "BucketName", "BackupVaultName", "TableName", "QueueName", "TopicName", "RoleName", "LogGroupName",
    "TrailName", "FunctionName", "AliasName", "Name", "KeyName", "StackSetName", "PortfolioName",
)  # fmt: skip
NOT_A_NAME = {"AWS::Logs::MetricFilter": {"LogGroupName"}}


def _named(res: dict[str, Any]) -> list[str]:
    props = res.get("Properties") or {}
    skip = NOT_A_NAME.get(res["Type"], set())
    return [k for k in NAME_KEYS if k in props and k not in skip and props[k] != {"Ref": "AWS::NoValue"}]


@pytest.mark.parametrize("path", all_templates(), ids=lambda p: p.name)
def test_every_named_retained_resource_is_deleted_when_its_create_rolls_back(path: Path) -> None:
    template = load_template(path)
    for logical, res in template["Resources"].items():
        policy = res.get("DeletionPolicy")
        if policy in ("Retain", "RetainExceptOnCreate", "Snapshot"):
            assert res.get("UpdateReplacePolicy") in ("Retain", "Snapshot"), f"{path.name}:{logical}"
        if _named(res) and policy in ("Retain", "RetainExceptOnCreate"):
            assert policy == "RetainExceptOnCreate", f"{path.name}:{logical} ({_named(res)})"


@pytest.mark.parametrize("path", all_templates(), ids=lambda p: p.name)
def test_no_template_breaks_an_aws_constraint(path: Path) -> None:
    errors = [p for p in aws_rules(load_template(path), path.name) if p.severity == "error"]
    assert not errors, "\n".join(map(str, errors))


def test_vault_notifications_subscribe_only_to_events_aws_still_delivers() -> None:
    # https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultNotifications.html
    supported = {
        "BACKUP_JOB_STARTED", "BACKUP_JOB_COMPLETED", "COPY_JOB_STARTED", "COPY_JOB_SUCCESSFUL",
        "COPY_JOB_FAILED", "RESTORE_JOB_STARTED", "RESTORE_JOB_COMPLETED", "RECOVERY_POINT_MODIFIED",
        "S3_BACKUP_OBJECT_FAILED", "S3_RESTORE_OBJECT_FAILED",
    }  # fmt: skip
    for path in all_templates():
        for logical, res in load_template(path)["Resources"].items():
            if res["Type"] == "AWS::Backup::BackupVault" and "Notifications" in res["Properties"]:
                events = set(res["Properties"]["Notifications"]["BackupVaultEvents"])
                assert events <= supported, f"{path.name}:{logical}: {events - supported}"
                # failures still reach the topic: a COMPLETED event carries the final state
                assert {"BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED"} <= events


def _rules(template: dict[str, Any], bus: str | None) -> list[dict[str, Any]]:
    out = []
    for res in template["Resources"].values():
        if res["Type"] == "AWS::Events::Rule" and "EventPattern" in res["Properties"]:
            on = res["Properties"].get("EventBusName")
            if (bus is None and on is None) or (bus is not None and on is not None):
                out.append(res["Properties"])
    return out


def _forwarded(rule: dict[str, Any]) -> bool:
    return any("event-bus/cfct-backup-events" in str(t.get("Arn")) for t in rule.get("Targets", []))


def _pairs(pattern: dict[str, Any]) -> set[tuple[str, str]]:
    return {(s, d) for s in pattern.get("source", []) for d in pattern.get("detail-type", ["*"])}


def test_every_central_bus_rule_is_fed_by_a_forwarding_rule() -> None:
    """A central rule whose (source, detail-type) no account forwards can never fire."""
    root = all_templates()[0].parent
    forwarded: set[tuple[str, str]] = set()
    for name in ("member-baseline.yaml", "org-trail.yaml", "lifecycle-automation.yaml"):
        for rule in _rules(load_template(root / name), None):
            if _forwarded(rule):
                forwarded |= _pairs(rule["EventPattern"])
    sources_forwarded = {s for s, d in forwarded if d == "*"}
    for rule in _rules(load_template(root / "audit.yaml"), "central"):
        for source, kind in _pairs(rule["EventPattern"]):
            assert (source, kind) in forwarded or source in sources_forwarded, (rule["Name"], source, kind)


def test_kms_changes_reach_the_central_bus_but_not_every_decrypt() -> None:
    member = load_template(all_templates()[0].parent / "member-baseline.yaml")
    kms = [r for r in _rules(member, None) if "aws.kms" in r["EventPattern"]["source"] and _forwarded(r)]
    assert kms
    for rule in kms:
        names = set(rule["EventPattern"]["detail"]["eventName"])
        assert {"ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy"} <= names
        assert not names & {"Decrypt", "GenerateDataKey", "Encrypt"}


def test_alarm_rules_alert_only_on_alarm_not_on_ok() -> None:
    root = all_templates()[0].parent
    seen = 0
    for name in ("audit.yaml", "org-trail.yaml"):
        for res in load_template(root / name)["Resources"].values():
            props = res.get("Properties") or {}
            pattern = props.get("EventPattern") or {}
            if "CloudWatch Alarm State Change" in pattern.get("detail-type", []):
                seen += 1
                assert pattern["source"] == ["aws.cloudwatch"]
                assert pattern["detail"]["state"]["value"] == ["ALARM"]
    assert seen == 2


def test_conformance_pack_excludes_the_management_account() -> None:
    root = all_templates()[0].parent
    template = load_template(root / "config-conformance.yaml")
    params = {**dict.fromkeys(["LogArchiveAccountId"], "111111111111"), "ManagementAccountId": MANAGEMENT}
    ctx = Context(MANAGEMENT, parameters={**Context(MANAGEMENT).parameters, **params})
    pack = template["Resources"]["BackupConformancePack"]["Properties"]
    excluded = pack["ExcludedAccounts"]["Fn::If"]
    assert resolve(excluded[2], ctx, template) == [MANAGEMENT]
    assert parameter_file("config-conformance.json")["ManagementAccountId"] == (
        "$[alfred_ssm_/cfct-backup/accounts/management]"
    )
    assert "ExcludedAccounts" in template["Outputs"]


def test_self_service_end_users_are_identity_center_roles_and_launches_read_the_template_copy() -> None:
    import fnmatch

    root = all_templates()[0].parent
    template = load_template(root / "self-service.yaml")
    pattern = parameter_file("self-service.json")["EndUserRoleNamePattern"]
    principal = resolve(
        template["Resources"]["EndUserAccess"]["Properties"]["PrincipalARN"],
        Context(MANAGEMENT, parameters={**Context(MANAGEMENT).parameters, "EndUserRoleNamePattern": pattern}),
        template,
    )
    # Identity Center names its roles with this path (the Region segment appears in newer ones)
    for role in (
        "arn:aws:iam:::role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BackupUser_0123456789abcdef",
        "arn:aws:iam:::role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_BackupUser_0123456789abcdef",
    ):
        assert fnmatch.fnmatchcase(role, principal), (role, principal)
    assert not fnmatch.fnmatchcase("arn:aws:iam:::role/AWSReservedSSO_Fake", principal)
    statements = template["Resources"]["LaunchRole"]["Properties"]["Policies"][0]["PolicyDocument"][
        "Statement"
    ]
    copies = [s for s in statements if s.get("Sid") == "ReadServiceCatalogTemplateCopies"]
    assert copies and copies[0]["Action"] == "s3:GetObject"
    assert copies[0]["Condition"] == {
        "StringEquals": {"s3:ExistingObjectTag/servicecatalog:provisioning": "true"}
    }
