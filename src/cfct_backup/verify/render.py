"""The central checks as text (the simulate table, `cfct-backup audit --central`) and as JSON."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from cfct_backup.verify.central import GROUPS, CentralCheck

GROUP_TITLES = {
    "management": "management",
    "log_archive": "log archive",
    "audit": "audit",
    "key_vault": "key vault",
    "bunker": "bunker",
    "members": "members (self-service)",
}


def render_central(
    checks: list[CentralCheck],
    title: str = "central checks (role accounts, read back through their own credentials):",
) -> list[str]:
    """One line per role account (checks passed, gaps), then each gap."""
    if not checks:
        return []
    lines = ["", title]
    groups = [g for g in GROUPS if any(c.group == g for c in checks)]
    groups += sorted({c.group for c in checks} - set(GROUPS))
    width = max(len(GROUP_TITLES.get(g, g)) for g in groups)
    for group in groups:
        mine = [c for c in checks if c.group == group]
        accounts = sorted({c.account for c in mine if c.group != "members"} or {f"{len(mine)} account(s)"})
        passed = sum(c.ok for c in mine)
        gaps = len(mine) - passed
        lines.append(
            f"  {GROUP_TITLES.get(group, group).ljust(width)}  {passed:>2} \u2713  {gaps} gap(s)  "
            f"{', '.join(accounts)}"
        )
    lines.extend(f"  GAP central {c.gap}" for c in checks if not c.ok)
    return lines


def central_json(checks: list[CentralCheck]) -> list[dict[str, Any]]:
    """The `central` entries of the simulate report (docs/simulate.md) and of audit --central."""
    return [{**asdict(c), "gap": None if c.ok else c.gap} for c in checks]
