"""AWS Backup: what moto 5.2.x lacks, with the validation AWS documents, laid out as moto lays out a
service.

- :mod:`.models`: the extended ``BackupBackend`` (vaults, Vault Lock, jobs, plans and selections,
  policy-managed plans, settings, Backup Audit Manager); :mod:`.scheduled`: what the plans run
  when the emulator clock advances;
- :mod:`.state`: what it keeps (recovery points, vaults, jobs, selections, managed plans,
  frameworks, report plans); :mod:`.rules`: the documented names, bounds and defaults, each with
  its page; :mod:`.exceptions`;
- :mod:`.copy_policy`: a destination vault's access policy for ``backup:CopyIntoBackupVault``;
  :mod:`.keys`: the source resource's key on a cross-account copy; :mod:`.reports`: where report
  plans deliver; :mod:`.schedule`: a plan's cron and the resources a selection assigns;
- :mod:`.restore`: restore jobs, restore testing, logically air-gapped vaults (its backend extends
  :mod:`.models`' and is the one installed);
- :mod:`.responses` and :mod:`.restore_responses`: the responses.

API reference: https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Operations_AWS_Backup.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from moto.backup import models as _models

from .. import clock
from .._moto import swap_backend_class
from . import keys
from .restore import RestoreBackupBackend
from .scheduled import run_schedule

__all__ = ["backend", "install"]


def _backends() -> Iterator[RestoreBackupBackend]:
    """Every existing account and Region's emulated backend, in order (none is created by looking)."""
    for account_id in sorted(dict.keys(_models.backup_backends)):
        per_account = dict.__getitem__(_models.backup_backends, account_id)
        for region in sorted(dict.keys(per_account)):
            backend = dict.__getitem__(per_account, region)
            if isinstance(backend, RestoreBackupBackend):
                yield backend


def run_schedules(start: float, end: float) -> None:
    """Every account and Region's scheduled backups for ``(start, end]``, in order."""
    for backend in _backends():
        run_schedule(backend, start, end)


def run_restore_tests(start: float, end: float) -> None:
    """Every account and Region's restore testing for ``(start, end]`` (after the backup schedules)."""
    for backend in _backends():
        backend.run_restore_tests(start, end)


def install() -> None:
    """Swap the extended backend in for every account and Region (present and future); run the
    plans' schedules, then the restore tests, whenever the emulator clock advances; make the
    source key count on copies (:mod:`.keys`)."""
    swap_backend_class(_models.backup_backends, RestoreBackupBackend)
    clock.on_advance(run_schedules)
    clock.on_advance(run_restore_tests)
    keys.install()


def backend(account_id: str, region_name: str) -> RestoreBackupBackend:
    """The emulated AWS Backup of one account and Region (for helpers and assertions)."""
    return cast(RestoreBackupBackend, _models.backup_backends[account_id][region_name])
