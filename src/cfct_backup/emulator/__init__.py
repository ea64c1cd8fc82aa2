"""moto extensions: AWS behaviour moto 5.2.x lacks, with the validation AWS documents.

Call :func:`install` once (before or inside ``mock_aws``); every ``mock_aws`` context then has the
extended AWS Backup, Organizations (backup policies, effective policies), STS (a role must exist to
be assumed), KMS (``CreateGrant`` with a ``Name`` is idempotent) and CloudFormation
(``AWS::Backup::*``, ``AWS::Organizations::Policy``, custom resources routed to in-process handlers,
and the other types the package's templates use) and EventBridge (SNS and Lambda targets delivered
instead of crashing ``PutEvents``) and Step Functions (a Distributed Map fails past its tolerated
failure threshold).

Each piece extends moto's own backend and response classes, the way moto is organised, so it could
be sent upstream. See ``docs`` in each module for the AWS rule it implements.
"""

from __future__ import annotations

import threading
from types import TracebackType

__all__ = ["Installation", "install"]

_lock = threading.Lock()
_installed = False


class Installation:
    """What :func:`install` returns. Used as a context manager (``with install(): ...``) it also
    turns IAM authorization on (:mod:`cfct_backup.emulator.iam`) for the block, and on exit turns it
    off and undoes the patches of moto's backends (backend classes, S3 model methods), so that the
    next ``install()`` starts from moto as it was. Not undone: the CloudFormation resource models
    registered with moto and the EventBridge target delivery (``events.install``), which other
    branches own; both only add behaviour.
    """

    def __init__(self, enforce: bool = True) -> None:
        self.enforce = enforce
        self._before: bool | None = None

    def __enter__(self) -> Installation:
        from .iam import enforcement  # noqa: PLC0415

        self._before = enforcement.enabled()
        enforcement.reset()
        enforcement.set_enabled(self.enforce)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        uninstall()


def install(*, enforce: bool = True) -> Installation:
    """Patch moto once (cheap and idempotent); ``with install():`` also enforces IAM authorization
    for the block and undoes the patches afterwards."""
    global _installed  # noqa: PLW0603 - process-wide, like moto's own backends
    if not _installed:
        with _lock:
            if not _installed:
                # Imported here, not at module level: importing the package must stay free.
                from . import (  # noqa: PLC0415
                    backup,
                    cloudformation,
                    events,
                    fixes,
                    iam,
                    kms,
                    organizations,
                    s3,
                    stepfunctions,
                    sts,
                )

                backup.install()
                organizations.install()
                sts.install()
                kms.install()
                cloudformation.install()
                events.install()
                s3.install()
                iam.install()
                fixes.install()
                stepfunctions.install()
                _installed = True
    return Installation(enforce)


def uninstall() -> None:
    """Authorization off, moto's backend classes and S3 methods as they were before :func:`install`."""
    global _installed  # noqa: PLW0603
    from . import _moto, iam  # noqa: PLC0415

    with _lock:
        iam.enforcement.set_enabled(False)
        iam.uninstall()  # what it recorded stays readable until the next install()
        _moto.restore()
        _installed = False
