"""The extended ``OrganizationsBackend``: backup policies, management policy types, effective policies."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, cast

from moto.organizations import models as _models
from moto.organizations import utils as _utils
from moto.organizations.exceptions import (
    AWSOrganizationsNotInUseException,
    ConstraintViolationException,
    DuplicatePolicyException,
    InvalidInputException,
    PolicyTypeNotEnabledException,
    TargetNotFoundException,
)

from cfct_backup.backup_policy import effective_policy
from cfct_backup.quotas import quota

from .. import clock
from .._moto import url_module
from .effective import EffectivePolicyValidationBackend
from .exceptions import (
    AccessDeniedException,
    EffectivePolicyNotFoundException,
    MalformedPolicyDocumentException,
)

BACKUP_POLICY_ARN_FORMAT = "arn:{0}:organizations::{1}:policy/{2}/backup_policy/{3}"
# Management policy types (inherited and merged; they have effective policies).
MANAGEMENT_POLICY_TYPES = frozenset({"BACKUP_POLICY", "TAG_POLICY", "AISERVICES_OPT_OUT_POLICY"})
# https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
# ("Maximum size of a policy document": backup policies 10,000 characters)
MAX_POLICY_SIZE = {
    "BACKUP_POLICY": quota("backup_policy.max_chars"),
    "TAG_POLICY": quota("tag_policy.max_chars"),
    "AISERVICES_OPT_OUT_POLICY": quota("ai_opt_out_policy.max_chars"),
}
# https://docs.aws.amazon.com/organizations/latest/userguide/orgs_integrate_services_list.html
EXTRA_DELEGATED_SERVICES = (
    "backup.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "config.amazonaws.com",
    "securityhub.amazonaws.com",
    "sso.amazonaws.com",
    "stacksets.cloudformation.amazonaws.com",
    "member.org.stacksets.cloudformation.amazonaws.com",
)


class BackupCapablePolicy(_models.FakePolicy):
    """moto's policy, plus the ``BACKUP_POLICY`` type."""

    def __init__(self, organization: Any, **kwargs: Any):
        try:
            super().__init__(organization, **kwargs)
        except NotImplementedError:
            if self.type != "BACKUP_POLICY":
                raise
            self._arn_format = BACKUP_POLICY_ARN_FORMAT
        self.last_updated = clock.now()


class EmulatedOrganizationsBackend(EffectivePolicyValidationBackend, _models.OrganizationsBackend):
    """moto's ``OrganizationsBackend`` with backup policies and effective policies."""

    def _init_extension(self) -> None:
        """No extra state: everything lives in moto's own structures."""

    @property
    def _url_module(self) -> Any:
        from .responses import EmulatedOrganizationsResponse  # noqa: PLC0415 - it imports this module

        return url_module(
            [r"https?://organizations\.(.+)\.amazonaws\.com"],
            {"{0}/$": EmulatedOrganizationsResponse.dispatch},
        )

    def _management_backend(self) -> EmulatedOrganizationsBackend:
        if self.org is not None:
            return self
        owner = _models.organizations_backends.master_accounts.get(self.account_id)
        if owner is None:
            raise AWSOrganizationsNotInUseException
        master_account_id, partition = owner
        return cast(
            EmulatedOrganizationsBackend, _models.organizations_backends[master_account_id][partition]
        )

    def _root(self) -> Any:
        return next(ou for ou in self.ou if isinstance(ou, _models.FakeRoot))

    def _type_enabled(self, policy_type: str) -> bool:
        return any(t["Type"] == policy_type and t["Status"] == "ENABLED" for t in self._root().policy_types)

    def create_policy(self, **kwargs: Any) -> dict[str, Any]:
        # https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html
        policy_type = kwargs.get("Type", "")
        if policy_type in MANAGEMENT_POLICY_TYPES:
            content = kwargs.get("Content") or ""
            try:
                document = json.loads(content)
            except ValueError:
                raise MalformedPolicyDocumentException(
                    "The provided policy document isn't valid JSON."
                ) from None
            if not isinstance(document, dict):
                raise MalformedPolicyDocumentException("The provided policy document must be a JSON object.")
            if len(content) > MAX_POLICY_SIZE[policy_type]:
                raise ConstraintViolationException(
                    "You attempted to create a policy larger than the maximum size "
                    "(POLICY_CONTENT_LIMIT_EXCEEDED)."
                )
        new_policy = BackupCapablePolicy(self.org, **kwargs)
        if any(p.name == kwargs["Name"] for p in self.policies):
            raise DuplicatePolicyException
        self.policies.append(new_policy)
        return new_policy.describe()

    def update_policy(self, **kwargs: Any) -> dict[str, Any]:
        policy = self.get_policy_by_id(kwargs["PolicyId"])
        if "Content" in kwargs and policy.type in MANAGEMENT_POLICY_TYPES:
            try:
                json.loads(kwargs["Content"])
            except ValueError:
                raise MalformedPolicyDocumentException(
                    "The provided policy document isn't valid JSON."
                ) from None
        result = super().update_policy(**kwargs)
        policy.last_updated = clock.now()  # type: ignore[attr-defined]
        return result

    def attach_policy(self, **kwargs: Any) -> None:
        # API_AttachPolicy: PolicyTypeNotEnabledException "The specified policy type isn't currently
        # enabled in this root. You can't attach policies of the specified type to entities in a root
        # until you enable that type in the root."
        policy = self.get_policy_by_id(kwargs["PolicyId"])
        if policy.type in MANAGEMENT_POLICY_TYPES and not self._type_enabled(policy.type):
            raise PolicyTypeNotEnabledException
        super().attach_policy(**kwargs)

    def disable_policy_type(self, **kwargs: str) -> dict[str, Any]:
        # API_DisablePolicyType: "all policies of that type are detached from every entity in the root"
        result = super().disable_policy_type(**kwargs)
        policy_type = kwargs["PolicyType"]
        for policy in self.policies:
            if policy.type == policy_type:
                for target in list(policy.attachments):
                    target.attached_policies.remove(policy)
                    policy.attachments.remove(target)
        return result

    def policy_path(self, account_id: str, policy_type: str) -> list[tuple[str, list[Any]]]:
        """(node id, policies of the type attached to it) from the root down to the account."""
        account = next((a for a in self.accounts if a.id == account_id), None)
        if account is None:
            raise TargetNotFoundException
        chain: list[Any] = [account]
        parent_id: str | None = account.parent_id
        while parent_id:
            node = next((ou for ou in self.ou if ou.id == parent_id), None)
            if node is None:
                break
            chain.append(node)
            parent_id = None if isinstance(node, _models.FakeRoot) else node.parent_id
        return [
            (node.id, [p for p in node.attached_policies if p.type == policy_type])
            for node in reversed(chain)
        ]

    def describe_effective_policy(
        self, policy_type: str, target_id: str | None, caller_account_id: str
    ) -> dict[str, Any]:
        org = self._management_backend()
        if policy_type not in MANAGEMENT_POLICY_TYPES:
            raise InvalidInputException("You specified an invalid value.")
        target = target_id or caller_account_id
        if not re.fullmatch(_utils.ACCOUNT_ID_REGEX, target):
            # "Specifying an organization root or organizational unit (OU) as the target is not supported."
            raise InvalidInputException("You specified an invalid value.")
        if caller_account_id not in (org.account_id, target):
            raise AccessDeniedException("You don't have permissions to access this resource.")
        path = org.policy_path(target, policy_type)
        levels = [(node_id, policies) for node_id, policies in path if policies]
        if not levels or not org._type_enabled(policy_type):
            raise EffectivePolicyNotFoundException
        documents: list[Sequence[Mapping[str, Any]]] = []
        sources: list[str] = []
        for node_id, policies in levels:
            documents.append([json.loads(p.content) for p in policies])
            sources.append(f"{node_id}:" + ",".join(p.name for p in policies))
        content = effective_policy(documents, sources=sources)
        last_updated = max(getattr(p, "last_updated", 0.0) for _, policies in levels for p in policies)
        return {
            "EffectivePolicy": {
                "PolicyContent": json.dumps(content),
                "LastUpdatedTimestamp": last_updated,
                "TargetId": target,
                "PolicyType": policy_type,
            }
        }
