"""AWS Organizations errors moto does not define (botocore's organizations 2016-11-28 model)."""

from __future__ import annotations

from moto.core.exceptions import JsonRESTError


class MalformedPolicyDocumentException(JsonRESTError):
    code = 400

    def __init__(self, message: str):
        super().__init__("MalformedPolicyDocumentException", message)


class EffectivePolicyNotFoundException(JsonRESTError):
    code = 400

    def __init__(self) -> None:
        super().__init__(
            "EffectivePolicyNotFoundException",
            "We can't find an effective policy of the specified type for the specified target.",
        )


class AccessDeniedException(JsonRESTError):
    code = 400

    def __init__(self, message: str):
        super().__init__("AccessDeniedException", message)


class EffectivePolicyAccessDenied(JsonRESTError):
    code = 400

    def __init__(self) -> None:
        super().__init__(
            "AccessDeniedException",
            "You can only call this operation from the management account or a delegated administrator.",
        )
