"""An emulated organization for the automation tests and benchmarks (moto + cfct_backup.emulator).

One `mock_aws` per test module (module-scoped: ~45 ms instead of ~220 ms per test); tests stay
independent because each vends its own member accounts. Wiring is created and checked in the
account where it lives: through STS assumed-role credentials (`Org.member_client`) or, to play the
member baseline stack (which CfCT would deploy), with `Org.as_account` (moto's MOTO_ACCOUNT_ID).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from cfct_backup_automation.runtime import Runtime, build_runtime

HOME = "us-east-1"
DR = "us-west-2"
REGIONS = (HOME, DR)
MOTO_CONFIG = {"core": {"reset_boto3_session": False}}

BACKUP_POLICY = {
    "plans": {
        "cfct-backup-daily": {
            "regions": {"@@assign": list(REGIONS)},
            "rules": {
                "daily": {
                    "schedule_expression": {"@@assign": "cron(0 5 ? * * *)"},
                    "target_backup_vault_name": {"@@assign": "cfct-backup-vault"},
                    "lifecycle": {"delete_after_days": {"@@assign": "35"}},
                }
            },
            "selections": {
                "tags": {
                    "daily": {
                        "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/cfct-backup-service-role"},
                        "tag_key": {"@@assign": "cfct-backup:tier"},
                        "tag_value": {"@@assign": ["daily"]},
                    }
                }
            },
        }
    }
}


def install_emulator() -> None:
    from cfct_backup.emulator import install

    install()


@dataclass
class Org:
    management: str
    root_id: str
    org_id: str
    protected_ou: str
    protected_ou_2: str
    other_ou: str
    log_archive: str
    audit: str
    bunker: str
    key_vault: str
    queue_url: str
    env: dict[str, str]
    sleeps: list[float] = field(default_factory=list)
    _seq: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    # ---- organization -------------------------------------------------------------------------
    @property
    def orgs(self) -> Any:
        return boto3.client("organizations", HOME)

    def vend(self, ou_id: str | None = None, name: str = "member") -> str:
        """Account Factory: create an account and move it into `ou_id`."""
        n = next(self._seq)
        account = self.orgs.create_account(
            Email=f"{name}{n}-{uuid.uuid4().hex[:6]}@example.com", AccountName=f"{name}{n}"
        )["CreateAccountStatus"]["AccountId"]
        if ou_id:
            self.orgs.move_account(AccountId=account, SourceParentId=self.root_id, DestinationParentId=ou_id)
        return str(account)

    @contextlib.contextmanager
    def as_account(self, account_id: str) -> Iterator[None]:
        """Act as `account_id` (what a stack instance deployed there does)."""
        old = os.environ.get("MOTO_ACCOUNT_ID")
        os.environ["MOTO_ACCOUNT_ID"] = account_id
        try:
            yield
        finally:
            if old is None:
                del os.environ["MOTO_ACCOUNT_ID"]
            else:
                os.environ["MOTO_ACCOUNT_ID"] = old

    def deploy_role(self, account_id: str) -> None:
        """The member baseline's roles: cfct-backup-automation and the read-only cfct-backup-audit."""
        for name in ("cfct-backup-automation", "cfct-backup-audit"):
            self._role(account_id, name)

    def _role(self, account_id: str, name: str) -> None:
        with self.as_account(account_id):
            iam = boto3.client("iam", HOME)
            with contextlib.suppress(iam.exceptions.EntityAlreadyExistsException):
                iam.create_role(
                    RoleName=name,
                    AssumeRolePolicyDocument=json.dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Principal": {"AWS": f"arn:aws:iam::{self.management}:root"},
                                    "Action": "sts:AssumeRole",
                                }
                            ],
                        }
                    ),
                )

    def deploy_baseline(
        self,
        account_id: str,
        regions: tuple[str, ...] = REGIONS,
        *,
        vault: bool = True,
        access_policy: bool = True,
        lock: bool = False,
    ) -> dict[str, str]:
        """What the member baseline StackSet creates: role, CMK + alias, vault, vault policy."""
        self.deploy_role(account_id)
        keys = {}
        with self.as_account(account_id):
            for region in regions:
                kms = boto3.client("kms", region)
                key = kms.create_key(Description="cfct-backup member vault key")["KeyMetadata"]["Arn"]
                kms.create_alias(AliasName="alias/cfct-backup-vault", TargetKeyId=key)
                keys[region] = key
                if not vault:
                    continue
                backup = boto3.client("backup", region)
                backup.create_backup_vault(BackupVaultName="cfct-backup-vault", EncryptionKeyArn=key)
                if access_policy:
                    backup.put_backup_vault_access_policy(
                        BackupVaultName="cfct-backup-vault",
                        Policy=json.dumps(
                            {
                                "Version": "2012-10-17",
                                "Statement": [
                                    {
                                        "Sid": "DenyDelete",
                                        "Effect": "Deny",
                                        "Principal": {"AWS": "*"},
                                        "Action": ["backup:DeleteRecoveryPoint"],
                                        "Resource": "*",
                                    }
                                ],
                            }
                        ),
                    )
                if lock:
                    backup.put_backup_vault_lock_configuration(
                        BackupVaultName="cfct-backup-vault", MinRetentionDays=7
                    )
        return keys

    def deploy_bunker_vault(self, region: str, *, lock: bool = True, name: str = "cfct-backup-bunker") -> str:
        """What the bunker stack creates in `region`: the automation role and the (locked) vault."""
        self.deploy_role(self.bunker)
        with self.as_account(self.bunker):
            backup = boto3.client("backup", region)
            with contextlib.suppress(backup.exceptions.AlreadyExistsException):
                backup.create_backup_vault(BackupVaultName=name)
            if lock:
                backup.put_backup_vault_lock_configuration(
                    BackupVaultName=name, MinRetentionDays=7, MaxRetentionDays=3650, ChangeableForDays=3
                )
        return f"arn:aws:backup:{region}:{self.bunker}:backup-vault:{name}"

    def attach_copy_policy(self, target: str, destinations: list[str]) -> str:
        """A backup policy on `target` whose plan copies every backup to each destination vault ARN."""
        plan = json.loads(json.dumps(BACKUP_POLICY["plans"]["cfct-backup-daily"]))
        plan["rules"]["daily"]["copy_actions"] = {
            arn: {
                "target_backup_vault_arn": {"@@assign": arn},
                "lifecycle": {"delete_after_days": {"@@assign": "35"}},
            }
            for arn in destinations
        }
        policy = self.orgs.create_policy(
            Name=f"copies-{uuid.uuid4().hex[:8]}",
            Description="copies",
            Type="BACKUP_POLICY",
            Content=json.dumps({"plans": {"cfct-backup-copies": plan}}),
        )["Policy"]["PolicySummary"]["Id"]
        self.orgs.attach_policy(PolicyId=policy, TargetId=target)
        return str(policy)

    # ---- looking where the wiring lives -------------------------------------------------------
    def member_client(self, service: str, account_id: str, region: str = HOME) -> Any:
        """A client in `account_id` through assumed-role credentials (not the caller's account)."""
        creds = boto3.client("sts", HOME).assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/cfct-backup-automation", RoleSessionName="test-check"
        )["Credentials"]
        client = boto3.client(
            service,
            region,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        assert (
            boto3.client(
                "sts",
                HOME,
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
            ).get_caller_identity()["Account"]
            == account_id
        )
        return client

    def bunker_grants(self, account_id: str, region: str) -> list[dict[str, Any]]:
        kms = self.member_client("kms", account_id, region)
        key = kms.describe_key(KeyId="alias/cfct-backup-vault")["KeyMetadata"]["Arn"]
        return [g for g in kms.list_grants(KeyId=key)["Grants"] if g.get("Name") == "cfct-backup-bunker-copy"]

    def inventory(self, account_id: str) -> dict[str, Any] | None:
        from cfct_backup_automation import inventory

        return inventory.get(boto3.client("dynamodb", HOME), "cfct-backup-inventory", account_id)

    def events(self) -> list[dict[str, Any]]:
        """Drain the events the automation put on the management account's bus."""
        sqs = boto3.client("sqs", HOME)
        out = []
        while True:
            msgs = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not msgs:
                return out
            for m in msgs:
                out.append(json.loads(m["Body"]))
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"])

    # ---- runtime and events -------------------------------------------------------------------
    def runtime(self, **env: str) -> Runtime:
        environ = {**self.env, **env}
        return build_runtime(
            boto3.Session(region_name=HOME),
            environ,
            sleep=self.sleeps.append,
            assume_attempts=3,
            backoff_seconds=0.5,
        )

    def ct_event(
        self,
        account_id: str,
        ou_id: str,
        *,
        kind: str = "CreateManagedAccount",
        state: str = "SUCCEEDED",
        event_id: str | None = None,
        when: datetime | None = None,
    ) -> dict[str, Any]:
        key = "createManagedAccountStatus" if kind == "CreateManagedAccount" else "updateManagedAccountStatus"
        return {
            "version": "0",
            "id": event_id or str(uuid.uuid4()),
            "detail-type": "AWS Service Event via CloudTrail",
            "source": "aws.controltower",
            "account": self.management,
            "time": (when or datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": HOME,
            "resources": [],
            "detail": {
                "eventVersion": "1.08",
                "eventSource": "controltower.amazonaws.com",
                "eventName": kind,
                "awsRegion": HOME,
                "serviceEventDetails": {
                    key: {
                        "organizationalUnit": {
                            "organizationalUnitName": "Workloads",
                            "organizationalUnitId": ou_id,
                        },
                        "account": {"accountName": "member", "accountId": account_id},
                        "state": state,
                        "message": "AWS Control Tower successfully created an enrolled account."
                        if state == "SUCCEEDED"
                        else "AWS Control Tower failed to create the account.",
                        "requestedTimestamp": "2026-11-26T10:00:00+0000",
                        "completedTimestamp": "2026-11-26T10:20:00+0000",
                    }
                },
            },
        }

    def org_event(
        self, name: str, account_id: str, *, when: datetime | None = None, **params: str
    ) -> dict[str, Any]:
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.organizations",
            "account": self.management,
            "time": (when or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": HOME,
            "resources": [],
            "detail": {
                "eventSource": "organizations.amazonaws.com",
                "eventName": name,
                "requestParameters": {"accountId": account_id, **params},
            },
        }


def build_org() -> Org:
    orgs = boto3.client("organizations", HOME)
    org = orgs.create_organization(FeatureSet="ALL")["Organization"]
    root = orgs.list_roots()["Roots"][0]["Id"]
    ous = {
        name: orgs.create_organizational_unit(ParentId=root, Name=name)["OrganizationalUnit"]["Id"]
        for name in ("Workloads", "Prod", "Sandbox", "Security")
    }
    accounts = {}
    for name in ("Log Archive", "Audit", "Backup Bunker", "Key Vault"):
        acct = orgs.create_account(Email=f"{name.replace(' ', '')}@example.com", AccountName=name)[
            "CreateAccountStatus"
        ]["AccountId"]
        orgs.move_account(AccountId=acct, SourceParentId=root, DestinationParentId=ous["Security"])
        accounts[name] = acct
    management = org["MasterAccountId"]
    ssm = boto3.client("ssm", HOME)
    params = {
        "org/id": org["Id"],
        "org/root-id": root,
        "accounts/management": management,
        "accounts/log-archive": accounts["Log Archive"],
        "accounts/audit": accounts["Audit"],
        "accounts/bunker": accounts["Backup Bunker"],
        "accounts/key-vault": accounts["Key Vault"],
        "regions/home": HOME,
        "regions/dr": DR,
        "regions/governed": ",".join(REGIONS),
        "protected-ous/ids": f"{ous['Workloads']},{ous['Prod']}",
        "protected-ous/paths": "Workloads,Workloads:Prod",
    }
    for rel, value in params.items():
        ssm.put_parameter(
            Name=f"/cfct-backup/{rel}",
            Value=value,
            Type="StringList" if "," in value else "String",
            Overwrite=True,
        )
    ddb = boto3.client("dynamodb", HOME)
    for table in ("cfct-backup-inventory", "cfct-backup-idempotency"):
        key = "accountId" if table == "cfct-backup-inventory" else "id"
        ddb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    # Capture what the automation puts on the management account's default bus.
    sqs = boto3.client("sqs", HOME)
    queue_url = sqs.create_queue(QueueName="captured-cfct-backup-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events = boto3.client("events", HOME)
    events.put_rule(Name="capture", EventPattern=json.dumps({"source": ["cfct-backup"]}))
    events.put_targets(Rule="capture", Targets=[{"Id": "q", "Arn": queue_arn}])
    # Backup policy attached to the protected OUs (deployed by CfCT in the real pipeline).
    orgs.enable_policy_type(RootId=root, PolicyType="BACKUP_POLICY")
    policy = orgs.create_policy(
        Name="cfct-backup-daily",
        Description="daily",
        Type="BACKUP_POLICY",
        Content=json.dumps(BACKUP_POLICY),
    )["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=policy, TargetId=ous["Workloads"])
    orgs.attach_policy(PolicyId=policy, TargetId=ous["Prod"])
    return Org(
        management=management,
        root_id=root,
        org_id=org["Id"],
        protected_ou=ous["Workloads"],
        protected_ou_2=ous["Prod"],
        other_ou=ous["Sandbox"],
        log_archive=accounts["Log Archive"],
        audit=accounts["Audit"],
        bunker=accounts["Backup Bunker"],
        key_vault=accounts["Key Vault"],
        queue_url=queue_url,
        env={
            "CONFIG_PARAMETER_PREFIX": "/cfct-backup",
            "INVENTORY_TABLE": "cfct-backup-inventory",
            "IDEMPOTENCY_TABLE": "cfct-backup-idempotency",
            "EXPECTED_BACKUP_PLANS": "cfct-backup-daily",
        },
    )
