"""The store keeps every ingested plan as published: the original bytes under
`<store>/documents/`, the converted text (lines, pages, OCR confidence) under `<store>/texts/`,
and the graph records the file (DCAT media type and size, content hash, the conversion as a
PROV activity) and the page of every source line. Real store, real PDF and DOCX files."""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

import pytest
from rdflib import Literal

from ingest.pipeline import DocumentReader
from kg.service import KnowledgeGraph
from kg.store import StoreError
from kg.validate import validate

PREFIXES = """PREFIX dti: <https://dtikg.vn/ontology#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
SEED = "000_b6c86109a8f1a47b.txt"
DAK_LAK_PDF, QUANG_TRI_DOCX = "ke_hoach_dak_lak_2024.pdf", "ke_hoach_quang_tri_2024.docx"  # conftest's office_plans
PDF_ITEM_LINE = 13  # "1  Tỷ lệ bệnh viện tuyến tỉnh …" on page 3 of the PDF


@pytest.fixture
def store(tmp_path, office_plans, seed_files):
    graph = KnowledgeGraph(tmp_path / "store")
    outcomes = graph.ingest([*office_plans.values(), seed_files[0]])
    assert all(o.ok for o in outcomes), [o.message for o in outcomes]
    yield graph
    graph.close()


def kept(graph: KnowledgeGraph) -> dict[str, bytes]:
    """Every file under <store>/documents and <store>/texts, by relative path."""
    return {str(p.relative_to(graph.dir)): p.read_bytes() for folder in ("documents", "texts")
            for p in sorted((graph.dir / folder).glob("*")) if p.is_file()}


def scanned(doc, confidence: dict[int, float], default: float = 0.95):
    """An extraction as an OCR converter gives it: the same lines, each with a confidence."""
    lines = doc.source.lines
    scores = tuple(confidence.get(n, default) for n in range(1, len(lines) + 1))
    return replace(doc, source=replace(doc.source, ocr_confidence=scores, converter="tesseract 5.3.0"))


def test_ingest_keeps_the_original_and_the_converted_text(store, office_plans, seed_files):
    reader = DocumentReader()
    for path in [*office_plans.values(), seed_files[0]]:
        original = path.read_bytes()
        assert (store.dir / "documents" / path.name).read_bytes() == original
        stored = json.loads((store.dir / "texts" / f"{path.name}.json").read_text(encoding="utf-8"))
        assert stored == store.converted_text(path.name)
        source = reader.read_path(path).source
        assert stored["lines"] == list(source.lines) and stored["sha256"] == hashlib.sha256(original).hexdigest()
        assert stored["byte_size"] == len(original) and stored["ocr_confidence"] is None
    pdf = store.converted_text(DAK_LAK_PDF)
    assert pdf["media_type"] == "application/pdf" and pdf["converter"] == f"pdfplumber {version('pdfplumber')}"
    assert pdf["pages"][0] == 1 and pdf["pages"][-1] == 3 and sorted(set(pdf["pages"])) == [1, 2, 3]
    assert pdf["pages"][PDF_ITEM_LINE - 1] == 3
    assert pdf["lines"][PDF_ITEM_LINE - 1].startswith("1\tTỷ lệ bệnh viện tuyến tỉnh triển khai bệnh án điện tử")
    docx = store.converted_text(QUANG_TRI_DOCX)
    assert docx["pages"] is None and docx["converter"] == f"python-docx {version('python-docx')}"
    assert docx["media_type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    text = store.converted_text(SEED)  # a plain-text plan is its own converted text
    assert text["lines"] == seed_files[0].read_text(encoding="utf-8").split("\n")[:len(text["lines"])]
    assert not [p for p in (store.dir / "documents").iterdir() if p.name.endswith(".tmp")]
    assert not [p for p in (store.dir / "texts").iterdir() if p.name.endswith(".tmp")]


def test_the_graph_records_the_file_and_the_page_of_each_line(store, office_plans):
    pdf = office_plans[DAK_LAK_PDF].read_bytes()
    rows = store.store.select(PREFIXES + """
        SELECT ?file ?media ?size ?hash ?converter WHERE {
          ?sd a dti:SourceDocument ; dti:fileName ?file ; dcat:mediaType ?media ; dcat:byteSize ?size ;
              dti:contentHash ?hash .
          ?conversion a prov:Activity ; prov:used ?sd ; prov:wasAssociatedWith ?agent .
          ?agent a prov:SoftwareAgent ; rdfs:label ?converter .
        }""")
    by_file = {str(r["file"]): r for r in rows}
    assert set(by_file) == {DAK_LAK_PDF, QUANG_TRI_DOCX, SEED}
    row = by_file[DAK_LAK_PDF]
    assert str(row["media"]) == "http://www.iana.org/assignments/media-types/application/pdf"
    assert int(row["size"]) == len(pdf) and str(row["hash"]) == hashlib.sha256(pdf).hexdigest()
    assert str(row["converter"]) == f"pdfplumber {version('pdfplumber')}"
    assert str(by_file[SEED]["media"]).endswith("/text/plain")
    assert str(by_file[QUANG_TRI_DOCX]["converter"]).startswith("python-docx ")

    pages = store.store.select(PREFIXES + """
        SELECT ?file ?line ?text ?page WHERE {
          ?item dti:text ?text ; dti:source ?src .
          ?src dti:line ?line ; oa:hasSource/dti:fileName ?file .
          OPTIONAL { ?src oa:hasSelector ?sel . ?sel a oa:FragmentSelector ; rdf:value ?page ;
                          dcterms:conformsTo <http://tools.ietf.org/rfc/rfc3778> . }
        }""")
    items = {(str(r["file"]), str(r["text"])): (int(r["line"]), r["page"] and str(r["page"])) for r in pages}
    assert items[(DAK_LAK_PDF, "Tỷ lệ bệnh viện tuyến tỉnh triển khai bệnh án điện tử đạt 100%")] == \
        (PDF_ITEM_LINE, "page=3")
    assert items[(QUANG_TRI_DOCX, "Tỷ lệ trạm y tế xã có hồ sơ sức khỏe điện tử đạt 90%")] == (9, None)
    assert all(page is None for (file, _), (_, page) in items.items() if file != DAK_LAK_PDF)
    assert all(page is not None for (file, _), (_, page) in items.items() if file == DAK_LAK_PDF)
    # the plan's number line, read before the document model knew pages, still gets its page
    number_line = store.store.select(PREFIXES + """
        SELECT ?file ?page WHERE { ?plan a dti:Plan ; dti:source ?src . ?src oa:hasSelector/rdf:value ?page ;
                             oa:hasSource/dti:fileName ?file . }""", {"file": Literal(DAK_LAK_PDF)})
    assert [str(r["page"]) for r in number_line] == ["page=1"]
    conforms, violations = validate(store.union_graph())
    assert conforms, [str(v) for v in violations[:5]]


def test_ocr_confidence_is_kept_per_line(tmp_path, office_plans):
    graph = KnowledgeGraph(tmp_path / "store")
    try:
        doc = scanned(DocumentReader().read_path(office_plans[DAK_LAK_PDF]), {PDF_ITEM_LINE: 0.62})
        assert graph.ingest_extraction(doc, office_plans[DAK_LAK_PDF].read_bytes()).ok
        text = graph.converted_text(DAK_LAK_PDF)
        assert text["ocr_confidence"][PDF_ITEM_LINE - 1] == 0.62 and text["ocr_confidence"][0] == 0.95
        assert text["converter"] == "tesseract 5.3.0"
        rows = graph.store.select(PREFIXES + "SELECT ?f ?line ?c WHERE { ?s dti:line ?line ; dti:ocrConfidence ?c ; "
                                             "oa:hasSource/dti:fileName ?f }", {"f": Literal(DAK_LAK_PDF)})
        confidence = {int(r["line"]): float(r["c"]) for r in rows}
        assert confidence[PDF_ITEM_LINE] == 0.62 and set(confidence.values()) == {0.62, 0.95}
        assert validate(graph.union_graph())[0]
    finally:
        graph.close()


def test_remove_drops_the_graph_the_text_and_the_original(store):
    store.remove(DAK_LAK_PDF)
    assert DAK_LAK_PDF not in {d["file"] for d in store.stats()["documents"]}
    assert not (store.dir / "documents" / DAK_LAK_PDF).exists()
    assert not (store.dir / "texts" / f"{DAK_LAK_PDF}.json").exists()
    assert store.converted_text(DAK_LAK_PDF) is None
    assert (store.dir / "documents" / QUANG_TRI_DOCX).exists()  # the others stay


def test_an_edited_file_replaces_its_kept_copies(store, tmp_path, seed_files):
    edited = tmp_path / SEED
    edited.write_text(seed_files[0].read_text(encoding="utf-8").replace("trên 80%.", "trên 87,5%."), encoding="utf-8")
    (outcome,) = store.ingest([edited])
    assert outcome.ok and outcome.changed
    assert (store.dir / "documents" / SEED).read_bytes() == edited.read_bytes()
    assert any("trên 87,5%" in line for line in store.converted_text(SEED)["lines"])
    # an extraction ingested without its bytes leaves no original of another version behind
    store.ingest_extraction(DocumentReader().read_path(seed_files[0]))
    assert not (store.dir / "documents" / SEED).exists()
    assert not any("trên 87,5%" in line for line in store.converted_text(SEED)["lines"])


def test_a_failed_graph_write_puts_the_kept_files_back(store, office_plans, tmp_path, seed_files, monkeypatch):
    before = kept(store)
    edited = tmp_path / SEED
    edited.write_text(seed_files[0].read_text(encoding="utf-8") + "\nDòng thêm.\n", encoding="utf-8")
    new = tmp_path / "ke_hoach_moi.txt"
    new.write_bytes(seed_files[1].read_bytes())

    def refuse(graph, data):
        raise StoreError("K006", detail="đầy đĩa")
    monkeypatch.setattr(store.store, "replace_graph", refuse)
    outcomes = store.ingest([edited, new])
    assert [o.ok for o in outcomes] == [False, False] and "đầy đĩa" in outcomes[0].message
    assert kept(store) == before


def test_an_endpoint_store_ingests_without_kept_files(sparql_endpoint, tmp_path, office_plans):
    graph = KnowledgeGraph(tmp_path / "local", endpoint=sparql_endpoint)
    try:
        (outcome,) = graph.ingest([office_plans[QUANG_TRI_DOCX]])
        assert outcome.ok and QUANG_TRI_DOCX in {d["file"] for d in graph.stats()["documents"]}
        assert graph.converted_text(QUANG_TRI_DOCX) is None and graph.original_path(QUANG_TRI_DOCX) is None
        assert not (tmp_path / "local" / "documents").exists() and not (tmp_path / "local" / "texts").exists()
        graph.remove(QUANG_TRI_DOCX)
        assert QUANG_TRI_DOCX not in {d["file"] for d in graph.stats()["documents"]}
    finally:
        graph.close()


@pytest.mark.parametrize("name", ["../x.txt", "", ".", "..", "a/b.txt", "x\x00.txt"])
def test_kept_file_paths_never_leave_the_store(store, name):
    assert store.original_path(name) is None and store.text_path(name) is None
    assert store.converted_text(name) is None
    assert Path(store.original_path("x.txt")).parent == store.dir / "documents"


def test_a_store_read_by_older_readers_is_read_again(tmp_path, office_plans, seed_files):
    """A store whose READY mark names another reading version (or none, as stores made before
    versions were kept) is read again when opened: the uploaded files from their kept originals,
    the bundled ones from data/; the converted texts come back and the counts are those of a new
    store."""
    import shutil
    folder = tmp_path / "store"
    graph = KnowledgeGraph(folder)
    assert all(o.ok for o in graph.ingest([*office_plans.values(), seed_files[0]]))
    fresh = graph.stats()["documents"]
    assert graph.is_current
    graph.close()
    (folder / "READY").write_text("ok\n", encoding="utf-8")  # the mark older versions wrote
    shutil.rmtree(folder / "texts")
    (folder / "documents" / SEED).unlink(missing_ok=True)  # a bundled seed is found in data/ instead
    old = KnowledgeGraph(folder)
    assert old.is_ready and not old.is_current
    outcomes = old.ensure_built()
    assert sorted(o.file for o in outcomes if o.ok) == sorted([*office_plans, SEED]), outcomes
    assert old.is_current and old.stats()["documents"] == fresh
    assert all(old.converted_text(f) for f in [*office_plans, SEED])
    assert old.ensure_built() == []  # current now: nothing read twice
    old.close()
