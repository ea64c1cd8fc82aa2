"""The validate rule registry (src/cfct_backup/validate/rules/): one rule a module, every code the
checks can report belongs to a rule, and docs/commands/validate.md lists exactly the registry."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

from cfct_backup.cli import main
from cfct_backup.validate import rules as rules_package
from cfct_backup.validate.registry import Rule, discover

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src" / "cfct_backup"
DOC = REPO / "docs" / "commands" / "validate.md"
# where the codes validate reports are written (the rules delegate to these)
CHECK_SOURCES = [
    *sorted((SRC / "validate").rglob("*.py")),
    SRC / "cfct" / "manifest.py",
    *sorted((SRC / "backup_policy").glob("*.py")),
    SRC / "nested_ous.py",
]
CODE = re.compile(r"\"((?:MAN|PKG|TPL|SCP|RCP|BKP|ORG|AWS|CFCT|NAG|REC)\d{3})\"")


def doc_rows() -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Rules", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def test_the_doc_table_is_the_registry() -> None:
    expected = [
        [
            f"`{r.id}`",
            ", ".join(f"`{c}`" for c in r.codes) or "-",
            r.severity,
            r.shortdesc,
            r.source_url,
        ]
        for r in discover()
    ]
    assert doc_rows() == expected


def test_every_code_the_checks_write_belongs_to_a_rule() -> None:
    rules = discover()
    written = {code for path in CHECK_SOURCES for code in CODE.findall(path.read_text(encoding="utf-8"))}
    assert len(written) > 80  # the pattern still finds the codes
    orphans = sorted(code for code in written if not any(r.covers(code) for r in rules))
    assert not orphans, f"codes no rule of the registry declares: {orphans}"


def test_no_code_is_claimed_by_two_rules() -> None:
    owners: dict[str, list[str]] = {}
    for rule in discover():
        for code in rule.all_codes:
            owners.setdefault(code, []).append(type(rule).__name__)
    assert {c: o for c, o in owners.items() if len(o) > 1} == {}


def test_one_rule_per_module_and_every_module_is_discovered() -> None:
    by_module: dict[str, int] = {}
    for rule in discover():
        by_module[type(rule).__module__] = by_module.get(type(rule).__module__, 0) + 1
    modules = {
        f"{rules_package.__name__}.{m.name}"
        for m in pkgutil.iter_modules(rules_package.__path__)
        if not m.name.startswith("_")
    }
    assert set(by_module) == modules
    assert set(by_module.values()) == {1}
    for name in modules:  # the helpers (underscore modules) define no rule
        assert importlib.import_module(name)


def test_every_rule_says_what_it_checks_and_where_that_is_written() -> None:
    for rule in discover():
        assert isinstance(rule, Rule)
        assert rule.shortdesc and rule.tags, rule.id
        assert rule.severity in ("error", "warning", "error/warning"), rule.id
        url = rule.source_url
        assert url.startswith("https://") or (REPO / url).is_file(), (rule.id, url)


def test_list_rules_prints_the_registry(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # DIR is not read: a directory that does not exist is fine with --list-rules
    assert main(["validate", str(tmp_path / "absent"), "--list-rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    fields = [line.split("\t") for line in lines]
    assert all(len(f) == 4 for f in fields), lines
    assert [f[0] for f in fields] == [row[0].strip("`") for row in doc_rows()]
    assert [f[3] for f in fields] == [row[4] for row in doc_rows()]
    by_id = {f[0]: f for f in fields}
    assert by_id["SCP020"][1] == "error/warning" and "RCP021" in by_id["SCP020"][2]
