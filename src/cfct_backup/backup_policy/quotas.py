"""The backup policy engine's quotas and numeric rules: the ``backup_policy.*`` rows of the one quota
table (``cfct_backup.quotas``, each with the AWS page it comes from); the checks (``check.py``) read
their numbers through ``limit``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cfct_backup.quotas import QUOTAS as ALL_QUOTAS

PREFIX = "backup_policy."


@dataclass(frozen=True)
class Quota:
    name: str
    value: int
    source: str
    says: str  # what the page says, in its words where short


QUOTAS: dict[str, Quota] = {
    q.key.removeprefix(PREFIX): Quota(q.key.removeprefix(PREFIX), q.value, q.source, q.what)
    for q in ALL_QUOTAS
    if q.key.startswith(PREFIX)
}


def limit(name: str) -> int:
    return QUOTAS[name].value


def table() -> str:
    """The table as Markdown (docs and reports)."""
    rows = ["| quota | value | source | what it says |", "|---|---|---|---|"]
    rows += [f"| {q.name} | {q.value:,} | {q.source} | {q.says} |" for q in QUOTAS.values()]
    return "\n".join(rows)
