"""The runtime of one handler module: built at its first invocation, kept while the container is warm.

Shared by the enrolment and reconcile entry points. Importing this module is free (no boto3): the
runtime (boto3 clients, the SSM configuration) is built on the first invocation, which keeps the
handler modules' import time low (benchmarks/bench_handler_import.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cfct_backup_automation.runtime import Runtime


class RuntimeSlot:
    """What a handler module keeps between invocations: the runtime, and whatever else it caches."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.state: dict[str, Any] = {}

    def get(self) -> Runtime:
        """The runtime, built on first use (the cold start)."""
        if "runtime" not in self.state:
            from cfct_backup_automation.runtime import build_runtime  # noqa: PLC0415 - cold start only

            self.state["runtime"] = build_runtime(service=self.service)
        runtime: Runtime = self.state["runtime"]
        runtime.refresh()  # warm: re-read the configuration once powertools' max_age has passed
        return runtime

    def set(self, runtime: Runtime | None) -> None:
        """Use this runtime (tests, the simulator), or forget it and everything kept with it (None)."""
        self.state.clear()
        if runtime is not None:
            self.state["runtime"] = runtime
