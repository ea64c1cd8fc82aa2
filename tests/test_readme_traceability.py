"""The README's promises are checked, not trusted.

Every step of the four reference architectures (docs/reference-architectures.md, the project's own
summary) has one row in the traceability table, and every file or test that a row names exists, so
the table cannot rot silently. README and docs link only inside the repository.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURES = ROOT / "docs" / "reference-architectures.md"


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
    """Step numbers of docs/reference-architectures.md: `- 2.7 ...` under `## 2. ...`."""
    steps: list[str] = []
    architecture = 0
    for line in ARCHITECTURES.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## (\d)\. ", line)
        if heading:
            architecture = int(heading.group(1))
        m = re.match(r"^- (\d)\.(\d{1,2}) ", line)
        if m:
            assert int(m.group(1)) == architecture, (
                f"step {m.group(1)}.{m.group(2)} under architecture {architecture}"
            )
            steps.append(f"{m.group(1)}.{m.group(2)}")
    return steps


def test_the_summary_has_every_step_of_the_four_architectures_in_order():
    steps = _seed_steps()
    # the AWS source numbers its steps 1..n in each architecture: no gap, no repeat
    for architecture in (1, 2, 3, 4):
        numbers = [int(s.split(".")[1]) for s in steps if s.startswith(f"{architecture}.")]
        assert numbers == list(range(1, len(numbers) + 1)) and numbers, architecture
    assert len(steps) == 40  # 9 + 10 + 12 + 9 numbered steps in the AWS source
    assert "Data Protection Reference Architectures with AWS Backup" in ARCHITECTURES.read_text(
        encoding="utf-8"
    )


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


DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def test_readme_and_docs_link_only_inside_the_repository():
    """Markdown links and named paths stay in the repository: a reader of a fresh clone can follow
    every one (AWS pages are named as sources in plain text, not linked)."""
    outside = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            for target in re.findall(r"\]\(([^)]+)\)", line):
                path = target.split("#")[0]
                if re.match(r"^[a-z]+:", target) or (
                    path and not (doc.parent / path).resolve().is_relative_to(ROOT)
                ):
                    outside.append(f"{doc.relative_to(ROOT)}:{n}: {target}")
                elif path and not (doc.parent / path).exists():
                    outside.append(f"{doc.relative_to(ROOT)}:{n}: {target} (missing)")
            if re.search(r"(^|[\s`(])\.\./(shared|seed)", line) or "/work/" in line:
                outside.append(f"{doc.relative_to(ROOT)}:{n}: path outside the repository")
    assert not outside, outside
