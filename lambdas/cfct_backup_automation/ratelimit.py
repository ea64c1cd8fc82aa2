"""A shared token bucket per AWS service, applied to every client through a botocore hook.

Kept: it measurably beats botocore's adaptive retry mode alone where reconcile runs its threads on
one client (benchmarks/bench_ratelimit.py: 96 accounts x 2 Organizations calls, 32 threads sharing
the home client, Organizations modelled as a quota of Q calls/s; runs of 2026-12-02):

    quota  adaptive alone: calls / throttled / wall    adaptive + this bucket (8/s)
    4/s    236 / 44 / 81.2 s                           235 / 43 / 80.2 s
    8/s    231 / 39 / 77.8 s  (rerun 229 / 37 / 70.4)  210 / 18 / 25.4 s  (rerun 192 / 0 / 23.0)
    16/s   224 / 32 / 69.4 s                           192 /  0 / 23.1 s

Adaptive mode cuts its client-side rate (x0.7) on every throttled answer; 32 threads' throttles
of one burst compound, and it climbs back slowly. The bucket never lets the burst happen. Below the
bucket's rate it is no worse (4/s row). It does not bound a sum over processes: in the Step
Functions sweep every child Lambda has its own client and bucket, and there the two are even
(quota 8/s, 4 children x 8 threads: 34.3 s both; rerun 37.6 / 34.8 s). Organizations publishes
no calls-per-second figure for these reads, so 8/s is an assumption (see the benchmark).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

# Calls per second per service for the whole sweep. Organizations' management-account quota is
# low; STS AssumeRole and the member-account services have far higher quotas (and the member
# calls are spread over many accounts).
DEFAULT_RATES: dict[str, float] = {
    "organizations": 8.0,
    "sts": 40.0,
    "dynamodb": 200.0,
    "cloudformation": 8.0,
}


class TokenBucket:
    def __init__(
        self, rate: float, burst: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.capacity = burst if burst is not None else max(1.0, rate)
        self.tokens = self.capacity
        self.clock = clock
        self.updated = clock()
        self.lock = threading.Lock()

    def take(self) -> float:
        """Wait for a token; return how long we waited."""
        waited = 0.0
        while True:
            with self.lock:
                now = self.clock()
                self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return waited
                need = (1 - self.tokens) / self.rate
            time.sleep(need)
            waited += need


class RateLimiter:
    def __init__(self, rates: Mapping[str, float] | None = None) -> None:
        self.buckets = {svc: TokenBucket(rate) for svc, rate in (rates or DEFAULT_RATES).items()}

    def attach(self, client: Any) -> None:
        service = client.meta.service_model.service_name
        bucket = self.buckets.get(service)
        if bucket is None:
            return

        def before_call(**_: Any) -> None:
            bucket.take()

        client.meta.events.register("before-call", before_call)
