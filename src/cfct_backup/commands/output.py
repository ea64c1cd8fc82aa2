"""What every command shares for its output: exit codes, report files, JSON keys, progress.

Reports are written atomically (a temporary file in the target directory, then a rename), so a
reader never sees half a report; when the target cannot be written the text is kept in the system's
temporary directory and the error names both paths. Output paths are checked before a long run
starts (`check_writable`), so a typo in a directory costs nothing.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

# One meaning per exit code, for every command (listed in `cfct-backup --help`).
EXIT_OK = 0  # clean: nothing found
EXIT_FINDINGS = 1  # the command ran and found problems, gaps or drift
EXIT_USAGE = 2  # bad input or usage: unreadable/invalid file, bad option, AWS not reachable
EXIT_INTERRUPTED = 130  # Ctrl-C

EXIT_CODES_HELP = (
    "exit codes (every command):\n"
    f"  {EXIT_OK}    clean: nothing found\n"
    f"  {EXIT_FINDINGS}    findings: problems, gaps or drift were found (listed)\n"
    f"  {EXIT_USAGE}    bad input or usage: a file that cannot be read or parsed, a bad option,\n"
    "       an output path that cannot be written, AWS not reachable\n"
    f"  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)"
)

# `schemaVersion` of the JSON documents the CLI builds (plan, simulate): bumped when a field is renamed
# or removed; fields are only added within a version. 2: camelCase keys (1 was snake_case). The audit
# report is the reconcile Lambda's document and carries its own version (reconcile.SCHEMA_VERSION).
SCHEMA_VERSION = 2


class UsageError(Exception):
    """Bad input or usage: printed as one line by the CLI, exit code 2."""


def check_writable(path: Path, what: str = "report") -> None:
    """Refuse, before any work, an output path whose directory is missing or not writable."""
    parent = path.parent if str(path.parent) else Path()
    if path.is_dir():
        raise UsageError(f"{path}: cannot write the {what}: it is a directory")
    if not parent.is_dir():
        raise UsageError(f"{path}: cannot write the {what}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{path}: cannot write the {what}: directory {parent} is not writable")


def write_atomic(path: Path, text: str, what: str = "report") -> Path:
    """Write `text` to `path` through a temporary file and a rename; on failure keep the text in the
    temporary directory and raise `UsageError` naming both paths."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path())
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the {what}: {_cause(exc)}{_keep(path, text)}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        Path(tmp).chmod(0o644)
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"{path}: cannot write the {what}: {_cause(exc)}{_keep(path, text)}") from exc
    return path


def _cause(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _keep(path: Path, text: str) -> str:
    """Save the text where it can be written; the clause that says where (or that it was lost)."""
    try:
        fd, kept = tempfile.mkstemp(prefix="cfct-backup-", suffix=f"-{path.name}")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError:
        return " (and it could not be saved elsewhere)"
    return f"; the {path.suffix.lstrip('.') or 'report'} was saved to {kept}"


_CAMEL = re.compile(r"_([a-z0-9])")


def camel(name: str) -> str:
    """`home_region` -> `homeRegion` (keys that are already camelCase stay as they are)."""
    return _CAMEL.sub(lambda m: m.group(1).upper(), name)


def camel_keys(value: Any) -> Any:
    """The same data with every mapping key in camelCase: the one naming convention of JSON output."""
    if isinstance(value, dict):
        return {camel(str(k)): camel_keys(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [camel_keys(v) for v in value]
    return value


def progress_printer(stream: TextIO | None = None) -> Callable[[str], None]:
    """Progress lines for long runs: to stderr when it is a terminal, nothing otherwise (CI logs and
    pipes stay clean)."""
    out = stream if stream is not None else sys.stderr
    if not out.isatty():
        return lambda line: None

    def show(line: str) -> None:
        print(line, file=out, flush=True)

    return show
