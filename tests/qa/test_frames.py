"""Questions as frames, tested by kind of phrasing over many items of the hand-written golden
files (never against the code's own reading): role synonyms and word order give the same
items, "bao nhiêu" before a kind is a count and before anything else a value, and the same
questions typed without diacritics read the same."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from ontology.folding import fold

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
SEEDS = sorted(p for p in GOLDEN.glob("00*.json"))


def golden(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def lines(out: dict, kind: str = "indicator") -> set[int]:
    return {i["source"]["line"] for i in out["items"] if i["kind"] == kind and not i["via_group"]}


KIND_WORD = {"indicator": "chỉ tiêu", "task": "nhiệm vụ"}


def busiest_lead(gold: dict, kind: str = "indicator") -> str | None:
    """The department (a named Sở, not a collective) that leads most items of a kind in a plan."""
    leads = Counter(a for i in gold["items"] if i["kind"] == kind for a in i["roles"].get("lead", [])
                    if re.match(r"Sở [A-ZĐ]", a) and "," not in a)
    return leads.most_common(1)[0][0] if leads else None


LEAD_PHRASINGS = (
    "{agency} chủ trì thực hiện những {kind} nào ở {province}?",
    "{agency} làm đầu mối những {kind} nào ở {province}?",
    "Ở {province}, {agency} chịu trách nhiệm chính những {kind} nào?",
    "Những {kind} nào ở {province} do {agency} là đơn vị chủ trì?",
    "{province}: {kind} nào giao {agency} làm đầu mối?",
)


@pytest.mark.parametrize("kind", ["indicator", "task"])
@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_role_synonyms_and_word_order_give_the_same_items(engine, path, kind):
    gold = golden(path)
    agency = busiest_lead(gold, kind)
    if agency is None:
        pytest.skip(f"no department leads a {kind} here")
    answers = []
    for phrasing in LEAD_PHRASINGS:
        for text in (phrasing.format(agency=agency, province=gold["province"], kind=KIND_WORD[kind]),):
            for form in (text, fold(text)):
                out = engine.ask(form)
                answers.append((form, lines(out, kind), out["interpretation"]))
    first = answers[0][1]
    assert first, answers[0]
    for form, got, interpretation in answers:
        assert got == first, (form, interpretation, sorted(got ^ first))
        assert "chủ trì" in interpretation and "Vai trò" in interpretation, (form, interpretation)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("phrasing", ["{province} có bao nhiêu chỉ tiêu?", "Kế hoạch của {province} có tất cả mấy chỉ tiêu?",
                                      "tong cong {province} dat ra bao nhieu chi tieu"])
def test_how_many_before_a_kind_is_a_count(engine, path, phrasing):
    gold = golden(path)
    want = sum(1 for i in gold["items"] if i["kind"] == "indicator")
    if not want:
        pytest.skip("no indicators")
    question = phrasing.format(province=gold["province"])
    question = fold(question) if question.islower() else question
    out = engine.ask(question)
    assert out["count"] == want, (question, out["interpretation"], out["answer"][:200])


def _value_cases():
    cases = []
    for path in SEEDS:
        gold = golden(path)
        for item in gold["items"]:
            m = re.search(r"\s((?:đạt |trên |tối thiểu |từ )?(\d+(?:[.,]\d+)?)\s?%)\.?$", item["text"])
            if item["kind"] == "indicator" and m and len(item["text"]) > 40:
                cases.append((gold["province"], item["text"][:m.start()].strip(" ,"), m.group(2)))
    return cases[::3]  # every third such indicator: about 25 over the five plans


@pytest.mark.slow
def test_how_many_before_anything_else_is_a_value(engine):
    cases = _value_cases()
    assert len(cases) >= 15
    misses = []
    for province, topic, number in cases:
        question = f"{province} đặt mục tiêu bao nhiêu phần trăm cho {topic[0].lower() + topic[1:]}?"
        out = engine.ask(question)
        if out["count"] not in (1, None) or not re.search(rf"(?<![\d.,]){re.escape(number)}\s?%", out["answer"]):
            misses.append((question, out["answer"][:160]))
    assert len(misses) <= len(cases) // 10, misses


def _misspell(word: str) -> str:
    """One letter dropped from the middle of the longest word."""
    words = word.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    w = words[longest]
    words[longest] = w[:len(w) // 2] + w[len(w) // 2 + 1:]
    return " ".join(words)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_misspelt_agency_and_province_names_link_or_ask(engine, path):
    gold = golden(path)
    agency = busiest_lead(gold)
    if agency is None:
        pytest.skip("no named lead agency")
    exact = engine.ask(f"{agency} chủ trì những chỉ tiêu nào ở {gold['province']}?")
    for question in (f"{_misspell(agency)} chủ trì những chỉ tiêu nào ở {gold['province']}?",
                     f"{agency} chủ trì những chỉ tiêu nào ở {_misspell(gold['province'])}?"):
        out = engine.ask(question)
        if out["intent"] == "clarify":  # not clearly one name: the answer asks, naming the candidates
            assert "Ý bạn là" in out["answer"] and not out["items"], out
            continue
        assert lines(out) == lines(exact), (question, out["interpretation"])


def test_ordinary_words_are_not_read_as_misspelt_names(engine):
    for question in ("Các tỉnh đặt mức bao nhiêu cho tỷ lệ hệ thống thông tin đáp ứng yêu cầu an toàn?",
                     "Bộ Công an chủ trì chỉ tiêu nào?", "Những chỉ tiêu nào về lao động có kỹ năng số?"):
        out = engine.ask(question)
        assert "Hưng Yên" not in out["interpretation"] and "Lâm Đồng" not in out["interpretation"], out
        assert "Công an tỉnh" not in out["interpretation"], out["interpretation"]


def test_team_numbers_by_digit_or_ordinal_but_not_by_year(engine):
    parse = engine.parser.parse
    assert parse("Đoàn kiểm tra thứ ba của Thanh Hóa gồm những ai?").team_number == "3"
    assert parse("doan kiem tra so 2 cua thanh hoa kiem tra nhung don vi nao").team_number == "2"
    assert parse("Các đoàn kiểm tra năm 2023 của Thanh Hóa do ai làm trưởng đoàn?").team_number is None
    assert parse("Kế hoạch giai đoạn 2021-2025 có những đoàn kiểm tra nào?").team_number is None


DATA = Path(__file__).resolve().parents[2] / "data"


def _part_cases():
    """(province, heading words, indicator count) for every Roman-numbered part of a seed that
    holds five indicators or more, counted from the golden files between the part's heading and
    the next one."""
    cases = []
    for path in SEEDS:
        gold = golden(path)
        text = (DATA / gold["file"]).read_text(encoding="utf-8").split("\n")
        heads = [(n, line.strip()) for n, line in enumerate(text, 1) if re.match(r"^[IVX]+\.\s+\S", line.strip())]
        for (start, heading), (end, _) in zip(heads, heads[1:] + [(len(text) + 1, "")]):
            inside = [line.strip() for line in text[start:end - 1]]
            if any(re.match(r"(?i)phụ lục\b", t) or (len(t.split()) >= 3 and t.upper() == t and re.search(r"[A-ZĐ]{4}", t))
                   for t in inside) or len(heading.split()) < 6:
                continue  # the part ends at another kind of heading, or is too short a name to ask by
            count = sum(1 for i in gold["items"] if i["kind"] == "indicator" and start < i["line"] < end)
            if count >= 5:
                words = re.sub(r"^[IVX]+\.\s+", "", heading).rstrip(":").lower()
                cases.append((gold["province"], words, count))
    return cases


@pytest.mark.parametrize("province, heading, count", _part_cases())
def test_a_part_named_by_its_heading_is_counted_whole(engine, province, heading, count):
    out = engine.ask(f"{province} có bao nhiêu chỉ tiêu thuộc phần “{heading}”?")
    assert out["count"] == count, (heading, out["interpretation"])
    assert "Phần:" in out["interpretation"]
