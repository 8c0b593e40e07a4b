"""An in-memory view of the graph for answering: items, assignments, agencies, documents.

Loaded once per engine through prepared queries; answers decorate SPARQL results with it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from ontology.folding import fold
from kg.queries import query
from kg.store import GraphStore
from ontology import codelists
from ontology.namespaces import DTI, ELI, RDF, RDFS, SKOS


def _role_label(notation: str) -> str:
    try:
        return codelists.role(notation).label
    except ValueError:
        return notation


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
    parts: list[str] = field(default_factory=list)  # headings of the plan's parts standing over it

    def due(self) -> date | None:
        """The last day the item may be done on ("trước 01/6/2024": 31/5/2024), None without one."""
        if not self.end:
            return None
        try:
            end = date.fromisoformat(self.end[:10])
        except ValueError:
            return None
        return end - timedelta(days=1) if self.deadline_kind == "before" else end


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
    type_code: str | None = None  # the document type's notation: "KH", "QĐ", "NĐ"…


@dataclass
class CatalogChange:
    """A change event of the 2025 reorganisation (kg/successions.py): the rule it follows, the
    agency it changed and the agencies that resulted; provinces when a province merged."""
    iri: str
    rule: str
    original: str
    results: list[str] = field(default_factory=list)
    old_province: str | None = None
    new_province: str | None = None


CACHE_VERSION = "5"  # bump when the catalog's shape or reading changes: cached copies are rebuilt


class Catalog:
    """Everything the answerer needs to label and cite items, keyed by IRI."""

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("store", None)  # a store handle is not saved with a cached catalog
        state["_by_agent"] = None  # rebuilt on first use
        state["assignments"] = dict(self.assignments)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.assignments = defaultdict(list, state["assignments"])
        self.store = None

    def __init__(self, store: GraphStore):
        self.store = store
        self.items: dict[str, CatalogItem] = {}
        self.assignments: dict[str, list[CatalogAssignment]] = defaultdict(list)
        self.agents: dict[str, CatalogAgent] = {}
        self.documents: dict[str, CatalogDocument] = {}
        self.plan_province: dict[str, str | None] = {}
        self.plan_by_file: dict[str, CatalogDocument] = {}
        self.lines: dict[tuple[str, int], tuple[int | None, float | None]] = {}  # (file, line) → (page, OCR)
        self.changes: list[CatalogChange] = []
        self._by_agent: dict[str, list[CatalogAssignment]] | None = None
        self._load()

    def _load(self) -> None:
        """Read the graph through linear queries (one row per distinct fact) and assemble in
        Python: shared nodes appear in several document graphs, so joining many OPTIONALs
        in one query would multiply rows."""
        st = self.store
        labels = {str(r["s"]): str(r["label"]) for r in st.select(query("catalog_labels"))}
        notations = {str(c.iri): c.notation for c in codelists.document_types()}
        for r in st.select(query("catalog_items")):
            iri = str(r["item"])
            if iri in self.items:
                continue
            province = labels.get(str(r["province"])) if r["province"] is not None else None
            self.items[iri] = CatalogItem(
                iri=iri, kind=str(r["kind"]), number=str(r["number"]), text=str(r["text"]), province=province,
                plan=str(r["plan"]), file=str(r["file"]), line=int(r["line"]), quote=str(r["quote"]))
            self.plan_province[str(r["plan"])] = province
        for r in st.select(query("catalog_item_facts")):
            item = self.items.get(str(r["item"]))
            if item is None:
                continue
            fact, value = str(r["fact"]), r["o"]
            if fact == "part":
                if str(value) not in item.parts:
                    item.parts.append(str(value))
            elif fact == "pillar":
                item.pillar = labels.get(str(value), str(value))
            elif fact == "target_value":
                item.target_value = float(value)
            elif fact in ("section", "parent", "concept", "deadline", "deadline_kind", "begin", "end", "target",
                          "target_unit", "comparator"):
                if getattr(item, fact) is None:
                    setattr(item, fact, str(value))
        agent_props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for r in st.select(query("catalog_agents")):
            agent_props[str(r["agent"])][str(r["p"])].append(str(r["o"]))
        for iri, props in agent_props.items():
            labels_of = sorted(props.get(str(SKOS.prefLabel), []))
            types = props.get(str(RDF.type), [])
            province = props.get(str(DTI.province))
            self.agents[iri] = CatalogAgent(
                iri=iri, label=labels_of[0] if labels_of else iri.rsplit("/", 1)[-1],
                alt_labels=set(props.get(str(SKOS.altLabel), [])) | set(labels_of[1:]),
                group=str(DTI.AgencyGroup) in types,
                agency_type=min(props[str(DTI.agencyType)]) if props.get(str(DTI.agencyType)) else None,
                category=min(props[str(DTI.agencyCategory)]) if props.get(str(DTI.agencyCategory)) else None,
                covers=set(props.get(str(DTI.coversAgencyCategory), [])),
                province=labels.get(province[0]) if province else None)
        for r in st.select(query("catalog_assignments")):
            agent = self.agents.get(str(r["agent"]))
            role = str(r["role"])
            a = CatalogAssignment(
                item=str(r["item"]), agent=str(r["agent"]), agent_label=agent.label if agent else str(r["agent"]),
                group=bool(agent and agent.group), role=role, role_label=_role_label(role),
                agency_type=agent.agency_type if agent else None, category=agent.category if agent else None,
                holder=_s(r["holder"]), line=int(r["line"]), quote=str(r["quote"]))
            self.assignments[a.item].append(a)
        doc_props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for r in st.select(query("catalog_documents")):
            doc_props[str(r["doc"])][str(r["p"])].append(str(r["o"]))
        for iri, props in doc_props.items():
            def one(prop) -> str | None:
                values = props.get(str(prop))
                return min(values) if values else None

            def longest(prop) -> str | None:  # the most informative of several documents' wording
                values = props.get(str(prop))
                return max(values, key=lambda v: (len(v), v)) if values else None
            doc_type = one(ELI.type_document)
            province = one(DTI.province)
            source = one(DTI.sourceDocument)
            self.documents[iri] = CatalogDocument(
                iri=iri, id_local=one(ELI.id_local), label=longest(RDFS.label) or one(ELI.id_local) or iri,
                type_label=labels.get(doc_type) if doc_type else None, date=one(ELI.date_document),
                issuer=one(DTI.issuerCode), issuing_body=longest(DTI.issuingBody), scope=one(DTI.scope),
                province=labels.get(province) if province else None,
                is_plan=str(DTI.Plan) in props.get(str(RDF.type), []),
                plan_file=labels.get(source) if source else None,
                type_code=notations.get(doc_type) if doc_type else None)
            if self.documents[iri].is_plan and self.documents[iri].plan_file:
                self.plan_by_file.setdefault(self.documents[iri].plan_file, self.documents[iri])
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
        for r in st.select(query("catalog_line_facts")):
            key = (str(r["file"]), int(r["line"]))
            page, confidence = self.lines.get(key, (None, None))
            if r["page"] is not None and str(r["page"]).startswith("page="):
                page = int(str(r["page"])[5:])
            if r["confidence"] is not None:
                confidence = float(r["confidence"])
            self.lines[key] = (page, confidence)
        changes: dict[str, CatalogChange] = {}
        for r in st.select(query("catalog_changes")):
            change = changes.setdefault(str(r["event"]), CatalogChange(
                str(r["event"]), str(r["rule"]), str(r["original"]), [], _s(r["oldProvince"]), _s(r["newProvince"])))
            if str(r["resulting"]) not in change.results:
                change.results.append(str(r["resulting"]))
        self.changes = [changes[k] for k in sorted(changes)]
        for doc in self.documents.values():
            doc.citations.sort(key=lambda c: (c["file"], c["line"]))
        for item in self.items.values():
            item.baselines.sort(key=lambda b: b["raw"])

    # ------------------------------------------------------------------ helpers
    def set_concepts(self, concepts: dict[str, str]) -> None:
        """Each item's shared concept (item IRI → concept IRI) after the concepts were relinked."""
        for iri, item in self.items.items():
            item.concept = concepts.get(iri)

    def assignments_of_agent(self, agent: str) -> list[CatalogAssignment]:
        """The assignments of one agency or group (an index over `assignments`, built once)."""
        if self._by_agent is None:
            index: dict[str, list[CatalogAssignment]] = defaultdict(list)
            for assignments in self.assignments.values():
                for a in assignments:
                    index[a.agent].append(a)
            self._by_agent = dict(index)
        return self._by_agent.get(agent, [])

    def provinces(self) -> list[str]:
        return sorted({i.province for i in self.items.values() if i.province})

    def plan_of_file(self, file: str) -> CatalogDocument | None:
        return self.plan_by_file.get(file)

    def line_facts(self, file: str, line: int) -> tuple[int | None, float | None]:
        """(page, OCR confidence) of a source line, each None when the format has no pages or
        the line was not read from a scan."""
        return self.lines.get((file, line), (None, None))

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
