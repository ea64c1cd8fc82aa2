"""The effective policy: policies attached from the root down to an account, merged as AWS documents.

Rules (Organizations user guide, "Policy syntax and inheritance for management policy types" and
"Inheritance operators"), with the choices made where the guide is silent written down:

* Levels are processed from the root down. Several policies attached to the same node form one
  level and are processed in attachment order.
* `@@assign` overwrites what was inherited (a whole array for multi-valued settings). Within one
  level the first attached policy wins (guide, example 6: "the tag key `PROJECT` is used ... because
  the policy that defined it was attached to the organization root first").
* `@@append` adds array values that are not there yet; `@@remove` takes values out, and a setting
  whose array becomes empty disappears from the effective policy (guide, tag example 3: the removed
  `enforced_for` is gone).
* `@@operators_allowed_for_child_policies` set at a node limits the operators that policies *below*
  (later levels) may use at that node and at every inherited node under it; an inherited limit can
  only be narrowed. Several limits at the same level intersect (guide, example 5). What a child is
  not allowed to do is ignored (guide, backup example 3: "If any child backup policies exist, they
  are ignored") and reported as a warning.
* Adding a key that the parents do not have under a limited node counts as adding to that node: it
  needs `@@assign` or `@@append` to be allowed there (backup example 3: `@@none` at `plans` means
  "Nor can a child policy add additional plans"; example 4: `@@append` at `plans` lets a child add a
  plan). The added subtree carries no limits of its own at that level; for the levels below it,
  it is inherited like any other node, so the limits of its ancestors (e.g. `@@append` at `plans`)
  apply to it from then on. The guide has no example that settles this case.
* The effective policy shows plain values (no operators) and shows case-insensitive identifiers
  (rule names, tag and selection identifiers) in lower case, as the guide's effective policies do.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cfct_backup.backup_policy.parse import dotted
from cfct_backup.backup_policy.spec import (
    ALL,
    APPEND,
    ASSIGN,
    CHILD_CONTROL,
    NONE,
    POLICY,
    REMOVE,
    VALUE_OPERATORS,
    Fixed,
    Named,
    Setting,
    Spec,
    child_spec,
)
from cfct_backup.problems import Problem


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass
class _State:
    display: str
    spec: Spec | None
    is_value: bool
    children: dict[str, _State] = field(default_factory=dict)
    value: Any = MISSING
    restrict: frozenset[str] | None = None  # None: all operators allowed below
    assigned_level: int = -1


def _allowed_ops(raw: Any) -> frozenset[str] | None:
    """The operator set of a child-control value; None means @@all. Invalid input: no restriction."""
    if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
        return None
    values = set(raw)
    if ALL in values:
        return None
    if NONE in values:
        return frozenset()
    return frozenset(values & set(VALUE_OPERATORS))


def _intersect(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def _describe(ops: frozenset[str] | None) -> str:
    if ops is None:
        return "@@all"
    return ", ".join(sorted(ops)) if ops else "@@none"


def _is_value_node(spec: Spec | None, node: Any) -> bool:
    if isinstance(spec, Setting):
        return True
    if isinstance(spec, Fixed | Named):
        return False
    if isinstance(node, Mapping):
        keys = set(node)
        if keys & set(VALUE_OPERATORS):
            return True
        return not (keys - {CHILD_CONTROL})
    return True


def _key(spec: Spec | None, key: str, normalize: bool) -> str:
    if normalize and isinstance(spec, Named) and spec.case_insensitive:
        return key.lower()
    return key


class _Merger:
    def __init__(self, normalize: bool) -> None:
        self.normalize = normalize
        self.problems: list[Problem] = []
        self.root = _State("", POLICY, is_value=False)
        self.pending: dict[int, tuple[_State, frozenset[str] | None]] = {}
        self.level = 0
        self.source = ""

    def warn(self, path: list[str], code: str, message: str) -> None:
        self.problems.append(Problem(self.source, None, "warning", code, f"{dotted(path)}: {message}"))

    def level_of(self, docs: Sequence[tuple[Mapping[str, Any], str]]) -> None:
        self.pending = {}
        for doc, source in docs:
            self.source = source
            if not isinstance(doc, Mapping):
                self.warn([], "BKP004", "a policy must be a JSON object; ignored")
                continue
            self.node(self.root, doc, [], None)
        for state, ops in self.pending.values():
            state.restrict = _intersect(state.restrict, ops)
        self.level += 1

    def node(self, state: _State, node: Any, path: list[str], inherited: frozenset[str] | None) -> None:
        allowed = _intersect(inherited, state.restrict)
        if not isinstance(node, Mapping):
            self.warn(path, "BKP005", "must be a JSON object with an inheritance operator; ignored")
            return
        if CHILD_CONTROL in node:
            ops = _allowed_ops(node[CHILD_CONTROL])
            if id(state) in self.pending:
                ops = _intersect(self.pending[id(state)][1], ops)
            self.pending[id(state)] = (state, ops)
        if state.is_value:
            for op in VALUE_OPERATORS:
                if op not in node:
                    continue
                if allowed is not None and op not in allowed:
                    self.warn(
                        path,
                        "BKP030",
                        f"{op} ignored: a parent policy allows only {_describe(allowed)} here",
                    )
                    continue
                self.apply(state, op, node[op], path)
            return
        for key, child in node.items():
            if key.startswith("@@"):
                continue
            cspec = child_spec(state.spec, key)
            norm = _key(state.spec, key, True)
            existing = state.children.get(norm)
            if existing is not None:
                if existing.is_value != _is_value_node(cspec, child):
                    self.warn(
                        [*path, key], "BKP011", "setting and object mixed at the same position; ignored"
                    )
                    continue
                self.node(existing, child, [*path, key], allowed)
                continue
            if allowed is not None and not (allowed & {ASSIGN, APPEND}):
                self.warn(
                    [*path, key],
                    "BKP030",
                    f"not added: a parent policy allows only {_describe(allowed)} at {dotted(path)}",
                )
                continue
            display = _key(state.spec, key, self.normalize)
            new = _State(display, cspec, is_value=_is_value_node(cspec, child))
            state.children[norm] = new
            self.node(new, child, [*path, key], None)

    def apply(self, state: _State, op: str, value: Any, path: list[str]) -> None:
        if op == ASSIGN:
            if state.assigned_level == self.level:
                self.warn(
                    path, "BKP031", "@@assign ignored: a policy attached earlier at the same level set it"
                )
                return
            state.value = copy.deepcopy(value)
            state.assigned_level = self.level
            return
        if not isinstance(value, list):
            self.warn(path, "BKP007", f"{op} needs an array; ignored")
            return
        current = state.value
        if current is not MISSING and not isinstance(current, list):
            self.warn(path, "BKP007", f"{op} ignored: the inherited setting is not an array")
            return
        if op == APPEND:
            merged = list(current) if current is not MISSING else []
            for item in value:
                if item not in merged:
                    merged.append(copy.deepcopy(item))
            state.value = merged
        elif op == REMOVE and current is not MISSING:
            kept = [item for item in current if item not in value]
            state.value = kept if kept else MISSING

    def output(self, state: _State) -> Any:
        if state.is_value:
            return state.value
        out: dict[str, Any] = {}
        for child in state.children.values():
            value = self.output(child)
            if value is MISSING:
                continue
            out[child.display] = value
        return out if out or state is self.root else MISSING


def _levels(
    policies: Sequence[Mapping[str, Any] | Sequence[Mapping[str, Any]]],
    sources: Sequence[str | Sequence[str]] | None,
) -> list[list[tuple[Mapping[str, Any], str]]]:
    levels: list[list[tuple[Mapping[str, Any], str]]] = []
    for i, item in enumerate(policies):
        name = sources[i] if sources is not None and i < len(sources) else f"policy[{i}]"
        if isinstance(item, Mapping):
            levels.append([(item, name if isinstance(name, str) else ", ".join(name))])
            continue
        names: list[str] = []
        for j in range(len(item)):
            if isinstance(name, str):
                names.append(f"{name}#{j}" if len(item) > 1 else name)
            else:
                names.append(name[j] if j < len(name) else f"policy[{i}]#{j}")
        levels.append(list(zip(item, names, strict=True)))
    return levels


def merge_policies(
    policies: Sequence[Mapping[str, Any] | Sequence[Mapping[str, Any]]],
    *,
    sources: Sequence[str | Sequence[str]] | None = None,
    normalize: bool = True,
) -> tuple[dict[str, Any], list[Problem]]:
    """The effective policy and the warnings about what was ignored.

    `policies` go from the root down to the account; an item that is itself a sequence holds the
    policies attached to the same node, in attachment order (its `sources` item may then be a
    sequence of names, one per policy).
    """
    merger = _Merger(normalize)
    for level in _levels(policies, sources):
        merger.level_of(level)
    result = merger.output(merger.root)
    return (result if isinstance(result, dict) else {}), merger.problems


def effective_policy(
    policies: Sequence[Mapping[str, Any] | Sequence[Mapping[str, Any]]],
    *,
    sources: Sequence[str | Sequence[str]] | None = None,
) -> dict[str, Any]:
    """The effective policy as AWS shows it (operators resolved), policies from the root down."""
    return merge_policies(policies, sources=sources)[0]


def _expand(value: Any, account_id: str, region: str) -> Any:
    if isinstance(value, str):
        return value.replace("$account", account_id).replace("$region", region)
    if isinstance(value, list):
        return [_expand(v, account_id, region) for v in value]
    if isinstance(value, Mapping):
        return {_expand(k, account_id, region): _expand(v, account_id, region) for k, v in value.items()}
    return value


def expand_variables(effective: Mapping[str, Any], account_id: str, region: str) -> dict[str, Any]:
    """`$account` and `$region` replaced, as AWS Backup does when it runs the plans of an account."""
    result = _expand(effective, account_id, region)
    assert isinstance(result, dict)
    return result
