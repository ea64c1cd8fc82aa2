"""The contract module is the one place a name is spelled (issue 17).

* No Python file under src/ or lambdas/ other than contract.py spells a resource name or an SSM
  parameter name in a string constant or an f-string part. Docstrings do not count (they describe,
  for people, and docs/conventions.md is checked against the contract below); every other string
  does, including messages: they interpolate the contract's constants. Local names that are no AWS
  resource (tempfile `prefix=` / `suffix=` arguments) do not count.
* The names the CloudFormation templates give roles, vaults, key aliases, functions, tables and
  SSM parameters are the contract's values.
* docs/conventions.md's parameter table and resource-name table equal the contract.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from cfct_backup_automation import config, contract
from cfct_backup_automation.destinations import copy_destinations

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "lambdas" / "cfct_backup_automation" / "contract.py"

# The shapes of a name: an SSM parameter or log group (`/cfct-backup`, `/cfct-backup/...`), a
# resource or tag (`cfct-backup-...`, `alias/cfct-backup-...`, `cfct-backup:tier`), the metrics
# namespace / Sid (`CfctBackup...`). `cfct-backup` alone is the event source / service / CLI name;
# followed by a space it is a command in a message (`run cfct-backup generate`), not a name.
NAME_SHAPE = re.compile(r"/cfct-backup(?![\w-])|cfct-backup(?:-|:(?=\w))|CfctBackup")
# names of other shapes the contract holds (BAM underscores, relative SSM names, stack set)
OTHER_NAMES = {contract.FRAMEWORK, *contract.REPORT_PLANS, *(p.rel for p in contract.PARAMETERS)}


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _local_names(tree: ast.AST) -> set[int]:
    """Constants passed as tempfile `prefix=` / `suffix=`: local paths, not resources."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in {"prefix", "suffix"}:
            for sub in ast.walk(node.value):
                found.add(id(sub))
    return found


def spelled_names(path: Path) -> Iterator[tuple[int, str]]:
    """(line, string) of every string constant or f-string part of `path` that spells a name."""
    tree = ast.parse(path.read_text(), filename=str(path))
    skip = _docstrings(tree) | _local_names(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in skip:
            continue
        text = node.value
        if text == contract.NAME_PREFIX or NAME_SHAPE.search(text) or text in OTHER_NAMES:
            yield node.lineno, text


def offenders(roots: list[Path]) -> list[str]:
    found = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if path == CONTRACT:
                continue
            for line, text in spelled_names(path):
                found.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    return found


def test_no_name_is_spelled_outside_the_contract() -> None:
    found = offenders([ROOT / "src", ROOT / "lambdas"])
    assert not found, "names spelled outside lambdas/cfct_backup_automation/contract.py:\n" + "\n".join(found)


def test_the_scan_sees_constants_and_fstring_parts_but_not_docstrings(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Uses `cfct-backup-vault` (docstring: ignored)."""\n'
        'ROLE = "cfct-backup-automation"\n'
        "def f(a: str) -> str:\n"
        '    """The /cfct-backup/org/id parameter."""\n'
        '    return f"/cfct-backup/accounts/{a}"\n'
        'PLAN = "cfct_backup_controls"\n'
        'REL = "regions/home"\n'
        'MSG = "run `cfct-backup generate`"\n'
        'SOURCE = "cfct-backup"\n'
        "import tempfile\n"
        'tempfile.mkdtemp(prefix="cfct-backup-tmp-")\n'
    )
    assert sorted(line for line, _ in spelled_names(sample)) == [2, 5, 6, 7, 9]


# --- the SSM schema -------------------------------------------------------------------------------


def test_required_parameters_are_the_ones_the_lambdas_refuse_to_start_without() -> None:
    required = {p.rel for p in contract.PARAMETERS if p.required}
    assert required == set(config._REQUIRED_PARAMETERS)
    assert {p.rel for p in contract.PARAMETERS if "lambdas" in p.readers} == required
    assert len({p.rel for p in contract.PARAMETERS}) == len(contract.PARAMETERS)


def test_the_parameters_the_cfct_parameter_files_read_are_the_ones_the_schema_says() -> None:
    read = set()
    for path in (ROOT / "parameters").glob("*.json"):
        read |= set(re.findall(r"\$\[alfred_ssm_(/[^\]]+)\]", path.read_text()))
    assert read == {p.name for p in contract.PARAMETERS if "parameters" in p.readers}


# --- copy destinations ----------------------------------------------------------------------------


def test_a_copy_action_naming_a_target_vault_arn_is_resolved_to_that_vault() -> None:
    target = "arn:aws:backup:$region:222222222222:backup-vault:cfct-backup-bunker"
    plans = {
        "daily": {
            "regions": {"@@assign": ["us-east-1", "us-west-2"]},
            "rules": {
                "r": {
                    "copy_actions": {
                        "arn:aws:backup:us-east-1:$account:backup-vault:Other": {
                            "target_backup_vault_arn": {"@@assign": target}
                        },
                        "ARN:aws:backup:eu-west-1:$account:backup-vault:Keyed": {},
                    }
                }
            },
        }
    }
    assert copy_destinations(plans, "111111111111", ["us-east-1"]) == [
        "arn:aws:backup:eu-west-1:111111111111:backup-vault:keyed",
        "arn:aws:backup:us-east-1:222222222222:backup-vault:cfct-backup-bunker",
        "arn:aws:backup:us-west-2:222222222222:backup-vault:cfct-backup-bunker",
    ]


def test_the_simulate_report_and_the_plan_builder_resolve_destinations_the_same_way() -> None:
    from cfct_backup.backup_policy import backup_plans
    from cfct_backup.simulation.report import plans_and_copies

    target = "arn:aws:backup:$region:222222222222:backup-vault:bunker"
    policy = {
        "plans": {
            "daily": {
                "regions": ["us-east-1"],
                "rules": {
                    "r": {
                        "target_backup_vault_name": "cfct-backup-vault",
                        "copy_actions": {
                            "arn:aws:backup:us-east-1:$account:backup-vault:Key": {
                                "target_backup_vault_arn": target
                            }
                        },
                    }
                },
            }
        }
    }
    expected = ["arn:aws:backup:us-east-1:222222222222:backup-vault:bunker"]
    assert plans_and_copies(policy, "111111111111", "us-east-1") == (["daily"], expected)
    rules = [rule for plan in backup_plans(policy, "111111111111", "us-east-1") for rule in plan["Rules"]]
    assert [a["DestinationBackupVaultArn"] for r in rules for a in r["CopyActions"]] == expected


# --- gap codes ------------------------------------------------------------------------------------


LAMBDAS = ROOT / "lambdas" / "cfct_backup_automation"


def _module_strings(path: Path) -> dict[str, str]:
    """Module-level `NAME = "string"` assignments of `path`."""
    found = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def _reported_gaps() -> Iterator[tuple[str, int, str, str, str | None]]:
    """(file, line, code, module defining the code, owner or None) of every `Gap(...)` call whose
    code is a literal, an if-expression of literals, or a module constant (`X`, `baseline.X`)."""
    strings = {path.stem: _module_strings(path) for path in LAMBDAS.glob("*.py")}
    for path in sorted(LAMBDAS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Gap" and node.args):
                continue
            owner_node = node.args[3] if len(node.args) > 3 else None
            owner_node = next((k.value for k in node.keywords if k.arg == "owner"), owner_node)
            owner = "automation" if owner_node is None else None
            if isinstance(owner_node, ast.Constant):
                owner = owner_node.value
            first = node.args[0]
            candidates: list[tuple[str, str]] = []
            if isinstance(first, ast.Constant):
                candidates = [(first.value, path.stem)]
            elif isinstance(first, ast.IfExp):
                candidates = [
                    (b.value, path.stem) for b in (first.body, first.orelse) if isinstance(b, ast.Constant)
                ]
                owner = None
            elif isinstance(first, ast.Name) and first.id in strings[path.stem]:
                candidates = [(strings[path.stem][first.id], path.stem)]
            elif isinstance(first, ast.Attribute) and isinstance(first.value, ast.Name):
                module = first.value.id
                if first.attr in strings.get(module, {}):
                    candidates = [(strings[module][first.attr], module)]
            for code, module in candidates:
                yield path.name, node.lineno, code, module, owner


def test_every_gap_code_a_component_reports_is_in_the_contract_with_its_module_and_owner() -> None:
    wrong = []
    seen = set()
    for name, line, code, module, owner in _reported_gaps():
        seen.add(code)
        entry = contract.GAP_CODES.get(code)
        if entry is None or entry.reporter != module or (owner is not None and owner != entry.owner):
            wrong.append(f"{name}:{line}: {code} from {module}, owner {owner} (contract: {entry})")
    assert not wrong, "\n".join(wrong)
    # and every code of the contract is spelled in the module it names
    for entry in contract.GAP_CODES.values():
        module = LAMBDAS / f"{entry.reporter}.py"
        assert entry.code in {
            c.value for c in ast.walk(ast.parse(module.read_text())) if isinstance(c, ast.Constant)
        }
    assert len(seen) > 20


def test_the_state_names_are_the_contracts() -> None:
    from typing import get_args

    from cfct_backup_automation import inventory

    from cfct_backup.simulation import report

    assert get_args(report.State) == contract.REPORT_STATES
    assert (
        inventory.ENROLLING,
        inventory.PENDING,
        inventory.PROTECTED,
        inventory.GAP,
        inventory.OFFBOARDED,
    ) == (contract.INVENTORY_STATES)


# --- templates ------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    pass


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {f"Fn::{suffix}": value}


_Loader.add_multi_constructor("!", _tag)

NAMED_PROPERTIES = {
    "AWS::IAM::Role": "RoleName",
    "AWS::Backup::BackupVault": "BackupVaultName",
    "AWS::KMS::Alias": "AliasName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::SSM::Parameter": "Name",
}
TEMPLATES = sorted([*(ROOT / "templates").glob("*.yaml"), *(ROOT / "prerequisites").glob("*.yaml")])


def _contract_names() -> set[str]:
    strings = {v for v in vars(contract).values() if isinstance(v, str)}
    tuples = {n for v in vars(contract).values() if isinstance(v, tuple) for n in v if isinstance(n, str)}
    return strings | tuples | {p.name for p in contract.PARAMETERS}


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def test_templates_name_roles_vaults_aliases_and_parameters_as_the_contract_does() -> None:
    names = _contract_names()
    wrong = []
    for path in TEMPLATES:
        doc = yaml.load(path.read_text(), Loader=_Loader)
        for logical, resource in (doc.get("Resources") or {}).items():
            prop = NAMED_PROPERTIES.get(resource.get("Type", ""))
            value = (resource.get("Properties") or {}).get(prop) if prop else None
            ours = isinstance(value, str) and value.startswith(("cfct-backup", "alias/cfct", "/cfct"))
            if ours and value not in names:
                wrong.append(f"{path.name}: {logical}.{prop} = {value}")
    assert not wrong, "names the contract does not know:\n" + "\n".join(wrong)


def test_every_ssm_parameter_a_template_or_the_manifest_names_is_in_the_schema() -> None:
    known = {p.name for p in contract.PARAMETERS} | {contract.TRAIL_LOG_GROUP}
    known |= {name.rsplit("/", 1)[0] for name in known}  # folders (GetParametersByPath, IAM ARNs)
    wrong = []
    for path in [*TEMPLATES, ROOT / "manifest.yaml"]:
        for name in re.findall(r"(?<![\w}*])/cfct-backup/[a-z0-9/-]*[a-z0-9]", path.read_text()):
            if name not in known:
                wrong.append(f"{path.name}: {name}")
    assert not wrong, "SSM names not in the contract's schema:\n" + "\n".join(sorted(set(wrong)))


def test_the_roles_the_templates_create_are_all_in_the_contract() -> None:
    created = set()
    for path in TEMPLATES:
        doc = yaml.load(path.read_text(), Loader=_Loader)
        for resource in (doc.get("Resources") or {}).values():
            if resource.get("Type") == "AWS::IAM::Role":
                name = (resource.get("Properties") or {}).get("RoleName")
                if isinstance(name, str):
                    created.add(name)
    assert created - _contract_names() == set()
    assert {contract.AUTOMATION_ROLE, contract.AUDIT_ROLE, contract.RESTORE_ROLE} <= created


# --- docs/conventions.md --------------------------------------------------------------------------

CONVENTIONS = ROOT / "docs" / "conventions.md"


def _table(section: str) -> list[list[str]]:
    text = CONVENTIONS.read_text()
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in body.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip("|"))] for row in rows[2:]]


def test_the_conventions_parameter_table_is_the_schema() -> None:
    documented = {row[0].strip("`"): row[1] for row in _table("Configuration: one place")}
    assert documented == {p.name: p.type for p in contract.PARAMETERS}


def test_the_conventions_resource_names_are_the_contracts() -> None:
    documented = {name for row in _table("Resource names") for name in re.findall(r"`([^`]+)`", row[-1])}
    ours = {n for n in documented if NAME_SHAPE.search(n) or n in OTHER_NAMES}
    names = _contract_names() | {
        f(r"${AWS::AccountId}", r"${AWS::Region}")
        for f in (
            contract.report_bucket,
            contract.audit_report_bucket,
            contract.log_bucket,
            contract.access_log_bucket,
            contract.conformance_bucket,
        )
    }
    assert sorted(ours - names) == []
    for name in (
        contract.AUTOMATION_ROLE,
        contract.AUDIT_ROLE,
        contract.RESTORE_ROLE,
        contract.BREAK_GLASS_ROLE,
        contract.MEMBER_VAULT,
        contract.MEMBER_KEY_ALIAS,
        contract.BUNKER_VAULT,
        contract.BUNKER_KEY_ALIAS,
        contract.INVENTORY_TABLE,
        contract.CENTRAL_BUS,
        contract.ORG_TRAIL,
        contract.TRAIL_LOG_GROUP,
        contract.FRAMEWORK,
        *contract.REPORT_PLANS,
        contract.ENROLMENT_FUNCTION,
        contract.RECONCILE_FUNCTION,
        contract.CUSTOM_RESOURCE_FUNCTION,
    ):
        assert name in documented, f"docs/conventions.md does not name {name}"


def test_the_conventions_gap_code_table_is_the_contracts() -> None:
    documented = [(row[0].strip("`"), row[1].strip("`"), row[2]) for row in _table("Gap codes")]
    assert documented == [(g.code, f"{g.reporter}.py", g.owner) for g in contract.GAP_CODES.values()]
    text = CONVENTIONS.read_text().split("## Gap codes\n", 1)[1].split("\n## ", 1)[0]
    for state in (*contract.INVENTORY_STATES, *contract.REPORT_STATES):
        assert f"`{state}`" in text


def test_parameters_documented_as_written_by_publish_or_cfct_are_so_in_the_schema() -> None:
    rows = {row[0].strip("`"): row[3] for row in _table("Configuration: one place")}
    for p in contract.PARAMETERS:
        meaning = rows[p.name]
        assert ("written by `publish`" in meaning) == (p.writer == "publish"), p.name
        assert ("export_outputs" in meaning) == (p.writer == "cfct-outputs"), p.name
