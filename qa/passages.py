"""Passages of the plans' own text, for what is stated outside any item: a plan's rank and
score, the sentence that cites a decision. Lines of the converted texts kept in the store are
split into clauses (at ";" and sentence ends), scored by the IDF-weighted share of the
question's terms they hold, with a bonus when a clause holds the shape of the value asked
for (a rank "30/63", a score)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .catalog import Catalog
from .topics import idf_table, term_share, terms


@dataclass(frozen=True)
class Passage:
    file: str
    line: int  # 1-based line of the converted text
    text: str  # the clause
    score: float


class Passages:
    def __init__(self, catalog: Catalog, lines_of: Callable[[str], list[str] | None] | None):
        self.catalog = catalog
        self.lines_of = lines_of
        self._clauses: list[tuple[str, int, str, set[str]]] | None = None
        self._idf: dict[str, float] = {}

    def _build(self) -> None:
        clauses = []
        for file in sorted(self.catalog.plan_by_file):
            lines = self.lines_of(file) if self.lines_of else None
            for number, line in enumerate(lines or (), start=1):
                for clause in re.split(r"(?<=[;.])\s+(?=\S)|;\s*", line):
                    clause = clause.strip(" ;")
                    if len(clause) >= 12:
                        clauses.append((file, number, clause, terms(clause)))
        self._idf = idf_table(ts for *_, ts in clauses)
        self._clauses = clauses

    def search(self, query: str, province: str | None = None, shape: str | None = None,
               k: int = 3) -> list[Passage]:
        if self._clauses is None:
            self._build()
        wanted = {t for t in terms(query) if t in self._idf}
        if not wanted:
            return []
        out = []
        for file, line, clause, ts in self._clauses:
            if province:
                plan = self.catalog.plan_of_file(file)
                if plan is None or plan.province != province:
                    continue
            score = term_share(wanted, ts, self._idf)
            if shape and re.search(shape, clause):
                score += 0.25
            if score > 0:
                out.append(Passage(file, line, clause, round(score, 3)))
        out.sort(key=lambda p: (-p.score, p.file, p.line))
        return out[:k]
