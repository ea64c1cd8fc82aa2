"""Every AWS call the functions make is allowed by the role that makes it, in its stack.

The calls are recorded while the real code runs (enrolment, offboarding, reconcile) on the emulated
organization: those made with the function's own role against the lifecycle stack's role, those made
with assumed-role credentials against the ``cfct-backup-automation`` role of the account they were
made in (member baseline, bunker, audit, key vault or log archive stack). This is the static half;
the simulation proves the same by running with IAM enforced (tests/simulate/test_authorization_mutations.py).
"""

from __future__ import annotations

from pathlib import Path

from cfct_backup_automation.enrolment import handle_event
from cfct_backup_automation.reconcile import reconcile
from cfnlint.decode.cfn_yaml import load

from .conftest import Org

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE = TEMPLATES / "lifecycle-automation.yaml"
AUTOMATION_ROLE = "cfct-backup-automation"


def _allowed(role_name: str, path: Path = TEMPLATE) -> set[str]:
    template = load(str(path))
    (role,) = [
        r
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::Role" and r["Properties"].get("RoleName") == role_name
    ]
    actions: set[str] = set()
    for policy in role["Properties"]["Policies"]:
        for st in policy["PolicyDocument"]["Statement"]:
            if st["Effect"] == "Allow":
                actions.update(st["Action"] if isinstance(st["Action"], list) else [st["Action"]])
    return actions


def _template_of(org: Org, account: str) -> Path:
    """The stack that creates the automation role in `account`."""
    roles = {
        org.bunker: "bunker.yaml",
        org.audit: "audit.yaml",
        org.key_vault: "key-vault.yaml",
        org.log_archive: "log-archive.yaml",
    }
    return TEMPLATES / roles.get(account, "member-baseline.yaml")


def _record(rt, assumed: dict[str, set[str]] | None = None) -> set[str]:
    """The function's own calls; with `assumed`, also account -> IAM actions of assumed-role calls."""
    from cfct_backup.emulator.iam import models, principals

    own: set[str] = set()

    def hook(client) -> None:
        prefix = client.meta.service_model.signing_name
        service = client.meta.service_model.service_name
        creds = client._request_signer._credentials  # which identity signs: the function's own or assumed

        def before_call(model, **_) -> None:
            if not creds.access_key.startswith("ASIA"):  # STS temporary keys start with ASIA
                own.add(f"{prefix}:{model.name}")
            elif assumed is not None:
                principal = principals.resolve(creds.access_key)
                action = models.PREFIX.get(service, service) + ":"
                action += models.ACTION_NAMES.get((service, model.name), model.name)
                assumed.setdefault(principal.account, set()).add(action)

        client.meta.events.register("before-call", before_call)

    rt.sessions.on_client = hook
    return own


def _assumed_calls_allowed(org: Org, assumed: dict[str, set[str]]) -> dict[str, set[str]]:
    """account -> assumed-role actions its automation role does not allow (empty: all allowed)."""
    missing = {}
    for account, actions in assumed.items():
        extra = actions - _allowed(AUTOMATION_ROLE, _template_of(org, account))
        if extra:
            missing[account] = extra
    return missing


def test_enrolment_role_allows_every_call_of_the_enrolment_function(org: Org, rt) -> None:
    assumed: dict[str, set[str]] = {}
    own = _record(rt, assumed)
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry)
    handle_event(org.org_event("CloseAccount", account), rt.cfg, rt.sessions, rt.telemetry)
    assert {"sts:AssumeRole", "organizations:DescribeEffectivePolicy", "events:PutEvents"} <= own
    assert own - _allowed("cfct-backup-enrolment") == set()
    assert {"kms:CreateGrant", "backup:UpdateRegionSettings"} <= assumed[account]
    assert _assumed_calls_allowed(org, assumed) == {}


def test_reconcile_role_allows_every_call_of_the_reconcile_function(org: Org) -> None:
    rt = org.runtime(BASELINE_STACK_SET_NAME="CustomControlTower-cfct-backup-member-baseline")
    assumed: dict[str, set[str]] = {}
    own = _record(rt, assumed)
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    with org.as_account(org.bunker):
        import boto3

        boto3.client("s3").create_bucket(Bucket=rt.cfg.report_bucket)
    reconcile(rt.cfg, rt.sessions, mode="repair", telemetry=rt.telemetry)
    assert {"organizations:ListAccountsForParent", "s3:PutObject", "dynamodb:Scan"} <= own
    assert own - _allowed("cfct-backup-reconcile") == set()
    assert assumed, "reconcile reads the member accounts through their automation role"
    assert _assumed_calls_allowed(org, assumed) == {}


def test_custom_resource_role_allows_every_call_of_the_custom_resource_function(org: Org) -> None:
    import boto3
    from cfct_backup_automation import handler_custom_resource

    from cfct_backup.emulator import custom_resources as cfn_custom

    own: set[str] = set()
    session = boto3.Session(region_name="us-east-1")
    session.events.register(
        "before-call", lambda model, **_: own.add(f"{model.service_model.signing_name}:{model.name}")
    )
    handler_custom_resource.set_runtime(session)
    cfn_custom.register("cr-permissions", handler_custom_resource.handler)
    try:
        for kind, props in (
            (
                "Custom::BackupOrganizationSettings",
                {
                    "EnableTrustedAccess": "true",
                    "EnableBackupPolicyType": "true",
                    "EnableCrossAccountBackup": "true",
                    "EnableCrossAccountMonitoring": "true",
                    "DelegatedAdministratorAccountId": org.audit,
                },
            ),
            ("Custom::BackupRegionSettings", {"ResourceTypeOptInPreference": {"S3": "true"}}),
        ):
            resp = cfn_custom.invoke(
                "cr-permissions",
                "Create",
                region_name="us-east-1",
                stack_id=f"arn:aws:cloudformation:us-east-1:{org.management}:stack/s/1",
                logical_id="R",
                resource_type=kind,
                properties=props,
            )
            assert resp["Status"] == "SUCCESS", resp
    finally:
        cfn_custom.unregister("cr-permissions")
        handler_custom_resource.set_runtime(None)
    assert {"organizations:EnableAWSServiceAccess", "backup:UpdateGlobalSettings"} <= own
    assert own - _allowed("cfct-backup-custom-resource") == set()
