"""The README's promises are checked, not trusted.

Every seed step of the four reference architectures has one row in the traceability table, and
every file or test that a row names exists, so the table cannot rot silently.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "aws-backup-reference-architectures.txt"
# Steps per architecture in the seed file (used when the seed file itself is not beside the repo).
STEPS_PER_ARCHITECTURE = {1: 9, 2: 10, 3: 12, 4: 9}


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def _table_rows() -> dict[str, str]:
    rows: dict[str, str] = {}
    for line in _readme().splitlines():
        m = re.match(r"^\|\s*(\d)\.(\d{1,2})\s*\|", line)
        if m:
            step = f"{m.group(1)}.{m.group(2)}"
            assert step not in rows, f"step {step} has two rows"
            rows[step] = line
    return rows


def _seed_steps() -> list[str]:
    if not SEED.exists():
        return [f"{a}.{s}" for a, n in STEPS_PER_ARCHITECTURE.items() for s in range(1, n + 1)]
    steps: list[str] = []
    architecture = 0
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if re.match(r"^- 1 ", line):
            architecture += 1
        m = re.match(r"^- (\d{1,2}) ", line)
        if m:
            steps.append(f"{architecture}.{m.group(1)}")
    return steps


def test_seed_has_forty_steps():
    assert len(_seed_steps()) == 40


def test_every_seed_step_has_exactly_one_row():
    rows = _table_rows()
    assert sorted(rows) == sorted(_seed_steps())


def test_every_path_named_in_the_table_exists():
    missing = []
    for step, row in _table_rows().items():
        for ref in re.findall(r"`([^`]+)`", row):
            path = ref.split("::")[0]
            looks_like_path = "/" in path or path.endswith((".py", ".yaml", ".json", ".yml", ".md"))
            exists = any(ROOT.glob(path)) if "*" in path else (ROOT / path).exists()
            if looks_like_path and not exists:
                missing.append(f"{step}: {ref}")
    assert not missing, missing


def test_test_references_name_real_test_functions():
    wrong = []
    for step, row in _table_rows().items():
        for ref in re.findall(r"`([^`]+::[^`]+)`", row):
            path, name = ref.split("::", 1)
            source = (ROOT / path).read_text(encoding="utf-8") if (ROOT / path).exists() else ""
            if not re.search(rf"def {re.escape(name.split('[')[0])}\b", source):
                wrong.append(f"{step}: {ref}")
    assert not wrong, wrong


def test_readme_names_the_two_commands_and_ci_runs_the_test_command():
    readme = _readme()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
