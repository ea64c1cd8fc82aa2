"""Management, audit and self-service stacks: trail, alarms, event rules, org settings, reports, catalog."""

from __future__ import annotations

import re
from typing import Any

from .helpers import (
    AUDIT,
    BUNKER,
    HOME,
    LOG_ARCHIVE,
    MANAGEMENT,
    MEMBER,
    TEMPLATES,
    Context,
    Request,
    allows,
    load_manifest,
    load_template,
    parameter_file,
    resolve,
    resources,
    role,
)


def _t(name: str) -> dict[str, Any]:
    return load_template(TEMPLATES / name)


def _event_matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """EventBridge matching for the pattern features used here (exact values, nested objects)."""
    for key, expected in pattern.items():
        if key not in event:
            return False
        if isinstance(expected, dict):
            if not isinstance(event[key], dict) or not _event_matches(expected, event[key]):
                return False
        elif event[key] not in expected:
            return False
    return True


def test_org_trail_is_an_encrypted_validated_organization_trail_into_the_log_archive() -> None:
    template = _t("org-trail.yaml")
    trail = resolve(template["Resources"]["OrgTrail"]["Properties"], Context(MANAGEMENT), template)
    assert trail["TrailName"] == "cfct-backup-org-trail"
    assert trail["IsOrganizationTrail"] is True
    assert trail["IsMultiRegionTrail"] is True
    assert trail["EnableLogFileValidation"] is True
    assert trail["S3BucketName"] == f"cfct-backup-logs-{LOG_ARCHIVE}-{HOME}"
    assert trail["KMSKeyId"].startswith(f"arn:aws:kms:{HOME}:{MANAGEMENT}:key/")
    selectors = {s["Name"]: s["FieldSelectors"] for s in trail["AdvancedEventSelectors"]}
    data = next(v for k, v in selectors.items() if "Object access" in k)
    starts = next(f["StartsWith"] for f in data if f["Field"] == "resources.ARN")
    # the central report buckets are watched; the trail's own bucket is not (it would log its own
    # deliveries: validate rule AWS007), nor the Log Archive's access-log bucket (a delivery loop)
    assert "arn:aws:s3:::cfct-backup-reports-" in starts
    own = f"arn:aws:s3:::{trail['S3BucketName']}/AWSLogs/x.json.gz"
    assert not any(own.startswith(p) for p in starts)
    access_logs = f"arn:aws:s3:::cfct-backup-access-logs-{LOG_ARCHIVE}-{HOME}/x"
    assert not any(access_logs.startswith(p) for p in starts)
    log_archive = _t("log-archive.yaml")
    bucket = resolve(
        log_archive["Resources"]["LogBucket"]["Properties"]["BucketName"], Context(LOG_ARCHIVE), log_archive
    )
    assert bucket == trail["S3BucketName"]


def test_org_trail_alarms_on_failures_policy_changes_and_bunker_access() -> None:
    template = _t("org-trail.yaml")
    filters = {
        f["Properties"]["MetricTransformations"][0]["MetricName"]: resolve(
            f["Properties"]["FilterPattern"], Context(MANAGEMENT), template
        )
        for f in resources(template, "AWS::Logs::MetricFilter").values()
    }
    assert '"BackupJobCompleted"' in filters["BackupJobsFailed"]
    assert '"CopyJobCompleted"' in filters["CopyJobsFailed"]
    assert '"DeleteRecoveryPoint"' in filters["RecoveryPointDeletionAttempts"]
    assert '"PutBackupVaultAccessPolicy"' in filters["VaultPolicyOrLockChanges"]
    assert '"ScheduleKeyDeletion"' in filters["KeyPolicyOrStateChanges"]
    for event in ("CreatePolicy", "UpdatePolicy", "AttachPolicy", "DetachPolicy"):
        assert f'"{event}"' in filters["OrganizationsPolicyChanges"]
    assert f'$.recipientAccountId = "{BUNKER}"' in filters["BunkerHumanAccess"]
    alarmed = {a["Properties"]["MetricName"] for a in resources(template, "AWS::CloudWatch::Alarm").values()}
    assert alarmed == set(filters)
    for alarm in resources(template, "AWS::CloudWatch::Alarm").values():
        assert alarm["Properties"]["Namespace"] == "CfctBackup"
        assert alarm["Properties"]["AlarmName"].startswith("cfct-backup-")


def test_member_alarms_watch_backup_and_copy_failures() -> None:
    template = _t("member-baseline.yaml")
    metrics = {
        (a["Properties"]["Namespace"], a["Properties"]["MetricName"])
        for a in resources(template, "AWS::CloudWatch::Alarm").values()
    }
    assert metrics == {("AWS/Backup", "NumberOfBackupJobsFailed"), ("AWS/Backup", "NumberOfCopyJobsFailed")}


def test_member_events_reach_the_central_bus_and_become_alerts() -> None:
    member = _t("member-baseline.yaml")
    rule = resolve(
        member["Resources"]["ForwardEventsRule"]["Properties"], Context(MEMBER, "us-west-2"), member
    )
    assert rule["Name"] == "cfct-backup-forward-events"
    assert rule["Targets"][0]["Arn"] == f"arn:aws:events:{HOME}:{AUDIT}:event-bus/cfct-backup-events"
    assert rule["Targets"][0]["RoleArn"] == role(MEMBER, "cfct-backup-event-forwarder")
    failed_job = {
        "source": "aws.backup",
        "detail-type": "Backup Job State Change",
        "detail": {"state": "FAILED"},
    }
    deletion = {
        "source": "aws.backup",
        "detail-type": "AWS API Call via CloudTrail",
        "detail": {"eventName": "DeleteRecoveryPoint"},
    }
    completed_job = {
        "source": "aws.backup",
        "detail-type": "Backup Job State Change",
        "detail": {"state": "COMPLETED"},
    }
    for event in (failed_job, deletion, completed_job):
        assert _event_matches(rule["EventPattern"], event)

    audit = _t("audit.yaml")
    rules = [r["Properties"] for r in resources(audit, "AWS::Events::Rule").values()]
    for r in rules:
        assert r["EventBusName"] == {"Ref": "EventBus"}
        assert r["Targets"][0]["Arn"] == {"Ref": "AlertTopic"}

    def alerted(event: dict[str, Any]) -> bool:
        return any(_event_matches(r["EventPattern"], event) for r in rules)

    assert alerted(failed_job)
    assert alerted(deletion)
    assert alerted(
        {"source": "aws.backup", "detail-type": "Copy Job State Change", "detail": {"state": "FAILED"}}
    )
    assert alerted(
        {
            "source": "aws.backup",
            "detail-type": "Recovery Point State Change",
            "detail": {"status": "DELETED"},
        }
    )
    assert alerted(
        {
            "source": "aws.organizations",
            "detail-type": "AWS API Call via CloudTrail",
            "detail": {"eventName": "DetachPolicy"},
        }
    )
    assert alerted({"source": "cfct-backup", "detail-type": "Protection Gap", "detail": {}})
    assert not alerted(completed_job)
    assert not alerted({"source": "cfct-backup", "detail-type": "Account Protected", "detail": {}})


def test_alert_topic_accepts_only_this_accounts_rules() -> None:
    audit = _t("audit.yaml")
    doc = resolve(
        audit["Resources"]["AlertTopicPolicy"]["Properties"]["PolicyDocument"], Context(AUDIT), audit
    )
    own = f"arn:aws:events:{HOME}:{AUDIT}:rule/cfct-backup-events/cfct-backup-job-failures"
    publish = Request(
        "sns:Publish",
        "arn:aws:iam::000000000000:root",
        "ref:AlertTopic",
        service_principal="events.amazonaws.com",
    )
    publish.context["aws:SourceArn"] = own
    assert allows(doc, publish)
    publish.context["aws:SourceArn"] = own.replace(AUDIT, MEMBER)
    assert not allows(doc, publish)


def test_org_settings_enable_everything_the_architecture_needs() -> None:
    template = _t("org-settings.yaml")
    ctx = Context(MANAGEMENT)
    ctx.parameters["CustomResourceFunctionArn"] = (
        f"arn:aws:lambda:{HOME}:{MANAGEMENT}:function:cfct-backup-custom-resource"
    )
    org = resolve(template["Resources"]["BackupOrganizationSettings"], ctx, template)
    assert org["Type"] == "Custom::BackupOrganizationSettings"
    assert org["Properties"] == {
        "ServiceToken": ctx.parameters["CustomResourceFunctionArn"],
        "EnableTrustedAccess": "true",
        "EnableBackupPolicyType": "true",
        "DelegatedAdministratorAccountId": AUDIT,
        "EnableCrossAccountBackup": "true",
        "EnableCrossAccountMonitoring": "true",
    }
    region = template["Resources"]["BackupRegionSettings"]
    assert region["Type"] == "Custom::BackupRegionSettings"
    prefs = region["Properties"]["ResourceTypeOptInPreference"]
    assert set(prefs.values()) == {"true"}
    assert {"EBS", "EC2", "RDS", "DynamoDB", "EFS", "S3", "Aurora"} <= set(prefs)
    assert parameter_file("org-settings.json")["CustomResourceFunctionArn"] == (
        "$[alfred_ssm_/cfct-backup/outputs/custom-resource-function-arn]"
    )


def test_organization_wide_reports_land_in_the_bunker_report_bucket() -> None:
    """A report plan writes only to its own account's bucket and organization plans deliver CSV only
    (https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-api.html): the plans write
    CSV to the audit account's bucket, which replicates audit-manager/ into the bunker's bucket."""
    audit = _t("audit.yaml")
    plans = [
        resolve(p["Properties"], Context(AUDIT), audit)
        for p in resources(audit, "AWS::Backup::ReportPlan").values()
    ]
    templates = {p["ReportSetting"]["ReportTemplate"] for p in plans}
    assert {"BACKUP_JOB_REPORT", "COPY_JOB_REPORT", "RESTORE_JOB_REPORT"} <= templates
    own_bucket = resolve(audit["Resources"]["ReportBucket"]["Properties"], Context(AUDIT), audit)[
        "BucketName"
    ]
    assert own_bucket == f"cfct-backup-audit-reports-{AUDIT}-{HOME}"
    for plan in plans:
        assert plan["ReportDeliveryChannel"]["S3BucketName"] == "ref:ReportBucket"
        assert plan["ReportDeliveryChannel"]["Formats"] == ["CSV"]
        assert plan["ReportSetting"]["OrganizationUnits"] == ["ou-ab12-prod0001", "ou-ab12-dev00001"]
        assert re.fullmatch(r"[a-zA-Z][_a-zA-Z0-9]*", plan["ReportPlanName"])
    replication = resolve(
        audit["Resources"]["ReportBucket"]["Properties"]["ReplicationConfiguration"], Context(AUDIT), audit
    )
    (rule,) = replication["Rules"]
    assert rule["Filter"]["Prefix"] == "audit-manager/"
    assert rule["Destination"]["Bucket"] == f"arn:aws:s3:::cfct-backup-reports-{BUNKER}-{HOME}"
    assert rule["Destination"]["Account"] == BUNKER
    bunker = _t("bunker.yaml")
    doc = resolve(
        bunker["Resources"]["ReportBucketPolicy"]["Properties"]["PolicyDocument"], Context(BUNKER), bunker
    )
    bucket = f"arn:aws:s3:::cfct-backup-reports-{BUNKER}-{HOME}"
    replicator = role(AUDIT, "cfct-backup-report-replication")
    tls = {"aws:SecureTransport": "true"}
    assert allows(doc, Request("s3:ReplicateObject", replicator, f"{bucket}/audit-manager/r.csv", tls))
    assert not allows(doc, Request("s3:ReplicateObject", replicator, f"{bucket}/reconcile/r.csv", tls))
    assert not allows(
        doc, Request("s3:ReplicateObject", role(AUDIT, "Admin"), f"{bucket}/audit-manager/r.csv", tls)
    )
    assert allows(
        doc, Request("s3:PutObject", role(MANAGEMENT, "cfct-backup-reconcile"), f"{bucket}/reconcile/x", tls)
    )
    assert not allows(
        doc,
        Request("s3:PutObject", role(MANAGEMENT, "cfct-backup-reconcile"), f"{bucket}/audit-manager/x", tls),
    )


def test_self_service_portfolio_offers_two_constrained_products() -> None:
    template = _t("self-service.yaml")
    products = resources(template, "AWS::ServiceCatalog::CloudFormationProduct")
    assert len(products) >= 2
    ctx = Context(MEMBER)
    ctx.parameters["ArtifactBucket"] = "artifacts"
    for logical, product in products.items():
        url = resolve(
            product["Properties"]["ProvisioningArtifactParameters"][0]["Info"]["LoadTemplateFromURL"],
            ctx,
            template,
        )
        match = re.fullmatch(
            r"https://artifacts\.s3\.us-east-1\.amazonaws\.com/service-catalog/(sc-[a-z-]+\.yaml)", url
        )
        assert match, url
        assert (TEMPLATES / match.group(1)).is_file(), f"{logical}: {match.group(1)} is not in templates/"
        associated = [
            a
            for a in resources(template, "AWS::ServiceCatalog::PortfolioProductAssociation").values()
            if a["Properties"]["ProductId"] == {"Ref": logical}
        ]
        constrained = [
            c
            for c in resources(template, "AWS::ServiceCatalog::LaunchRoleConstraint").values()
            if c["Properties"]["ProductId"] == {"Ref": logical}
        ]
        assert associated and constrained, logical
    launch = resolve(
        template["Resources"]["LaunchRole"]["Properties"]["Policies"][0]["PolicyDocument"], ctx, template
    )
    caller = role(MEMBER, "cfct-backup-self-service-launch")
    service_role = role(MEMBER, "cfct-backup-service-role")
    assert allows(
        launch, Request("iam:PassRole", caller, service_role, {"iam:PassedToService": "backup.amazonaws.com"})
    )
    assert not allows(
        launch,
        Request(
            "iam:PassRole", caller, role(MEMBER, "Admin"), {"iam:PassedToService": "backup.amazonaws.com"}
        ),
    )
    for name in ("sc-extra-backup-plan.yaml", "sc-resource-backup.yaml"):
        product = _t(name)
        (plan,) = resources(product, "AWS::Backup::BackupPlan").values()
        assert (
            plan["Properties"]["BackupPlan"]["BackupPlanRule"][0]["TargetBackupVault"] == "cfct-backup-vault"
        )


def test_stacksets_and_backup_policies_share_the_protected_ou_targets() -> None:
    """Seed 2.3: the member baseline and the backup policies target the same OUs."""
    by_name = {r["name"]: r for r in load_manifest()["resources"]}
    assert by_name["cfct-backup-member-baseline"]["deployment_targets"]["organizational_units"] == [
        "Workloads:Prod",
        "Workloads:Dev",
    ]
    assert (
        parameter_file("backup-policies.json")["ProtectedOuIds"]
        == "$[alfred_ssm_/cfct-backup/protected-ous/ids]"
    )
    assert (
        parameter_file("bunker.json")["ProtectedOuOrgPaths"]
        == "$[alfred_ssm_/cfct-backup/protected-ous/org-paths]"
    )
    assert parameter_file("audit.json")["ProtectedOuIds"] == "$[alfred_ssm_/cfct-backup/protected-ous/ids]"
