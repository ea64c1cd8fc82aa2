"""CfCT's build stage (run-validation.sh, CfCT v2.8.4) over exactly what CfCT unpacks from the
configuration zip `cfct-backup package` builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cfct_backup.cfct.manifest import parse_manifest
from cfct_backup.delivery.package import Artifact, build_configuration_zip
from cfct_backup.delivery.zipfiles import extract_zip
from cfct_backup.validate import cfn_nag
from cfct_backup.validate.build_stage import build_stage, file_lines

REPO = Path(__file__).parents[2]
PACKAGES = Path(__file__).parents[1] / "corpus" / "packages"


def unpacked(source: Path, tmp_path: Path) -> Path:
    """Build the configuration zip from `source` and unpack it as CfCT's pipeline does."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    lambda_zip = tmp_path / "lambda.zip"
    lambda_zip.write_bytes(b"not used by the build stage")
    out = tmp_path / "out"
    out.mkdir()
    config = build_configuration_zip(source, out, Artifact.of(lambda_zip, 1), [])
    root = tmp_path / "unpacked"
    extract_zip(config.path, root)
    return root


def test_the_package_zip_passes_cfcts_build_stage(tmp_path: Path) -> None:
    root = unpacked(REPO, tmp_path)
    assert (root / "manifest.yaml").is_file()
    assert not (root / "prerequisites").exists()  # deployed by hand, never seen by CfCT
    assert not (root / "templates" / "pre-pipeline.yaml").exists()
    text = (root / "manifest.yaml").read_text()
    _, manifest_problems = parse_manifest(text)
    assert [p for p in manifest_problems if p.severity == "error"] == []
    problems = build_stage(root)
    assert problems == [], "\n".join(map(str, problems))
    # every template CfCT nags: no failing rule, and every suppression carries its reason
    templates = sorted((root / "templates").rglob("*.yaml"))
    assert templates
    suppressions = 0
    for path in templates:
        assert cfn_nag.scan_text(path.read_text()) == [], path
        for resource in cfn_nag.resources(cfn_nag.load_template(path.read_text())):
            for s in cfn_nag.suppressions(resource):
                suppressions += 1
                assert isinstance(s.get("reason"), str) and len(s["reason"].split()) >= 5, (path, s)
    assert suppressions >= 1  # the log archive's conformance bucket policy (F16)


def test_a_package_with_a_wildcard_principal_bucket_policy_fails_with_f16(tmp_path: Path) -> None:
    source = tmp_path / "pkg"
    shutil.copytree(PACKAGES / "minimal", source)
    (source / "templates" / "bunker.yaml").write_text(
        (
            Path(__file__).parents[1] / "corpus" / "cfn_nag" / "f16_star_principal_condition_ignored.yaml"
        ).read_text()
    )
    problems = build_stage(unpacked(source, tmp_path / "z"))
    assert [(p.path, p.line, p.severity, p.code) for p in problems] == [
        ("templates/bunker.yaml", 7, "error", "F16")
    ]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("    resource_file: templates/a.yaml", ["templates/a.yaml"]),
        ("    resource_file:   templates/a.yaml   # comment", ["templates/a.yaml"]),
        ("    resource_file: templates/a.yaml\r", ["templates/a.yaml"]),
        ('    resource_file: "templates/a.yaml"', ['"templates/a.yaml"']),
        ("  - resource_file: templates/a.yaml", ["resource_file:"]),
        ("resource_file: templates/a.yaml", []),  # no indentation: field 3 is empty
        ("    # resource_file: templates/a.yaml", []),
        ("    description: see the parameter_file: below", ["see"]),
    ],
)
def test_file_lines_are_cut_as_the_script_cuts_them(line: str, words: list[str]) -> None:
    assert [w for _, w in file_lines(line + "\n")] == words
