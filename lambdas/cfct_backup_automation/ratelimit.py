"""A shared token bucket per AWS service, applied to every client through a botocore hook.

Reconcile runs many threads; botocore's adaptive retry mode slows a client down after it has been
throttled, but only per client. This limiter keeps the whole sweep under a steady rate per service
(Organizations in particular is a single, low quota for the management account).
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
