"""Records → RDF: one named graph per source document.

Every node has an IRI minted from its content (no blank nodes), so building the same
document twice gives the same triples and a re-ingest is a plain graph replacement.
Agencies and legal documents described in several documents are described again in each
document's graph; dropping one document leaves the others whole.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rdflib import Literal, URIRef

from ingest.legal import render_reference
from ingest.records import AgencyMention, DocumentExtraction, Item, ItemKind, LegalReference, SourceSpan
from ontology.folding import fold
from ontology import codelists
from .triples import TripleBuffer
from ontology.namespaces import (
    AGENCY_TYPE, DCAT, DCTERMS, DOCTYPE, DTI, ELI, ID, ISSUER, MEDIA_TYPE, OA, ORG, PDF_FRAGMENT, PILLAR, PROV,
    PROVINCE, RDF, RDFS, ROLE, SKOS, TIME, XSD,
)

KIND_CLASS = {
    ItemKind.INDICATOR: DTI.Indicator, ItemKind.SUB_ITEM: DTI.SubItem, ItemKind.TASK: DTI.Task, ItemKind.DUTY: DTI.Duty,
    ItemKind.INFO_ITEM: DTI.InfoItem, ItemKind.TEAM: DTI.InspectionTeam,
}
_DOCTYPE_LOCAL = {"QĐ": "QD", "NĐ": "ND", "ĐA": "DA"}
_MEDIA_TYPE = re.compile(r"[a-z]+/[-+.a-z0-9]+")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"


def graph_iri(file: str) -> URIRef:
    return ID[f"graph/{slug(file)}"]


def province_iri(name: str | None) -> URIRef | None:
    return PROVINCE[slug(name)] if name else None


def legal_iri(ref: LegalReference, province: str | None) -> URIRef:
    if ref.scope == "national" or not province:
        return ID[f"legal/vn/{slug(ref.id_local)}"]
    return ID[f"legal/{slug(province)}/{slug(ref.id_local)}"]


def agency_iri(mention: AgencyMention, province: str | None) -> URIRef:
    scope = "vn" if mention.national or not province else slug(province)
    if mention.is_group:
        return ID[f"group/{scope}/{slug(mention.name)}"]
    key = mention.type_code or slug(mention.name)
    return ID[f"agency/{scope}/{key}"]


def item_iri(file: str, number: str) -> URIRef:
    # "8.d" and "8.đ" are different items: keep đ apart before folding.
    number = number.replace("•", "b").replace("đ", "dd").replace("Đ", "DD")
    return ID[f"item/{slug(file)}/{slug(number)}"]


@lru_cache(maxsize=1)
def _pillar_index() -> dict[str, URIRef]:
    index = {}
    for concept in codelists.pillars():
        for label in (concept.label, *concept.alt_labels):
            index[_pillar_key(label)] = concept.iri
    return index


def _pillar_key(label: str) -> str:
    words = fold(label).replace(",", " ").split()
    drop = {"nhom", "ve", "phat", "trien", "hoat", "dong", "xay", "dung", "cac", "bao", "dam", "cong", "tac"}
    return " ".join(w for w in words if w not in drop)


def pillar_for(section: str | None) -> URIRef | None:
    if not section:
        return None
    return _pillar_index().get(_pillar_key(section))


@lru_cache(maxsize=None)
def _type_alt_labels(code: str) -> tuple[str, ...]:
    return next((c.alt_labels for c in codelists.agency_types() if c.notation == code), ())


class GraphBuilder:
    """Builds the RDF of one document extraction."""

    def build(self, doc: DocumentExtraction) -> TripleBuffer:
        g = TripleBuffer()
        g.bind("dti", DTI._NS)
        g.bind("eli", ELI)
        self.doc = doc
        self.g = g
        self.labels: dict[URIRef, str] = {}
        self.lines_done: set[int] = set()
        self.types_done: set[URIRef] = set()
        self.file = doc.file
        self.province = doc.plan.province
        self.prov_iri = province_iri(self.province)
        self.source_iri = ID[f"source/{slug(doc.file)}"]
        self.plan_iri = ID[f"plan/{slug(doc.file)}"]
        self._source_document()
        self._plan()
        for ref in doc.legal_references:
            self._legal(ref, cited_by_plan=True)
        for item in doc.items:
            self._item(item)
        return g

    def _source_document(self) -> None:
        g, doc = self.g, self.doc
        g.add((self.source_iri, RDF.type, DTI.SourceDocument))
        g.add((self.source_iri, DTI.fileName, Literal(doc.file)))
        g.add((self.source_iri, DTI.contentHash, Literal(doc.content_hash)))
        if doc.source is not None:
            self._original_file()
        if self.prov_iri:
            g.add((self.prov_iri, RDF.type, DTI.Province))
            g.add((self.prov_iri, SKOS.prefLabel, Literal(self.province, lang="vi")))

    def _original_file(self) -> None:
        """The file as published (DCAT media type and size) and its conversion to the text that
        every line number refers to (a PROV activity that used the file, run by the converter)."""
        g, source = self.g, self.doc.source
        media_type = source.media_type.strip().lower()
        if _MEDIA_TYPE.fullmatch(media_type):
            g.add((self.source_iri, DCAT.mediaType, MEDIA_TYPE[media_type]))
        g.add((self.source_iri, DCAT.byteSize, Literal(source.byte_size, datatype=XSD.integer)))
        if source.converter:
            conversion = URIRef(f"{self.source_iri}/conversion")
            converter = ID[f"software/{slug(source.converter)}"]
            g.add((conversion, RDF.type, PROV.Activity))
            g.add((conversion, RDFS.label, Literal(f"Chuyển tệp thành văn bản ({source.converter})", lang="vi")))
            g.add((conversion, PROV.used, self.source_iri))
            g.add((conversion, PROV.wasAssociatedWith, converter))
            g.add((converter, RDF.type, PROV.SoftwareAgent))
            g.add((converter, RDFS.label, Literal(source.converter)))

    def _plan(self) -> None:
        g, plan = self.g, self.doc.plan
        p = self.plan_iri
        g.add((p, RDF.type, DTI.Plan))
        g.add((p, RDF.type, ELI.LegalResource))
        g.add((p, DTI.sourceDocument, self.source_iri))
        g.add((p, ELI.type_document, DOCTYPE[_DOCTYPE_LOCAL.get(plan.type_code, plan.type_code)]))
        label = plan.title or f"Kế hoạch ({self.doc.file})"
        g.add((p, RDFS.label, Literal(label, lang="vi")))
        if plan.number:
            g.add((p, ELI.id_local, Literal(plan.number)))
        if plan.issuer_code:
            g.add((p, DTI.issuerCode, Literal(plan.issuer_code)))
        if plan.date:
            g.add((p, ELI.date_document, Literal(plan.date.isoformat(), datatype=XSD.date)))
        if plan.year:
            g.add((p, DTI.year, Literal(plan.year, datatype=XSD.integer)))
        if self.prov_iri:
            g.add((p, DTI.province, self.prov_iri))
        if plan.span:
            g.add((p, DTI.source, self._span(plan.span)))

    def _span(self, span: SourceSpan) -> URIRef:
        """The provenance node of a source line: one per line, shared by every fact read there."""
        s = ID[f"source/{slug(self.file)}/line/{span.line}"]
        if span.line not in self.lines_done:
            self.lines_done.add(span.line)
            g = self.g
            g.add((s, RDF.type, OA.SpecificResource))
            g.add((s, OA.hasSource, self.source_iri))
            g.add((s, DTI.line, Literal(span.line, datatype=XSD.integer)))
            quote = URIRef(f"{s}/quote")
            g.add((s, OA.hasSelector, quote))
            g.add((quote, RDF.type, OA.TextQuoteSelector))
            g.add((quote, OA.exact, Literal(span.text)))
            page, confidence = self._line_facts(span)
            if page is not None:
                selector = URIRef(f"{s}/page")
                g.add((s, OA.hasSelector, selector))
                g.add((selector, RDF.type, OA.FragmentSelector))
                g.add((selector, DCTERMS.conformsTo, PDF_FRAGMENT))
                g.add((selector, RDF.value, Literal(f"page={page}")))
            if confidence is not None:
                g.add((s, DTI.ocrConfidence, Literal(f"{confidence:.3f}", datatype=XSD.decimal)))
        return s

    def _line_facts(self, span: SourceSpan) -> tuple[int | None, float | None]:
        """Page and OCR confidence of a span's line: the span's own, else the converted text's
        (spans made before the document model was at hand carry neither)."""
        page, confidence = span.page, span.ocr_confidence
        source, n = self.doc.source, span.line
        if source is not None and page is None and source.pages and 1 <= n <= len(source.pages):
            page = source.pages[n - 1]
        if source is not None and confidence is None and source.ocr_confidence and \
                1 <= n <= len(source.ocr_confidence):
            confidence = source.ocr_confidence[n - 1]
        return (int(page) if page else None), (float(confidence) if confidence is not None else None)

    def _legal(self, ref: LegalReference, cited_by_plan: bool = False) -> URIRef:
        g = self.g
        iri = legal_iri(ref, self.province)
        g.add((iri, RDF.type, ELI.LegalResource))
        g.add((iri, ELI.id_local, Literal(ref.id_local)))
        g.add((iri, RDFS.label, Literal(render_reference(ref), lang="vi")))
        if ref.type_code:
            g.add((iri, ELI.type_document, DOCTYPE[_DOCTYPE_LOCAL.get(ref.type_code, ref.type_code)]))
        if ref.issuer_code:
            g.add((iri, DTI.issuerCode, Literal(ref.issuer_code)))
            g.add((iri, ELI.passed_by, ISSUER[slug(ref.issuer_code).upper().replace("-", "")]))
        if ref.number:
            g.add((iri, DTI.number, Literal(ref.number)))
        if ref.year:
            g.add((iri, DTI.year, Literal(ref.year, datatype=XSD.integer)))
        if ref.date:
            g.add((iri, ELI.date_document, Literal(ref.date.isoformat(), datatype=XSD.date)))
        if ref.issuing_body:
            g.add((iri, DTI.issuingBody, Literal(ref.issuing_body)))
        g.add((iri, DTI.scope, Literal(ref.scope)))
        if ref.scope == "local" and self.prov_iri:
            g.add((iri, DTI.province, self.prov_iri))
        if cited_by_plan:
            g.add((self.plan_iri, ELI.cites, iri))
            if ref.span:
                g.add((iri, DTI.citingText, Literal(ref.span.text.strip())))
                g.add((iri, DTI.source, self._span(ref.span)))
                if re.search(r"\b(can cu|thuc hien|theo tinh than)\b", fold(ref.span.text)) or \
                        ref.span.text.lstrip().startswith(("¹", "²", "³")):
                    g.add((self.plan_iri, ELI.based_on, iri))
        return iri

    def _agency(self, mention: AgencyMention) -> URIRef:
        g = self.g
        iri = agency_iri(mention, self.province)
        g.add((iri, RDF.type, DTI.AgencyGroup if mention.is_group else DTI.Agency))
        if not mention.is_group:
            g.add((iri, RDF.type, ORG.Organization))
        label = self.labels.setdefault(iri, mention.name)  # one prefLabel; other spellings are altLabels
        g.add((iri, SKOS.prefLabel, Literal(label, lang="vi")))
        if mention.name != label:
            g.add((iri, SKOS.altLabel, Literal(mention.name, lang="vi")))
        raw = re.sub(r"\s*\([^)]*\)", "", mention.raw).strip(" -;,.")
        if raw and fold(raw) != fold(mention.name) and len(raw) < 120:
            g.add((iri, SKOS.altLabel, Literal(raw, lang="vi")))
        if mention.type_code and iri not in self.types_done:
            self.types_done.add(iri)
            g.add((iri, DTI.agencyType, AGENCY_TYPE[mention.type_code]))
            for alt in _type_alt_labels(mention.type_code):
                g.add((iri, SKOS.altLabel, Literal(alt, lang="vi")))
        if mention.category:
            g.add((iri, DTI.agencyCategory, Literal(mention.category)))
        for cat in mention.covers:
            g.add((iri, DTI.coversAgencyCategory, Literal(cat)))
        if self.prov_iri and not mention.national:
            g.add((iri, DTI.province, self.prov_iri))
        return iri

    def _item(self, item: Item) -> None:
        g = self.g
        it = item_iri(self.file, item.number)
        g.add((it, RDF.type, KIND_CLASS[item.kind]))
        g.add((it, RDF.type, DTI.PlanItem))
        g.add((it, DTI.kind, Literal(item.kind.value)))
        g.add((it, DTI.itemNumber, Literal(item.number)))
        g.add((it, DTI.text, Literal(item.text)))
        g.add((it, RDFS.label, Literal(item.text, lang="vi")))
        g.add((it, DTI.plan, self.plan_iri))
        if self.prov_iri:
            g.add((it, DTI.province, self.prov_iri))
        if item.section:
            g.add((it, DTI.section, Literal(item.section)))
            pillar = pillar_for(item.section)
            if pillar:
                g.add((it, DTI.pillar, pillar))
        if item.table_title:
            g.add((it, DTI.tableTitle, Literal(item.table_title)))
        for part in item.parts:
            g.add((it, DTI.inPart, Literal(part)))
        if item.parent:
            g.add((it, DTI.parentItem, item_iri(self.file, item.parent)))
        if item.note:
            g.add((it, DTI.note, Literal(item.note)))
        g.add((it, DTI.source, self._span(item.span)))
        for span in item.also_spans:
            g.add((it, DTI.alsoSource, self._span(span)))
        for ref in item.grounds:
            g.add((it, DTI.groundedIn, self._legal(ref)))
        if item.deadline:
            d = URIRef(f"{it}/deadline")
            g.add((it, DTI.hasDeadline, d))
            g.add((d, RDF.type, DTI.Deadline))
            g.add((d, DTI.rawText, Literal(item.deadline.raw)))
            g.add((d, RDFS.label, Literal(item.deadline.raw, lang="vi")))
            g.add((d, DTI.deadlineKind, Literal(item.deadline.kind)))
            for prop, when, name in ((TIME.hasBeginning, item.deadline.start, "begin"),
                                     (TIME.hasEnd, item.deadline.end, "end")):
                if when:
                    instant = URIRef(f"{d}/{name}")
                    g.add((d, prop, instant))
                    g.add((instant, RDF.type, TIME.Instant))
                    g.add((instant, TIME.inXSDDate, Literal(when.isoformat(), datatype=XSD.date)))
            if item.deadline.recurrence:
                g.add((d, DTI.recurrence, Literal(item.deadline.recurrence)))
        if item.target:
            t = URIRef(f"{it}/target")
            g.add((it, DTI.hasTarget, t))
            g.add((t, RDF.type, DTI.TargetValue))
            g.add((t, DTI.rawText, Literal(item.target.raw)))
            g.add((t, DTI.kind, Literal(item.target.kind)))
            if item.target.comparator:
                g.add((t, DTI.comparator, Literal(item.target.comparator)))
            if item.target.value is not None:
                g.add((t, DTI.numericValue, Literal(f"{item.target.value:g}", datatype=XSD.decimal)))
            if item.target.unit:
                g.add((t, DTI.unit, Literal(item.target.unit)))
        for i, baseline in enumerate(item.baselines, 1):
            b = URIRef(f"{it}/baseline/{i}")
            g.add((it, DTI.hasBaseline, b))
            g.add((b, RDF.type, DTI.Baseline))
            g.add((b, DTI.rawText, Literal(baseline.raw)))
            if baseline.year:
                g.add((b, DTI.year, Literal(baseline.year, datatype=XSD.integer)))
            for prop, value in ((DTI.score, baseline.score), (DTI.maxScore, baseline.max_score),
                                (DTI.percent, baseline.percent)):
                if value is not None:
                    g.add((b, prop, Literal(f"{value:g}", datatype=XSD.decimal)))
        for assignment in item.assignments:
            agent = self._agency(assignment.agency)
            a = URIRef(f"{it}/assignment/{assignment.role.value}/{slug(str(agent)[len(str(ID)):])}")
            g.add((it, DTI.assignment, a))
            g.add((a, RDF.type, DTI.Assignment))
            g.add((a, DTI.item, it))
            g.add((a, DTI.agent, agent))
            g.add((a, DTI.role, ROLE[assignment.role.value]))
            if assignment.agency.holder:
                g.add((a, DTI.roleHolder, Literal(assignment.agency.holder)))
            if assignment.agency.note:
                g.add((a, DTI.note, Literal(assignment.agency.note)))
            g.add((a, DTI.source, self._span(assignment.span)))

