"""Protection is confirmed only when the copy destinations of the effective plans exist (and are locked).

A plan copying into a vault that does not exist backs up locally and fails every copy job: such an
account is a GAP naming the vault, never PROTECTED. The destinations are read in the account and
Region where they live (the bunker, through its `cfct-backup-automation` role), once per warm
container (short TTL) or per reconcile sweep.
"""

from __future__ import annotations

from cfct_backup_automation import handler_enrolment
from cfct_backup_automation.destinations import DestinationCache, copy_destinations
from cfct_backup_automation.enrolment import handle_event
from cfct_backup_automation.reconcile import reconcile
from cfct_backup_automation.runtime import LocalContext

from .conftest import DR, HOME, Org


def _count_vault_reads(rt, regions: set[str]) -> list[str]:
    """DescribeBackupVault calls made in `regions` (destination Regions no member uses)."""
    calls: list[str] = []

    def hook(client) -> None:
        if client.meta.region_name in regions:
            client.meta.events.register(
                "before-parameter-build.backup.DescribeBackupVault",
                lambda params, **_: calls.append(params.get("BackupVaultName", "")),
            )

    rt.sessions.on_client = hook
    return calls


def test_vended_account_whose_copy_destination_vault_is_missing_ends_in_a_gap_naming_it(org: Org, rt) -> None:
    missing = f"arn:aws:backup:eu-west-1:{org.bunker}:backup-vault:cfct-backup-bunker"
    org.deploy_role(org.bunker)  # the bunker stack is there, but not in eu-west-1
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)  # the member baseline is complete: only the destination is missing
    org.attach_copy_policy(account, [missing])

    outcome = handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry)

    assert outcome.state == "GAP"
    assert [g.label for g in outcome.gaps] == ["eu-west-1:copy-destination-missing"]
    assert missing in outcome.gaps[0].message
    item = org.inventory(account)
    assert item["state"] == "GAP" and "protectedAt" not in item
    assert item["gaps"] == ["eu-west-1:copy-destination-missing"]
    events = org.events()
    assert [e["detail-type"] for e in events] == ["Protection Gap"]
    assert missing in events[0]["detail"]["missing"]
    assert {m["reason"] for m in rt.telemetry.emitted_metrics if m["name"] == "ProtectionGaps"} == {
        "copy-destination-missing"
    }

    # The bunker stack is deployed there afterwards: the next enrolment (cache expired) confirms.
    org.deploy_bunker_vault("eu-west-1")
    fresh = org.runtime()
    outcome = handle_event(
        org.ct_event(account, org.protected_ou, kind="UpdateManagedAccount"),
        fresh.cfg,
        fresh.sessions,
        fresh.telemetry,
    )
    assert outcome.state == "PROTECTED", outcome.as_dict()


def test_destination_is_read_in_the_bunker_and_a_locked_one_confirms_protection(org: Org, rt) -> None:
    arn = org.deploy_bunker_vault("eu-central-1", lock=True)
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    org.attach_copy_policy(account, [arn])
    reads = _count_vault_reads(rt, {"eu-central-1"})

    outcome = handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry)

    assert outcome.state == "PROTECTED", outcome.as_dict()
    assert reads == ["cfct-backup-bunker"]
    # The vault exists only in the bunker: a check in the member (or the caller's) account fails.
    assert rt.sessions.client("backup", org.bunker, "eu-central-1").describe_backup_vault(
        BackupVaultName="cfct-backup-bunker"
    )["Locked"]


def test_unlocked_bunker_destination_is_a_gap_where_the_configuration_requires_the_lock(org: Org) -> None:
    arn = org.deploy_bunker_vault("ap-southeast-2", lock=False)
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    org.attach_copy_policy(account, [arn])

    rt = org.runtime()
    outcome = handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry)
    assert [g.label for g in outcome.gaps] == ["ap-southeast-2:copy-destination-not-locked"]
    assert arn in outcome.gaps[0].message and outcome.state == "GAP"

    relaxed = org.runtime(BUNKER_VAULT_LOCK_REQUIRED="false")
    outcome = handle_event(
        org.ct_event(account, org.protected_ou, kind="UpdateManagedAccount"),
        relaxed.cfg,
        relaxed.sessions,
        relaxed.telemetry,
    )
    assert outcome.state == "PROTECTED", outcome.as_dict()


def test_destination_in_an_account_without_the_automation_role_is_unverified(org: Org, rt) -> None:
    # The Key Vault account has no cfct-backup-automation role: the destination cannot be read.
    arn = f"arn:aws:backup:{HOME}:{org.key_vault}:backup-vault:somewhere"
    account = org.vend(org.protected_ou)
    org.deploy_baseline(account)
    org.attach_copy_policy(account, [arn])

    outcome = handle_event(org.ct_event(account, org.protected_ou), rt.cfg, rt.sessions, rt.telemetry)

    assert outcome.state == "GAP"
    assert [g.code for g in outcome.gaps] == ["copy-destination-unverified"]
    assert arn in outcome.gaps[0].message
    assert org.sleeps == []  # not retried like a member role that is not there yet


def test_destinations_are_read_once_per_warm_container_and_again_after_the_ttl(org: Org, rt) -> None:
    home = org.deploy_bunker_vault("eu-north-1")
    dr = org.deploy_bunker_vault("eu-west-3")
    accounts = [org.vend(org.protected_ou) for _ in range(3)]
    for account in accounts:
        org.deploy_baseline(account)
        org.attach_copy_policy(account, [home, dr])
    now = [1000.0]
    rt.destinations = DestinationCache(ttl=300, clock=lambda: now[0])
    reads = _count_vault_reads(rt, {"eu-north-1", "eu-west-3"})
    handler_enrolment.set_runtime(rt)
    try:
        for account in accounts[:2]:
            assert handler_enrolment.handler(org.ct_event(account, org.protected_ou), LocalContext())[
                "state"
            ] == ("PROTECTED")
        assert len(reads) == 2  # two destinations, read for the first account only

        now[0] += 301  # the TTL has passed: the next enrolment reads them again
        assert (
            handler_enrolment.handler(org.ct_event(accounts[2], org.protected_ou), LocalContext())["state"]
            == "PROTECTED"
        )
        assert len(reads) == 4
    finally:
        handler_enrolment.set_runtime(None)


def test_reconcile_reads_each_destination_once_per_sweep_and_reports_the_missing_one(org: Org) -> None:
    missing = f"arn:aws:backup:ca-central-1:{org.bunker}:backup-vault:cfct-backup-bunker"
    org.deploy_role(org.bunker)  # the bunker stack is there (not left to an earlier test), not its vault
    accounts = [org.vend(org.protected_ou_2) for _ in range(3)]
    for account in accounts:
        org.deploy_baseline(account, (HOME,))
        org.attach_copy_policy(account, [missing])
    rt = org.runtime()
    reads = _count_vault_reads(rt, {"ca-central-1"})

    result = reconcile(rt.cfg, rt.sessions, mode="audit", max_workers=3)

    by_id = {a.account_id: a for a in result.accounts}
    for account in accounts:
        assert "ca-central-1:copy-destination-missing" in {g.label for g in by_id[account].open_gaps}
        assert by_id[account].state == "GAP"
    assert len(reads) == 1


def test_copy_destinations_expand_account_and_region_per_plan_region() -> None:
    plans = {
        "a": {
            "regions": {"@@assign": [HOME, DR]},
            "rules": {
                "r": {
                    "copy_actions": {
                        "arn:aws:backup:$region:111122223333:backup-vault:bunker": {
                            "target_backup_vault_arn": {
                                "@@assign": "arn:aws:backup:$region:111122223333:backup-vault:bunker"
                            }
                        },
                        # no target_backup_vault_arn: AWS uses the key in lower case
                        "ARN:AWS:BACKUP:EU-WEST-1:$account:BACKUP-VAULT:LOCAL": {},
                    }
                }
            },
        },
        "b": {"rules": {"r": {"copy_actions": {"x": {"target_backup_vault_arn": "arn:$region"}}}}},
    }
    assert copy_destinations(plans, "444455556666", ["eu-central-1"]) == sorted(
        [
            f"arn:aws:backup:{HOME}:111122223333:backup-vault:bunker",
            f"arn:aws:backup:{DR}:111122223333:backup-vault:bunker",
            "arn:aws:backup:eu-west-1:444455556666:backup-vault:local",
            "arn:eu-central-1",  # a plan without regions runs in the governed Regions
        ]
    )
