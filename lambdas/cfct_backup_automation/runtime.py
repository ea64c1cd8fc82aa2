"""What a handler needs at run time, built once per cold start (or handed in by a test/simulator)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3

from cfct_backup_automation.config import Config, load_config
from cfct_backup_automation.destinations import DestinationCache
from cfct_backup_automation.sessions import RETRY_CONFIG, SessionFactory
from cfct_backup_automation.telemetry import Telemetry


@dataclass
class Runtime:
    cfg: Config
    sessions: SessionFactory
    telemetry: Telemetry
    environ: Mapping[str, str]
    tracer: Any = None
    # copy destination vaults read by enrolments in this (warm) container, short TTL
    destinations: DestinationCache = field(default_factory=DestinationCache)


def start_tracing(service: str, environ: Mapping[str, str]) -> Any:
    """Powertools Tracer (X-Ray subsegments for every boto3 call) when POWERTOOLS_TRACE_DISABLED=false.

    Optional: the stack enables it with EnableTracing; if aws-xray-sdk is not in the Lambda
    artifact, tracing is skipped with a warning rather than failing the function.
    """
    if environ.get("POWERTOOLS_TRACE_DISABLED", "true").strip().lower() != "false":
        return None
    try:
        from aws_lambda_powertools.tracing import Tracer  # noqa: PLC0415 - only when enabled

        return Tracer(service=service)
    except Exception as exc:  # noqa: BLE001 - tracing must never stop the automation
        from cfct_backup_automation.log import logger  # noqa: PLC0415

        logger.warning("tracing requested but unavailable", extra={"error": f"{type(exc).__name__}: {exc}"})
        return None


def build_runtime(
    session: boto3.Session | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    service: str = "cfct-backup",
    sleep: Callable[[float], None] = time.sleep,
    on_client: Callable[[Any], None] | None = None,
    assume_attempts: int | None = None,
    backoff_seconds: float | None = None,
) -> Runtime:
    """Read the configuration (env + SSM in the running account) and wire clients and telemetry."""
    env = os.environ if environ is None else environ
    base = session or boto3.Session()
    ssm = base.client("ssm", config=RETRY_CONFIG)
    cfg = load_config(ssm, env)
    sessions = SessionFactory(
        base,
        role_name=cfg.role_name,
        partition=cfg.partition,
        home_account=cfg.management_account,
        assume_attempts=assume_attempts or int(env.get("ASSUME_ROLE_ATTEMPTS", "4") or 4),
        backoff_seconds=backoff_seconds
        if backoff_seconds is not None
        else float(env.get("ASSUME_ROLE_BACKOFF_SECONDS", "2") or 2),
        sleep=sleep,
        on_client=on_client,
        session_name=service,
    )
    telemetry = Telemetry(
        lambda: sessions.home_client("events"), bus_name=cfg.event_bus_name, service=service
    )
    return Runtime(cfg, sessions, telemetry, env, start_tracing(service, env))


@dataclass
class LocalContext:
    """A Lambda context for in-process calls (tests, `cfct-backup simulate`)."""

    function_name: str = "cfct-backup-local"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:local:000000000000:function:cfct-backup-local"
    aws_request_id: str = "local"
    timeout_ms: int = 900_000

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_ms
