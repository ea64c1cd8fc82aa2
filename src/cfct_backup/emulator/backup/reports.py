"""Backup Audit Manager report plans: where and in which format AWS delivers them.

AWS Backup, "Creating report plans using the AWS Backup API"
(https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-api.html): organization
report plans (a ``ReportSetting`` naming ``Accounts`` or ``OrganizationUnits``) deliver CSV only, and
a report plan delivers only to a bucket owned by the account that creates it. moto accepts either.

Stricter than AWS on one point, listed in the leniency notes: a bucket the emulator does not know is
refused too (AWS would accept the plan and fail every delivery).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moto.backup.exceptions import InvalidParameterValueException
from moto.s3.models import s3_backends

DOC = "https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-api.html"


def is_organization_report(setting: Mapping[str, Any] | None) -> bool:
    return bool(setting) and any(setting.get(k) for k in ("Accounts", "OrganizationUnits"))  # type: ignore[union-attr]


def check_delivery(
    account_id: str, channel: Mapping[str, Any] | None, setting: Mapping[str, Any] | None
) -> None:
    """Refuse non-CSV organization reports and a bucket of another account (AWS never delivers there)."""
    if channel is None:
        return
    formats = channel.get("Formats") or ["CSV"]
    if is_organization_report(setting) and any(f != "CSV" for f in formats):
        raise InvalidParameterValueException(
            f"Organization report plans deliver CSV only, not {', '.join(formats)} ({DOC})"
        )
    bucket = str(channel.get("S3BucketName") or "")
    owner = s3_backends.bucket_accounts.get(bucket)
    if owner is None:
        raise InvalidParameterValueException(f"Report bucket {bucket} does not exist ({DOC})")
    if owner[1] != account_id:
        raise InvalidParameterValueException(
            f"Report bucket {bucket} belongs to account {owner[1]}; a report plan delivers only to a bucket"
            f" of the account that creates it ({account_id}) ({DOC})"
        )
