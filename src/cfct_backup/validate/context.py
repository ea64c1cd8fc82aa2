"""What every validate rule reads: the package files, the manifest, templates, policies, --org.

Built once per run; each derived view (`lint_targets`, `policy_files`, ...) is computed on first use
and shared by the rules that need it, and each template is decoded once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cfct_backup.backup_policy import check_document
from cfct_backup.cfct.cfn import decode_template
from cfct_backup.cfct.manifest import Manifest, ManifestResource, check_manifest
from cfct_backup.problems import Problem
from cfct_backup.service_catalog import REMOTE_PREFIXES, ProductReference, package_products
from cfct_backup.validate.templates import is_template

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
POLICY_METHODS = ("scp", "rcp")

Decoded = tuple[dict[str, Any] | None, str | None]


class OrgFacts:
    """What --org tells the rules: account names/IDs, OU paths, the management account, Regions."""

    def __init__(self, path: Path) -> None:
        from cfct_backup.organization import (  # noqa: PLC0415 - only with --org
            load_organization,
            placeholder_ids,
        )

        org = load_organization(path)
        self.path = path
        self.org = org
        tree = org.tree(placeholder_ids(org))  # the one organization tree (orgtree)
        self.management_name = org.management.name
        self.management_id = org.management.id
        self.accounts = {a.name for a in tree.accounts}
        self.ids = {a.id for a in (org.management, *org.accounts) if a.id}
        self.ous = set(tree.ou_ids())
        self.bunker = org.roles.get("bunker")
        self.home_region = org.home_region
        self.dr_region = org.dr_region


def load_org(path: Path | None) -> tuple[OrgFacts | None, str | None]:
    """The organization given with --org, or the reason it cannot be read (ORG001)."""
    if path is None:
        return None, None
    try:
        return OrgFacts(path), None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, str(exc)


def resource_line(resource: ManifestResource, key: str) -> int:
    return int(resource.lines.get(key, resource.line))


def read_parameter_file(path: Path, source: str) -> tuple[dict[str, str] | None, list[Problem]]:
    """A CloudFormation parameter file as {key: value}, or its PKG007 problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [Problem(source, None, "error", "PKG007", f"parameter file is not readable JSON: {exc}")]
    if not isinstance(data, list) or not all(
        isinstance(p, dict) and "ParameterKey" in p and "ParameterValue" in p for p in data
    ):
        message = "a parameter file is a list of {ParameterKey, ParameterValue}"
        return None, [Problem(source, None, "error", "PKG007", message)]
    return {str(p["ParameterKey"]): str(p["ParameterValue"]) for p in data}, []


@dataclass(frozen=True)
class StackTemplate:
    """A manifest resource whose resource_file is a local, existing CloudFormation template."""

    resource: ManifestResource
    path: Path
    data: dict[str, Any]


@dataclass
class Context:
    """The package at `root` as the rules see it. `org`: the --org input (None without --org)."""

    root: Path
    org_path: Path | None = None
    lint: bool = True
    render_stack: Callable[[Path], str] | None = None
    org: OrgFacts | None = field(init=False, default=None)
    org_error: str | None = field(init=False, default=None)
    manifest: Manifest | None = field(init=False, default=None)
    manifest_problems: list[Problem] = field(init=False, default_factory=list)
    _decoded: dict[Path, Decoded] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self.org, self.org_error = load_org(self.org_path)
        self.manifest, self.manifest_problems = check_manifest(self.manifest_path)

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.yaml"

    @property
    def where(self) -> str:
        """The manifest as problems name it."""
        return self.rel(self.manifest_path)

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def decode(self, path: Path) -> Decoded:
        """The template at `path`, decoded once per run."""
        key = path.resolve()
        if key not in self._decoded:
            self._decoded[key] = decode_template(path)
        return self._decoded[key]

    def template_files(self) -> list[Path]:
        """Every file under templates/ (CfCT lints each of them)."""
        tdir = self.root / "templates"
        return sorted(p for p in tdir.rglob("*") if p.is_file()) if tdir.is_dir() else []

    @cached_property
    def templates_dir(self) -> list[Path]:
        """The files under templates/ that are CloudFormation templates."""
        found = []
        for path in self.template_files():
            if path.suffix in TEMPLATE_SUFFIXES:
                data, _error = self.decode(path)
                if data is not None and is_template(data):
                    found.append(path)
        return found

    def local_resources(self) -> list[tuple[ManifestResource, Path]]:
        """The manifest resources whose resource_file is in the package (not s3:// or http(s)://)."""
        if self.manifest is None:
            return []
        return [
            (res, self.root / res.resource_file)
            for res in self.manifest.resources
            if not res.resource_file.startswith(REMOTE_PREFIXES)
        ]

    @cached_property
    def stack_templates(self) -> list[StackTemplate]:
        out = []
        for res, path in self.local_resources():
            if path.is_file() and res.deploy_method not in POLICY_METHODS:
                data, _error = self.decode(path)
                if data is not None and is_template(data):
                    out.append(StackTemplate(res, path, data))
        return out

    @cached_property
    def lint_targets(self) -> list[Path]:
        """Every template validate lints: templates/ and the templates the manifest deploys."""
        targets = list(self.templates_dir)
        for stack in self.stack_templates:
            if stack.path not in targets:
                targets.append(stack.path)
        return targets

    def supplied_parameters(self, stack: StackTemplate) -> tuple[dict[str, str] | None, list[Problem]]:
        """The parameters the manifest gives the stack (None: unknown, its file is missing or bad)."""
        res = stack.resource
        if res.parameter_file is not None:
            path = self.root / res.parameter_file
            if not path.is_file():
                return None, []
            return read_parameter_file(path, self.rel(path))
        return (dict(res.parameters) if res.parameters is not None else {}), []

    @cached_property
    def products(self) -> list[ProductReference]:
        """The Service Catalog product templates the package's templates reference."""
        if self.manifest is None:
            return []
        return list(package_products(self.root, self.manifest, self.decode))

    @cached_property
    def referenced(self) -> set[Path]:
        """Every local file the manifest deploys or reads (resolved), product templates included."""
        found = {path.resolve() for _, path in self.local_resources()}
        for stack in self.stack_templates:
            if stack.resource.parameter_file is not None:
                found.add((self.root / stack.resource.parameter_file).resolve())
        for ref in self.products:
            if ref.source is not None and (self.root / ref.source).is_file():
                found.add((self.root / ref.source).resolve())
        return found

    @cached_property
    def policy_files(self) -> list[tuple[Path, str]]:
        """(file, "SCP" | "RCP"): the policies the manifest attaches, then the rest of policies/scp/."""
        files = [
            (path, str(res.deploy_method).upper())
            for res, path in self.local_resources()
            if res.deploy_method in POLICY_METHODS and path.is_file()
        ]
        seen = {p.resolve() for p, _ in files}
        files.extend((p, "SCP") for p in self.scp_dir_files() if p.resolve() not in seen)
        return files

    def scp_dir_files(self) -> list[Path]:
        sdir = self.root / "policies" / "scp"
        return sorted(sdir.glob("*.json")) if sdir.is_dir() else []

    @cached_property
    def backup_policies(self) -> tuple[list[Problem], list[tuple[dict[str, Any], str]]]:
        """Each policies/backup/*.json checked alone: its problems, and the documents without errors."""
        problems: list[Problem] = []
        docs: list[tuple[dict[str, Any], str]] = []
        variables: dict[str, str] = {}
        if self.org is not None:
            variables.update({"HomeRegion": self.org.home_region, "DrRegion": self.org.dr_region})
        bdir = self.root / "policies" / "backup"
        for path in sorted(bdir.glob("*.json")) if bdir.is_dir() else []:
            source = self.rel(path)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(Problem(source, None, "error", "BKP000", f"cannot read: {exc}"))
                continue
            doc, found = check_document(text, source, variables or None)
            problems.extend(found)
            if doc is not None and not any(p.severity == "error" for p in found):
                docs.append((doc, source))
        return problems, docs
