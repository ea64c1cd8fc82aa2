"""`cfct-backup audit --central` end to end on the emulated landing zone (IAM enforced).

The runs happen inside the default simulation (conftest.py, AUDITS): the caller's own credentials
in the management account, the role accounts through the cfct-backup-audit roles the role-account
templates create. The emulator authorizes every call with the roles' policies, so a permission the
observe functions need and a template lacks shows up as a gap here.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")

CENTRAL = {"management", "log_archive", "audit", "key_vault", "bunker"}


def _failing(doc):
    return {(c["account"], c["what"]): c["detail"] for c in doc["central"] if not c["ok"]}


def test_audit_central_reads_every_role_account_through_its_audit_role(default_simulation):
    run = default_simulation.audits["as deployed"]
    assert not _failing(run.report), _failing(run.report)
    assert {c["group"] for c in run.report["central"]} == CENTRAL
    # the same checks as the simulation's own read-back (minus the members' self-service check and
    # the event drill, which writes)
    simulated = {
        (c.group, c.account, c.region, c.what)
        for c in default_simulation.report.central
        if c.group in CENTRAL and not c.what.startswith("failed backup job alert path")
    }
    audited = {(c["group"], c["account"], c["region"], c["what"]) for c in run.report["central"]}
    assert audited == simulated
    assert "0 central gap(s)" in run.out
    assert run.report["schemaVersion"] == 1 and "accounts" in run.report
    assert {"accountId", "ok", "detail", "seed", "gap"} <= set(run.report["central"][0])  # camelCase
    # the members, read through their own cfct-backup-audit roles, are as protected as the
    # simulation says: every read the audit makes is admitted (the key's grants included)
    member_gaps = [
        (a["accountId"], g) for a in run.report["accounts"] for g in a["gaps"] if not g["repaired"]
    ]
    assert not member_gaps, member_gaps
    assert run.code == 0


def test_audit_central_names_a_broken_log_bucket(default_simulation):
    run = default_simulation.audits["log bucket without Object Lock"]
    failing = _failing(run.report)
    assert set(failing) == {("Log Archive", "log bucket Object Lock")}, failing
    assert "not enabled" in failing[("Log Archive", "log bucket Object Lock")]
    assert run.code == 1
    assert "GAP central Log Archive us-east-1: log bucket Object Lock: not enabled" in run.out


def test_a_role_that_does_not_trust_the_auditor_is_one_gap_per_role_account(default_simulation):
    """cfct-backup-automation trusts only the management account's Lambda roles: the person's
    credentials are refused, every role account is one 'read back' gap; the management account
    (read with the caller's own credentials) still passes."""
    run = default_simulation.audits["through the automation role"]
    failing = _failing(run.report)
    assert set(failing) == {
        ("Log Archive", "read back"),
        ("Audit", "read back"),
        ("Key Vault", "read back"),
        ("Backup Bunker", "read back"),
    }, failing
    assert all("AccessDenied" in detail for detail in failing.values())
    assert all(c["ok"] for c in run.report["central"] if c["group"] == "management")
    assert run.code == 1
