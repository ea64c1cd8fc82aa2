"""The command line itself: entry point, help, exit codes, and one line (never a traceback) for every
kind of bad input, naming the file and the cause."""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cfct_backup import __version__
from cfct_backup.cli import COMMANDS, EXAMPLES, main
from cfct_backup.commands import output
from cfct_backup.commands.output import UsageError, check_writable, write_atomic

ROOT = Path(__file__).resolve().parents[1]
ORG = ROOT / "examples" / "organization.yaml"
MINIMAL = ROOT / "tests" / "corpus" / "packages" / "minimal"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own exits (usage errors, --help)
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.out, captured.err


def test_version_flag_prints_package_version(capsys):
    code, out, _ = run_cli(capsys, "--version")
    assert code == 0 and __version__ in out


def test_no_command_prints_help_and_exits_2(capsys):
    code, out, _ = run_cli(capsys)
    assert code == 2 and "usage: cfct-backup" in out


def test_unknown_command_is_rejected(capsys):
    code, _, err = run_cli(capsys, "no-such-command")
    assert code == 2 and "invalid choice" in err


def test_every_registered_command_exists_with_the_command_interface(capsys):
    import importlib

    for name, module_name in COMMANDS.items():
        module = importlib.import_module(f"cfct_backup.commands.{module_name}")
        assert isinstance(module.HELP, str) and module.HELP, name
        assert callable(module.add_arguments), name
        assert callable(module.run), name
    code, listed, _ = run_cli(capsys, "--help")
    assert code == 0 and all(name in listed for name in COMMANDS)


def test_help_lists_the_exit_codes_and_json_output(capsys):
    _, out, _ = run_cli(capsys, "--help")
    for line in ("0    clean", "1    findings", "2    bad input or usage", "130  interrupted"):
        assert line in out, line
    assert '"schemaVersion"' in out and "camelCase" in out


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_help_has_an_example_and_the_exit_codes(capsys, command):
    code, out, _ = run_cli(capsys, command, "--help")
    assert code == 0
    assert f"example:\n  {EXAMPLES[command]}" in out
    assert EXAMPLES[command].startswith(f"cfct-backup {command}")
    assert "2    bad input or usage" in out


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_has_its_page_with_its_example(command):
    page = ROOT / "docs" / "commands" / f"{command}.md"
    assert page.is_file(), page
    text = page.read_text(encoding="utf-8")
    assert EXAMPLES[command] in text and "Exit codes" in text


def test_console_entry_point_runs_as_module():
    out = subprocess.run(
        [sys.executable, "-m", "cfct_backup", "--help"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0
    assert "cfct-backup" in out.stdout


# ---- bad input: one line naming the file and the cause, exit 2, nothing half-written -----------------


def test_report_path_in_a_missing_directory_is_refused_before_the_run(capsys, tmp_path):
    missing = tmp_path / "no-such-dir" / "report.json"
    code, out, err = run_cli(capsys, "simulate", "--report", str(missing))
    assert code == 2
    assert err.strip() == (
        f"cfct-backup simulate: error: {missing}: cannot write the report: "
        f"directory {missing.parent} does not exist"
    )
    assert out == ""  # refused before the simulation started
    assert not missing.parent.exists()


def test_html_path_under_a_file_is_refused_before_the_run(capsys, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, _, err = run_cli(capsys, "simulate", "--html", str(blocker / "r.html"))
    assert code == 2 and f"{blocker / 'r.html'}: cannot write the report" in err
    assert len(err.strip().splitlines()) == 1


def test_audit_output_paths_are_checked_before_any_aws_call(capsys, tmp_path):
    target = tmp_path / "missing" / "audit.csv"
    code, _, err = run_cli(capsys, "audit", "--profile", "no-such-profile-xyz", "--csv", str(target))
    assert code == 2 and f"{target}: cannot write the report" in err
    assert "no-such-profile-xyz" not in err  # the profile was never looked at


def test_unwritable_out_directory_is_one_line(capsys, tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output directory should be")
    code, _, err = run_cli(capsys, "package", str(MINIMAL), "--out", str(blocker))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cfct-backup package: ") and str(blocker) in lines[0]


def test_a_failed_write_keeps_the_report_and_says_where(tmp_path):
    """The rename cannot replace a directory: the report is kept in the temporary directory."""
    target = tmp_path / "report.json"
    target.mkdir()
    with pytest.raises(UsageError) as info:
        write_atomic(target, '{"ok": true}\n')
    message = str(info.value)
    assert message.startswith(f"{target}: cannot write the report: ")
    kept = Path(message.rsplit("was saved to ", 1)[1])
    assert kept.read_text(encoding="utf-8") == '{"ok": true}\n'
    kept.unlink()
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left beside it


def test_writes_are_atomic_and_replace_the_previous_report(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["r.json"]
    check_writable(target)
    with pytest.raises(UsageError, match="it is a directory"):
        check_writable(tmp_path)


def test_a_console_that_cannot_print_a_character_does_not_crash(tmp_path):
    """PYTHONIOENCODING=cp1252 (a Windows console): a path with ✓ prints escaped, the exit code is kept."""
    package = tmp_path / "pkg"
    shutil.copytree(MINIMAL, package)
    (package / "templates" / "notes-\u2713.txt").write_text("CfCT lints every file under templates/\n")
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    out = subprocess.run(
        [sys.executable, "-m", "cfct_backup", "validate", str(package), "--no-lint"],
        capture_output=True,
        env=env,
        check=False,
    )
    assert out.returncode == 1, out.stderr  # the finding, not a crash
    stdout = out.stdout.decode("cp1252")
    assert "notes-\\u2713.txt" in stdout and b"Traceback" not in out.stderr


def test_the_console_fix_applies_in_process(monkeypatch, capsys):
    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding="cp1252")
    monkeypatch.setattr(sys, "stdout", console)

    def run(_args: argparse.Namespace) -> int:
        print("3 \u2713 checks passed")
        return 0

    monkeypatch.setattr("cfct_backup.commands.generate.run", run)
    assert main(["generate", "--check"]) == 0
    console.flush()
    assert raw.getvalue().decode("cp1252") == "3 \\u2713 checks passed\n"


def test_keyboard_interrupt_is_one_line_and_exit_130(monkeypatch, capsys):
    def interrupted(_args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("cfct_backup.commands.plan.run", interrupted)
    code, _, err = run_cli(capsys, "plan")
    assert code == output.EXIT_INTERRUPTED == 130
    assert err.strip().startswith("cfct-backup plan: interrupted") and len(err.strip().splitlines()) == 1


def test_an_unexpected_exception_is_one_line_without_traceback(monkeypatch, capsys):
    def broken(_args: argparse.Namespace) -> int:
        raise RuntimeError("the emulator fell over")

    monkeypatch.setattr("cfct_backup.commands.plan.run", broken)
    monkeypatch.delenv("CFCT_BACKUP_DEBUG", raising=False)
    code, _, err = run_cli(capsys, "plan")
    assert code == 2
    assert err.strip() == (
        "cfct-backup plan: internal error: RuntimeError: the emulator fell over "
        "(set CFCT_BACKUP_DEBUG=1 for the traceback)"
    )


def test_missing_organization_file_names_it(capsys, tmp_path):
    missing = tmp_path / "org.yaml"
    for command in ("plan", "simulate", "configure"):
        code, _, err = run_cli(capsys, command, "--org", str(missing))
        assert code == 2, command
        assert f"{missing}: cannot read" in err, (command, err)


def test_organization_errors_come_all_at_once_with_file_line_and_did_you_mean(capsys, tmp_path):
    org = tmp_path / "org.yaml"
    text = ORG.read_text(encoding="utf-8")
    assert "  email: " in text and "    protected: true" in text
    text = text.replace("  email: ", "  emial: ", 1).replace("    protected: true", "    protectd: true", 1)
    org.write_text(text)
    lines = text.splitlines()
    expected = [i + 1 for i, line in enumerate(lines) if "emial:" in line or "protectd:" in line]
    code, _, err = run_cli(capsys, "plan", "--org", str(org))
    assert code == 2
    assert "2 unknown field(s)" in err
    assert f"{org}:{expected[0]}: management.emial: unknown field (did you mean 'email'?)" in err
    assert f"{org}:{expected[1]}: " in err and "protectd: unknown field (did you mean 'protected'?)" in err


def test_organization_value_error_carries_its_line(capsys, tmp_path):
    org = tmp_path / "org.yaml"
    text = ORG.read_text(encoding="utf-8")
    org.write_text(text.replace("home: us-east-1", "home: moon", 1))
    line = next(i + 1 for i, row in enumerate(text.splitlines()) if "home: us-east-1" in row)
    code, _, err = run_cli(capsys, "plan", "--org", str(org))
    assert code == 2 and f"{org}:{line}: regions.home: 'moon' is not a Region name" in err


def test_invalid_yaml_names_the_file_and_line(capsys, tmp_path):
    org = tmp_path / "org.yaml"
    org.write_text("regions: [\n  us-east-1\nmanagement: x\n")
    code, _, err = run_cli(capsys, "plan", "--org", str(org))
    assert code == 2 and f"{org}: line " in err and "not valid YAML" in err


def test_manifest_errors_come_all_at_once_with_did_you_mean(capsys, tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(MINIMAL, package)
    manifest = package / "manifest.yaml"
    text = manifest.read_text()
    text = text.replace("    deploy_method: scp\n", "    deploy_methd: scp\n    deploy_method: scp\n", 1)
    text = text.replace("region: us-east-1\n", "region: us-east-1\nregoin: us-west-2\n", 1)
    manifest.write_text(text)
    code, _, err = run_cli(capsys, "plan", "--package", str(package), "--org", str(ORG))
    assert code == 2
    problems = [line for line in err.splitlines() if "MAN003" in line]
    assert len(problems) == 2, err  # both at once
    assert any(
        "regoin" in p and "(did you mean 'region'?)" in p and "manifest.yaml:3:" in p for p in problems
    )
    assert any("deploy_methd" in p and "(did you mean 'deploy_method'?)" in p for p in problems)


def test_bad_var_is_a_usage_error(capsys):
    policy = ROOT / "policies" / "backup" / "daily.json"
    code, _, err = run_cli(capsys, "backup-policy", "effective", str(policy), "--var", "HomeRegion")
    assert (
        code == 2
        and err.strip() == "cfct-backup backup-policy: error: --var 'HomeRegion': expected NAME=VALUE"
    )


def test_bad_event_file_names_it(capsys, tmp_path):
    event = tmp_path / "event.json"
    event.write_text("{not json")
    code, _, err = run_cli(capsys, "simulate", "--event", str(event))
    assert code == 2 and str(event) in err


def test_validate_json_is_a_list_of_problems(capsys, tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(MINIMAL, package)
    (package / "templates" / "stray.txt").write_text("x")
    code, out, _ = run_cli(capsys, "validate", str(package), "--no-lint", "--format", "json")
    assert code == 1
    problems = json.loads(out)
    assert problems and set(problems[0]) == {"path", "line", "severity", "code", "message"}
