"""Reading a backup policy file: placeholders, JSON with duplicate keys found, line numbers."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from cfct_backup.problems import Problem, Severity

# Placeholders the project's policy files may carry (docs/conventions.md); the generated stack turns
# them into Fn::Sub parameters. Without a value they stay in the document as they are, and the
# checks accept them where their value would go (an account ID, a Region); only the partition has a
# default, since the commercial partition is where a placeholder-free reading makes sense.
KNOWN_PLACEHOLDERS: dict[str, str] = {
    "BunkerAccountId": "account",
    "HomeRegion": "region",
    "DrRegion": "region",
    "AWS::Partition": "partition",
}
DEFAULT_PARTITION = "aws"
PLACEHOLDER_RE = re.compile(r"\$\{([^}]*)\}")


class BackupPolicyError(Exception):
    """A policy that cannot be used; `problems` names the file and the JSON path of each error."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems) or "invalid backup policy")


class Located:
    """Finds the line of a JSON path in the original text (first match, in document order)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def line(self, path: Sequence[str]) -> int | None:
        pos = 0
        found = False
        for part in path:
            needle = json.dumps(part)
            i = self.text.find(needle, pos)
            if i < 0:
                break
            pos = i + len(needle)
            found = True
        if not found:
            return None
        return self.text.count("\n", 0, pos) + 1

    def next_line(self, key: str, after: int | None) -> int | None:
        """The line of the next occurrence of `"key"` after line `after` (a duplicate key)."""
        if after is None:
            return None
        start = 0
        for _ in range(after):
            start = self.text.find("\n", start) + 1
            if start == 0:
                return after
        i = self.text.find(json.dumps(key), start)
        return after if i < 0 else self.text.count("\n", 0, i) + 1


def dotted(path: Sequence[str]) -> str:
    return ".".join(path) if path else "(document)"


def substitute(text: str, variables: Mapping[str, str] | None) -> tuple[str, list[str]]:
    """Replace `${Name}` placeholders that have a value; returns the text and the unknown names.

    Known placeholders without a value stay as they are (`${AWS::Partition}` becomes "aws")."""
    values: dict[str, str] = {"AWS::Partition": DEFAULT_PARTITION}
    if variables:
        values.update(variables)
    unknown: list[str] = []

    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        if name not in KNOWN_PLACEHOLDERS:
            unknown.append(name)
        return match.group(0)

    return PLACEHOLDER_RE.sub(repl, text), unknown


def parse_json(text: str, source: str) -> tuple[Any, list[Problem]]:
    """Parse JSON, reporting every duplicate key (which AWS rejects) with its path."""
    problems: list[Problem] = []
    locate = Located(text)
    duplicates: list[list[str]] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                duplicates.append([key])
            out[key] = value
        return out

    try:
        data = json.loads(text, object_pairs_hook=hook)
    except json.JSONDecodeError as exc:
        problems.append(Problem(source, exc.lineno, "error", "BKP001", f"not valid JSON: {exc.msg}"))
        return None, problems
    except (ValueError, RecursionError) as exc:
        problems.append(Problem(source, None, "error", "BKP001", f"not valid JSON: {exc}"))
        return None, problems
    if duplicates:
        # find the full path of each duplicate by walking the raw pairs once more
        for path in _duplicate_paths(text):
            first = locate.line(path)
            problems.append(
                Problem(
                    source,
                    locate.next_line(path[-1], first),
                    "error",
                    "BKP002",
                    f"{dotted(path)}: duplicate key '{path[-1]}' (AWS rejects duplicate key names)",
                )
            )
    return data, problems


def _duplicate_paths(text: str) -> list[list[str]]:
    """Paths of duplicate keys: parse again keeping pairs, then walk."""
    tree = json.loads(text, object_pairs_hook=lambda pairs: ("__pairs__", pairs))
    out: list[list[str]] = []

    def walk(node: Any, path: list[str]) -> None:
        if isinstance(node, tuple) and node and node[0] == "__pairs__":
            seen: set[str] = set()
            for key, value in node[1]:
                if key in seen:
                    out.append([*path, key])
                seen.add(key)
                walk(value, [*path, key])
        elif isinstance(node, list):
            for item in node:
                walk(item, path)

    walk(tree, [])
    return out


def problem(
    source: str,
    locate: Located | None,
    path: Sequence[str],
    code: str,
    message: str,
    *,
    severity: Severity = "error",
) -> Problem:
    line = locate.line(path) if locate is not None else None
    return Problem(source, line, severity, code, f"{dotted(path)}: {message}")


def as_int(value: Any) -> int | None:
    """A whole number as policies and templates write it (42 or "42"); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def as_bool(value: Any) -> bool | None:
    """A boolean as policies write it (true or "true"); None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None
