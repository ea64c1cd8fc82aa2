"""Types with no emulated API: recorded with a physical ID and attributes (:class:`RecordedOnly`)."""

from __future__ import annotations

import uuid

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


def _arn(service: str, region: str, account: str, resource: str) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


class SsoPermissionSetResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::SSO::PermissionSet"

    @classmethod
    def physical_id_for(cls, resource_name: str, account_id: str, region_name: str) -> str:
        return f"arn:aws:sso:::permissionSet/ssoins-emulator/ps-{uuid.uuid4().hex[:16]}"


class SsoAssignmentResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::SSO::Assignment"


class ServiceCatalogPortfolioResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::ServiceCatalog::Portfolio"

    @classmethod
    def physical_id_for(cls, resource_name: str, account_id: str, region_name: str) -> str:
        return f"port-{uuid.uuid4().hex[:13]}"


class ServiceCatalogProductResource(RecordedOnly, CloudFormationModel):
    TYPE = "AWS::ServiceCatalog::CloudFormationProduct"

    @classmethod
    def physical_id_for(cls, resource_name: str, account_id: str, region_name: str) -> str:
        return f"prod-{uuid.uuid4().hex[:13]}"


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

    @classmethod
    def physical_id_for(cls, resource_name: str, account_id: str, region_name: str) -> str:
        return _arn("codebuild", region_name, account_id, f"report-group/{resource_name}")
