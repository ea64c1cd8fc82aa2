"""The CfCT interpreter deploys a (small) package the way CfCT does, on the emulator.

One emulated organization and one deployment of `fixtures/mini` are shared by the module; each
test reads back what really landed, through the target account's own credentials.
"""

import json
import shutil
from pathlib import Path

import pytest

from cfct_backup.cfct.interpreter import Interpreter, StackSetResult, operation_failed
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
        # what a human deploys by hand first (docs/first-deployment.md): the management account's
        # AWSControlTowerExecution, without which the management stack set fails
        landing_zone.deploy_prerequisites(session, org.home_region, ROOT / landing_zone.PREREQUISITE_TEMPLATE)
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
    # CfCT sends the file text, not minified JSON: CRLF line ends, every double space removed
    text = (MINI / "policies" / "deny-leave.json").read_text()
    assert content == text.replace("\n", "\r\n").replace("  ", "")
    assert "\r\n" in content and "  " not in content
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


def _package(tmp_path, *edits):
    pkg = tmp_path / "pkg"
    shutil.copytree(MINI, pkg)
    text = (pkg / "manifest.yaml").read_text()
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    (pkg / "manifest.yaml").write_text(text)
    manifest, problems = parse_manifest(text, "manifest.yaml")
    assert manifest is not None and not [p for p in problems if p.severity == "error"], problems
    return pkg, manifest


def test_stages_run_scp_then_rcp_then_stack_sets_in_manifest_order(lz):
    lines = [line.strip() for line in lz["lines"] if line.strip().startswith(("SCP ", "RCP ", "STACK SET "))]
    kinds = [line.split(" ", 1)[0] for line in lines]
    assert kinds == ["SCP", "RCP", "STACK", "STACK", "STACK"]
    assert [line.split()[2].rstrip(":") for line in lines[2:]] == [
        "CustomControlTower-mini-member",
        "CustomControlTower-mini-management",
        "CustomControlTower-mini-backup-policies",
    ]


def test_unknown_nested_ou_fails_and_stops_the_stack_set_stage(lz, tmp_path):
    pkg, manifest = _package(tmp_path, ("        - Workloads:Dev\n", "        - Workloads:Staging\n"))
    result = Interpreter(pkg, manifest, lz["clients"]).deploy()
    messages = [str(f) for f in result.errors]
    assert any(
        "mini-member" in m and "'Workloads:Staging' not found" in m and "ValueError" in m for m in messages
    )
    # CfCT's SEQUENTIAL stack-set stage stops at the first failed execution
    assert result.not_run == ["mini-management", "mini-backup-policies"]
    assert any(m.startswith("error: mini-management: not run") for m in messages)


def test_unknown_name_is_dropped_and_a_missing_ssm_parameter_fails(lz, tmp_path):
    pkg, manifest = _package(tmp_path, ("        - Audit\n", "        - Nobody\n"))
    params = pkg / "parameters" / "management.json"
    params.write_text(
        params.read_text().replace("/cfct-backup/regions/home]", "/cfct-backup/regions/nowhere]")
    )
    result = Interpreter(pkg, manifest, lz["clients"]).deploy()
    assert result.dropped["mini-management"] == ["Nobody"]
    assert any("/cfct-backup/regions/nowhere not found" in str(f) for f in result.errors)
    assert result.not_run == ["mini-backup-policies"]


def test_account_names_match_case_insensitively(lz, tmp_path):
    pkg, manifest = _package(tmp_path, ("        - Audit\n", "        - aUDIT\n"))
    result = Interpreter(pkg, manifest, lz["clients"]).deploy()
    assert lz["ids"].accounts["Audit"] in result.stack_sets["mini-management"].accounts
    assert "mini-management" not in result.dropped


def test_a_listed_ou_does_not_reach_its_child_ous(lz, tmp_path):
    pkg, manifest = _package(
        tmp_path, ("        - Workloads:Prod\n        - Workloads:Dev\n", "        - Workloads\n")
    )
    result = Interpreter(pkg, manifest, lz["clients"]).deploy()
    assert not result.errors
    # Workloads holds no account itself; Prod's and Dev's accounts are not targeted
    assert result.stack_sets["mini-member"].accounts == []


def test_an_unenrolled_named_account_is_dropped(lz):
    session, audit = lz["session"], lz["ids"].accounts["Audit"]
    cfn = session.client("cloudformation", region_name="us-east-1")
    cfn.delete_stack_instances(
        StackSetName=landing_zone.BASELINE_CONFIG_STACK_SET,
        Accounts=[audit],
        Regions=["us-east-1"],
        RetainStacks=False,
    )
    try:
        result = Interpreter(MINI, lz["manifest"], lz["clients"]).deploy()
    finally:
        landing_zone.enrol(session, "us-east-1", audit)
    assert result.dropped["mini-management"] == ["Audit"]
    warning = next(f for f in result.findings if f.resource == "mini-management" and "dropped" in f.message)
    assert "not enrolled in Control Tower" in warning.message
    assert audit not in result.stack_sets["mini-management"].accounts


def test_without_the_prerequisite_the_management_stack_set_fails_naming_the_role(lz):
    from moto.iam.models import iam_backends

    roles = iam_backends[lz["ids"].accounts["Management"]]["aws"].roles
    role_id = next(k for k, r in roles.items() if r.name == "AWSControlTowerExecution")
    role = roles.pop(role_id)  # as if the prerequisite stack had never been deployed
    try:
        result = Interpreter(MINI, lz["manifest"], lz["clients"]).deploy()
    finally:
        roles[role_id] = role
    failure = next(f for f in result.errors if f.resource == "mini-management")
    assert "AWSControlTowerExecution is missing in the management account" in failure.message
    assert "prerequisites/management-execution-role.yaml" in failure.message
    assert result.not_run == ["mini-backup-policies"]
    assert result.stack_sets["mini-member"].failed == []  # members have it from Control Tower


def test_helpers_reach_the_template_as_cfct_resolves_them(lz, tmp_path):
    pkg, manifest = _package(
        tmp_path,
        ("        parameter_value: member\n", "        parameter_value: $[alfred_genuuid]\n"),
    )
    result = Interpreter(pkg, manifest, lz["clients"]).deploy()
    assert result.stack_sets["mini-member"].parameters["Label"] == "alfred_genuuid"
    interpreter = Interpreter(pkg, manifest, lz["clients"])
    assert interpreter.resolve_value("prefix-$[alfred_ssm_/cfct-backup/regions/home]", "r", result) == (
        "prefix-$[alfred_ssm_/cfct-backup/regions/home]"
    )
    assert (
        interpreter.resolve_value("a , $[alfred_ssm_/cfct-backup/regions/home]", "r", result) == "a,us-east-1"
    )


def test_both_parameters_and_parameter_file_give_no_parameters(lz, tmp_path):
    pkg, manifest = _package(
        tmp_path,
        (
            "    parameter_file: parameters/management.json\n",
            (
                "    parameter_file: parameters/management.json\n    parameters:\n"
                "      - parameter_key: TopicName\n        parameter_value: x\n"
            ),
        ),
    )
    result = Interpreter(pkg, manifest, lz["clients"]).deploy()
    assert any("loads neither" in f.message for f in result.findings if f.resource == "mini-management")


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


@pytest.mark.parametrize(
    ("accounts", "failed", "enforce", "fails"),
    [
        (10, 1, False, False),  # 10 % of 10 accounts: one failure tolerated, CfCT goes on silently
        (10, 2, False, True),
        (9, 1, False, True),  # 10 % of 9 rounds down to 0
        (1, 1, False, True),
        (10, 1, True, True),  # EnforceSuccessfulStackInstances=true: any failure fails
        (10, 0, True, False),
    ],
)
def test_a_stack_set_fails_as_cloudformations_tolerance_and_cfcts_enforce_flag_say(
    accounts, failed, enforce, fails
):
    outcome = StackSetResult("r", "CustomControlTower-r", [], ["us-east-1"], {})
    outcome.failed.extend((f"{i:012d}", "us-east-1", "boom") for i in range(failed))
    assert (operation_failed(outcome, accounts, 10, enforce) is not None) is fails


def test_a_failed_scp_stops_the_pipeline_before_rcps_and_stack_sets(lz, tmp_path):
    pkg, manifest = _package(tmp_path)
    (pkg / "policies" / "deny-leave.json").write_text("not json\n")
    result = Interpreter(pkg, manifest, lz["clients"]).deploy()
    assert any(
        f.resource == "mini-protect" and "not JSON as CfCT sends it" in f.message for f in result.errors
    )
    assert result.not_run == ["mini-rcp", "mini-member", "mini-management", "mini-backup-policies"]
