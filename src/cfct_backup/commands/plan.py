"""`cfct-backup plan`: what each account gets from the package, without deploying anything."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = (
    "Show what each account gets (SCPs, backup plans, stack instances, copy destinations) without deploying."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--org",
        type=Path,
        default=None,
        help="organization description (default: examples/organization.yaml)",
    )
    parser.add_argument("--account", default=None, metavar="ID|NAME", help="only this account")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--package", type=Path, default=Path("."), help="the CfCT package directory (default: .)"
    )


def run(args: argparse.Namespace) -> int:
    from cfct_backup.cfct.manifest import ManifestError, load_manifest  # noqa: PLC0415
    from cfct_backup.organization import OrganizationError, load_organization, placeholder_ids  # noqa: PLC0415
    from cfct_backup.simulation.plan import make_plan, plan_json, render_plan  # noqa: PLC0415

    package: Path = args.package
    try:
        org = load_organization(args.org or package / "examples" / "organization.yaml")
        manifest = load_manifest(package / "manifest.yaml")
    except OrganizationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ManifestError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    if org.vend is not None:
        org = org.with_account(org.vend)
    plan = make_plan(org, manifest, package, placeholder_ids(org), args.account)
    if args.account is not None and not plan.accounts:
        print(f"error: no account {args.account!r} in {org.source}", file=sys.stderr)
        return 2
    print(plan_json(plan) if args.format == "json" else render_plan(plan))
    return 1 if plan.problems else 0
