"""Responses of the emulated AWS Organizations (:mod:`.models`)."""

from __future__ import annotations

import json

from moto.organizations.responses import OrganizationsResponse

from .effective import EffectivePolicyValidationResponse


class EmulatedOrganizationsResponse(EffectivePolicyValidationResponse, OrganizationsResponse):
    def describe_effective_policy(self) -> str:
        result = self.organizations_backend.describe_effective_policy(  # type: ignore[attr-defined]
            policy_type=self._get_param("PolicyType"),
            target_id=self._get_param("TargetId"),
            caller_account_id=self.current_account,
        )
        return json.dumps(result)
