"""`cfct-backup audit`: the reconcile sweep, read-only, against a real organization.

Runs with the caller's credentials in the management account (home Region): reads the
`/cfct-backup/...` SSM configuration, assumes the read-only `cfct-backup-audit` role (member baseline;
trusted by the principals in SSM `/cfct-backup/audit/principal-arns`) in every in-scope account and
reports, per account and Region, what is missing and who must act. Nothing is written in AWS.

`--central` also runs the central checks of the role accounts (cfct_backup.verify: organization
trail and settings with the caller's own credentials in the management account; Log Archive, Audit,
Key Vault and bunker through their `cfct-backup-audit` roles).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cfct_backup.verify.central import CentralCheck
    from cfct_backup.verify.target import Target

from cfct_backup_automation import contract

from cfct_backup.commands.output import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    camel_keys,
    check_writable,
    progress_printer,
    write_atomic,
)

HELP = "Read-only compliance sweep of a real organization (the reconcile code, writes nothing to AWS)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", default=None, help="AWS profile of the management account")
    parser.add_argument("--region", default=None, help="home Region (default: the profile's Region)")
    parser.add_argument(
        "--config-prefix", default=contract.SSM_PREFIX, help="SSM parameter prefix of the configuration"
    )
    parser.add_argument(
        "--role-name", default=None, help=f"role to assume in the accounts (default: {contract.AUDIT_ROLE})"
    )
    parser.add_argument(
        "--inventory-table", default=None, help=f"inventory table (default: {contract.INVENTORY_TABLE})"
    )
    parser.add_argument(
        "--expected-plans", default="", help="comma-separated plan names every account must have"
    )
    parser.add_argument(
        "--baseline-stack-set",
        default=contract.MEMBER_BASELINE_STACK_SET,
        help="stack set of the member baseline ('' to skip the stack instance check)",
    )
    parser.add_argument(
        "--central",
        action="store_true",
        help="also check the role accounts (trail, Log Archive, Audit, Key Vault, bunker) through "
        f"their {contract.AUDIT_ROLE} roles",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="accounts checked in parallel (default 8)")
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the JSON report here (the reconcile report: camelCase keys, schemaVersion)",
    )
    parser.add_argument("--csv", type=Path, default=None, metavar="FILE", help="write the CSV report here")
    parser.add_argument(
        "--html",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the report as one self-contained HTML page",
    )


def _environ(args: argparse.Namespace) -> dict[str, str]:
    from cfct_backup_automation.contract import AUDIT_ROLE as AUDIT_ROLE_NAME  # noqa: PLC0415

    env = {
        "AUTOMATION_ROLE_NAME": AUDIT_ROLE_NAME,
        "CONFIG_PARAMETER_PREFIX": args.config_prefix,
        "EXPECTED_BACKUP_PLANS": args.expected_plans,
        "BASELINE_STACK_SET_NAME": args.baseline_stack_set,
    }
    if args.role_name:
        env["AUTOMATION_ROLE_NAME"] = args.role_name
    if args.inventory_table:
        env["INVENTORY_TABLE"] = args.inventory_table
    return env


def run(args: argparse.Namespace) -> int:
    import boto3  # noqa: PLC0415
    from aws_lambda_powertools.utilities.parameters import SSMProvider  # noqa: PLC0415 - import time
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415
    from cfct_backup_automation.config import ConfigError, load_config, read_parameters  # noqa: PLC0415
    from cfct_backup_automation.reconcile import reconcile  # noqa: PLC0415
    from cfct_backup_automation.sessions import RETRY_CONFIG, SessionFactory  # noqa: PLC0415

    for out in (args.json, args.csv, args.html):
        if out is not None:
            check_writable(out)  # before the sweep, not after it
    from cfct_backup.verify.target import Target, TargetError  # noqa: PLC0415

    target: Target | None = None
    try:
        session = boto3.Session(profile_name=args.profile, region_name=args.region)
        ssm = session.client("ssm", config=RETRY_CONFIG)
        cfg = load_config(ssm, _environ(args))
        caller = session.client("sts", config=RETRY_CONFIG).get_caller_identity()["Account"]
        if args.central:
            target = Target.from_parameters(
                read_parameters(SSMProvider(boto3_client=ssm), args.config_prefix), args.config_prefix
            )
    except (ConfigError, TargetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (BotoCoreError, ClientError) as exc:
        print(f"error: cannot read the configuration: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if caller != cfg.management_account:
        print(
            f"warning: credentials are for {caller}, the configuration names {cfg.management_account} "
            "as the management account",
            file=sys.stderr,
        )
    sessions = SessionFactory(
        session,
        role_name=cfg.role_name,
        partition=cfg.partition,
        home_account=caller,
        session_name=contract.AUDIT_ROLE,
    )
    show = progress_printer()
    show(f"auditing the organization of {cfg.management_account} with {max(1, args.concurrency)} worker(s)")
    try:
        result = reconcile(
            cfg, sessions, mode="audit", max_workers=max(1, args.concurrency), write_report=False
        )
    except (BotoCoreError, ClientError) as exc:
        print(f"error: the sweep could not list the organization: {exc}", file=sys.stderr)
        return EXIT_USAGE
    show(f"swept {len(result.accounts)} account(s)")
    doc = json.loads(result.to_json())
    central = [] if target is None else _central(session, target, args, caller, cfg.partition)
    if target is not None:
        from cfct_backup.verify.render import central_json  # noqa: PLC0415

        doc["central"] = camel_keys(central_json(central))
    if args.json:
        write_atomic(args.json, (result.to_json() if target is None else json.dumps(doc, indent=2)) + "\n")
    if args.csv:
        write_atomic(args.csv, result.to_csv(), what="CSV report")
    if args.html:
        from cfct_backup.report_html import render_audit  # noqa: PLC0415

        write_atomic(args.html, render_audit(doc), what="HTML report")
    summary = result.summary()
    for account in sorted(result.accounts, key=lambda a: a.account_id):
        print(f"{account.account_id} {account.account_name or '-':<24} {account.state}")
        for gap in account.gaps:
            print(f"    {gap.region or 'global':<12} {gap.code:<28} [{gap.owner}] {gap.message}")
    print(
        f"{summary['accountsInScope']} account(s) in scope: {summary['accountsProtected']} protected, "
        f"{summary['accountsWithGaps']} with gaps; {summary['accountsOffboarded']} recorded but out of scope"
    )
    if target is not None:
        from cfct_backup.verify.render import render_central  # noqa: PLC0415

        for line in render_central(
            central, f"central checks (role accounts, through {contract.AUDIT_ROLE}):"
        ):
            print(line)
        print(f"{sum(not c.ok for c in central)} central gap(s)")
    for path in (args.json, args.csv, args.html):
        if path is not None:
            print(f"report written to {path}")
    gaps = any(a.open_gaps for a in result.accounts) or any(not c.ok for c in central)
    return EXIT_FINDINGS if gaps else EXIT_OK


CENTRAL_GROUPS = ("management", "log_archive", "audit", "key_vault", "bunker")
"""What `--central` checks. The members' self-service check is left to the simulation: the member
baseline's audit role reads the vaults, not CloudFormation."""


def _central(
    session: Any, target: Target, args: argparse.Namespace, caller: str, partition: str
) -> list[CentralCheck]:
    """The central checks: the management account with the caller's own credentials, each role
    account through its read-only audit role (one AssumeRole attempt: a refusal is the gap)."""
    from cfct_backup_automation.sessions import SessionFactory  # noqa: PLC0415

    from cfct_backup.verify.central import inspect_central  # noqa: PLC0415

    clients = SessionFactory(
        session,
        role_name=args.role_name or contract.AUDIT_ROLE,
        partition=partition,
        home_account=caller,
        assume_attempts=1,
        session_name=contract.AUDIT_ROLE,
    )
    return inspect_central(clients, target, CENTRAL_GROUPS)
