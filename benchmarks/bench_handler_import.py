"""Import time of each Lambda handler module beside `import boto3` (goal: <= 1.4x boto3).

Each measurement is a fresh interpreter (`python -c "import time; t=...; import X; print(...)"`),
so nothing is cached in-process; several runs, median reported. `import boto3` is measured in the
same run, interleaved, so both see the same machine load. The handler modules defer boto3, the
runtime and powertools' idempotency to the first invocation, so the "+ first-invocation imports"
rows show the whole cold start, which is what a Lambda pays before its first event.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

RUNS = 11
MODULES = (
    "boto3",
    "cfct_backup_automation.handler_enrolment",
    "cfct_backup_automation.handler_reconcile",
    "cfct_backup_automation.handler_custom_resource",
    # What the first invocation imports on top (the handlers defer it): the whole cold start.
    "cfct_backup_automation.handler_enrolment, cfct_backup_automation.runtime, "
    "cfct_backup_automation.enrolment, aws_lambda_powertools.utilities.idempotency, "
    "aws_lambda_powertools.metrics",
    "cfct_backup_automation.handler_reconcile, cfct_backup_automation.runtime, "
    "cfct_backup_automation.reconcile, aws_lambda_powertools.metrics",
    "cfct_backup_automation.handler_custom_resource, cfct_backup_automation.custom_resources, "
    "crhelper, boto3",
)
SNIPPET = "import time; t = time.perf_counter(); import {m}; print(time.perf_counter() - t)"


def once(module: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", SNIPPET.format(m=module)],
        check=True,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "POWERTOOLS_SERVICE_NAME": "bench"},
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    samples: dict[str, list[float]] = {m: [] for m in MODULES}
    for _ in range(RUNS):
        for m in MODULES:
            samples[m].append(once(m))
    base = statistics.median(samples["boto3"])
    print(f"import time, median of {RUNS} fresh interpreters:")
    for m in MODULES:
        med = statistics.median(samples[m])
        verdict = (
            "" if m == "boto3" else ("  ok (goal <= 1.40x)" if med <= 1.4 * base else "  OVER goal 1.40x")
        )
        label = m if "," not in m else m.split(",")[0].rsplit(".", 1)[-1] + " + first-invocation imports"
        print(f"  {label:<58} {med * 1000:7.1f} ms  {med / base:5.2f}x boto3{verdict}")


if __name__ == "__main__":
    main()
