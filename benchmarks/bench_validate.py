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


def interleaved(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, tuple[float, float]]:
    """Run the candidates in turn, `repeat` rounds, so that machine load hits them alike."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: (min(t), statistics.median(t)) for name, t in times.items()}


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

    from cfct_backup.cfct.manifest import check_manifest

    manifest, _ = check_manifest(root / "manifest.yaml")
    regions = sorted(
        {manifest.region, *(r for res in manifest.resources for r in res.regions if not r.startswith("$["))}
        if manifest is not None
        else {"us-east-1"}
    )

    def plain_cfn_lint() -> object:
        return lint_by_config(ManualArgs(templates=templates, include_checks=["I"], regions=regions))

    def cfn_lint_cli() -> object:
        exe = Path(sys.executable).with_name("cfn-lint")
        cmd = [str(exe), "--include-checks", "I", "--regions", *regions, "--", *templates]
        return subprocess.run(cmd, capture_output=True, check=False)

    # warm-up: imports and cfn-lint's schema cache are paid once, by neither measurement
    plain_cfn_lint()
    results = interleaved(
        {
            "plain cfn-lint (Python API, one process)": plain_cfn_lint,
            "plain cfn-lint (CLI, new process)": cfn_lint_cli,
            "cfct-backup validate (everything)": lambda: validate_package(root),
            "cfct-backup validate --no-lint": lambda: validate_package(root, lint=False),
        },
        args.repeat,
    )
    problems = validate_package(root)
    print(f"package: {root} ({len(templates)} templates, regions {', '.join(regions)})")
    print(f"best / median of {args.repeat} interleaved runs, seconds:")
    for name, (best, median) in results.items():
        print(f"  {name:42s} {best:7.3f} / {median:7.3f}")
    extra = (
        results["cfct-backup validate (everything)"][0]
        - results["plain cfn-lint (Python API, one process)"][0]
    )
    print(f"  {'validate minus plain cfn-lint (best)':42s} {extra:+7.3f}")
    errors = sum(1 for p in problems if p.severity == "error")
    print(f"  validate found {errors} error(s), {len(problems) - errors} warning(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
