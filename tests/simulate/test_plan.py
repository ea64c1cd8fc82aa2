"""`cfct-backup plan` on the small test package: no emulator, nothing deployed."""

import json
import shutil
from pathlib import Path

from cfct_backup.cli import main
from cfct_backup.organization import load_organization, placeholder_ids

ROOT = Path(__file__).resolve().parents[2]
ORG = ROOT / "examples" / "organization.yaml"
MINI = Path(__file__).parent / "fixtures" / "mini"


def _plan(capsys, *extra, package=MINI):
    code = main(["plan", "--package", str(package), "--org", str(ORG), "--format", "json", *extra])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip().startswith("{") else out)


def test_scps_are_inherited_down_the_ou_tree(capsys):
    code, plan = _plan(capsys)
    assert code == 0
    by_name = {a["name"]: a for a in plan["accounts"]}
    assert by_name["Orders Prod"]["scps"] == ["FullAWSAccess", "mini-protect"]  # attached to Workloads
    assert by_name["Orders Dev"]["scps"] == ["FullAWSAccess", "mini-protect"]
    assert by_name["Playground"]["scps"] == ["FullAWSAccess"]
    assert by_name["Orders Prod"]["rcps"] == ["RCPFullAWSAccess", "mini-rcp"]  # only Workloads:Prod
    assert by_name["Orders Dev"]["rcps"] == ["RCPFullAWSAccess"]


def test_stack_instances_and_regions_follow_cfct_targets(capsys):
    _, plan = _plan(capsys)
    by_name = {a["name"]: a for a in plan["accounts"]}
    assert by_name["Payments Prod"]["stackInstances"] == ["mini-member@us-east-1", "mini-member@us-west-2"]
    assert by_name["Audit"]["stackInstances"] == ["mini-management@us-east-1"]
    assert by_name["Management"]["stackInstances"] == [
        "mini-backup-policies@us-east-1",
        "mini-management@us-east-1",
    ]
    assert by_name["Playground"]["stackInstances"] == []


def test_backup_plans_and_copy_destinations_come_from_the_policy_engine(capsys):
    _, plan = _plan(capsys, "--account", "Orders Dev")
    (dev,) = plan["accounts"]
    assert dev["backupPolicies"] == ["mini-daily"]
    assert dev["plans"] == {"us-east-1": ["mini-daily"], "us-west-2": ["mini-daily"]}
    # the bunker has no ID in the description: the plan shows a marker, not a real-looking ID
    assert dev["copyDestinations"] == [
        "arn:aws:backup:us-west-2:<id of Backup Bunker>:backup-vault:cfct-backup-bunker"
    ]


def test_plan_names_its_organization_and_never_shows_a_placeholder_that_looks_real(capsys):
    org = load_organization(ORG)
    ids = placeholder_ids(org)
    invented = {
        i for name, i in ids.accounts.items() if not any(a.name == name and a.id for a in org.accounts)
    }
    invented.discard(org.management.id)
    assert invented  # the example leaves most IDs to the plan
    code, plan = _plan(capsys)
    assert code == 0
    assert plan["schemaVersion"] == 2 and plan["organizationFile"] == str(ORG)
    text = json.dumps(plan)
    assert not [i for i in invented if i in text]
    assert "<id of Backup Bunker>" in plan["placeholderIds"]
    main(["plan", "--package", str(MINI), "--org", str(ORG)])
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(f"organization: {ORG} (")
    assert not [i for i in invented if i in out]
    assert "Playground (111122223333)" in out  # an ID the description gives is shown as it is


def test_text_output_and_unknown_account(capsys):
    code = main(["plan", "--package", str(MINI), "--org", str(ORG), "--account", "Orders Prod"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Orders Prod" in out and "SCPs:            FullAWSAccess, mini-protect" in out
    assert "copies to arn:aws:backup:us-west-2:" in out
    code = main(["plan", "--package", str(MINI), "--org", str(ORG), "--account", "Nobody"])
    assert code == 2
    assert "no account 'Nobody'" in capsys.readouterr().err


def test_unresolvable_target_is_a_problem_and_exit_1(capsys, tmp_path):
    package = tmp_path / "mini"
    shutil.copytree(MINI, package)
    manifest = package / "manifest.yaml"
    manifest.write_text(
        manifest.read_text().replace("        - Workloads:Dev\n", "        - Workloads:Qa\n", 1)
    )
    code, plan = _plan(capsys, package=package)
    assert code == 1
    # plan is a dry run of the interpreter, which models CfCT v2.8.4: a nested path that is not found
    # makes get_ou_id raise, so the stack-set stage fails there and the stack sets after it never run
    # (the old Planner only listed the OU as unknown and planned everything else)
    assert any("'Workloads:Qa' not found: CfCT's get_ou_id raises" in p for p in plan["problems"])
    assert (
        "mini-management: not run: CfCT's stack-set stage stopped at the failed mini-member"
        in (plan["problems"])
    )
    by_name = {a["name"]: a for a in plan["accounts"]}
    assert by_name["Audit"]["stackInstances"] == []


def test_account_names_match_as_cfct_matches_them(capsys, tmp_path):
    """CfCT's get_final_account_list compares names ignoring case (the old Planner did not)."""
    package = tmp_path / "mini"
    shutil.copytree(MINI, package)
    manifest = package / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace("        - Audit\n", "        - aUDIT\n", 1))
    code, plan = _plan(capsys, package=package)
    assert code == 0, plan["problems"]
    by_name = {a["name"]: a for a in plan["accounts"]}
    assert by_name["Audit"]["stackInstances"] == ["mini-management@us-east-1"]
