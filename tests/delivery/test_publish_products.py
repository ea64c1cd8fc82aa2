"""`cfct-backup publish` uploads the Service Catalog product templates a deployed portfolio loads.

Against moto S3/SSM, on the fixture tree plus a portfolio (deployed by the manifest) whose products
load `service-catalog/sc-one.yaml` (Fn::Sub) and `service-catalog/sc-two.yaml` (Fn::Join) from the
artifact bucket.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import boto3
import pytest

from cfct_backup.delivery import CONFIG_ZIP_NAME
from cfct_backup.delivery.package import build_package
from cfct_backup.delivery.publish import (
    DEFAULT_LAMBDA_KEY,
    PublishOptions,
    publish_package,
    validate_configuration,
)
from cfct_backup.problems import has_errors

from .conftest import FakeSource, write
from .test_publish import (
    ACCOUNT,
    ARTIFACTS,
    CFCT_BUCKET,
    publish,
    validator,  # noqa: F401 - the stand-in validate, by usefixtures
    versions,
)

PORTFOLIO = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: fixture portfolio
Parameters:
  ArtifactBucket:
    Type: String
Resources:
  One:
    Type: AWS::ServiceCatalog::CloudFormationProduct
    Properties:
      Name: one
      Owner: me
      ProvisioningArtifactParameters:
        - Info:
            LoadTemplateFromURL: !Sub "https://${ArtifactBucket}.s3.${AWS::Region}.${AWS::URLSuffix}/service-catalog/sc-one.yaml"
  Two:
    Type: AWS::ServiceCatalog::CloudFormationProduct
    Properties:
      Name: two
      Owner: me
      ProvisioningArtifactParameters:
        - Info:
            LoadTemplateFromURL: !Join
              - ""
              - - "https://"
                - !Ref ArtifactBucket
                - ".s3."
                - !Ref AWS::Region
                - ".amazonaws.com/service-catalog/sc-two.yaml"
"""

# Not deployed by the manifest: offers nothing, so its product template is not uploaded.
UNDEPLOYED_PORTFOLIO = PORTFOLIO.replace("sc-one.yaml", "sc-ghost.yaml").replace(
    "sc-two.yaml", "sc-ghost.yaml"
)

PRODUCT = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: fixture product {n}
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: product-{n}
"""

PORTFOLIO_RESOURCE = """\
  - name: cfct-backup-self-service
    resource_file: templates/portfolio.yaml
    parameters:
      - parameter_key: ArtifactBucket
        parameter_value: $[alfred_ssm_/cfct-backup/artifacts/bucket]
    deploy_method: stack_set
    deployment_targets:
      organizational_units:
        - Workloads
"""

KEYS = ("service-catalog/sc-one.yaml", "service-catalog/sc-two.yaml")


@pytest.fixture(autouse=True)
def _fast_deps(fake_deps: FakeSource) -> None:
    """Publishing does not care what the vendored code is: build with the fake source."""


@pytest.fixture
def sc_tree(tree: Path) -> Path:
    manifest = tree / "manifest.yaml"
    manifest.write_text(manifest.read_text() + PORTFOLIO_RESOURCE)
    write(tree / "templates" / "portfolio.yaml", PORTFOLIO)
    write(tree / "templates" / "undeployed-portfolio.yaml", UNDEPLOYED_PORTFOLIO)
    for n in ("one", "two", "unused"):
        write(tree / "templates" / f"sc-{n}.yaml", PRODUCT.format(n=n))
    return tree


@pytest.fixture
def buckets(aws: None) -> boto3.client:
    s3 = boto3.client("s3", region_name="us-east-1")
    for name in (ARTIFACTS, CFCT_BUCKET):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return s3


def keys(s3: boto3.client, bucket: str, prefix: str = "") -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []))


def object_versions(s3: boto3.client, key: str) -> int:
    found = s3.list_object_versions(Bucket=ARTIFACTS, Prefix=key).get("Versions", [])
    return len([v for v in found if v["Key"] == key])


@pytest.mark.usefixtures("validator")
def test_product_templates_land_at_the_keys_the_portfolio_loads_before_the_configuration(
    sc_tree, buckets, capsys
):
    assert publish(sc_tree) == 0
    out = capsys.readouterr().out
    s3 = buckets
    # exactly the two the deployed portfolio loads: not sc-unused, not the undeployed one's sc-ghost
    assert keys(s3, ARTIFACTS, "service-catalog/") == list(KEYS)
    for key in KEYS:
        source = sc_tree / "templates" / key.removeprefix("service-catalog/")
        obj = s3.get_object(Bucket=ARTIFACTS, Key=key)
        body = obj["Body"].read()
        assert body == source.read_bytes()
        assert obj["Metadata"]["sha256"] == hashlib.sha256(body).hexdigest()
        assert obj["ContentType"] == "application/x-yaml"
    lines = out.splitlines()

    def at(text: str) -> int:
        return next(i for i, line in enumerate(lines) if text in line)

    lambda_line = at(f"s3://{ARTIFACTS}/{DEFAULT_LAMBDA_KEY}")
    config_line = at(f"s3://{CFCT_BUCKET}/{CONFIG_ZIP_NAME}")
    for key in KEYS:
        line = at(f"s3://{ARTIFACTS}/{key}")
        assert lines[line].startswith("product uploaded")
        assert lambda_line < line < config_line  # in place before CfCT runs the portfolio stack


@pytest.mark.usefixtures("validator")
def test_second_publish_writes_nothing(sc_tree, buckets, capsys):
    assert publish(sc_tree) == 0
    before = versions(buckets, ARTIFACTS)
    capsys.readouterr()
    assert publish(sc_tree) == 0
    out = capsys.readouterr().out
    assert versions(buckets, ARTIFACTS) == before
    assert len(before) == 3  # the Lambda zip and two product templates
    for key in KEYS:
        assert f"product unchanged     s3://{ARTIFACTS}/{key}" in out
    assert "uploaded" not in out and "nothing changed" in out


@pytest.mark.usefixtures("validator")
def test_a_changed_product_template_is_uploaded_again_and_only_it(sc_tree, buckets, capsys):
    assert publish(sc_tree) == 0
    write(sc_tree / "templates" / "sc-one.yaml", PRODUCT.format(n="one, changed"))
    capsys.readouterr()
    assert publish(sc_tree) == 0
    out = capsys.readouterr().out
    body = buckets.get_object(Bucket=ARTIFACTS, Key=KEYS[0])["Body"].read()
    assert body == (sc_tree / "templates" / "sc-one.yaml").read_bytes()
    assert b"one, changed" in body
    assert object_versions(buckets, KEYS[0]) == 2
    assert object_versions(buckets, KEYS[1]) == 1
    assert object_versions(buckets, DEFAULT_LAMBDA_KEY) == 1
    assert f"product uploaded      s3://{ARTIFACTS}/{KEYS[0]}" in out
    assert f"product unchanged     s3://{ARTIFACTS}/{KEYS[1]}" in out


@pytest.mark.usefixtures("validator")
def test_dry_run_lists_the_product_templates_and_writes_nothing(sc_tree, buckets, capsys):
    assert publish(sc_tree, "--dry-run") == 0
    out = capsys.readouterr().out
    for key in KEYS:
        assert f"product would upload  s3://{ARTIFACTS}/{key}" in out
    assert "sc-unused" not in out and "sc-ghost" not in out
    assert versions(buckets, ARTIFACTS) == []


@pytest.mark.usefixtures("validator")
def test_a_referenced_product_template_missing_stops_publish_before_any_upload(sc_tree, buckets, capsys):
    """Even past a validator that lets it through (the real one says PKG012, below)."""
    (sc_tree / "templates" / "sc-two.yaml").unlink()
    assert publish(sc_tree) == 2  # a broken package: bad input
    err = capsys.readouterr().err
    assert "templates/portfolio.yaml: Two loads service-catalog/sc-two.yaml" in err
    assert "templates/sc-two.yaml" in err
    assert versions(buckets, ARTIFACTS) == [] and versions(buckets, CFCT_BUCKET) == []


def test_the_real_validator_refuses_a_missing_product_template(sc_tree, tmp_path):
    import cfct_backup.validate as real

    (sc_tree / "templates" / "sc-two.yaml").unlink()
    built = build_package(sc_tree, tmp_path / "d", FakeSource())
    problems = validate_configuration(
        built.config_zip.path, lambda root: real.validate_package(root, lint=False)
    )
    assert has_errors(problems)
    (pkg012,) = [p for p in problems if p.code == "PKG012"]
    assert pkg012.path == "templates/portfolio.yaml" and "service-catalog/sc-two.yaml" in pkg012.message
    # used product templates are not "undeployed"; the one nobody loads still is
    pkg006 = {p.path for p in problems if p.code == "PKG006"}
    assert "templates/sc-one.yaml" not in pkg006
    assert "templates/sc-unused.yaml" in pkg006


@pytest.mark.usefixtures("validator")
def test_repository_delivery_still_uploads_the_product_templates(sc_tree, buckets, tmp_path):
    import subprocess

    repo = tmp_path / "cfct.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "--initial-branch=main", str(repo)], check=True)
    assert publish(sc_tree, "--repository", str(repo)) == 0
    assert keys(buckets, ARTIFACTS, "service-catalog/") == list(KEYS)


def test_product_uploads_name_the_expected_bucket_owner(sc_tree, tmp_path, buckets):
    seen: list[tuple[str, str | None, str | None]] = []

    def capture(params, model, **_kwargs):
        seen.append((model.name, params.get("Key"), params.get("ExpectedBucketOwner")))

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.meta.events.register("provide-client-params.s3.*", capture)
    built = build_package(sc_tree, tmp_path / "d", FakeSource())
    result = publish_package(
        built,
        s3,
        boto3.client("ssm", region_name="us-east-1"),
        PublishOptions(artifact_bucket=ARTIFACTS),
        account_id=lambda: ACCOUNT,
        region="us-east-1",
    )
    assert result.product_keys == list(KEYS)
    for key in KEYS:
        assert ("HeadObject", key, ACCOUNT) in seen
        assert ("PutObject", key, ACCOUNT) in seen
    assert all(owner == ACCOUNT for _, _, owner in seen), seen
