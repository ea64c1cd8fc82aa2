"""botocore adaptive retry alone vs. adaptive retry plus the hand-written token bucket, on a
modelled Organizations API that throttles above its rate.

Model (real botocore clients, real retry code, real wall time; only the HTTP send is replaced):
- Organizations answers from one server-side token bucket of `rate` calls/s (burst `rate`), after
  `LATENCY` seconds; above it, HTTP 400 `TooManyRequestsException` ("You have sent too many
  requests in too short a period of time", the error botocore's retry modes treat as throttling:
  https://docs.aws.amazon.com/botocore/latest/reference/services/organizations/client/exceptions/TooManyRequestsException.html).
  Organizations documents this error and a "Throttling limits" section on
  https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html, but no
  calls-per-second figure for the read operations the sweep uses (the gap was filed as
  https://github.com/awsdocs/aws-organizations-docs/issues/39). So the quota is swept: below,
  near and above the token bucket's own 8 calls/s (ratelimit.DEFAULT_RATES).
- A sweep checks `ACCOUNTS` accounts; each makes 2 Organizations calls (DescribeEffectivePolicy,
  ListParents) around `MEMBER_WORK` seconds of member-account calls.
- `lambda`: one function, RECONCILE_CONCURRENCY (32) threads sharing the one home Organizations
  client (SessionFactory.home_client). `map`: the Step Functions sweep, 4 child Lambdas at once
  with 8 threads each; every child has its own client (and its own token bucket).
- (a) `adaptive`: sessions.RETRY_CONFIG (retries mode "adaptive", max_attempts 8:
  https://docs.aws.amazon.com/boto3/latest/guide/retries.html#adaptive-retry-mode).
  (b) `bucket`: the same plus ratelimit.RateLimiter (8/s for organizations), as reconcile ran.
Prints API calls sent, throttled answers, operations that failed after all retries and wall time.
Nothing is asserted (benchmarks report numbers). `--quick` runs one rate (8/s). The numbers of
2026-12-02 and the verdict (the bucket stays) are in ratelimit.py's docstring.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lambdas"))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

import boto3  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from cfct_backup_automation.sessions import RETRY_CONFIG  # noqa: E402

ACCOUNTS = 96
LATENCY = 0.03
MEMBER_WORK = 0.05
RATES = (4.0, 8.0, 16.0)
WIDTHS = (7, 6, 8, 6, 9, 6, 7)
SCENARIOS = {"lambda": (1, 32), "map": (4, 8)}  # (processes, threads each)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


class ModelledOrganizations:
    """A server-side token bucket: `rate` calls/s, burst `rate`; counts what it answered."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.tokens = rate
        self.updated = time.monotonic()
        self.lock = threading.Lock()
        self.calls = 0
        self.throttles = 0

    def _admit(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.rate, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            self.calls += 1
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            self.throttles += 1
            return False

    def send(self, request: Any, **_: Any) -> AWSResponse:
        admitted = self._admit()
        time.sleep(LATENCY)
        if admitted:
            return AWSResponse(request.url, 200, {"Content-Type": "application/x-amz-json-1.1"}, _Body(b"{}"))
        body = {"__type": "TooManyRequestsException", "Message": "You have sent too many requests"}
        return AWSResponse(
            request.url, 400, {"Content-Type": "application/x-amz-json-1.1"}, _Body(json.dumps(body).encode())
        )


@dataclass
class Result:
    calls: int
    throttles: int
    failed: int
    seconds: float


def _client(server: ModelledOrganizations, bucket: bool) -> Any:
    from cfct_backup_automation.ratelimit import RateLimiter

    client = boto3.Session().client("organizations", region_name="us-east-1", config=RETRY_CONFIG)
    client.meta.events.register("before-send.organizations", server.send)
    if bucket:
        RateLimiter().attach(client)  # one limiter per process: 8/s for organizations
    return client


def sweep(rate: float, scenario: str, bucket: bool) -> Result:
    processes, threads = SCENARIOS[scenario]
    server = ModelledOrganizations(rate)
    clients = [_client(server, bucket) for _ in range(processes)]
    failed = 0
    lock = threading.Lock()

    def account(index: int) -> None:
        nonlocal failed
        orgs = clients[index % processes]
        account_id = f"{100000000000 + index}"
        try:
            orgs.describe_effective_policy(PolicyType="BACKUP_POLICY", TargetId=account_id)
            time.sleep(MEMBER_WORK)
            orgs.list_parents(ChildId=account_id)
        except ClientError:
            with lock:
                failed += 1

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=processes * threads) as pool:
        list(pool.map(account, range(ACCOUNTS)))
    return Result(server.calls, server.throttles, failed, time.monotonic() - start)


def main() -> None:
    rates = RATES[1:2] if "--quick" in sys.argv else RATES
    print(f"{ACCOUNTS} accounts x 2 Organizations calls; latency {LATENCY * 1000:.0f} ms")
    head = ("quota/s", "engine", "mode", "calls", "throttled", "failed", "wall s")
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, WIDTHS, strict=True)))
    for rate in rates:
        for scenario in SCENARIOS:
            for bucket in (False, True):
                r = sweep(rate, scenario, bucket)
                mode = "bucket" if bucket else "adaptive"
                row = (f"{rate:.0f}", scenario, mode, r.calls, r.throttles, r.failed, f"{r.seconds:.1f}")
                print(" ".join(f"{v:>{w}}" for v, w in zip(row, WIDTHS, strict=True)), flush=True)


if __name__ == "__main__":
    main()
