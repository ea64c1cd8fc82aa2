"""The command line itself: entry point, help and unknown commands."""

import subprocess
import sys

from cfct_backup import __version__
from cfct_backup.cli import COMMANDS, main


def test_version_flag_prints_package_version(capsys):
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert __version__ in capsys.readouterr().out


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: cfct-backup" in capsys.readouterr().out


def test_unknown_command_is_rejected(capsys):
    try:
        main(["no-such-command"])
        raise AssertionError("argparse should have exited")
    except SystemExit as exc:
        assert exc.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_every_registered_command_exists_with_the_command_interface(capsys):
    import importlib

    for name, module_name in COMMANDS.items():
        module = importlib.import_module(f"cfct_backup.commands.{module_name}")
        assert isinstance(module.HELP, str) and module.HELP, name
        assert callable(module.add_arguments), name
        assert callable(module.run), name
    # and --help lists every one of them
    try:
        main(["--help"])
    except SystemExit as exc:
        assert exc.code == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in COMMANDS)


def test_console_entry_point_runs_as_module():
    out = subprocess.run(
        [sys.executable, "-m", "cfct_backup", "--help"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0
    assert "cfct-backup" in out.stdout
