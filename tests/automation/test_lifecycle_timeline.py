"""Enrolment on the real timeline: it waits for the member baseline instead of racing it.

AWS facts modelled (each checked on its doc page):
- CloudFormation emits `CloudFormation StackSet StackInstance Status Change` events (stack-set-arn,
  stack-id, status-details.detailed-status) in the stack set's administrator account:
  https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/event-detail-stackset-stack-instance-status-change.html
- CfCT re-runs its pipeline on Control Tower Create/UpdateManagedAccount SUCCEEDED only (the two
  `CustomControlTower*ManagedAccountCWEventRule` rules of CfCT v2.8.4's template), never on MoveAccount.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from cfct_backup_automation import inventory
from cfct_backup_automation.enrolment import handle_event
from cfct_backup_automation.reconcile import reconcile

from .conftest import DR, HOME, REGIONS, Org

STACK_SET = "CustomControlTower-cfct-backup-member-baseline"
PIPELINE = "Custom-Control-Tower-CodePipeline"


def _instances(org: Org, account: str, regions: tuple[str, ...] = REGIONS) -> None:
    cfn = boto3.client("cloudformation", HOME)
    try:
        cfn.describe_stack_set(StackSetName=STACK_SET)
    except cfn.exceptions.StackSetNotFoundException:
        marker = {"Name": "/cfct-backup/baseline", "Type": "String", "Value": "1"}
        body = {"Resources": {"Marker": {"Type": "AWS::SSM::Parameter", "Properties": marker}}}
        cfn.create_stack_set(
            StackSetName=STACK_SET, TemplateBody=json.dumps(body), PermissionModel="SELF_MANAGED"
        )
    cfn.create_stack_instances(StackSetName=STACK_SET, Accounts=[account], Regions=list(regions))


def instance_event(
    org: Org, account: str, region: str, status: str = "SUCCEEDED", reason: str = ""
) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "CloudFormation StackSet StackInstance Status Change",
        "source": "aws.cloudformation",
        "account": org.management,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": HOME,
        "resources": [f"arn:aws:cloudformation:{HOME}:{org.management}:stackset/{STACK_SET}:0a1b"],
        "detail": {
            "stack-set-arn": f"arn:aws:cloudformation:{HOME}:{org.management}:stackset/{STACK_SET}:0a1b",
            "stack-id": f"arn:aws:cloudformation:{region}:{account}:stack/StackSet-{STACK_SET}-0a1b/9f8e",
            "action": "CREATE",
            "status-details": {"status": "CURRENT", "status-reason": reason, "detailed-status": status},
        },
    }


def _gap_metrics(rt: Any) -> list[dict[str, Any]]:
    return [m for m in rt.telemetry.emitted_metrics if m["name"] == "ProtectionGaps"]


@pytest.fixture
def wrt(org: Org) -> Any:
    org.events()
    return org.runtime(BASELINE_STACK_SET_NAME=STACK_SET, CFCT_PIPELINE_NAME=PIPELINE)


def test_a_vend_waits_quietly_then_the_baseline_event_enrols_it(org: Org, wrt: Any) -> None:
    account = org.vend(org.protected_ou)
    org.deploy_role(account)  # even a role in place is not enough: the instances are not complete
    out = handle_event(org.ct_event(account, org.protected_ou), wrt.cfg, wrt.sessions, wrt.telemetry)
    assert (out.action, out.state) == ("waiting", inventory.PENDING)
    assert org.inventory(account)["state"] == inventory.PENDING
    assert _gap_metrics(wrt) == []  # an expected wait raises no alarm
    # a Control Tower event does not start CfCT's pipeline: CfCT's own rule does
    assert not any(a.startswith("pipeline-started") for a in out.actions)
    # CfCT deploys the baseline; the home Region finishes first: still waiting
    org.deploy_baseline(account)
    _instances(org, account, (HOME,))
    out = handle_event(instance_event(org, account, HOME), wrt.cfg, wrt.sessions, wrt.telemetry)
    assert out.action == "waiting" and DR in out.message
    _instances(org, account, (DR,))
    out = handle_event(instance_event(org, account, DR), wrt.cfg, wrt.sessions, wrt.telemetry)
    assert (out.action, out.state) == ("enrolled", inventory.PROTECTED), out.as_dict()
    assert _gap_metrics(wrt) == []


def test_a_failed_baseline_is_a_named_gap_alarmed_once(org: Org, wrt: Any) -> None:
    account = org.vend(org.protected_ou)
    handle_event(org.ct_event(account, org.protected_ou), wrt.cfg, wrt.sessions, wrt.telemetry)
    failed = instance_event(org, account, DR, "FAILED", "Resource handler returned message: KMS quota")
    out = handle_event(failed, wrt.cfg, wrt.sessions, wrt.telemetry)
    assert (out.action, out.reason) == ("failed", "baseline-failed")
    assert "KMS quota" in out.message and DR in out.message
    item = org.inventory(account)
    assert item["state"] == inventory.GAP and item["gaps"] == ["global:baseline-failed"]
    assert len(_gap_metrics(wrt)) == 1
    gap_events = [e for e in org.events() if e["detail-type"] == "Protection Gap"]
    assert [e["detail"]["accountId"] for e in gap_events] == [account]
    assert "KMS quota" in gap_events[0]["detail"]["missing"]
    # the same failure reported again (a retry, the other Region) does not alarm again
    handle_event(instance_event(org, account, HOME, "FAILED", "again"), wrt.cfg, wrt.sessions, wrt.telemetry)
    assert len(_gap_metrics(wrt)) == 1
    # a SUCCEEDED event for the home Region alone does not clear the DR failure
    org.deploy_baseline(account)
    _instances(org, account)
    out = handle_event(instance_event(org, account, HOME), wrt.cfg, wrt.sessions, wrt.telemetry)
    assert out.reason == "baseline-failed"


def _pipeline(org: Org) -> Any:
    cp = boto3.client("codepipeline", HOME)
    if PIPELINE not in [p["name"] for p in cp.list_pipelines()["pipelines"]]:
        iam = boto3.client("iam", HOME)
        role = iam.create_role(
            RoleName=f"cfct-pipeline-{uuid.uuid4().hex[:6]}",
            AssumeRolePolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "codepipeline.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
        )["Role"]["Arn"]
        stage = lambda name, category, provider: {  # noqa: E731
            "name": name,
            "actions": [
                {
                    "name": name,
                    "actionTypeId": {
                        "category": category,
                        "owner": "AWS",
                        "provider": provider,
                        "version": "1",
                    },
                    "configuration": {"S3Bucket": "b", "S3ObjectKey": "k"}
                    if category == "Source"
                    else {"ProjectName": "p"},
                    "outputArtifacts": [{"name": "src"}] if category == "Source" else [],
                    "inputArtifacts": [] if category == "Source" else [{"name": "src"}],
                }
            ],
        }
        cp.create_pipeline(
            pipeline={
                "name": PIPELINE,
                "roleArn": role,
                "artifactStore": {"type": "S3", "location": "artifacts"},
                "stages": [stage("Source", "Source", "S3"), stage("Build", "Build", "CodeBuild")],
            }
        )
    return cp


def _executions(cp: Any) -> int:
    return len(cp.list_pipeline_executions(pipelineName=PIPELINE)["pipelineExecutionSummaries"])


def test_move_account_into_scope_starts_the_cfct_pipeline_once(org: Org, wrt: Any) -> None:
    cp = _pipeline(org)
    before = _executions(cp)
    account = org.vend(org.other_ou)
    org.orgs.move_account(
        AccountId=account, SourceParentId=org.other_ou, DestinationParentId=org.protected_ou
    )
    move = org.org_event(
        "MoveAccount", account, sourceParentId=org.other_ou, destinationParentId=org.protected_ou
    )
    out = handle_event(move, wrt.cfg, wrt.sessions, wrt.telemetry)
    assert out.action == "waiting"
    assert [a.split(":")[1] for a in out.actions] == [PIPELINE]
    assert _executions(cp) == before + 1
    assert org.inventory(account)["pipelineStartedAt"]
    # the same move delivered again (EventBridge retry) does not start a second run
    move["id"] = str(uuid.uuid4())
    handle_event(move, wrt.cfg, wrt.sessions, wrt.telemetry)
    assert _executions(cp) == before + 1
    assert _gap_metrics(wrt) == []


def _child_ou(org: Org) -> str:
    name = f"Team-{uuid.uuid4().hex[:6]}"
    return str(
        org.orgs.create_organizational_unit(ParentId=org.protected_ou, Name=name)["OrganizationalUnit"]["Id"]
    )


def test_an_account_in_a_child_ou_of_a_protected_ou_is_a_nested_ou_gap(org: Org, wrt: Any) -> None:
    child = _child_ou(org)
    account = org.vend(child)
    out = handle_event(org.ct_event(account, child), wrt.cfg, wrt.sessions, wrt.telemetry)
    assert (out.action, out.reason) == ("failed", "nested-ou")
    assert org.protected_ou in out.message and child in out.message
    assert len(_gap_metrics(wrt)) == 1
    result = reconcile(wrt.cfg, wrt.sessions, mode="audit", write_report=False)
    report = next(a for a in result.accounts if a.account_id == account)
    assert [g.code for g in report.gaps] == ["nested-ou"] and report.state == inventory.GAP
    assert report.ou_id == child


def test_reconcile_leaves_a_waiting_account_alone_until_the_wait_is_too_long(org: Org, wrt: Any) -> None:
    account = org.vend(org.protected_ou)
    handle_event(org.ct_event(account, org.protected_ou), wrt.cfg, wrt.sessions, wrt.telemetry)
    result = reconcile(wrt.cfg, wrt.sessions, mode="audit", write_report=False)
    report = next(a for a in result.accounts if a.account_id == account)
    assert (report.state, report.gaps) == (inventory.PENDING, [])
    later = datetime.now(UTC) + timedelta(seconds=wrt.cfg.baseline_wait_seconds + 60)
    result = reconcile(wrt.cfg, wrt.sessions, mode="audit", write_report=False, now=lambda: later)
    report = next(a for a in result.accounts if a.account_id == account)
    assert "baseline-timeout" in {g.code for g in report.gaps} and report.state == inventory.GAP


def test_one_account_raising_anything_is_that_accounts_gap_not_the_end_of_the_sweep(
    org: Org, wrt: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken, fine = org.vend(org.protected_ou), org.vend(org.protected_ou)
    real = wrt.sessions.client

    def client(service: str, account_id: str, region: str | None = None, **kw: bool) -> Any:
        if account_id == broken:
            raise KeyError("unexpected shape of a response")
        return real(service, account_id, region, **kw)

    monkeypatch.setattr(wrt.sessions, "client", client)
    result = reconcile(wrt.cfg, wrt.sessions, mode="audit", write_report=False)
    by_id = {a.account_id: a for a in result.accounts}
    assert "check-failed" in {g.code for g in by_id[broken].gaps}
    assert "KeyError" in (by_id[broken].error or "")
    assert fine in by_id and "check-failed" not in {g.code for g in by_id[fine].gaps}


def test_a_warm_runtime_rereads_changed_configuration_after_max_age(org: Org) -> None:
    from cfct_backup_automation.runtime_slot import RuntimeSlot

    ssm = boto3.client("ssm", HOME)
    name = "/cfct-backup/protected-ous/ids"
    original = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    try:
        fresh, cached = RuntimeSlot("fresh"), RuntimeSlot("cached")
        fresh.set(org.runtime(CONFIG_MAX_AGE_SECONDS="0"))
        cached.set(org.runtime(CONFIG_MAX_AGE_SECONDS="3600"))
        assert fresh.get().cfg.protected_ou_ids == cached.get().cfg.protected_ou_ids
        ssm.put_parameter(Name=name, Value=org.protected_ou, Type="StringList", Overwrite=True)
        assert fresh.get().cfg.protected_ou_ids == (org.protected_ou,)
        assert cached.get().cfg.protected_ou_ids == tuple(original.split(","))
    finally:
        ssm.put_parameter(Name=name, Value=original, Type="StringList", Overwrite=True)


def _reset_event(org: Org) -> dict[str, Any]:
    # CloudTrail record of ResetEnabledBaseline: it names the enabled baseline, not the OU
    # https://docs.aws.amazon.com/controltower/latest/APIReference/API_ResetEnabledBaseline.html
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.controltower",
        "account": org.management,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": HOME,
        "resources": [],
        "detail": {
            "eventSource": "controltower.amazonaws.com",
            "eventName": "ResetEnabledBaseline",
            "requestParameters": {
                "enabledBaselineIdentifier": (
                    f"arn:aws:controltower:{HOME}:{org.management}:enabledbaseline/XAGF7"
                )
            },
            "responseElements": {"operationIdentifier": str(uuid.uuid4())},
        },
    }


def test_a_reset_enabled_baseline_makes_unprotected_accounts_wait_and_starts_cfct_once(
    org: Org, wrt: Any
) -> None:
    cp = _pipeline(org)
    before = _executions(cp)
    done = org.vend(org.protected_ou)  # already protected: left alone
    org.deploy_baseline(done)
    _instances(org, done)
    handle_event(org.ct_event(done, org.protected_ou), wrt.cfg, wrt.sessions, wrt.telemetry)
    assert org.inventory(done)["state"] == inventory.PROTECTED
    unseen = [org.vend(org.protected_ou) for _ in range(2)]  # in the OU, no event seen for them
    failed = org.vend(org.protected_ou)  # its first CfCT run failed (not yet enrolled in Control Tower)
    handle_event(org.ct_event(failed, org.protected_ou), wrt.cfg, wrt.sessions, wrt.telemetry)
    handle_event(
        instance_event(org, failed, DR, "FAILED", "no AWSControlTowerExecution"),
        wrt.cfg,
        wrt.sessions,
        wrt.telemetry,
    )
    assert org.inventory(failed)["state"] == inventory.GAP
    alarms = len(_gap_metrics(wrt))
    out = handle_event(_reset_event(org), wrt.cfg, wrt.sessions, wrt.telemetry)
    assert (out.action, out.reason) == ("waiting", "ResetEnabledBaseline")
    assert _executions(cp) == before + 1  # one CfCT run for the whole OU
    for account in (*unseen, failed):
        item = org.inventory(account)
        assert item["state"] == inventory.PENDING and item["pipelineStartedAt"], (account, item)
        assert f"{account}:waiting" in out.actions
    assert f"{done}:waiting" not in out.actions and org.inventory(done)["state"] == inventory.PROTECTED
    assert len(_gap_metrics(wrt)) == alarms  # waiting again is no new alarm
    # the run deploys the baseline: the instance events enrol them, as after a vend
    for account in unseen:
        org.deploy_baseline(account)
        _instances(org, account)
        for region in REGIONS:
            out = handle_event(instance_event(org, account, region), wrt.cfg, wrt.sessions, wrt.telemetry)
        assert (out.action, out.state) == ("enrolled", inventory.PROTECTED), out.as_dict()


def test_an_enable_baseline_on_an_unprotected_ou_changes_nothing(org: Org, wrt: Any) -> None:
    cp = _pipeline(org)
    before = _executions(cp)
    org.vend(org.other_ou)
    event = _reset_event(org)
    event["detail"]["eventName"] = "EnableBaseline"
    event["detail"]["requestParameters"] = {
        "targetIdentifier": f"arn:aws:organizations::{org.management}:ou/{org.org_id}/{org.other_ou}"
    }
    out = handle_event(event, wrt.cfg, wrt.sessions, wrt.telemetry)
    assert (out.action, out.reason) == ("ignored", "out-of-scope")
    assert _executions(cp) == before
