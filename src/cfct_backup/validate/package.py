"""The package as CfCT will see it: every rule of `cfct_backup.validate.rules` over one context."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cfct_backup import backup_policy_stack
from cfct_backup.problems import Problem
from cfct_backup.validate import registry
from cfct_backup.validate.context import Context


def validate_package(
    root: Path,
    *,
    org: Path | None = None,
    lint: bool = True,
    render_stack: Callable[[Path], str] = backup_policy_stack.render,
) -> list[Problem]:
    """Every problem CfCT's pipeline would hit, and the traps it lets through. Sorted by file/line.

    `render_stack` renders the generated backup-policy stack the package must carry (a parameter so
    that tests can hand in a generator that fails)."""
    context = Context(Path(root), org_path=org, lint=lint, render_stack=render_stack)
    return registry.run(context)
