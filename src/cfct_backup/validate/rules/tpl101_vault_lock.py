"""TPL101: Vault Lock bounds AWS Backup accepts.

`ChangeableForDays` >= 3, 1 <= `MinRetentionDays` <= `MaxRetentionDays` <= 36500. Values given as
`!Ref Parameter` are checked against the parameter's Default when it has one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cfct_backup.backup_policy.parse import as_int
from cfct_backup.quotas import quota
from cfct_backup.validate.registry import Finding, ResourceRule
from cfct_backup.validate.rules._template import Resource, key_line, parameters, resolve_default

MIN_CHANGEABLE_DAYS = quota("vault_lock.min_changeable_days")  # cfct_backup.quotas
MAX_RETENTION_DAYS = quota("vault_lock.max_retention_days")


def lock_errors(lock: Mapping[str, Any], params: Mapping[str, Any]) -> list[str]:
    """What AWS rejects in one LockConfiguration."""
    out = []
    changeable = as_int(resolve_default(lock.get("ChangeableForDays"), params))
    low = as_int(resolve_default(lock.get("MinRetentionDays"), params))
    high = as_int(resolve_default(lock.get("MaxRetentionDays"), params))
    if "MinRetentionDays" not in lock:
        out.append("needs MinRetentionDays")
    if changeable is not None and changeable < MIN_CHANGEABLE_DAYS:
        out.append(f"ChangeableForDays {changeable} is below {MIN_CHANGEABLE_DAYS} (AWS rejects it)")
    if low is not None and not 1 <= low <= MAX_RETENTION_DAYS:
        out.append(f"MinRetentionDays {low} is outside 1-{MAX_RETENTION_DAYS}")
    if high is not None and not 1 <= high <= MAX_RETENTION_DAYS:
        out.append(f"MaxRetentionDays {high} is outside 1-{MAX_RETENTION_DAYS}")
    if low is not None and high is not None and low > high:
        out.append(f"MinRetentionDays {low} is greater than MaxRetentionDays {high}")
    return out


class VaultLockBounds(ResourceRule):
    id = "TPL101"
    severity = "error"
    shortdesc = "Vault Lock ChangeableForDays / MinRetentionDays / MaxRetentionDays out of bounds"
    source_url = (
        "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultLockConfiguration.html"
    )
    tags = ("template", "backup")
    resource_types = ("AWS::Backup::BackupVault",)

    def check_resource(self, r: Resource, data: Mapping[str, Any]) -> Iterator[Finding]:
        lock = r.props.get("LockConfiguration")
        if isinstance(lock, Mapping):
            line = key_line(r.props, "LockConfiguration")
            for message in lock_errors(lock, parameters(data)):
                yield Finding(f"{r.name}: Vault Lock {message}", line=line)
