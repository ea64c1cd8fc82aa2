"""Types with no emulated API: recorded with a physical ID and attributes (:class:`RecordedOnly`)."""

from __future__ import annotations

from moto.core.common_models import CloudFormationModel

from .models import RecordedOnly

# type, the property that names it (else a generated ID), the generated physical ID
# (RecordedOnly.PHYSICAL_ID: {name}, {account}, {region}, {random})
RECORDED_TYPES: tuple[tuple[str, str, str], ...] = (
    ("AWS::Lambda::EventInvokeConfig", "", "{name}"),
    ("AWS::Config::OrganizationConformancePack", "OrganizationConformancePackName", "{name}"),
    ("AWS::Config::ConformancePack", "ConformancePackName", "{name}"),
    ("AWS::Config::ConfigRule", "ConfigRuleName", "{name}"),
    ("AWS::SSO::PermissionSet", "", "arn:aws:sso:::permissionSet/ssoins-emulator/ps-{random:.16}"),
    ("AWS::SSO::Assignment", "", "{name}"),
    ("AWS::ServiceCatalog::Portfolio", "", "port-{random:.13}"),
    ("AWS::ServiceCatalog::CloudFormationProduct", "", "prod-{random:.13}"),
    ("AWS::ServiceCatalog::PortfolioPrincipalAssociation", "", "{name}"),
    ("AWS::ServiceCatalog::PortfolioProductAssociation", "", "{name}"),
    ("AWS::ServiceCatalog::LaunchRoleConstraint", "", "{name}"),
    ("AWS::CodeBuild::Project", "Name", "{name}"),
    ("AWS::CodeBuild::ReportGroup", "", "arn:aws:codebuild:{region}:{account}:report-group/{name}"),
)


def _model(resource_type: str, name_property: str, physical_id: str) -> type[RecordedOnly]:
    """One model class per type (moto finds models as subclasses of CloudFormationModel)."""
    _, service, kind = resource_type.split("::")
    attributes = {"TYPE": resource_type, "NAME_PROPERTY": name_property, "PHYSICAL_ID": physical_id}
    return type(f"{service}{kind}Resource", (RecordedOnly, CloudFormationModel), attributes)


# kept referenced: a class's __subclasses__() holds its subclasses weakly
MODELS = tuple(_model(*row) for row in RECORDED_TYPES)
