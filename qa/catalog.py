"""An in-memory view of the graph for answering: items, assignments, agencies, documents.

Loaded once per engine through prepared queries; answers decorate SPARQL results with it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ingest.text import fold
from kg.queries import query
from kg.store import GraphStore


def _s(value) -> str | None:
    return None if value is None else str(value)


@dataclass
class CatalogItem:
    iri: str
    kind: str
    number: str
    text: str
    province: str | None
    plan: str
    file: str
    line: int
    quote: str
    section: str | None = None
    pillar: str | None = None
    parent: str | None = None
    deadline: str | None = None
    deadline_kind: str | None = None
    begin: str | None = None
    end: str | None = None
    target: str | None = None
    target_value: float | None = None
    target_unit: str | None = None
    comparator: str | None = None
    concept: str | None = None
    grounds: list[str] = field(default_factory=list)
    baselines: list[dict] = field(default_factory=list)


@dataclass
class CatalogAssignment:
    item: str
    agent: str
    agent_label: str
    group: bool
    role: str
    role_label: str
    agency_type: str | None
    category: str | None
    holder: str | None
    line: int
    quote: str


@dataclass
class CatalogAgent:
    iri: str
    label: str
    alt_labels: set[str]
    group: bool
    agency_type: str | None
    category: str | None
    covers: set[str]
    province: str | None


@dataclass
class CatalogDocument:
    iri: str
    id_local: str | None
    label: str
    type_label: str | None
    date: str | None
    issuer: str | None
    issuing_body: str | None
    scope: str | None
    province: str | None
    is_plan: bool
    plan_file: str | None
    citations: list[dict] = field(default_factory=list)


class Catalog:
    """Everything the answerer needs to label and cite items, keyed by IRI."""

    def __init__(self, store: GraphStore):
        self.store = store
        self.items: dict[str, CatalogItem] = {}
        self.assignments: dict[str, list[CatalogAssignment]] = defaultdict(list)
        self.agents: dict[str, CatalogAgent] = {}
        self.documents: dict[str, CatalogDocument] = {}
        self.plan_province: dict[str, str | None] = {}
        self._load()

    def _load(self) -> None:
        st = self.store
        for r in st.select(query("catalog_items")):
            iri = str(r["item"])
            if iri in self.items:
                continue
            self.items[iri] = CatalogItem(
                iri=iri, kind=str(r["kind"]), number=str(r["number"]), text=str(r["text"]),
                province=_s(r["provinceLabel"]), plan=str(r["plan"]), file=str(r["file"]),
                line=int(r["line"]), quote=str(r["quote"]), section=_s(r["section"]),
                pillar=_s(r["pillarLabel"]), parent=_s(r["parent"]), deadline=_s(r["deadlineRaw"]),
                deadline_kind=_s(r["deadlineKind"]), begin=_s(r["begin"]), end=_s(r["end"]),
                target=_s(r["targetRaw"]),
                target_value=float(r["targetValue"]) if r["targetValue"] is not None else None,
                target_unit=_s(r["targetUnit"]), comparator=_s(r["targetComparator"]), concept=_s(r["concept"]),
            )
            self.plan_province[str(r["plan"])] = _s(r["provinceLabel"])
        for r in st.select(query("catalog_assignments")):
            a = CatalogAssignment(
                item=str(r["item"]), agent=str(r["agent"]), agent_label=str(r["agentLabel"]),
                group=r["group"] is not None and str(r["group"]).lower() == "true", role=str(r["role"]), role_label=str(r["roleLabel"]),
                agency_type=_s(r["agencyType"]), category=_s(r["category"]), holder=_s(r["holder"]),
                line=int(r["line"]), quote=str(r["quote"]),
            )
            self.assignments[a.item].append(a)
        for r in st.select(query("catalog_agents")):
            iri = str(r["agent"])
            agent = self.agents.get(iri)
            if agent is None:
                agent = self.agents[iri] = CatalogAgent(
                    iri=iri, label=str(r["label"]), alt_labels=set(), group=str(r["group"]).lower() == "true",
                    agency_type=_s(r["agencyType"]), category=_s(r["category"]), covers=set(),
                    province=_s(r["provinceLabel"]))
            if r["alt"] is not None:
                agent.alt_labels.add(str(r["alt"]))
            if r["covers"] is not None:
                agent.covers.add(str(r["covers"]))
        for r in st.select(query("catalog_documents")):
            iri = str(r["doc"])
            if iri in self.documents:
                continue
            self.documents[iri] = CatalogDocument(
                iri=iri, id_local=_s(r["id"]), label=_s(r["label"]) or _s(r["id"]) or iri,
                type_label=_s(r["typeLabel"]), date=_s(r["date"]), issuer=_s(r["issuer"]),
                issuing_body=_s(r["issuingBody"]), scope=_s(r["scope"]), province=_s(r["provinceLabel"]),
                is_plan=str(r["isPlan"]).lower() == "true", plan_file=_s(r["planFile"]))
        for r in st.select(query("catalog_citations")):
            doc = self.documents.get(str(r["doc"]))
            if doc is not None:
                doc.citations.append({"plan": str(r["plan"]), "file": str(r["file"]), "line": int(r["line"]),
                                      "quote": str(r["quote"]), "basis": str(r["basis"]).lower() == "true"})
        for r in st.select(query("catalog_grounds")):
            item = self.items.get(str(r["item"]))
            if item is not None and str(r["doc"]) not in item.grounds:
                item.grounds.append(str(r["doc"]))
        for r in st.select(query("catalog_baselines")):
            item = self.items.get(str(r["item"]))
            if item is not None:
                item.baselines.append({"raw": str(r["raw"]), "year": _s(r["year"])})
        for doc in self.documents.values():
            doc.citations.sort(key=lambda c: (c["file"], c["line"]))

    # ------------------------------------------------------------------ helpers
    def provinces(self) -> list[str]:
        return sorted({i.province for i in self.items.values() if i.province})

    def plan_of_file(self, file: str) -> CatalogDocument | None:
        for doc in self.documents.values():
            if doc.is_plan and doc.plan_file == file:
                return doc
        return None

    def agent_labels(self) -> list[tuple[str, str]]:
        """(folded label, agent IRI) for every label and alternative label."""
        out = []
        for agent in self.agents.values():
            for label in {agent.label, *agent.alt_labels}:
                out.append((fold(label), agent.iri))
        return out

    def item_context(self, item: CatalogItem) -> str:
        """The text used to retrieve an item: its own text, its parent's, its section."""
        parts = [item.text]
        if item.parent and item.parent in self.items:
            parts.insert(0, self.items[item.parent].text)
        if item.section:
            parts.append(item.section)
        return " — ".join(parts)
