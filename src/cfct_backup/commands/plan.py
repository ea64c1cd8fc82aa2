"""`cfct-backup plan`: what each account gets from the package, without deploying anything."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from cfct_backup.commands.output import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, SCHEMA_VERSION, camel_keys

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
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="json: camelCase keys and schemaVersion (docs/commands/plan.md)",
    )
    parser.add_argument(
        "--package", type=Path, default=Path("."), help="the CfCT package directory (default: .)"
    )


def stand_ins(org: Any, ids: Any) -> dict[str, str]:
    """Placeholder ID -> a marker that cannot be mistaken for a real ID, for every account and OU the
    description gives no ID (plan invents stable 12-digit stand-ins so that ARNs parse)."""
    given = {a.name for a in (org.management, *org.accounts, *([org.vend] if org.vend else [])) if a.id}
    marks = {account_id: f"<id of {name}>" for name, account_id in ids.accounts.items() if name not in given}
    marks.update(
        {ou_id: f"<id of OU {path}>" for path, ou_id in ids.ous.items() if ou_id.startswith("ou-plan-")}
    )
    marks[ids.org_id] = "<organization id>"
    marks[ids.root_id] = "<root id>"
    return marks


def mark(text: str, marks: dict[str, str]) -> str:
    if not marks:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(marks, key=len, reverse=True)))
    return pattern.sub(lambda m: marks[m.group(0)], text)


def run(args: argparse.Namespace) -> int:
    from cfct_backup.cfct.manifest import ManifestError, load_manifest  # noqa: PLC0415
    from cfct_backup.organization import OrganizationError, load_organization, placeholder_ids  # noqa: PLC0415
    from cfct_backup.simulation.plan import make_plan, render_plan  # noqa: PLC0415

    package: Path = args.package
    try:
        org = load_organization(args.org or package / "examples" / "organization.yaml")
        manifest = load_manifest(package / "manifest.yaml")
    except OrganizationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ManifestError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_USAGE
    if org.vend is not None:
        org = org.with_account(org.vend)
    ids = placeholder_ids(org)
    plan = make_plan(org, manifest, package, ids, args.account)
    if args.account is not None and not plan.accounts:
        print(f"error: no account {args.account!r} in {org.source}", file=sys.stderr)
        return EXIT_USAGE
    marks = stand_ins(org, ids)
    if args.format == "json":
        document = {
            "schemaVersion": SCHEMA_VERSION,
            "organizationFile": org.source,
            "placeholderIds": sorted(marks.values()),
            **camel_keys(plan.as_dict()),
        }
        print(mark(json.dumps(document, indent=2), marks))
    else:
        print(f"organization: {org.source} ({len(org.accounts) + 1} accounts); package: {package}")
        if len(marks) > 2:
            print("IDs shown as <id of ...> are not in the description: they are placeholders, not real IDs")
        print(mark(render_plan(plan), marks))
    return EXIT_FINDINGS if plan.problems else EXIT_OK
