"""The `cfct-backup` command line.

Each subcommand lives in its own module under `cfct_backup.commands`. A command module defines
`HELP` (one line), `add_arguments(parser)` and `run(args) -> int`, and keeps heavy imports (moto,
cfn-lint, boto3) inside `run` so that `--help` and the light commands start instantly.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from cfct_backup import __version__

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


def _load(module_name: str) -> ModuleType:
    return importlib.import_module(f"cfct_backup.commands.{module_name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cfct-backup",
        description="Validate, plan, simulate and deliver the cfct-backup CfCT package.",
    )
    parser.add_argument("--version", action="version", version=f"cfct-backup {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = _load(module_name)
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    module = getattr(args, "_module", None)
    if module is None:
        parser.print_help()
        return 2
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
