"""S3: bucket policy statements with conditions are not evaluated without their conditions.

moto 5.2.x checks a bucket's policy on object requests (``FakeBucket.get_permission``) with an IAM
evaluator that ignores ``Condition``: a statement such as "Deny s3:* when aws:SecureTransport is
false" then denies every request, although AWS applies a statement only when its conditions match
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
As DESIGN §6 says, resource policies are not enforced by the emulator beyond what moto can evaluate
faithfully: here the conditional statements are left out of moto's check, the unconditional ones
still apply.
"""

from __future__ import annotations

import json
from typing import Any

from moto.s3 import models as _models

_moto_get_permission = _models.FakeBucket.get_permission


def _get_permission(self: Any, action: str, resource: str) -> Any:
    if self.policy is None:
        return _moto_get_permission(self, action, resource)
    try:
        document = json.loads(self.policy.decode() if isinstance(self.policy, bytes) else self.policy)
    except ValueError:
        return _moto_get_permission(self, action, resource)
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    unconditional = [s for s in statements if isinstance(s, dict) and "Condition" not in s]
    if len(unconditional) == len(statements):
        return _moto_get_permission(self, action, resource)
    saved = self.policy
    self.policy = json.dumps({**document, "Statement": unconditional}).encode()
    try:
        if not unconditional:
            from moto.iam.access_control import PermissionResult  # noqa: PLC0415

            return PermissionResult.NEUTRAL
        return _moto_get_permission(self, action, resource)
    finally:
        self.policy = saved


def install() -> None:
    if _models.FakeBucket.get_permission is not _get_permission:
        _models.FakeBucket.get_permission = _get_permission  # type: ignore[method-assign]
