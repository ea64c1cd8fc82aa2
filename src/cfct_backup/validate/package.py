"""The package as CfCT will see it: manifest, files, templates, SCPs, backup policies."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from cfct_backup import backup_policy_stack
from cfct_backup.backup_policy import check_document, check_effective, merge_policies
from cfct_backup.cfct.cfn import decode_template as _decode_uncached
from cfct_backup.cfct.manifest import Manifest, ManifestResource, check_manifest
from cfct_backup.problems import Problem
from cfct_backup.service_catalog import KEY_PREFIX, package_products
from cfct_backup.validate.aws_rules import aws_rules
from cfct_backup.validate.build_stage import build_stage
from cfct_backup.validate.recovery import restore_testing_problems
from cfct_backup.validate.scp import MAX_POLICIES_PER_TARGET, MAX_RCPS_PER_TARGET, check_scp
from cfct_backup.validate.templates import (
    cfn_lint,
    custom_rules,
    is_template,
    template_parameters,
)

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
REMOTE_PREFIXES = ("s3://", "https://", "http://")


_DECODED: dict[tuple[Path, int, int], tuple[dict[str, Any] | None, str | None]] = {}


def decode_template(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """Decoded once per run (validate reads each template up to three times)."""
    try:
        stat = path.stat()
    except OSError:
        return _decode_uncached(path)
    key = (path.resolve(), stat.st_mtime_ns, stat.st_size)
    if key not in _DECODED:
        if len(_DECODED) > 512:
            _DECODED.clear()
        _DECODED[key] = _decode_uncached(path)
    return _DECODED[key]


def _rel(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _resource_line(resource: ManifestResource, key: str) -> int:
    return int(resource.lines.get(key, resource.line))


class _Org:
    """What --org tells the manifest checks: account names/IDs, OU paths, the management account."""

    def __init__(self, path: Path) -> None:
        from cfct_backup.organization import load_organization  # noqa: PLC0415 - only with --org

        org = load_organization(path)
        self.org = org
        self.management_name = org.management.name
        self.management_id = org.management.id
        self.accounts = {a.name for a in (org.management, *org.accounts)}
        self.ids = {a.id for a in (org.management, *org.accounts) if a.id}
        self.ous = {ou.path for ou in org.ous}
        self.bunker = org.roles.get("bunker")
        self.home_region = org.home_region
        self.dr_region = org.dr_region


def _load_org(path: Path | None, problems: list[Problem]) -> _Org | None:
    if path is None:
        return None
    try:
        return _Org(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        problems.append(Problem(str(path), None, "error", "ORG001", f"cannot read the organization: {exc}"))
        return None


def _target_checks(manifest: Manifest, org: _Org | None, where: str) -> list[Problem]:
    problems: list[Problem] = []
    if org is None:
        return problems
    for res in manifest.resources:
        for i, account in enumerate(res.accounts):
            line = _resource_line(res, f"accounts[{i}]")
            if account.isdigit():
                if org.ids and account not in org.ids:
                    problems.append(
                        Problem(
                            where,
                            line,
                            "warning",
                            "MAN013",
                            f"{res.name}: account ID {account} is not in the organization",
                        )
                    )
                continue
            if account == org.management_name:
                problems.append(
                    Problem(
                        where,
                        line,
                        "error",
                        "MAN024",
                        f"{res.name}: target the management account by its explicit ID,"
                        f" not by name '{account}'",
                    )
                )
            elif account not in org.accounts:
                problems.append(
                    Problem(
                        where,
                        line,
                        "error",
                        "MAN013",
                        f"{res.name}: no account named '{account}' in the organization",
                    )
                )
        for i, ou in enumerate(res.organizational_units):
            if ou not in org.ous and not ou.startswith("Root"):
                problems.append(
                    Problem(
                        where,
                        _resource_line(res, f"organizational_units[{i}]"),
                        "error",
                        "MAN025",
                        f"{res.name}: no OU '{ou}' in the organization (nested OUs as 'Parent:Child')",
                    )
                )
    return problems


def _scp_counts(manifest: Manifest, where: str) -> list[Problem]:
    """At most 10 SCPs (5 RCPs) per root, OU or account, counted across the manifest (cfct_backup.quotas)."""
    per_target: dict[tuple[str, str, str], list[ManifestResource]] = defaultdict(list)
    for res in manifest.resources:
        if res.deploy_method not in ("scp", "rcp"):
            continue
        method = res.deploy_method.upper()
        for ou in res.organizational_units:
            per_target[(method, "OU", ou)].append(res)
        for account in res.accounts:
            per_target[(method, "account", account)].append(res)
    problems: list[Problem] = []
    for (method, kind, target), resources in sorted(per_target.items()):
        names = ", ".join(r.name for r in resources)
        last = resources[-1]
        default = "FullAWSAccess" if method == "SCP" else "RCPFullAWSAccess"
        limit = MAX_POLICIES_PER_TARGET if method == "SCP" else MAX_RCPS_PER_TARGET
        if len(resources) > limit:
            problems.append(
                Problem(
                    where,
                    last.line,
                    "error",
                    f"{method}020",
                    f"{len(resources)} {method}s attached to {kind} '{target}' ({names});"
                    f" Organizations allows {limit} per target",
                )
            )
        elif len(resources) == limit:
            problems.append(
                Problem(
                    where,
                    last.line,
                    "warning",
                    f"{method}021",
                    f"{len(resources)} {method}s on {kind} '{target}': no place left for {default}"
                    + (" or a Control Tower control SCP" if method == "SCP" else ""),
                )
            )
    return problems


def _ssm_parameters(root: Path, manifest: Manifest, org: _Org | None, where: str) -> list[Problem]:
    """Order and names of the SSM parameters the manifest reads with $[alfred_ssm_...].

    CfCT deploys resources in manifest order and resolves a resource's helpers when it deploys it:
    a parameter exported (export_outputs) by a later resource does not exist yet on a first run.
    With --org, a /cfct-backup/ name must be one the project writes (docs/conventions.md)."""
    problems: list[Problem] = []
    exported_at: dict[str, int] = {}
    for i, res in enumerate(manifest.resources):
        for name, _value in res.export_outputs:
            exported_at.setdefault(name, i)
    known: set[str] | None = None
    if org is not None:
        from cfct_backup.organization import (  # noqa: PLC0415 - only with --org
            OrganizationError,
            config_parameters,
            placeholder_ids,
        )

        try:
            known = set(config_parameters(org.org, placeholder_ids(org.org)))
        except (OrganizationError, KeyError, ValueError):
            known = None
        if known is not None:
            known |= {f"/cfct-backup/artifacts/{n}" for n in ("bucket", "lambda-key", "lambda-version")}
    for i, res in enumerate(manifest.resources):
        values: list[tuple[str, int]] = []
        if res.parameters is not None:
            values = [(v, _resource_line(res, "parameters")) for _, v in res.parameters]
        elif res.parameter_file is not None and (root / res.parameter_file).is_file():
            data, _found = _parameter_file(root / res.parameter_file, res.parameter_file)
            values = [(v, _resource_line(res, "parameter_file")) for v in (data or {}).values()]
        for value, line in values:
            for raw in value.split(","):
                item = raw.strip()
                if not (item.startswith("$[alfred_ssm_") and item.endswith("]")):
                    continue
                name = item[len("$[alfred_ssm_") : -1]
                if name in exported_at and exported_at[name] >= i:
                    later = manifest.resources[exported_at[name]].name
                    problems.append(
                        Problem(
                            where,
                            line,
                            "error",
                            "MAN027",
                            f"{res.name}: reads {name}, which {later} exports"
                            + (" itself" if exported_at[name] == i else " further down")
                            + "; CfCT deploys in manifest order, so it does not exist yet on a first run",
                        )
                    )
                elif (
                    known is not None
                    and name.startswith("/cfct-backup/")
                    and name not in known
                    and name not in exported_at
                ):
                    problems.append(
                        Problem(
                            where,
                            line,
                            "warning",
                            "MAN028",
                            f"{res.name}: reads {name}, which nothing writes (not a parameter of"
                            " docs/conventions.md, not exported by the manifest)",
                        )
                    )
    return problems


def _parameter_file(path: Path, source: str) -> tuple[dict[str, str] | None, list[Problem]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [Problem(source, None, "error", "PKG007", f"parameter file is not readable JSON: {exc}")]
    if not isinstance(data, list) or not all(
        isinstance(p, dict) and "ParameterKey" in p and "ParameterValue" in p for p in data
    ):
        return None, [
            Problem(
                source,
                None,
                "error",
                "PKG007",
                "a parameter file is a list of {ParameterKey, ParameterValue}",
            )
        ]
    return {str(p["ParameterKey"]): str(p["ParameterValue"]) for p in data}, []


def _files_and_parameters(
    root: Path, manifest: Manifest, where: str
) -> tuple[list[Problem], list[Path], set[Path], list[tuple[Path, str]]]:
    """Referenced files exist; template parameters vs manifest parameters. Returns the problems,
    the stack-set templates to lint, every referenced local file, and the SCP/RCP files."""
    problems: list[Problem] = []
    templates: list[Path] = []
    referenced: set[Path] = set()
    policies: list[tuple[Path, str]] = []
    for res in manifest.resources:
        if res.resource_file.startswith(REMOTE_PREFIXES):
            problems.append(
                Problem(
                    where,
                    _resource_line(res, "resource_file"),
                    "warning",
                    "PKG002",
                    f"{res.name}: remote resource_file {res.resource_file} is not checked",
                )
            )
            continue
        path = root / res.resource_file
        referenced.add(path.resolve())
        if not path.is_file():
            problems.append(
                Problem(
                    where,
                    _resource_line(res, "resource_file"),
                    "error",
                    "PKG001",
                    f"{res.name}: resource_file {res.resource_file} does not exist",
                )
            )
            continue
        if res.deploy_method in ("scp", "rcp"):
            policies.append((path, res.deploy_method.upper()))
            continue
        data, error = decode_template(path)
        if data is None or not is_template(data):
            problems.append(
                Problem(
                    _rel(root, path),
                    None,
                    "error",
                    "PKG005",
                    f"{res.name}: resource_file is not a CloudFormation template ({error or 'no Resources'})",
                )
            )
            continue
        templates.append(path)
        supplied: dict[str, str] | None = None
        if res.parameter_file is not None:
            ppath = root / res.parameter_file
            referenced.add(ppath.resolve())
            if not ppath.is_file():
                problems.append(
                    Problem(
                        where,
                        _resource_line(res, "parameter_file"),
                        "error",
                        "PKG003",
                        f"{res.name}: parameter_file {res.parameter_file} does not exist",
                    )
                )
            else:
                supplied, found = _parameter_file(ppath, _rel(root, ppath))
                problems.extend(found)
        elif res.parameters is not None:
            supplied = dict(res.parameters)
        else:
            supplied = {}
        if supplied is None:
            continue
        outputs = data.get("Outputs") if isinstance(data.get("Outputs"), dict) else {}
        for name, value in res.export_outputs:
            key = (
                value[len("$[output_") : -1]
                if value.startswith("$[output_") and value.endswith("]")
                else None
            )
            if key is not None and key not in (outputs or {}):
                problems.append(
                    Problem(
                        where,
                        _resource_line(res, "export_outputs"),
                        "error",
                        "TPL012",
                        f"{res.name}: export {name} reads output {key},"
                        f" which {res.resource_file} does not have",
                    )
                )
        declared = template_parameters(data)
        line = _resource_line(res, "parameters" if res.parameters is not None else "parameter_file")
        for name in sorted(set(declared) - set(supplied)):
            if not declared[name]:
                problems.append(
                    Problem(
                        where,
                        line,
                        "error",
                        "TPL010",
                        f"{res.name}: template parameter {name} has no Default and is not supplied",
                    )
                )
        for name in sorted(set(supplied) - set(declared)):
            problems.append(
                Problem(
                    where,
                    line,
                    "error",
                    "TPL011",
                    f"{res.name}: parameter {name} is not a parameter of {res.resource_file}",
                )
            )
    return problems, templates, referenced, policies


def _templates_dir(root: Path) -> tuple[list[Problem], list[Path]]:
    """Nothing but templates under templates/ (CfCT lints every file there)."""
    problems: list[Problem] = []
    found: list[Path] = []
    tdir = root / "templates"
    if not tdir.is_dir():
        return problems, found
    for path in sorted(p for p in tdir.rglob("*") if p.is_file()):
        rel = _rel(root, path)
        if path.suffix not in TEMPLATE_SUFFIXES:
            problems.append(
                Problem(rel, None, "error", "PKG004", "only CloudFormation templates belong in templates/")
            )
            continue
        data, error = decode_template(path)
        if data is None or not is_template(data):
            problems.append(
                Problem(
                    rel,
                    None,
                    "error",
                    "PKG004",
                    f"not a CloudFormation template ({error or 'no Resources'}); CfCT lints every file here",
                )
            )
            continue
        found.append(path)
    return problems, found


def _backup_policies(root: Path, org: _Org | None) -> list[Problem]:
    problems: list[Problem] = []
    bdir = root / "policies" / "backup"
    variables: dict[str, str] = {}
    if org is not None:
        variables.update({"HomeRegion": org.home_region, "DrRegion": org.dr_region})
    docs: list[tuple[dict[str, Any], str]] = []
    for path in sorted(bdir.glob("*.json")) if bdir.is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(_rel(root, path), None, "error", "BKP000", f"cannot read: {exc}"))
            continue
        doc, found = check_document(text, _rel(root, path), variables or None)
        problems.extend(found)
        if doc is not None and not any(p.severity == "error" for p in found):
            docs.append((doc, _rel(root, path)))
    problems.extend(_attached_together(docs))
    return problems


def _attached_together(docs: list[tuple[dict[str, Any], str]]) -> list[Problem]:
    """The policy files are attached to the same (protected) OUs: one level of the merge.

    A plan defined in two files merges silently (the first attached wins on each conflicting
    setting), and the merged policy must still hold every rule."""
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    for doc, source in docs:
        plans = doc.get("plans")
        for name in plans if isinstance(plans, dict) else {}:
            if name.startswith("@@"):
                continue
            if name in owner:
                problems.append(
                    Problem(
                        source,
                        None,
                        "warning",
                        "BKP040",
                        f"plans.{name}: also defined in {owner[name]}; attached to the same OUs the two"
                        " merge and the first attached wins on every conflicting setting",
                    )
                )
            owner.setdefault(name, source)
    if len(docs) > 1:
        merged, warnings = merge_policies([[d for d, _ in docs]], sources=[[s for _, s in docs]])
        problems.extend(warnings)
        label = "policies/backup (merged, as attached together)"
        problems.extend(check_effective(merged, label))
    return problems


def _stack_in_sync(root: Path, render_stack: Callable[[Path], str]) -> list[Problem]:
    """The generated backup-policy stack matches policies/backup (`render_stack`: the generator)."""
    module = backup_policy_stack
    stack_path = root / str(module.STACK_PATH)
    try:
        expected = str(render_stack(root))
    except Exception as exc:  # noqa: BLE001 - the generator's failure is reported, not raised
        return [
            Problem(
                str(module.STACK_PATH),
                None,
                "error",
                "PKG011",
                f"cannot render the backup-policy stack: {exc}",
            )
        ]
    if not stack_path.is_file():
        return [
            Problem(
                str(module.STACK_PATH),
                None,
                "error",
                "PKG010",
                "generated backup-policy stack is missing; run `cfct-backup generate`",
            )
        ]
    if stack_path.read_text(encoding="utf-8") != expected:
        return [
            Problem(
                str(module.STACK_PATH),
                None,
                "error",
                "PKG010",
                "out of date with policies/backup; run `cfct-backup generate`",
            )
        ]
    return []


def _products(root: Path, manifest: Manifest, referenced: set[Path]) -> list[Problem]:
    """Service Catalog product templates (cfct_backup.service_catalog, the one place that knows the
    convention publish uploads by): each one a deployed template references must exist under
    templates/ (PKG012), and is then used, not "undeployed" (added to `referenced`). A product URL
    outside the convention is neither uploaded by publish nor checked (PKG013)."""
    problems: list[Problem] = []
    for ref in package_products(root, manifest, decode_template):
        source = ref.source
        if source is None:
            problems.append(
                Problem(
                    ref.template,
                    ref.line,
                    "warning",
                    "PKG013",
                    f"{ref.resource}: product template URL {ref.url or '(not a string, Fn::Sub or Fn::Join)'}"
                    f" is not {KEY_PREFIX}<name> in an S3 bucket: publish does not upload it,"
                    " validate does not check it",
                )
            )
        elif (root / source).is_file():
            referenced.add((root / source).resolve())
        else:
            problems.append(
                Problem(
                    ref.template,
                    ref.line,
                    "error",
                    "PKG012",
                    f"{ref.resource}: product template {ref.key} is published from {source},"
                    " which does not exist",
                )
            )
    return problems


def _unreferenced(root: Path, referenced: set[Path], templates: Iterable[Path]) -> list[Problem]:
    out = []
    for path in templates:
        if path.resolve() not in referenced:
            out.append(
                Problem(
                    _rel(root, path),
                    None,
                    "warning",
                    "PKG006",
                    "not deployed by manifest.yaml (CfCT lints it all the same)",
                )
            )
    sdir = root / "policies" / "scp"
    for path in sorted(sdir.glob("*.json")) if sdir.is_dir() else []:
        if path.resolve() not in referenced:
            out.append(Problem(_rel(root, path), None, "warning", "PKG006", "not attached by manifest.yaml"))
    return out


def validate_package(
    root: Path,
    *,
    org: Path | None = None,
    lint: bool = True,
    render_stack: Callable[[Path], str] = backup_policy_stack.render,
) -> list[Problem]:
    """Every problem CfCT's pipeline would hit, and the traps it lets through. Sorted by file/line.

    `render_stack` renders the generated backup-policy stack the package must carry (a parameter so
    that tests can hand in a generator that fails)."""
    root = Path(root)
    _DECODED.clear()  # decode each template once per run, never reuse a previous run's work
    problems: list[Problem] = []
    org_info = _load_org(org, problems)
    manifest_path = root / "manifest.yaml"
    where = _rel(root, manifest_path)
    manifest, found = check_manifest(manifest_path)
    problems.extend(Problem(where, p.line, p.severity, p.code, p.message) for p in found)
    dir_problems, all_templates = _templates_dir(root)
    problems.extend(dir_problems)
    lint_targets: list[Path] = list(all_templates)
    policy_files: list[tuple[Path, str]] = []
    if org_info is not None and org is not None:  # accounts that would inherit plans without a baseline
        from cfct_backup.nested_ous import nested_problems  # noqa: PLC0415 - only with --org

        problems.extend(nested_problems(org_info.org, str(org)))
    if manifest is not None:
        problems.extend(_target_checks(manifest, org_info, where))
        problems.extend(_scp_counts(manifest, where))
        problems.extend(_ssm_parameters(root, manifest, org_info, where))
        file_problems, templates, referenced, policy_files = _files_and_parameters(root, manifest, where)
        problems.extend(file_problems)
        for path in templates:
            if path not in lint_targets:
                lint_targets.append(path)
        problems.extend(_products(root, manifest, referenced))
        problems.extend(_unreferenced(root, referenced, all_templates))
    for path in lint_targets:
        data, _error = decode_template(path)
        if data is not None:
            problems.extend(custom_rules(data, _rel(root, path)))
            problems.extend(aws_rules(data, _rel(root, path)))
    if lint:
        regions = {manifest.region} if manifest is not None else set()
        if manifest is not None:
            for res in manifest.resources:
                regions.update(r for r in res.regions if not r.startswith("$["))
        problems.extend(cfn_lint(lint_targets, root, regions))
    seen_policies = {p.resolve() for p, _ in policy_files}
    sdir = root / "policies" / "scp"
    for path in sorted(sdir.glob("*.json")) if sdir.is_dir() else []:
        if path.resolve() not in seen_policies:
            policy_files.append((path, "SCP"))
    for path, kind in policy_files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(_rel(root, path), None, "error", f"{kind}001", f"cannot read: {exc}"))
            continue
        problems.extend(check_scp(text, _rel(root, path), kind))
    problems.extend(_backup_policies(root, org_info))
    problems.extend(restore_testing_problems(root, lint_targets, decode_template))  # recovery REC
    problems.extend(build_stage(root))
    problems.extend(_stack_in_sync(root, render_stack))
    return sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.code, p.message))
