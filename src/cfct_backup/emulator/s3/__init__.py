"""Amazon S3: bucket policy conditions and the ``AWS::S3::Bucket`` properties moto's CloudFormation
drops (:mod:`.models`), replication configuration (:mod:`.replication`)."""

from __future__ import annotations

from .models import install

__all__ = ["install"]
