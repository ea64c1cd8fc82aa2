"""CfCT as CfCT: what re-runs its pipeline, and the simulation without the hand-deployed
prerequisite (the management account's AWSControlTowerExecution)."""

import json
from pathlib import Path

import pytest

from cfct_backup.cfct.interpreter import triggers_pipeline
from cfct_backup.organization import load_organization
from cfct_backup.simulation.run import Simulation

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "examples" / "events"
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")


def _event(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("create-managed-account-prod.json", True),
        ("create-managed-account-sandbox.json", True),
        ("create-managed-account-failed.json", False),  # state FAILED: CfCT's rule wants SUCCEEDED
        ("move-account-into-prod.json", False),  # Organizations MoveAccount: no CfCT rule matches it
    ],
)
def test_only_successful_control_tower_lifecycle_events_rerun_cfct(name: str, expected: bool) -> None:
    assert triggers_pipeline(_event(name)) is expected


def test_update_managed_account_and_configuration_changes_rerun_cfct() -> None:
    create = _event("create-managed-account-prod.json")
    update = json.loads(json.dumps(create))
    update["detail"]["eventName"] = "UpdateManagedAccount"
    details = update["detail"]["serviceEventDetails"]
    details["updateManagedAccountStatus"] = details.pop("createManagedAccountStatus")
    assert triggers_pipeline(update)
    # the status key must match the event name, as in CfCT's rule patterns
    update["detail"]["eventName"] = "CreateManagedAccount"
    assert not triggers_pipeline(update)
    s3 = {
        "source": "aws.s3",
        "detail-type": "AWS API Call via CloudTrail",
        "detail": {"eventName": "PutObject"},
    }
    assert triggers_pipeline(s3)
    assert not triggers_pipeline({**s3, "detail": {"eventName": "DeleteObject"}})
    assert not triggers_pipeline({"source": "aws.organizations", "detail": {"eventName": "CreateAccount"}})


def test_simulation_without_the_prerequisite_fails_naming_the_missing_role() -> None:
    sim = Simulation(load_organization(ROOT / "examples" / "organization.yaml"), ROOT, prerequisites=False)
    report = sim.run([])
    assert not report.ok
    errors = [f for f in report.findings if f.level == "error"]
    first = errors[0]
    assert first.resource == "cfct-backup-lifecycle-automation"
    assert "AWSControlTowerExecution is missing in the management account" in first.message
    not_run = [f.resource for f in errors if f.message.startswith("not run: CfCT's stack-set stage stopped")]
    assert "cfct-backup-member-baseline" in not_run
    assert "cfct-backup-org-settings" in not_run
