"""What a handler needs at run time, built once per cold start (or handed in by a test/simulator)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3

from cfct_backup_automation import contract
from cfct_backup_automation.config import DEFAULT_PREFIX, Config, ConfigError, config_from
from cfct_backup_automation.destinations import DestinationCache
from cfct_backup_automation.sessions import RETRY_CONFIG, SessionFactory
from cfct_backup_automation.telemetry import Telemetry

DEFAULT_CONFIG_MAX_AGE_SECONDS = 300


def utcnow() -> datetime:
    """The time the handlers act at (the simulator replaces it with its simulated clock)."""
    return datetime.now(UTC)


@dataclass
class Runtime:
    cfg: Config
    sessions: SessionFactory
    telemetry: Telemetry
    environ: Mapping[str, str]
    tracer: Any = None
    # copy destination vaults read by enrolments in this (warm) container, short TTL
    destinations: DestinationCache = field(default_factory=DestinationCache)
    # powertools SSMProvider: the configuration is re-read once it is older than `config_max_age`
    parameters: Any = None
    config_max_age: int = DEFAULT_CONFIG_MAX_AGE_SECONDS
    _values: Mapping[str, str] = field(default_factory=dict)
    # looked up at call time, so the simulator can swap `utcnow` for its simulated clock
    clock: Callable[[], datetime] = field(default=lambda: utcnow())  # noqa: PLW0108

    def refresh(self) -> None:
        """A warm container picks up changed SSM configuration (cached by powertools for max_age)."""
        if self.parameters is None:
            return
        values = read_configuration(self.parameters, self.environ, self.config_max_age)
        if values != self._values:
            self.cfg = config_from(values, self.environ, _prefix(self.environ))
            self._values = values


def _prefix(environ: Mapping[str, str]) -> str:
    return environ.get("CONFIG_PARAMETER_PREFIX", "").strip() or DEFAULT_PREFIX


def read_configuration(provider: Any, environ: Mapping[str, str], max_age: int) -> dict[str, str]:
    """Every parameter under the prefix (relative names), through the powertools cache."""
    prefix = _prefix(environ).rstrip("/")
    values = provider.get_multiple(prefix, max_age=max_age, recursive=True)
    return {str(k): str(v) for k, v in values.items()}


def config_max_age(environ: Mapping[str, str]) -> int:
    raw = environ.get("CONFIG_MAX_AGE_SECONDS", "").strip()
    if not raw:
        return DEFAULT_CONFIG_MAX_AGE_SECONDS
    if not raw.isdigit():
        raise ConfigError(f"environment variable CONFIG_MAX_AGE_SECONDS must be a number, not {raw!r}")
    return int(raw)


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
    service: str = contract.SERVICE_NAME,
    sleep: Callable[[float], None] = time.sleep,
    on_client: Callable[[Any], None] | None = None,
    assume_attempts: int | None = None,
    backoff_seconds: float | None = None,
) -> Runtime:
    """Read the configuration (env + SSM in the running account) and wire clients and telemetry."""
    env = os.environ if environ is None else environ
    base = session or boto3.Session()
    from aws_lambda_powertools.utilities.parameters import SSMProvider  # noqa: PLC0415 - cold start only

    provider = SSMProvider(boto3_client=base.client("ssm", config=RETRY_CONFIG))
    max_age = config_max_age(env)
    values = read_configuration(provider, env, max_age)
    cfg = config_from(values, env, _prefix(env))
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
    return Runtime(
        cfg,
        sessions,
        telemetry,
        env,
        start_tracing(service, env),
        parameters=provider,
        config_max_age=max_age,
        _values=values,
    )


@dataclass
class LocalContext:
    """A Lambda context for in-process calls (tests, `cfct-backup simulate`)."""

    function_name: str = contract.LOCAL_FUNCTION
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = f"arn:aws:lambda:local:000000000000:function:{contract.LOCAL_FUNCTION}"
    aws_request_id: str = "local"
    timeout_ms: int = 900_000

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_ms
