"""One self-contained HTML page for a simulate or audit report.

The page has no script, no external asset and no link out: inline CSS only, so it opens offline,
in a mail attachment or a CI artifact viewer, and prints. It shows the organization tree coloured
by protection state, each account's gaps with who must act (owner) and the fix, copy coverage per
Region, the central checks (simulate) and, when the report has one, the recovery ledger (any
`restores` / `recoveryLedger` / `ledger` section, rendered generically).

Input is the JSON document the CLI writes (`simulate --report`, `audit --json`), already in
camelCase, so the page can be rebuilt later from a saved report (`render_simulation(json.load(f))`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

# who must act on a gap, and what they do
FIXES: dict[str, str] = {
    "automation": "run the enrolment or reconcile function for the account (re-deliver its lifecycle event)",
    "cfct-pipeline": "re-run the CfCT pipeline so the member baseline stack instance is complete",
    "backup-policy": "fix policies/backup/*.json, run `cfct-backup generate`, then re-run the CfCT pipeline",
    "package": "fix the package (the template or policy named in the gap), validate it, and publish it",
}

STATE_CLASS = {
    "PROTECTED": "ok",
    "GAP": "gap",
    "NOT_IN_SCOPE": "out",
    "ROLE": "role",
    "OFFBOARDED": "out",
}

LEDGER_KEYS = ("restores", "recoveryLedger", "ledger", "recovery")

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1b1f23}
body{background:#fff}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de}.meta{color:#57606a}
.verdict{display:inline-block;padding:4px 10px;border-radius:4px;font-weight:600;color:#fff}
.verdict.ok{background:#1a7f37}.verdict.gap{background:#cf222e}
ul.tree,ul.tree ul{list-style:none;margin:0;padding-left:18px}ul.tree{padding-left:0}
.ou{font-weight:600;margin-top:4px}
.acct{display:inline-block;margin:2px 0;padding:1px 8px;border-radius:3px}
.acct.ok{background:#dafbe1;border-left:6px solid #1a7f37}
.acct.gap{background:#ffebe9;border-left:6px solid #cf222e}
.acct.out{background:#f6f8fa;border-left:6px solid #8c959f}
.acct.role{background:#ddf4ff;border-left:6px solid #0969da}
table{border-collapse:collapse;margin:6px 0}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right}.legend span{margin-right:10px}
.gaps h3{font-size:15px;margin:14px 0 4px}.owner{font-weight:600;white-space:nowrap}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _page(title: str, verdict_ok: bool, meta: str, sections: Iterable[str]) -> str:
    verdict = "all in-scope accounts protected" if verdict_ok else "gaps found"
    body = "\n".join(sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>\n"
        f"<h1>{_e(title)}</h1>\n"
        f'<p class="meta">{meta}</p>\n'
        f'<p><span class="verdict {"ok" if verdict_ok else "gap"}" id="verdict">{_e(verdict)}</span></p>\n'
        f"{body}\n</body></html>\n"
    )


def _legend() -> str:
    items = [("ok", "protected"), ("gap", "gaps"), ("role", "role account"), ("out", "not in scope")]
    spans = "".join(f'<span class="acct {c}">{_e(t)}</span>' for c, t in items)
    return f'<p class="legend">{spans}</p>'


def _tree(accounts: Sequence[Mapping[str, Any]], ou_of: str) -> str:
    """Nested list of OUs (paths `A:B`, root first) with each account coloured by its state."""
    children: dict[str, set[str]] = {}
    by_ou: dict[str, list[Mapping[str, Any]]] = {}
    for account in accounts:
        path = str(account.get(ou_of) or "Root")
        if path != "Root" and not path.startswith("Root"):
            path = f"Root:{path}"
        parts = path.split(":")
        for depth in range(1, len(parts)):
            children.setdefault(":".join(parts[:depth]), set()).add(":".join(parts[: depth + 1]))
        by_ou.setdefault(path, []).append(account)

    def node(path: str) -> str:
        label = path.rsplit(":", 1)[-1]
        items = [
            f'<li><span class="acct {STATE_CLASS.get(str(a.get("state")), "out")}" '
            f'data-account="{_e(a.get("id") or a.get("accountId"))}" data-state="{_e(a.get("state"))}">'
            f"{_e(a.get('name') or a.get('accountName') or a.get('accountId'))} "
            f"({_e(a.get('id') or a.get('accountId'))}) {_e(a.get('state'))}</span></li>"
            for a in sorted(by_ou.get(path, []), key=lambda a: str(a.get("name") or a.get("accountId")))
        ]
        items.extend(node(child) for child in sorted(children.get(path, ())))
        return f'<li><div class="ou">{_e(label)}</div><ul>{"".join(items)}</ul></li>'

    return f'<h2>Organization</h2>{_legend()}<ul class="tree" id="tree">{node("Root")}</ul>'


def simulate_owner(gap: str) -> str:
    """Who must act on a simulate gap (its text names what is missing)."""
    text = gap.lower()
    if any(w in text for w in ("enrol", "inventory", "kms grant", "opted in")):
        return "automation"
    if any(
        w in text for w in ("backup policy", "backup plan", "copy action", "copy destination", "copy job")
    ):
        return "backup-policy"
    if "scheduled" in text or "copy drill" in text or "backup job" in text:
        return "backup-policy"
    return "cfct-pipeline"


def _gap_table(rows: Sequence[tuple[str, str, str, str]]) -> str:
    body = "".join(
        f'<tr class="gap"><td>{_e(region)}</td><td class="gap-text">{_e(text)}</td>'
        f'<td class="owner">{_e(owner)}</td><td>{_e(fix)}</td></tr>'
        for region, text, owner, fix in rows
    )
    return f"<table><tr><th>Region</th><th>gap</th><th>owner</th><th>fix</th></tr>{body}</table>"


def _gaps_section(per_account: Sequence[tuple[str, str, Sequence[tuple[str, str, str, str]]]]) -> str:
    parts = ['<h2>Gaps</h2><div class="gaps" id="gaps">']
    if not any(rows for _, _, rows in per_account):
        parts.append("<p>No gap.</p>")
    for account_id, title, rows in per_account:
        if rows:
            parts.append(f'<h3 data-account="{_e(account_id)}">{_e(title)}</h3>{_gap_table(rows)}')
    parts.append("</div>")
    return "".join(parts)


def _ledger(document: Mapping[str, Any]) -> str:
    for key in LEDGER_KEYS:
        if key in document and document[key] not in (None, [], {}):
            return f'<h2 id="ledger">Recovery ledger ({_e(key)})</h2>{_generic(document[key])}'
    return ""


def _generic(value: Any) -> str:
    """Any JSON value as HTML: a list of objects as a table, an object as a two-column table."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        keys: list[str] = []
        for row in value:
            keys.extend(k for k in row if k not in keys)
        head = "".join(f"<th>{_e(k)}</th>" for k in keys)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_cell(row.get(k))}</td>" for k in keys) + "</tr>" for row in value
        )
        return f"<table><tr>{head}</tr>{rows}</table>"
    if isinstance(value, dict):
        rows = "".join(f"<tr><th>{_e(k)}</th><td>{_generic(v)}</td></tr>" for k, v in value.items())
        return f"<table>{rows}</table>"
    if isinstance(value, list):
        return "<ul>" + "".join(f"<li>{_generic(v)}</li>" for v in value) + "</ul>"
    return _e(value)


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return f"<code>{_e(json.dumps(value, sort_keys=True))}</code>"
    return _e(value)


def _copy_coverage_simulation(accounts: Sequence[Mapping[str, Any]], regions: Sequence[str]) -> str:
    """Per source Region: in-scope accounts whose every drill copy job completed, and where copies went."""
    rows = []
    in_scope = [a for a in accounts if a.get("inScope")]
    for region in regions:
        complete = 0
        destinations: set[str] = set()
        jobs_run = jobs_done = 0
        for account in in_scope:
            jobs = [j for j in account.get("copyJobs", []) if str(j).startswith(f"{region} -> ")]
            done = [j for j in jobs if str(j).endswith(": COMPLETED")]
            jobs_run += len(jobs)
            jobs_done += len(done)
            if jobs and len(done) == len(jobs):
                complete += 1
            for job in jobs:
                arn = str(job).split(" -> ", 1)[1].rsplit(": ", 1)[0]
                parts = arn.split(":")
                destinations.add(parts[3] if len(parts) > 3 else arn)
        rows.append(
            f'<tr data-region="{_e(region)}"><td>{_e(region)}</td>'
            f'<td class="num">{complete}/{len(in_scope)}</td><td class="num">{jobs_done}/{jobs_run}</td>'
            f"<td>{_e(', '.join(sorted(destinations)) or '-')}</td></tr>"
        )
    return (
        '<h2>Copy coverage per Region</h2><table id="coverage"><tr><th>source Region</th>'
        "<th>accounts with every copy completed</th><th>copy jobs completed</th>"
        f"<th>destination Regions</th></tr>{''.join(rows)}</table>"
    )


def render_simulation(document: Mapping[str, Any]) -> str:
    """The page for a `simulate --report` document (camelCase, docs/simulate.md)."""
    org = document.get("organization", {})
    accounts = list(document.get("accounts", []))
    regions = list(org.get("governedRegions", []))
    per_account = []
    for a in accounts:
        rows = []
        for gap in a.get("gaps", []):
            region = next((r for r in regions if str(gap).startswith(f"{r}:")), "global")
            owner = simulate_owner(str(gap))
            rows.append((region, str(gap), owner, FIXES[owner]))
        per_account.append((str(a.get("id")), f"{a.get('name')} ({a.get('id')}) in {a.get('ou')}", rows))
    central = list(document.get("central", []))
    sections = [
        _tree(accounts, "ou"),
        _gaps_section(per_account),
        _copy_coverage_simulation(accounts, regions),
    ]
    if central:
        head = "".join(f"<th>{h}</th>" for h in ("group", "account", "Region", "check", "result", "detail"))
        body = "".join(
            f'<tr class="{"ok" if c.get("ok") else "central-gap"}"><td>{_e(c.get("group"))}</td>'
            f"<td>{_e(c.get('account'))}</td>"
            f"<td>{_e(c.get('region'))}</td><td>{_e(c.get('what'))}</td>"
            f"<td>{'ok' if c.get('ok') else 'GAP'}</td><td>{_e(c.get('detail'))}</td></tr>"
            for c in central
        )
        sections.append(f'<h2>Central checks</h2><table id="central"><tr>{head}</tr>{body}</table>')
    findings = list(document.get("findings", []))
    if findings:
        sections.append(f"<h2>Deployment findings</h2>{_generic(findings)}")
    sections.append(_ledger(document))
    in_scope = [a for a in accounts if a.get("inScope")]
    protected = sum(1 for a in in_scope if a.get("state") == "PROTECTED")
    meta = (
        f"simulation of organization {_e(org.get('id'))}, home Region {_e(org.get('homeRegion'))}, "
        f"governed Regions {_e(', '.join(regions))}; "
        f"{protected}/{len(in_scope)} in-scope accounts protected; "
        f"schema version {_e(document.get('schemaVersion'))}"
    )
    return _page("cfct-backup simulate report", bool(document.get("ok")), meta, sections)


def render_audit(document: Mapping[str, Any]) -> str:
    """The page for an `audit --json` document (the reconcile report)."""
    summary = document.get("summary", {})
    accounts = [dict(a) for a in document.get("accounts", [])]
    for a in accounts:
        a.setdefault("id", a.get("accountId"))
        a.setdefault("name", a.get("accountName") or a.get("accountId"))
        a["ouPath"] = f"Root:{a['ouId']}" if a.get("ouId") else "Root:(left the protected OUs)"
    per_account = []
    regions: dict[str, list[int]] = {}
    for a in accounts:
        rows = []
        for gap in a.get("gaps", []):
            if gap.get("repaired"):
                continue
            owner = str(gap.get("owner") or "automation")
            fix = FIXES.get(owner, "see docs/automation.md")
            rows.append((str(gap.get("region")), f"{gap.get('code')}: {gap.get('message')}", owner, fix))
        if a.get("error"):
            rows.append(("global", f"error: {a['error']}", "automation", FIXES["automation"]))
        per_account.append((str(a.get("id")), f"{a.get('name')} ({a.get('id')}) in {a.get('ouId')}", rows))
        for gap in a.get("gaps", []):
            counts = regions.setdefault(str(gap.get("region")), [0, 0])
            counts[1 if gap.get("repaired") else 0] += 1
    rows_html = "".join(
        f'<tr data-region="{_e(r)}"><td>{_e(r)}</td><td class="num">{o}</td><td class="num">{f}</td></tr>'
        for r, (o, f) in sorted(regions.items())
    )
    coverage = (
        "<h2>Copy coverage per Region</h2><p>The audit reads configuration (grants, destinations, plans) "
        "and runs no copy job; open and repaired gaps per Region:</p>"
        f'<table id="coverage"><tr><th>Region</th><th>open gaps</th><th>repaired</th></tr>{rows_html}</table>'
    )
    sections = [_tree(accounts, "ouPath"), _gaps_section(per_account), coverage, _ledger(document)]
    meta = (
        f"audit run {_e(summary.get('runId'))} ({_e(summary.get('mode'))}), {_e(summary.get('started'))} to "
        f"{_e(summary.get('finished'))}: {_e(summary.get('accountsInScope'))} account(s) in scope, "
        f"{_e(summary.get('accountsProtected'))} protected, {_e(summary.get('accountsWithGaps'))} with gaps; "
        f"schema version {_e(document.get('schemaVersion'))}"
    )
    ok = not any(rows for _, _, rows in per_account)
    return _page("cfct-backup audit report", ok, meta, sections)
