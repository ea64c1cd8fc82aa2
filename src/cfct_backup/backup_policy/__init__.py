"""The Organizations backup policy engine: parse, check, merge, and turn into backup plans.

Plain Python, no AWS calls. Written from the Organizations user guide ("Backup policy syntax and
examples", "Policy syntax and inheritance for management policy types", "Inheritance operators")
and the AWS Backup API (CreateBackupPlan). Problem codes start with `BKP`.
"""

from cfct_backup.backup_policy.check import (
    MAX_POLICY_CHARS,
    check_document,
    check_effective,
    check_policy,
    load_policy,
)
from cfct_backup.backup_policy.merge import effective_policy, expand_variables, merge_policies
from cfct_backup.backup_policy.parse import KNOWN_PLACEHOLDERS, BackupPolicyError, substitute
from cfct_backup.backup_policy.plans import backup_plans

__all__ = [
    "KNOWN_PLACEHOLDERS",
    "MAX_POLICY_CHARS",
    "BackupPolicyError",
    "backup_plans",
    "check_document",
    "check_effective",
    "check_policy",
    "effective_policy",
    "expand_variables",
    "load_policy",
    "merge_policies",
    "substitute",
]
