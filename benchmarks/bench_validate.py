"""Time `cfct-backup validate` on the whole package beside plain cfn-lint on the same templates.

Both run in this one process, each several times; the numbers printed are the best and the median
wall-clock seconds. "our extra checks" is validate minus cfn-lint: manifest, files, parameters,
custom template rules, SCPs and backup policies.

    .venv/bin/python benchmarks/bench_validate.py [PACKAGE_DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("package", nargs="?", type=Path, default=ROOT)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root: Path = args.package

    from cfnlint.api import lint_by_config
    from cfnlint.config import ManualArgs

    from cfct_backup.validate import validate_package

    templates = sorted(
        str(p) for p in (root / "templates").glob("*") if p.suffix in (".yaml", ".yml", ".json")
    )
    if not templates:
        print(f"no templates under {root / 'templates'}", file=sys.stderr)
        return 1

    def plain_cfn_lint() -> object:
        return lint_by_config(ManualArgs(templates=templates, include_checks=["I"], regions=["us-east-1"]))

    def cfn_lint_cli() -> object:
        exe = Path(sys.executable).with_name("cfn-lint")
        return subprocess.run(
            [str(exe), "--include-checks", "I", "--", *templates], capture_output=True, check=False
        )

    # warm-up: imports and cfn-lint's schema cache are paid once, by neither measurement
    plain_cfn_lint()
    lint_best, lint_median = timed(plain_cfn_lint, args.repeat)
    cli_best, cli_median = timed(cfn_lint_cli, args.repeat)
    full_best, full_median = timed(lambda: validate_package(root), args.repeat)
    own_best, own_median = timed(lambda: validate_package(root, lint=False), args.repeat)
    problems = validate_package(root)
    print(f"package: {root} ({len(templates)} templates), best/median of {args.repeat} runs")
    print(f"  plain cfn-lint (API, same templates, -i I): {lint_best:6.3f} s / {lint_median:6.3f} s")
    print(f"  plain cfn-lint (CLI process, same args)   : {cli_best:6.3f} s / {cli_median:6.3f} s")
    print(f"  cfct-backup validate (everything)        : {full_best:6.3f} s / {full_median:6.3f} s")
    print(f"  cfct-backup validate --no-lint           : {own_best:6.3f} s / {own_median:6.3f} s")
    print(f"  extra over cfn-lint                      : {full_median - lint_median:+6.3f} s (median)")
    errors = sum(1 for p in problems if p.severity == "error")
    print(f"  validate found {errors} error(s), {len(problems) - errors} warning(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
