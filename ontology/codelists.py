"""Typed views of the SKOS code lists in `codelists.ttl`, read once per process."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Literal, URIRef

from .namespaces import CODE, CODELISTS_FILE, DTI, SKOS


@dataclass(frozen=True)
class CodeConcept:
    """One concept of a code list: its IRI, notation, Vietnamese labels and extras."""

    iri: URIRef
    notation: str
    label: str
    alt_labels: tuple[str, ...]
    category: str | None = None
    scope: str | None = None
    hidden_labels: tuple[str, ...] = ()
    rank: int = 0
    match_whole: bool = False
    asked_as: tuple[str, ...] = ()  # how officials name it in questions (dti:askedAs)
    asked_as_weak: tuple[str, ...] = ()  # question phrases that count only without a stronger one


@lru_cache(maxsize=1)
def _graph() -> Graph:
    return Graph().parse(CODELISTS_FILE, format="turtle")


def _concepts(scheme: str) -> tuple[CodeConcept, ...]:
    g = _graph()
    out = []
    for iri in sorted(g.subjects(SKOS.inScheme, CODE[scheme])):
        label = str(g.value(iri, SKOS.prefLabel))
        alts = tuple(sorted(str(a) for a in g.objects(iri, SKOS.altLabel)))
        notation = g.value(iri, SKOS.notation)
        category = g.value(iri, DTI.agencyCategory)
        scope = g.value(iri, DTI.scope)
        rank = g.value(iri, DTI.rank)
        whole = g.value(iri, DTI.matchWhole)
        out.append(CodeConcept(
            iri=iri,
            notation=str(notation) if notation is not None else str(iri).rsplit("/", 1)[-1],
            label=label,
            alt_labels=alts,
            category=str(category) if isinstance(category, Literal) else None,
            scope=str(scope) if isinstance(scope, Literal) else None,
            hidden_labels=tuple(sorted(str(h) for h in g.objects(iri, SKOS.hiddenLabel))),
            rank=int(rank) if rank is not None else 0,
            match_whole=bool(whole.toPython()) if whole is not None else False,
            asked_as=tuple(sorted(str(a) for a in g.objects(iri, DTI.askedAs))),
            asked_as_weak=tuple(sorted(str(a) for a in g.objects(iri, DTI.askedAsWeak))),
        ))
    return tuple(out)


@lru_cache(maxsize=None)
def roles() -> tuple[CodeConcept, ...]:
    return _concepts("role")


@lru_cache(maxsize=None)
def questions() -> tuple[CodeConcept, ...]:
    """What question words ask for, and the words that only frame a question."""
    return _concepts("question")


@lru_cache(maxsize=None)
def scheme_asked_as(scheme: str) -> tuple[str, ...]:
    """Question phrases of a whole code list (for roles: phrases that ask for any role)."""
    return tuple(sorted(str(a) for a in _graph().objects(CODE[scheme], DTI.askedAs)))


@lru_cache(maxsize=None)
def role(notation: str) -> CodeConcept:
    for concept in roles():
        if concept.notation == notation:
            return concept
    raise ValueError(f"[O001] unknown role code {notation!r}")


@lru_cache(maxsize=None)
def document_types() -> tuple[CodeConcept, ...]:
    return _concepts("document-type")


@lru_cache(maxsize=None)
def issuers() -> tuple[CodeConcept, ...]:
    return _concepts("issuer")


@lru_cache(maxsize=None)
def pillars() -> tuple[CodeConcept, ...]:
    return _concepts("pillar")


@lru_cache(maxsize=None)
def agency_types() -> tuple[CodeConcept, ...]:
    return _concepts("agency-type")


@lru_cache(maxsize=None)
def provinces() -> tuple[CodeConcept, ...]:
    return _concepts("province")


@lru_cache(maxsize=None)
def columns() -> tuple[CodeConcept, ...]:
    return tuple(sorted(_concepts("column"), key=lambda c: c.rank))


@lru_cache(maxsize=None)
def agency_heads() -> tuple[CodeConcept, ...]:
    return _concepts("agency-head")


@lru_cache(maxsize=None)
def holders() -> tuple[CodeConcept, ...]:
    return _concepts("holder")
