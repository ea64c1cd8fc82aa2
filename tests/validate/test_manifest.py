"""The CfCT v2 manifest loader: schema, CfCT traps, line numbers, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfct_backup.cfct import ManifestError, load_manifest, parse_manifest

GOOD = """\
region: us-east-1
version: 2021-03-15
enable_stack_set_deletion: true
resources:
  - name: member-baseline
    description: vault, key, role
    resource_file: templates/member.yaml
    deploy_method: stack_set
    deployment_targets:
      accounts:
        - '012345678912'
        - Log Archive
      organizational_units:
        - Workloads
        - Workloads:Prod
    parameters:
      - parameter_key: BunkerAccountId
        parameter_value: $[alfred_ssm_/cfct-backup/accounts/bunker]
      - parameter_key: Count
        parameter_value: '3'
    regions:
      - us-east-1
      - us-west-2
    export_outputs:
      - name: /cfct-backup/out/vault
        value: $[output_VaultArn]
  - name: protect-backup
    resource_file: policies/scp/protect.json
    deploy_method: scp
    deployment_targets:
      organizational_units: [Workloads]
"""


def codes(text: str) -> list[tuple[int | None, str]]:
    _, problems = parse_manifest(text, "manifest.yaml")
    return [(p.line, p.code) for p in problems]


def test_good_manifest_builds_the_model(tmp_path: Path) -> None:
    path = tmp_path / "manifest.yaml"
    path.write_text(GOOD)
    manifest = load_manifest(path)
    assert manifest.region == "us-east-1"
    assert manifest.version == "2021-03-15"
    assert manifest.enable_stack_set_deletion is True
    first, second = manifest.resources
    assert first.name == "member-baseline"
    assert first.accounts == ("012345678912", "Log Archive")
    assert first.organizational_units == ("Workloads", "Workloads:Prod")
    assert first.parameters == (
        ("BunkerAccountId", "$[alfred_ssm_/cfct-backup/accounts/bunker]"),
        ("Count", "3"),
    )
    assert first.regions == ("us-east-1", "us-west-2")
    assert first.export_outputs == (("/cfct-backup/out/vault", "$[output_VaultArn]"),)
    assert first.line == 5
    assert second.deploy_method == "scp"
    assert second.parameters is None
    assert second.line == 27
    assert codes(GOOD) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("'012345678912'", "012345670123", (11, "MAN010")),  # octal
        ("'012345678912'", "123456789012", (11, "MAN010")),  # number
        ("'012345678912'", "012345678912", (11, "MAN010")),  # not octal, still unquoted
        ("'012345678912'", "ops@example.com", (11, "MAN011")),
        ("'012345678912'", "'12345'", (11, "MAN012")),
        ("- Workloads:Prod", "- Root:Workloads:Prod", (15, "MAN014")),
        ("      - us-east-1\n      - us-west-2", "      us-east-1", (22, "MAN016")),
        ("    deploy_method: scp", "    deploy_method: scp\n    depoly_method: scp", (30, "MAN003")),
        ("    regions:\n", "    parameter_file: parameters/x.json\n    regions:\n", (17, "MAN015")),
        ("$[alfred_ssm_/cfct-backup/accounts/bunker]", "$[alfred_getssm_/x]", (18, "MAN017")),
        ("deploy_method: stack_set", "deploy_method: stackset", (8, "MAN007")),
        ("version: 2021-03-15", "version: 2019-01-01", (2, "MAN006")),
        ("region: us-east-1", "region: useast1", (1, "MAN022")),
        ("  - name: protect-backup", "  - name: member-baseline", (27, "MAN018")),
        ("region: us-east-1\n", "region: us-east-1\nregion: us-east-2\n", (2, "MAN019")),
    ],
)
def test_each_trap_is_reported_with_code_and_line(old: str, new: str, expected: tuple[int, str]) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    assert expected in codes(text), codes(text)


def test_octal_message_shows_what_yaml_made_of_it() -> None:
    _, problems = parse_manifest(GOOD.replace("'012345678912'", "012345670123"), "m.yaml")
    assert "1402433619" in problems[0].message


def test_load_manifest_raises_with_all_errors(tmp_path: Path) -> None:
    path = tmp_path / "manifest.yaml"
    path.write_text(GOOD.replace("- Workloads:Prod", "- Root:Prod").replace("'012345678912'", "a@b.co"))
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    # the email is ours alone (CfCT takes it as a name, finds none, targets nothing): not an error
    assert sorted(p.code for p in info.value.problems) == ["MAN014"]


def test_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as info:
        load_manifest(tmp_path / "nope.yaml")
    assert info.value.problems[0].code == "MAN000"


def test_yaml_syntax_error_has_a_line() -> None:
    assert codes("region: us-east-1\nresources: [\n  - a: b\n")[0][1] == "MAN001"


_yaml_scalars = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.booleans(),
    st.none(),
    st.sampled_from(["012", "0o7", "2021-03-15"]),
)
_yaml_values = st.recursive(
    _yaml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "resource_file",
                    "deploy_method",
                    "deployment_targets",
                    "accounts",
                    "organizational_units",
                    "parameters",
                    "regions",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_any_text_loads_or_fails_with_manifest_error(text: str) -> None:
    manifest, problems = parse_manifest(text, "m.yaml")
    assert manifest is not None or problems
    assert all(p.code.startswith("MAN") for p in problems)


@settings(max_examples=60, deadline=None)
@given(_yaml_values, st.lists(_yaml_values, max_size=3))
def test_any_structure_loads_or_fails_with_manifest_error(top: object, resources: list[object]) -> None:
    import yaml

    doc = {"region": "us-east-1", "version": "2021-03-15", "resources": resources, "extra": top}
    text = yaml.safe_dump(doc)
    manifest, problems = parse_manifest(text, "m.yaml")
    assert all(p.code.startswith("MAN") for p in problems)
    assert any(p.code == "MAN003" for p in problems)  # 'extra' is never allowed
    assert manifest is None or manifest.region == "us-east-1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("$[alfred_ssm_/cfct-backup/regions/home]", []),
        ("$[alfred_ssm_plainname]", []),
        ("$[alfred_genpass_16]", []),
        ("$[alfred_genaz_2]", []),
        ("$[alfred_genkeypair]", []),
        ("$[alfred_genuuid]", [("warning", "MAN017")]),  # no branch: the literal 'alfred_genuuid'
        ("$[alfred_ssm_]", [("error", "MAN017")]),  # CfCT raises "Missing SSM parameter name"
        ("$[alfred_genpass_x]", [("error", "MAN017")]),  # int('x') fails in CfCT
        ("$[alfred_genpass]", [("warning", "MAN017")]),  # no branch: the literal 'alfred_genpass'
        ("$[alfred_get_ssm_/x]", [("warning", "MAN017")]),
        ("prefix-$[alfred_ssm_/x]", [("warning", "MAN017")]),  # only a whole value is resolved
        ("$[alfred_ssm_/a],$[alfred_ssm_/b]", []),  # CfCT splits on commas first
    ],
)
def test_alfred_helpers(value: str, expected: list[tuple[str, str]]) -> None:
    text = GOOD.replace("$[alfred_ssm_/cfct-backup/accounts/bunker]", f"'{value}'")
    _, problems = parse_manifest(text, "m.yaml")
    assert [(p.severity, p.code) for p in problems] == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # CfCT's schema (pykwalify) refuses these: errors
        ("version: 2021-03-15", 'version: "2021-03-15"', (2, "error", "MAN100")),
        ("      - us-west-2", "      - us-east-1", (23, "error", "MAN018")),
        ("    description: vault, key, role", "    description: 12", (6, "error", "MAN005")),
        # ours alone, CfCT accepts: warnings
        ("'012345678912'", "ops@example.com", (11, "warning", "MAN011")),
        ("'012345678912'", "012345670123", (11, "warning", "MAN010")),
        ("region: us-east-1", "region: useast1", (1, "warning", "MAN022")),
        ("  - name: protect-backup", "  - name: member-baseline", (27, "warning", "MAN018")),
        # CfCT fails on it when it deploys (landing zone 4.0 has no BASELINE-CONFIG): error
        ("        - Workloads\n        - Workloads:Prod", "        - Root", (10, "error", "MAN030")),
    ],
)
def test_errors_are_what_cfct_refuses_warnings_what_is_ours_alone(
    old: str, new: str, expected: tuple[int, str, str]
) -> None:
    assert old in GOOD
    _, problems = parse_manifest(GOOD.replace(old, new, 1), "manifest.yaml")
    assert expected in [(p.line, p.severity, p.code) for p in problems], problems


def test_quoted_version_is_one_line_naming_cfct_schema() -> None:
    _, problems = parse_manifest(GOOD.replace("version: 2021-03-15", "version: '2021-03-15'"), "m.yaml")
    assert len(problems) == 1
    assert "quoted version" in problems[0].message
    assert "build stage" in problems[0].message


def test_an_unquoted_account_id_is_modelled_as_cfct_reads_it() -> None:
    # YAML 1.1 reads 012345670123 as octal; CfCT's yorm String makes '1402433619' of it, which is no
    # account ID and no account name: the interpreter must not target 012345670123
    manifest, _ = parse_manifest(GOOD.replace("'012345678912'", "012345670123"), "m.yaml")
    assert manifest is not None
    assert manifest.resources[0].accounts[0] == "1402433619"
    manifest, _ = parse_manifest(GOOD.replace("'012345678912'", "123456789012"), "m.yaml")
    assert manifest is not None
    assert manifest.resources[0].accounts[0] == "123456789012"
