"""The simulation on the real timeline (simulation/timeline.py).

The vend event is delivered first, CfCT's pipeline finishes `pipelineSeconds` later, its stack
instance events follow; a MoveAccount starts no CfCT run of its own (CfCT v2.8.4 re-runs only on
Control Tower Create/UpdateManagedAccount SUCCEEDED). Lambda async retries: two, then the DLQ
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cfct_backup.cfct.interpreter import Interpreter, triggers_pipeline
from cfct_backup.organization import load_organization
from cfct_backup.simulation.run import Simulation, load_events

ROOT = Path(__file__).resolve().parents[2]
ORG = ROOT / "examples" / "organization.yaml"
EVENTS = ROOT / "examples" / "events"
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")


def _account(report: Any, name: str) -> dict[str, Any]:
    return next(a for a in report.as_dict()["accounts"] if a["name"] == name)


def test_a_normal_vend_is_protected_within_a_minute_of_the_pipeline_without_dlq_or_alarm(default_run) -> None:
    _sim, report = default_run
    line = report.as_dict()["timeline"]
    vended = _account(report, "Payments Prod")
    assert vended["state"] == "PROTECTED"
    assert vended["dlqMessages"] == 0
    # measured on the simulated clock from the CreateManagedAccount event: the pipeline's duration
    # (the baseline does not exist before it) plus at most a minute
    assert line["pipelineSeconds"] <= vended["timeToProtectedSeconds"] <= line["pipelineSeconds"] + 60
    assert line["dlqMessages"] == 0
    assert set(line["alarms"].values()) == {0}, line["alarms"]
    assert [r["trigger"] for r in line["pipelineRuns"]] == ["(vended): Control Tower lifecycle event"]


@pytest.fixture(scope="module")
def move_run() -> Any:
    sim = Simulation(load_organization(ORG), ROOT)
    return sim.run(load_events([EVENTS / "move-account-into-prod.json"]))


def test_a_move_into_a_protected_ou_starts_cfcts_pipeline_and_is_protected_after_it(move_run) -> None:
    line = move_run.as_dict()["timeline"]
    moved = _account(move_run, "Playground")
    assert moved["state"] == "PROTECTED", moved["gaps"]
    assert [r["trigger"].split(": ", 1)[1] for r in line["pipelineRuns"]] == [
        "StartPipelineExecution by the enrolment function"
    ]
    assert line["pipelineSeconds"] <= moved["timeToProtectedSeconds"] <= line["pipelineSeconds"] + 60
    assert moved["dlqMessages"] == 0 and set(line["alarms"].values()) == {0}


@pytest.fixture(scope="module")
def failed_run() -> Any:
    """The vended account's DR instance of the member baseline fails in the pipeline run after the vend."""
    deploy = Interpreter.deploy
    state: dict[str, Any] = {}

    def failing(self: Interpreter, *, changes_only: bool = False) -> Any:
        result = deploy(self, changes_only=changes_only)
        ss = next(
            (s for s in result.stack_sets.values() if s.stack_set_name.endswith("member-baseline")), None
        )
        if not changes_only or ss is None:
            state["known"] = set(ss.deployed) if ss else set()
            return result
        new = [(a, r) for a, r in ss.deployed if (a, r) not in state["known"] and r == "us-west-2"]
        for account, region in new:
            ss.deployed.remove((account, region))
            ss.failed.append((account, region, "Resource handler returned message: KMS LimitExceeded"))
            self.clients.client(
                "cloudformation", self.clients.management_id, self.region
            ).delete_stack_instances(
                StackSetName=ss.stack_set_name, Accounts=[account], Regions=[region], RetainStacks=False
            )
        return result

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Interpreter, "deploy", failing)
        return Simulation(load_organization(ORG), ROOT).run([])


def test_a_failed_baseline_is_a_named_gap_and_exactly_one_alarm(failed_run) -> None:
    vended = _account(failed_run, "Payments Prod")
    assert vended["state"] != "PROTECTED"
    assert vended["timeToProtectedSeconds"] is None and vended["dlqMessages"] == 0
    line = failed_run.as_dict()["timeline"]
    outcomes = [e.outcome for e in failed_run.events if e.file == "(stack instance)"]
    assert any("reason=baseline-failed" in o for o in outcomes), outcomes
    assert line["alarms"] == {
        "cfct-backup-protection-gaps": 1,
        "cfct-backup-enrolment-errors": 0,
        "cfct-backup-automation-dlq-depth": 0,
    }


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ("create-managed-account-prod.json", True),
        ("create-managed-account-failed.json", False),
        ("move-account-into-prod.json", False),
    ],
)
def test_cfct_reruns_only_on_a_successful_control_tower_lifecycle_event(event: str, expected: bool) -> None:
    ((_, data),) = load_events([EVENTS / event])
    assert triggers_pipeline(data) is expected
