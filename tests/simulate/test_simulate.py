"""End to end: the real package deployed on the emulated default organization, the real automation.

Simulations, each shared by the tests that read it: the default run (an account vended into a
protected OU; session-scoped in conftest.py, shared with test_central.py), a run driven by the
sample lifecycle events, and runs of deliberately broken copies of the package.
"""

import json
import re
import shutil
from pathlib import Path

import pytest

from cfct_backup.cfct.manifest import load_manifest
from cfct_backup.cli import main
from cfct_backup.commands.simulate import report_document
from cfct_backup.organization import load_organization
from cfct_backup.simulation.plan import make_plan
from cfct_backup.simulation.run import Simulation, load_events

ROOT = Path(__file__).resolve().parents[2]
ORG = ROOT / "examples" / "organization.yaml"
EVENTS = ROOT / "examples" / "events"
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")


def _simulate(package: Path, events=()):
    sim = Simulation(load_organization(ORG), package)
    report = sim.run(load_events([Path(e) for e in events]))
    return sim, report


@pytest.fixture(scope="module")
def events_run():
    files = [
        EVENTS / "create-managed-account-prod.json",
        EVENTS / "create-managed-account-sandbox.json",
        EVENTS / "create-managed-account-failed.json",
        EVENTS / "move-account-into-prod.json",
    ]
    return _simulate(ROOT, files)


def _account(report, name):
    return next(a for a in report.accounts if a.name == name)


def test_default_organization_is_fully_protected(default_run):
    sim, report = default_run
    in_scope = {a.name: a for a in report.in_scope}
    assert set(in_scope) == {"Orders Prod", "Orders Dev", "Payments Prod"}  # the vended one included
    gaps = {a.name: a.gaps for a in report.accounts if a.gaps}
    errors = [str(f) for f in report.findings if f.level == "error"]
    assert not errors, errors
    assert all(a.state == "PROTECTED" for a in in_scope.values()), gaps
    assert report.ok
    vended = in_scope["Payments Prod"]
    assert [r.region for r in vended.regions] == ["us-east-1", "us-west-2"]
    for region in vended.regions:
        assert region.vault == "cfct-backup-vault"
        assert region.key_customer_managed and region.key_rotation
        assert region.access_policy and region.copy_limited
        assert region.event_rule and region.framework
        assert region.bunker_grant  # created by the enrolment handler, read in the member account
        assert region.opted_in
    bunker_id = sim.org.role_account("bunker")
    assert vended.copy_destinations
    # the copy drill: a backup job and a copy job per destination, from each governed Region, went
    # through the emulator's cross-account rules (org, global setting, CMK, bunker policy, lock)
    assert len(vended.copy_jobs) == len(vended.regions) * len(vended.copy_destinations)
    assert all(job.endswith(": COMPLETED") for job in vended.copy_jobs), vended.copy_jobs
    assert vended.enrolment == "PROTECTED"
    assert bunker_id.name == "Backup Bunker"
    # the bunker's vaults exist and are locked, in both Regions
    bunker = _account(report, "Backup Bunker")
    assert [(r.region, r.vault, r.locked, r.copy_limited) for r in bunker.regions] == [
        ("us-east-1", "cfct-backup-bunker", True, True),
        ("us-west-2", "cfct-backup-bunker", True, True),
    ]
    assert not bunker.gaps
    # the bunker's key is held in the separate Key Vault account (seed 4.3)
    key_vault = _account(report, "Key Vault")
    assert {r.key_account for r in bunker.regions} == {key_vault.id}
    assert {r.key_account for r in vended.regions} == {vended.id}
    # SCPs in force on the vended member: the package's protections, inherited as Organizations does
    assert {"cfct-backup-protect-member-backup", "cfct-backup-protect-keys"} <= set(vended.scps)
    assert "cfct-backup-lock-down-bunker" in bunker.scps
    # accounts outside the protected OUs got nothing and were not enrolled
    sandbox = _account(report, "Playground")
    assert sandbox.state == "NOT_IN_SCOPE" and sandbox.enrolment is None and not sandbox.regions


def test_scheduled_drill_the_policy_plan_backed_up_a_tagged_table_and_copied_it_to_the_bunker(default_run):
    """Seed 2.5 (the policy's plan exists in the member), 1.4 and 2.6 (one day on, its daily rule
    ran a job for the tagged table and copied the recovery point into both bunker vaults)."""
    sim, report = default_run
    drilled = [a for a in report.accounts if a.scheduled_jobs]
    assert [a.name for a in drilled] == ["Orders Prod"]  # one protected member, not every account
    [account] = drilled
    home = sim.org.home_region
    bunker = next(a.id for a in report.accounts if a.role == "bunker")
    expected_copies = sorted(d for d in account.copy_destinations if d.split(":")[4] == bunker)
    assert len(expected_copies) == 2  # home and DR bunker vaults
    assert account.scheduled_jobs == [
        f"{home} cfct-backup-daily/daily backup: COMPLETED",
        *(f"{home} cfct-backup-daily/daily copy -> {d}: COMPLETED" for d in expected_copies),
    ]
    assert account.state == "PROTECTED"
    [reported] = [a for a in report.as_dict()["accounts"] if a["name"] == account.name]
    assert reported["scheduled_jobs"] == account.scheduled_jobs


def _documented_report() -> dict:
    """The report example of docs/simulate.md: JSON once its `//` comments are removed."""
    text = (ROOT / "docs" / "simulate.md").read_text(encoding="utf-8")
    section = text[text.index("### The report (`--report FILE`") :]
    block = re.search(r"```json\n(.*?)```", section, re.S)
    assert block, "docs/simulate.md: no ```json block in the report section"
    return json.loads(re.sub(r"\s+//[^\n]*", "", block.group(1)))


def test_report_json_is_the_documented_schema(default_run, tmp_path):
    """The document `simulate --report` writes has exactly the keys docs/simulate.md shows, at every
    level the default run fills (the expectation is read from the docs, not from the code)."""
    _, report = default_run
    documented = _documented_report()
    data = json.loads(json.dumps(report_document(report.as_dict())))
    assert data["schemaVersion"] == documented["schemaVersion"] and data["ok"] is True
    assert set(data) == set(documented)
    assert set(data["organization"]) == set(documented["organization"])
    doc_account = documented["accounts"][0]
    for account in data["accounts"]:
        assert set(account) == set(doc_account), account["name"]
        for region in account["regions"]:
            assert set(region) == set(doc_account["regions"][0]), account["name"]
    assert any(a["regions"] for a in data["accounts"])
    for name in ("central", "events", "findings"):
        for item in data[name]:
            assert set(item) == set(documented[name][0]), name
    assert data["central"] and data["events"]
    # "total" is the command's own clock, added after the run (the fixture runs the simulation itself)
    assert set(data["timingsSeconds"]) == set(documented["timingsSeconds"]) - {"total"}


def test_plan_of_an_account_equals_what_the_simulation_deployed(default_run):
    sim, report = default_run
    ids = {a.name: a.id for a in report.accounts}
    org = sim.org.with_ids(ids)
    built = sim.ids
    plan = make_plan(org, load_manifest(ROOT / "manifest.yaml"), ROOT, built)
    assert not plan.problems, plan.problems
    for planned in plan.accounts:
        seen = _account(report, planned.name)
        assert planned.stack_instances == seen.stack_instances, planned.name
        assert planned.scps == seen.scps, planned.name
        assert planned.rcps == seen.rcps, planned.name
        if seen.in_scope:
            assert planned.plan_names == seen.plans, planned.name
            assert planned.copy_destinations == seen.copy_destinations, planned.name


def test_event_outside_the_protected_ous_leaves_the_account_unenrolled(events_run):
    _, report = events_run
    outside = _account(report, "Experiments")
    assert outside.id == "310987654322"  # created with the ID the event names
    assert outside.ou == "Sandbox"
    assert outside.state == "NOT_IN_SCOPE"
    assert outside.enrolment is None
    assert not outside.stack_instances and not outside.regions
    outcome = next(e for e in report.events if e.account == "310987654322")
    assert "ignored" in outcome.outcome


def test_event_inside_a_protected_ou_creates_and_protects_the_account(events_run):
    _, report = events_run
    inside = _account(report, "Billing Prod")
    assert (inside.id, inside.ou, inside.state, inside.enrolment) == (
        "210987654321",
        "Workloads:Prod",
        "PROTECTED",
        "PROTECTED",
    )
    # the FAILED event created nothing and changed nothing
    assert all(a.id != "410987654323" for a in report.accounts)
    failed = next(e for e in report.events if e.account == "410987654323")
    assert "ignored" in failed.outcome


def test_account_moved_into_a_protected_ou_gets_the_baseline_and_is_enrolled(events_run):
    _, report = events_run
    moved = _account(report, "Playground")  # was in Sandbox in the organization description
    assert (moved.id, moved.ou, moved.state, moved.enrolment) == (
        "111122223333",
        "Workloads:Prod",
        "PROTECTED",
        "PROTECTED",
    )
    assert moved.stack_instances == [
        "cfct-backup-member-baseline@us-east-1",
        "cfct-backup-member-baseline@us-west-2",
        "cfct-backup-restore-testing@us-east-1",
        "cfct-backup-self-service@us-east-1",
    ]
    assert "cfct-backup-protect-member-backup" in moved.scps
    assert report.ok


def _copy_package(tmp_path):
    package = tmp_path / "package"
    shutil.copytree(
        ROOT, package, ignore=shutil.ignore_patterns(".venv*", ".git", "__pycache__", "*.egg-info", "tests")
    )
    return package


def test_broken_package_is_a_named_gap_and_a_failing_exit(tmp_path, capsys):
    package = _copy_package(tmp_path)
    template = package / "templates" / "backup-policies.yaml"
    text = template.read_text()
    assert "backup-vault:cfct-backup-bunker" in text
    template.write_text(text.replace("backup-vault:cfct-backup-bunker", "backup-vault:cfct-backup-nowhere"))
    report_file = tmp_path / "report.json"
    code = main(["simulate", "--package", str(package), "--report", str(report_file)])
    out = capsys.readouterr().out
    assert code == 1
    assert "cfct-backup-nowhere does not exist" in out
    data = json.loads(report_file.read_text())
    assert data["ok"] is False
    gaps = [g for a in data["accounts"] if a["inScope"] for g in a["gaps"]]
    assert any("copy destination" in g and "cfct-backup-nowhere" in g for g in gaps)
    assert all(a["state"] == "GAP" for a in data["accounts"] if a["inScope"])


def test_bunker_that_admits_other_ous_fails_every_copy_job(tmp_path, capsys):
    package = _copy_package(tmp_path)
    params = package / "parameters" / "bunker.json"
    text = params.read_text()
    assert "$[alfred_ssm_/cfct-backup/protected-ous/org-paths]" in text
    params.write_text(
        text.replace(
            "$[alfred_ssm_/cfct-backup/protected-ous/org-paths]", "o-aaaaaaaaaa/r-aaaa/ou-aaaa-aaaaaaaa/*"
        )
    )
    report_file = tmp_path / "report.json"
    code = main(["simulate", "--package", str(package), "--report", str(report_file)])
    capsys.readouterr()
    assert code == 1
    data = json.loads(report_file.read_text())
    for account in (a for a in data["accounts"] if a["inScope"]):
        assert account["state"] == "GAP"
        assert account["copyJobs"] and all(j.endswith(": FAILED") for j in account["copyJobs"])
        assert any("copy job to" in g and "CopyIntoBackupVault" in g for g in account["gaps"]), account[
            "gaps"
        ]
