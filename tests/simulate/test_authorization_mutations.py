"""Least privilege proven by running: the default simulation on a package with one thing broken.

With IAM authorization enforced by the emulator, the default simulation passes (test_simulate's
shared run: ``report.authorization.ok``). Each mutation here must turn it red with a named failure:
the role and the action that AWS would refuse, or the probe that AWS would let through.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from cfct_backup.organization import load_organization
from cfct_backup.simulation.run import Simulation

ROOT = Path(__file__).resolve().parents[2]
ORG = ROOT / "examples" / "organization.yaml"


def _package(tmp: Path, edits: dict[str, tuple[str, str]]) -> Path:
    """A copy of the package with each file's `old` text (exactly once) replaced by `new`."""
    package = tmp / "package"
    package.mkdir()
    shutil.copy(ROOT / "manifest.yaml", package / "manifest.yaml")
    for folder in ("templates", "policies", "parameters"):
        shutil.copytree(ROOT / folder, package / folder)
    for relative, (old, new) in edits.items():
        path = package / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{relative}: {old!r} not found exactly once"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return package


def _simulate(package: Path) -> Any:
    return Simulation(load_organization(ORG), package).run([])


def test_the_default_simulation_passes_with_authorization_enforced(default_run: tuple[Any, Any]) -> None:
    _, report = default_run
    assert report.authorization is not None
    assert report.authorization.denials == []
    assert [p.name for p in report.authorization.probes if p.ok] == [
        "member admin opts out of AWS Backup for DynamoDB",
        "member admin deletes the vault access policy",
        "member admin deletes the backup vault",
    ]
    assert report.as_dict()["authorization"]["leniencies"], "every report lists the leniencies left"


@pytest.fixture(scope="module")
def dropped_permission_and_scp(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Two independent mutations in one run (each asserted by name below): the reconcile role loses
    cloudformation:ListStackInstances (it checks the baseline stack instances with it), and the SCP
    protecting member backups no longer covers the Region settings."""
    package = _package(
        tmp_path_factory.mktemp("dropped"),
        {
            "templates/lifecycle-automation.yaml": (  # the reconcile role's statement (after its own)
                'EffectivePolicyValidationErrors\n                Resource: "*"\n'
                "              - Sid: BaselineStackInstances\n                Effect: Allow\n"
                "                Action: cloudformation:ListStackInstances",
                'EffectivePolicyValidationErrors\n                Resource: "*"\n'
                "              - Sid: BaselineStackInstances\n                Effect: Allow\n"
                "                Action: cloudformation:ListStackSets",
            ),
            "policies/scp/protect-member-backup.json": (
                '"backup:UpdateRegionSettings",\n        "backup:UpdateGlobalSettings"',
                '"backup:UpdateGlobalSettings"',
            ),
        },
    )
    return _simulate(package)


def test_a_dropped_permission_fails_the_simulation_naming_the_role_and_the_action(
    dropped_permission_and_scp: Any,
) -> None:
    report = dropped_permission_and_scp
    assert not report.ok
    denied = [d for d in report.authorization.denials if "cloudformation:ListStackInstances" in d]
    assert denied and ":role/cfct-backup-reconcile may not cloudformation:ListStackInstances" in denied[0]
    assert any(f.resource == "reconcile" and "ListStackInstances" in f.message for f in report.findings)


def test_a_member_admin_allowed_a_forbidden_action_fails_the_simulation_naming_the_probe(
    dropped_permission_and_scp: Any,
) -> None:
    report = dropped_permission_and_scp
    failed = [(p.name, p.action) for p in report.authorization.probes if not p.ok]
    assert failed == [("member admin opts out of AWS Backup for DynamoDB", "backup:UpdateRegionSettings")]
    # the vault keeps its second line of defence: its access policy still refuses the member admin
    assert all(p.ok for p in report.authorization.probes if p.action != "backup:UpdateRegionSettings")


@pytest.fixture(scope="module")
def wrong_trust(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The member automation role trusts a misspelt enrolment role (aws:PrincipalArn condition)."""
    package = _package(
        tmp_path_factory.mktemp("trust"),
        {
            "templates/member-baseline.yaml": (
                ':role/cfct-backup-enrolment"',
                ':role/cfct-backup-enrolement"',
            )
        },
    )
    return _simulate(package)


def test_a_wrong_trust_condition_fails_the_simulation_naming_the_caller_and_sts_assume_role(
    wrong_trust: Any,
) -> None:
    report = wrong_trust
    assert not report.ok
    denied = [d for d in report.authorization.denials if "sts:AssumeRole" in d]
    assert denied
    assert all(":role/cfct-backup-enrolment may not sts:AssumeRole on " in d for d in denied)
    assert all(":role/cfct-backup-automation" in d for d in denied)
    assert any(f.resource == "enrolment" for f in report.findings)
