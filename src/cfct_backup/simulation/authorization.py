"""The simulation's authorization section: what the emulator refused, what it could not decide,
what it still lets through, and probes of actions the package must forbid.

With IAM authorization enforced (``cfct_backup.emulator.iam``), every AWS call of the package's
functions and of the CfCT deployment is decided by the project's policy evaluator. A refusal in the
default run is a named failure (role and action): the package's policies do not give one of its
roles what it needs. The probes go the other way: a principal of a member account attempts what the
SCPs and vault policies forbid; an allowed probe is a failure.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from botocore.exceptions import ClientError
from cfct_backup_automation import contract

from cfct_backup.emulator import iam, leniencies


@dataclass
class Probe:
    name: str
    principal: str
    action: str
    outcome: str  # "denied: <message>" or "allowed"

    @property
    def ok(self) -> bool:
        return self.outcome.startswith("denied")


@dataclass
class Authorization:
    denials: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.denials and all(p.ok for p in self.probes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "denials": self.denials,
            "unmapped_operations": self.unmapped,
            "probes": [{**asdict(p), "ok": p.ok} for p in self.probes],
            "leniencies": leniencies.as_dicts(),
        }


def collect() -> Authorization:
    """What the enforcement recorded so far (call before the probes)."""
    return Authorization([str(d) for d in iam.denials()], [str(u) for u in iam.unmapped()])


def probe(result: Authorization, name: str, principal: str, action: str, attempt: Callable[[], Any]) -> None:
    try:
        attempt()
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code.startswith(("AccessDenied", "UnauthorizedOperation")):
            result.probes.append(
                Probe(name, principal, action, f"denied: {exc.response['Error']['Message']}")
            )
            return
        result.probes.append(Probe(name, principal, action, f"allowed (then failed: {code})"))
        return
    result.probes.append(Probe(name, principal, action, "allowed"))


MEMBER_ADMIN_ROLE = contract.PROBE_MEMBER_ADMIN_ROLE


def member_admin_session(clients: Any, account_id: str, region: str) -> Any:
    """A session of a member account's own administrator: a role with AdministratorAccess that the
    account trusts, created for the probe (as a member team would have one), assumed through the
    execution role."""
    import boto3  # noqa: PLC0415

    iam_client = clients.client("iam", account_id, region)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    admin = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    try:
        iam_client.get_role(RoleName=MEMBER_ADMIN_ROLE)
    except ClientError:
        iam_client.create_role(RoleName=MEMBER_ADMIN_ROLE, AssumeRolePolicyDocument=json.dumps(trust))
        iam_client.put_role_policy(
            RoleName=MEMBER_ADMIN_ROLE, PolicyName="admin", PolicyDocument=json.dumps(admin)
        )
    creds = clients.client("sts", account_id, region).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{MEMBER_ADMIN_ROLE}", RoleSessionName="probe"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )


def member_admin_probes(
    result: Authorization, clients: Any, account_id: str, region: str, vault: str
) -> None:
    """A member account's administrator tries to opt the account out of AWS Backup for a resource
    type, to remove the vault's access policy and to delete the vault: the SCP protecting member
    backups (and, for the vault, its access policy) must refuse each."""
    backup = member_admin_session(clients, account_id, region).client("backup")
    principal = f"arn:aws:iam::{account_id}:role/{MEMBER_ADMIN_ROLE}"
    probe(
        result,
        "member admin opts out of AWS Backup for DynamoDB",
        principal,
        "backup:UpdateRegionSettings",
        lambda: backup.update_region_settings(ResourceTypeOptInPreference={"DynamoDB": False}),
    )
    probe(
        result,
        "member admin deletes the vault access policy",
        principal,
        "backup:DeleteBackupVaultAccessPolicy",
        lambda: backup.delete_backup_vault_access_policy(BackupVaultName=vault),
    )
    probe(
        result,
        "member admin deletes the backup vault",
        principal,
        "backup:DeleteBackupVault",
        lambda: backup.delete_backup_vault(BackupVaultName=vault),
    )


def render(result: Authorization) -> list[str]:
    lines = [f"Authorization (IAM enforced by the emulator): {'ok' if result.ok else 'FAILED'}"]
    lines += [f"  DENIED {d}" for d in result.denials]
    for p in result.probes:
        lines.append(f"  probe {'ok' if p.ok else 'FAILED'}: {p.name} ({p.action}): {p.outcome[:160]}")
    if result.unmapped:
        lines.append(f"  unmapped operations ({len(result.unmapped)}):")
        lines += [f"    {u}" for u in result.unmapped]
    lines.append(f"  leniencies left ({len(leniencies.LENIENCIES)}):")
    lines += [
        f"    {entry.id}: AWS {entry.aws}; the emulator: {entry.emulator}" for entry in leniencies.LENIENCIES
    ]
    return lines


def run_probes(result: Authorization, clients: Any, org: Any, ids: Any) -> Authorization:
    """The probes, in the first in-scope member (none when there is no such member)."""
    from cfct_backup.simulation.report import MEMBER_VAULT  # noqa: PLC0415

    member = next(
        (a for a in org.accounts if org.in_scope(a) and not org.role_of(a) and a.name in ids.accounts), None
    )
    if member is not None:
        member_admin_probes(result, clients, ids.accounts[member.name], org.home_region, MEMBER_VAULT)
    return result
