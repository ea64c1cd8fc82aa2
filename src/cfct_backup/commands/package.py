"""`cfct-backup package`: build the CfCT configuration zip and the Lambda artifact.

Imports only the standard library and PyYAML: no boto3, so `--help` stays instant.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from cfct_backup.commands.output import UsageError
from cfct_backup.delivery import DeliveryError
from cfct_backup.delivery.dependencies import DependencySource, PipSource, SitePackagesSource
from cfct_backup.delivery.package import build_package

HELP = "Build custom-control-tower-configuration.zip and the Lambda artifact (deterministic)."


def add_dependency_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the vendored Lambda dependencies come from (shared with `publish`)."""
    group = parser.add_argument_group("Lambda dependencies")
    group.add_argument(
        "--deps",
        choices=("site-packages", "pip"),
        default="site-packages",
        help="site-packages: copy the pinned, pure-Python distributions installed in this "
        "environment, verified against their RECORD (offline; default). pip: `pip install "
        "--target` the pinned wheels from the index (or from --wheel-dir).",
    )
    group.add_argument(
        "--wheel-dir",
        type=Path,
        help="with --deps pip: install from this directory of wheels only (--no-index)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("root", nargs="?", type=Path, default=Path(), help="package tree (default: .)")
    parser.add_argument("--out", type=Path, default=Path("out"), help="output directory (default: out)")
    add_dependency_arguments(parser)


def dependency_source(args: argparse.Namespace) -> DependencySource:
    if args.wheel_dir is not None and args.deps != "pip":
        raise DeliveryError("--wheel-dir needs --deps pip")
    if args.deps == "pip":
        return PipSource(wheel_dir=args.wheel_dir)
    return SitePackagesSource()


def check_out_dir(out: Path) -> None:
    """The output directory can be made or written, checked before anything is built."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: cannot write the package there: it is a file, not a directory")
    parent = next((p for p in [out, *out.parents] if p.exists()), Path())
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{out}: cannot write the package there: {parent} is not a writable directory")


def run(args: argparse.Namespace) -> int:
    check_out_dir(args.out)
    started = time.perf_counter()
    try:
        source = dependency_source(args)
        built = build_package(args.root, args.out, source)
    except DeliveryError as exc:
        print(f"cfct-backup package: {exc}", file=sys.stderr)
        return 2  # bad input or could not run (cfct_backup.commands.output.EXIT_USAGE)
    elapsed = time.perf_counter() - started
    print(f"vendored from {source.description}: {', '.join(map(str, built.pins))}")
    print(f"wrote {built.lambda_zip.line()}")
    print(f"wrote {built.config_zip.line()}")
    print(f"packaged in {elapsed:.2f} s")
    return 0
