"""A problem found in the package: the one currency of every check the CLI runs.

Printed as `PATH[:LINE]: error|warning CODE message`, one line each, so editors and CI
annotations can jump to it; `as_dict` is the `--format json` form.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.severity} {self.code} {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'email'?)` when one of `choices` is close to a mistyped `word`, else ``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
