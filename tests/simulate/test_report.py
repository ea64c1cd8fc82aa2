"""The pieces of the protection verdict that need no emulator."""

import json

from cfct_backup.cfct.interpreter import Finding
from cfct_backup.simulation.report import (
    AccountStatus,
    RegionStatus,
    Report,
    _denies_protected_actions,
    plans_and_copies,
    render_table,
)


def _policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_access_policy_must_deny_both_recovery_point_actions():
    both = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
    }
    wildcard = {"Effect": "Deny", "Principal": "*", "Action": "backup:*RecoveryPoint*"}
    only_delete = {"Effect": "Deny", "Principal": "*", "Action": "backup:DeleteRecoveryPoint"}
    allow = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
    }
    assert _denies_protected_actions(_policy(both))
    assert _denies_protected_actions(_policy(wildcard))
    assert not _denies_protected_actions(_policy(only_delete))
    assert not _denies_protected_actions(_policy(allow))
    assert not _denies_protected_actions("not json")


def test_copy_destinations_expand_account_and_each_plan_region():
    policy = {
        "plans": {
            "daily": {
                "regions": {"@@assign": ["us-east-1", "us-west-2"]},
                "rules": {
                    "r": {
                        "copy_actions": {
                            "arn:aws:backup:us-west-2:111122223333:backup-vault:bunker": {},
                            "arn:aws:backup:$region:$account:backup-vault:local": {},
                        }
                    }
                },
            }
        }
    }
    names, copies = plans_and_copies(policy, "444455556666", "us-east-1")
    assert names == ["daily"]
    assert copies == [
        "arn:aws:backup:us-east-1:444455556666:backup-vault:local",
        "arn:aws:backup:us-west-2:111122223333:backup-vault:bunker",
        "arn:aws:backup:us-west-2:444455556666:backup-vault:local",
    ]


def test_report_is_ok_only_when_every_in_scope_account_is_protected_and_no_error():
    good = AccountStatus(
        "A",
        "111111111111",
        "Apps",
        None,
        True,
        state="PROTECTED",
        regions=[RegionStatus("us-east-1", vault="v", access_policy=True)],
    )
    outside = AccountStatus("B", "222222222222", "Sandbox", None, False, state="NOT_IN_SCOPE")
    report = Report("o-1", "r-1", "us-east-1", ["us-east-1"], [good, outside])
    assert report.ok
    report.findings.append(Finding("warning", "x", "emulator does not model Y"))
    assert report.ok
    report.findings.append(Finding("error", "x", "stack instance failed"))
    assert not report.ok
    report.findings.clear()
    bad = AccountStatus("C", "333333333333", "Apps", None, True, state="GAP", gaps=["vault missing"])
    report.accounts.append(bad)
    assert not report.ok
    table = render_table(report)
    assert "GAP C: vault missing" in table
    assert "1/2 in-scope accounts PROTECTED" in table


def test_copy_limits_need_a_condition():
    from cfct_backup.simulation.report import copy_from_limited, copy_into_limited

    limited_from = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "backup:CopyFromBackupVault",
        "Resource": "*",
        "Condition": {
            "ForAnyValue:ArnNotLike": {"backup:CopyTargets": ["arn:aws:backup:*:1:backup-vault:b"]}
        },
    }
    assert copy_from_limited(_policy(limited_from))
    assert not copy_from_limited(_policy({**limited_from, "Condition": {}}))
    open_into = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "backup:CopyIntoBackupVault"}
    limited_into = {
        **open_into,
        "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-1/r-1/*"]}},
    }
    assert copy_into_limited(_policy(limited_into))
    assert not copy_into_limited(_policy(open_into))
    assert not copy_into_limited(_policy(limited_into, open_into))
    assert not copy_into_limited(_policy())  # nothing may copy in at all
