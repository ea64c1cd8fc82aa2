"""Resource control policies: grammar as Organizations accepts it for RCPs, size after CfCT's
minification, count per target, and effect (evaluated with the helpers' policy evaluator, since moto
enforces no RCP).

What RCPs may hold (AWS Organizations, "RCP syntax" and "Resource control policies"): Principal
must be "*", Effect Deny only (Allow is reserved to the AWS managed RCPFullAWSAccess, attached to
every root, OU and account and never detachable), no NotPrincipal, actions only of the services RCPs
support (S3, STS, KMS, SQS, Secrets Manager when RCPs were launched; later ECR, OpenSearch
Serverless, Cognito, CloudWatch Logs, DynamoDB). AWS Backup is not one of them: the vaults are
protected by their access policies and by the SCPs, not by an RCP. RCPs do not apply to resources
of the management account.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from .helpers import (
    AUDIT,
    BUNKER,
    BUNKER_KEY_ID,
    DR,
    HOME,
    KEY_VAULT,
    LOG_ARCHIVE,
    MANAGEMENT,
    MEMBER,
    ORG_ID,
    OUTSIDER,
    ROOT,
    TEMPLATES,
    Context,
    Request,
    denies,
    load_manifest,
    load_template,
    resolve,
    resources,
    role,
)

RCP_DIR = ROOT / "policies" / "rcp"
RCP_MAX_CHARS = 5120
RCP_MAX_PER_TARGET = 5
# RCPFullAWSAccess is attached to every OU and cannot be detached; Control Tower's RCP-based
# controls, once enabled on an OU, add one policy of their own. Both count against the quota of 5.
ALWAYS_ATTACHED = 1
CONTROL_TOWER_RCP = 1
# Service prefixes RCPs support (AWS Organizations, "List of AWS services that support RCPs").
RCP_SERVICES = {"s3", "sts", "kms", "sqs", "secretsmanager", "ecr", "aoss", "cognito-idp", "logs", "dynamodb"}
NOT_RCP_SERVICES = {"backup", "iam", "organizations", "events", "sns"}

OTHER_ORG = "o-zz99other00"
TEAM_KEY = f"arn:aws:kms:{HOME}:{MEMBER}:key/1234abcd-team"


def _rcp(name: str) -> dict[str, Any]:
    data = json.loads((RCP_DIR / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _rcp_files() -> list[Path]:
    files = sorted(RCP_DIR.glob("*.json"))
    assert files
    return files


def _minified(path: Path) -> str:
    """What CfCT sends to Organizations: the JSON without insignificant whitespace."""
    return json.dumps(json.loads(path.read_text(encoding="utf-8")), separators=(",", ":"))


# ---------------------------------------------------------------- grammar, size, count


@pytest.mark.parametrize("path", _rcp_files(), ids=lambda p: p.name)
def test_rcp_grammar_and_size(path: Path) -> None:
    rcp = json.loads(path.read_text(encoding="utf-8"))
    assert set(rcp) == {"Version", "Statement"}
    assert rcp["Version"] == "2012-10-17"
    sids = [s["Sid"] for s in rcp["Statement"]]
    assert len(sids) == len(set(sids)), "duplicate Sid"
    for stmt in rcp["Statement"]:
        assert stmt["Effect"] == "Deny", "Allow is reserved to RCPFullAWSAccess"
        assert stmt["Principal"] == "*", "an RCP's Principal must be *"
        assert "NotPrincipal" not in stmt
        assert "Action" in stmt and "NotAction" not in stmt, "Action lists what is restricted"
        assert "Resource" in stmt
        actions = stmt["Action"] if isinstance(stmt["Action"], list) else [stmt["Action"]]
        for action in actions:
            service = action.split(":", 1)[0]
            assert service in RCP_SERVICES, f"{stmt['Sid']}: RCPs do not support {service}"
            assert service not in NOT_RCP_SERVICES
    size = len(_minified(path))
    assert size <= RCP_MAX_CHARS, f"{path.name}: {size} characters after minification"


@pytest.mark.parametrize("path", _rcp_files(), ids=lambda p: p.name)
def test_rcp_names_the_organization_by_variable_never_by_literal(path: Path) -> None:
    """CfCT sends the file as it is (no parameters): no literal organization or account ID."""
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\bo-[a-z0-9]{10,32}\b", text)
    assert not re.search(r"\b\d{12}\b", text)
    assert "${aws:ResourceOrgID}" in text


def _attachments() -> Counter[str]:
    counts: Counter[str] = Counter()
    for res in load_manifest()["resources"]:
        if res.get("deploy_method") == "rcp":
            for ou in res["deployment_targets"]["organizational_units"]:
                counts[ou] += 1
    return counts


def test_at_most_five_rcps_per_target_counting_rcp_full_access_and_control_tower() -> None:
    counts = _attachments()
    assert counts == {"Backup": 1, "Security": 1, "Workloads:Prod": 1, "Workloads:Dev": 1}
    for target, n in counts.items():
        assert n + ALWAYS_ATTACHED + CONTROL_TOWER_RCP <= RCP_MAX_PER_TARGET, target


def test_every_rcp_file_is_attached_by_the_manifest_to_the_right_ous() -> None:
    attached = {
        res["resource_file"]: res["deployment_targets"]["organizational_units"]
        for res in load_manifest()["resources"]
        if res.get("deploy_method") == "rcp"
    }
    assert set(attached) == {f"policies/rcp/{p.name}" for p in _rcp_files()}
    assert sorted(attached["policies/rcp/data-perimeter.json"]) == ["Backup", "Security"]
    assert sorted(attached["policies/rcp/member-perimeter.json"]) == ["Workloads:Dev", "Workloads:Prod"]


# ---------------------------------------------------------------- requests


def _caller(org: str | None, *, tls: bool = True, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Request context of an IAM principal (org None: an account outside any organization)."""
    ctx: dict[str, Any] = {
        "aws:ResourceOrgID": ORG_ID,
        "aws:PrincipalIsAWSService": "false",
        "aws:SecureTransport": "true" if tls else "false",
    }
    if org is not None:
        ctx["aws:PrincipalOrgID"] = org
    return {**ctx, **(extra or {})}


def _service(
    source_account: str | None, source_org: str | None, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Request context of an AWS service principal, acting for source_account (None: not for a
    resource, e.g. a KMS grant used by the service)."""
    ctx: dict[str, Any] = {
        "aws:ResourceOrgID": ORG_ID,
        "aws:PrincipalIsAWSService": "true",
        "aws:SecureTransport": "true",
    }
    if source_account is not None:
        ctx["aws:SourceAccount"] = source_account
    if source_org is not None:
        ctx["aws:SourceOrgID"] = source_org
    return {**ctx, **(extra or {})}


def _bucket_names() -> dict[str, str]:
    """The package's buckets in the accounts the data perimeter covers, named by their templates."""
    names: dict[str, str] = {}
    for template_name, account in (("log-archive.yaml", LOG_ARCHIVE), ("bunker.yaml", BUNKER)):
        template = load_template(TEMPLATES / template_name)
        ctx = Context(account)
        for logical, res in resources(template, "AWS::S3::Bucket").items():
            names[logical] = str(resolve(res["Properties"]["BucketName"], ctx, template))
    assert {"LogBucket", "ReportBucket"} <= set(names), names
    return names


def _alias(template_name: str) -> str:
    template = load_template(TEMPLATES / template_name)
    (alias,) = [r["Properties"]["AliasName"] for r in resources(template, "AWS::KMS::Alias").values()]
    return str(alias)


def _key_context(template_name: str) -> dict[str, Any]:
    """What KMS puts in the request context for a key of the package: its alias and its tag."""
    return {"kms:ResourceAliases": [_alias(template_name)], "aws:ResourceTag/cfct-backup:managed": "true"}


BUCKET_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:PutBucketPolicy", "s3:ListBucket")
KEY_ACTIONS = ("kms:Decrypt", "kms:CreateGrant", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion")


def _perimeter_resources() -> list[tuple[str, str, dict[str, Any]]]:
    """(label, resource ARN, resource context) of every resource the data perimeter protects."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    for logical, name in sorted(_bucket_names().items()):
        out.append((f"{logical} bucket", f"arn:aws:s3:::{name}", {}))
        out.append((f"{logical} object", f"arn:aws:s3:::{name}/AWSLogs/{ORG_ID}/x.json.gz", {}))
    out.append(
        ("bunker key", f"arn:aws:kms:{HOME}:{KEY_VAULT}:key/{BUNKER_KEY_ID}", _key_context("key-vault.yaml"))
    )
    out.append(
        (
            "bunker key replica",
            f"arn:aws:kms:{DR}:{KEY_VAULT}:key/{BUNKER_KEY_ID}",
            _key_context("key-vault-replica.yaml"),
        )
    )
    out.append(("alert key", f"arn:aws:kms:{HOME}:{AUDIT}:key/alerts", _key_context("audit.yaml")))
    return out


def _actions(arn: str) -> tuple[str, ...]:
    return KEY_ACTIONS if ":kms:" in arn else BUCKET_ACTIONS


# ---------------------------------------------------------------- data perimeter (Backup, Security OUs)


@pytest.mark.parametrize("outsider_org", [None, OTHER_ORG], ids=["no-organization", "other-organization"])
def test_outsiders_are_denied_on_every_protected_resource(outsider_org: str | None) -> None:
    """Seed 4.2, 4.3, 3.7: even a bucket or key policy that lets an outside account in is overruled."""
    rcp = _rcp("data-perimeter.json")
    outsider = role(OUTSIDER, "Admin")
    for label, arn, res_ctx in _perimeter_resources():
        for action in _actions(arn):
            req = Request(action, outsider, arn, _caller(outsider_org, extra=res_ctx))
            assert denies(rcp, req), f"{label}: {action}"


def test_principals_of_the_organization_are_not_denied() -> None:
    rcp = _rcp("data-perimeter.json")
    callers = (
        role(LOG_ARCHIVE, "AWSControlTowerExecution"),
        role(BUNKER, "stacksets-exec-0123abcd"),
        role(BUNKER, "cfct-backup-break-glass"),
        role(AUDIT, "aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports"),
        role(MANAGEMENT, "cfct-backup-reconcile"),
        role(MEMBER, "cfct-backup-service-role"),
    )
    for caller in callers:
        for label, arn, res_ctx in _perimeter_resources():
            for action in _actions(arn):
                req = Request(action, caller, arn, _caller(ORG_ID, extra=res_ctx))
                assert not denies(rcp, req), f"{caller} on {label}: {action}"


def test_aws_services_acting_for_the_organization_pass_and_for_others_do_not() -> None:
    """CloudTrail and Config deliver into the log archive, AWS Backup uses the bunker key: as service
    principals, with aws:SourceOrgID of the organization. A service acting for an outside account
    (the confused deputy) is denied; a service call that names no source (a KMS grant) passes."""
    rcp = _rcp("data-perimeter.json")
    buckets = _bucket_names()
    log_object = f"arn:aws:s3:::{buckets['LogBucket']}/AWSLogs/{ORG_ID}/{MEMBER}/CloudTrail/x.json.gz"
    report_object = f"arn:aws:s3:::{buckets['ReportBucket']}/audit-manager/report.csv"
    bunker_key = f"arn:aws:kms:{HOME}:{KEY_VAULT}:key/{BUNKER_KEY_ID}"
    key_ctx = _key_context("key-vault.yaml")
    cases = [
        ("cloudtrail.amazonaws.com", "s3:PutObject", log_object, {}),
        ("cloudtrail.amazonaws.com", "s3:GetBucketAcl", f"arn:aws:s3:::{buckets['LogBucket']}", {}),
        ("config.amazonaws.com", "s3:PutObject", log_object, {}),
        ("reports.backup.amazonaws.com", "s3:PutObject", report_object, {}),
        ("backup.amazonaws.com", "kms:Decrypt", bunker_key, key_ctx),
        ("backup.amazonaws.com", "kms:GenerateDataKeyWithoutPlaintext", bunker_key, key_ctx),
    ]
    for service, action, arn, res_ctx in cases:
        for source in (MANAGEMENT, MEMBER, BUNKER):
            ok = Request(action, service, arn, _service(source, ORG_ID, res_ctx), service_principal=service)
            assert not denies(rcp, ok), f"{service} for {source}: {action}"
        for source_org in (OTHER_ORG, None):
            deputy = Request(
                action, service, arn, _service(OUTSIDER, source_org, res_ctx), service_principal=service
            )
            assert denies(rcp, deputy), f"{service} for an outsider ({source_org}): {action}"
        via_grant = Request(action, service, arn, _service(None, None, res_ctx), service_principal=service)
        assert not denies(rcp, via_grant), f"{service} without a source: {action}"


def test_buckets_refuse_requests_without_tls_even_from_the_organization() -> None:
    rcp = _rcp("data-perimeter.json")
    caller = role(LOG_ARCHIVE, "AWSControlTowerExecution")
    for label, arn, _ in _perimeter_resources():
        if ":s3:" not in arn:
            continue
        for action in BUCKET_ACTIONS:
            assert denies(rcp, Request(action, caller, arn, _caller(ORG_ID, tls=False))), f"{label}: {action}"
            assert not denies(rcp, Request(action, caller, arn, _caller(ORG_ID))), f"{label}: {action}"


def test_backup_roles_are_assumed_only_from_the_organization_or_by_aws_services() -> None:
    rcp = _rcp("data-perimeter.json")
    break_glass = role(BUNKER, "cfct-backup-break-glass")
    assert denies(rcp, Request("sts:AssumeRole", role(OUTSIDER, "Admin"), break_glass, _caller(None)))
    assert denies(rcp, Request("sts:AssumeRole", role(OUTSIDER, "Admin"), break_glass, _caller(OTHER_ORG)))
    sso = role(BUNKER, "aws-reserved/sso.amazonaws.com/AWSReservedSSO_cfct-backup-break-glass_0123")
    assert not denies(rcp, Request("sts:AssumeRole", sso, break_glass, _caller(ORG_ID)))
    service = "backup.amazonaws.com"
    assert not denies(
        rcp,
        Request(
            "sts:AssumeRole",
            service,
            role(BUNKER, "cfct-backup-service-role"),
            _service(BUNKER, ORG_ID),
            service,
        ),
    )


def test_the_perimeter_leaves_other_resources_of_those_accounts_alone() -> None:
    """Control Tower's own log bucket and keys of others are not this package's business."""
    rcp = _rcp("data-perimeter.json")
    outsider = role(OUTSIDER, "Admin")
    ct_bucket = f"arn:aws:s3:::aws-controltower-logs-{LOG_ARCHIVE}-{HOME}/x"
    assert not denies(rcp, Request("s3:GetObject", outsider, ct_bucket, _caller(None)))
    other_key = f"arn:aws:kms:{HOME}:{AUDIT}:key/other"
    ctx = _caller(None, extra={"kms:ResourceAliases": ["alias/aws-controltower-key"]})
    assert not denies(rcp, Request("kms:Decrypt", outsider, other_key, ctx))
    other_role = role(AUDIT, "aws-controltower-AuditReadOnlyRole")
    assert not denies(rcp, Request("sts:AssumeRole", outsider, other_role, _caller(None)))


# ---------------------------------------------------------------- member perimeter (protected OUs)


def test_member_cmk_is_out_of_reach_of_outsiders() -> None:
    """Seed 2.4, 4.3: the member vault key only for the organization's principals and for AWS
    services acting for it, whatever its key policy or grants say."""
    rcp = _rcp("member-perimeter.json")
    key = f"arn:aws:kms:{HOME}:{MEMBER}:key/member"
    by_alias = {"kms:ResourceAliases": [_alias("member-baseline.yaml")]}
    by_tag = {"aws:ResourceTag/cfct-backup:managed": "true"}
    for action in (*KEY_ACTIONS, "kms:ReEncryptFrom", "kms:RetireGrant"):
        for res_ctx in (by_alias, by_tag, {**by_alias, **by_tag}):
            for org in (None, OTHER_ORG):
                req = Request(action, role(OUTSIDER, "Admin"), key, _caller(org, extra=res_ctx))
                assert denies(rcp, req), f"{action} {res_ctx} {org}"
            # the bunker's principals, through the grant the enrolment automation creates
            for caller in (role(BUNKER, "cfct-backup-service-role"), role(MEMBER, "cfct-backup-automation")):
                assert not denies(rcp, Request(action, caller, key, _caller(ORG_ID, extra=res_ctx))), caller
        service = "backup.amazonaws.com"
        ctx = {**by_alias, **by_tag}
        assert not denies(rcp, Request(action, service, key, _service(MEMBER, ORG_ID, ctx), service))
        assert denies(rcp, Request(action, service, key, _service(OUTSIDER, OTHER_ORG, ctx), service))
    # a team's own key is not the package's business
    team = _caller(None, extra={"kms:ResourceAliases": ["alias/team"]})
    assert not denies(rcp, Request("kms:Decrypt", role(OUTSIDER, "Admin"), TEAM_KEY, team))


def test_member_backup_roles_are_assumed_only_from_the_organization() -> None:
    rcp = _rcp("member-perimeter.json")
    for name in ("cfct-backup-automation", "cfct-backup-break-glass", "cfct-backup-service-role"):
        target = role(MEMBER, name)
        assert denies(rcp, Request("sts:AssumeRole", role(OUTSIDER, "Admin"), target, _caller(None))), name
        caller = role(MANAGEMENT, "cfct-backup-enrolment")
        assert not denies(rcp, Request("sts:AssumeRole", caller, target, _caller(ORG_ID))), name
    assert not denies(
        rcp, Request("sts:AssumeRole", role(OUTSIDER, "Admin"), role(MEMBER, "team-role"), _caller(None))
    )


def test_member_perimeter_does_not_touch_buckets() -> None:
    """Members' buckets belong to their teams: the member RCP restricts only the package's keys and roles."""
    rcp = _rcp("member-perimeter.json")
    services = {s["Action"].split(":")[0] for s in rcp["Statement"]}
    assert services == {"kms", "sts"}
