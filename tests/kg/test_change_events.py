"""The 2025 reorganisation as change events: the data against the researched tables in
../shared/reforms/, the events against the SHACL shapes, and the SPARQL query of docs/ontology.md."""
from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

from rdflib import Literal, URIRef

from kg.successions import SUCCESSION_GRAPH, province_mergers
from kg.validate import validate
from ontology import codelists, reforms
from ontology.folding import fold
from ontology.namespaces import DCTERMS, ORG, PROV, RDF

ROOT = Path(__file__).resolve().parents[2]


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _day(text: str) -> date:
    d, m, y = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", text).groups()
    return date(int(y), int(m), int(d))


def test_every_province_maps_to_its_new_province_as_researched(shared_reforms):
    """vietnamadminunits' official mapping against provinces_2025.tsv, all 63 old provinces."""
    mapping = province_mergers()
    labels = {fold(label): c.label for c in codelists.provinces() for label in (c.label, *c.alt_labels)}
    expected = {labels[fold(r["old_name"])]: labels[fold(r["new_name"])] for r in _rows(shared_reforms / "provinces_2025.tsv")}
    assert len(expected) == 63
    assert mapping == expected
    assert len(set(mapping.values())) == 34


def _names(old_agency: str, type_iri: str) -> bool:
    """Whether the old_agency cell ("Sở A + Sở B", "Ban Dân tộc tỉnh (+ …)") names the type."""
    return any(fold(part.strip(" ()")).startswith(label) for part in old_agency.split("+")
               for label in _type_labels(type_iri))


def _type_labels(type_iri: str) -> list[str]:
    concept = next(c for c in codelists.agency_types() if str(c.iri) == type_iri)
    return [fold(concept.label), *(fold(a) for a in concept.alt_labels)]


def test_every_agency_succession_rule_is_a_researched_row(shared_reforms):
    """Each rule of ontology/reforms.ttl has its row in agencies_2025.tsv: the old and new
    agency, the effective date, the legal basis, and whether it is only partly confirmed."""
    rows = _rows(shared_reforms / "agencies_2025.tsv")
    for rule in reforms.rules():
        if rule.from_type:
            matches = [r for r in rows if _names(r["old_agency"], rule.from_type)
                       and any(label in fold(r["new_agency"]) for label in _type_labels(rule.to_type))]
        elif rule.applies_to == "province":  # the merger of the provinces: provinces_2025.tsv
            merged = [r for r in _rows(shared_reforms / "provinces_2025.tsv") if not r["new_center"].startswith("unchanged")]
            assert len(merged) == 52 and rule.confirmed and rule.date == date(2025, 7, 1)
            assert all(b.id_local in r["legal_basis"] for b in rule.bases for r in merged)
            continue
        elif rule.kind == "province-merger":
            matches = [r for r in rows if "pre-merger province" in r["old_agency"]]
        else:
            matches = [r for r in rows if "cấp huyện" in r["old_agency"] and r["old_agency"].startswith(("HĐND", "UBND"))]
        assert matches, f"no row of agencies_2025.tsv for {rule.iri}"
        row = matches[0]
        assert _day(row["effective_date"]) == rule.date, rule.iri
        assert (row["status"] != "partly confirmed") == rule.confirmed, rule.iri
        basis = "".join(fold(r["legal_basis"]).replace(" ", "") for r in matches)  # one rule, one or two rows
        for b in rule.bases:
            number = fold(b.id_local).split("/")[0] + "/" + fold(b.id_local).split("/")[1]
            assert number in basis, (rule.iri, b.id_local, row["legal_basis"])
        assert rule.sources and all(s.startswith("http") for s in rule.sources), rule.iri


def test_every_researched_agency_row_is_a_rule(shared_reforms):
    """The other way round: each row naming a ministry, department or committee the code list
    knows is a rule; the rows not modelled are named here with the reason."""
    not_modelled = {
        "NĐ 45/2025/NĐ-CP framework for provincial and district agencies": "a framework, no agency",
        "phòng chuyên môn cấp huyện": "district offices: the plans assign nothing to them by name",
        "Công an cấp huyện": "district police: the plans assign nothing to them",
        "UBND cấp huyện (tasks and powers)": "the same rule as the district level's end",
    }
    rules = reforms.rules()
    for row in _rows(shared_reforms / "agencies_2025.tsv"):
        old = row["old_agency"]
        if any(old.startswith(k) for k in not_modelled):
            continue
        if "pre-merger province" in old:
            assert any(r.kind == "province-merger" for r in rules)
            continue
        if "cấp huyện" in old:
            assert any(r.from_category == "district" for r in rules)
            continue
        covered = [r for r in rules if r.from_type and _names(old, r.from_type)
                   and any(label in fold(row["new_agency"]) for label in _type_labels(r.to_type))]
        assert covered, f"row not modelled: {old} → {row['new_agency']}"


def test_the_change_events_conform_and_name_their_rule_and_sources(engine):
    kg = engine.kg
    graph = kg.union_graph()
    conforms, violations = validate(graph)
    assert conforms, [str(v) for v in violations[:5]]
    events = set(graph.subjects(RDF.type, ORG.ChangeEvent))
    assert len(events) > 500
    for event in list(events)[:50]:
        rule = graph.value(event, URIRef("https://dtikg.vn/ontology#rule"))
        assert list(graph.objects(rule, DCTERMS.source)), event
    # A change event without its date breaks the shapes.
    event = next(iter(events))
    graph.remove((event, PROV.atTime, None))
    conforms, violations = validate(graph)
    assert not conforms and any(v.focus == str(event) for v in violations)


def _docs_query(title: str) -> str:
    text = (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8")
    m = re.search(rf"### {re.escape(title)}\n.*?```sparql\n(.*?)```", text, re.S)
    assert m, f"docs/ontology.md has no query “{title}”"
    return m.group(1)


def test_the_documented_query_finds_what_khanh_hoa_science_department_inherited(engine):
    """docs/ontology.md: "what did Sở KH&CN Khánh Hòa inherit?" run on the seeds' store."""
    rows = engine.kg.store.select(_docs_query("What Sở Khoa học và Công nghệ of Khánh Hòa inherited"))
    found = {(str(r["predecessor"]), str(r["province"])) for r in rows}
    assert ("Sở Thông tin và Truyền thông", "Khánh Hòa") in found
    assert ("Sở Thông tin và Truyền thông", "Ninh Thuận") in found  # through Sở KH&CN Ninh Thuận, 1/7/2025
    assert ("Sở Khoa học và Công nghệ", "Ninh Thuận") in found
    dates = {str(r["date"]) for r in rows}
    assert {"2025-03-01", "2025-07-01"} <= dates
    assert all(str(r["basis"]) for r in rows)


def test_the_successions_graph_is_rebuilt_with_the_index(engine):
    """It carries the index's generation, so a stale one is rebuilt by `dtikg index`."""
    from qa.index import check_index
    generation = check_index(engine.kg, engine.embedder)
    assert engine.kg.store.ask("ASK { ?g ?p ?h }", {"g": SUCCESSION_GRAPH,
                                                     "p": URIRef("https://dtikg.vn/ontology#contentHash"),
                                                     "h": Literal(generation)})
