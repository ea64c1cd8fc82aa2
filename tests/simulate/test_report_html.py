"""The HTML report: parsed (every in-scope account, every gap with owner and fix, no external asset)
and rendered in headless Chromium (Debian's `chromium`; .ci/run installs it): the screenshot is not
blank and the page logs nothing to the console."""

from __future__ import annotations

import copy
import json
import shutil
import struct
import subprocess
import zlib
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from cfct_backup_automation.protection import Gap
from cfct_backup_automation.reconcile import AccountReport, ReconcileResult

from cfct_backup.cli import main
from cfct_backup.commands.simulate import report_document
from cfct_backup.report_html import FIXES, render_audit, render_simulation


class Page(HTMLParser):
    """What a reader sees: accounts in the tree (with state), gap rows (text, owner, fix), tags used."""

    def __init__(self) -> None:
        super().__init__()
        self.tree_accounts: dict[str, str] = {}  # account ID -> data-state
        self.gap_rows: list[list[str]] = []
        self.tags: set[str] = set()
        self.urls: list[str] = []
        self.ids: set[str] = set()
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.add(tag)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        for name in ("src", "href", "action", "data", "poster"):
            if a.get(name):
                self.urls.append(str(a[name]))
        if tag == "span" and "data-account" in a:
            self.tree_accounts[str(a["data-account"])] = str(a.get("data-state"))
        if tag == "tr" and a.get("class") == "gap":
            self._row = []
        if tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.gap_rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def document(default_run: Any) -> dict[str, Any]:
    _, report = default_run
    return report_document(report.as_dict())


def with_gaps(document: dict[str, Any]) -> dict[str, Any]:
    """The default report with gaps in two members (the kinds each owner fixes) and a recovery ledger."""
    broken = copy.deepcopy(document)
    members = [a for a in broken["accounts"] if a["inScope"]]
    region = broken["organization"]["homeRegion"]
    members[0]["gaps"] = [
        f"{region}: vault cfct-backup-vault missing (ResourceNotFoundException)",
        "not enrolled (no inventory record)",
    ]
    members[1]["gaps"] = ["no copy action into the bunker account"]
    for account in members[:2]:
        account["state"] = "GAP"
    broken["ok"] = False
    broken["restores"] = [
        {"account": members[0]["id"], "resource": "table/orders", "state": "COMPLETED", "minutes": 4},
        {"account": members[1]["id"], "resource": "volume/vol-1", "state": "FAILED", "minutes": None},
    ]
    return broken


def test_every_account_is_in_the_tree_with_its_state(document: dict[str, Any]) -> None:
    page = parse(render_simulation(document))
    expected = {a["id"]: a["state"] for a in document["accounts"]}
    assert page.tree_accounts == expected
    in_scope = [a["id"] for a in document["accounts"] if a["inScope"]]
    assert len(in_scope) == 3 and all(expected[i] == "PROTECTED" for i in in_scope)
    assert "all in-scope accounts protected" in "".join(page.text)


def test_every_gap_is_listed_with_owner_and_fix(document: dict[str, Any]) -> None:
    broken = with_gaps(document)
    page = parse(render_simulation(broken))
    rows = {row[1]: row for row in page.gap_rows}
    gaps = [g for a in broken["accounts"] for g in a["gaps"]]
    assert sorted(rows) == sorted(gaps)
    owners = {text: row[2] for text, row in rows.items()}
    assert owners == {
        gaps[0]: "cfct-pipeline",  # a baseline resource: the stack instance
        gaps[1]: "automation",  # enrolment
        gaps[2]: "backup-policy",  # the policy's copy actions
    }
    assert all(row[3] == FIXES[row[2]] for row in rows.values())
    assert all(page.tree_accounts[a["id"]] == "GAP" for a in broken["accounts"] if a["gaps"])
    assert "gaps found" in "".join(page.text)


def test_copy_coverage_per_region_and_the_recovery_ledger(document: dict[str, Any]) -> None:
    page = parse(render_simulation(with_gaps(document)))
    text = "".join(page.text)
    assert {"coverage", "ledger", "tree", "gaps", "central"} <= page.ids
    for region in document["organization"]["governedRegions"]:
        assert region in text
    assert "table/orders" in text and "volume/vol-1" in text
    assert "ledger" in parse(render_simulation(document)).ids  # the default run has its restore drill
    without = {
        k: v for k, v in document.items() if k not in ("restores", "recoveryLedger", "ledger", "recovery")
    }
    assert "ledger" not in parse(render_simulation(without)).ids  # no section without the key


def test_the_page_is_self_contained(document: dict[str, Any]) -> None:
    page = parse(render_simulation(with_gaps(document)))
    assert page.urls == []  # no link, image, frame or form target at all
    assert not page.tags & {"script", "link", "iframe", "img", "object", "embed"}
    assert "http" not in render_simulation(document).replace("http-equiv", "")


def test_audit_page_lists_every_in_scope_account_and_open_gap() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    accounts = [
        AccountReport("111111111111", "ou-aaaa-11111111", "Orders Prod"),
        AccountReport(
            "222222222222",
            "ou-aaaa-11111111",
            "Payments Prod",
            gaps=[
                Gap("key-missing", "no key in us-east-1", "us-east-1", "cfct-pipeline"),
                Gap("grant-missing", "grant missing", "us-west-2", "automation", repaired=True),
                Gap("no-plan", "no effective backup plan", None, "backup-policy"),
            ],
        ),
        AccountReport("333333333333", None, "Left"),
    ]
    result = ReconcileResult("run-1", now, now, "audit", accounts)
    page = parse(render_audit(json.loads(result.to_json())))
    assert page.tree_accounts == {
        "111111111111": "PROTECTED",
        "222222222222": "GAP",
        "333333333333": "OFFBOARDED",
    }
    rows = [(r[0], r[1], r[2]) for r in page.gap_rows]
    assert rows == [
        ("us-east-1", "key-missing: no key in us-east-1", "cfct-pipeline"),
        ("global", "no-plan: no effective backup plan", "backup-policy"),
    ]  # the repaired gap is not an open gap
    assert page.urls == [] and "script" not in page.tags


# ---- headless Chromium ----------------------------------------------------------------------------


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(
            "headless Chromium is needed for the HTML report test: `apt-get install -y chromium` "
            "(Debian's package; .ci/run installs it on a fresh machine)"
        )
    return found


def render(page: Path, screenshot: Path) -> list[str]:
    """Screenshot `page` in headless Chromium; the console messages it logged."""
    out = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1200,1600",
            f"--user-data-dir={screenshot.parent / 'chromium-profile'}",
            f"--screenshot={screenshot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert screenshot.is_file(), out.stderr[-2000:]
    return [line for line in out.stderr.splitlines() if ":CONSOLE" in line]


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB(A) rows of an 8-bit PNG, decoded with zlib and struct."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[x] = (line[x] + pred) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def ink(path: Path) -> tuple[float, int]:
    """Share of pixels that are not the background colour, and how many colours the page uses."""
    width, _, rows = png_pixels(path)
    channels = len(rows[0]) // width
    background = rows[0][:3]
    other = 0
    colours: set[bytes] = set()
    for row in rows[::4]:
        for x in range(0, len(row), channels * 4):
            pixel = row[x : x + 3]
            colours.add(pixel)
            other += pixel != background
    sampled = len(rows[::4]) * len(range(0, len(rows[0]), channels * 4))
    return other / sampled, len(colours)


def test_page_renders_in_headless_chromium_without_console_messages(
    document: dict[str, Any], tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_simulation(with_gaps(document)), encoding="utf-8")
    shot = tmp_path / "report.png"
    console = render(page, shot)
    assert console == []
    share, colours = ink(shot)
    assert share > 0.02 and colours > 8, (share, colours)  # text, the coloured tree, tables


def test_the_browser_check_sees_console_errors_and_blank_pages(tmp_path: Path) -> None:
    """The two checks above can fail: a script error is seen, an empty page is blank."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><body><script>console.error("boom");</script></body></html>')
    shot = tmp_path / "bad.png"
    console = render(bad, shot)
    assert any("boom" in line for line in console), console
    share, colours = ink(shot)
    assert share == 0 and colours == 1


def test_cli_writes_the_html_next_to_the_json_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`simulate --html` writes the page atomically; the page is the document's (rebuilt from the JSON)."""
    root = Path(__file__).resolve().parents[2]
    report, html = tmp_path / "r.json", tmp_path / "r.html"
    code = main(["simulate", "--package", str(root), "--report", str(report), "--html", str(html)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"HTML report written to {html}" in out
    assert html.read_text(encoding="utf-8") == render_simulation(json.loads(report.read_text()))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.json"]  # no temporary left
