"""The rule registry of `cfct-backup validate`, in cfn-lint's shape (cfnlint.rules.CloudFormationLintRule).

Each module of `cfct_backup.validate.rules` defines one rule (or one family whose code is shared):
a `Rule` subclass with `id`, `severity`, `shortdesc`, `source_url` and `tags`, and a
`check(context) -> list[Problem]` over the shared `cfct_backup.validate.context.Context`.
`discover()` imports every module of the package that does not start with `_` and instantiates the
`Rule` subclasses defined in it (cfn-lint's `load_plugins` / `create_rules`).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from cfct_backup.problems import Problem, Severity
from cfct_backup.validate.rules._template import Resource, resources

if TYPE_CHECKING:
    from cfct_backup.validate.context import Context

RULES_PACKAGE = "cfct_backup.validate.rules"
AT_RESOURCE = -1  # Finding.line: the line of the resource (or manifest entry) the rule looked at


@dataclass(frozen=True)
class Finding:
    """What a rule found, before it is placed: a message, its severity when not the rule's, its line."""

    message: str
    severity: Severity | None = None
    line: int | None = AT_RESOURCE


class Rule:
    """One check. `codes`: the further codes a family rule reports besides `id`."""

    id: ClassVar[str] = ""
    severity: ClassVar[str] = "error"  # "error", "warning" or "error/warning"
    shortdesc: ClassVar[str] = ""
    source_url: ClassVar[str] = ""
    tags: ClassVar[tuple[str, ...]] = ()
    codes: ClassVar[tuple[str, ...]] = ()

    @property
    def all_codes(self) -> tuple[str, ...]:
        return (self.id, *self.codes)

    def covers(self, code: str) -> bool:
        """True when `code` is one this rule reports (a family id ending in `*` is a prefix)."""
        return any(code.startswith(c[:-1]) if c.endswith("*") else code == c for c in self.all_codes)

    def check(self, context: Context) -> list[Problem]:
        raise NotImplementedError

    def problem(self, path: str, line: int | None, found: str | Finding) -> Problem:
        """`found` at `path`:`line` (a Finding's own line wins), with the rule's id and severity."""
        f = found if isinstance(found, Finding) else Finding(found)
        severity = f.severity or self.severity
        if severity not in ("error", "warning"):  # pragma: no cover - a rule of both states which
            raise ValueError(f"{self.id}: a rule of severity {self.severity} names each finding's")
        where = line if f.line == AT_RESOURCE else f.line
        return Problem(path, where, "error" if severity == "error" else "warning", self.id, f.message)

    def __repr__(self) -> str:
        return f"{self.id}: {self.shortdesc}"


class TemplateRule(Rule):
    """A rule over each decoded template validate lints (`check_template` per template)."""

    def check(self, context: Context) -> list[Problem]:
        problems: list[Problem] = []
        for path in context.lint_targets:
            data, _error = context.decode(path)
            if data is not None:
                problems.extend(self.check_template(data, context.rel(path)))
        return problems

    def check_template(self, data: Mapping[str, Any], source: str) -> list[Problem]:
        raise NotImplementedError


class ResourceRule(TemplateRule):
    """A template rule over each resource of `resource_types` (every resource when empty)."""

    resource_types: ClassVar[tuple[str, ...]] = ()

    def check_template(self, data: Mapping[str, Any], source: str) -> list[Problem]:
        return [
            self.problem(source, r.line, found)
            for r in resources(data)
            if not self.resource_types or r.type in self.resource_types
            for found in self.check_resource(r, data)
        ]

    def check_resource(self, resource: Resource, data: Mapping[str, Any]) -> Iterable[str | Finding]:
        raise NotImplementedError


def _rules_in(module: object) -> list[Rule]:
    return [
        cls()
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Rule) and cls.__module__ == getattr(module, "__name__", None) and cls.id
    ]


@cache
def discover() -> tuple[Rule, ...]:
    """Every rule of `cfct_backup.validate.rules`, sorted by id."""
    package = importlib.import_module(RULES_PACKAGE)
    found: list[Rule] = []
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            found.extend(_rules_in(importlib.import_module(f"{RULES_PACKAGE}.{info.name}")))
    ids = [r.id for r in found]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:  # pragma: no cover - a programming error, caught by the registry test
        raise RuntimeError(f"rule ids defined twice: {', '.join(duplicated)}")
    return tuple(sorted(found, key=lambda r: r.id))


def template_problems(data: Mapping[str, Any], source: str, prefix: str = "") -> list[Problem]:
    """Every template rule whose id starts with `prefix`, over one decoded template."""
    problems: list[Problem] = []
    for rule in discover():
        if isinstance(rule, TemplateRule) and rule.id.startswith(prefix):
            problems.extend(rule.check_template(data, source))
    return problems


def run(context: Context) -> list[Problem]:
    """Every rule over the context; sorted by file, line, code and message, each problem once."""
    problems: list[Problem] = []
    for rule in discover():
        problems.extend(rule.check(context))
    return sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.code, p.message))
