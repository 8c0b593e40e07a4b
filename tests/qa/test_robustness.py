"""Any string gets a valid answer object; SPARQL fragments never change the graph."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ODD = st.one_of(
    st.text(max_size=300),
    st.sampled_from(['"} ; DROP ALL ; #', "'; DELETE WHERE { ?s ?p ?o } #", "<script>alert(1)</script>", "",
                     "\x00\x01\x02", "🙂" * 50, "?" * 500, "SELECT * WHERE { ?s ?p ?o }", "a" * 10000,
                     "Sở Y tế\u0000 chủ trì", "Quyết định 176/QĐ-UBND\n\n\t DROP GRAPH <x>"]),
)


def assert_answer_object(out, question):
    json.dumps(out, ensure_ascii=False)
    assert set(out) >= {"question", "answer", "count", "items"}
    assert isinstance(out["answer"], str) and out["answer"]
    assert out["count"] is None or isinstance(out["count"], int)
    assert isinstance(out["items"], list)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=ODD)
def test_any_string_gets_an_answer_object(engine, question):
    out = engine.ask(question)
    assert_answer_object(out, question)
    assert out["intent"] != "error", out


def test_sparql_fragments_do_not_change_the_graph(engine):
    before = engine.kg.store.triple_count()
    for q in ['"} ; DROP ALL ; #', "Sở Y tế'} ; CLEAR ALL", "INSERT DATA { <a> <b> <c> }"]:
        assert_answer_object(engine.ask(q), q)
    assert engine.kg.store.triple_count() == before
