"""`cfct-backup configure`: write the `/cfct-backup/...` SSM parameters of a real organization."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cfct_backup.organization import OrganizationError, load_organization

HELP = "Check the organization description against the real organization and write its SSM parameters."

PROG = "cfct-backup configure"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--org",
        type=Path,
        required=True,
        help="organization description (YAML, see docs/organization.md)",
    )
    parser.add_argument("--profile", help="AWS profile with management account credentials")
    parser.add_argument(
        "--region",
        help="Region for the Organizations and STS calls (default: the description's home Region); "
        "the parameters are always written in the home Region",
    )
    parser.add_argument("--dry-run", action="store_true", help="show every parameter without writing")


def run(args: argparse.Namespace) -> int:
    try:
        org = load_organization(args.org)
    except OrganizationError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2  # bad input (cfct_backup.commands.output.EXIT_USAGE)

    import boto3  # noqa: PLC0415
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    from cfct_backup import configure  # noqa: PLC0415

    try:
        session = boto3.session.Session(profile_name=args.profile, region_name=args.region or org.home_region)
        organizations = session.client("organizations")
        caller = str(session.client("sts").get_caller_identity()["Account"])
        org_id, management_id = configure.describe_organization(organizations)
        stop = configure.caller_problem(org, caller, org_id, management_id)
        if stop is not None:
            print(stop, file=sys.stderr)
            print(f"{PROG}: refusing: nothing was written", file=sys.stderr)
            return 1
        real = configure.read_organization(organizations)
        problems = configure.check_organization(org, real, caller)
        role = configure.execution_role_problem(session.client("iam"), management_id)
        problems += [role] if role is not None else []
        for line in problems:
            print(line, file=sys.stderr)
        if problems:
            print(
                f"{PROG}: refusing: {len(problems)} problem(s) between {org.source} and organization "
                f"{real.org_id}; nothing was written",
                file=sys.stderr,
            )
            return 1
        for line in configure.placement_warnings(org, real):
            print(line, file=sys.stderr)
        params = configure.wanted_parameters(org, real)
        ssm = session.client("ssm", region_name=org.home_region)
        print(
            f"organization {real.org_id} (root {real.root_id}), management account {caller}; "
            f"parameters in {org.home_region}"
        )
        if args.dry_run:
            print("dry run: nothing below is written")
        changes = configure.sync_parameters(ssm, params, dry_run=args.dry_run)
    except (ClientError, BotoCoreError, OrganizationError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2  # could not run: AWS not reachable or refused the call
    for change in changes:
        print(change.line())
    changed = sum(1 for c in changes if c.status != "unchanged")
    if args.dry_run:
        print(f"dry run: nothing was written ({changed} of {len(changes)} would change)")
    else:
        print(f"configured: {changed} of {len(changes)} parameters changed")
    return 0
