"""User-written SPARQL, read-only: SELECT/ASK/CONSTRUCT/DESCRIBE only, no SERVICE,
a time limit and a row limit. Updates are refused before they reach the store."""
from __future__ import annotations

import re
import threading

from rdflib import Literal, URIRef

from ingest.errors import DtikgError

from .store import GraphStore, StoreError


class QueryRefused(DtikgError):
    """A user query that dtikg will not run (update, SERVICE, over a limit)."""


_STRINGS = re.compile(r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>')
_COMMENTS = re.compile(r"#[^\n]*")
_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _skeleton(text: str) -> str:
    """The query with IRIs, strings and comments blanked, so keywords inside them do not count.
    Codepoint escapes are read first, as SPARQL parsers do (`\\u0053ERVICE` is SERVICE)."""
    text = _CODEPOINT.sub(lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)), text)
    return _COMMENTS.sub(" ", _STRINGS.sub(" ", text))


def check_readonly(text: str) -> str:
    """Return the query form, or raise QueryRefused with a Vietnamese reason."""
    if not text or not text.strip():
        raise QueryRefused("Q001")
    if len(text) > 20000:
        raise QueryRefused("Q002")
    skeleton = _skeleton(text)
    if _UPDATE.search(skeleton):
        raise QueryRefused("Q003")
    if re.search(r"\bSERVICE\b", skeleton, re.IGNORECASE):
        raise QueryRefused("Q004")
    form = _FORM.search(skeleton)
    if not form:
        raise QueryRefused("Q005")
    try:
        from rdflib.plugins.sparql.parser import parseQuery
        parseQuery(text)
    except Exception as exc:  # pyparsing raises its own exception types
        raise QueryRefused("Q006", detail=str(exc)[:200]) from None
    return form.group(1).upper()


def _term(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (URIRef, Literal)):
        return str(value)
    return str(value)


# Queries past their time limit: the embedded store cannot cancel a query, so its thread runs on.
# While one does, new queries are refused, so that repeated heavy queries cannot take every core.
_OVERDUE: set[threading.Thread] = set()
_OVERDUE_LOCK = threading.Lock()


def run_readonly(store: GraphStore, text: str, timeout: float = 10.0, row_limit: int = 1000) -> dict:
    """Run a read-only query with limits; returns a JSON-able result."""
    if timeout <= 0 or row_limit <= 0:
        raise ValueError(f"timeout and row_limit must be positive, got {timeout!r}, {row_limit!r}")
    form = check_readonly(text)
    with _OVERDUE_LOCK:
        _OVERDUE.difference_update([t for t in _OVERDUE if not t.is_alive()])
        if _OVERDUE:
            raise QueryRefused("Q009")
    result: dict = {}
    error: list[BaseException] = []

    def work() -> None:
        try:
            if form == "SELECT":
                rows = store.select(text)
                cols = list(rows[0].keys()) if rows else []
                result.update(form=form, columns=cols, truncated=len(rows) > row_limit,
                              rows=[{k: _term(v) for k, v in r.items()} for r in rows[:row_limit]])
            elif form == "ASK":
                result.update(form=form, boolean=store.ask(text))
            else:
                g = store.construct(text)
                triples = list(g)[:row_limit]
                result.update(form=form, truncated=len(g) > row_limit,
                              triples=[[str(s), str(p), str(o)] for s, p, o in triples])
        except BaseException as exc:  # reported to the caller below
            error.append(exc)

    worker = threading.Thread(target=work, daemon=True, name="sparql-readonly")
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        with _OVERDUE_LOCK:
            _OVERDUE.add(worker)
        raise QueryRefused("Q007", seconds=timeout)
    if error:
        exc = error[0]
        if isinstance(exc, DtikgError):
            raise QueryRefused("Q010", detail=exc.message) from None
        raise QueryRefused("Q008", detail=str(exc)[:200]) from None
    return result


__all__ = ["QueryRefused", "StoreError", "check_readonly", "run_readonly"]
