"""The CfCT manifest: schema, CfCT's traps, order, files, and parameters against templates."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .helpers import ROOT, load_manifest, load_template

ROLE_ACCOUNTS = {"Log Archive", "Audit", "Backup Bunker", "Key Vault", "Recovery"}  # Recovery: optional role
MANAGEMENT_ID = "123456789012"
PROTECTED_OUS = ["Workloads:Prod", "Workloads:Dev"]
ALLOWED_RESOURCE_KEYS = {
    "name",
    "description",
    "resource_file",
    "parameters",
    "parameter_file",
    "deploy_method",
    "deployment_targets",
    "regions",
    "export_outputs",
}


def _resources() -> list[dict[str, Any]]:
    resources = load_manifest()["resources"]
    assert isinstance(resources, list)
    return resources


def _by_name() -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in _resources()}


def _stacks() -> list[dict[str, Any]]:
    return [r for r in _resources() if r["deploy_method"] == "stack_set"]


def test_manifest_header() -> None:
    manifest = load_manifest()
    assert set(manifest) <= {"region", "version", "enable_stack_set_deletion", "resources"}
    assert str(manifest["version"]) == "2021-03-15"
    assert manifest["region"] == "us-east-1"
    text = (ROOT / "manifest.yaml").read_text(encoding="utf-8")
    assert re.search(r"^version: 2021-03-15$", text, re.M)


def test_resources_follow_the_cfct_schema_and_avoid_its_traps() -> None:
    names = [r["name"] for r in _resources()]
    assert len(names) == len(set(names))
    for res in _resources():
        assert set(res) <= ALLOWED_RESOURCE_KEYS, res["name"]
        assert not ("parameters" in res and "parameter_file" in res), res["name"]
        assert res["deploy_method"] in {"stack_set", "scp", "rcp"}
        targets = res["deployment_targets"]
        for account in targets.get("accounts", []):
            assert isinstance(account, str), f"{res['name']}: unquoted account {account!r}"
            assert "@" not in account, f"{res['name']}: email in accounts"
            assert re.fullmatch(r"\d{12}", account) or account in ROLE_ACCOUNTS, account
        for ou in targets.get("organizational_units", []):
            assert not ou.startswith("Root"), ou
            assert "/" not in ou, ou
        if res["deploy_method"] == "stack_set":
            assert isinstance(res["regions"], list) and res["regions"], res["name"]
            assert res["resource_file"].startswith("templates/"), res["name"]
        else:
            assert "regions" not in res and "parameter_file" not in res, res["name"]
            assert set(targets) == {"organizational_units"}, res["name"]
            folder = f"policies/{res['deploy_method']}/"  # policies/scp/ or policies/rcp/
            assert res["resource_file"].startswith(folder), res["name"]


def test_account_ids_are_quoted_in_the_text() -> None:
    text = (ROOT / "manifest.yaml").read_text(encoding="utf-8")
    for line in text.splitlines():
        if re.search(r"\b\d{12}\b", line) and not line.lstrip().startswith("#"):
            assert f'"{MANAGEMENT_ID}"' in line, line


@pytest.mark.parametrize("key", ["resource_file", "parameter_file"])
def test_every_referenced_file_exists(key: str) -> None:
    missing = [r[key] for r in _resources() if key in r and not (ROOT / r[key]).is_file()]
    assert not missing, f"missing: {missing}"


def test_management_resources_target_only_the_management_account_by_id() -> None:
    management = {
        "cfct-backup-lifecycle-automation",
        "cfct-backup-org-settings",
        "cfct-backup-org-trail",
        "cfct-backup-config-conformance",
        "cfct-backup-break-glass",
        "cfct-backup-backup-policies",
    }
    by_name = _by_name()
    for name in management:
        assert by_name[name]["deployment_targets"] == {"accounts": [MANAGEMENT_ID]}, name
        assert by_name[name]["regions"] == ["us-east-1"], name
    assert by_name["cfct-backup-member-baseline"]["deployment_targets"] == {
        "organizational_units": PROTECTED_OUS
    }
    assert by_name["cfct-backup-member-baseline"]["regions"] == ["us-east-1", "us-west-2"]
    assert by_name["cfct-backup-bunker"]["regions"] == ["us-east-1", "us-west-2"]
    assert by_name["cfct-backup-key-vault-replica"]["regions"] == ["us-west-2"]
    assert "Sandbox" not in str(load_manifest())


def test_lifecycle_automation_exports_the_custom_resource_arn_before_org_settings() -> None:
    names = [r["name"] for r in _resources()]
    lifecycle = _by_name()["cfct-backup-lifecycle-automation"]
    assert lifecycle["resource_file"] == "templates/lifecycle-automation.yaml"
    assert lifecycle["parameter_file"] == "parameters/lifecycle-automation.json"
    assert lifecycle["export_outputs"] == [
        {
            "name": "/cfct-backup/outputs/custom-resource-function-arn",
            "value": "$[output_CustomResourceFunctionArn]",
        }
    ]
    assert names.index("cfct-backup-lifecycle-automation") < names.index("cfct-backup-org-settings")


# Why each resource must come after another: the first creates something (a named resource in its
# template, or an SSM output it exports) that the second's template or parameters use. Each reason is
# checked in the package's files before the order is; a pair whose reason no longer holds fails too.
DEPENDENCIES = [
    (
        "cfct-backup-lifecycle-automation",
        "cfct-backup-org-settings",
        "/cfct-backup/outputs/custom-resource-function-arn",
    ),
    ("cfct-backup-log-archive", "cfct-backup-org-trail", "cfct-backup-logs-"),
    ("cfct-backup-log-archive", "cfct-backup-config-conformance", "awsconfigconforms-cfct-backup-"),
    ("cfct-backup-key-vault", "cfct-backup-key-vault-replica", "/cfct-backup/outputs/bunker-key-arn"),
    ("cfct-backup-key-vault", "cfct-backup-bunker", "/cfct-backup/outputs/bunker-key-id"),
    ("cfct-backup-bunker", "cfct-backup-audit", "cfct-backup-reports-"),
    ("cfct-backup-audit", "cfct-backup-member-baseline", "cfct-backup-events"),
    ("cfct-backup-member-baseline", "cfct-backup-backup-policies", "cfct-backup-service-role"),
    ("cfct-backup-org-settings", "cfct-backup-backup-policies", "BACKUP_POLICY"),
    ("cfct-backup-member-baseline", "cfct-backup-self-service", "cfct-backup-service-role"),
]

NAME_PROPERTIES = ("RoleName", "BucketName", "Name", "BackupVaultName", "EventBusName")


def _created_by(resource: dict[str, Any]) -> set[str]:
    """SSM outputs the resource exports, and the literal part of every name its template gives."""
    made = {export["name"] for export in resource.get("export_outputs", [])}
    text = (ROOT / resource["resource_file"]).read_text(encoding="utf-8")
    for prop in NAME_PROPERTIES:
        for value in re.findall(rf"^\s+{prop}: !?S?u?b? ?\"?([^\"\n$]+)", text, re.M):
            made.add(value.strip())
    if "BACKUP_POLICY" in text and "Custom::" in text:  # the org-settings custom resource enables the type
        made.add("BACKUP_POLICY")
    return made


def _used_by(resource: dict[str, Any]) -> str:
    text = (ROOT / resource["resource_file"]).read_text(encoding="utf-8")
    if "parameter_file" in resource:
        text += (ROOT / resource["parameter_file"]).read_text(encoding="utf-8")
    return text


@pytest.mark.parametrize(("first", "then", "token"), DEPENDENCIES)
def test_resources_deploy_in_a_working_order(first: str, then: str, token: str) -> None:
    by_name = _by_name()
    assert any(token == made or made.startswith(token) for made in _created_by(by_name[first])), (
        f"{first} does not create {token!r}"
    )
    assert token in _used_by(by_name[then]), f"{then} does not use {token!r}"
    names = [r["name"] for r in _resources()]
    assert names.index(first) < names.index(then), f"{then} uses {token!r} from {first}, which comes later"


def _exports() -> dict[str, int]:
    """SSM name -> position of the resource exporting it."""
    return {
        export["name"]: i for i, res in enumerate(_resources()) for export in res.get("export_outputs", [])
    }


def _conventions_names() -> set[str]:
    text = (ROOT / "docs" / "conventions.md").read_text(encoding="utf-8")
    return set(re.findall(r"`(/cfct-backup/[a-z0-9/-]+)`", text))


def test_parameter_files_match_their_templates_and_read_documented_ssm_names() -> None:
    exports = _exports()
    documented = _conventions_names()
    names = [r["name"] for r in _resources()]
    checked: list[str] = []
    for res in _stacks():
        template = load_template(ROOT / res["resource_file"])  # every stack set's template exists
        declared = template.get("Parameters", {})
        rows = json.loads((ROOT / res["parameter_file"]).read_text(encoding="utf-8"))
        given = {row["ParameterKey"]: row["ParameterValue"] for row in rows}
        assert set(given) <= set(declared), f"{res['name']}: unknown {set(given) - set(declared)}"
        required = {k for k, v in declared.items() if "Default" not in v}
        assert required <= set(given), f"{res['name']}: missing {required - set(given)}"
        for value in given.values():
            for ssm in re.findall(r"\$\[alfred_ssm_(/[^\]]+)\]", value):
                assert ssm in documented, f"{res['name']}: {ssm} not in docs/conventions.md"
                if ssm.startswith("/cfct-backup/outputs/"):
                    assert ssm in exports, f"{res['name']} reads {ssm}, which no resource exports"
                    assert exports[ssm] < names.index(res["name"]), (
                        f"{res['name']} reads {ssm} before it is exported"
                    )
        checked.append(res["name"])
    # every stack set was checked (no silent skip), the lifecycle automation included
    assert checked == [r["name"] for r in _stacks()] and "cfct-backup-lifecycle-automation" in checked


def test_exports_are_documented_and_come_from_template_outputs() -> None:
    documented = _conventions_names()
    for res in _resources():
        for export in res.get("export_outputs", []):
            assert export["name"] in documented, export["name"]
            output = re.fullmatch(r"\$\[output_(\w+)\]", export["value"])
            assert output, export["value"]
            path = ROOT / res["resource_file"]
            if path.is_file():
                assert output.group(1) in load_template(path).get("Outputs", {}), export
