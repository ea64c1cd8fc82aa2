"""SCP size as CfCT sends it: the file text with CRLF line ends and every double space removed."""

import json

from cfct_backup.cfct.interpreter import policy_text_as_sent
from cfct_backup.validate.scp import MAX_SCP_BYTES, check_scp


def _policy(actions: int) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "D",
                "Effect": "Deny",
                "Action": [f"s3:Action{i:04d}" for i in range(actions)],
                "Resource": "*",
            }
        ],
    }


def test_policy_text_as_sent_matches_cfcts_transformation() -> None:
    assert policy_text_as_sent('{\r\n   "a":  "b  c"\n}') == '{\r\n "a":"bc"\r\n}'
    assert policy_text_as_sent('{\n    "a": 1\n}\n') == '{\r\n"a": 1\r\n}\r\n'


def test_a_policy_that_fits_minified_but_not_as_sent_is_too_large() -> None:
    # the smallest policy whose pretty text is over the quota (its minified form is well under it)
    actions = next(
        n
        for n in range(1, 5000)
        if len(policy_text_as_sent(json.dumps(_policy(n), indent=1))) > MAX_SCP_BYTES
    )
    data = _policy(actions)
    minified = json.dumps(data, separators=(",", ":"))
    pretty = json.dumps(data, indent=1)  # one-space indentation: most of it survives, and CR is added
    assert len(minified) < MAX_SCP_BYTES < len(policy_text_as_sent(pretty))
    assert [p.code for p in check_scp(minified, "p.json")] == []
    (problem,) = [p for p in check_scp(pretty, "p.json") if p.code == "SCP010"]
    assert "as CfCT sends it" in problem.message


def test_double_spaces_inside_a_value_change_what_organizations_receives() -> None:
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "A",
                    "Effect": "Deny",
                    "Action": "s3:Get*",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a  b"}},
                }
            ],
        }
    )
    assert '"a  b"' in text
    assert '"ab"' in policy_text_as_sent(text)
