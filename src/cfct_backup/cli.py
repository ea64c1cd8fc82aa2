"""The `cfct-backup` command line.

Each subcommand lives in its own module under `cfct_backup.commands`. A command module defines
`HELP` (one line), `add_arguments(parser)` and `run(args) -> int`, and keeps heavy imports (moto,
cfn-lint, boto3) inside `run` so that `--help` and the light commands start instantly.

`main` is the one place that turns failures into one line and an exit code (see
`cfct_backup.commands.output`): bad input and unwritable output paths (2), Ctrl-C (130), and any
unexpected exception (2, with the traceback only when CFCT_BACKUP_DEBUG is set). It also makes the
console never fail on a character it cannot encode (a `✓` on a cp1252 console prints as `\\u2713`).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import os
import sys
import traceback
from collections.abc import Sequence
from types import ModuleType

from cfct_backup_automation import contract

from cfct_backup import __version__
from cfct_backup.commands.output import (
    EXIT_CODES_HELP,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    UsageError,
)

# subcommand name -> module under cfct_backup.commands
COMMANDS: dict[str, str] = {
    "configure": "configure",
    "validate": "validate",
    "backup-policy": "backup_policy",
    "plan": "plan",
    "simulate": "simulate",
    "audit": "audit",
    "package": "package",
    "publish": "publish",
    "generate": "generate",
}

# One example per command, shown by `cfct-backup COMMAND --help` (docs/commands/<command>.md has more).
EXAMPLES: dict[str, str] = {
    "configure": "cfct-backup configure --org examples/organization.yaml --profile mgmt --dry-run",
    "validate": "cfct-backup validate . --org examples/organization.yaml --format json",
    "backup-policy": "cfct-backup backup-policy effective policies/backup/daily.json "
    "--account 111122223333 --region us-east-1 --plans --var BunkerAccountId=444455556666 "
    "--var HomeRegion=us-east-1 --var DrRegion=us-west-2",
    "plan": "cfct-backup plan --org examples/organization.yaml --account 'Orders Prod' --format json",
    "simulate": "cfct-backup simulate --event examples/events/move-account-into-prod.json "
    "--report out/simulate.json --html out/simulate.html",
    "audit": "cfct-backup audit --profile mgmt --json out/audit.json --html out/audit.html",
    "package": "cfct-backup package . --out out",
    "publish": "cfct-backup publish . --profile mgmt --dry-run",
    "generate": "cfct-backup generate --check",
}

JSON_HELP = (
    "JSON output: `plan --format json`, `validate --format json`, `backup-policy --format json`,\n"
    "`simulate --report FILE` and `audit --json FILE` write camelCase keys and a top-level\n"
    '"schemaVersion" (problem lists: a JSON list of {path, line, severity, code, message}).\n'
    "Schemas: docs/commands/<command>.md."
)


def _load(module_name: str) -> ModuleType:
    return importlib.import_module(f"cfct_backup.commands.{module_name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=contract.CLI_NAME,
        description="Validate, plan, simulate and deliver the cfct-backup CfCT package.",
        epilog=f"{EXIT_CODES_HELP}\n\n{JSON_HELP}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cfct-backup {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = _load(module_name)
        p = sub.add_parser(
            name,
            help=module.HELP,
            description=module.HELP,
            epilog=f"example:\n  {EXAMPLES[name]}\n\n{EXIT_CODES_HELP}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def _safe_console() -> None:
    """Never fail on a character the console's encoding lacks: escape it instead."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, OSError):  # a closed or detached stream
                stream.reconfigure(errors="backslashreplace")


def _fail(prog: str, message: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # stderr itself is gone: the exit code is left
        print(f"{prog}: {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    _safe_console()
    parser = build_parser()
    args = parser.parse_args(argv)
    module = getattr(args, "_module", None)
    if module is None:
        parser.print_help()
        return EXIT_USAGE
    prog = f"cfct-backup {args.command}"
    try:
        return int(module.run(args))
    except UsageError as exc:
        _fail(prog, f"error: {exc}")
        return EXIT_USAGE
    except SystemExit as exc:
        if isinstance(exc.code, str):  # `raise SystemExit("message")`: a usage error, said once
            _fail(prog, f"error: {exc.code}")
            return EXIT_USAGE
        raise
    except KeyboardInterrupt:
        _fail(prog, "interrupted (Ctrl-C); reports already written are complete, nothing else was written")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (`| head`): not an error of ours; silence the flush at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_USAGE
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(prog, f"error: {where}{exc.strerror or exc}")
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - the one top-level handler: one line, never a traceback
        if os.environ.get("CFCT_BACKUP_DEBUG"):
            traceback.print_exc()
        _fail(
            prog,
            f"internal error: {type(exc).__name__}: {exc} (set CFCT_BACKUP_DEBUG=1 for the traceback)",
        )
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
