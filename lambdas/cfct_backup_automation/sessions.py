"""Clients in other accounts: assume `cfct-backup-automation` with retries and backoff.

Throttling and transient errors are retried by botocore (adaptive retry mode, client-side rate
limiting). AccessDenied on AssumeRole is not transient for botocore, but it is for us: right after
Control Tower vends an account, the CfCT pipeline has not yet deployed the member baseline that
creates the role. We retry it a few times with exponential backoff and jitter, then raise
`RoleNotReady`, so the asynchronous invocation fails and, after Lambda's own retries, lands in the
DLQ (reconcile converges the account later).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from cfct_backup_automation import contract

RETRY_CONFIG = BotoConfig(retries={"mode": "adaptive", "max_attempts": 8}, connect_timeout=5, read_timeout=20)
ACCESS_DENIED = {"AccessDenied", "AccessDeniedException"}


class RoleNotReady(RuntimeError):
    """AssumeRole kept failing with AccessDenied: the role is not (yet) in the target account."""

    def __init__(self, account_id: str, role_arn: str, attempts: int, last: str) -> None:
        super().__init__(
            f"cannot assume {role_arn} in account {account_id} after {attempts} attempts ({last}); "
            "the member baseline (which creates the role) is probably not deployed yet"
        )
        self.account_id = account_id
        self.role_arn = role_arn


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


@dataclass
class _Creds:
    keys: dict[str, str]
    expires: float


class SessionFactory:
    """Boto3 clients per (account, service, Region), through the automation role.

    `home_account` is the account the code runs in (the management account): its clients come from
    `base` directly. `on_client` is called with every new client (benchmarks count calls with it;
    reconcile registers its rate limiter).
    """

    def __init__(
        self,
        base: boto3.Session,
        *,
        role_name: str,
        partition: str = "aws",
        home_account: str | None = None,
        assume_attempts: int = 4,
        backoff_seconds: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        boto_config: BotoConfig = RETRY_CONFIG,
        on_client: Callable[[Any], None] | None = None,
        session_name: str = contract.AUTOMATION_ROLE,
    ) -> None:
        self.base = base
        self.role_name = role_name
        self.partition = partition
        self.home_account = home_account
        self.assume_attempts = max(1, assume_attempts)
        self.backoff_seconds = backoff_seconds
        self.sleep = sleep
        self.boto_config = boto_config
        self.on_client = on_client
        self.session_name = session_name
        self._creds: dict[str, _Creds] = {}
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()
        self._create_lock = threading.Lock()
        self._account_locks: dict[str, threading.Lock] = {}

    def role_arn(self, account_id: str) -> str:
        return f"arn:{self.partition}:iam::{account_id}:role/{self.role_name}"

    def _new_client(self, service: str, region: str | None, creds: _Creds | None = None) -> Any:
        # Clients come from the one base session, with explicit credentials for other accounts:
        # creating a client from a fresh boto3.Session reloads the service models (~150 ms), from the
        # shared one it costs a few ms. botocore's session is not thread-safe: serialise creation.
        keys = creds.keys if creds is not None else {}
        with self._create_lock:
            client = self.base.client(  # type: ignore[call-overload]
                service, region_name=region, config=self.boto_config, **keys
            )
        if self.on_client is not None:
            self.on_client(client)
        return client

    def home_client(self, service: str, region: str | None = None) -> Any:
        """A client in the account the code runs in."""
        key = ("", service, region or "")
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self._new_client(service, region)
            return self._clients[key]

    def _assume(self, account_id: str, *, retry_access_denied: bool) -> _Creds:
        sts = self.home_client("sts")
        arn = self.role_arn(account_id)
        attempts = self.assume_attempts if retry_access_denied else 1
        last = ""
        for attempt in range(1, attempts + 1):
            try:
                creds = sts.assume_role(RoleArn=arn, RoleSessionName=self.session_name, DurationSeconds=3600)
            except ClientError as exc:
                if error_code(exc) not in ACCESS_DENIED:
                    raise
                last = str(exc)
                if attempt < attempts:
                    delay = self.backoff_seconds * (2 ** (attempt - 1))
                    self.sleep(delay * (0.5 + random.random() / 2))  # noqa: S311 - jitter, not crypto
                continue
            c = creds["Credentials"]
            self._creds[account_id] = _Creds(
                {
                    "aws_access_key_id": c["AccessKeyId"],
                    "aws_secret_access_key": c["SecretAccessKey"],
                    "aws_session_token": c["SessionToken"],
                },
                time.time() + 3000,
            )
            return self._creds[account_id]
        raise RoleNotReady(account_id, arn, attempts, last)

    def credentials(self, account_id: str, *, retry_access_denied: bool = True) -> _Creds:
        """Credentials in `account_id` (assumed once, cached until shortly before expiry)."""
        with self._lock:
            lock = self._account_locks.setdefault(account_id, threading.Lock())
        with lock:
            cached = self._creds.get(account_id)
            if cached is not None and cached.expires > time.time():
                return cached
            return self._assume(account_id, retry_access_denied=retry_access_denied)

    def session(self, account_id: str, *, retry_access_denied: bool = True) -> boto3.Session:
        """A boto3 session in `account_id` (for callers that want one; clients are cheaper via client())."""
        if account_id == self.home_account:
            return self.base
        creds = self.credentials(account_id, retry_access_denied=retry_access_denied)
        return boto3.Session(
            aws_access_key_id=creds.keys["aws_access_key_id"],
            aws_secret_access_key=creds.keys["aws_secret_access_key"],
            aws_session_token=creds.keys["aws_session_token"],
            region_name=self.base.region_name,
        )

    def client(self, service: str, account_id: str, region: str | None = None, **kw: bool) -> Any:
        """A client for `service` in `account_id` / `region` through the automation role."""
        if account_id == self.home_account:
            return self.home_client(service, region)
        key = (account_id, service, region or "")
        with self._lock:
            existing = self._clients.get(key)
        cached = self._creds.get(account_id)
        if existing is not None and cached is not None and cached.expires > time.time():
            return existing
        creds = self.credentials(account_id, **kw)
        client = self._new_client(service, region, creds)
        with self._lock:
            self._clients[key] = client
        return client

    def forget(self, account_id: str) -> None:
        """Drop cached credentials and clients of an account (reconcile frees memory as it goes)."""
        with self._lock:
            self._creds.pop(account_id, None)
            for key in [k for k in self._clients if k[0] == account_id]:
                del self._clients[key]
