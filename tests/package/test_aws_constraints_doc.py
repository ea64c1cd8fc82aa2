"""docs/aws-constraints.md and cfct_backup.quotas say the same: every quota with its value and source."""

from __future__ import annotations

from pathlib import Path

from cfct_backup.quotas import QUOTAS, quota

DOC = Path(__file__).resolve().parents[2] / "docs" / "aws-constraints.md"


def test_every_quota_is_in_the_constraints_table_with_its_value_and_page() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    # the backup policy engine's rows are shown, from the same table, in docs/backup-policy.md
    # (tests/backup_policy/test_aws_examples.py); the policy-size row is in both
    for q in QUOTAS:
        if q.key.startswith("backup_policy.") and q.key != "backup_policy.max_chars":
            continue
        matching = [r for r in rows if f"`{q.key}`" in r or f"`{q.key.split('.')[0]}.*`" in r]
        assert matching, f"{q.key} is not in docs/aws-constraints.md"
        assert any(f"{q.value:,}" in r for r in matching), (q.key, q.value)
        assert any(q.source.split(" ")[0] in r for r in matching), (q.key, q.source)


def test_the_may_2026_scp_quotas() -> None:
    # https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html (2026-05-15)
    assert quota("scp.max_chars") == 10240 and quota("scp.max_per_target") == 10
    assert quota("rcp.max_chars") == 5120 and quota("rcp.max_per_target") == 5
