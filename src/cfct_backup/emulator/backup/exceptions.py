"""AWS Backup errors moto does not define."""

from __future__ import annotations

from moto.core.exceptions import JsonRESTError


class ConflictException(JsonRESTError):
    code = 409

    def __init__(self, msg: str):
        super().__init__("ConflictException", msg)


class MissingParameterValueException(JsonRESTError):
    code = 400

    def __init__(self, msg: str):
        super().__init__("MissingParameterValueException", msg)
