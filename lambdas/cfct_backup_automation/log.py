"""The one structured JSON logger (powertools) every module logs through."""

from __future__ import annotations

import os

from aws_lambda_powertools.logging.logger import Logger

logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "cfct-backup"))
