"""The simulation's copy drill covers a resource type that keeps its own key (EBS).

https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html: EBS backups keep the volume's
key, so the copy into the bunker depends on that key's policy, not on the member vault's grant.
"""

from __future__ import annotations

from typing import Any


def test_key_drill_shows_the_gap_and_the_fix(default_simulation: Any) -> None:
    report = default_simulation.report
    drilled = [a for a in report.in_scope if any("key drill" in j for j in a.copy_jobs)]
    assert len(drilled) == 1
    lines = [j for j in drilled[0].copy_jobs if "key drill" in j]
    unshared = [j for j in lines if "key does not admit the bunker" in j]
    shared = [j for j in lines if "key admits the bunker" in j]
    assert len(unshared) == 1 and unshared[0].endswith(": FAILED") and "copy-key-not-shared" in unshared[0]
    assert len(shared) == 1 and shared[0].endswith(": COMPLETED") and "no readiness gap" in shared[0]
    # the drill behaved as AWS would: it adds no gap to the account
    assert not [g for g in drilled[0].gaps if "key drill" in g]
