"""AWS006: a vault notification event AWS no longer delivers (error) or does not list (warning)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cfct_backup.validate.registry import Finding, ResourceRule
from cfct_backup.validate.rules._template import Resource

# PutBackupVaultNotifications: "The following events are supported" (the rest of its valid values
# are deprecated and "will not return statuses or notifications").
SUPPORTED_VAULT_EVENTS = frozenset(
    {
        "BACKUP_JOB_STARTED",
        "BACKUP_JOB_COMPLETED",
        "COPY_JOB_STARTED",
        "COPY_JOB_SUCCESSFUL",
        "COPY_JOB_FAILED",
        "RESTORE_JOB_STARTED",
        "RESTORE_JOB_COMPLETED",
        "RECOVERY_POINT_MODIFIED",
        "S3_BACKUP_OBJECT_FAILED",
        "S3_RESTORE_OBJECT_FAILED",
    }
)
DEPRECATED_VAULT_EVENTS = frozenset(
    {
        "BACKUP_JOB_SUCCESSFUL",
        "BACKUP_JOB_FAILED",
        "BACKUP_JOB_EXPIRED",
        "RESTORE_JOB_SUCCESSFUL",
        "RESTORE_JOB_FAILED",
        "BACKUP_PLAN_CREATED",
        "BACKUP_PLAN_MODIFIED",
    }
)


class VaultNotificationEvents(ResourceRule):
    id = "AWS006"
    severity = "error/warning"
    shortdesc = "vault notification event deprecated (error) or not listed as supported (warning)"
    source_url = "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultNotifications.html"
    tags = ("template", "backup")
    resource_types = ("AWS::Backup::BackupVault",)

    def check_resource(self, r: Resource, data: Mapping[str, Any]) -> Iterator[Finding]:
        notes = r.props.get("Notifications")
        events = notes.get("BackupVaultEvents") if isinstance(notes, Mapping) else None
        for event in events if isinstance(events, list) else []:
            if not isinstance(event, str):
                continue
            if event in DEPRECATED_VAULT_EVENTS:
                yield Finding(
                    f"{r.name}: BackupVaultEvents {event} is deprecated; AWS sends nothing for it", "error"
                )
            elif event not in SUPPORTED_VAULT_EVENTS:
                message = (
                    f"{r.name}: BackupVaultEvents {event} is not among the events AWS lists as supported"
                )
                yield Finding(message, "warning")
