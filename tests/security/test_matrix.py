"""The policy matrix: every threat-model row against the rendered package (docs/threat-model.md).

Each row is asked of the project's evaluator with every layer AWS applies (SCPs and RCPs per OU
level, the resource's policy, the principal's identity policies), so a policy that denies everything
fails the ALLOWED rows and one that allows everything fails the DENIED rows.
"""

from __future__ import annotations

import re

import pytest

from cfct_backup.policy.evaluator import Decision

from .matrix import ROWS, Row
from .rendered import ROOT, Package, package


def decide(pkg: Package, row: Row) -> bool:
    return _decision(pkg, row).allowed


def _decision(pkg: Package, row: Row) -> Decision:
    for name in row.without:
        pkg = pkg.without(name)
    return pkg.decide(row.principal, row.action, row.resource, row.context, rewritten=row.rewritten)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_row(row: Row) -> None:
    decision = _decision(package(), row)
    assert decision.allowed is row.expected, (
        f"{row.id} {row.actor} {row.action} on {row.resource}: "
        f"{'ALLOWED' if decision.allowed else 'DENIED'} ({decision.reason}), want "
        f"{'ALLOWED' if row.expected else 'DENIED'}"
    )


def test_matrix_has_both_outcomes_for_every_asset() -> None:
    assets = {r.asset for r in ROWS}
    for asset in assets:
        outcomes = {r.expected for r in ROWS if r.asset == asset}
        assert outcomes == {True, False} or asset == "organization", asset


def test_threat_model_document_and_matrix_name_the_same_rows() -> None:
    text = (ROOT / "docs" / "threat-model.md").read_text(encoding="utf-8")
    cited = set(re.findall(r"\b([A-Z]{2}-\d{2})\b", text))
    ids = {r.id.split("/")[0] for r in ROWS}
    assert ids - cited == set(), "rows the threat model does not cite"
    assert cited - ids == set(), "threat-model rows without a test"
