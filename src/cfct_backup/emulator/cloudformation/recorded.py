"""Types with no emulated API: recorded with a physical ID and attributes (:class:`RecordedOnly`)."""

from __future__ import annotations

from moto.core.common_models import CloudFormationModel

from .models import RecordedOnly


class LambdaEventInvokeConfigResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::Lambda::EventInvokeConfig"


class ConfigOrganizationConformancePackResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::Config::OrganizationConformancePack"
    NAME_PROPERTY = "OrganizationConformancePackName"


class ConfigConformancePackResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::Config::ConformancePack"
    NAME_PROPERTY = "ConformancePackName"


class ConfigRuleResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::Config::ConfigRule"
    NAME_PROPERTY = "ConfigRuleName"


class SsoPermissionSetResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::SSO::PermissionSet"
    PHYSICAL_ID = "arn:aws:sso:::permissionSet/ssoins-emulator/ps-{random:.16}"


class SsoAssignmentResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::SSO::Assignment"


class ServiceCatalogPortfolioResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::ServiceCatalog::Portfolio"
    PHYSICAL_ID = "port-{random:.13}"


class ServiceCatalogProductResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::ServiceCatalog::CloudFormationProduct"
    PHYSICAL_ID = "prod-{random:.13}"


class ServiceCatalogPrincipalAssociationResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::ServiceCatalog::PortfolioPrincipalAssociation"


class ServiceCatalogProductAssociationResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::ServiceCatalog::PortfolioProductAssociation"


class ServiceCatalogLaunchRoleConstraintResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::ServiceCatalog::LaunchRoleConstraint"


class CodeBuildProjectResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::CodeBuild::Project"
    NAME_PROPERTY = "Name"


class CodeBuildReportGroupResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::CodeBuild::ReportGroup"
    PHYSICAL_ID = "arn:aws:codebuild:{region}:{account}:report-group/{name}"
