"""Enrolment and offboarding against an emulated organization (issue 5, Must show)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.exceptions import ClientError
from cfct_backup_automation import handler_enrolment, inventory
from cfct_backup_automation.config import GRANT_OPERATIONS
from cfct_backup_automation.enrolment import enrol_account, handle_event
from cfct_backup_automation.events import parse_event
from cfct_backup_automation.runtime import LocalContext
from cfct_backup_automation.sessions import RoleNotReady

from .conftest import DR, HOME, REGIONS, Org


def _detail_types(events: list[dict]) -> list[str]:
    return [e["detail-type"] for e in events]


def _opt_in(org: Org, account: str, region: str) -> dict:
    return org.member_client("backup", account, region).describe_region_settings()[
        "ResourceTypeOptInPreference"
    ]


def test_vended_account_in_protected_ou_ends_protected_with_wiring_in_member_account(org: Org, rt) -> None:
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    outcome = handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry)

    assert outcome.state == "PROTECTED", outcome.as_dict()
    for region in REGIONS:
        grants = org.bunker_grants(account, region)  # read through assumed-role credentials
        assert len(grants) == 1
        assert grants[0]["GranteePrincipal"] == f"arn:aws:iam::{org.bunker}:root"
        assert sorted(grants[0]["Operations"]) == sorted(GRANT_OPERATIONS)
        prefs = _opt_in(org, account, region)
        assert all(prefs.get(s) is True for s in rt.cfg.opt_in_services)
    # Nothing landed in the caller's (management) account.
    assert boto3.client("kms", HOME).list_keys()["Keys"] == []
    assert (
        boto3.client("backup", HOME).describe_region_settings()["ResourceTypeOptInPreference"]["S3"] is False
    )

    item = org.inventory(account)
    assert item is not None
    assert item["state"] == "PROTECTED"
    assert item["ouId"] == org.protected_ou
    assert set(item["grants"]) == set(REGIONS)
    assert "leaseOwner" not in item
    assert item["enteredScopeAt"] <= item["protectedAt"]

    events = org.events()
    assert _detail_types(events) == ["Account Protected"]
    assert events[0]["detail"]["accountId"] == account
    assert events[0]["detail"]["timeToProtectionSeconds"] >= 290  # event time was 5 minutes ago
    names = [m["name"] for m in rt.telemetry.emitted_metrics]
    assert "AccountsProtected" in names and "TimeToProtectionSeconds" in names


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (
            lambda e: e["detail"]["serviceEventDetails"]["createManagedAccountStatus"].update(state="FAILED"),
            "failed",
        ),
        (lambda e: e["detail"].update(eventName="DeregisterOrganizationalUnit"), "unknown-event"),
        (lambda e: e["detail"]["serviceEventDetails"].pop("createManagedAccountStatus"), "malformed"),
        (
            lambda e: e["detail"]["serviceEventDetails"]["createManagedAccountStatus"]["account"].update(
                accountId="12345"
            ),
            "malformed",
        ),
        (lambda e: e.update(source="aws.s3"), "unknown-source"),
        (lambda e: e.pop("detail"), "malformed"),
    ],
    ids=["failed", "unknown", "no-status", "bad-account-id", "other-source", "no-detail"],
)
def test_failed_unknown_and_malformed_events_are_counted_and_change_nothing(
    org: Org, rt, mutate, reason
) -> None:
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account, (HOME,))
    event = org.ct_event(account, org.protected_ou)
    mutate(event)

    outcome = handle_event(event, rt.cfg, rt.sessions, rt.telemetry)

    assert outcome.action == "ignored"
    assert outcome.reason == reason
    assert outcome.message  # a clear reason, not an empty string
    assert org.inventory(account) is None
    assert org.bunker_grants(account, HOME) == []
    assert _opt_in(org, account, HOME)["S3"] is False  # AWS default for S3: not opted in
    assert [m for m in rt.telemetry.emitted_metrics if m["name"] == "EventsIgnored"] == [
        {"name": "EventsIgnored", "value": 1, "unit": "Count", "reason": reason}
    ]
    assert _detail_types(org.events()) == ["Event Ignored"]


def test_non_dict_event_is_ignored_as_malformed(org: Org, rt) -> None:
    outcome = handle_event(["not", "an", "event"], rt.cfg, rt.sessions, rt.telemetry)
    assert (outcome.action, outcome.reason) == ("ignored", "malformed")
    assert "list" in outcome.message


def test_out_of_scope_ou_changes_nothing(org: Org, rt) -> None:
    account = org.vend(org.other_ou)
    org.deploy_baseline(account, (HOME,))
    outcome = handle_event(org.ct_event(account, org.other_ou), rt.cfg, rt.sessions, rt.telemetry)
    assert (outcome.action, outcome.reason) == ("ignored", "out-of-scope")
    assert org.other_ou in outcome.message
    assert org.inventory(account) is None
    assert org.bunker_grants(account, HOME) == []


def test_account_moved_into_scope_then_out_of_scope(org: Org, rt) -> None:
    account = org.vend(org.other_ou)
    org.deploy_baseline(account)
    t0 = datetime.now(UTC) - timedelta(minutes=2)
    org.orgs.move_account(
        AccountId=account, SourceParentId=org.other_ou, DestinationParentId=org.protected_ou_2
    )
    into = org.org_event(
        "MoveAccount", account, when=t0, sourceParentId=org.other_ou, destinationParentId=org.protected_ou_2
    )
    assert handle_event(into, rt.cfg, rt.sessions, rt.telemetry).state == "PROTECTED"
    assert all(len(org.bunker_grants(account, r)) == 1 for r in REGIONS)
    assert org.inventory(account)["ouId"] == org.protected_ou_2

    org.orgs.move_account(
        AccountId=account, SourceParentId=org.protected_ou_2, DestinationParentId=org.other_ou
    )
    out = org.org_event(
        "MoveAccount",
        account,
        when=t0 + timedelta(minutes=1),
        sourceParentId=org.protected_ou_2,
        destinationParentId=org.other_ou,
    )
    outcome = handle_event(out, rt.cfg, rt.sessions, rt.telemetry)
    assert (outcome.action, outcome.reason) == ("offboarded", "moved-out-of-scope")
    assert all(org.bunker_grants(account, r) == [] for r in REGIONS)
    item = org.inventory(account)
    assert item["state"] == "OFFBOARDED" and item["grants"] == {}
    # Vault and key are kept.
    for region in REGIONS:
        backup = org.member_client("backup", account, region)
        assert backup.describe_backup_vault(BackupVaultName="cfct-backup-vault")["BackupVaultName"]
        kms = org.member_client("kms", account, region)
        assert kms.describe_key(KeyId="alias/cfct-backup-vault")["KeyMetadata"]["KeyState"] == "Enabled"
    assert _detail_types(org.events()) == ["Account Protected", "Account Offboarded"]

    # A late, older event for the same account changes nothing (stale).
    late = org.ct_event(
        account, org.protected_ou, kind="UpdateManagedAccount", when=t0 - timedelta(minutes=1)
    )
    assert handle_event(late, rt.cfg, rt.sessions, rt.telemetry).reason == "stale"
    assert org.inventory(account)["state"] == "OFFBOARDED"


def test_duplicate_delivery_has_one_effect(org: Org, rt) -> None:
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    handler_enrolment.set_runtime(rt)
    try:
        event = org.ct_event(account, org.protected_ou)
        first = handler_enrolment.handler(event, LocalContext())
        before = org.inventory(account)
        calls: list[str] = []
        rt.sessions.on_client = None
        for client in list(rt.sessions._clients.values()):
            client.meta.events.register("before-call", lambda model, **_: calls.append(model.name))
        second = handler_enrolment.handler(json.loads(json.dumps(event)), LocalContext())
    finally:
        handler_enrolment.set_runtime(None)
    assert first == second
    assert first["state"] == "PROTECTED"
    # The duplicate made no AWS calls beyond the idempotency lookup, and changed nothing.
    assert set(calls) <= {"GetItem", "PutItem"}, calls
    assert org.inventory(account) == before
    assert all(len(org.bunker_grants(account, r)) == 1 for r in REGIONS)
    assert _detail_types(org.events()) == ["Account Protected"]


def test_concurrent_delivery_for_same_account_is_serialised(org: Org, rt) -> None:
    """A second delivery for the account arrives while the first holds the lease (its first AWS call
    after taking it): the second is refused as busy, without side effects, and its redelivery converges.
    The interleaving is forced, not left to thread timing."""
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    first_event, second_event = (org.ct_event(account, org.protected_ou) for _ in range(2))
    second_runtime = org.runtime()  # another Lambda container: its own clients and caches
    refused: list[Exception] = []
    grants_while_busy: list[int] = []

    def deliver_second_during_first(client) -> None:
        def during(model, **_):
            if refused or client.meta.service_model.service_name == "dynamodb":
                return
            item = org.inventory(account) or {}
            if "leaseOwner" not in item:
                return  # the first delivery has not taken the lease yet
            try:
                handle_event(
                    second_event, second_runtime.cfg, second_runtime.sessions, second_runtime.telemetry
                )
            except inventory.AccountBusy as exc:
                refused.append(exc)
                grants_while_busy.append(sum(len(org.bunker_grants(account, r)) for r in REGIONS))
                return
            refused.append(AssertionError("the second delivery ran while the first held the lease"))

        client.meta.events.register("before-call", during)

    rt.sessions.on_client = deliver_second_during_first
    assert handle_event(first_event, rt.cfg, rt.sessions, rt.telemetry).state == "PROTECTED"
    assert len(refused) == 1 and isinstance(refused[0], inventory.AccountBusy), refused
    assert account in str(refused[0])
    assert grants_while_busy == [0]  # the refused delivery created nothing
    # Lambda's async retry redelivers the refused event: it converges to the same single grant.
    retried = org.runtime()
    assert handle_event(second_event, retried.cfg, retried.sessions, retried.telemetry).state == "PROTECTED"
    assert all(len(org.bunker_grants(account, r)) == 1 for r in REGIONS)
    assert "leaseOwner" not in org.inventory(account)


def test_held_lease_blocks_a_second_invocation_without_side_effects(org: Org, rt) -> None:
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    ddb = boto3.client("dynamodb", HOME)
    now = datetime.now(UTC)
    inventory.acquire(ddb, "cfct-backup-inventory", account, owner="other-invocation", now=now, fields={})
    with pytest.raises(inventory.AccountBusy):
        handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry)
    assert org.bunker_grants(account, HOME) == []
    # The other invocation finishes; redelivery then converges.
    inventory.release(ddb, "cfct-backup-inventory", account, owner="other-invocation", now=now, fields={})
    assert (
        handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry).state
        == "PROTECTED"
    )


THROTTLES = 4  # consecutive throttled answers per backup client: more than the 3 attempts of the default


def test_throttling_is_retried_with_backoff(org: Org, rt, monkeypatch: pytest.MonkeyPatch) -> None:
    """AWS answers ThrottlingException under load; the SDK's adaptive retry mode (client-side rate
    limiting plus exponential backoff) is AWS's advice for throttled callers
    (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html). Four throttles in a
    row outlast the default 3 attempts; each retry waits (botocore's backoff, recorded here)."""
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    throttled: list[str] = []
    waits: list[float] = []  # botocore's backoff before each retry
    limited: list[float] = []  # adaptive mode: how long the client-side rate limiter would wait
    monkeypatch.setattr("botocore.endpoint.time.sleep", waits.append)
    from botocore.retries.bucket import TokenBucket

    would_wait = TokenBucket._sleep_amount

    def no_wait(bucket: TokenBucket, amount: float) -> float:
        limited.append(would_wait(bucket, amount))
        return 0.0  # recorded, not waited (no timed test)

    monkeypatch.setattr(TokenBucket, "_sleep_amount", no_wait)

    def throttle_first_calls(client) -> None:
        # Fault injection at the HTTP boundary: the first calls of each backup client answer
        # 400 ThrottlingException, as AWS does; botocore's retry handler must retry them.
        state = {"n": 0}

        def before_send(request, **_):
            if client.meta.service_model.service_name != "backup" or state["n"] >= THROTTLES:
                return None
            state["n"] += 1
            throttled.append(request.url)
            from botocore.awsrequest import AWSResponse

            body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
            return AWSResponse(request.url, 400, {"x-amzn-errortype": "ThrottlingException"}, _Raw(body))

        # first: moto's own before-send stub would otherwise answer and the throttle never be seen
        client.meta.events.register_first("before-send", before_send)

    rt.sessions.on_client = throttle_first_calls
    outcome = handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry)
    assert outcome.state == "PROTECTED"
    assert len(throttled) == THROTTLES * len(REGIONS)  # retried, not failed
    assert len(waits) == len(throttled) and all(w > 0 for w in waits), waits  # a backoff before each retry
    assert any(w > 0 for w in limited), limited  # adaptive: the client slowed itself down after throttling


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body
        self._done = False

    def stream(self, **_):
        if not self._done:
            self._done = True
            yield self._body

    def read(self, *_a, **_k) -> bytes:
        return self._body


def test_role_not_there_yet_is_retried_then_raised_for_the_dlq(org: Org, rt) -> None:
    account = org.vend(org.protected_ou)  # no baseline: the automation role does not exist yet
    with pytest.raises(RoleNotReady) as err:
        handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry)
    assert account in str(err.value)
    assert len(org.sleeps) == 2  # 3 attempts, backoff between them
    # Exponential backoff with jitter from the runtime's base of 0.5 s: the n-th wait lies in
    # [base * 2**(n-1) / 2, base * 2**(n-1)), so the second wait is at least the base and longer than
    # the first; a constant or missing backoff cannot meet both bounds.
    first, second = org.sleeps
    assert 0.25 <= first < 0.5, org.sleeps
    assert 0.5 <= second < 1.0, org.sleeps
    item = org.inventory(account)
    assert item["state"] == "PENDING" and "global:role-missing" in item["gaps"]
    assert "leaseOwner" not in item  # the retry can take the lease again
    # The baseline arrives; the retried delivery converges.
    org.deploy_baseline(account)
    assert (
        handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry).state
        == "PROTECTED"
    )


def test_failure_part_way_then_redelivery_converges(org: Org, rt) -> None:
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    event = org.ct_event(account, org.protected_ou)

    def fail_in_dr(client) -> None:
        def boom(model, **_):
            if client.meta.region_name == DR and model.name == "DescribeBackupVault":
                raise ClientError({"Error": {"Code": "InternalFailure", "Message": "injected"}}, model.name)

        client.meta.events.register("before-call", boom)

    rt.sessions.on_client = fail_in_dr
    with pytest.raises(ClientError):
        handle_event(event, rt.cfg, rt.sessions, rt.telemetry)
    assert len(org.bunker_grants(account, HOME)) == 1  # the home Region got done
    item = org.inventory(account)
    assert "InternalFailure" in item["lastError"] and "leaseOwner" not in item

    fresh = org.runtime()
    assert handle_event(event, fresh.cfg, fresh.sessions, fresh.telemetry).state == "PROTECTED"
    assert all(len(org.bunker_grants(account, r)) == 1 for r in REGIONS)  # no duplicate grant
    assert "lastError" not in org.inventory(account)


@pytest.mark.parametrize("kind", ["RemoveAccountFromOrganization", "CloseAccount"])
def test_account_removed_grants_retired_vault_and_recovery_points_untouched(org: Org, rt, kind) -> None:
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry)
    with org.as_account(account):
        backup = boto3.client("backup", HOME)
        job = backup.start_backup_job(
            BackupVaultName="cfct-backup-vault",
            ResourceArn=f"arn:aws:dynamodb:{HOME}:{account}:table/orders",
            IamRoleArn=f"arn:aws:iam::{account}:role/cfct-backup-service-role",
        )
    calls: list[str] = []
    rt.sessions.on_client = lambda c: c.meta.events.register(
        "before-call", lambda model, **_: calls.append(model.name)
    )
    rt.sessions.forget(account)

    outcome = handle_event(org.org_event(kind, account), rt.cfg, rt.sessions, rt.telemetry)

    assert (outcome.action, outcome.reason) == ("offboarded", kind)
    assert all(org.bunker_grants(account, r) == [] for r in REGIONS)
    assert not [c for c in calls if c.startswith(("Delete", "ScheduleKeyDeletion", "DisableKey"))]
    backup = org.member_client("backup", account, HOME)
    points = backup.list_recovery_points_by_backup_vault(BackupVaultName="cfct-backup-vault")[
        "RecoveryPoints"
    ]
    assert [p["RecoveryPointArn"] for p in points] == [job["RecoveryPointArn"]]
    assert org.inventory(account)["state"] == "OFFBOARDED"
    assert _detail_types(org.events())[-1] == "Account Offboarded"


def test_missing_vault_is_a_gap_naming_what_is_missing(org: Org, rt) -> None:
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account, vault=False)
    outcome = enrol_account(
        parse_event(org.ct_event(account, org.protected_ou)), rt.cfg, rt.sessions, rt.telemetry
    )
    assert outcome.state == "GAP"
    assert {g.label for g in outcome.gaps} == {f"{r}:vault-missing" for r in REGIONS}
    events = org.events()
    assert _detail_types(events) == ["Protection Gap"]
    assert (
        "cfct-backup-vault" in events[0]["detail"]["missing"]
        and "re-run the CfCT pipeline" in events[0]["detail"]["missing"]
    )
    assert {m["reason"] for m in rt.telemetry.emitted_metrics if m["name"] == "ProtectionGaps"} == {
        "vault-missing"
    }
    # Grants are still created (the key exists): the automation does its part.
    assert all(len(org.bunker_grants(account, r)) == 1 for r in REGIONS)


def test_bunker_allow_list_in_accounts_mode_follows_enrolment_and_offboarding(org: Org) -> None:
    rt = org.runtime(BUNKER_ALLOWLIST_MODE="accounts")
    template_statement = {
        "Sid": "TemplateOwned",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "backup:DeleteRecoveryPoint",
        "Resource": "*",
    }
    org.deploy_role(org.bunker)
    with org.as_account(org.bunker):
        for region in REGIONS:
            bunker = boto3.client("backup", region)
            bunker.create_backup_vault(BackupVaultName="cfct-backup-bunker")
            bunker.put_backup_vault_access_policy(
                BackupVaultName="cfct-backup-bunker",
                Policy=json.dumps({"Version": "2012-10-17", "Statement": [template_statement]}),
            )
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)

    assert (
        handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry).state
        == "PROTECTED"
    )

    def statements(region: str) -> dict:
        doc = json.loads(
            org.member_client("backup", org.bunker, region).get_backup_vault_access_policy(
                BackupVaultName="cfct-backup-bunker"
            )["Policy"]
        )
        return {s["Sid"]: s for s in doc["Statement"]}

    for region in REGIONS:
        st = statements(region)
        assert st["TemplateOwned"] == template_statement  # left as found
        allowed = st["CfctBackupCopyIntoFromEnrolledAccounts"]["Condition"]["StringEquals"][
            "aws:PrincipalAccount"
        ]
        assert allowed == [account]
    handle_event(org.org_event("RemoveAccountFromOrganization", account), rt.cfg, rt.sessions, rt.telemetry)
    for region in REGIONS:
        assert set(statements(region)) == {"TemplateOwned"}


def test_handler_raises_role_not_ready_so_lambda_retries_then_dead_letters(org: Org, rt) -> None:
    account = org.vend(org.protected_ou)
    event = org.ct_event(account, org.protected_ou)
    handler_enrolment.set_runtime(rt)
    try:
        for _ in range(2):  # the async invocation and Lambda's retry: both fail, nothing cached
            with pytest.raises(RoleNotReady):
                handler_enrolment.handler(event, LocalContext())
        org.deploy_baseline(account)  # redrive from the DLQ once the baseline is there
        assert handler_enrolment.handler(event, LocalContext())["state"] == "PROTECTED"
    finally:
        handler_enrolment.set_runtime(None)
    assert len(org.sleeps) == 4  # 2 backoffs per failed invocation


def test_enrolment_creates_the_grant_by_name_without_listing_and_a_re_enrolment_reuses_it(
    org: Org, rt
) -> None:
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    calls: list[str] = []
    rt.sessions.on_client = lambda c: c.meta.events.register(
        "before-call", lambda model, **_: calls.append(model.name)
    )
    first = handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry)
    again = handle_event(
        org.ct_event(account, org.protected_ou, kind="UpdateManagedAccount"),
        rt.cfg,
        rt.sessions,
        rt.telemetry,
    )
    assert first.state == again.state == "PROTECTED"
    assert "ListGrants" not in calls
    assert calls.count("CreateGrant") == 2 * len(REGIONS)
    # KMS returned the existing grant for the identical named request: still one grant per Region.
    grants = {r: org.bunker_grants(account, r) for r in REGIONS}
    assert all(len(g) == 1 for g in grants.values())
    assert org.inventory(account)["grants"] == {r: g[0]["GrantId"] for r, g in grants.items()}
