"""Report plans deliver only to the creating account's bucket, and organization reports only as CSV.

https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-api.html
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from .helpers import HOME, session

pytestmark = pytest.mark.usefixtures("aws")

ORG_SETTING = {
    "ReportTemplate": "BACKUP_JOB_REPORT",
    "OrganizationUnits": ["ou-abcd-11111111"],
    "Regions": [HOME],
}


def _accounts() -> tuple[str, str]:
    org = boto3.client("organizations", region_name=HOME)
    org.create_organization(FeatureSet="ALL")
    ids = []
    for name in ("audit", "bunker"):
        status = org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]
        ids.append(
            org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"][
                "AccountId"
            ]
        )
    return ids[0], ids[1]


def _code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def test_report_plan_into_another_accounts_bucket_is_refused() -> None:
    audit, bunker = _accounts()
    session(bunker).client("s3", region_name=HOME).create_bucket(Bucket="bunker-reports")
    backup = session(audit).client("backup", region_name=HOME)
    with pytest.raises(ClientError) as excinfo:
        backup.create_report_plan(
            ReportPlanName="jobs",
            ReportDeliveryChannel={"S3BucketName": "bunker-reports", "Formats": ["CSV"]},
            ReportSetting=ORG_SETTING,
        )
    assert _code(excinfo) == "InvalidParameterValueException"
    assert bunker in str(excinfo.value)


def test_organization_report_plan_is_csv_only_and_lands_in_its_own_bucket() -> None:
    audit, _ = _accounts()
    session(audit).client("s3", region_name=HOME).create_bucket(Bucket="audit-reports")
    backup = session(audit).client("backup", region_name=HOME)
    with pytest.raises(ClientError) as excinfo:
        backup.create_report_plan(
            ReportPlanName="jobs",
            ReportDeliveryChannel={"S3BucketName": "audit-reports", "Formats": ["CSV", "JSON"]},
            ReportSetting=ORG_SETTING,
        )
    assert _code(excinfo) == "InvalidParameterValueException"
    backup.create_report_plan(
        ReportPlanName="jobs",
        ReportDeliveryChannel={"S3BucketName": "audit-reports", "Formats": ["CSV"]},
        ReportSetting=ORG_SETTING,
    )
    # a single-account plan may still ask for JSON
    backup.create_report_plan(
        ReportPlanName="own",
        ReportDeliveryChannel={"S3BucketName": "audit-reports", "Formats": ["JSON"]},
        ReportSetting={"ReportTemplate": "BACKUP_JOB_REPORT"},
    )
    with pytest.raises(ClientError) as excinfo:
        backup.update_report_plan(
            ReportPlanName="jobs",
            ReportDeliveryChannel={"S3BucketName": "audit-reports", "Formats": ["JSON"]},
        )
    assert _code(excinfo) == "InvalidParameterValueException"
