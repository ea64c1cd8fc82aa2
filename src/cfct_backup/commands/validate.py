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
    parser.add_argument(
        "--list-rules",
        action="store_true",
        help="list the rules (id, severity, description, source) and exit; DIR is not read",
    )


def list_rules(output_format: str) -> int:
    """Every rule of the registry, one line each (tab-separated) or a JSON list."""
    from cfct_backup.validate.registry import discover  # noqa: PLC0415 - keep --help instant

    rules = discover()
    if output_format == "json":
        rows = [
            {
                "id": r.id,
                "codes": list(r.codes),
                "severity": r.severity,
                "description": r.shortdesc,
                "source_url": r.source_url,
                "tags": list(r.tags),
            }
            for r in rules
        ]
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    for r in rules:
        also = f" (also {', '.join(r.codes)})" if r.codes else ""
        print(f"{r.id}\t{r.severity}\t{r.shortdesc}{also}\t{r.source_url}")
    return 0


def run(args: argparse.Namespace) -> int:
    from cfct_backup.problems import has_errors  # noqa: PLC0415 - keep --help instant
    from cfct_backup.validate import validate_package  # noqa: PLC0415 - imports cfn-lint lazily

    if args.list_rules:
        return list_rules(args.format)
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
