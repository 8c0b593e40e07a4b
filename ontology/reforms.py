"""Typed views of the 2025 reorganisation in `reforms.ttl`: succession rules, the functions that
moved, their legal bases.

The rules speak of agency types and hold in every province. kg/successions.py applies them, with
the 63 → 34 province mapping of PyPI `vietnamadminunits`, to the agencies of a graph.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rdflib import Graph

from .folding import fold
from .namespaces import CODE, DCTERMS, DTI, ELI, PROV, RDF, RDFS, REFORMS_FILE, SKOS

# Change kinds by their local name in the change-kind code list.
WHOLE_KINDS = ("merger", "main", "province-merger")  # the result carries on the whole original
ENDING_KINDS = (*WHOLE_KINDS, "alternative", "abolition")  # after these the original no longer exists


@dataclass(frozen=True)
class LegalBasis:
    iri: str
    id_local: str
    label: str
    date: str | None  # ISO date, None when the sources do not give the day


@dataclass(frozen=True)
class Function:
    """A state-management function that moved; `terms` (folded) tell an item belongs to it."""

    iri: str
    label: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class SuccessionRule:
    """One row of the reorganisation: agencies of `from_type` (or of `from_category`) pass to
    `to_type` (and `to_group`) on `date`; `kind` says how much moved."""

    iri: str
    kind: str
    date: date
    from_type: str | None = None  # agency-type IRI
    from_category: str | None = None
    to_type: str | None = None
    to_group: str | None = None
    applies_to: str | None = None  # a province merger: "province" (the units) or "agency" (their agencies)
    functions: tuple[str, ...] = ()
    bases: tuple[LegalBasis, ...] = ()
    basis_note: str | None = None
    confirmed: bool = True
    comment: str | None = None
    sources: tuple[str, ...] = ()

    @property
    def ends_original(self) -> bool:
        return self.kind in ENDING_KINDS

    @property
    def applied_to_items(self) -> bool:
        """Whether item lists follow this rule: whole mergers always, a transfer of some
        functions only when the sources confirm it (which items it covers is itself a guess)."""
        return self.kind in WHOLE_KINDS or (self.kind == "transfer" and self.confirmed)

    def basis_text(self) -> str:
        """The legal basis as answers cite it: "NĐ 45/2025/NĐ-CP" and any further note."""
        parts = [short_reference(b) for b in self.bases]
        if self.basis_note:
            parts.append(self.basis_note)
        return "; ".join(parts)


def short_reference(basis: LegalBasis) -> str:
    """"Nghị định số 45/2025/NĐ-CP ngày …" → "Nghị định 45/2025/NĐ-CP"."""
    kind = basis.label.split(" số ")[0] if " số " in basis.label else basis.label.split(" ")[0]
    return f"{kind} {basis.id_local}"


_RANK = ("Luật", "Nghị quyết", "Nghị định", "Thông tư")  # the higher document first


def _basis_order(basis: LegalBasis) -> tuple:
    kind = basis.label.split(" ")[0:2]
    name = " ".join(kind)
    rank = next((i for i, k in enumerate(_RANK) if name.startswith(k)), len(_RANK))
    return rank, basis.date or "", basis.id_local


@lru_cache(maxsize=1)
def _graph() -> Graph:
    return Graph().parse(REFORMS_FILE, format="turtle")


@lru_cache(maxsize=1)
def legal_bases() -> dict[str, LegalBasis]:
    g = _graph()
    out = {}
    for iri in g.subjects(RDF.type, ELI.LegalResource):
        day = g.value(iri, ELI.date_document)
        out[str(iri)] = LegalBasis(str(iri), str(g.value(iri, ELI.id_local)), str(g.value(iri, RDFS.label)),
                                   str(day) if day is not None else None)
    return out


@lru_cache(maxsize=1)
def functions() -> dict[str, Function]:
    g = _graph()
    out = {}
    for iri in g.subjects(SKOS.inScheme, CODE["function"]):
        terms = tuple(sorted({fold(str(t)) for t in g.objects(iri, SKOS.hiddenLabel)}, key=lambda t: (-len(t), t)))
        out[str(iri)] = Function(str(iri), str(g.value(iri, SKOS.prefLabel)), terms)
    return out


@lru_cache(maxsize=1)
def kind_labels() -> dict[str, str]:
    """Vietnamese label of each change kind and confirmation level, by local name."""
    g = _graph()
    out = {}
    for scheme in ("change-kind", "confirmation"):
        for iri in g.subjects(SKOS.inScheme, CODE[scheme]):
            out[str(iri).rsplit("/", 1)[-1]] = str(g.value(iri, SKOS.prefLabel))
    return out


@lru_cache(maxsize=1)
def rules() -> tuple[SuccessionRule, ...]:
    g = _graph()
    bases = legal_bases()
    out = []
    for iri in sorted(g.subjects(RDF.type, DTI.SuccessionRule)):
        def one(prop):
            value = g.value(iri, prop)
            return None if value is None else str(value)
        kind = str(g.value(iri, DTI.changeKind)).rsplit("/", 1)[-1]
        confirmation = str(g.value(iri, DTI.confirmation)).rsplit("/", 1)[-1]
        out.append(SuccessionRule(
            iri=str(iri), kind=kind, date=date.fromisoformat(one(PROV.atTime)),
            from_type=one(DTI.fromType), from_category=one(DTI.fromCategory), to_type=one(DTI.toType),
            to_group=one(DTI.toGroup), applies_to=one(DTI.appliesTo), functions=tuple(sorted(str(f) for f in g.objects(iri, DTI.function))),
            bases=tuple(sorted((bases[str(b)] for b in g.objects(iri, DTI.legalBasis)), key=_basis_order)),
            basis_note=one(DTI.basisNote), confirmed=confirmation == "confirmed", comment=one(RDFS.comment),
            sources=tuple(sorted(str(s) for s in g.objects(iri, DCTERMS.source)))))
    return tuple(out)


def province_rule(applies_to: str = "province") -> SuccessionRule:
    """The merger rule of the provinces themselves, or ("agency") of each agency with its province."""
    return next(r for r in rules() if r.kind == "province-merger" and r.applies_to == applies_to)
