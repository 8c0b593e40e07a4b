"""Property tests of the parsers: no exception on any input, and parse → render → parse gives
the same value wherever a rendering exists (a legal reference's full text, a deadline's or
target's raw text, a baseline in brackets, an agency list joined by ';').

DTIKG_FUZZ_EXAMPLES raises the number of examples per property for a longer campaign."""
from __future__ import annotations

import calendar
import os
import re
import unicodedata
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.agencies import AgencyResolver
from ingest.legal import find_references, render_reference
from qa.records import Intent
from ingest.text import clean_line
from ingest.values import find_baselines, find_deadline_in_text, find_target_in_text, parse_deadline, parse_target
from ontology import codelists

EXAMPLES = int(os.environ.get("DTIKG_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any Unicode text, and text assembled from the words the parsers look for.
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)
WORDS = st.sampled_from([
    "Quyết định", "số", "/", "QĐ", "-", "UBND", "ngày", "30/3/2023", "của", "Thủ tướng", " ", "2023", "185",
    "Nghị quyết", "09-NQ/TU", "Công văn", "BTTTT", "THH", "tháng", "năm", "Quý", "IV", "I", "trước", "%", "trên",
    "đạt", "8,5", "1.000", "xã", "Có", ">=", "≥", "tối thiểu", "(Năm 2022: 6,75/20 điểm đạt 6,75%)", "Sở Y tế", ";",
    ",", "và", "UBND các huyện", "Giám đốc", "(", ")", "Thường xuyên", "\t", "\n", "Ủy ban", "các sở, ban, ngành",
    "thành phố", "chậm nhất", "31/12", "tháng cuối quý", "Đề án 06/CP", "\u0301", "\u200b", "\x00"])
TEXT = st.one_of(ANY_TEXT, st.lists(WORDS, max_size=25).map("".join), st.lists(WORDS, max_size=25).map(" ".join))
FORMS = st.sampled_from(["NFC", "NFD"])

DOC_TYPES = [(c.notation, c.label) for c in codelists.document_types() if c.notation not in ("CV", "ĐA", "L")]
ISSUERS = [(c.notation, c.scope or "local") for c in codelists.issuers()]
BODIES = ["UBND tỉnh Ninh Bình", "Thủ tướng Chính phủ", "Bộ Thông tin và Truyền thông", "Ban Chỉ đạo chuyển đổi số tỉnh"]


@FUZZ
@given(TEXT)
def test_any_text_references_render_and_read_back(text):
    for ref in find_references(text):
        again = find_references(render_reference(ref))
        assert again, (text, render_reference(ref))
        a = again[0]
        assert (a.id_local, a.number, a.date, a.type_code, a.issuer_code, a.scope) == \
            (ref.id_local, ref.number, ref.date, ref.type_code, ref.issuer_code, ref.scope)


@FUZZ
@given(doc_type=st.sampled_from(DOC_TYPES), issuer=st.sampled_from(ISSUERS), number=st.integers(1, 999_999),
       year=st.one_of(st.none(), st.integers(1990, 2039)), when=st.one_of(st.none(), st.dates(date(1990, 1, 1),
                                                                                         date(2039, 12, 31))),
       body=st.one_of(st.none(), st.sampled_from(BODIES)), with_so=st.booleans())
def test_written_references_are_read_exactly(doc_type, issuer, number, year, when, body, with_so):
    (type_code, label), (issuer_code, scope) = doc_type, issuer
    ident = f"{number}/{f'{year}/' if year else ''}{type_code}-{issuer_code}"
    text = (f"Căn cứ {label} {'số ' if with_so else ''}{ident}"
            f"{f' ngày {when.day}/{when.month}/{when.year}' if when else ''}{f' của {body}' if body else ''}; ")
    (ref,) = find_references(text)
    assert (ref.id_local, ref.type_code, ref.issuer_code, ref.scope, ref.date, ref.issuing_body) == \
        (ident, type_code, issuer_code, scope, when, body)
    (again,) = find_references(render_reference(ref))
    assert (again.id_local, again.date, again.issuing_body) == (ref.id_local, ref.date, ref.issuing_body)


@FUZZ
@given(TEXT, st.one_of(st.none(), st.integers(1, 9999)))
def test_any_text_deadline_reads_back_from_its_raw_text(text, plan_year):
    deadline = parse_deadline(text, plan_year)
    if deadline is not None:
        assert parse_deadline(deadline.raw, plan_year) == deadline
    inside = find_deadline_in_text(text, plan_year)
    if inside is not None:
        assert parse_deadline(inside.raw, plan_year) == inside


QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4}


@FUZZ
@given(st.dates(date(1990, 1, 1), date(2099, 12, 31)), st.sampled_from(["month", "quarter", "date", "before"]),
       st.sampled_from(["", "Hoàn thành ", "chậm nhất "]))
def test_written_deadlines_are_read_exactly(when, kind, lead):
    if kind == "month":
        raw = f"{lead}Tháng {when.month}/{when.year}"
        start, end = date(when.year, when.month, 1), \
            date(when.year, when.month, calendar.monthrange(when.year, when.month)[1])
    elif kind == "quarter":
        roman = list(QUARTERS)[(when.month - 1) // 3]
        raw = f"{lead}Quý {roman}/{when.year}"
        q = QUARTERS[roman]
        start = date(when.year, 3 * q - 2, 1)
        end = date(when.year, 3 * q, calendar.monthrange(when.year, 3 * q)[1])
    elif kind == "date":
        raw, start, end = f"{lead}ngày {when.day}/{when.month}/{when.year}", None, when
    else:
        raw, start, end = f"trước ngày {when.day}/{when.month}/{when.year}", None, when
    deadline = parse_deadline(raw, plan_year=2024)
    expected_kind = "before" if "trước" in raw or "chậm nhất" in raw and kind == "date" else kind
    assert (deadline.kind, deadline.start, deadline.end, deadline.raw) == (expected_kind, start, end, raw)
    assert parse_deadline(deadline.raw, 2024) == deadline


@FUZZ
@given(TEXT)
def test_any_text_target_and_baselines_read_back(text):
    target = parse_target(text)
    if target is not None:
        assert parse_target(target.raw) == target
    inside = find_target_in_text(text)
    if inside is not None:
        assert parse_target(inside.raw) == inside
    for baseline in find_baselines(text):
        assert find_baselines(f"({baseline.raw})") == [baseline]


COMPARATORS = [("", "="), ("đạt ", "="), ("trên ", ">"), ("tối thiểu ", ">="), ("ít nhất ", ">="), ("≥", ">="),
               (">=", ">="), ("dưới ", "<"), ("không quá ", "<="), ("tối đa ", "<=")]
UNITS = ["%", "xã", "doanh nghiệp", "điểm", "người", "hộ", "tỷ đồng", "lần"]


@FUZZ
@given(st.sampled_from(COMPARATORS), st.integers(0, 999_999), st.one_of(st.none(), st.integers(1, 99)),
       st.sampled_from(UNITS))
def test_written_targets_are_read_exactly(comparator, whole, decimals, unit):
    words, symbol = comparator
    number = f"{whole}" if decimals is None else f"{whole},{decimals}"
    value = float(number.replace(",", "."))
    if decimals is None and whole >= 1000:  # Vietnamese thousands: 12.500
        number = f"{whole:,}".replace(",", ".")
    raw = f"{words}{number}{'' if unit == '%' else ' '}{unit}"
    target = parse_target(raw)
    assert (target.comparator, target.value, target.unit, target.raw) == (symbol, value, unit, raw)
    assert parse_target(target.raw) == target


@FUZZ
@given(TEXT, st.one_of(st.none(), st.sampled_from(["Ninh Bình", "Khánh Hòa", "Lào Cai"]), ANY_TEXT))
def test_any_agency_cell_splits_into_named_mentions(cell, province):
    # Cells come from document lines, which the reader has cleaned (NFC, no control characters).
    for mention in AgencyResolver(province).split(clean_line(cell)):
        assert mention.name and mention.name == mention.name.strip()
        assert not re.search(r"[\x00-\x1f]", mention.name), mention  # no placeholder or control character leaks


AGENCY_LABELS = [c.label for c in codelists.agency_types() if c.category != "other"]
GROUPS = ["Các sở, ban, ngành", "UBND các huyện, thành phố", "Các đơn vị liên quan", "UBND các xã, phường, thị trấn"]
HOLDERS = ["", "Giám đốc ", "Thủ trưởng ", "Lãnh đạo "]


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(HOLDERS), st.sampled_from(AGENCY_LABELS + GROUPS)), min_size=1, max_size=6),
       st.sampled_from(["Ninh Bình", "Khánh Hòa", "Lào Cai"]), FORMS)
def test_written_agency_lists_are_read_exactly(entries, province, form):
    names = []
    for _, label in entries:
        name = label.replace("{tinh}", province)
        if name not in names:
            names.append(name)
    cell = "; ".join(holder + label.replace("{tinh}", province) for holder, label in entries)
    resolver = AgencyResolver(province)
    got = [unicodedata.normalize("NFC", m.name) for m in resolver.split(unicodedata.normalize(form, cell))]
    assert got == names
    assert [m.name for m in AgencyResolver(province).split("; ".join(got))] == got


QUESTION_WORDS = st.sampled_from([
    "Sở Y tế", "so y te", "chủ trì", "phối hợp", "những chỉ tiêu nào", "nhiệm vụ", "Ninh Bình", "Khánh Hòa", "ở", "?",
    "bao nhiêu", "Quyết định 922/QĐ-BTTTT", "tỉnh nào", "Quý I", "tháng 6/2024", "Đoàn kiểm tra số 1", "trưởng đoàn",
    "cao nhất", "so sánh", "UBND các huyện", "Sở TT&TT", "DVCTT", '"} ; DROP ALL ; #', "SELECT * WHERE { ?s ?p ?o }",
    "<script>", "\u0301", "\x00", "năm 2022", "đạt", "điểm", "hồ sơ sức khỏe điện tử", "thường xuyên"])
QUESTIONS = st.one_of(ANY_TEXT, st.lists(QUESTION_WORDS, max_size=12).map(" ".join))
KNOWN_INTENTS = set(Intent)


@FUZZ
@given(QUESTIONS)
def test_any_question_parses_to_slots_the_graph_holds(engine, question):
    parsed = engine.parser.parse(question)
    catalog = engine.catalog
    assert parsed.intent in KNOWN_INTENTS
    assert all(agent in catalog.agents for match in parsed.agencies for agent in match.agents)
    assert all(doc in catalog.documents for match in parsed.documents for doc in match.docs)
    assert parsed.province is None or parsed.province in {c.label for c in codelists.provinces()}
    assert set(parsed.roles) <= {c.notation for c in codelists.roles()}
    assert engine.parser.parse(parsed.question) == parsed  # the cleaned question reads the same
