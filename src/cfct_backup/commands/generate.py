"""`cfct-backup generate`: render templates/backup-policies.yaml from policies/backup/*.json."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "Generate templates/backup-policies.yaml from policies/backup/*.json (--check: fail on drift)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 when the checked-in stack differs from the policies",
    )
    parser.add_argument(
        "directory", nargs="?", type=Path, default=Path("."), metavar="DIR", help="package (default: .)"
    )


def run(args: argparse.Namespace) -> int:
    from cfct_backup.backup_policy_stack import STACK_PATH, BackupPolicyStackError, render  # noqa: PLC0415

    root: Path = args.directory
    try:
        text = render(root)
    except BackupPolicyStackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    target = root / STACK_PATH
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if args.check:
        if current == text:
            print(f"{STACK_PATH}: up to date")
            return 0
        what = "missing" if current is None else "differs from policies/backup/*.json"
        print(f"{STACK_PATH}: error GEN001 {what}; run `cfct-backup generate`", file=sys.stderr)
        return 1
    if current == text:
        print(f"{STACK_PATH}: unchanged")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"{STACK_PATH}: written")
    return 0
