"""Publish a built package: Lambda artifact to S3, its location to SSM, configuration to CfCT.

Order matters and is fixed:

1. validate the configuration zip's content (done by the caller, before any client exists);
2. upload the Lambda zip to the versioned artifact bucket;
3. upload the Service Catalog product templates the deployed templates reference (a portfolio's
   `CloudFormationProduct` reads `service-catalog/<name>` from the artifact bucket, a copy of
   `templates/<name>`; `cfct_backup.service_catalog` decides which) from the configuration zip, so
   they are exactly what was validated and are in place before the portfolio stack asks for them;
4. write `/cfct-backup/artifacts/{bucket,lambda-key,lambda-version}` (the manifest reads them
   with `$[alfred_ssm_...]` when the CfCT pipeline runs, so they must be right before it runs);
5. deliver `custom-control-tower-configuration.zip`: to the CfCT S3 bucket (which starts the
   pipeline) or as a commit to the CfCT repository (see `gitrepo`).

Every step compares content first and writes only what differs: an object whose `sha256`
metadata (or single-part ETag) matches is not uploaded again, a parameter holding the same value
is not written again. So a second publish of an unchanged tree creates no object version, no
parameter version and no pipeline run.
"""

from __future__ import annotations

import hashlib
import importlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cfct_backup_automation import contract

from cfct_backup.cfct.manifest import check_manifest
from cfct_backup.delivery import CONFIG_ZIP_NAME, DeliveryError
from cfct_backup.delivery.gitrepo import push_configuration
from cfct_backup.delivery.package import MANIFEST, Artifact, BuiltPackage
from cfct_backup.delivery.steps import Step
from cfct_backup.delivery.zipfiles import extract_zip
from cfct_backup.problems import Problem
from cfct_backup.service_catalog import package_products, published_products

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_ssm import SSMClient

PARAM_BUCKET = contract.SSM_ARTIFACT_BUCKET.name
PARAM_LAMBDA_KEY = contract.SSM_LAMBDA_KEY.name
PARAM_LAMBDA_VERSION = contract.SSM_LAMBDA_VERSION.name
DEFAULT_LAMBDA_KEY = contract.DEFAULT_LAMBDA_KEY
SHA256_METADATA = "sha256"


def default_cfct_bucket(account_id: str, region: str) -> str:
    """The bucket CfCT creates for its S3 source: `custom-control-tower-configuration-<acct>-<region>`."""
    return f"custom-control-tower-configuration-{account_id}-{region}"


@dataclass
class PublishOptions:
    artifact_bucket: str | None = None  # None: read PARAM_BUCKET
    lambda_key: str = DEFAULT_LAMBDA_KEY
    cfct_bucket: str | None = None  # None: default_cfct_bucket(account, region)
    cfct_key: str = CONFIG_ZIP_NAME
    repository: str | None = None  # a git remote: deliver as a commit instead of to S3
    branch: str = "main"
    dry_run: bool = False


@dataclass
class PublishResult:
    steps: list[Step] = field(default_factory=list)
    lambda_bucket: str = ""
    lambda_key: str = ""
    lambda_version: str | None = None
    product_keys: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(s.status in {"uploaded", "written", "committed"} for s in self.steps)


def _error_code(exc: Exception) -> str:
    response: Any = getattr(exc, "response", None)
    return str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""


def _head(s3: S3Client, bucket: str, key: str, owner: str) -> dict[str, Any] | None:
    try:
        head: Any = s3.head_object(Bucket=bucket, Key=key, ExpectedBucketOwner=owner)
    except Exception as exc:  # botocore.exceptions.ClientError, imported lazily by the caller
        if _error_code(exc) in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise
    return dict(head)


def _md5_hex(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def _same_content(head: dict[str, Any] | None, artifact: Artifact) -> bool:
    if head is None:
        return False
    metadata = head.get("Metadata") or {}
    if SHA256_METADATA in metadata:
        return bool(metadata[SHA256_METADATA] == artifact.sha256)
    # Not uploaded by us: a single-part SSE-S3 upload's ETag is the MD5 of the content. (An SSE-KMS
    # object's ETag is not an MD5: it compares unequal and is uploaded once, with the metadata.)
    etag = str(head.get("ETag", "")).strip('"')
    return "-" not in etag and etag == _md5_hex(artifact.path)


def put_artifact(
    s3: S3Client,
    bucket: str,
    key: str,
    artifact: Artifact,
    *,
    owner: str,
    dry_run: bool,
    kind: str,
    content_type: str = "application/zip",
) -> tuple[Step, str | None]:
    """Upload unless the object already holds this content. Returns the step and the version.

    `owner` is the account that must own the bucket (ExpectedBucketOwner): the CfCT bucket's name
    is predictable, and a bucket of that name in another account must never receive the package.
    """
    where = f"s3://{bucket}/{key}"
    head = _head(s3, bucket, key, owner)
    if _same_content(head, artifact):
        version = (head or {}).get("VersionId")
        return Step(kind, where, "unchanged", f"version {version}  sha256 {artifact.sha256}"), version
    if dry_run:
        return Step(kind, where, "would upload", f"{artifact.size} bytes  sha256 {artifact.sha256}"), None
    with artifact.path.open("rb") as body:
        put: Any = s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            Metadata={SHA256_METADATA: artifact.sha256},
            ExpectedBucketOwner=owner,
        )
    version = put.get("VersionId")
    detail = f"version {version}  {artifact.size} bytes  sha256 {artifact.sha256}"
    return Step(kind, where, "uploaded", detail), version


def put_parameter(ssm: SSMClient, name: str, value: str, dry_run: bool) -> Step:
    try:
        current: Any = ssm.get_parameter(Name=name)["Parameter"]
    except Exception as exc:
        if _error_code(exc) != "ParameterNotFound":
            raise
        current = None
    if current is not None and current.get("Value") == value:
        return Step("ssm", name, "unchanged", f"= {value}  (parameter version {current.get('Version')})")
    if dry_run:
        return Step("ssm", name, "would write", f"= {value}")
    put: Any = ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
    return Step("ssm", name, "written", f"= {value}  (parameter version {put.get('Version')})")


def artifact_bucket(ssm: SSMClient, options: PublishOptions) -> str:
    if options.artifact_bucket:
        return options.artifact_bucket
    try:
        value: Any = ssm.get_parameter(Name=PARAM_BUCKET)["Parameter"]["Value"]
    except Exception as exc:
        if _error_code(exc) != "ParameterNotFound":
            raise
        raise DeliveryError(
            f"no artifact bucket: give --artifact-bucket or create {PARAM_BUCKET} "
            "(prerequisites/pre-pipeline.yaml does)"
        ) from exc
    return str(value)


def _content_type(key: str) -> str:
    return "application/json" if key.endswith((".json", ".template")) else "application/x-yaml"


def product_templates(config_zip: Path, unpack_into: Path) -> list[tuple[str, Artifact]]:
    """(object key, file) of every Service Catalog product template the configuration's deployed
    templates reference, taken from the configuration zip (unpacked into `unpack_into`, which must
    outlive the upload). A referenced template missing from the configuration stops publish here,
    before anything is written."""
    extract_zip(config_zip, unpack_into)
    manifest, problems = check_manifest(unpack_into / MANIFEST)
    if manifest is None:
        first = problems[0].message if problems else "unreadable"
        raise DeliveryError(f"{config_zip}: {MANIFEST}: {first}")
    out: list[tuple[str, Artifact]] = []
    for key, ref in published_products(package_products(unpack_into, manifest)).items():
        path = unpack_into / str(ref.source)
        if not path.is_file():
            raise DeliveryError(
                f"{ref.template}: {ref.resource} loads {key}, published from {ref.source},"
                " which is not in the configuration"
            )
        out.append((key, Artifact.of(path, 1)))
    return out


def publish_package(
    built: BuiltPackage,
    s3: S3Client,
    ssm: SSMClient,
    options: PublishOptions,
    *,
    account_id: Callable[[], str],
    region: str,
    report: Callable[[Step], None] = lambda _step: None,
) -> PublishResult:
    """Steps 2-5 above. Validation is the caller's, and must have happened already."""
    with tempfile.TemporaryDirectory(prefix="cfct-backup-products-") as tmp:
        products = product_templates(built.config_zip.path, Path(tmp))
        return _publish(
            built, products, s3, ssm, options, account_id=account_id, region=region, report=report
        )


def _publish(
    built: BuiltPackage,
    products: list[tuple[str, Artifact]],
    s3: S3Client,
    ssm: SSMClient,
    options: PublishOptions,
    *,
    account_id: Callable[[], str],
    region: str,
    report: Callable[[Step], None],
) -> PublishResult:
    result = PublishResult()

    def record(step: Step) -> None:
        result.steps.append(step)
        report(step)

    bucket = artifact_bucket(ssm, options)
    owner = account_id()
    versioning: Any = s3.get_bucket_versioning(Bucket=bucket, ExpectedBucketOwner=owner)
    if versioning.get("Status") != "Enabled":
        raise DeliveryError(
            f"artifact bucket {bucket} is not versioned: the manifest pins the Lambda by S3 object "
            "version, so the bucket must keep versions (prerequisites/pre-pipeline.yaml creates it so)"
        )
    step, version = put_artifact(
        s3, bucket, options.lambda_key, built.lambda_zip, owner=owner, dry_run=options.dry_run, kind="lambda"
    )
    record(step)
    result.lambda_bucket, result.lambda_key, result.lambda_version = bucket, options.lambda_key, version
    if version is None and not options.dry_run:
        raise DeliveryError(f"s3://{bucket}/{options.lambda_key} has no version id; is versioning on?")

    for key, template in products:
        step, _ = put_artifact(
            s3,
            bucket,
            key,
            template,
            owner=owner,
            dry_run=options.dry_run,
            kind="product",
            content_type=_content_type(key),
        )
        record(step)
        result.product_keys.append(key)

    record(put_parameter(ssm, PARAM_BUCKET, bucket, options.dry_run))
    record(put_parameter(ssm, PARAM_LAMBDA_KEY, options.lambda_key, options.dry_run))
    record(put_parameter(ssm, PARAM_LAMBDA_VERSION, version or "<new version>", options.dry_run))

    if options.repository:
        record(push_configuration(built.config_zip, options.repository, options.branch, options.dry_run))
    else:
        cfct_bucket = options.cfct_bucket or default_cfct_bucket(owner, region)
        step, _ = put_artifact(
            s3,
            cfct_bucket,
            options.cfct_key,
            built.config_zip,
            owner=owner,
            dry_run=options.dry_run,
            kind="config",
        )
        record(step)
    return result


def validate_configuration(
    config_zip: Path, validator: Callable[[Path], list[Problem]] | None = None
) -> list[Problem]:
    """`validate` on exactly what would be delivered: the configuration zip, unpacked."""
    if validator is None:
        try:
            validator = importlib.import_module("cfct_backup.validate").validate_package
        except (ImportError, AttributeError) as exc:
            raise DeliveryError(
                f"cannot validate the package ({exc}); refusing to publish it unvalidated"
            ) from exc
    with tempfile.TemporaryDirectory(prefix="cfct-backup-validate-") as tmp:
        root = Path(tmp)
        extract_zip(config_zip, root)
        problems = validator(root)
    # Problems name files in the unpacked copy: show them relative to the package instead.
    prefix = str(root) + "/"
    return [replace(p, path=p.path.removeprefix(prefix)) for p in problems]
