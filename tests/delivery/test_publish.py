"""`cfct-backup publish` against moto S3/SSM, and a local bare git repository for the repository path."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import boto3
import pytest

from cfct_backup.cli import main
from cfct_backup.delivery import CONFIG_ZIP_NAME, LAMBDA_ZIP_NAME
from cfct_backup.delivery.package import build_package
from cfct_backup.delivery.publish import (
    DEFAULT_LAMBDA_KEY,
    PARAM_BUCKET,
    PARAM_LAMBDA_KEY,
    PARAM_LAMBDA_VERSION,
    validate_configuration,
)
from cfct_backup.problems import Problem

from .conftest import FakeSource, write

ARTIFACTS = "cfct-backup-artifacts-test"
ACCOUNT = "123456789012"  # moto's default account
CFCT_BUCKET = f"custom-control-tower-configuration-{ACCOUNT}-us-east-1"
PARAMS = (PARAM_BUCKET, PARAM_LAMBDA_KEY, PARAM_LAMBDA_VERSION)


@pytest.fixture(autouse=True)
def _fast_deps(fake_deps: FakeSource) -> None:
    """Publishing does not care what the vendored code is: build with the fake source."""


@pytest.fixture
def validator(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Stand in for `cfct_backup.validate`: accepts a tree unless its manifest says BROKEN.

    Records the roots it was asked about, so tests see what was validated.
    """
    seen: list[Path] = []

    def validate_package(root: Path) -> list[Problem]:
        seen.append(root)
        if "BROKEN" in (root / "manifest.yaml").read_text():
            return [Problem(str(root / "manifest.yaml"), 1, "error", "MAN001", "broken on purpose")]
        return [Problem(str(root / "templates" / "member.yaml"), None, "warning", "TPL999", "just a warning")]

    module = types.ModuleType("cfct_backup.validate")
    module.validate_package = validate_package  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cfct_backup.validate", module)
    return seen


@pytest.fixture
def buckets(aws: None) -> boto3.client:
    s3 = boto3.client("s3", region_name="us-east-1")
    for name in (ARTIFACTS, CFCT_BUCKET):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return s3


def versions(s3: boto3.client, bucket: str) -> list[str]:
    return [v["VersionId"] for v in s3.list_object_versions(Bucket=bucket).get("Versions", [])]


def param_versions(ssm: boto3.client) -> dict[str, int]:
    return {p["Name"]: p["Version"] for p in ssm.get_parameters(Names=list(PARAMS))["Parameters"]}


def publish(tree: Path, *extra: str) -> int:
    return main(["publish", str(tree), "--artifact-bucket", ARTIFACTS, *extra])


def test_publish_puts_everything_where_cfct_reads_it_and_ssm_points_at_the_exact_version(
    tree, tmp_path, buckets, validator, capsys
):
    dist = tmp_path / "dist"
    build_package(tree, dist, FakeSource())
    assert publish(tree, "--dist", str(dist)) == 0
    printed = capsys.readouterr().out
    s3, ssm = buckets, boto3.client("ssm", region_name="us-east-1")

    params = {p: ssm.get_parameter(Name=p)["Parameter"]["Value"] for p in PARAMS}
    assert params[PARAM_BUCKET] == ARTIFACTS
    assert params[PARAM_LAMBDA_KEY] == DEFAULT_LAMBDA_KEY
    # the exact version: fetching by it returns our bytes
    obj = s3.get_object(
        Bucket=ARTIFACTS, Key=params[PARAM_LAMBDA_KEY], VersionId=params[PARAM_LAMBDA_VERSION]
    )
    assert obj["Body"].read() == (dist / LAMBDA_ZIP_NAME).read_bytes()

    config = s3.get_object(Bucket=CFCT_BUCKET, Key=CONFIG_ZIP_NAME)["Body"].read()
    assert config == (dist / CONFIG_ZIP_NAME).read_bytes()
    with zipfile.ZipFile(io.BytesIO(config)) as zf:
        assert "manifest.yaml" in zf.namelist()

    assert f"s3://{ARTIFACTS}/{DEFAULT_LAMBDA_KEY}" in printed
    assert f"s3://{CFCT_BUCKET}/{CONFIG_ZIP_NAME}" in printed
    assert params[PARAM_LAMBDA_VERSION] in printed
    # validate ran once, on the unpacked configuration zip (not on the source tree)
    assert len(validator) == 1 and validator[0] != tree


def test_warnings_are_shown_and_do_not_block(tree, buckets, validator, capsys):
    assert publish(tree) == 0
    err = capsys.readouterr().err
    assert "templates/member.yaml: warning TPL999 just a warning" in err  # relative to the package


def test_second_publish_of_an_unchanged_tree_changes_nothing(tree, buckets, validator, capsys):
    s3, ssm = buckets, boto3.client("ssm", region_name="us-east-1")
    assert publish(tree) == 0
    before = (versions(s3, ARTIFACTS), versions(s3, CFCT_BUCKET), param_versions(ssm))
    capsys.readouterr()
    assert publish(tree) == 0  # builds again from the tree: deterministic, so same bytes
    after = (versions(s3, ARTIFACTS), versions(s3, CFCT_BUCKET), param_versions(ssm))
    assert after == before
    assert len(before[0]) == 1 and len(before[1]) == 1
    out = capsys.readouterr().out
    assert "nothing changed" in out
    assert "uploaded" not in out and "written" not in out


def test_changed_lambda_code_gives_a_new_version_ssm_follows_and_cfct_runs_again(tree, buckets, validator):
    s3, ssm = buckets, boto3.client("ssm", region_name="us-east-1")
    assert publish(tree) == 0
    first = ssm.get_parameter(Name=PARAM_LAMBDA_VERSION)["Parameter"]
    write(
        tree / "lambdas" / "cfct_backup_automation" / "handlers.py", "def enrolment_handler(e, c): return 2\n"
    )
    assert publish(tree) == 0
    second = ssm.get_parameter(Name=PARAM_LAMBDA_VERSION)["Parameter"]
    assert second["Value"] != first["Value"]
    assert second["Version"] == first["Version"] + 1
    assert len(versions(s3, ARTIFACTS)) == 2
    assert len(versions(s3, CFCT_BUCKET)) == 2  # the configuration changed with it: CfCT re-runs
    # the key and bucket parameters did not move
    assert ssm.get_parameter(Name=PARAM_LAMBDA_KEY)["Parameter"]["Version"] == 1


def test_dry_run_shows_every_step_and_writes_nothing(tree, buckets, validator, capsys):
    s3, ssm = buckets, boto3.client("ssm", region_name="us-east-1")
    assert publish(tree, "--dry-run") == 0
    out = capsys.readouterr().out
    assert versions(s3, ARTIFACTS) == [] and versions(s3, CFCT_BUCKET) == []
    assert ssm.get_parameters(Names=list(PARAMS))["Parameters"] == []
    assert f"would upload  s3://{ARTIFACTS}/{DEFAULT_LAMBDA_KEY}" in out
    assert f"would upload  s3://{CFCT_BUCKET}/{CONFIG_ZIP_NAME}" in out
    for name in PARAMS:
        assert f"would write   {name}" in out
    assert "nothing was written" in out
    # the dry run keeps the zips it showed: publishing them later ships exactly those bytes
    kept = Path(out.rsplit("are kept in ", 1)[1].split(";", 1)[0])
    shown = [line for line in out.splitlines() if line.startswith(("lambda  built", "config  built"))]
    assert publish(tree, "--dist", str(kept)) == 0
    again = capsys.readouterr().out
    assert [
        line for line in again.splitlines() if line.startswith(("lambda  built", "config  built"))
    ] == shown
    shutil.rmtree(kept)


def test_broken_package_is_refused_before_anything_is_uploaded(tree, buckets, validator, capsys):
    s3, ssm = buckets, boto3.client("ssm", region_name="us-east-1")
    (tree / "manifest.yaml").write_text((tree / "manifest.yaml").read_text() + "# BROKEN\n")
    assert publish(tree) == 1
    err = capsys.readouterr().err
    assert "manifest.yaml:1: error MAN001 broken on purpose" in err
    assert "refusing to publish" in err
    assert versions(s3, ARTIFACTS) == [] and versions(s3, CFCT_BUCKET) == []
    assert ssm.get_parameters(Names=list(PARAMS))["Parameters"] == []


def test_without_a_validator_publish_refuses_rather_than_ship_unvalidated(tree, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "cfct_backup.validate", None)  # import fails
    built = build_package(tree, tmp_path / "d", FakeSource())
    with pytest.raises(Exception, match="refusing to publish it unvalidated"):
        validate_configuration(built.config_zip.path)


def test_real_validator_rejects_a_broken_package(tree, tmp_path):
    """With the project's own `validate`: an unquoted, octal-looking account ID is refused."""
    import cfct_backup.validate as real

    text = (tree / "manifest.yaml").read_text().replace('- "012345678901"', "- 012345678901")
    (tree / "manifest.yaml").write_text(text)
    built = build_package(tree, tmp_path / "d", FakeSource())
    from cfct_backup.problems import has_errors

    assert has_errors(validate_configuration(built.config_zip.path, real.validate_package))


def test_unversioned_artifact_bucket_is_refused(tree, aws, validator, capsys):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=ARTIFACTS)
    assert publish(tree) == 2  # cannot run: exit 2
    assert "is not versioned" in capsys.readouterr().err
    assert versions(s3, ARTIFACTS) == []


def test_artifact_bucket_comes_from_ssm_when_not_given(tree, buckets, validator):
    ssm = boto3.client("ssm", region_name="us-east-1")
    ssm.put_parameter(Name=PARAM_BUCKET, Value=ARTIFACTS, Type="String")  # as the pre-pipeline stack does
    assert main(["publish", str(tree)]) == 0
    assert len(versions(buckets, ARTIFACTS)) == 1
    assert ssm.get_parameter(Name=PARAM_BUCKET)["Parameter"]["Version"] == 1  # not rewritten


def test_no_artifact_bucket_anywhere_is_a_clear_error(tree, buckets, validator, capsys):
    assert main(["publish", str(tree)]) == 2
    assert "no artifact bucket" in capsys.readouterr().err


def test_dist_from_another_build_is_refused(tree, tmp_path, buckets, validator, capsys):
    dist = tmp_path / "dist"
    build_package(tree, dist, FakeSource())
    other = tmp_path / "other"
    write(tree / "lambdas" / "cfct_backup_automation" / "handlers.py", "X = 3\n")
    build_package(tree, other, FakeSource())
    (dist / LAMBDA_ZIP_NAME).write_bytes((other / LAMBDA_ZIP_NAME).read_bytes())
    assert publish(tree, "--dist", str(dist)) == 2
    assert "built with a different" in capsys.readouterr().err
    assert versions(buckets, ARTIFACTS) == []


def test_an_object_uploaded_by_hand_with_the_same_bytes_is_recognised_by_etag(
    tree, tmp_path, buckets, validator
):
    dist = tmp_path / "dist"
    build_package(tree, dist, FakeSource())
    buckets.put_object(Bucket=CFCT_BUCKET, Key=CONFIG_ZIP_NAME, Body=(dist / CONFIG_ZIP_NAME).read_bytes())
    assert publish(tree, "--dist", str(dist)) == 0
    assert len(versions(buckets, CFCT_BUCKET)) == 1


# --- the repository path ------------------------------------------------------------------------


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def bare_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "cfct-repo.git"
    git("init", "--quiet", "--bare", "--initial-branch=main", str(repo))
    return repo


def repo_files(repo: Path, ref: str = "main") -> dict[str, bytes]:
    names = git("ls-tree", "-r", "--name-only", ref, cwd=repo).split()
    return {
        n: subprocess.run(["git", "show", f"{ref}:{n}"], cwd=repo, capture_output=True, check=True).stdout
        for n in names
    }


@pytest.mark.usefixtures("validator")
def test_repository_delivery_commits_the_unzipped_configuration(tree, tmp_path, buckets, bare_repo, capsys):
    dist = tmp_path / "dist"
    build_package(tree, dist, FakeSource())
    assert publish(tree, "--dist", str(dist), "--repository", str(bare_repo)) == 0
    out = capsys.readouterr().out
    with zipfile.ZipFile(dist / CONFIG_ZIP_NAME) as zf:
        expected = {n: zf.read(n) for n in zf.namelist()}
    assert repo_files(bare_repo) == expected  # files, not a zip: CfCT reads a repository as it is
    head = git("rev-parse", "main", cwd=bare_repo).strip()
    assert "branch main" in out and head in out
    assert versions(buckets, CFCT_BUCKET) == []  # not also to S3
    assert len(versions(buckets, ARTIFACTS)) == 1  # the Lambda still goes to the artifact bucket


def test_repository_second_publish_makes_no_commit_and_a_change_replaces_the_tree(
    tree, buckets, validator, bare_repo, capsys
):
    assert publish(tree, "--repository", str(bare_repo)) == 0
    first = git("rev-parse", "main", cwd=bare_repo).strip()
    assert publish(tree, "--repository", str(bare_repo)) == 0
    assert git("rev-parse", "main", cwd=bare_repo).strip() == first
    assert "nothing changed" in capsys.readouterr().out

    (tree / "templates" / "unreferenced.yaml").unlink()
    assert publish(tree, "--repository", str(bare_repo)) == 0
    second = git("rev-parse", "main", cwd=bare_repo).strip()
    assert second != first
    assert git("rev-parse", "main~1", cwd=bare_repo).strip() == first  # a plain fast-forward commit
    assert "templates/unreferenced.yaml" not in repo_files(bare_repo)


def test_repository_dry_run_commits_nothing(tree, buckets, validator, bare_repo, capsys):
    assert publish(tree, "--repository", str(bare_repo), "--dry-run") == 0
    assert "would commit" in capsys.readouterr().out
    assert git("for-each-ref", cwd=bare_repo).strip() == ""


def test_sha256_metadata_is_recorded_on_upload(tree, tmp_path, buckets, validator):
    dist = tmp_path / "dist"
    build_package(tree, dist, FakeSource())
    assert publish(tree, "--dist", str(dist)) == 0
    head = buckets.head_object(Bucket=ARTIFACTS, Key=DEFAULT_LAMBDA_KEY)
    assert head["Metadata"]["sha256"] == hashlib.sha256((dist / LAMBDA_ZIP_NAME).read_bytes()).hexdigest()


def test_every_s3_call_names_the_expected_bucket_owner(tree, tmp_path, buckets):
    """The CfCT bucket name is predictable: a same-named bucket in another account must not get it.

    moto does not enforce ExpectedBucketOwner, so the test checks it is sent on every call.
    """
    from cfct_backup.delivery.publish import PublishOptions, publish_package

    seen: list[tuple[str, str | None]] = []

    def capture(params, model, **_kwargs):
        seen.append((model.name, params.get("ExpectedBucketOwner")))

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.meta.events.register("provide-client-params.s3.*", capture)
    built = build_package(tree, tmp_path / "d", FakeSource())
    publish_package(
        built,
        s3,
        boto3.client("ssm", region_name="us-east-1"),
        PublishOptions(artifact_bucket=ARTIFACTS),
        account_id=lambda: ACCOUNT,
        region="us-east-1",
    )
    assert {name for name, _ in seen} >= {"GetBucketVersioning", "HeadObject", "PutObject"}
    assert all(owner == ACCOUNT for _, owner in seen), seen
