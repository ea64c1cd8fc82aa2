"""moto extensions: AWS behaviour moto 5.2.x lacks, with the validation AWS documents.

Call :func:`install` once (before or inside ``mock_aws``); every ``mock_aws`` context then has the
extended AWS Backup, Organizations (backup policies, effective policies), STS (a role must exist to
be assumed), KMS (``CreateGrant`` with a ``Name`` is idempotent) and CloudFormation
(``AWS::Backup::*``, ``AWS::Organizations::Policy``, custom resources routed to in-process handlers,
and the other types the package's templates use) and EventBridge (SNS and Lambda targets delivered
instead of crashing ``PutEvents``).

Each piece extends moto's own backend and response classes, the way moto is organised, so it could
be sent upstream. See ``docs`` in each module for the AWS rule it implements.
"""

from __future__ import annotations

import threading

__all__ = ["install"]

_lock = threading.Lock()
_installed = False


def install() -> None:
    """Patch moto once; cheap and idempotent."""
    global _installed  # noqa: PLW0603 - process-wide, like moto's own backends
    if _installed:
        return
    with _lock:
        if _installed:
            return
        # Imported here, not at module level: importing the package must stay free.
        from . import backup, backup_keys, cloudformation, events, kms, organizations, s3, sts  # noqa: PLC0415

        backup.install()
        from . import backup_restore, cloudformation_restore  # noqa: PLC0415 - restores (after backup)

        backup_restore.install()
        cloudformation_restore.install()
        organizations.install()
        sts.install()
        kms.install()
        cloudformation.install()
        events.install()
        s3.install()
        backup_keys.install()
        _installed = True
