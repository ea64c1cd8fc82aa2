"""`cfct_backup.service_catalog`: which templates are Service Catalog product templates, at which key.

The one place `publish` (what it uploads) and `validate` (PKG006 / PKG012 / PKG013) agree on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cfct_backup.cfct.manifest import load_manifest
from cfct_backup.service_catalog import (
    package_products,
    product_key,
    published_products,
    template_products,
)
from cfct_backup.validate import validate_package

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("url", "key"),
    [
        (
            "https://${ArtifactBucket}.s3.${HomeRegion}.${AWS::URLSuffix}/service-catalog/sc-a.yaml",
            "service-catalog/sc-a.yaml",
        ),
        ("https://bucket.s3.amazonaws.com/service-catalog/sc-a.yaml", "service-catalog/sc-a.yaml"),
        ("https://bucket.s3-eu-west-1.amazonaws.com/service-catalog/sc-a.json", "service-catalog/sc-a.json"),
        (
            "https://s3.${AWS::Region}.amazonaws.com/${Bucket}/service-catalog/sc-a.yaml",
            "service-catalog/sc-a.yaml",
        ),
        (
            "https://${B}.s3.${R}.amazonaws.com/service-catalog/sub/sc-a.yaml?versionId=abc",
            "service-catalog/sub/sc-a.yaml",
        ),
        # not a product template of the package
        ("https://${B}.s3.${R}.amazonaws.com/products/sc-a.yaml", None),
        ("https://${B}.s3.${R}.amazonaws.com/service-catalog/", None),
        ("https://${B}.s3.${R}.amazonaws.com/service-catalog/${Name}.yaml", None),
        ("https://${B}.s3.${R}.amazonaws.com/service-catalog/../manifest.yaml", None),
        ("https://${B}.s3.${R}.amazonaws.com/service-catalog//sc-a.yaml", None),
        ("https://example.com/service-catalog/sc-a.yaml", None),
        ("http://${B}.s3.${R}.amazonaws.com/service-catalog/sc-a.yaml", None),
        ("s3://bucket/service-catalog/sc-a.yaml", None),
        ("https://s3.amazonaws.com/service-catalog", None),
    ],
)
def test_product_key(url: str, key: str | None) -> None:
    assert product_key(url) == key


def test_template_products_reads_sub_join_and_reports_what_it_cannot_read() -> None:
    def product(url: object) -> dict[str, object]:
        return {
            "Type": "AWS::ServiceCatalog::CloudFormationProduct",
            "Properties": {"ProvisioningArtifactParameters": [{"Info": {"LoadTemplateFromURL": url}}]},
        }

    base = "https://${B}.s3.${AWS::Region}.${AWS::URLSuffix}/service-catalog/"
    template = {
        "Resources": {
            "Plain": product("https://bucket.s3.amazonaws.com/service-catalog/p.yaml"),
            "SubList": product({"Fn::Sub": [base + "s.yaml", {"B": "x"}]}),
            "Join": product(
                {"Fn::Join": ["", ["https://", {"Ref": "B"}, ".s3.amazonaws.com/service-catalog/j.yaml"]]}
            ),
            "Conditional": product({"Fn::If": ["C", base + "a.yaml", base + "b.yaml"]}),
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"LoadTemplateFromURL": base + "no.yaml"}},
            "Physical": {
                "Type": "AWS::ServiceCatalog::CloudFormationProduct",
                "Properties": {"ProvisioningArtifactParameters": [{"Info": {"ImportFromPhysicalId": "x"}}]},
            },
        }
    }
    found = {r.resource: r for r in template_products(template, "templates/p.yaml")}
    assert set(found) == {"Plain", "SubList", "Join", "Conditional"}
    assert found["Plain"].source == "templates/p.yaml"
    assert found["SubList"].key == "service-catalog/s.yaml"
    assert found["Join"].url == "https://${B}.s3.amazonaws.com/service-catalog/j.yaml"
    assert found["Join"].source == "templates/j.yaml"
    assert found["Conditional"].key is None and found["Conditional"].url == ""


PORTFOLIO = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Product:
    Type: AWS::ServiceCatalog::CloudFormationProduct
    Properties:
      ProvisioningArtifactParameters:
        - Info:
            LoadTemplateFromURL: !Sub "https://${{AWS::AccountId}}.s3.${{AWS::URLSuffix}}/service-catalog/{name}"
"""


def _package(root: Path, deployed: list[str]) -> Path:
    (root / "templates").mkdir(parents=True)
    resources = "".join(
        f"  - name: r{i}\n    resource_file: {path}\n    deploy_method: stack_set\n"
        "    deployment_targets:\n      accounts:\n        - Backup Bunker\n"
        for i, path in enumerate(deployed)
    )
    resources += (
        "  - name: scp\n    resource_file: policies/scp/p.json\n    deploy_method: scp\n"
        "    deployment_targets:\n      organizational_units:\n        - Workloads\n"
        "  - name: remote\n    resource_file: https://b.s3.amazonaws.com/service-catalog/x.yaml\n"
        "    deploy_method: stack_set\n    deployment_targets:\n      accounts:\n        - Backup Bunker\n"
    )
    (root / "manifest.yaml").write_text(f"region: us-east-1\nversion: 2021-03-15\nresources:\n{resources}")
    return root


def test_only_deployed_templates_offer_products_and_products_may_offer_products(tmp_path: Path) -> None:
    root = _package(tmp_path / "pkg", ["templates/portfolio.yaml"])
    (root / "templates" / "portfolio.yaml").write_text(PORTFOLIO.format(name="sc-outer.yaml"))
    (root / "templates" / "sc-outer.yaml").write_text(PORTFOLIO.format(name="sc-inner.yaml"))
    (root / "templates" / "sc-inner.yaml").write_text(PORTFOLIO.format(name="sc-outer.yaml"))  # a cycle
    (root / "templates" / "undeployed.yaml").write_text(PORTFOLIO.format(name="sc-ghost.yaml"))
    refs = package_products(root, load_manifest(root / "manifest.yaml"))
    assert [(r.template, r.key) for r in refs] == [
        ("templates/portfolio.yaml", "service-catalog/sc-outer.yaml"),
        ("templates/sc-outer.yaml", "service-catalog/sc-inner.yaml"),
        ("templates/sc-inner.yaml", "service-catalog/sc-outer.yaml"),
    ]
    assert list(published_products(refs)) == [
        "service-catalog/sc-inner.yaml",
        "service-catalog/sc-outer.yaml",
    ]


def test_validate_a_product_of_an_undeployed_portfolio_is_undeployed_too(tmp_path: Path) -> None:
    root = _package(tmp_path / "pkg", [])
    (root / "templates" / "undeployed.yaml").write_text(PORTFOLIO.format(name="sc-a.yaml"))
    (root / "templates" / "sc-a.yaml").write_text(PORTFOLIO.format(name="sc-missing.yaml"))
    problems = validate_package(root, lint=False)
    assert {p.path for p in problems if p.code == "PKG006"} == {
        "templates/undeployed.yaml",
        "templates/sc-a.yaml",
    }
    assert not [p for p in problems if p.code == "PKG012"]  # nobody deploys it: nothing to upload


# ---------------------------------------------------------------- the real package


def test_the_real_package_publishes_exactly_the_product_templates_of_the_conventions() -> None:
    refs = package_products(REPO, load_manifest(REPO / "manifest.yaml"))
    keys = published_products(refs)
    documented = set(
        re.findall(r"service-catalog/sc-[\w-]+\.yaml", (REPO / "docs" / "conventions.md").read_text())
    )
    assert (
        set(keys)
        == documented
        == {
            "service-catalog/sc-extra-backup-plan.yaml",
            "service-catalog/sc-resource-backup.yaml",
        }
    )
    assert {r.template for r in refs} == {"templates/self-service.yaml"}
    for ref in keys.values():
        assert (REPO / str(ref.source)).is_file()


def test_the_real_package_validates_without_a_warning_for_its_product_templates() -> None:
    problems = validate_package(REPO, lint=False)
    about_products = [
        p for p in problems if p.path.startswith("templates/sc-") or p.code in {"PKG012", "PKG013"}
    ]
    assert about_products == []
    # the one template deployed by hand lives in prerequisites/, out of CfCT's sight: nothing left over
    assert {p.path for p in problems if p.code == "PKG006"} == set()
