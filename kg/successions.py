"""The 2025 reorganisation applied to the graph's agencies: one W3C ORG `org:ChangeEvent` per
agency that changed, in the named graph `id:graph/successions`.

The rules (ontology/reforms.ttl) speak of agency types; the province mapping comes from PyPI
`vietnamadminunits`. They are applied to every agency of the ingested plans and, so that any
department can be asked about, to every agency type a rule names in each of the 63 provinces.
An agency changes at most twice: its department merged on 1/3/2025, then its province on
1/7/2025 (each agency of an old province joins the same agency of the new one). The agencies
that result are described here when no plan names them ("Sở Khoa học và Công nghệ" of Khánh Hòa).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Literal, URIRef

from ontology import codelists, reforms
from ontology.folding import fold
from ontology.namespaces import (
    AGENCY_TYPE, CHANGE_KIND, CONFIRMATION, DTI, ID, ORG, PROV, PROVINCE, RDF, RDFS, REFORMS_FILE, SKOS, XSD,
)

from .builder import slug
from .queries import query
from .store import GraphStore, StoreError

SUCCESSION_GRAPH = ID["graph/successions"]
METHOD_VERSION = "2"  # bump when the way rules are applied changes: stores' change events are rebuilt


@dataclass(frozen=True)
class AgentRef:
    """An agency or group as the rules see it."""

    iri: str
    label: str
    type_iri: str | None
    province: str | None
    category: str | None
    group: bool = False
    covers: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def province_mergers() -> dict[str, str]:
    """Old province (code-list label) → the province it is part of from 1/7/2025 (itself when
    it kept its name), read from `vietnamadminunits`' official conversion."""
    try:
        from vietnamadminunits import convert_address
        from vietnamadminunits.database import get_data
    except ImportError as exc:
        raise StoreError("K014") from exc
    by_name: dict[str, str] = {}
    for concept in codelists.provinces():
        for label in (concept.label, *concept.alt_labels):
            by_name[fold(label)] = concept.label
    mapping: dict[str, str] = {}
    for row in get_data(fields=["province", "provinceShort"], table="admin_units_legacy"):
        old = by_name.get(fold(row["provinceShort"]))
        new = by_name.get(fold(convert_address(row["province"]).short_province))
        if old is None or new is None:
            raise StoreError("K015", name=row["province"])
        mapping[old] = new
    return mapping


def rules_digest() -> str:
    """What the change events depend on besides the agencies: the rules and the mapping's version."""
    from importlib import metadata
    try:
        version = metadata.version("vietnamadminunits")
    except metadata.PackageNotFoundError:
        version = "?"
    return hashlib.sha256(REFORMS_FILE.read_bytes() + f"{version};{METHOD_VERSION}".encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def _types() -> dict[str, codelists.CodeConcept]:
    return {str(c.iri): c for c in codelists.agency_types()}


def _type_label(type_iri: str, province: str | None) -> str:
    label = _types()[type_iri].label
    return label.replace("{tinh}", province or "tỉnh").strip()


def _national(type_iri: str | None) -> bool:
    return bool(type_iri) and _types()[type_iri].category == "national"


def agency_ref(type_iri: str, province: str | None) -> AgentRef:
    """The agency of a type in a province (national types have none), with the IRI the graph
    builder gives it, so that a plan naming it later names the same node."""
    code = _types()[type_iri].notation
    scope = "vn" if _national(type_iri) or not province else slug(province)
    return AgentRef(str(ID[f"agency/{scope}/{code}"]), _type_label(type_iri, province), type_iri,
                    None if _national(type_iri) else province, _types()[type_iri].category)


def _moved(agent: AgentRef, province: str) -> AgentRef:
    """The same agency in the province its own became part of."""
    if agent.type_iri:
        return agency_ref(agent.type_iri, province)
    key = agent.iri.rsplit("/", 1)[-1]
    return AgentRef(str(ID[f"agency/{slug(province)}/{key}"]), agent.label, None, province, agent.category)


def _commune_group(province: str) -> AgentRef:
    rule = next(r for r in reforms.rules() if r.to_group)
    return AgentRef(str(ID[f"group/{slug(province)}/{slug(rule.to_group)}"]), rule.to_group, None, province, None,
                    group=True, covers=("commune",))


def _named(agent: AgentRef) -> str:
    """"Sở Y tế (Bắc Giang)"; a name that holds its province already stays as it is."""
    if not agent.province or fold(agent.province) in fold(agent.label):
        return agent.label
    return f"{agent.label} ({agent.province})"


def store_agents(store: GraphStore) -> list[AgentRef]:
    """The agencies and groups the ingested plans name (read by the catalog's linear queries: one
    row per fact, no joins across the documents' graphs)."""
    labels = {str(r["s"]): str(r["label"]) for r in store.select(query("catalog_labels"))}
    facts: dict[str, dict[str, list[str]]] = {}
    for r in store.select(query("catalog_agents")):
        facts.setdefault(str(r["agent"]), {}).setdefault(str(r["p"]), []).append(str(r["o"]))
    out = []
    for iri, props in sorted(facts.items()):
        def first(prop) -> str | None:
            values = props.get(str(prop))
            return min(values) if values else None
        province = first(DTI.province)
        out.append(AgentRef(iri, first(SKOS.prefLabel) or iri.rsplit("/", 1)[-1], first(DTI.agencyType),
                            labels.get(province) if province else None, first(DTI.agencyCategory),
                            str(DTI.AgencyGroup) in props.get(str(RDF.type), []),
                            tuple(sorted(set(props.get(str(DTI.coversAgencyCategory), []))))))
    return out


class SuccessionBuilder:
    """Applies the reorganisation to a set of agencies and writes the change events."""

    def __init__(self) -> None:
        self.rules = reforms.rules()
        self.mergers = province_mergers()
        self.by_type: dict[str, list[reforms.SuccessionRule]] = {}
        for rule in self.rules:
            if rule.from_type:
                self.by_type.setdefault(rule.from_type, []).append(rule)
        self.district_rule = next(r for r in self.rules if r.from_category == "district")
        self.province_rule = reforms.province_rule("province")
        self.agency_province_rule = reforms.province_rule("agency")

    def seeds(self, agents: list[AgentRef]) -> list[AgentRef]:
        """The plans' agencies, and every agency type a rule starts from in every province."""
        out = list(agents)
        for type_iri in self.by_type:
            if _national(type_iri):
                out.append(agency_ref(type_iri, None))
            else:
                out.extend(agency_ref(type_iri, p.label) for p in codelists.provinces())
        return out

    def build(self, agents: list[AgentRef], generation: str | None = None) -> Graph:
        g = Graph()
        known = {a.iri for a in agents}
        described: set[str] = set()
        queue = self.seeds(agents)
        done: set[str] = set()

        def describe(agent: AgentRef) -> None:
            if agent.iri in known or agent.iri in described:
                return
            described.add(agent.iri)
            node = URIRef(agent.iri)
            g.add((node, RDF.type, DTI.AgencyGroup if agent.group else DTI.Agency))
            if not agent.group:
                g.add((node, RDF.type, ORG.Organization))
            g.add((node, SKOS.prefLabel, Literal(agent.label, lang="vi")))
            if agent.type_iri:
                g.add((node, DTI.agencyType, URIRef(agent.type_iri)))
            if agent.category:
                g.add((node, DTI.agencyCategory, Literal(agent.category)))
            for cat in agent.covers:
                g.add((node, DTI.coversAgencyCategory, Literal(cat)))
            if agent.province:
                g.add((node, DTI.province, PROVINCE[slug(agent.province)]))

        while queue:
            agent = queue.pop(0)
            if agent.iri in done:
                continue
            done.add(agent.iri)
            describe(agent)
            ended = False
            national = _national(agent.type_iri)
            for rule in self.by_type.get(agent.type_iri or "", ()):
                if _national(rule.to_type) != national or (not national and not agent.province):
                    continue
                result = agency_ref(rule.to_type, agent.province)
                self._event(g, rule, agent, [result])
                describe(result)
                queue.append(result)
                ended = ended or rule.ends_original
            if ended or not agent.province:
                continue
            new = self.mergers.get(agent.province, agent.province)
            if agent.category == "district" or "district" in agent.covers:
                results = [agency_ref(self.district_rule.to_type, new), _commune_group(new)]
                self._event(g, self.district_rule, agent, results, new)
                for r in results:
                    describe(r)
                continue
            if agent.group or new == agent.province:
                continue
            result = _moved(agent, new)
            self._event(g, self.agency_province_rule, agent, [result], new)
            describe(result)
            queue.append(result)
        self._provinces(g, describe)
        if generation is not None:
            g.add((SUCCESSION_GRAPH, DTI.contentHash, Literal(generation)))
        return g

    def _event(self, g: Graph, rule: reforms.SuccessionRule, original: AgentRef, results: list[AgentRef],
               new_province: str | None = None) -> None:
        local = rule.iri.rsplit("/", 1)[-1]
        event = ID[f"change/{slug(original.iri.split('/id/', 1)[-1])}--{local}"]
        g.add((event, RDF.type, ORG.ChangeEvent))
        g.add((event, DTI.rule, URIRef(rule.iri)))
        g.add((event, DTI.changeKind, CHANGE_KIND[rule.kind]))
        g.add((event, DTI.confirmation, CONFIRMATION["confirmed" if rule.confirmed else "partly"]))
        g.add((event, PROV.atTime, Literal(rule.date.isoformat(), datatype=XSD.date)))
        for f in rule.functions:
            g.add((event, DTI.function, URIRef(f)))
        for b in rule.bases:
            g.add((event, DTI.legalBasis, URIRef(b.iri)))
        g.add((event, ORG.originalOrganization, URIRef(original.iri)))
        g.add((URIRef(original.iri), ORG.changedBy, event))
        for r in results:
            g.add((event, ORG.resultingOrganization, URIRef(r.iri)))
            g.add((URIRef(r.iri), ORG.resultedFrom, event))
        if new_province and original.province:
            g.add((event, DTI.originalProvince, PROVINCE[slug(original.province)]))
            g.add((event, DTI.resultingProvince, PROVINCE[slug(new_province)]))
        label = f"{_named(original)} → " + ", ".join(_named(r) for r in results)
        when = f"{rule.date.day:02d}/{rule.date.month}/{rule.date.year}"
        g.add((event, RDFS.label, Literal(f"{label}, từ {when}", lang="vi")))

    def _provinces(self, g: Graph, describe) -> None:
        """Every province with its label, and one event per province that became part of another."""
        for concept in codelists.provinces():
            node = PROVINCE[slug(concept.label)]
            g.add((node, RDF.type, DTI.Province))
            g.add((node, SKOS.prefLabel, Literal(concept.label, lang="vi")))
        rule = self.province_rule
        for old, new in sorted(self.mergers.items()):
            if old == new:
                continue
            original, result = (agency_ref(str(AGENCY_TYPE["ubnd-tinh"]), p) for p in (old, new))
            self._event(g, rule, original, [result], new)
            describe(original)
            describe(result)


def succession_graph(store: GraphStore, generation: str | None = None) -> Graph:
    """The change events of the agencies the store's plans name (see the module's docstring)."""
    return SuccessionBuilder().build(store_agents(store), generation)


__all__ = ["AgentRef", "SUCCESSION_GRAPH", "SuccessionBuilder", "agency_ref", "province_mergers",
           "rules_digest", "store_agents", "succession_graph"]
