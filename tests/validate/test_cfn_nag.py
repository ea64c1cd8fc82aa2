"""The cfn_nag 0.7.2 F-rule model over its corpus (tests/corpus/cfn_nag), and over the package."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cfct_backup.validate import cfn_nag
from cfct_backup.validate.build_stage import nag_template

CORPUS = Path(__file__).parents[1] / "corpus" / "cfn_nag"
CASES: dict[str, list[list[str]]] = yaml.safe_load((CORPUS / "cases.yaml").read_text())
REPO = Path(__file__).parents[2]


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_template_gets_exactly_the_violations_cfn_nag_reports(name: str) -> None:
    found = cfn_nag.scan_text((CORPUS / name).read_text())
    got = sorted([v.rule_id, v.logical_id] for v in found)
    assert got == sorted(CASES[name])


def test_every_modelled_rule_fires_in_the_corpus() -> None:
    fired = {rule for expected in CASES.values() for rule, _ in expected}
    untested = set(cfn_nag.RULES) - fired - {"F4", "F5", "F7", "F8", "F14", "F39", "F40"}
    assert untested == set()


@pytest.mark.parametrize(
    ("rule", "resource"),
    [
        ("F4", {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "p", "PolicyDocument": {
            "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}}}),
        ("F5", {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {
            "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}}}),
        ("F39", {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "p", "PolicyDocument": {
            "Statement": [{"Effect": "Allow", "Action": "iam:*Role", "Resource": "*"}]}}}),
        ("F40", {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {
            "Statement": [{"Effect": "Deny", "Action": "iam:PassRole", "Resource": ["*"]}]}}}),
        ("F7", {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": ["q"], "PolicyDocument": {
            "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "a"}, "Action": "sqs:SendMessage"}]}}}),
        ("F8", {"Type": "AWS::SNS::TopicPolicy", "Properties": {"Topics": ["t"], "PolicyDocument": {
            "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "a"}, "Action": "sns:Publish"}]}}}),
        ("F14", {"Type": "AWS::S3::Bucket", "Properties": {"AccessControl": "PublicReadWrite"}}),
    ],
)  # fmt: skip
def test_rules_on_types_the_package_does_not_use_yet(rule: str, resource: dict[str, object]) -> None:
    # F40: cfn_nag's PassRole rules do not read Effect (a Deny fires too)
    found = cfn_nag.scan({"Resources": {"R": resource}})
    assert [(v.rule_id, v.logical_id) for v in found] == [(rule, "R")]


def test_a_violation_is_one_line_with_file_line_and_the_cfct_consequence() -> None:
    text = (CORPUS / "f16_star_principal_condition_ignored.yaml").read_text()
    (problem,) = nag_template(text, "templates/x.yaml")
    assert (problem.path, problem.line, problem.severity, problem.code) == (
        "templates/x.yaml",
        7,
        "error",
        "F16",
    )
    assert "cfn_nag_scan" in problem.message
    assert "rules_to_suppress" in problem.message


def test_a_suppression_without_reason_is_a_warning_not_an_error() -> None:
    text = (CORPUS / "f16_suppressed_with_reason.yaml").read_text()
    assert nag_template(text, "t.yaml") == []
    bare = text.replace("            reason: the organization reads it, limited by aws:PrincipalOrgID\n", "")
    assert [(p.severity, p.code) for p in nag_template(bare, "t.yaml")] == [("warning", "NAG001")]


def test_every_template_of_the_package_passes_and_every_suppression_has_a_reason() -> None:
    for path in [
        *sorted((REPO / "templates").glob("*.yaml")),
        *sorted((REPO / "prerequisites").glob("*.yaml")),
    ]:
        problems = nag_template(path.read_text(), path.name)
        assert problems == [], problems
