"""`cfct-backup backup-policy check|effective`: the Organizations backup policy engine on files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# the engine is plain Python (json, re): cheap enough to import with the CLI
from cfct_backup.backup_policy import (
    KNOWN_PLACEHOLDERS,
    backup_plans,
    check_document,
    check_effective,
    expand_variables,
    merge_policies,
)
from cfct_backup.backup_policy.parse import PLACEHOLDER_RE
from cfct_backup.problems import Problem, has_errors

HELP = "Check backup policies, or print the effective policy of files given from the root down."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="check each policy file (grammar, quotas, AWS rules)")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument(
        "--partial",
        action="store_true",
        help="the files are child policies that rely on their parents (skip required-element checks)",
    )
    _common(check)
    eff = sub.add_parser("effective", help="merge files (root first, account last) into the effective policy")
    eff.add_argument("files", nargs="+", type=Path, metavar="FILE")
    eff.add_argument("--account", metavar="ID", help="expand $account (and print the account's backup plans)")
    eff.add_argument(
        "--region", metavar="REGION", help="expand $region (with --account: plans in that Region)"
    )
    eff.add_argument("--plans", action="store_true", help="print the AWS Backup plans instead of the policy")
    _common(eff)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="value of a ${NAME} placeholder (BunkerAccountId, HomeRegion, DrRegion, AWS::Partition)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="problem output format")


def _variables(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"--var {pair!r}: expected NAME=VALUE")
        out[name] = value
    return out


def run(args: argparse.Namespace) -> int:
    variables = _variables(args.var)
    if args.action == "effective" and args.plans and not (args.account and args.region):
        print("--plans needs --account and --region", file=sys.stderr)
        return 2
    problems: list[Problem] = []
    docs = []
    for path in args.files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), None, "error", "BKP000", f"cannot read: {exc}"))
            continue
        if args.action == "effective":
            for name in sorted(set(PLACEHOLDER_RE.findall(text)) - set(variables) - {"AWS::Partition"}):
                if name in KNOWN_PLACEHOLDERS:
                    problems.append(
                        Problem(
                            str(path),
                            None,
                            "warning",
                            "BKP024",
                            f"${{{name}}} not given (--var {name}=...): left as it is",
                        )
                    )
        standalone = args.action == "check" and not args.partial
        doc, found = check_document(text, str(path), variables, standalone=standalone)
        problems.extend(found)
        if doc is not None:
            docs.append((doc, str(path)))
    if args.action == "effective" and not has_errors(problems) and docs:
        effective, merge_problems = merge_policies([d for d, _ in docs], sources=[s for _, s in docs])
        problems.extend(merge_problems)
        problems.extend(check_effective(effective, "(effective policy)"))
        result: object = effective
        if args.account and args.region and args.plans:
            result = backup_plans(effective, args.account, args.region)
        elif args.account or args.region:
            result = expand_variables(effective, args.account or "$account", args.region or "$region")
        if not has_errors(problems):
            json.dump(result, sys.stdout, indent=2)
            sys.stdout.write("\n")
    _report(problems, args.format)
    return 1 if has_errors(problems) else 0


def _report(problems: list[Problem], fmt: str) -> None:
    if fmt == "json":
        json.dump([p.as_dict() for p in problems], sys.stderr, indent=2)
        sys.stderr.write("\n")
        return
    for p in problems:
        print(p, file=sys.stderr)
