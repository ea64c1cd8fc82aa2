"""Copy drill for a resource type that keeps its own key (EBS): the copy-readiness gap, and the fix.

In one protected member, home Region: two encrypted EBS volumes, one whose customer managed key does
not admit the bunker account and one whose key carries the copy statement of docs/aws-constraints.md.
For each, the reconcile check (``cfct_backup_automation.copy_readiness``) and a real backup job and
copy job into the bunker's home vault. The drill passes when the first copy FAILS with a
``copy-key-not-shared`` gap naming its key and the second COMPLETES with no gap: a drill that shows
anything else is a gap of the simulation. The volumes carry no backup tag, so no plan selects them
and reconcile's own report is not changed by the drill.
https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html
"""

from __future__ import annotations

import json
from typing import Any

from cfct_backup_automation import contract
from cfct_backup_automation.copy_readiness import Selected, readiness_gaps

from cfct_backup.cfct.interpreter import ClientFactory

MEMBER_VAULT = contract.MEMBER_VAULT
SERVICE_ROLE = contract.SERVICE_ROLE


def _key(kms: Any, account_id: str, bunker_id: str, admit: bool) -> str:
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AccountAdministersKey",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    if admit:
        statements.append(
            {
                "Sid": "BunkerCopiesBackupsOfThisKey",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{bunker_id}:root"},
                "Action": [
                    "kms:Decrypt",
                    "kms:DescribeKey",
                    "kms:CreateGrant",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                ],
                "Resource": "*",
            }
        )
    policy = json.dumps({"Version": "2012-10-17", "Statement": statements})
    desc = "cfct-backup drill: workload key " + ("admitting" if admit else "not admitting") + " the bunker"
    return str(kms.create_key(Policy=policy, Description=desc)["KeyMetadata"]["Arn"])


def key_drill(
    clients: ClientFactory, account_id: str, region: str, bunker_id: str, destination: str
) -> tuple[list[str], list[str]]:
    """(job lines, gaps): readiness check and copy for a volume key that does / does not admit the bunker."""
    lines: list[str] = []
    gaps: list[str] = []
    ec2 = clients.client("ec2", account_id, region)
    kms = clients.client("kms", account_id, region)
    backup = clients.client("backup", account_id, region)
    role = f"arn:aws:iam::{account_id}:role/{SERVICE_ROLE}"
    for admit in (False, True):
        key = _key(kms, account_id, bunker_id, admit)
        volume = ec2.create_volume(AvailabilityZone=f"{region}a", Size=1, Encrypted=True, KmsKeyId=key)[
            "VolumeId"
        ]
        arn = f"arn:aws:ec2:{region}:{account_id}:volume/{volume}"
        found = readiness_gaps(
            [Selected(arn, "EBS", key)], kms, region=region, destinations=[(bunker_id, region)]
        )
        job = backup.start_backup_job(
            BackupVaultName=MEMBER_VAULT, ResourceArn=arn, IamRoleArn=role, Lifecycle={"DeleteAfterDays": 35}
        )
        copy = backup.start_copy_job(
            RecoveryPointArn=job["RecoveryPointArn"],
            SourceBackupVaultName=MEMBER_VAULT,
            DestinationBackupVaultArn=destination,
            IamRoleArn=role,
            Lifecycle={"DeleteAfterDays": 35},
        )
        state = str(backup.describe_copy_job(CopyJobId=copy["CopyJobId"])["CopyJob"]["State"])
        codes = sorted({g.code for g in found})
        what = "key admits the bunker" if admit else "key does not admit the bunker"
        readiness = ", ".join(codes) or "no readiness gap"
        lines.append(f"{region} key drill: EBS {volume} ({what}; {readiness}) -> bunker: {state}")
        expected = ("COMPLETED", []) if admit else ("FAILED", ["copy-key-not-shared"])
        if (state, codes) != expected:
            gaps.append(
                f"{region}: key drill ({what}) gave {state} / {codes}, expected {expected[0]} / {expected[1]}"
            )
        elif not admit and key not in found[0].message:
            gaps.append(f"{region}: key drill: the copy-readiness gap does not name the key {key}")
    return lines, gaps
