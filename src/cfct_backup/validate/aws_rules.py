"""Template rules for what AWS itself refuses or silently breaks, which cfn-lint does not see.

Each rule names the AWS page it comes from (docs/aws-constraints.md has the same table):

* AWS001 an organization conformance pack without ``ExcludedAccounts``: it fails in every account
  without a Config recorder, and under Control Tower the management account has none (landing zone
  4.0 makes the Config integration optional altogether)
  https://docs.aws.amazon.com/config/latest/developerguide/conformance-pack-organization-apis.html
* AWS002 an organization-wide Backup Audit Manager report plan with a format other than CSV
  https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-api.html
* AWS003 a report plan whose bucket is not provably the creating account's (a bucket of this template,
  or a name built from ``${AWS::AccountId}``): the report plan writes only to its own account's bucket
  (same page)
* AWS004 S3 server access logs to a bucket not provably of the same account and Region
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
* AWS005 a resource with a fixed name and ``DeletionPolicy: Retain``: a failed first create leaves it
  behind and the retry fails with AlreadyExists; ``RetainExceptOnCreate`` is the documented answer.
  Every retained resource also needs ``UpdateReplacePolicy``
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
* AWS006 a vault notification event AWS no longer delivers (error) or does not list as supported
  (warning) https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultNotifications.html
* AWS007 a trail whose S3 data-event selectors match its own destination bucket (CloudTrail would
  log its own deliveries)
  https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html
* AWS008 a rule on "CloudWatch Alarm State Change" that does not filter ``detail.state.value``: it
  notifies on every OK transition too
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cfct_backup.problems import Problem, Severity

CONFORMANCE_PACK_DOC = (
    "https://docs.aws.amazon.com/config/latest/developerguide/conformance-pack-organization-apis.html"
)
# PutBackupVaultNotifications: "The following events are supported" (the rest of its valid values
# are deprecated and "will not return statuses or notifications").
SUPPORTED_VAULT_EVENTS = frozenset(
    {
        "BACKUP_JOB_STARTED",
        "BACKUP_JOB_COMPLETED",
        "COPY_JOB_STARTED",
        "COPY_JOB_SUCCESSFUL",
        "COPY_JOB_FAILED",
        "RESTORE_JOB_STARTED",
        "RESTORE_JOB_COMPLETED",
        "RECOVERY_POINT_MODIFIED",
        "S3_BACKUP_OBJECT_FAILED",
        "S3_RESTORE_OBJECT_FAILED",
    }
)
DEPRECATED_VAULT_EVENTS = frozenset(
    {
        "BACKUP_JOB_SUCCESSFUL",
        "BACKUP_JOB_FAILED",
        "BACKUP_JOB_EXPIRED",
        "RESTORE_JOB_SUCCESSFUL",
        "RESTORE_JOB_FAILED",
        "BACKUP_PLAN_CREATED",
        "BACKUP_PLAN_MODIFIED",
    }
)
RETAINING = ("Retain", "RetainExceptOnCreate", "Snapshot")
# Top-level properties ending in "Name" that do not name the resource itself.
NOT_A_PHYSICAL_NAME = frozenset({"KeyName", "LogGroupName", "DestinationBucketName", "S3BucketName"})
# ... except where that property is the resource's own name.
PHYSICAL_NAME_OF = {"AWS::Logs::LogGroup": "LogGroupName"}


def _line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def _key_line(mapping: Mapping[str, Any], key: str) -> int | None:
    for candidate in mapping:
        if candidate == key:
            return _line(candidate)
    return None


def _sub_text(value: Any) -> str | None:
    """The text of a literal or a `!Sub "..."` (list form: its template string); None otherwise."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and set(value) == {"Fn::Sub"}:
        body = value["Fn::Sub"]
        if isinstance(body, str):
            return body
        if isinstance(body, list) and body and isinstance(body[0], str):
            return body[0]
    return None


def _same_template_bucket(value: Any, resources: Mapping[str, Any]) -> bool:
    if isinstance(value, Mapping) and set(value) == {"Ref"}:
        target = resources.get(str(value["Ref"]))
        return isinstance(target, Mapping) and target.get("Type") == "AWS::S3::Bucket"
    return False


def _is_parameter_ref(value: Any, parameters: Mapping[str, Any]) -> bool:
    return isinstance(value, Mapping) and set(value) == {"Ref"} and str(value["Ref"]) in parameters


def _physical_name(rtype: str, props: Mapping[str, Any]) -> str | None:
    own = PHYSICAL_NAME_OF.get(rtype)
    for key, value in props.items():
        if str(key).endswith("Name") and (key == own or key not in NOT_A_PHYSICAL_NAME):
            if isinstance(value, Mapping) and value == {"Ref": "AWS::NoValue"}:
                continue
            return str(key)
    return None


def aws_rules(data: Mapping[str, Any], source: str) -> list[Problem]:
    problems: list[Problem] = []
    resources = data.get("Resources")
    if not isinstance(resources, Mapping):
        return problems
    raw_params = data.get("Parameters")
    parameters: Mapping[str, Any] = raw_params if isinstance(raw_params, Mapping) else {}

    def add(line: int | None, code: str, message: str, severity: Severity = "error") -> None:
        problems.append(Problem(source, line, severity, code, message))

    for name, resource in resources.items():
        if not isinstance(resource, Mapping):
            continue
        rtype = str(resource.get("Type", ""))
        raw_props = resource.get("Properties")
        props: Mapping[str, Any] = raw_props if isinstance(raw_props, Mapping) else {}
        here = _key_line(resources, name)

        _retain_rule(name, rtype, resource=resource, props=props, here=here, add=add)
        if rtype == "AWS::Config::OrganizationConformancePack" and "ExcludedAccounts" not in props:
            add(
                here,
                "AWS001",
                f"{name}: organization conformance pack without ExcludedAccounts; it fails in accounts"
                " without a Config recorder (the Control Tower management account has none)"
                f" {CONFORMANCE_PACK_DOC}",
            )
        elif rtype == "AWS::Backup::ReportPlan":
            _report_plan(name, props, resources, here, add)
        elif rtype == "AWS::S3::Bucket":
            logging = props.get("LoggingConfiguration")
            if isinstance(logging, Mapping) and "DestinationBucketName" in logging:
                _access_logs(
                    name,
                    logging["DestinationBucketName"],
                    resources=resources,
                    parameters=parameters,
                    here=here,
                    add=add,
                )
        elif rtype == "AWS::Backup::BackupVault":
            notes = props.get("Notifications")
            events = notes.get("BackupVaultEvents") if isinstance(notes, Mapping) else None
            for event in events if isinstance(events, list) else []:
                if not isinstance(event, str):
                    continue
                if event in DEPRECATED_VAULT_EVENTS:
                    add(
                        here,
                        "AWS006",
                        f"{name}: BackupVaultEvents {event} is deprecated; AWS sends nothing for it",
                    )
                elif event not in SUPPORTED_VAULT_EVENTS:
                    add(
                        here,
                        "AWS006",
                        f"{name}: BackupVaultEvents {event} is not among the events AWS lists as supported",
                        "warning",
                    )
        elif rtype == "AWS::CloudTrail::Trail":
            _trail_selectors(name, props, here, add)
        elif rtype == "AWS::Events::Rule":
            pattern = props.get("EventPattern")
            if isinstance(pattern, Mapping):
                kinds = pattern.get("detail-type")
                detail = pattern.get("detail")
                state = detail.get("state") if isinstance(detail, Mapping) else None
                filtered = isinstance(state, Mapping) and "value" in state
                if isinstance(kinds, list) and "CloudWatch Alarm State Change" in kinds and not filtered:
                    add(
                        here,
                        "AWS008",
                        f"{name}: matches every alarm state change (OK too); filter detail.state.value",
                    )
    return problems


def _retain_rule(
    name: str,
    rtype: str,
    *,
    resource: Mapping[str, Any],
    props: Mapping[str, Any],
    here: int | None,
    add: Any,
) -> None:
    policy = resource.get("DeletionPolicy")
    if policy not in RETAINING:
        return
    if "UpdateReplacePolicy" not in resource:
        add(here, "AWS005", f"{name}: DeletionPolicy {policy} without UpdateReplacePolicy")
    named = _physical_name(rtype, props)
    if policy == "Retain" and named is not None:
        add(
            here,
            "AWS005",
            f"{name}: fixed {named} with DeletionPolicy Retain; a failed first create leaves it behind and"
            " the retry fails with AlreadyExists (use RetainExceptOnCreate)",
        )


def _report_plan(
    name: str, props: Mapping[str, Any], resources: Mapping[str, Any], here: int | None, add: Any
) -> None:
    setting = props.get("ReportSetting")
    channel = props.get("ReportDeliveryChannel")
    org_wide = isinstance(setting, Mapping) and any(k in setting for k in ("OrganizationUnits", "Accounts"))
    if not isinstance(channel, Mapping):
        return
    formats = channel.get("Formats")
    if org_wide and isinstance(formats, list) and any(f != "CSV" for f in formats):
        add(here, "AWS002", f"{name}: organization report plans deliver CSV only, not {formats}")
    bucket = channel.get("S3BucketName")
    text = _sub_text(bucket)
    own = _same_template_bucket(bucket, resources) or (text is not None and "${AWS::AccountId}" in text)
    if not own:
        add(
            here,
            "AWS003",
            f"{name}: report bucket is not shown to be this account's (a bucket of this template or a name"
            " with ${AWS::AccountId}); a report plan writes only to a bucket of the account that creates it",
        )


def _access_logs(
    name: str,
    target: Any,
    *,
    resources: Mapping[str, Any],
    parameters: Mapping[str, Any],
    here: int | None,
    add: Any,
) -> None:
    if _same_template_bucket(target, resources):
        return
    text = _sub_text(target)
    if text is not None and "${AWS::AccountId}" in text and "${AWS::Region}" in text:
        return
    if _is_parameter_ref(target, parameters):
        add(
            here,
            "AWS004",
            f"{name}: access logs go to a bucket given by parameter {target['Ref']}; it must be in this"
            " account and Region",
            "warning",
        )
        return
    add(
        here,
        "AWS004",
        f"{name}: access logs must go to a bucket of the same account and Region (a bucket of this template,"
        " or a name with ${AWS::AccountId} and ${AWS::Region})",
    )


def _normal(text: str) -> str:
    return text.replace("${AWS::Partition}", "aws")


def _trail_selectors(name: str, props: Mapping[str, Any], here: int | None, add: Any) -> None:
    bucket = _sub_text(props.get("S3BucketName"))
    selectors = props.get("AdvancedEventSelectors")
    if bucket is None or not isinstance(selectors, list):
        return
    own = f"arn:aws:s3:::{_normal(bucket)}/"
    for selector in selectors:
        fields = selector.get("FieldSelectors") if isinstance(selector, Mapping) else None
        if not isinstance(fields, list):
            continue
        by_field = {str(f.get("Field")): f for f in fields if isinstance(f, Mapping)}
        category = by_field.get("eventCategory", {}).get("Equals")
        types = by_field.get("resources.type", {}).get("Equals")
        if category != ["Data"] or not isinstance(types, list) or "AWS::S3::Object" not in types:
            continue
        arn = by_field.get("resources.ARN")
        if arn is None:
            add(
                here,
                "AWS007",
                f"{name}: S3 data events on every object include the trail's own bucket {bucket}",
            )
            continue
        excluded = [
            _normal(v)
            for key in ("NotStartsWith", "NotEquals")
            for v in (_sub_text(x) for x in arn.get(key, []) or [])
            if v is not None
        ]
        if any(own.startswith(v) for v in excluded):
            continue
        for value in (_sub_text(x) for x in arn.get("StartsWith", []) or []):
            if value is None:
                continue
            literal = _normal(value).split("${", 1)[0]
            if own.startswith(literal):
                add(
                    here,
                    "AWS007",
                    f"{name}: data-event selector StartsWith {value} matches the trail's own bucket {bucket};"
                    " CloudTrail would log its own deliveries (add NotStartsWith for it)",
                )
                break
