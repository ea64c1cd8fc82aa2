"""`validate_package` on the corpus: the minimal package passes; each broken variant is rejected
with the right code and location (tests/corpus/packages/broken/cases.yaml)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from cfct_backup.backup_policy_stack import STACK_PATH, render
from cfct_backup.problems import Problem
from cfct_backup.validate import validate_package

PACKAGES = Path(__file__).parents[1] / "corpus" / "packages"
MINIMAL = PACKAGES / "minimal"
ORG = PACKAGES / "organization.yaml"
CASES: dict[str, dict[str, Any]] = yaml.safe_load((PACKAGES / "broken" / "cases.yaml").read_text())


def build(tmp_path: Path, case: dict[str, Any]) -> Path:
    root = tmp_path / "pkg"
    shutil.copytree(MINIMAL, root)
    if "overlay" in case:
        shutil.copytree(PACKAGES / "broken" / case["overlay"], root, dirs_exist_ok=True)
    for name, edits in (case.get("replace") or {}).items():
        path = root / name
        text = path.read_text()
        for old, new in edits:
            assert old in text, f"{name}: {old!r} not found"
            text = text.replace(old, new, 1)
        path.write_text(text)
    for name, content in (case.get("files") or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content)
    for name in case.get("delete") or []:
        (root / name).unlink()
    return root


def run(root: Path, org: bool = False, lint: bool = True) -> list[Problem]:
    return validate_package(root, org=ORG if org else None, lint=lint)


def test_minimal_package_is_clean() -> None:
    assert run(MINIMAL) == []
    assert run(MINIMAL, org=True) == []


def test_the_corpus_covers_every_check() -> None:
    covered = {c["expect"].get("code") for c in CASES.values()}
    for code in [
        "MAN001", "MAN003", "MAN006", "MAN007", "MAN010", "MAN011", "MAN013", "MAN014", "MAN015",
        "MAN016", "MAN017", "MAN024", "MAN025", "PKG001", "PKG003", "PKG004", "PKG005", "PKG006",
        "PKG007", "TPL010", "TPL011", "TPL101", "TPL102", "TPL103", "TPL104", "SCP002", "SCP004",
        "SCP007", "SCP008", "SCP009", "SCP010", "SCP020", "SCP021", "RCP007", "RCP011", "RCP012",
        "BKP018", "BKP003",
        "BKP031", "BKP040", "TPL012", "MAN027", "MAN028", "PKG012", "PKG013",
        "MAN100", "CFCT001", "CFCT002", "CFCT003", "F16",
        "AWS001", "AWS002", "AWS003", "AWS004", "AWS005", "AWS006", "AWS007", "AWS008",
    ]:  # fmt: skip
        assert code in covered, code


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_package_is_rejected_with_code_and_location(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    expect = case["expect"]
    # cfn-lint (about 0.7 s a run) only where the case is about templates; the project's own
    # template rules run either way
    problems = run(build(tmp_path, case), org=bool(case.get("org")), lint=name.startswith("tpl"))
    if "absent" in expect:
        assert all(p.code != expect["absent"] for p in problems), problems
        assert not any(p.severity == "error" for p in problems), problems
        return
    matching = [p for p in problems if p.code == expect["code"]]
    assert matching, "\n".join(map(str, problems))
    first = matching[0]
    assert first.path == expect["path"]
    assert first.severity == expect.get("severity", "error")
    if "line" in expect:
        assert first.line == expect["line"], str(first)


# ---------------------------------------------------------------- generated stack in sync


def test_generated_stack_missing_or_stale_is_an_error(tmp_path: Path) -> None:
    """The corpus carries its generated stack (the check runs on every corpus case): deleting it, or
    changing a policy without regenerating it, is PKG010; regenerating it clears the error."""
    root = build(tmp_path, {})
    stack = root / STACK_PATH
    assert [p for p in run(root, lint=False) if p.code == "PKG010"] == []
    text = stack.read_text()
    stack.unlink()
    missing = [p for p in run(root, lint=False) if p.code == "PKG010"]
    assert [(p.path, p.severity) for p in missing] == [(STACK_PATH, "error")] and "missing" in missing[
        0
    ].message
    policy = root / "policies" / "backup" / "daily.json"
    stack.write_text(text)
    policy.write_text(policy.read_text().replace('"120"', '"121"', 1))
    stale = [p for p in run(root, lint=False) if p.code == "PKG010"]
    assert stale and "out of date" in stale[0].message
    stack.write_text(render(root))
    assert [p for p in run(root, lint=False) if p.code in ("PKG010", "PKG011")] == []


def test_a_generator_that_fails_is_reported_not_raised(tmp_path: Path) -> None:
    root = build(tmp_path, {})

    def broken(_root: Path) -> str:
        raise ValueError("policy daily.json: no plans")

    problems = [p for p in validate_package(root, lint=False, render_stack=broken) if p.code == "PKG011"]
    assert [p.path for p in problems] == [STACK_PATH] and "no plans" in problems[0].message
