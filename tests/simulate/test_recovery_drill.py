"""The recovery drill of the default simulation (simulation/recovery.py, report section `restores`):
a bunker copy restored into the recovery account, validated, cleaned up, copied back; the member's
restore testing plan restoring, the validation handler logic reporting, AWS Backup deleting."""

from __future__ import annotations

import json
from typing import Any

from cfct_backup.emulator.backup.restore import RESTORE_SECONDS
from cfct_backup.simulation.recovery import DRILL_ITEMS


def _section(default_run: Any) -> dict[str, Any]:
    _, report = default_run
    return json.loads(json.dumps(report.as_dict(), default=str))["restores"]  # type: ignore[no-any-return]


def test_break_glass_restore_from_the_bunker_into_the_recovery_account(default_run: Any) -> None:
    section = _section(default_run)
    entry = next(e for e in section["entries"] if e["kind"] == "break-glass")
    assert entry["gaps"] == []
    assert entry["copy_to_bunker"]["state"] == "COMPLETED"
    assert entry["copy_to_recovery"]["state"] == "COMPLETED"
    assert entry["status"] == "COMPLETED" and entry["job"]
    # the restored table lives in the recovery account, not in the member it came from
    assert entry["created_resource"].split(":")[4] == entry["recovery_account"] != entry["source_account"]
    assert entry["validation_status"] == "SUCCESSFUL"
    assert f"{DRILL_ITEMS} item(s)" in entry["validation_message"]
    # measured on the emulated clock: the emulated restore takes RESTORE_SECONDS, polled each minute
    assert entry["duration_seconds"] >= RESTORE_SECONDS["DynamoDB"]
    assert entry["cleaned_up"] is True
    assert entry["copy_back"]["state"] == "COMPLETED"


def test_restore_test_in_the_member_is_validated_and_cleaned_up(default_run: Any) -> None:
    section = _section(default_run)
    entry = next(e for e in section["entries"] if e["kind"] == "restore-test")
    assert entry["gaps"] == []
    assert entry["plan"].endswith(":restore-testing-plan:cfct_backup_daily")
    assert entry["status"] == "COMPLETED"
    assert entry["validation_reported"] is True and entry["validation_status"] == "SUCCESSFUL"
    assert entry["deletion_status"] == "SUCCESSFUL" and entry["cleaned_up"] is True
    [row] = section["ledger"]
    assert row["resource_type"] == "DynamoDB" and row["gap"] is None and row["meets_target"] is True


def test_restores_section_lists_what_the_emulator_does_not_check(default_run: Any) -> None:
    section = _section(default_run)
    assert any("iam:PassRole" in text for text in section["emulator_leniencies"])
    _, report = default_run
    assert report.ok
