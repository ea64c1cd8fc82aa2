"""templates/pre-pipeline.yaml grants the build exactly what buildspec.yml and publish use.

cfn-lint and checkov run over every template in `make templates`; this checks what they cannot:
that the role's resources line up with the keys, parameters and buckets `publish` writes (a
mismatch is an AccessDenied in the first real build), and that nothing is wider than that.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from cfct_backup.delivery import CONFIG_ZIP_NAME
from cfct_backup.delivery.publish import (
    DEFAULT_LAMBDA_KEY,
    PARAM_BUCKET,
    PARAM_LAMBDA_KEY,
    PARAM_LAMBDA_VERSION,
    default_cfct_bucket,
)
from cfct_backup.policy import evaluator

from .conftest import REPO
from .test_lambda_zip import _CfnLoader

TEMPLATE = REPO / "templates" / "pre-pipeline.yaml"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=_CfnLoader)
    return doc


@pytest.fixture(scope="module")
def buildspec() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((REPO / "buildspec.yml").read_text(encoding="utf-8"))
    return doc


def statements(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Sid -> statement of the build role's policy; `Fn::If` branches unwrapped."""
    policy = template["Resources"]["BuildRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    out = {}
    for raw in policy["Statement"]:
        st = raw["If"][1] if "If" in raw else raw
        out[st["Sid"]] = st
    return out


def sub_pattern(value: Any) -> str:
    """A `!Sub` string (or a plain string) as a glob, `${...}` standing for any value."""
    text = value["Sub"] if isinstance(value, dict) and "Sub" in value else value
    assert isinstance(text, str), value
    return re.sub(r"\$\{[^}]+\}", "*", text)


def resources(st: dict[str, Any]) -> list[Any]:
    res = st["Resource"]
    return res if isinstance(res, list) else [res]


def allows(st: dict[str, Any], arn: str) -> bool:
    """Does the statement (`${...}` read as wildcards, conditions aside) allow one of its actions on arn?
    Decided by the project's policy evaluator."""
    patterns = [sub_pattern(r) for r in resources(st) if not isinstance(r, dict) or "Sub" in r]
    policy = {"Statement": [{"Effect": st["Effect"], "Action": st["Action"], "Resource": patterns}]}
    actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
    caller = "arn:aws:iam::111122223333:role/build"
    return any(evaluator.allows(policy, evaluator.Request(a, arn, caller)) for a in actions)


def test_no_literal_account_region_or_arn(template):
    text = TEMPLATE.read_text(encoding="utf-8")
    body = text.split("\nResources:", 1)[1]
    assert not re.search(r"(?<![\w{])\d{12}(?!\w)", body), "literal account ID"
    assert not re.search(
        r"\b(us|eu|ap|sa|ca|me|af|il|mx)-(east|west|north|south|central|northeast|southeast)-\d\b", text
    )
    assert "arn:aws:" not in body, "ARNs must use ${AWS::Partition}"


def test_no_statement_allows_every_resource_or_a_wildcard_action(template):
    for sid, st in statements(template).items():
        assert st["Effect"] == "Allow"
        assert "*" not in resources(st), sid
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        assert not any(a == "*" or a.endswith(":*") for a in actions), sid


def test_the_role_can_write_exactly_what_publish_writes(template):
    sts = statements(template)
    bucket_arn = "arn:aws:s3:::cfct-backup-artifacts-111122223333-eu-west-1"
    assert allows(sts["ArtifactObjectsAndCache"], f"{bucket_arn}/{DEFAULT_LAMBDA_KEY}")
    assert not allows(sts["ArtifactObjectsAndCache"], f"{bucket_arn}/anything-else.zip")
    assert "s3:PutObject" in sts["ArtifactObjectsAndCache"]["Action"]

    param_arn = "arn:aws:ssm:eu-west-1:111122223333:parameter{}"
    for name in (PARAM_BUCKET, PARAM_LAMBDA_KEY, PARAM_LAMBDA_VERSION):
        assert allows(sts["ArtifactParameters"], param_arn.format(name)), name
    assert not allows(sts["ArtifactParameters"], param_arn.format("/cfct-backup/accounts/bunker"))
    assert set(sts["ArtifactParameters"]["Action"]) == {"ssm:GetParameter", "ssm:PutParameter"}

    cfct = f"arn:aws:s3:::{default_cfct_bucket('111122223333', 'eu-west-1')}"
    assert allows(sts["CfctConfigurationObject"], f"{cfct}/{CONFIG_ZIP_NAME}")
    assert not allows(sts["CfctConfigurationObject"], f"{cfct}/other.zip")
    assert sts["CfctBucketList"]["Condition"]["StringEquals"]["s3:prefix"] == CONFIG_ZIP_NAME


def test_cache_location_is_inside_what_the_role_may_write(template):
    project = template["Resources"]["BuildProject"]["Properties"]
    cache = sub_pattern(project["Cache"]["Location"])  # "*/codebuild-cache"
    prefix = cache.split("/", 1)[1]
    assert allows(statements(template)["ArtifactObjectsAndCache"], f"arn:aws:s3:::b/{prefix}/x.tgz")


def test_report_group_is_the_one_the_buildspec_reports_to(template, buildspec):
    (group,) = buildspec["reports"]
    name = template["Resources"]["TestReportGroup"]["Properties"]["Name"]["Sub"]
    assert name == "${ProjectName}-" + group  # CodeBuild names a buildspec group <project>-<group>


def test_project_sets_the_variables_the_buildspec_reads(template, buildspec):
    env = template["Resources"]["BuildProject"]["Properties"]["Environment"]["EnvironmentVariables"]
    names = {v["Name"] for v in env}
    assert names <= set(buildspec["env"]["variables"])
    assert {"CFCT_DELIVERY", "CFCT_REPOSITORY", "CFCT_BRANCH"} <= names
    allowed = set(template["Parameters"]["CfctDelivery"]["AllowedValues"])
    assert allowed == {"s3", "repository"}
    assert (
        "repository" in (REPO / "buildspec.yml").read_text()
        and buildspec["env"]["variables"]["CFCT_DELIVERY"] in allowed
    )


def test_artifact_bucket_is_versioned_encrypted_private_and_tls_only(template):
    bucket = template["Resources"]["ArtifactBucket"]
    props = bucket["Properties"]
    assert props["VersioningConfiguration"]["Status"] == "Enabled"
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert bucket["DeletionPolicy"] == "Retain"
    policy = template["Resources"]["ArtifactBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"].get("Bool", {}).get("aws:SecureTransport") == "false"
        for s in policy
    )
    param = template["Resources"]["ArtifactBucketParameter"]["Properties"]
    assert param["Name"] == PARAM_BUCKET


def test_the_package_reads_exactly_the_parameters_publish_writes():
    """The manifest side of the contract: `$[alfred_ssm_/cfct-backup/artifacts/...]` names."""
    texts = [(REPO / "manifest.yaml").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted((REPO / "parameters").glob("*.json"))]
    read = set(re.findall(r"alfred_ssm_(/cfct-backup/artifacts/[\w-]+)", "\n".join(texts)))
    assert read <= {PARAM_BUCKET, PARAM_LAMBDA_KEY, PARAM_LAMBDA_VERSION}, read
    assert {PARAM_LAMBDA_KEY, PARAM_LAMBDA_VERSION} <= read, "the Lambda code location is not read"


def real_product_keys() -> list[str]:
    """The object keys publish uploads for the real package's Service Catalog products."""
    from cfct_backup.cfct.manifest import load_manifest
    from cfct_backup.service_catalog import package_products, published_products

    return list(published_products(package_products(REPO, load_manifest(REPO / "manifest.yaml"))))


def test_the_role_can_write_the_product_templates_publish_uploads(template):
    keys = real_product_keys()
    assert keys == ["service-catalog/sc-extra-backup-plan.yaml", "service-catalog/sc-resource-backup.yaml"]
    st = statements(template)["ArtifactObjectsAndCache"]
    bucket_arn = "arn:aws:s3:::cfct-backup-artifacts-111122223333-eu-west-1"
    for key in keys:
        assert allows(st, f"{bucket_arn}/{key}"), key
    assert {"s3:GetObject", "s3:PutObject"} <= set(st["Action"])  # HeadObject needs GetObject


def test_the_organization_may_read_the_product_templates_and_nothing_else(template):
    """Member accounts' portfolios load the product templates from here; the rest stays private."""
    policy = template["Resources"]["ArtifactBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allowed = [s for s in policy if s["Effect"] == "Allow"]
    assert len(allowed) == 1
    (st,) = allowed
    assert st["Principal"] == "*" and st["Action"] == "s3:GetObject"
    assert st["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": {"Ref": "OrganizationId"}}}
    bucket_arn = "arn:aws:s3:::cfct-backup-artifacts-111122223333-eu-west-1"
    for key in real_product_keys():
        assert allows(st, f"{bucket_arn}/{key}"), key
    assert not allows(st, f"{bucket_arn}/{DEFAULT_LAMBDA_KEY}")
    assert not allows(st, f"{bucket_arn}/codebuild-cache/x.tgz")
    org_id = template["Parameters"]["OrganizationId"]
    assert org_id["Type"] == "AWS::SSM::Parameter::Value<String>"
    assert org_id["Default"] == "/cfct-backup/org/id"  # docs/conventions.md


def test_the_portfolio_launch_role_reads_where_publish_uploads():
    """templates/self-service.yaml's launch role reads service-catalog/* of the same bucket."""
    doc = yaml.load((REPO / "templates" / "self-service.yaml").read_text(), Loader=_CfnLoader)
    policy = doc["Resources"]["LaunchRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    (read,) = [s for s in policy["Statement"] if s["Sid"] == "ReadProductTemplates"]
    for key in real_product_keys():
        assert allows(read, f"arn:aws:s3:::cfct-backup-artifacts-111122223333-eu-west-1/{key}"), key
