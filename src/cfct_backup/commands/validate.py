"""`cfct-backup validate [DIR]`: everything CfCT's build stage checks, and what it misses."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HELP = "Validate the CfCT package: manifest, files, templates (cfn-lint), SCPs, backup policies."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", nargs="?", default=".", type=Path, metavar="DIR", help="package root")
    parser.add_argument(
        "--org",
        type=Path,
        metavar="FILE",
        help="organization description: account names and OU paths in the manifest are checked against it",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--no-lint", action="store_true", help="skip cfn-lint (the project's own rules still run)"
    )


def run(args: argparse.Namespace) -> int:
    from cfct_backup.problems import has_errors  # noqa: PLC0415 - keep --help instant
    from cfct_backup.validate import validate_package  # noqa: PLC0415 - imports cfn-lint lazily

    root: Path = args.directory
    if not root.is_dir():
        print(f"{root}: not a directory", file=sys.stderr)
        return 2
    problems = validate_package(root, org=args.org, lint=not args.no_lint)
    if args.format == "json":
        json.dump([p.as_dict() for p in problems], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for p in problems:
            print(p)
        errors = sum(1 for p in problems if p.severity == "error")
        warnings = len(problems) - errors
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if has_errors(problems) else 0
