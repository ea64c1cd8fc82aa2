"""Delivery: build the CfCT configuration zip and the Lambda artifact, and publish them.

`package` builds (`build_package`), `publish` uploads/pushes (`publish_package`). Nothing here
imports boto3 at module level: clients are passed in by the command that owns them.
"""

from __future__ import annotations

from cfct_backup_automation import contract

CONFIG_ZIP_NAME = "custom-control-tower-configuration.zip"
LAMBDA_ZIP_NAME = contract.LAMBDA_ZIP_NAME
PACKAGE_RECORD_NAME = contract.PACKAGE_RECORD_NAME


class DeliveryError(Exception):
    """A package or publish step that cannot go on; the message says why, for a person."""
