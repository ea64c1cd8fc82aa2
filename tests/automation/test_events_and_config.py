"""Event model and configuration: pure functions, no AWS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cfct_backup_automation.config import ConfigError, config_from
from cfct_backup_automation.events import IgnoredEvent, parse_event

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "events"

PARAMS = {
    "org/id": "o-abc123defg",
    "accounts/management": "111111111111",
    "accounts/log-archive": "222222222222",
    "accounts/audit": "333333333333",
    "accounts/bunker": "444444444444",
    "regions/home": "us-east-1",
    "regions/dr": "us-west-2",
    "regions/governed": "us-east-1,us-west-2",
    "protected-ous/ids": "ou-ab12-11111111,ou-ab12-22222222",
}


def test_control_tower_example_events_parse() -> None:
    ev = parse_event(json.loads((EXAMPLES / "create-managed-account-prod.json").read_text()))
    assert ev.kind == "CreateManagedAccount"
    assert len(ev.account_id) == 12 and ev.ou_id and ev.ou_id.startswith("ou-")
    assert ev.time.tzinfo is not None
    with pytest.raises(IgnoredEvent) as failed:
        parse_event(json.loads((EXAMPLES / "create-managed-account-failed.json").read_text()))
    assert failed.value.reason == "failed"
    assert (
        "410987654323" in failed.value.message and "email address is already in use" in failed.value.message
    )


def _org_event(name: str, **params: object) -> dict:
    return {
        "id": "e1",
        "source": "aws.organizations",
        "detail-type": "AWS API Call via CloudTrail",
        "time": "2026-11-26T10:00:00Z",
        "detail": {"eventName": name, "requestParameters": params},
    }


def test_organizations_events_parse() -> None:
    move = parse_event(
        _org_event(
            "MoveAccount",
            accountId="555555555555",
            sourceParentId="r-ab12",
            destinationParentId="ou-ab12-11111111",
        )
    )
    assert (move.kind, move.ou_id, move.source_parent_id) == ("MoveAccount", "ou-ab12-11111111", "r-ab12")
    close = parse_event(_org_event("CloseAccount", accountId="555555555555"))
    assert close.leaves_organization and close.ou_id is None
    with pytest.raises(IgnoredEvent, match="destinationParentId"):
        parse_event(_org_event("MoveAccount", accountId="555555555555"))
    failed = _org_event("CloseAccount", accountId="555555555555")
    failed["detail"]["errorCode"] = "AccessDeniedException"
    with pytest.raises(IgnoredEvent) as err:
        parse_event(failed)
    assert err.value.reason == "failed"
    with pytest.raises(IgnoredEvent) as err:
        parse_event(_org_event("CreateAccount", accountName="x"))
    assert err.value.reason == "unknown-event"


def test_bad_time_is_malformed() -> None:
    event = _org_event("CloseAccount", accountId="555555555555")
    event["time"] = "yesterday"
    with pytest.raises(IgnoredEvent) as err:
        parse_event(event)
    assert err.value.reason == "malformed" and "yesterday" in err.value.message


def test_config_names_every_missing_parameter() -> None:
    params = {k: v for k, v in PARAMS.items() if k not in {"accounts/bunker", "regions/governed"}}
    with pytest.raises(ConfigError) as err:
        config_from(params, {}, "/cfct-backup")
    assert "/cfct-backup/accounts/bunker" in str(err.value)
    assert "/cfct-backup/regions/governed" in str(err.value)


def test_config_rejects_bad_values_with_their_name() -> None:
    with pytest.raises(ConfigError, match="/cfct-backup/accounts/audit is not a 12-digit"):
        config_from({**PARAMS, "accounts/audit": "12345"}, {}, "/cfct-backup")
    with pytest.raises(ConfigError, match="BUNKER_ALLOWLIST_MODE"):
        config_from(PARAMS, {"BUNKER_ALLOWLIST_MODE": "ous"}, "/cfct-backup")
    with pytest.raises(ConfigError, match="MEMBER_VAULT_LOCK_REQUIRED"):
        config_from(PARAMS, {"MEMBER_VAULT_LOCK_REQUIRED": "maybe"}, "/cfct-backup")


def test_config_lists_and_defaults() -> None:
    cfg = config_from(
        PARAMS, {"EXPECTED_BACKUP_PLANS": "a, b", "AWS_PARTITION": "aws-us-gov"}, "/cfct-backup"
    )
    assert cfg.governed_regions == ("us-east-1", "us-west-2")
    assert cfg.protected_ou_ids == ("ou-ab12-11111111", "ou-ab12-22222222")
    assert cfg.expected_plans == ("a", "b")
    assert cfg.bunker_principal == "arn:aws-us-gov:iam::444444444444:root"
    assert cfg.report_bucket == "cfct-backup-reports-444444444444-us-east-1"
    assert cfg.is_protected_ou("ou-ab12-22222222") and not cfg.is_protected_ou(None)


def test_tracing_is_off_unless_asked_for() -> None:
    from cfct_backup_automation.runtime import start_tracing

    assert start_tracing("svc", {}) is None
    assert start_tracing("svc", {"POWERTOOLS_TRACE_DISABLED": "true"}) is None


def test_metric_is_an_emf_line_unless_powertools_metrics_are_disabled(monkeypatch, capsys) -> None:
    from cfct_backup_automation.telemetry import Telemetry

    monkeypatch.delenv("POWERTOOLS_DEV", raising=False)
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    telemetry = Telemetry(events_client=lambda: None)
    telemetry.metric("ProtectionGaps", 1, reason="no-vault")
    (line,) = capsys.readouterr().out.splitlines()
    emf = json.loads(line)
    assert emf["ProtectionGaps"] == [1.0] and emf["reason"] == "no-vault" and emf["service"] == "cfct-backup"
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "CfctBackup"

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    telemetry.metric("AccountsProtected", 1)
    assert capsys.readouterr().out == ""
    assert [m["name"] for m in telemetry.emitted_metrics] == ["ProtectionGaps", "AccountsProtected"]


def _baseline_call(name: str, error_code: str | None = None, **params: object) -> dict:
    # CloudTrail record of a Control Tower API call, as EventBridge delivers it
    # https://docs.aws.amazon.com/controltower/latest/userguide/logging-using-cloudtrail.html
    detail: dict = {
        "eventSource": "controltower.amazonaws.com",
        "eventName": name,
        "requestParameters": params,
    }
    if error_code:
        detail["errorCode"] = error_code
    return {
        "id": "e2",
        "source": "aws.controltower",
        "detail-type": "AWS API Call via CloudTrail",
        "time": "2026-11-26T10:00:00Z",
        "detail": detail,
    }


ENABLED = "arn:aws:controltower:us-east-1:111111111111:enabledbaseline/XAGF7TNOHRD7ES5VV"


def test_control_tower_baseline_calls_parse() -> None:
    # API_ResetEnabledBaseline.html / API_EnableBaseline.html: request parameters
    reset = parse_event(_baseline_call("ResetEnabledBaseline", enabledBaselineIdentifier=ENABLED))
    assert (reset.kind, reset.ou_id, reset.enabled_baseline, reset.account_id) == (
        "ResetEnabledBaseline",
        None,
        ENABLED,
        "",
    )
    assert reset.applies_baseline and not reset.leaves_organization
    update = parse_event(_baseline_call("UpdateEnabledBaseline", enabledBaselineIdentifier=ENABLED))
    assert update.applies_baseline and update.ou_id is None
    target = "arn:aws:organizations::111111111111:ou/o-abc123defg/ou-ab12-11111111"
    enable = parse_event(
        _baseline_call(
            "EnableBaseline",
            baselineIdentifier="arn:aws:controltower:us-east-1::baseline/17BSJV3IGJ2QSGA2",
            targetIdentifier=target,
        )
    )
    assert (enable.kind, enable.ou_id) == ("EnableBaseline", "ou-ab12-11111111")


@pytest.mark.parametrize(
    ("event", "reason", "words"),
    [
        (
            _baseline_call("DisableBaseline", enabledBaselineIdentifier=ENABLED),
            "unknown-event",
            "DisableBaseline",
        ),
        (
            _baseline_call("ResetEnabledBaseline", "ConflictException", enabledBaselineIdentifier=ENABLED),
            "failed",
            "ConflictException",
        ),
        (
            _baseline_call("ResetEnabledBaseline", enabledBaselineIdentifier="nope"),
            "malformed",
            "enabledBaselineIdentifier",
        ),
        (
            _baseline_call(
                "EnableBaseline",
                targetIdentifier="arn:aws:organizations::111111111111:root/o-abc123defg/r-ab12",
            ),
            "malformed",
            "targetIdentifier",
        ),
    ],
)
def test_baseline_calls_that_change_nothing_are_ignored_with_a_reason(
    event: dict, reason: str, words: str
) -> None:
    with pytest.raises(IgnoredEvent) as ignored:
        parse_event(event)
    assert ignored.value.reason == reason and words in ignored.value.message


def test_the_baseline_call_rule_routes_successful_baseline_calls_only() -> None:
    from cfnlint.decode.cfn_yaml import load
    from moto.events.models import EventPattern

    template = Path(__file__).resolve().parents[2] / "templates" / "lifecycle-automation.yaml"
    rule = load(str(template))["Resources"]["ControlTowerBaselineRule"]["Properties"]
    pattern = EventPattern.load(json.dumps(rule["EventPattern"]))
    reset = _baseline_call("ResetEnabledBaseline", enabledBaselineIdentifier=ENABLED)
    reset["detail"]["eventSource"] = "controltower.amazonaws.com"
    assert pattern.matches_event(reset)
    assert not pattern.matches_event(
        _baseline_call("ResetEnabledBaseline", "ConflictException", enabledBaselineIdentifier=ENABLED)
    )
    assert not pattern.matches_event(_baseline_call("DisableBaseline", enabledBaselineIdentifier=ENABLED))
    assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": ["EnrolmentFunction", "Arn"]}
