"""Every answer says what it understood (the `interpretation` field), in accented Vietnamese
whatever the question's spelling, slot by slot; intents are a closed set, each with its family."""
from __future__ import annotations

import pytest

from ontology.folding import fold
from qa.records import Intent


def test_every_intent_has_an_answer_family(engine):
    assert set(engine.answerer.families()) == set(Intent)


@pytest.mark.parametrize("question, expected", [
    ("Sở Y tế chủ trì những chỉ tiêu nào?", ["Cơ quan: Sở Y tế (mọi tỉnh)", "Vai trò: chủ trì", "Loại: chỉ tiêu"]),
    ("so y te chu tri nhung chi tieu nao", ["Cơ quan: Sở Y tế (mọi tỉnh)", "Vai trò: chủ trì", "Loại: chỉ tiêu"]),
    ("Sở TT&TT Bắc Giang phối hợp bao nhiêu chỉ tiêu?",
     ["Cơ quan: Sở Thông tin và Truyền thông", "Tỉnh: Bắc Giang", "Vai trò: phối hợp", "Hỏi: số lượng"]),
    ("Những chỉ tiêu nào của Thanh Hóa phải hoàn thành trong Quý I?", ["Tỉnh: Thanh Hóa", "Thời hạn: Quý I"]),
    ("nhung chi tieu nao cua ninh binh han trong thang 11/2023", ["Tỉnh: Ninh Bình", "Thời hạn: tháng 11/2023"]),
    ("Quyết định 185/QĐ-UBND được viện dẫn bởi những tỉnh nào?", ["Văn bản: 185/QĐ-UBND"]),
])
def test_the_interpretation_names_each_slot_in_accented_vietnamese(engine, question, expected):
    out = engine.ask(question)
    for part in expected:
        assert part in out["interpretation"], (question, out["interpretation"])


def test_a_question_read_as_search_says_so(engine):
    out = engine.ask("hôm nay trời đẹp quá")
    assert "không phải câu trả lời chính xác" in out["interpretation"]


def test_the_dev_questions_all_carry_an_interpretation_and_it_is_never_the_folded_question(engine, shared_qa):
    import json
    questions = json.loads((shared_qa / "dev.json").read_text(encoding="utf-8"))
    questions += json.loads((shared_qa / "paraphrase-dev.json").read_text(encoding="utf-8"))
    for q in questions:
        out = engine.ask(q["q"])
        assert out["interpretation"], q["q"]
        if fold(q["q"]) != q["q"].lower():  # asked with diacritics: nothing folded is echoed
            assert fold(out["interpretation"]) != out["interpretation"].lower(), out["interpretation"]


def test_an_empty_question_has_an_empty_interpretation(engine):
    assert engine.ask("")["interpretation"] == ""
