"""`cfct-backup audit`: the reconcile sweep, read-only, against a real organization.

Runs with the caller's credentials in the management account (home Region): reads the
`/cfct-backup/...` SSM configuration, assumes the read-only `cfct-backup-audit` role (member baseline;
trusted by the principals in SSM `/cfct-backup/audit/principal-arns`) in every in-scope account and
reports, per account and Region, what is missing and who must act. Nothing is written in AWS.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cfct_backup_automation import contract

from cfct_backup.commands.output import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
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
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415
    from cfct_backup_automation.config import ConfigError, load_config  # noqa: PLC0415
    from cfct_backup_automation.reconcile import reconcile  # noqa: PLC0415
    from cfct_backup_automation.sessions import RETRY_CONFIG, SessionFactory  # noqa: PLC0415

    for out in (args.json, args.csv, args.html):
        if out is not None:
            check_writable(out)  # before the sweep, not after it
    try:
        session = boto3.Session(profile_name=args.profile, region_name=args.region)
        cfg = load_config(session.client("ssm", config=RETRY_CONFIG), _environ(args))
        caller = session.client("sts", config=RETRY_CONFIG).get_caller_identity()["Account"]
    except ConfigError as exc:
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
    if args.json:
        write_atomic(args.json, result.to_json() + "\n")
    if args.csv:
        write_atomic(args.csv, result.to_csv(), what="CSV report")
    if args.html:
        from cfct_backup.report_html import render_audit  # noqa: PLC0415

        write_atomic(args.html, render_audit(json.loads(result.to_json())), what="HTML report")
    summary = result.summary()
    for account in sorted(result.accounts, key=lambda a: a.account_id):
        print(f"{account.account_id} {account.account_name or '-':<24} {account.state}")
        for gap in account.gaps:
            print(f"    {gap.region or 'global':<12} {gap.code:<28} [{gap.owner}] {gap.message}")
    print(
        f"{summary['accountsInScope']} account(s) in scope: {summary['accountsProtected']} protected, "
        f"{summary['accountsWithGaps']} with gaps; {summary['accountsOffboarded']} recorded but out of scope"
    )
    for path in (args.json, args.csv, args.html):
        if path is not None:
            print(f"report written to {path}")
    return EXIT_OK if not any(a.open_gaps for a in result.accounts) else EXIT_FINDINGS
