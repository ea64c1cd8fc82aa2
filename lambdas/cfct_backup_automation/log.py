"""The one structured JSON logger (powertools) every module logs through."""

from __future__ import annotations

import os

from aws_lambda_powertools.logging.logger import Logger

from cfct_backup_automation import contract

logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", contract.SERVICE_NAME))
