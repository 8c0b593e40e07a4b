"""`KnowledgeGraph`: a store plus the ingest, statistics and export built on it."""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal

from ontology.namespaces import DTI, ID, RDF

from ingest.errors import DtikgError, IngestError
from ingest.converters import SUPPORTED_SUFFIXES
from ingest.pipeline import DocumentReader
from ingest.records import DocumentExtraction, ItemKind

from .builder import GraphBuilder, graph_iri
from .queries import query
from .store import GraphStore, MemoryStore, OxigraphStore, SparqlEndpointStore, StoreError

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
DEFAULT_STORE = ROOT / ".dtikg" / "store"
READY_MARK = "READY"
# What the readers make of a document. Bump it when a change to ingest reads the same files into
# other records (new item kinds, kept texts, other assignments): a store built by an older
# version is then read again from its kept originals (or the bundled files) when next opened.
READING_VERSION = "2026-12-01.3"
DOCUMENTS_DIR = "documents"  # <store>/documents/<file>: the original bytes of every ingested file
TEXTS_DIR = "texts"  # <store>/texts/<file>.json: its converted text, the lines every citation counts
TEXT_FORMAT = 1
ONTOLOGY_GRAPH = ID["graph/ontology"]


def default_store_dir() -> Path:
    env = os.environ.get("DTIKG_STORE")
    return Path(env) if env else DEFAULT_STORE


@dataclass
class IngestOutcome:
    file: str
    ok: bool
    message: str
    counts: dict[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    changed: bool = False


class KnowledgeGraph:
    """The graph of ingested plans. `store_dir` holds the embedded store, the retrieval index,
    and every ingested file's original bytes (`documents/`) and converted text (`texts/`);
    `endpoint` (a SPARQL query URL) replaces the embedded store by a remote one."""

    def __init__(self, store_dir: str | Path | None = None, endpoint: str | None = None,
                 read_only: bool = False, memory: bool = False):
        self.dir = Path(store_dir) if store_dir else default_store_dir()
        self.endpoint = endpoint or os.environ.get("DTIKG_ENDPOINT")
        # Original files and converted texts are kept beside an embedded store only: an endpoint
        # (or an in-memory store opened without a folder) has no folder of its own.
        self.files_dir: Path | None = None if self.endpoint or (memory and not store_dir) else self.dir
        self.store: GraphStore
        if memory:
            self.store = MemoryStore()
        elif self.endpoint:
            self.store = SparqlEndpointStore(self.endpoint)
        else:
            self.store = self._open_embedded(read_only)
        self.reader = DocumentReader()
        self.builder = GraphBuilder()
        if not read_only:
            self._ensure_ontology()

    def _ensure_ontology(self) -> None:
        """The ontology and code lists live in their own named graph, refreshed when changed."""
        import hashlib
        from ontology.namespaces import CODELISTS_FILE, ONTOLOGY_FILE, REFORMS_FILE
        data = ONTOLOGY_FILE.read_bytes() + CODELISTS_FILE.read_bytes() + REFORMS_FILE.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        iri = str(ONTOLOGY_GRAPH)
        marker = Literal(digest)
        try:
            if self.store.ask("ASK { ?g <https://dtikg.vn/ontology#contentHash> ?h }",
                              {"g": ONTOLOGY_GRAPH, "h": marker}):
                return
        except StoreError:
            pass
        g = Graph()
        g.parse(ONTOLOGY_FILE, format="turtle")
        g.parse(CODELISTS_FILE, format="turtle")
        g.parse(REFORMS_FILE, format="turtle")
        g.add((ONTOLOGY_GRAPH, DTI.contentHash, marker))
        self.store.replace_graph(iri, g)

    def _open_embedded(self, read_only: bool) -> GraphStore:
        path = self.dir / "graph"
        if read_only and path.exists():
            return OxigraphStore(path, read_only=True)
        try:
            return OxigraphStore(path)
        except StoreError:
            if path.exists():  # another process holds the write lock: read a snapshot
                return OxigraphStore(path, read_only=True)
            raise

    # ------------------------------------------------------------------ ingest
    @property
    def read_only(self) -> bool:
        """True when the store was opened for reading only (asked so, or another process holds it)."""
        return bool(getattr(self.store, "read_only", False))

    @property
    def is_ready(self) -> bool:
        return (self.dir / READY_MARK).exists() or bool(self.endpoint)

    @property
    def is_current(self) -> bool:
        """True when the store's documents were read by this version of the readers."""
        if self.endpoint:
            return True
        try:
            mark = (self.dir / READY_MARK).read_text(encoding="utf-8").strip()
        except OSError:
            return False
        return mark == f"reading={READING_VERSION}"

    def _mark_ready(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / READY_MARK).write_text(f"reading={READING_VERSION}\n", encoding="utf-8")

    def ensure_built(self, progress: bool = False) -> list[IngestOutcome]:
        """Build the store from the bundled `data/` if it was never built; read its documents
        again if an older version of the readers built it (and it can be written)."""
        if not (self.is_ready and self.store.named_graphs()):
            return self.ingest([DATA_DIR], progress=progress)
        if self.is_current or self.read_only:
            return []
        return self.reread(progress=progress)

    def reread(self, progress: bool = False) -> list[IngestOutcome]:
        """Read every ingested document again with the current readers: from its kept original,
        else from the bundled file of the same name. A document found in neither is left as it
        was and reported."""
        files = sorted({str(r["file"]) for r in self.store.select(query("generation"))})
        paths, missing = [], []
        for file in files:
            kept = self.original_path(file)
            bundled = DATA_DIR / file if self._plain_name(file) else None
            path = kept if kept is not None and kept.exists() else bundled if bundled and bundled.exists() else None
            (paths if path else missing).append(path or file)
        outcomes = self.ingest(paths, progress=progress) if paths else []
        outcomes += [IngestOutcome(f, False, f"không đọc lại được: không còn bản gốc của {f} trong kho")
                     for f in missing]
        if not paths and not self.endpoint:
            self._mark_ready()
        return outcomes

    @staticmethod
    def expand(paths: list[str | Path]) -> list[Path]:
        files: list[Path] = []
        for p in map(Path, paths):
            if p.is_dir():
                files += sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES)
            else:
                files.append(p)
        return files

    def read(self, path: Path, on_page=None) -> DocumentExtraction:
        if not path.exists():
            raise IngestError("I006", path=path)
        return self.reader.read_path(path, on_page)

    def _read_with_bytes(self, path: Path, on_page=None) -> tuple[DocumentExtraction, bytes | None]:
        """The extraction of a file and the very bytes it was read from (None if they changed)."""
        doc = self.read(path, on_page)
        try:
            data = path.read_bytes()
        except OSError:
            return doc, None
        if hashlib.sha256(data).hexdigest() != doc.content_hash:  # edited while being read: read again
            doc = self.reader.read(path.name, data)
        return doc, data

    def ingest(self, paths: list[str | Path], progress: bool = False) -> list[IngestOutcome]:
        """Read each file and replace its named graph. A file that cannot be read is
        reported and changes nothing; the others are written."""
        files = self.expand(paths)
        outcomes: list[IngestOutcome] = []
        bar = None
        if progress and files:
            from tqdm import tqdm
            bar = tqdm(total=len(files), desc="Đang nạp văn bản", unit="tệp", file=sys.stderr)
        for path in files:
            pages = SubProgress(f"  {path.name}", "trang") if bar else None
            try:
                doc, data = self._read_with_bytes(path, pages)
                outcomes.append(self.ingest_extraction(doc, data))
            except DtikgError as exc:
                outcomes.append(IngestOutcome(path.name, False, exc.message))
            finally:
                if pages:
                    pages.close()
                if bar:
                    bar.update(1)
        if bar:
            bar.close()
        if any(o.ok for o in outcomes) and not self.endpoint:
            self._mark_ready()
        return outcomes

    def ingest_extraction(self, doc: DocumentExtraction, data: bytes | None = None) -> IngestOutcome:
        """Write a document's graph, and beside an embedded store its converted text and (given
        `data`, the bytes it was read from) its original file. If the graph cannot be written,
        the kept files are put back as they were."""
        graph = self.builder.build(doc)
        iri = str(graph_iri(doc.file))
        previous = self.document_hash(doc.file)
        kept = self._keep_files(doc, data)
        try:
            self.store.replace_graph(iri, graph)
        except BaseException:
            self._restore_files(kept)
            raise
        counts = {k.value: doc.count(k) for k in ItemKind}
        return IngestOutcome(doc.file, True, "đã nạp", counts, doc.warnings, changed=previous != doc.content_hash)

    def read_bytes(self, name: str, data: bytes) -> DocumentExtraction:
        """Read a document without writing anything (to check an upload before storing it)."""
        return self.reader.read(name, data)

    def ingest_bytes(self, name: str, data: bytes) -> IngestOutcome:
        """Ingest an uploaded document."""
        return self.ingest_extraction(self.read_bytes(name, data), data)

    def remove(self, file: str) -> None:
        """Drop a document's graph, its converted text and its original file."""
        self.store.drop_graph(str(graph_iri(file)))
        for path in (self.original_path(file), self.text_path(file)):
            if path is not None:
                path.unlink(missing_ok=True)

    # ------------------------------------------------------------------ kept files
    @staticmethod
    def _plain_name(file: str) -> bool:
        return isinstance(file, str) and bool(file) and file == os.path.basename(file) and \
            file not in (".", "..") and "\x00" not in file

    def original_path(self, file: str) -> Path | None:
        """Where the original bytes of `file` are kept (whether or not they are there yet)."""
        if self.files_dir is None or not self._plain_name(file):
            return None
        return self.files_dir / DOCUMENTS_DIR / file

    def text_path(self, file: str) -> Path | None:
        """Where the converted text of `file` is kept (whether or not it is there yet)."""
        if self.files_dir is None or not self._plain_name(file):
            return None
        return self.files_dir / TEXTS_DIR / f"{file}.json"

    def converted_text(self, file: str) -> dict | None:
        """The kept converted text of `file`: lines, pages and OCR confidence per line, media type
        and converter; None when it was not kept (endpoint store, older store) or is unreadable."""
        path = self.text_path(file)
        try:
            data = json.loads(path.read_text(encoding="utf-8")) if path else None
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("lines"), list):
            return None
        return data

    def _keep_files(self, doc: DocumentExtraction, data: bytes | None) -> dict[Path, bytes | None]:
        """Write the converted text and the original bytes atomically; returns what each path held
        before. Without `data`, a kept original that is not the ingested version is removed."""
        text_path, original = self.text_path(doc.file), self.original_path(doc.file)
        if text_path is None or original is None or self.read_only:
            return {}
        before = {p: (p.read_bytes() if p.is_file() else None) for p in (text_path, original)}
        try:
            if doc.source is not None:
                source = doc.source
                text = {"format": TEXT_FORMAT, "file": doc.file, "media_type": source.media_type,
                        "converter": source.converter, "byte_size": source.byte_size, "sha256": source.sha256,
                        "lines": list(source.lines),
                        "pages": list(source.pages) if source.pages is not None else None,
                        "ocr_confidence": list(source.ocr_confidence) if source.ocr_confidence is not None else None}
                write_atomic(text_path, json.dumps(text, ensure_ascii=False).encode("utf-8"))
            else:
                text_path.unlink(missing_ok=True)
            if data is not None and hashlib.sha256(data).hexdigest() == doc.content_hash:
                write_atomic(original, data)
            elif before[original] is not None and hashlib.sha256(before[original]).hexdigest() != doc.content_hash:
                original.unlink()
        except OSError as exc:
            self._restore_files(before)
            reason = exc.strerror or str(exc)
            raise StoreError("K009", name=doc.file, reason=reason) from exc
        return before

    @staticmethod
    def _restore_files(before: dict[Path, bytes | None]) -> None:
        for path, content in before.items():
            try:
                if content is None:
                    path.unlink(missing_ok=True)
                else:
                    write_atomic(path, content)
            except OSError:
                pass

    def write_successions(self, generation: str | None = None) -> int:
        """Apply the 2025 reorganisation to the agencies of the ingested plans and replace the
        graph of change events (kg/successions.py); returns the number of events."""
        from .successions import SUCCESSION_GRAPH, succession_graph
        from ontology.namespaces import ORG
        self.store.drop_graph(str(SUCCESSION_GRAPH))  # its own agencies are not the plans'
        graph = succession_graph(self.store, generation)
        self.store.replace_graph(str(SUCCESSION_GRAPH), graph)
        return len(set(graph.subjects(RDF.type, ORG.ChangeEvent)))

    def document_hash(self, file: str) -> str | None:
        rows = self.store.select(query("document_hash"), {"file": Literal(file)})
        return str(rows[0]["hash"]) if rows else None

    # ------------------------------------------------------------------ reading
    def stats(self) -> dict:
        """The stats object of the contract: triples and counts per source document."""
        kinds = {"indicator": "indicators", "sub_item": "sub_items", "task": "tasks",
                 "info_item": "info_items", "team": "teams", "duty": "duties"}
        per_file: dict[str, dict[str, int]] = {}
        for row in self.store.select(query("stats_items")):
            per_file.setdefault(str(row["file"]), {})[kinds.get(str(row["kind"]), str(row["kind"]))] = \
                int(row["n"])
        documents = []
        for row in self.store.select(query("stats_documents")):
            file = str(row["file"])
            entry = {"file": file, "province": str(row["provinceLabel"]) if row["provinceLabel"] else None}
            entry.update({v: per_file.get(file, {}).get(v, 0) for v in kinds.values()})
            entry["assignments"] = int(row["assignments"])
            entry["legal_references"] = int(row["legal"])
            entry["number"] = str(row["number"]) if row["number"] else None
            entry["date"] = str(row["date"]) if row["date"] else None
            entry["year"] = int(row["year"]) if row["year"] else None
            entry["media_type"] = str(row["mediaType"]).rsplit("media-types/", 1)[-1] if row["mediaType"] else None
            documents.append(entry)
        return {"triples": self.store.triple_count(), "documents": documents}

    def export(self, fmt: str) -> str:
        """The whole graph as Turtle ('ttl'), JSON-LD ('jsonld') or N-Triples ('nt')."""
        formats = {"ttl": "turtle", "turtle": "turtle", "jsonld": "json-ld", "json-ld": "json-ld",
                   "nt": "nt", "ntriples": "nt"}
        if fmt not in formats:
            raise ValueError(f"unknown export format {fmt!r}; use ttl, jsonld or nt")
        g = self.store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        from ontology.namespaces import DTI, ELI, OA
        g.bind("dti", DTI._NS)
        g.bind("eli", ELI)
        g.bind("oa", OA)
        return g.serialize(format=formats[fmt])

    def union_graph(self) -> Graph:
        return self.store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")

    def close(self) -> None:
        self.store.close()


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


class SubProgress:
    """A second progress bar under a step's own, made on the first report `(done, total)`: the
    pages of the paged file being read (PDF, scans), the texts of an index build being embedded."""

    def __init__(self, label: str, unit: str):
        self.label = label
        self.unit = unit
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            from tqdm import tqdm
            self.bar = tqdm(total=total, desc=self.label, unit=self.unit, file=sys.stderr, leave=False)
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
