"""AWS Backup errors moto does not define (botocore's backup model)."""

from __future__ import annotations

from .._moto import ServiceError


class ConflictException(ServiceError):
    code = 409


class MissingParameterValueException(ServiceError):
    pass
