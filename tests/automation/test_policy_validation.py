"""Reconcile and audit report Organizations' own verdict on effective backup policies as a gap.

Organizations lists accounts whose effective policy is invalid (not fully enforced)
(API_ListAccountsWithInvalidEffectivePolicy) and why (API_ListEffectivePolicyValidationErrors);
the emulator answers both with the policy engine's rules.
"""

from __future__ import annotations

import json
import uuid

from cfct_backup_automation.policy_validation import INVALID_POLICY, PolicyValidation
from cfct_backup_automation.reconcile import reconcile

from .conftest import Org
from .emulated_org import BACKUP_POLICY


def _too_many_rules(org: Org, target: str) -> str:
    """A policy on `target` adding ten rules to the daily plan: eleven in all (AWS: at most 10)."""
    rule = BACKUP_POLICY["plans"]["cfct-backup-daily"]["rules"]["daily"]
    content = {"plans": {"cfct-backup-daily": {"rules": {f"extra-{i}": rule for i in range(10)}}}}
    policy = org.orgs.create_policy(
        Name=f"too-many-{uuid.uuid4().hex[:8]}",
        Description="eleven rules with the inherited one",
        Type="BACKUP_POLICY",
        Content=json.dumps(content),
    )["Policy"]["PolicySummary"]["Id"]
    org.orgs.attach_policy(PolicyId=policy, TargetId=target)
    return str(policy)


def test_an_account_organizations_calls_invalid_gets_one_gap_naming_path_and_policies(org: Org) -> None:
    rt = org.runtime()
    fine = org.vend(org.protected_ou)
    broken = org.vend(org.protected_ou)
    policy = _too_many_rules(org, broken)
    validation = PolicyValidation(org.orgs)
    assert validation.invalid is not None and broken in validation.invalid and fine not in validation.invalid
    (gap,) = validation.gaps(broken)
    assert gap.code == INVALID_POLICY and gap.owner == "backup-policy"
    assert "plans.cfct-backup-daily.rules" in gap.message and policy in gap.message
    assert validation.gaps(fine) == []

    audit = reconcile(rt.cfg, rt.sessions, mode="audit", max_workers=2, write_report=False)
    by_account = {a.account_id: {g.code for g in a.gaps} for a in audit.accounts}
    assert INVALID_POLICY in by_account[broken]
    assert INVALID_POLICY not in by_account[fine]
    org.orgs.detach_policy(PolicyId=policy, TargetId=broken)
    again = reconcile(rt.cfg, rt.sessions, mode="audit", max_workers=2, write_report=False)
    assert INVALID_POLICY not in {g.code for a in again.accounts if a.account_id == broken for g in a.gaps}


def test_a_sweep_from_an_account_organizations_refuses_reports_nothing_instead_of_failing(org: Org) -> None:
    member = org.vend(org.protected_ou)
    _too_many_rules(org, member)
    org.deploy_role(member)
    as_member = org.member_client("organizations", member)
    validation = PolicyValidation(as_member)  # AccessDeniedException: not management, not delegated
    assert validation.invalid is None
    assert validation.gaps(member) == []
