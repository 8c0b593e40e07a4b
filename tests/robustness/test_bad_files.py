"""Bad files: each gets either the graph a clean copy gets (with a warning where the reader
had to guess) or a clear Vietnamese error, never a traceback; a refused file leaves the store
exactly as it was (statistics and every quad), through the library and through `dtikg`."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from ingest.errors import DtikgError
from ingest.pipeline import MAX_BYTES, DocumentReader
from kg.builder import GraphBuilder
from synthetic_plans import mixed_line_ends, reading, table_plan, to_cp1258

PLAN = table_plan(8)
CLEAN = PLAN.encode("utf-8")
_rnd = random.Random(20240415)
RANDOM_BYTES = bytes(_rnd.randrange(256) for _ in range(4096))
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(_rnd.randrange(256) for _ in range(4000))
LAST_ROW = PLAN.rstrip("\n").rsplit("\n", 1)[1]
CUT = PLAN[:PLAN.index(LAST_ROW)] + LAST_ROW[:LAST_ROW.index("\t", 4) + 12]  # inside the agency cell

# name, bytes, words of the Vietnamese error
REFUSED = [
    ("rong.txt", b"", "rỗng"),
    ("chi_khoang_trang.txt", b" \r\n\t \n  ", "rỗng"),
    ("byte_ngau_nhien.txt", RANDOM_BYTES, "không phải văn bản"),
    ("anh_png_doi_ten.txt", PNG, "ảnh hỏng"),  # read as what it is: an image, and a broken one
    ("toan_byte_nul.txt", b"\x00" * 4096, "không phải văn bản"),
    ("utf16_toan_nul.txt", b"\xff\xfe" + b"\x00" * 4096, "không phải văn bản"),
    ("bang_tinh.docx", b"PK\x03\x04" + RANDOM_BYTES, "không phải tệp Word .docx hợp lệ"),
    ("pdf_hong_doi_ten.txt", b"%PDF-1.7\n" + RANDOM_BYTES, "PDF"),
]
# name, bytes, words expected in the warnings (none: no warning at all)
ACCEPTED = [
    ("goc_utf8.txt", CLEAN, ()),
    ("utf8_co_bom.txt", b"\xef\xbb\xbf" + CLEAN, ()),
    ("co_byte_nul.txt", PLAN.replace("Tỷ lệ", "Tỷ\x00 lệ").replace("\tSở", "\t\x00Sở").encode(), ()),
    ("utf16_le_khong_bom.txt", PLAN.encode("utf-16-le"), ("UTF-16 LE",)),
    ("utf16_be_khong_bom.txt", PLAN.encode("utf-16-be"), ("UTF-16 BE",)),
    ("utf16_co_bom.txt", PLAN.encode("utf-16"), ()),
    ("utf16_le_le_mot_byte.txt", PLAN.encode("utf-16-le") + b"A", ("UTF-16 LE", "1 chỗ")),
    ("windows_1258.txt", to_cp1258(PLAN), ("Windows-1258",)),
    ("utf8_mot_byte_hong.txt", CLEAN.replace("KẾ HOẠCH".encode(), b"K\xff HO\xe1CH"), ("chỗ",)),
    ("utf8_bom_byte_hong.txt", b"\xef\xbb\xbf" + CLEAN.replace("KẾ HOẠCH".encode(), b"K\xff HOACH"), ("1 chỗ",)),
    ("xuong_dong_lan_lon.txt", mixed_line_ends(PLAN).encode(), ()),
    ("ky_tu_rong_0.txt", PLAN.replace("Sở ", "Sở\u200b ").replace("Tỷ lệ", "Tỷ\u200d lệ\ufeff")
     .replace("UBND", "\u2060UBND").encode(), ()),
    ("dang_nfd.txt", unicodedata.normalize("NFD", PLAN).encode(), ()),
]


def _dump(kg) -> list[bytes]:
    return sorted(kg.store.dump("nq").splitlines())


def _state(kg):
    return kg.stats(), _dump(kg)


@pytest.mark.parametrize("name,data,words", REFUSED, ids=[c[0] for c in REFUSED])
def test_a_bad_file_is_refused_in_vietnamese_and_changes_nothing(robust_store, reliability_log, tmp_path,
                                                                 name, data, words):
    before = _state(robust_store)
    path = tmp_path / name
    path.write_bytes(data)
    (outcome,) = robust_store.ingest([path])
    assert not outcome.ok and words in outcome.message, outcome.message
    assert _state(robust_store) == before
    if path.suffix == ".txt":  # the upload path (bytes, no file) refuses it the same way
        with pytest.raises(DtikgError) as refused:
            robust_store.ingest_bytes(name, data)
        assert words in refused.value.message
        assert _state(robust_store) == before
    reliability_log.append({"group": "tệp hỏng", "case": name, "size": len(data),
                            "outcome": "từ chối", "message": outcome.message})


@pytest.mark.parametrize("name,data,warned", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_an_odd_file_gives_the_clean_graph(robust_store, reliability_log, tmp_path, name, data, warned):
    clean = DocumentReader().read("goc_utf8.txt", CLEAN)
    before = _state(robust_store)
    path = tmp_path / name
    path.write_bytes(data)
    (outcome,) = robust_store.ingest([path])
    assert outcome.ok, outcome.message
    doc = DocumentReader().read_path(path)
    assert reading(doc) == reading(clean)
    assert outcome.warnings == doc.warnings
    for words in warned:
        assert any(words in w for w in doc.warnings), doc.warnings
    if not warned:
        assert doc.warnings == ()
    entry = next(d for d in robust_store.stats()["documents"] if d["file"] == name)
    assert (entry["province"], entry["indicators"], entry["assignments"], entry["legal_references"]) == \
        ("Lào Cai", 8, 24, 1)
    robust_store.remove(name)
    assert _state(robust_store) == before
    reliability_log.append({"group": "tệp lạ", "case": name, "size": len(data),
                            "outcome": "đồ thị như bản sạch", "warnings": list(doc.warnings)})


def test_a_table_cut_off_mid_row_is_read_up_to_the_cut_with_a_warning(robust_store, reliability_log, tmp_path):
    before = _state(robust_store)
    path = tmp_path / "bang_bi_cat.txt"
    path.write_text(CUT, encoding="utf-8")
    (outcome,) = robust_store.ingest([path])
    assert outcome.ok
    doc = DocumentReader().read_path(path)
    full = reading(DocumentReader().read("goc_utf8.txt", CLEAN))["items"]
    items = reading(doc)["items"]
    assert items[:-1] == full[:-1]  # every complete row as in the whole file
    assert items[-1][:4] == full[-1][:4] and items[-1][5] is None  # the cut row: its text, no deadline
    assert any("bị cắt" in w and f"Dòng {items[-1][3]}" in w for w in doc.warnings), doc.warnings
    robust_store.remove(path.name)
    assert _state(robust_store) == before
    reliability_log.append({"group": "tệp lạ", "case": "bang_bi_cat.txt (bảng cắt giữa hàng)", "size": len(CUT),
                            "outcome": "đọc tới chỗ cắt", "warnings": list(doc.warnings)})


def test_a_plan_naming_no_province_is_read_with_a_warning(robust_store, reliability_log, tmp_path):
    before = _state(robust_store)
    path = tmp_path / "khong_ten_tinh.txt"
    path.write_text(table_plan(8, province=None), encoding="utf-8")
    (outcome,) = robust_store.ingest([path])
    assert outcome.ok and outcome.counts["indicator"] == 8
    assert any("Không xác định được tỉnh" in w for w in outcome.warnings)
    entry = next(d for d in robust_store.stats()["documents"] if d["file"] == path.name)
    assert entry["province"] is None and entry["indicators"] == 8 and entry["assignments"] == 24
    robust_store.remove(path.name)
    assert _state(robust_store) == before
    reliability_log.append({"group": "tệp lạ", "case": "khong_ten_tinh.txt (không nêu tỉnh)", "size": path.stat().st_size,
                            "outcome": "đồ thị, tỉnh để trống", "warnings": list(outcome.warnings)})


def test_a_50_mb_text_is_refused_at_once(robust_store, reliability_log, tmp_path):
    line = "Đây là một đoạn văn bản dài không có bảng, chỉ để kiểm tra giới hạn kích thước.\n".encode()
    path = tmp_path / "van_ban_50mb.txt"
    with path.open("wb") as fh:
        fh.write(CLEAN)
        for _ in range(50 * 1024 * 1024 // (len(line) * 1024) + 1):
            fh.write(line * 1024)
    size = path.stat().st_size
    assert size > 50 * 1024 * 1024 > MAX_BYTES
    before = _state(robust_store)
    started = time.perf_counter()
    (outcome,) = robust_store.ingest([path])
    elapsed = time.perf_counter() - started
    assert not outcome.ok and "quá lớn" in outcome.message and f"{MAX_BYTES // 1048576} MB" in outcome.message
    assert elapsed < 2
    with pytest.raises(DtikgError, match="quá lớn"):  # bytes handed over directly are held to the same cap
        robust_store.ingest_bytes(path.name, path.read_bytes())
    assert _state(robust_store) == before
    reliability_log.append({"group": "tệp lớn", "case": "van_ban_50mb.txt", "size": size, "outcome": "từ chối",
                            "message": outcome.message, "seconds": round(elapsed, 3)})


@pytest.mark.slow
def test_a_20000_row_table_is_read_and_built_in_full(reliability_log):
    data = table_plan(20_000).encode()
    started = time.perf_counter()
    doc = DocumentReader().read("bang_20000_dong.txt", data)
    read_s = time.perf_counter() - started
    indicators = [i for i in doc.items if i.kind.value == "indicator"]
    assert len(indicators) == 20_000 and doc.warnings == ()
    assert all(len(i.assignments) == 3 for i in indicators)
    assert [a.agency.name for a in indicators[-1].assignments] == \
        ["Sở Y tế", "Sở Nội vụ", "UBND các huyện, thành phố"]
    started = time.perf_counter()
    graph = GraphBuilder().build(doc)
    build_s = time.perf_counter() - started
    assert len(graph) > 20 * 20_000
    reliability_log.append({"group": "tệp lớn", "case": "bảng 20.000 dòng: đọc + dựng đồ thị", "size": len(data),
                            "outcome": "20.000 chỉ tiêu, mỗi chỉ tiêu 3 phân công", "triples": len(graph),
                            "read_seconds": round(read_s, 1), "build_seconds": round(build_s, 1)})


@pytest.mark.slow
def test_a_large_table_goes_through_the_store(robust_store, reliability_log, tmp_path):
    """The store path with a smaller table than 20,000 rows: one write transaction of ~50 triples
    a row costs far more than reading and building (DTIKG_STORE_ROWS sets the size)."""
    rows = int(os.environ.get("DTIKG_STORE_ROWS", "1000"))
    before = _state(robust_store)
    path = tmp_path / f"bang_{rows}_dong.txt"
    path.write_text(table_plan(rows, number=78), encoding="utf-8")
    started = time.perf_counter()
    (outcome,) = robust_store.ingest([path])
    elapsed = time.perf_counter() - started
    assert outcome.ok and outcome.counts["indicator"] == rows
    entry = next(d for d in robust_store.stats()["documents"] if d["file"] == path.name)
    assert (entry["indicators"], entry["assignments"]) == (rows, 3 * rows)
    triples = robust_store.stats()["triples"] - before[0]["triples"]
    robust_store.remove(path.name)
    assert _state(robust_store) == before
    reliability_log.append({"group": "tệp lớn", "case": f"bảng {rows:,} dòng: đọc, dựng, ghi vào kho".replace(",", "."),
                            "size": path.stat().st_size, "triples": triples, "seconds": round(elapsed, 1),
                            "outcome": f"{rows} chỉ tiêu, {3 * rows} phân công trong kho; gỡ ra thì kho như cũ"})


def test_dtikg_ingest_refuses_bad_files_without_a_trace_and_leaves_the_store(seed_files, reliability_log, tmp_path):
    from kg.service import KnowledgeGraph
    store = tmp_path / "store"
    graph = KnowledgeGraph(store)
    assert all(o.ok for o in graph.ingest(seed_files[:1]))
    graph.close()
    exe = str(Path(sys.executable).with_name("dtikg"))
    env = {k: v for k, v in os.environ.items() if k not in ("DTIKG_ENDPOINT", "DTIKG_STORE")}

    def dtikg(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([exe, *args, "--store", str(store)], capture_output=True, text=True, env=env,
                              timeout=120)

    def state() -> tuple[dict, list[str]]:
        stats, export = dtikg("stats", "--json"), dtikg("export", "--format", "nt")
        assert stats.returncode == 0 and export.returncode == 0, stats.stderr + export.stderr
        return json.loads(stats.stdout), sorted(export.stdout.splitlines())

    before = state()
    files = []
    for name, data, _ in REFUSED:
        (tmp_path / name).write_bytes(data)
        files.append(tmp_path / name)
    big = tmp_path / "qua_lon.txt"
    with big.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # a sparse file: its size is what the reader looks at first
    files += [big, tmp_path / "khong_co_tep_nay.txt"]
    run = dtikg("ingest", *map(str, files), "--quiet")
    assert run.returncode == 1 and "Traceback" not in run.stderr + run.stdout
    lines = [line for line in run.stderr.splitlines() if line.startswith("✗ ")]
    assert [line.split(":", 1)[0][2:] for line in lines] == [f.name for f in files]
    for line in lines:
        assert line.rstrip().endswith("."), line  # one Vietnamese sentence per file
    assert any("quá lớn" in line for line in lines) and any("Không tìm thấy" in line for line in lines)
    after = state()
    assert after == before
    reliability_log.append({"group": "dòng lệnh", "case": f"dtikg ingest với {len(files)} tệp hỏng",
                            "outcome": "mã thoát 1, mỗi tệp một câu báo lỗi tiếng Việt, stats --json và export "
                                       "trước/sau giống hệt", "messages": lines})
