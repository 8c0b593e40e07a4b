"""Who is who after the 2025 reorganisation, as of a date: the graph's change events read as
successors and predecessors of agencies and provinces.

A current agency carries on the items of its predecessors: the agencies merged into it, the same
agency of the provinces merged into its own, and the part of a split agency whose functions it
took. Which items of a split agency belong to a moved function is told by the function's words
(`skos:hiddenLabel` in ontology/reforms.ttl): an item naming the words of one transfer went with
it, an item naming none stayed with the main successor, an item naming two cannot be told (answers
name it apart and count it for neither).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ontology import reforms

from .catalog import Catalog
from .phrasing import words


@dataclass(frozen=True)
class Change:
    """One change event of the graph, with its rule."""

    iri: str
    rule: reforms.SuccessionRule
    original: str
    results: tuple[str, ...]
    old_province: str | None = None
    new_province: str | None = None

    @property
    def ends_original(self) -> bool:
        return self.rule.ends_original


@dataclass(frozen=True)
class Inheritance:
    """A predecessor whose items a current agency carries on, and the changes leading to it
    (from the predecessor forward)."""

    agent: str
    steps: tuple[Change, ...]


@lru_cache(maxsize=1)
def _rules_by_iri() -> dict[str, reforms.SuccessionRule]:
    return {r.iri: r for r in reforms.rules()}


@lru_cache(maxsize=1)
def _successors_of() -> dict[str, tuple[reforms.SuccessionRule, ...]]:
    """The applied transfers and main successor of each split agency type."""
    out: dict[str, list] = defaultdict(list)
    for r in reforms.rules():
        if r.from_type and r.kind in ("transfer", "main") and r.applied_to_items:
            out[r.from_type].append(r)
    return {k: tuple(v) for k, v in out.items()}


def _mentions(padded: str, rule: reforms.SuccessionRule) -> bool:
    """Whether a text (its folded words, padded with spaces) names a word of the rule's functions."""
    functions = reforms.functions()
    return any(f" {words(t)} " in padded for f in rule.functions for t in functions[f].terms)


def moved_with(text: str, rule: reforms.SuccessionRule) -> tuple[bool, bool]:
    """(whether an item of the original agency went with `rule`, whether that cannot be told):
    an item naming a transfer's words went with it, one naming none stayed with the main
    successor, one naming the words of two successors cannot be told (moved, but not told)."""
    if rule.kind not in ("transfer", "main") or not rule.from_type:
        return True, False
    padded = f" {words(text)} "
    named = [r for r in _successors_of().get(rule.from_type, ()) if _mentions(padded, r)]
    if not any(r.kind == "transfer" for r in named):
        return rule.kind == "main", False
    return rule in named, rule in named and len(named) > 1


class Lineage:
    """Successors and predecessors over the catalog's change events."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        rules = _rules_by_iri()
        self.changes = [Change(c.iri, rules[c.rule], c.original, tuple(c.results), c.old_province, c.new_province)
                        for c in catalog.changes if c.rule in rules]
        self.by_original: dict[str, list[Change]] = defaultdict(list)
        self.by_result: dict[str, list[Change]] = defaultdict(list)
        self.province_changes: dict[str, Change] = {}
        self.province_parts: dict[str, list[Change]] = defaultdict(list)
        for c in self.changes:
            self.by_original[c.original].append(c)
            for r in c.results:
                self.by_result[r].append(c)
            if c.rule.applies_to == "province" and c.old_province and c.new_province:
                self.province_changes[c.old_province] = c
                self.province_parts[c.new_province].append(c)

    @staticmethod
    def rules_on(document: str) -> list[reforms.SuccessionRule]:
        """The rules a legal document is a basis of."""
        return [r for r in reforms.rules() if any(b.iri == document for b in r.bases)]

    # ------------------------------------------------------------------ provinces
    def province_change(self, province: str | None, as_of: date) -> Change | None:
        """The merger that made `province` part of another one, if it happened by `as_of`."""
        c = self.province_changes.get(province or "")
        return c if c is not None and c.rule.date <= as_of else None

    def province_scope(self, province: str, as_of: date) -> tuple[str, ...]:
        """The provinces a name covers as of a date: a current province with the old ones merged
        into it; an old province only itself."""
        if self.province_change(province, as_of):
            return (province,)
        parts = [c.old_province for c in self.province_parts.get(province, ()) if c.rule.date <= as_of]
        return (province, *sorted(p for p in parts if p))

    def merged_into(self, province: str, as_of: date) -> list[Change]:
        return [c for c in self.province_parts.get(province, ()) if c.rule.date <= as_of]

    # ------------------------------------------------------------------ agencies
    def is_current(self, agent: str, as_of: date) -> bool:
        return not any(c.ends_original and c.rule.date <= as_of for c in self.by_original.get(agent, ()))

    def changes_from(self, agent: str, as_of: date) -> list[Change]:
        return sorted((c for c in self.by_original.get(agent, ()) if c.rule.date <= as_of),
                      key=lambda c: (c.rule.date, c.rule.kind != "main", c.rule.iri))

    def successors(self, agent: str, as_of: date) -> list[tuple[str, tuple[Change, ...]]]:
        """The agencies that carry on `agent` as of a date, each with the changes leading there
        (the agent itself, with no change, when it still exists and nothing left it)."""
        out: list[tuple[str, tuple[Change, ...]]] = []
        stack: list[tuple[str, tuple[Change, ...]]] = [(agent, ())]
        seen: set[str] = set()
        while stack:
            current, steps = stack.pop(0)
            if current in seen:
                continue
            seen.add(current)
            moved = self.changes_from(current, as_of)
            if not moved:
                if steps:
                    out.append((current, steps))
                continue
            for c in moved:
                for r in c.results:
                    stack.append((r, (*steps, c)))
        return out

    def predecessors(self, agent: str, as_of: date) -> list[Inheritance]:
        """The agencies whose items `agent` carries on as of a date (for a current agent only):
        changes applied to item lists, followed back from the agent."""
        if not self.is_current(agent, as_of):
            return []
        out: list[Inheritance] = []
        stack: list[tuple[str, tuple[Change, ...]]] = [(agent, ())]
        seen = {agent}
        while stack:
            current, steps = stack.pop(0)
            for c in self.by_result.get(current, ()):
                if c.rule.date > as_of or not c.rule.applied_to_items or c.rule.kind == "abolition":
                    continue
                if c.original in seen:
                    continue
                seen.add(c.original)
                chain = (c, *steps)
                out.append(Inheritance(c.original, chain))
                stack.append((c.original, chain))
        return out

    def unapplied_into(self, agent: str, as_of: date) -> list[Change]:
        """Partly confirmed transfers into `agent` (or its predecessors): shown, not applied."""
        agents = {agent} | {i.agent for i in self.predecessors(agent, as_of)}
        return [c for a in agents for c in self.by_result.get(a, ())
                if c.rule.date <= as_of and not c.rule.applied_to_items]

    def holders(self, agent: str, text: str, as_of: date) -> list[str]:
        """Who holds an item of `agent` (of this text) as of a date: the agent while it exists,
        else the successors the item passed to (the agent itself when it passed to none)."""
        if self.is_current(agent, as_of):
            return [agent]
        out = [iri for iri, steps in self.successors(agent, as_of)
               if all(moved_with(text, c.rule)[0] and c.rule.applied_to_items and c.rule.kind != "abolition"
                      for c in steps)]
        return out or [agent]

    @staticmethod
    def moves(change: Change, text: str) -> bool:
        """Whether an item of this text went with a change of its agency (applied changes only)."""
        return change.rule.applied_to_items and moved_with(text, change.rule)[0]

    @staticmethod
    def carries(inheritance: Inheritance, text: str) -> tuple[bool, bool]:
        """(whether an item of the predecessor, of this text, passed along the whole chain,
        whether that could not be told for one of its steps)."""
        unsure = False
        for step in inheritance.steps:
            moved, ambiguous = moved_with(text, step.rule)
            if not moved:
                return False, False
            unsure = unsure or ambiguous
        return True, unsure


__all__ = ["Change", "Inheritance", "Lineage", "moved_with"]
