"""`cfct-backup simulate` refuses bad input before starting the emulator (exit 2, clear message)."""

from pathlib import Path

from cfct_backup.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_unreadable_event_file(tmp_path, capsys):
    bad = tmp_path / "event.json"
    bad.write_text("{not json")
    assert main(["simulate", "--package", str(ROOT), "--event", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "not a readable JSON event" in err


def test_event_must_be_an_object(tmp_path, capsys):
    bad = tmp_path / "event.json"
    bad.write_text("[1, 2]")
    assert main(["simulate", "--package", str(ROOT), "--event", str(bad)]) == 2
    assert "an event is a JSON object" in capsys.readouterr().err


def test_bad_organization_names_file_and_field(tmp_path, capsys):
    org = tmp_path / "org.yaml"
    org.write_text(
        (ROOT / "examples" / "organization.yaml").read_text().replace("home: us-east-1", "home: moon")
    )
    assert main(["simulate", "--package", str(ROOT), "--org", str(org)]) == 2
    err = capsys.readouterr().err
    assert f"{org}:" in err and "regions.home: 'moon' is not a Region name" in err


def test_package_without_manifest(tmp_path, capsys):
    assert (
        main(["simulate", "--package", str(tmp_path), "--org", str(ROOT / "examples" / "organization.yaml")])
        == 2
    )
    assert "no CfCT manifest" in capsys.readouterr().err
