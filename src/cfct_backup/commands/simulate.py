"""`cfct-backup simulate`: the landing zone in a box (see docs/simulate.md)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

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
    parser.add_argument("--report", type=Path, default=None, metavar="FILE", help="write the report as JSON")
    parser.add_argument(
        "--package", type=Path, default=Path("."), help="the CfCT package directory (default: .)"
    )


def run(args: argparse.Namespace) -> int:
    from cfct_backup.organization import OrganizationError, load_organization  # noqa: PLC0415
    from cfct_backup.simulation.report import render_table  # noqa: PLC0415
    from cfct_backup.simulation.run import Simulation, load_events  # noqa: PLC0415

    package: Path = args.package
    org_path: Path = args.org or package / "examples" / "organization.yaml"
    try:
        org = load_organization(org_path)
        events = load_events(list(args.event))
    except (OrganizationError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not (package / "manifest.yaml").is_file():
        print(
            f"error: {package / 'manifest.yaml'}: no CfCT manifest in the package directory", file=sys.stderr
        )
        return 2
    started = time.perf_counter()
    try:
        report = Simulation(org, package, progress=lambda line: print(line, flush=True)).run(events)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    report.timings["total"] = elapsed
    print()
    print(render_table(report))
    print(f"simulation took {elapsed:.1f} s")
    if args.report is not None:
        args.report.write_text(json.dumps(report.as_dict(), indent=2) + "\n", encoding="utf-8")
        print(f"report written to {args.report}")
    return 0 if report.ok else 1
