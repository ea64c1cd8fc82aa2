"""`cfct-backup publish`: upload the Lambda artifact, record it in SSM, deliver the configuration."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from cfct_backup_automation import contract

from cfct_backup.commands.package import add_dependency_arguments, dependency_source
from cfct_backup.delivery import DeliveryError
from cfct_backup.delivery.package import build_package, load_built
from cfct_backup.delivery.publish import (
    DEFAULT_LAMBDA_KEY,
    PublishOptions,
    publish_package,
    validate_configuration,
)
from cfct_backup.delivery.steps import Step
from cfct_backup.problems import has_errors

HELP = "Upload the Lambda artifact, record it in SSM and deliver the configuration to CfCT."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("root", nargs="?", type=Path, default=Path(), help="package tree (default: .)")
    parser.add_argument(
        "--dist",
        type=Path,
        help="publish the zips a previous `cfct-backup package --out DIST` wrote (default: build now)",
    )
    parser.add_argument(
        "--artifact-bucket",
        help="versioned bucket for the Lambda zip (default: the value of "
        f"{contract.SSM_ARTIFACT_BUCKET.name})",
    )
    parser.add_argument("--lambda-key", help="S3 key of the Lambda zip")
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--cfct-bucket",
        help="CfCT source bucket (default: custom-control-tower-configuration-<account>-<region>)",
    )
    target.add_argument(
        "--repository",
        help="deliver as a commit to this git remote (the CfCT repository) instead of the S3 bucket",
    )
    parser.add_argument(
        "--cfct-key", help="S3 key of the configuration (default: custom-control-tower-configuration.zip)"
    )
    parser.add_argument("--branch", default="main", help="repository branch CfCT reads (default: main)")
    parser.add_argument("--profile", help="AWS profile of the management account (default: the SDK's)")
    parser.add_argument("--region", help="AWS Region (default: the SDK's, i.e. AWS_REGION / profile)")
    parser.add_argument("--dry-run", action="store_true", help="show every step without writing anything")
    add_dependency_arguments(parser)


def run(args: argparse.Namespace) -> int:
    def report(step: Step) -> None:
        print(step.line(), flush=True)

    with tempfile.TemporaryDirectory(prefix="cfct-backup-publish-") as tmp:
        try:
            kept: Path | None = None
            if args.dist is not None:
                built = load_built(args.dist)
            else:
                # a dry run keeps the zips it shows, so that exactly those can be published later
                kept = Path(tempfile.mkdtemp(prefix="cfct-backup-dry-run-")) if args.dry_run else None
                built = build_package(args.root, kept or Path(tmp), dependency_source(args))
            print(f"lambda  built         {built.lambda_zip.line()}")
            print(f"config  built         {built.config_zip.line()}")
            problems = validate_configuration(built.config_zip.path)
        except DeliveryError as exc:
            print(f"cfct-backup publish: {exc}", file=sys.stderr)
            return 2  # bad input (cfct_backup.commands.output.EXIT_USAGE)
        for problem in problems:
            print(problem, file=sys.stderr)
        if has_errors(problems):
            print(
                "cfct-backup publish: refusing to publish: `cfct-backup validate` rejects this package "
                "(errors above); nothing was uploaded",
                file=sys.stderr,
            )
            return 1

        # boto3 only now: after validation, and never for --help.
        import boto3  # noqa: PLC0415
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

        try:
            session = boto3.session.Session(profile_name=args.profile, region_name=args.region)
        except BotoCoreError as exc:  # ProfileNotFound and the like
            print(f"cfct-backup publish: {exc}", file=sys.stderr)
            return 2
        region = session.region_name
        if not region:
            print("cfct-backup publish: no AWS Region: set AWS_REGION or pass --region", file=sys.stderr)
            return 2
        options = PublishOptions(
            artifact_bucket=args.artifact_bucket,
            lambda_key=args.lambda_key or DEFAULT_LAMBDA_KEY,
            cfct_bucket=args.cfct_bucket,
            cfct_key=args.cfct_key or PublishOptions.cfct_key,
            repository=args.repository,
            branch=args.branch,
            dry_run=args.dry_run,
        )

        def account_id() -> str:
            return str(session.client("sts").get_caller_identity()["Account"])

        if args.dry_run:
            print("dry run: nothing below is written")
        try:
            result = publish_package(
                built,
                session.client("s3"),
                session.client("ssm"),
                options,
                account_id=account_id,
                region=region,
                report=report,
            )
        except (DeliveryError, ClientError, BotoCoreError) as exc:
            print(f"cfct-backup publish: {exc}", file=sys.stderr)
            return 2  # could not run: nothing half-done is left unreported (the steps above)
    if args.dry_run:
        print("dry run: nothing was written")
        if kept is not None:
            print(
                f"dry run: the zips shown are kept in {kept}; "
                f"`cfct-backup publish --dist {kept}` publishes them"
            )
    elif result.changed:
        print("published")
    else:
        print("published: nothing changed (the tree is already there)")
    return 0
