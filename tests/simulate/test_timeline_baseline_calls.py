"""A Control Tower baseline call on the simulated clock (simulation/timeline.py).

Landing zone 3.1+/4.0: an account that reaches a registered OU unseen by the automation (here: moved
while no MoveAccount event reached the enrolment, e.g. the rule was being redeployed) is enrolled in
Control Tower by ResetEnabledBaseline, whose CloudTrail record names only the enabled baseline
(https://docs.aws.amazon.com/controltower/latest/APIReference/API_ResetEnabledBaseline.html). It has the
OU's SCPs and backup policies at once; no CfCT run follows (CfCT v2.8.4 re-runs only on
Create/UpdateManagedAccount SUCCEEDED), so the enrolment starts CfCT's pipeline and waits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cfct_backup.cfct.interpreter import triggers_pipeline
from cfct_backup.organization import Account, load_organization
from cfct_backup.simulation.run import LifecycleDelivery, Simulation, load_events

ROOT = Path(__file__).resolve().parents[2]
ORG = ROOT / "examples" / "organization.yaml"
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")

RESET = {
    "version": "0",
    "id": "5e0c1a2b-3d4e-4f5a-8b6c-7d8e9f0a1b2c",
    "detail-type": "AWS API Call via CloudTrail",
    "source": "aws.controltower",
    "account": "123456789012",
    "time": "2026-11-26T10:05:31Z",
    "region": "us-east-1",
    "resources": [],
    "detail": {
        "eventVersion": "1.08",
        "eventSource": "controltower.amazonaws.com",
        "eventName": "ResetEnabledBaseline",
        "awsRegion": "us-east-1",
        "requestParameters": {
            "enabledBaselineIdentifier": (
                "arn:aws:controltower:us-east-1:123456789012:enabledbaseline/XAGF7TNOHRD7ES5VV"
            )
        },
        "responseElements": {"operationIdentifier": "58f12232-26be-4735-a3e9-dd30d90f021f"},
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
    },
}


class UnseenMove(Simulation):
    """Playground moves into Workloads:Prod just before the reset, without a MoveAccount delivery."""

    def prepare_event(self, delivery: LifecycleDelivery, ids: Any, org_client: Any) -> Any:
        if delivery.event.get("source") == "aws.controltower" and not triggers_pipeline(delivery.event):
            account = ids.accounts["Playground"]
            source = org_client.list_parents(ChildId=account)["Parents"][0]["Id"]
            org_client.move_account(
                AccountId=account, SourceParentId=source, DestinationParentId=ids.ous["Workloads:Prod"]
            )
            moved = self.org.account("Playground")
            return self.org.with_account(Account(moved.name, moved.email, "Workloads:Prod", account))
        return super().prepare_event(delivery, ids, org_client)


@pytest.fixture(scope="module")
def reset_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("events") / "reset-enabled-baseline.json"
    path.write_text(json.dumps(RESET), encoding="utf-8")
    return UnseenMove(load_organization(ORG), ROOT).run(load_events([path]))


def _account(report: Any, name: str) -> dict[str, Any]:
    return next(a for a in report.as_dict()["accounts"] if a["name"] == name)


def test_a_reset_enabled_baseline_starts_cfcts_pipeline_and_protects_the_account_after_it(reset_run) -> None:
    line = reset_run.as_dict()["timeline"]
    moved = _account(reset_run, "Playground")
    assert moved["state"] == "PROTECTED", moved["gaps"]
    assert [r["trigger"].split(": ", 1)[1] for r in line["pipelineRuns"]] == [
        "StartPipelineExecution by the enrolment function"
    ]
    # measured from the reset (the account's first in-scope event on the simulated clock)
    assert line["pipelineSeconds"] <= moved["timeToProtectedSeconds"] <= line["pipelineSeconds"] + 60
    assert moved["dlqMessages"] == 0 and set(line["alarms"].values()) == {0}
