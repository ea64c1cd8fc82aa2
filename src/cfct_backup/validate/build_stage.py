"""CfCT's build stage, as `source/codebuild_scripts/run-validation.sh` (CfCT v2.8.4) runs it over
the unpacked configuration, line by line of the script:

1. `yaml.safe_load` of manifest.yaml, then `yq eval '.version'` and `pykwalify` against CfCT's own
   schema: `cfct.manifest.parse_manifest` (MAN001, MAN006, MAN100 and the schema-covered codes);
2. every line of manifest.yaml containing `_file:` that does not start with spaces and `#` is cut
   the way the script cuts it (`tr -s ' ' | tr -d '\\r' | cut -d ' ' -f 3`) and the result must be
   an existing file: a quoted path, a value on the next line, `- resource_file:` as the first key of
   a list item, or `_file:` in a description all stop the pipeline here (CFCT001);
3. every file under templates/ whose name matches `.template$|.yaml$|.yml$|.json$` goes through
   `aws cloudformation validate-template` (cfn-lint stands in for it, elsewhere) and
   `cfn_nag_scan`: `cfn_nag` here, each failing rule an error named by its cfn_nag id (F16, ...),
   a template cfn_nag cannot read a FATAL (NAG000);
4. every file under parameters/ whose name contains `.json` (and not `.j2`) must be JSON
   (`python -m json.tool`) (CFCT002).

And one thing the stack-set stage does with the parameter files the manifest names: CfCT's
CFNParamsHandler.update_params evaluates `"," in value` and `value.startswith("$[")` on every
`ParameterValue`, so a number, boolean, null, list or mapping there crashes the stage (CFCT003).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from cfct_backup.cfct.cfn import load_template
from cfct_backup.problems import Problem
from cfct_backup.validate import cfn_nag

SCRIPT = "run-validation.sh (CfCT v2.8.4)"
TEMPLATE_NAME = re.compile(r".template$|.yaml$|.yml$|.json$")  # the script's grep -E, dots and all


def file_lines(manifest_text: str) -> list[tuple[int, str]]:
    """(line, word) as `grep '_file:' | grep -v '^ *#' | tr -s ' ' | tr -d '\\r' | cut -d ' ' -f 3`
    gives them, then split into words by the shell's `for file_name in $check_files`."""
    out: list[tuple[int, str]] = []
    for number, line in enumerate(manifest_text.split("\n"), start=1):
        if "_file:" not in line or re.match(r"^ *#", line):
            continue
        squeezed = re.sub(r" +", " ", line).replace("\r", "")
        fields = squeezed.split(" ")
        word = fields[2] if len(fields) > 2 else ""
        out.extend((number, w) for w in word.split())
    return out


def check_file_lines(root: Path, manifest_text: str, where: str) -> list[Problem]:
    problems = []
    for line, name in file_lines(manifest_text):
        if name.startswith(("s3", "http")):
            continue  # downloaded and checked by CfCT; not reachable from here
        if not (root / name).is_file():
            problems.append(
                Problem(
                    where,
                    line,
                    "error",
                    "CFCT001",
                    f"CfCT's build stage cuts the third space-separated word of this '_file:' line, {name!r},"
                    f" and finds no such file ({SCRIPT}): the pipeline stops. Write 'key: path' with the"
                    " unquoted path on the line of its key, the key not first in a list item",
                )
            )
    return problems


def _resource_line(text: str, logical_id: str) -> int | None:
    pattern = re.compile(rf"^\s*[\"']?{re.escape(logical_id)}[\"']?\s*:", re.MULTILINE)
    resources_at = re.search(r"^[\"']?Resources[\"']?\s*:", text, re.MULTILINE)
    match = pattern.search(text, resources_at.start() if resources_at else 0)
    return text.count("\n", 0, match.start()) + 1 if match else None


def nag_template(text: str, rel: str) -> list[Problem]:
    """cfn_nag_scan over one file: its failing rules (errors) and suppressions without a reason
    (warnings: cfn_nag needs only the id, this project wants the reason next to it)."""
    problems = []
    for v in cfn_nag.scan_text(text):
        if v.rule_id == "FATAL":
            problems.append(
                Problem(
                    rel,
                    None,
                    "error",
                    "NAG000",
                    f"cfn_nag {cfn_nag.CFN_NAG_VERSION} cannot read it ({v.message}): CfCT's build stage"
                    " fails on every file under templates/",
                )
            )
            continue
        problems.append(
            Problem(
                rel,
                _resource_line(text, v.logical_id),
                "error",
                v.rule_id,
                f"cfn_nag {v.rule_id} on {v.logical_id}: {v.message} (Condition is not read); CfCT's build"
                " stage (cfn_nag_scan) stops the pipeline. Fix it, or suppress it in the resource's"
                f" Metadata: cfn_nag: rules_to_suppress: [{{id: {v.rule_id}, reason: ...}}]",
            )
        )
    try:
        template = load_template(text)
        items = cfn_nag.resources(template)
    except (cfn_nag.Fatal, ValueError):
        return problems
    for resource in items:
        for s in cfn_nag.suppressions(resource):
            reason = s.get("reason")
            lacking = []
            if not isinstance(reason, str) or not reason.strip():
                lacking.append(f"cfn_nag suppression of {s.get('id')!r} has no reason; say why next to it")
            if s.get("id") is None:
                lacking.append("cfn_nag suppression without an id suppresses nothing")
            line = _resource_line(text, resource.logical_id)
            problems.extend(
                Problem(rel, line, "warning", "NAG001", f"{resource.logical_id}: {what}") for what in lacking
            )
    for unmodelled in cfn_nag.unmodelled_types(template):
        problems.append(
            Problem(
                rel,
                None,
                "warning",
                "NAG002",
                f"{unmodelled}: cfn_nag has failing rules for this type that cfct-backup does not model;"
                " run cfn_nag_scan itself",
            )
        )
    return problems


def _value_line(text: str, index: int) -> int | None:
    matches = list(re.finditer(r"\"ParameterValue\"\s*:", text))
    if index < len(matches):
        return text.count("\n", 0, matches[index].start()) + 1
    return None


def check_parameter_values(text: str, rel: str, *, read_by_cfct: bool = True) -> list[Problem]:
    """What CfCT's update_params would crash on in a parameter file (CFCT003; a warning for a file
    the manifest does not name, which CfCT never reads)."""
    try:
        data: Any = json.loads(text)
    except ValueError:
        return []  # CFCT002 says it
    problems = []

    def crash(line: int | None, what: str) -> None:
        problems.append(
            Problem(
                rel,
                line,
                "error" if read_by_cfct else "warning",
                "CFCT003",
                f"{what}; CfCT's stack-set stage evaluates '\",\" in value' and value.startswith() on every"
                " ParameterValue and crashes: quote it as a JSON string",
            )
        )

    if not isinstance(data, list):
        return problems  # PKG007 says it, for the files the manifest reads
    seen_values = 0
    for item in data:
        if not isinstance(item, dict) or "ParameterValue" not in item:
            continue  # PKG007
        value = item["ParameterValue"]
        line = _value_line(text, seen_values)
        seen_values += 1
        if not isinstance(value, str):
            crash(line, f"ParameterValue of {item.get('ParameterKey')} is {json.dumps(value)}, not a string")
    return problems


def template_scan(root: Path) -> list[Problem]:
    """cfn_nag_scan over every file under templates/ the script selects (NAG000-NAG002, F-rules)."""
    problems: list[Problem] = []
    tdir = root / "templates"
    for path in sorted(p for p in tdir.rglob("*") if p.is_file()) if tdir.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        if not TEMPLATE_NAME.search(path.name):
            continue  # the script skips it (PKG004 still says it does not belong there)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(rel, None, "error", "NAG000", f"cfn_nag cannot read it: {exc}"))
            continue
        problems.extend(nag_template(text, rel))
    return problems


def parameter_files(root: Path, manifest_text: str) -> list[Problem]:
    """Every parameters/*.json is JSON (CFCT002) that CfCT's update_params does not crash on (CFCT003)."""
    problems: list[Problem] = []
    named = {word for _, word in file_lines(manifest_text)}
    pdir = root / "parameters"
    for path in sorted(p for p in pdir.rglob("*") if p.is_file()) if pdir.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        if ".json" not in path.name or ".j2" in path.name:
            continue
        try:
            text = path.read_text(encoding="utf-8")
            json.loads(text)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            problems.append(
                Problem(
                    rel,
                    getattr(exc, "lineno", None),
                    "error",
                    "CFCT002",
                    f"not JSON ({exc}); CfCT's build stage runs 'python -m json.tool' on every"
                    " parameters/*.json and stops the pipeline",
                )
            )
            continue
        problems.extend(check_parameter_values(text, rel, read_by_cfct=rel in named))
    return problems


def read_manifest_text(root: Path) -> str:
    """manifest.yaml as the script reads it ("" when it cannot be read: MAN001 says it)."""
    try:
        return (root / "manifest.yaml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def build_stage(root: Path, manifest_text: str | None = None) -> list[Problem]:
    """Everything `run-validation.sh` checks beyond the manifest schema, over the package at `root`
    (exactly what CfCT unpacks from the configuration zip)."""
    root = Path(root)
    text = read_manifest_text(root) if manifest_text is None else manifest_text
    return [
        *check_file_lines(root, text, "manifest.yaml"),
        *template_scan(root),
        *parameter_files(root, text),
    ]
