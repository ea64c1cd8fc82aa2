"""buildspec.yml follows the CodeBuild 0.2 grammar, and every command it runs exists.

The grammar below is the buildspec reference's (version 0.2): top-level keys, the four phases
and their keys, report groups with a test-report file format, cache paths.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from cfct_backup.cli import COMMANDS, build_parser

from .conftest import REPO

BUILDSPEC = REPO / "buildspec.yml"

TOP_KEYS = {"version", "run-as", "env", "proxy", "batch", "phases", "reports", "artifacts", "cache"}
ENV_KEYS = {
    "shell",
    "variables",
    "parameter-store",
    "exported-variables",
    "secrets-manager",
    "git-credential-helper",
}
PHASES = ("install", "pre_build", "build", "post_build")
PHASE_KEYS = {"run-as", "on-failure", "commands", "finally"}
REPORT_KEYS = {"files", "base-directory", "discard-paths", "file-format"}
TEST_REPORT_FORMATS = {"JUNITXML", "CUCUMBERJSON", "TESTNGXML", "VISUALSTUDIOTRX", "NUNITXML", "NUNIT3XML"}
CACHE_KEYS = {"key", "fallback-keys", "action", "paths"}


def schema_problems(spec: Any) -> list[str]:
    """Every way `spec` departs from the CodeBuild buildspec 0.2 grammar."""
    problems: list[str] = []
    if not isinstance(spec, dict):
        return ["buildspec is not a mapping"]
    problems += [f"unknown top-level key {k!r}" for k in set(spec) - TOP_KEYS]
    if str(spec.get("version")) != "0.2":
        problems.append(f"version must be 0.2, not {spec.get('version')!r}")
    env = spec.get("env", {})
    problems += [f"unknown env key {k!r}" for k in set(env) - ENV_KEYS]
    for name, value in (env.get("variables") or {}).items():
        if not isinstance(value, str):
            problems.append(f"env variable {name} must be a string (quote it), not {value!r}")
    phases = spec.get("phases")
    if not isinstance(phases, dict) or not phases:
        return [*problems, "phases missing"]
    for phase, body in phases.items():
        if phase not in PHASES:
            problems.append(f"unknown phase {phase!r}")
            continue
        allowed = PHASE_KEYS | ({"runtime-versions"} if phase == "install" else set())
        problems += [f"{phase}: unknown key {k!r}" for k in set(body) - allowed]
        for key in ("commands", "finally"):
            if key in body and (
                not isinstance(body[key], list)
                or not body[key]
                or not all(isinstance(c, str) for c in body[key])
            ):
                problems.append(f"{phase}.{key} must be a non-empty list of strings")
        if "on-failure" in body and body["on-failure"] not in {"ABORT", "CONTINUE"}:
            problems.append(f"{phase}.on-failure must be ABORT or CONTINUE")
        for runtime, version in (body.get("runtime-versions") or {}).items():
            if not isinstance(version, str):
                problems.append(f"runtime-versions.{runtime} must be a quoted string ({version!r})")
    for group, report in (spec.get("reports") or {}).items():
        problems += [f"report {group}: unknown key {k!r}" for k in set(report) - REPORT_KEYS]
        if report.get("file-format") not in TEST_REPORT_FORMATS:
            problems.append(f"report {group}: file-format {report.get('file-format')!r} is not a test format")
        if not isinstance(report.get("files"), list) or not report["files"]:
            problems.append(f"report {group}: files must be a non-empty list")
    cache = spec.get("cache")
    if cache is not None:
        problems += [f"cache: unknown key {k!r}" for k in set(cache) - CACHE_KEYS]
        paths = cache.get("paths")
        if not isinstance(paths, list) or not all(isinstance(p, str) and ".." not in p for p in paths):
            problems.append("cache.paths must be a list of paths")
    return problems


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(BUILDSPEC.read_text(encoding="utf-8"))
    return loaded


def commands(spec: dict[str, Any]) -> list[str]:
    return [c for phase in PHASES for c in (spec["phases"].get(phase) or {}).get("commands", [])]


def test_buildspec_follows_the_codebuild_0_2_grammar(spec):
    assert schema_problems(spec) == []


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (lambda s: s.update(version=0.1), "version must be 0.2"),
        (lambda s: s["phases"].update(deploy={"commands": ["x"]}), "unknown phase 'deploy'"),
        (lambda s: s["phases"]["build"].update(commands="make test"), "build.commands must be"),
        (lambda s: s["reports"]["pytest"].update({"file-format": "JSON"}), "is not a test format"),
        (lambda s: s["env"]["variables"].update(X=1), "must be a string"),
        (lambda s: s["phases"]["build"].update({"runtime-versions": {"python": "3.11"}}), "unknown key"),
    ],
)
def test_the_schema_check_catches_what_codebuild_would_reject(spec, mutation, expected):
    broken = yaml.safe_load(yaml.safe_dump(spec))
    mutation(broken)
    assert any(expected in p for p in schema_problems(broken)), schema_problems(broken)


def makefile_targets() -> set[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return {m.group(1) for m in re.finditer(r"^([A-Za-z][\w.-]*)\s*:(?!=)", text, re.MULTILINE)}


def test_every_make_target_the_buildspec_runs_exists(spec):
    targets = makefile_targets()
    used = []
    for command in commands(spec):
        for match in re.finditer(r"\bmake\s+((?:[\w-]+\s*)+?)(?=\s+[A-Z_]+=|$|\n)", command):
            used += match.group(1).split()
    assert used, "the buildspec runs no make target"
    assert set(used) <= targets, set(used) - targets
    assert {"install", "validate", "test"} <= set(used)


def cfct_invocations(spec: dict[str, Any]) -> list[list[str]]:
    """Every `cfct-backup ...` command line in the buildspec, as argv after the program name."""
    found = []
    for command in commands(spec):
        for line in command.splitlines():
            if "cfct-backup" not in line:
                continue
            argv = shlex.split(line.replace('"$VENV/bin/cfct-backup"', "cfct-backup"))
            argv = [re.sub(r"\$\w+", "value", a) for a in argv]
            found.append(argv[argv.index("cfct-backup") + 1 :])
    return found


def test_every_cfct_backup_command_exists_and_its_arguments_parse(spec):
    invocations = cfct_invocations(spec)
    assert {argv[0] for argv in invocations} == {"package", "publish"}
    parser = build_parser()
    for argv in invocations:
        assert argv[0] in COMMANDS
        args = parser.parse_args(argv)  # exits (fails the test) on an unknown flag
        assert args.command == argv[0]


def test_steps_run_in_order_install_validate_test_package_publish(spec):
    flat = "\n".join(commands(spec))
    positions = [
        flat.index("make install"),
        flat.index("make validate"),
        flat.index("make test"),
        flat.index('cfct-backup" package'),
        flat.index('cfct-backup" publish'),
    ]
    assert positions == sorted(positions)
    # publish must not sit in post_build, which CodeBuild runs even when build failed
    assert "publish" not in "\n".join((spec["phases"].get("post_build") or {}).get("commands", []))


def test_pytest_writes_the_junit_file_the_report_group_reads(spec):
    report = spec["reports"]["pytest"]
    expected = str(Path(report["base-directory"]) / report["files"][0])
    assert f"--junitxml={expected}" in "\n".join(commands(spec))


def test_the_cached_paths_hold_the_virtual_environments(spec):
    variables = spec["env"]["variables"]
    cached = [p.removesuffix("/**/*") for p in spec["cache"]["paths"]]
    for var in ("VENV", "CHECKOV_VENV", "PIP_CACHE_DIR"):
        assert any(variables[var].startswith(c) for c in cached), var
        assert variables[var].startswith("/"), f"{var} must not live in the per-build source directory"
    assert spec["phases"]["install"]["runtime-versions"]["python"] == "3.11"
