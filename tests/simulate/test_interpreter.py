"""The CfCT interpreter deploys a (small) package the way CfCT does, on the emulator.

One emulated organization and one deployment of `fixtures/mini` are shared by the module; each
test reads back what really landed, through the target account's own credentials.
"""

import json
import shutil
from pathlib import Path

import pytest

from cfct_backup.cfct.interpreter import Interpreter
from cfct_backup.cfct.manifest import load_manifest, parse_manifest
from cfct_backup.organization import Account, load_organization
from cfct_backup.simulation import landing_zone
from cfct_backup.simulation.plan import make_plan
from cfct_backup.simulation.report import attached_policies

ROOT = Path(__file__).resolve().parents[2]
MINI = Path(__file__).parent / "fixtures" / "mini"
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")


@pytest.fixture(scope="module")
def lz():
    org = load_organization(ROOT / "examples" / "organization.yaml")
    with landing_zone.emulated_aws(org.home_region):
        session = landing_zone.management_session(org.home_region)
        ids = landing_zone.build_organization(org, session, lambda _line: None)
        landing_zone.write_configuration(org, ids, session)
        orgs = session.client("organizations")
        # what the package's org-settings stack does before backup policies can be attached
        orgs.enable_policy_type(RootId=ids.root_id, PolicyType="BACKUP_POLICY")
        clients = landing_zone.clients_for(session)
        lines: list[str] = []
        manifest = load_manifest(MINI / "manifest.yaml")
        result = Interpreter(MINI, manifest, clients, progress=lines.append).deploy()
        yield {
            "org": org,
            "ids": ids,
            "session": session,
            "clients": clients,
            "result": result,
            "lines": lines,
            "manifest": manifest,
        }


def _policy_content(session, name):
    orgs = session.client("organizations")
    for ptype in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
        for p in orgs.list_policies(Filter=ptype)["Policies"]:
            if p["Name"] == name:
                return p["Id"], orgs.describe_policy(PolicyId=p["Id"])["Policy"]["Content"]
    raise AssertionError(f"no policy {name}")


def test_scp_is_created_by_resource_name_and_attached_to_the_named_ou(lz):
    policy_id, content = _policy_content(lz["session"], "mini-protect")
    assert json.loads(content) == json.loads((MINI / "policies" / "deny-leave.json").read_text())
    assert " " not in content  # CfCT minifies the policy document
    targets = lz["session"].client("organizations").list_targets_for_policy(PolicyId=policy_id)["Targets"]
    assert [t["TargetId"] for t in targets] == [lz["ids"].ous["Workloads"]]


def test_rcp_attached_to_the_last_ou_of_a_nested_path(lz):
    policy_id, _ = _policy_content(lz["session"], "mini-rcp")
    targets = lz["session"].client("organizations").list_targets_for_policy(PolicyId=policy_id)["Targets"]
    assert [t["TargetId"] for t in targets] == [lz["ids"].ous["Workloads:Prod"]]


def test_stack_set_instances_land_in_every_account_of_the_target_ous_and_regions(lz):
    ids, clients = lz["ids"], lz["clients"]
    deployed = set(lz["result"].stack_sets["mini-member"].deployed)
    expected = {
        (ids.accounts[n], r) for n in ("Orders Prod", "Orders Dev") for r in ("us-east-1", "us-west-2")
    }
    assert deployed == expected
    # really in the member account, read with its own credentials; alfred_ssm resolved to the bunker
    iam = clients.client("iam", ids.accounts["Orders Prod"], "us-east-1")
    role = iam.get_role(RoleName="mini-member-us-west-2")["Role"]
    principal = role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"]
    assert principal == f"arn:aws:iam::{ids.accounts['Backup Bunker']}:root"
    # and nowhere else
    sandbox = clients.client("iam", ids.accounts["Playground"], "us-east-1")
    names = {r["RoleName"] for r in sandbox.list_roles()["Roles"]}
    assert not any(n.startswith("mini-member") for n in names)


def test_accounts_by_explicit_id_and_by_name_with_parameter_file(lz):
    ids, clients = lz["ids"], lz["clients"]
    deployed = set(lz["result"].stack_sets["mini-management"].deployed)
    assert deployed == {("123456789012", "us-east-1"), (ids.accounts["Audit"], "us-east-1")}
    sns = clients.client("sns", ids.accounts["Audit"], "us-east-1")
    arns = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    assert f"arn:aws:sns:us-east-1:{ids.accounts['Audit']}:mini-alerts-us-east-1" in arns


def test_export_outputs_written_to_ssm_in_the_management_account(lz):
    ssm = lz["session"].client("ssm", region_name="us-east-1")
    value = ssm.get_parameter(Name="/mini/topic-arn")["Parameter"]["Value"]
    assert value == "arn:aws:sns:us-east-1:123456789012:mini-alerts-us-east-1"
    assert lz["result"].exports == {"/mini/topic-arn": value}


def test_unmodelled_resource_type_is_a_named_warning_not_a_crash(lz):
    warnings = [f for f in lz["result"].findings if f.level == "warning" and f.resource == "mini-member"]
    assert any("AWS::GameLift::Fleet" in f.message for f in warnings)
    assert not lz["result"].errors


def test_second_run_is_idempotent_and_adds_instances_for_new_accounts(lz):
    ids, clients, session = lz["ids"], lz["clients"], lz["session"]
    orgs = session.client("organizations")
    late = Account("Late Joiner", "late@example.com", "Workloads:Dev")
    new_id = landing_zone.create_account(orgs, late, ids.ous["Workloads:Dev"], ids.root_id)
    result = Interpreter(MINI, lz["manifest"], clients).deploy()
    assert not result.errors
    deployed = set(result.stack_sets["mini-member"].deployed)
    assert {(new_id, "us-east-1"), (new_id, "us-west-2")} <= deployed
    cfn = session.client("cloudformation", region_name="us-east-1")
    instances = cfn.list_stack_instances(StackSetName="CustomControlTower-mini-member")["Summaries"]
    assert len(instances) == 6  # 3 accounts x 2 Regions, nothing duplicated


def test_unknown_ou_account_and_ssm_parameter_are_named_errors(lz, tmp_path):
    pkg = tmp_path / "pkg"
    shutil.copytree(MINI, pkg)
    text = (pkg / "manifest.yaml").read_text()
    text = text.replace("        - Workloads:Dev\n", "        - Workloads:Staging\n", 1)
    text = text.replace("        - Audit\n", "        - Nobody\n")
    (pkg / "manifest.yaml").write_text(text)
    params = pkg / "parameters" / "management.json"
    params.write_text(
        params.read_text().replace("/cfct-backup/regions/home]", "/cfct-backup/regions/nowhere]")
    )
    manifest, problems = parse_manifest(text, "manifest.yaml")
    assert manifest is not None and not [p for p in problems if p.severity == "error"]
    result = Interpreter(pkg, manifest, lz["clients"]).deploy()
    messages = [str(f) for f in result.errors]
    assert any("mini-member" in m and "'Workloads:Staging' not found" in m for m in messages)
    assert any("mini-management" in m and "no account named 'Nobody'" in m for m in messages)
    assert any("/cfct-backup/regions/nowhere not found" in m for m in messages)


def test_plan_matches_what_was_deployed(lz):
    org, ids, clients = lz["org"], lz["ids"], lz["clients"]
    plan = make_plan(org, lz["manifest"], MINI, ids)
    deployed: dict[str, list[str]] = {}
    for ss in lz["result"].stack_sets.values():
        for account, region in ss.deployed:
            deployed.setdefault(account, []).append(f"{ss.name}@{region}")
    for account in plan.accounts:
        assert account.stack_instances == sorted(deployed.get(account.id, [])), account.name
        chain = [
            ids.root_id,
            *(ids.ous[p] for p in org.ancestors(account.ou if account.ou != "Root" else "")),
        ]
        chain.append(account.id)
        for ptype, planned in (
            ("SERVICE_CONTROL_POLICY", account.scps),
            ("RESOURCE_CONTROL_POLICY", account.rcps),
        ):
            assert planned == attached_policies(
                clients, ids.accounts["Management"], "us-east-1", chain, ptype
            )
    prod = next(a for a in plan.accounts if a.name == "Orders Prod")
    assert prod.scps == ["FullAWSAccess", "mini-protect"]  # inherited from Workloads
    assert prod.copy_destinations == [
        f"arn:aws:backup:us-west-2:{ids.accounts['Backup Bunker']}:backup-vault:cfct-backup-bunker"
    ]
    assert prod.plans == {"us-east-1": ["mini-daily"], "us-west-2": ["mini-daily"]}
    assert next(a for a in plan.accounts if a.name == "Playground").plans == {}
