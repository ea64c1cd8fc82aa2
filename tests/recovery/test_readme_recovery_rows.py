"""The README's recovery rows (R1-R5, beyond the seed steps) name files and tests that exist, like
the seed rows tests/test_readme_traceability.py checks."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _rows() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return {m.group(1): line for line in text.splitlines() if (m := re.match(r"^\|\s*(R\d+)\s*\|", line))}


def test_recovery_rows_exist_and_name_real_files_and_tests() -> None:
    rows = _rows()
    assert sorted(rows) == ["R1", "R2", "R3", "R4", "R5"]
    wrong = []
    for row_id, row in rows.items():
        for ref in re.findall(r"`([^`]+)`", row):
            path, _, name = ref.partition("::")
            path = path.split(" ")[0]
            if "/" not in path:
                continue
            if not (ROOT / path).exists():
                wrong.append(f"{row_id}: {path}")
            elif name and not re.search(
                rf"def {re.escape(name)}\b", (ROOT / path).read_text(encoding="utf-8")
            ):
                wrong.append(f"{row_id}: {ref}")
    assert not wrong, wrong
