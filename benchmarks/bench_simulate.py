"""Time of `cfct-backup simulate` on the default organization, step by step (goal: < 30 s with IAM
authorization enforced, as `simulate` runs it), and the same run with authorization off, to tell
the cost of the enforcement from the rest.

Also the time of the CfCT interpreter alone on the small test package, to tell the cost of the
emulated deployment from the rest. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import functools
import time
import warnings
from pathlib import Path
from unittest import mock

from cfct_backup.cfct.interpreter import Interpreter
from cfct_backup.cfct.manifest import load_manifest
from cfct_backup.emulator import install
from cfct_backup.organization import load_organization
from cfct_backup.simulation import landing_zone
from cfct_backup.simulation.run import Simulation

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "simulate" / "fixtures" / "mini"


def main() -> None:
    warnings.simplefilter("ignore")
    org = load_organization(ROOT / "examples" / "organization.yaml")
    started = time.perf_counter()
    report = Simulation(org, ROOT).run([])
    total = time.perf_counter() - started
    print(f"simulate (default organization, real package): {total:.2f} s total, ok={report.ok}")
    for step, seconds in report.timings.items():
        print(f"  {step:<14} {seconds:6.2f} s")
    protected = sum(1 for a in report.in_scope if a.state == "PROTECTED")
    print(f"  in-scope accounts PROTECTED: {protected}/{len(report.in_scope)}")
    checked = report.authorization
    if checked is not None:
        print(
            f"  authorization: ok={checked.ok}, {len(checked.denials)} denial(s), "
            f"{len(checked.probes)} probe(s), {len(checked.unmapped)} unmapped operation(s)"
        )
    with mock.patch.object(landing_zone, "install", functools.partial(install, enforce=False)):
        started = time.perf_counter()
        Simulation(org, ROOT).run([])
        unenforced = time.perf_counter() - started
    print(
        f"simulate with authorization off: {unenforced:.2f} s (enforcement costs {total - unenforced:+.2f} s)"
    )

    with landing_zone.emulated_aws(org.home_region):
        session = landing_zone.management_session(org.home_region)
        ids = landing_zone.build_organization(org, session, lambda _line: None)
        landing_zone.write_configuration(org, ids, session)
        clients = landing_zone.clients_for(session)
        manifest = load_manifest(MINI / "manifest.yaml")
        t0 = time.perf_counter()
        Interpreter(MINI, manifest, clients).deploy()
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        Interpreter(MINI, manifest, clients).deploy()
        second = time.perf_counter() - t0
    print(f"interpreter on the mini package: first deploy {first:.2f} s, idempotent re-run {second:.2f} s")


if __name__ == "__main__":
    main()
