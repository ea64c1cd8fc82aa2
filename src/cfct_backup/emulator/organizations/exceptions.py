"""AWS Organizations errors moto does not define (botocore's organizations 2016-11-28 model)."""

from __future__ import annotations

from .._moto import ServiceError


class MalformedPolicyDocumentException(ServiceError):
    pass


class EffectivePolicyNotFoundException(ServiceError):
    MESSAGE = "We can't find an effective policy of the specified type for the specified target."


class AccessDeniedException(ServiceError):
    pass


class EffectivePolicyAccessDenied(ServiceError):
    ERROR = "AccessDeniedException"
    MESSAGE = "You can only call this operation from the management account or a delegated administrator."
