"""Every AWS call the functions make with their own role is allowed by that role in the stack.

The calls are recorded while the real code runs (enrolment, offboarding, reconcile) on the emulated
organization; calls made with assumed-role credentials (member/bunker accounts) are the member
baseline's business and are left out.
"""

from __future__ import annotations

from pathlib import Path

from cfct_backup_automation.enrolment import handle_event
from cfct_backup_automation.reconcile import reconcile
from cfnlint.decode.cfn_yaml import load

from .conftest import Org

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "lifecycle-automation.yaml"


def _allowed(role_name: str) -> set[str]:
    template = load(str(TEMPLATE))
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


def _record(rt) -> set[str]:
    own: set[str] = set()

    def hook(client) -> None:
        prefix = client.meta.service_model.signing_name
        creds = client._request_signer._credentials  # which identity signs: the function's own or assumed

        def before_call(model, **_) -> None:
            if not creds.access_key.startswith("ASIA"):  # STS temporary keys start with ASIA
                own.add(f"{prefix}:{model.name}")

        client.meta.events.register("before-call", before_call)

    rt.sessions.on_client = hook
    return own


def test_enrolment_role_allows_every_call_of_the_enrolment_function(org: Org, rt) -> None:
    own = _record(rt)
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry)
    handle_event(org.org_event("CloseAccount", account), rt.cfg, rt.sessions, rt.telemetry)
    assert {"sts:AssumeRole", "organizations:DescribeEffectivePolicy", "events:PutEvents"} <= own
    assert own - _allowed("cfct-backup-enrolment") == set()


def test_reconcile_role_allows_every_call_of_the_reconcile_function(org: Org) -> None:
    rt = org.runtime(BASELINE_STACK_SET_NAME="CustomControlTower-cfct-backup-member-baseline")
    own = _record(rt)
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    with org.as_account(org.bunker):
        import boto3

        boto3.client("s3").create_bucket(Bucket=rt.cfg.report_bucket)
    reconcile(rt.cfg, rt.sessions, mode="repair", telemetry=rt.telemetry)
    assert {"organizations:ListAccountsForParent", "s3:PutObject", "dynamodb:Scan"} <= own
    assert own - _allowed("cfct-backup-reconcile") == set()


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
