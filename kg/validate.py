"""SHACL validation of the graph (pyshacl); each violation names the source line of the
offending fact, found through the node's own `dti:source` or the item it belongs to."""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from ontology.namespaces import DTI, OA, SHAPES_FILE


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    document: str | None
    line: int | None

    def __str__(self) -> str:
        where = f"{self.document}, dòng {self.line}" if self.document else "không rõ nguồn"
        return f"{self.message} ({where}; nút {self.focus}, thuộc tính {self.path})"


def _source_of(data: Graph, node: URIRef) -> tuple[str | None, int | None]:
    candidates = [node]
    item = data.value(node, DTI.item)
    if item is not None:
        candidates.append(item)
    for owner in data.subjects(None, node):
        candidates.append(owner)
    for candidate in candidates:
        for src in data.objects(candidate, DTI.source):
            line = data.value(src, DTI.line)
            doc = data.value(src, OA.hasSource)
            name = data.value(doc, DTI.fileName) if doc is not None else None
            if line is not None:
                return (str(name) if name else None), int(line)
    return None, None


def validate(data: Graph) -> tuple[bool, list[Violation]]:
    """Validate a graph against ontology/shapes.ttl; (conforms, violations with source lines)."""
    from pyshacl import validate as shacl_validate
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    conforms, report, _text = shacl_validate(data, shacl_graph=shapes, inference="none",
                                             abort_on_first=False, allow_warnings=True)
    violations = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        document, line = _source_of(data, focus) if isinstance(focus, URIRef) else (None, None)
        violations.append(Violation(str(focus), str(path) if path else None, str(message or "vi phạm ràng buộc"),
                                    document, line))
    return bool(conforms), violations
