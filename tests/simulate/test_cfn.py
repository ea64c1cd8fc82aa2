"""The small CloudFormation reader/evaluator `plan` uses."""

import pytest

from cfct_backup.cfct.cfn import Evaluator, Unresolvable, load_template, resource_types

TEMPLATE = """
Parameters:
  Bunker: {Type: String}
  Ous: {Type: CommaDelimitedList}
  Env: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  Policy:
    Type: AWS::Organizations::Policy
    Condition: IsProd
    Properties:
      Name: !Sub "p-${Env}"
      TargetIds: !Ref Ous
      Content: !Sub
        - '{"vault": "arn:${AWS::Partition}:backup:${AWS::Region}:${Bunker}:backup-vault:${Name}",
           "x": "${!Literal}"}'
        - Name: bunker
      Joined: !Join [",", [a, !Select [1, !Split ["|", "x|y|z"]]]]
      Maybe: !If [NotProd, yes, !Ref "AWS::NoValue"]
      Arn: !GetAtt Vault.Arn
  Vault:
    Type: AWS::Backup::BackupVault
"""


def test_short_form_tags_and_resource_types():
    template = load_template(TEMPLATE)
    assert resource_types(template) == {
        "Policy": "AWS::Organizations::Policy",
        "Vault": "AWS::Backup::BackupVault",
    }
    assert template["Resources"]["Policy"]["Properties"]["Arn"] == {"Fn::GetAtt": ["Vault", "Arn"]}


def test_evaluation_of_parameters_pseudo_parameters_and_functions():
    template = load_template(TEMPLATE)
    ev = Evaluator(
        template,
        {"Bunker": "111122223333", "Ous": "ou-a,ou-b"},
        account_id="123456789012",
        region="us-west-2",
    )
    props = dict(template["Resources"]["Policy"]["Properties"])
    props.pop("Arn")
    out = ev.eval(props)
    assert out["Name"] == "p-prod"
    assert out["TargetIds"] == ["ou-a", "ou-b"]
    assert out["Content"] == (
        '{"vault": "arn:aws:backup:us-west-2:111122223333:backup-vault:bunker", "x": "${Literal}"}'
    )
    assert out["Joined"] == "a,y"
    assert "Maybe" not in out  # AWS::NoValue removes the property
    assert ev.condition("IsProd") and not ev.condition("NotProd")


def test_what_needs_a_deployment_is_unresolvable():
    template = load_template(TEMPLATE)
    ev = Evaluator(template, {}, account_id="123456789012", region="us-east-1")
    with pytest.raises(Unresolvable, match="Bunker"):
        ev.eval({"Fn::Sub": "${Bunker}"})
    with pytest.raises(Unresolvable, match="GetAtt"):
        ev.eval({"Fn::Sub": "${Vault.Arn}"})
    with pytest.raises(Unresolvable, match="Fn::GetAtt"):
        ev.eval({"Fn::GetAtt": ["Vault", "Arn"]})


def test_json_templates_and_non_templates():
    assert load_template('{"Resources": {}}') == {"Resources": {}}
    with pytest.raises(ValueError, match="not a CloudFormation template"):
        load_template("- just a list")


def test_a_bad_template_is_an_error_naming_the_file_and_the_line():
    # the tab on line 4 breaks YAML indentation (YAML 1.2, 6.1: tabs are not indentation)
    with pytest.raises(ValueError, match=r"^templates/x\.yaml: not a CloudFormation template: .*\(line 4\)$"):
        load_template("Resources:\n  A:\n    Type: X\n\tB: 1\n", "templates/x.yaml")
