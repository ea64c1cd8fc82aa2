"""The AccessDenied error of a refused request, in the shape the service's protocol uses.

AWS's message: "User: <principal ARN> is not authorized to perform: <action> on resource:
<resource ARN> because <reason>"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html). The code is
``AccessDenied`` for the query and REST-XML services (IAM, STS, S3, SNS, CloudFormation, ...) and
``AccessDeniedException`` for the JSON ones (AWS Backup, KMS, DynamoDB, EventBridge, Organizations,
Lambda, SSM, ...); EC2 says ``UnauthorizedOperation`` and SNS ``AuthorizationError``
(https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html). HTTP status 403.
"""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders
from cfct_backup_automation import contract

_QUERY_CODE = {"ec2": "UnauthorizedOperation", "sns": "AuthorizationError"}


def error_code(protocol: str, service: str) -> str:
    if service in _QUERY_CODE:
        return _QUERY_CODE[service]
    return "AccessDeniedException" if protocol in ("json", "rest-json") else "AccessDenied"


def message(principal_arn: str, action: str, resource: str, reason: str) -> str:
    return (
        f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource} "
        f"because {reason}"
    )


def access_denied(protocol: str, service: str, text: str) -> tuple[AWSResponse, dict[str, Any]]:
    """What a botocore ``before-call`` handler returns to answer a request with a 403."""
    code = error_code(protocol, service)
    metadata = {
        "HTTPStatusCode": 403,
        "HTTPHeaders": {},
        "RequestId": contract.EMULATOR_REQUEST_ID,
        "RetryAttempts": 0,
    }
    http = AWSResponse("https://emulated.amazonaws.com/", 403, HTTPHeaders(), None)
    http._content = b""  # type: ignore[attr-defined]  # what botocore reads as the body
    return http, {"Error": {"Code": code, "Message": text}, "ResponseMetadata": metadata}
