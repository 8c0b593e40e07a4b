"""Any string gets a valid answer object; SPARQL fragments never change the graph."""
from __future__ import annotations

import json

import pytest

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


@pytest.mark.parametrize("question", ["Sở Y tế chủ trì những chỉ tiêu nào?", "Đoàn kiểm tra số 3 kiểm tra những đơn vị nào?",
                                      "Quyết định 176/QĐ-UBND đặt ra những chỉ tiêu nào?", "hồ sơ sức khỏe điện tử"])
def test_the_json_of_an_answer_is_every_field_of_its_items(engine, question):
    """AnswerItem.to_json is written out by hand for speed; it must say what asdict would."""
    from dataclasses import asdict
    answer = engine.answerer.answer(engine.parser.parse(question))
    assert answer.items
    for item, out in zip(answer.items, answer.to_json()["items"]):
        expected = asdict(item)
        expected.update(roles=list(item.roles), agencies=list(item.agencies), grounds=list(item.grounds))
        if item.score is None:
            expected.pop("score")
        assert out == expected
