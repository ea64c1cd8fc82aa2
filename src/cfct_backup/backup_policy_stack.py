"""Render `templates/backup-policies.yaml` from the backup policy files in `policies/backup/`.

The JSON files are the source of truth; the stack CfCT deploys is generated from them and checked in
(CfCT has no build step). Each file becomes one `AWS::Organizations::Policy` of Type BACKUP_POLICY,
attached to the protected OUs (`ProtectedOuIds`). The content goes through `Fn::Sub`, so the
placeholders of docs/conventions.md (`${BunkerAccountId}`, `${HomeRegion}`, `${DrRegion}`) become
stack parameters and `${AWS::Partition}` stays a pseudo parameter; AWS's own `$account` / `$region`
variables carry no braces and pass through untouched.

Optional add-ons live in `policies/backup/optional/`: child policies that change a tier (e.g.
`monthly-malware-scan.json`: a GuardDuty malware scan of every monthly recovery point). Each becomes
a policy attached only to the OUs of its own parameter (`<Name>OuIds`, default empty: not created).
Attached to the same OU as the tier policy, it merges into it (one level, AWS's rules).

The output is deterministic: files in name order, keys in file order, content minified (whitespace
counts against the 10,000-character backup policy quota).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from cfct_backup_automation import contract

STACK_PATH = "templates/backup-policies.yaml"
POLICY_DIR = "policies/backup"
OPTIONAL_DIR = "policies/backup/optional"

# placeholder -> CloudFormation parameter declaration (lines under the parameter name)
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "BunkerAccountId": (
        "Type: String",
        'AllowedPattern: "^\\\\d{12}$"',
        "Description: Backup Data Bunker account (destination of the copy actions).",
    ),
    "HomeRegion": (
        "Type: String",
        'AllowedPattern: "^[a-z]{2}(-[a-z]+)+-\\\\d$"',
        "Description: Home Region.",
    ),
    "DrRegion": (
        "Type: String",
        'AllowedPattern: "^[a-z]{2}(-[a-z]+)+-\\\\d$"',
        "Description: DR Region (second bunker vault).",
    ),
}
PSEUDO_PARAMETERS = frozenset({"AWS::Partition"})
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


class BackupPolicyStackError(ValueError):
    """A policy file that cannot be rendered (bad JSON, unknown placeholder, bad name)."""


def _logical_id(stem: str) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", stem) if p]
    if not parts:
        raise BackupPolicyStackError(f"{stem}: file name yields no logical ID")
    return "".join(p[0].upper() + p[1:] for p in parts) + "BackupPolicy"


def _content(path: Path) -> tuple[str, set[str]]:
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BackupPolicyStackError(f"{path}: {exc}") from exc
    if not isinstance(document, dict) or "plans" not in document:
        raise BackupPolicyStackError(f"{path}: a backup policy is a JSON object with 'plans'")
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    used: set[str] = set()
    for name in _PLACEHOLDER.findall(text):
        if name in PLACEHOLDERS:
            used.add(name)
        elif name not in PSEUDO_PARAMETERS:
            raise BackupPolicyStackError(
                f"{path}: unknown placeholder ${{{name}}} (allowed: "
                + ", ".join(f"${{{p}}}" for p in [*PLACEHOLDERS, *sorted(PSEUDO_PARAMETERS)])
                + ")"
            )
    return text, used


def policy_files(root: Path) -> list[Path]:
    """The backup policy files, in the order they are rendered."""
    return sorted((root / POLICY_DIR).glob("*.json"), key=lambda p: p.name)


def optional_files(root: Path) -> list[Path]:
    """The optional add-on policies (child policies), in the order they are rendered."""
    return sorted((root / OPTIONAL_DIR).glob("*.json"), key=lambda p: p.name)


def optional_parameter(stem: str) -> str:
    """The parameter holding the OUs an optional policy is attached to: `MonthlyMalwareScanOuIds`."""
    return _logical_id(stem).removesuffix("BackupPolicy") + "OuIds"


def render(root: Path) -> str:
    """The exact text of `templates/backup-policies.yaml` for the package at `root`."""
    files = policy_files(root)
    if not files:
        raise BackupPolicyStackError(f"{root / POLICY_DIR}: no backup policy files")
    rendered: list[tuple[str, str, str]] = []
    used: set[str] = set()
    seen: dict[str, str] = {}
    for path in files:
        logical_id = _logical_id(path.stem)
        if logical_id in seen:
            raise BackupPolicyStackError(f"{path}: same logical ID {logical_id} as {seen[logical_id]}")
        seen[logical_id] = path.name
        text, names = _content(path)
        used |= names
        rendered.append((logical_id, path.stem, text))

    optional: list[tuple[str, str, str]] = []
    for path in optional_files(root):
        logical_id = "Optional" + _logical_id(path.stem)
        if logical_id in seen:
            raise BackupPolicyStackError(f"{path}: same logical ID {logical_id} as {seen[logical_id]}")
        seen[logical_id] = path.name
        text, names = _content(path)
        used |= names
        optional.append((logical_id, path.stem, text))

    out: list[str] = [
        f"# Generated by `cfct-backup generate` from {POLICY_DIR}/*.json: do not edit by hand.",
        "# Edit the JSON files and run `cfct-backup generate`; a test fails when the two drift.",
        'AWSTemplateFormatVersion: "2010-09-09"',
        "Description: >-",
        "  cfct-backup backup policies (management account, home Region): one Organizations",
        "  BACKUP_POLICY per file of policies/backup, attached to the protected OUs. Seed 2.2, 2.3, 2.5,",
        "  2.6, 2.8, 3.2, 3.9, 4.5.",
        "",
        "Parameters:",
        "  ProtectedOuIds:",
        "    Type: CommaDelimitedList",
        "    Description: IDs of the protected OUs the backup policies are attached to.",
    ]
    for name, lines in PLACEHOLDERS.items():
        if name in used:
            out.append(f"  {name}:")
            out.extend(f"    {line}" for line in lines)
    for _, stem, _ in optional:
        out += [
            f"  {optional_parameter(stem)}:",
            "    Type: CommaDelimitedList",
            '    Default: ""',
            f"    Description: IDs of the OUs that also get {OPTIONAL_DIR}/{stem}.json (empty for none).",
        ]
    if optional:
        out += ["", "Conditions:"]
        for _, stem, _ in optional:
            parameter = optional_parameter(stem)
            out += [
                f"  Attach{parameter}:",
                f'    !Not [!Equals [!Join [",", !Ref {parameter}], ""]]',
            ]
    out += ["", "Resources:"]
    for logical_id, stem, text in rendered:
        out += [
            f"  {logical_id}:",
            "    Type: AWS::Organizations::Policy",
            "    Properties:",
            f"      Name: {contract.BACKUP_POLICY_PREFIX}{stem}",
            f"      Description: cfct-backup backup policy generated from {POLICY_DIR}/{stem}.json",
            "      Type: BACKUP_POLICY",
            "      TargetIds: !Ref ProtectedOuIds",
            "      Content: !Sub |-",
            f"        {text}",
            "      Tags:",
            f"        - Key: {contract.MANAGED_TAG}",
            '          Value: "true"',
            "",
        ]
    for logical_id, stem, text in optional:
        parameter = optional_parameter(stem)
        out += [
            f"  {logical_id}:",
            "    Type: AWS::Organizations::Policy",
            f"    Condition: Attach{parameter}",
            "    Properties:",
            f"      Name: {contract.OPTIONAL_BACKUP_POLICY_PREFIX}{stem}",
            f"      Description: cfct-backup optional policy generated from {OPTIONAL_DIR}/{stem}.json",
            "      Type: BACKUP_POLICY",
            f"      TargetIds: !Ref {parameter}",
            "      Content: !Sub |-",
            f"        {text}",
            "      Tags:",
            f"        - Key: {contract.MANAGED_TAG}",
            '          Value: "true"',
            "",
        ]
    out.append("Outputs:")
    for logical_id, stem, _ in rendered:
        out += [
            f"  {logical_id}Id:",
            f"    Description: ID of the backup policy {contract.BACKUP_POLICY_PREFIX}{stem}",
            f"    Value: !Ref {logical_id}",
        ]
    for logical_id, stem, _ in optional:
        out += [
            f"  {logical_id}Id:",
            f"    Condition: Attach{optional_parameter(stem)}",
            f"    Description: ID of the optional backup policy {contract.OPTIONAL_BACKUP_POLICY_PREFIX}"
            f"{stem}",
            f"    Value: !Ref {logical_id}",
        ]
    return "\n".join(out) + "\n"
