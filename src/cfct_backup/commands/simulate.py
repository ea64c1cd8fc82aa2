"""`cfct-backup simulate`: the landing zone in a box (see docs/simulate.md, docs/commands/simulate.md)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from cfct_backup.commands.output import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    SCHEMA_VERSION,
    camel_keys,
    check_writable,
    progress_printer,
    write_atomic,
)

HELP = "Build an emulated organization, deploy the package as CfCT does, enrol an account, report protection."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--org",
        type=Path,
        default=None,
        help="organization description (default: examples/organization.yaml)",
    )
    parser.add_argument(
        "--event",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="lifecycle event JSON to deliver (repeatable); without it a new account is vended",
    )
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the report as JSON (camelCase keys, schemaVersion; docs/simulate.md)",
    )
    parser.add_argument(
        "--html",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the report as one self-contained HTML page",
    )
    parser.add_argument(
        "--package", type=Path, default=Path("."), help="the CfCT package directory (default: .)"
    )


def report_document(report_dict: dict[str, Any]) -> dict[str, Any]:
    """The JSON document `--report` writes: the report with camelCase keys and `schemaVersion`."""
    data = camel_keys(report_dict)
    data.pop("schemaVersion", None)
    return {"schemaVersion": SCHEMA_VERSION, **data}


def run(args: argparse.Namespace) -> int:
    from cfct_backup.organization import OrganizationError, load_organization  # noqa: PLC0415
    from cfct_backup.simulation.report import render_table  # noqa: PLC0415
    from cfct_backup.simulation.run import Simulation, load_events  # noqa: PLC0415

    package: Path = args.package
    org_path: Path = args.org or package / "examples" / "organization.yaml"
    for out in (args.report, args.html):
        if out is not None:
            check_writable(out)  # before a run of several seconds, not after it
    try:
        org = load_organization(org_path)
        events = load_events(list(args.event))
    except (OrganizationError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not (package / "manifest.yaml").is_file():
        print(
            f"error: {package / 'manifest.yaml'}: no CfCT manifest in the package directory", file=sys.stderr
        )
        return EXIT_USAGE
    started = time.perf_counter()
    try:
        report = Simulation(org, package, progress=progress_printer()).run(events)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    elapsed = time.perf_counter() - started
    report.timings["total"] = elapsed
    print(render_table(report))
    print(f"simulation took {elapsed:.1f} s")
    document = report_document(report.as_dict())
    if args.report is not None:
        write_atomic(args.report, json.dumps(document, indent=2) + "\n")
        print(f"report written to {args.report}")
    if args.html is not None:
        from cfct_backup.report_html import render_simulation  # noqa: PLC0415

        write_atomic(args.html, render_simulation(document), what="HTML report")
        print(f"HTML report written to {args.html}")
    return EXIT_OK if report.ok else EXIT_FINDINGS
