"""Event files are applied to the emulated organization without ever crashing on their shape."""

import json
from pathlib import Path

import pytest

from cfct_backup.organization import OrganizationIds, load_organization
from cfct_backup.simulation.run import LifecycleDelivery, Simulation, control_tower_event

ROOT = Path(__file__).resolve().parents[2]


class NoCalls:
    """An Organizations client that must not be used (nothing to create or move)."""

    def __getattr__(self, name):
        raise AssertionError(f"unexpected Organizations call {name}")


IDS = OrganizationIds(
    "o-abcdefghij", "r-ab12", {"Management": "123456789012"}, {"Workloads:Prod": "ou-ab12-prod0001"}
)


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"detail": []},
        {"detail": {"serviceEventDetails": "x"}},
        {
            "detail": {
                "serviceEventDetails": {
                    "createManagedAccountStatus": {"account": [], "organizationalUnit": 3}
                }
            }
        },
        {"source": "aws.organizations", "detail": {"eventName": "MoveAccount", "requestParameters": [1]}},
        {
            "source": "aws.organizations",
            "detail": {"eventName": "MoveAccount", "requestParameters": {"accountId": 7}},
        },
    ],
)
def test_malformed_events_change_nothing(event):
    sim = Simulation(load_organization(ROOT / "examples" / "organization.yaml"), ROOT)
    delivery = LifecycleDelivery("e.json", event)
    assert sim.prepare_event(delivery, IDS, NoCalls()) is None


def test_ou_resolved_by_name_when_its_id_is_unknown_and_failed_events_create_nothing():
    sim = Simulation(load_organization(ROOT / "examples" / "organization.yaml"), ROOT)
    event = control_tower_event(
        "210987654321",
        "Billing Prod",
        "ou-zzzz-unknown1",
        "Prod",
        region="us-east-1",
        management_id="123456789012",
    )
    status = event["detail"]["serviceEventDetails"]["createManagedAccountStatus"]
    status["state"] = "FAILED"
    delivery = LifecycleDelivery("e.json", event)
    assert sim.prepare_event(delivery, IDS, NoCalls()) is None
    assert status["organizationalUnit"]["organizationalUnitId"] == "ou-ab12-prod0001"
    assert any("rewritten" in n for n in delivery.notes)


def test_sample_events_are_valid_eventbridge_events():
    for path in sorted((ROOT / "examples" / "events").glob("*.json")):
        event = json.loads(path.read_text())
        assert {"version", "id", "detail-type", "source", "account", "time", "region", "detail"} <= set(
            event
        ), path
        assert event["source"] in ("aws.controltower", "aws.organizations"), path


def test_sample_events_parse_with_the_enrolment_functions_own_model():
    from cfct_backup_automation.events import IgnoredEvent, parse_event

    kinds = {}
    for path in sorted((ROOT / "examples" / "events").glob("*.json")):
        try:
            kinds[path.name] = parse_event(json.loads(path.read_text())).kind
        except IgnoredEvent as exc:
            kinds[path.name] = f"ignored:{exc.reason}"
    assert kinds == {
        "create-managed-account-failed.json": "ignored:failed",
        "create-managed-account-prod.json": "CreateManagedAccount",
        "create-managed-account-sandbox.json": "CreateManagedAccount",
        "move-account-into-prod.json": "MoveAccount",
    }
