"""One line of what `publish` did (or, with --dry-run, would do)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Step:
    """One thing publish did (or, with --dry-run, would do)."""

    kind: str  # lambda | product | ssm | config
    where: str
    status: str  # uploaded | written | committed | unchanged | would upload | would write | would commit
    detail: str = ""

    def line(self) -> str:
        return f"{self.kind:<7} {self.status:<13} {self.where}{'  ' + self.detail if self.detail else ''}"
