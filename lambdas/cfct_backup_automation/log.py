"""The one structured JSON logger (powertools) every module logs through.

Every handler is decorated with ``logger.inject_lambda_context(correlation_id_path=..., clear_state=True)``:
powertools adds the Lambda context keys and sets ``correlation_id`` from the event.
"""

from __future__ import annotations

import os

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.logging.logger import Logger

from cfct_backup_automation import contract

logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", contract.SERVICE_NAME))

# EventBridge events: their `id`.
EVENT_BRIDGE = correlation_paths.EVENT_BRIDGE
# CloudFormation custom resource requests: `RequestId` (powertools has no constant for it;
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html).
CUSTOM_RESOURCE = "RequestId"
# Reconcile: the schedule's EventBridge `id`, else the Step Functions sweep's `runId` (the summary
# state's input carries it; templates/lifecycle-automation.yaml).
SWEEP = f"{correlation_paths.EVENT_BRIDGE} || runId"
