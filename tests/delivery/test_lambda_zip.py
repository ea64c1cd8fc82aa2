"""The Lambda zip runs in a clean interpreter: only the runtime's own packages plus what it carries.

The Lambda Python runtime provides the standard library and the AWS SDK (boto3, botocore,
s3transfer and their dependencies jmespath, python-dateutil, urllib3, six). The test simulates it
with `python -I -S` (no site-packages, no PYTHON* variables) and a directory holding only those
SDK packages, taken from this virtual environment. Each handler is imported the way Lambda does
(`module.function` from the function's `Handler`) both with the zip itself on `sys.path`
(zipimport) and unpacked, as Lambda unpacks it into /var/task.
"""

from __future__ import annotations

import glob
import importlib.util
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from cfct_backup.delivery.dependencies import SitePackagesSource
from cfct_backup.delivery.package import build_lambda_zip

from .conftest import REPO

RUNTIME_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
LIFECYCLE_TEMPLATE = REPO / "templates" / "lifecycle-automation.yaml"


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation short-form tags (!Ref, !Sub, ...) as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node)}
    return {suffix: loader.construct_mapping(node)}  # type: ignore[arg-type]


_CfnLoader.add_multi_constructor("!", _any_tag)


def template_functions(path: Path) -> dict[str, dict[str, Any]]:
    """Logical ID -> Properties of every Lambda function in a CloudFormation template."""
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_CfnLoader)
    return {
        name: res.get("Properties", {})
        for name, res in (doc.get("Resources") or {}).items()
        if res.get("Type") in {"AWS::Lambda::Function", "AWS::Serverless::Function"}
    }


@pytest.fixture(scope="module")
def runtime_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SDK packages the Lambda runtime provides, and nothing else."""
    path = tmp_path_factory.mktemp("lambda-runtime")
    for name in RUNTIME_MODULES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin, name
        origin = Path(spec.origin)
        src = origin.parent if origin.name == "__init__.py" else origin
        (path / src.name).symlink_to(src)
    return path


PROBE = """
import importlib, importlib.util, json, sys
zip_or_dir, runtime, handlers = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
sys.path[:0] = [zip_or_dir, runtime]
out = {"handlers": {}, "origins": {}, "cfct_backup": importlib.util.find_spec("cfct_backup") is not None}
for spec in handlers:
    module, _, function = spec.rpartition(".")
    out["handlers"][spec] = callable(getattr(importlib.import_module(module), function, None))
for name in ("aws_lambda_powertools", "crhelper", "boto3", "cfct_backup_automation"):
    m = sys.modules.get(name)
    out["origins"][name] = getattr(m, "__file__", None) if m else None
out["site"] = [p for p in sys.path if "site-packages" in p]
out["python"] = "%d.%d" % sys.version_info[:2]
print(json.dumps(out))
"""


def interpreter(runtime: str | None) -> str:
    """A Python of the Lambda runtime's version (`python3.12`) when this machine has one that runs."""
    if runtime:
        version = runtime.removeprefix("python")
        candidates = sorted(glob.glob(str(Path.home() / f".pyenv/versions/{version}.*/bin/python{version}")))
        candidates += [c for c in [shutil.which(f"python{version}")] if c]
        for candidate in candidates:
            check = [candidate, "-I", "-S", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
            proc = subprocess.run(check, capture_output=True, text=True, check=False, timeout=30)
            if proc.returncode == 0 and proc.stdout.strip() == version:
                return candidate
    return sys.executable


def probe(
    location: Path, runtime: Path, handlers: list[str], env: dict[str, str], python: str = sys.executable
) -> dict[str, Any]:
    base_env = {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # an import that calls AWS fails fast, never leaves
        "POWERTOOLS_SERVICE_NAME": "cfct-backup",
        "PATH": "/usr/bin:/bin",
    }
    proc = subprocess.run(
        [python, "-I", "-S", "-c", PROBE, str(location), str(runtime), json.dumps(handlers)],
        capture_output=True,
        text=True,
        env={**base_env, **env},
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def unpacked(zip_path: Path, dest: Path) -> Path:
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(dest)
    return dest


def check(result: dict[str, Any], handlers: list[str], location: Path, runtime: Path) -> None:
    assert result["handlers"] == dict.fromkeys(handlers, True)
    assert result["site"] == []
    assert result["cfct_backup"] is False, "the CLI package must not be reachable from the Lambda"
    for vendored in ("aws_lambda_powertools", "crhelper", "cfct_backup_automation"):
        origin = result["origins"][vendored]
        if origin is not None:
            assert origin.startswith(str(location)), f"{vendored} came from {origin}, not the artifact"
    if result["origins"]["boto3"] is not None:
        assert result["origins"]["boto3"].startswith(str(runtime))


@pytest.mark.parametrize("mode", ["zip", "unpacked"])
def test_fixture_handlers_resolve_with_only_the_runtime_and_the_zip(tree, tmp_path, runtime_dir, mode):
    artifact, _ = build_lambda_zip(tree, tmp_path / "out", SitePackagesSource())
    handlers = [
        "cfct_backup_automation.handlers.enrolment_handler",
        "cfct_backup_automation.handlers.custom_resource_handler",
    ]
    location = artifact.path if mode == "zip" else unpacked(artifact.path, tmp_path / "task")
    result = probe(location, runtime_dir, handlers, {})
    check(result, handlers, location, runtime_dir)
    assert result["origins"]["crhelper"] is not None  # the fixture imports it: it came from the zip


def test_without_the_vendored_code_the_handlers_do_not_import(tree, tmp_path, runtime_dir):
    """The probe can fail: the runtime alone lacks powertools and crhelper."""
    bare = tmp_path / "bare"
    (bare / "cfct_backup_automation").mkdir(parents=True)
    for f in (tree / "lambdas" / "cfct_backup_automation").glob("*.py"):
        (bare / "cfct_backup_automation" / f.name).write_bytes(f.read_bytes())
    proc = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            "-c",
            PROBE,
            str(bare),
            str(runtime_dir),
            '["cfct_backup_automation.handlers.enrolment_handler"]',
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode != 0
    assert "No module named 'aws_lambda_powertools'" in proc.stderr


def real_handlers() -> tuple[list[str], dict[str, str], str | None]:
    functions = template_functions(LIFECYCLE_TEMPLATE)
    assert functions, "the lifecycle template declares no Lambda function"
    handlers = sorted({str(props["Handler"]) for props in functions.values()})
    # Literal values as the template sets them; intrinsics (!Ref, !Sub ...) become a placeholder.
    env = {
        key: value if isinstance(value, str) else "placeholder"
        for props in functions.values()
        for key, value in ((props.get("Environment") or {}).get("Variables") or {}).items()
    }
    runtimes = {
        str(props["Runtime"]) for props in functions.values() if isinstance(props.get("Runtime"), str)
    }
    assert len(runtimes) <= 1, f"one artifact, several runtimes: {runtimes}"
    return handlers, env, next(iter(runtimes), None)


@pytest.mark.parametrize("mode", ["zip", "unpacked"])
def test_real_handlers_named_by_the_lifecycle_template_resolve(tmp_path, runtime_dir, mode):
    handlers, env, runtime = real_handlers()
    artifact, _ = build_lambda_zip(REPO, tmp_path / "out", SitePackagesSource())
    location = artifact.path if mode == "zip" else unpacked(artifact.path, tmp_path / "task")
    python = interpreter(runtime)  # the runtime's Python version where available, else this one
    result = probe(location, runtime_dir, handlers, env, python)
    check(result, handlers, location, runtime_dir)
    if python != sys.executable:
        assert runtime is not None and result["python"] == runtime.removeprefix("python")


def test_real_functions_use_a_python_runtime_the_vendored_code_supports():
    for name, props in template_functions(LIFECYCLE_TEMPLATE).items():
        runtime = props.get("Runtime")
        if isinstance(runtime, str):
            major, minor = runtime.removeprefix("python").split(".")
            assert (int(major), int(minor)) >= (3, 11), f"{name}: {runtime}"


def test_pip_source_resolves_wheels_for_the_functions_runtime():
    from cfct_backup.delivery.dependencies import PipSource

    _handlers, _env, runtime = real_handlers()
    assert runtime == f"python{PipSource().python_version}"
