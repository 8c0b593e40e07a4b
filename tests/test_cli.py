"""The `dtikg` calls of ../shared/qa/CONTRACT.md, run as a user would (subprocesses)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXE = str(Path(sys.executable).with_name("dtikg"))
QUESTION = "Sở Y tế chủ trì những chỉ tiêu nào?"


def dtikg(*args, store: Path, stdin: str | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, DTIKG_STORE=str(store))
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, text=True, env=env, timeout=timeout)


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory, seed_files):
    store = tmp_path_factory.mktemp("cli-store")
    data = tmp_path_factory.mktemp("cli-data")
    for f in seed_files[:2]:
        (data / f.name).write_bytes(f.read_bytes())
    proc = dtikg("ingest", str(data), "--store", str(store), store=store)
    assert proc.returncode == 0, proc.stderr
    return store, data


def test_ingest_prints_what_it_read_and_twice_changes_nothing(cli_store):
    store, data = cli_store
    first = dtikg("stats", "--json", store=store)
    again = dtikg("ingest", str(data), "--quiet", store=store)
    assert again.returncode == 0 and "000_b6c86109a8f1a47b.txt: 34 chỉ tiêu" in again.stdout
    assert "Chỉ mục hỏi đáp đã khớp với các văn bản trong kho" in again.stdout  # the last step had nothing to do
    second = dtikg("stats", "--json", store=store)
    assert json.loads(first.stdout) == json.loads(second.stdout)
    stats = json.loads(second.stdout)
    assert [d["indicators"] for d in stats["documents"]] == [34, 99]


def test_ask_json_and_jsonl(cli_store):
    store, _ = cli_store
    one = json.loads(dtikg("ask", "Sở Y tế chủ trì những chỉ tiêu nào?", "--json", store=store).stdout)
    assert one["question"] == "Sở Y tế chủ trì những chỉ tiêu nào?" and one["count"] == 3
    lines = dtikg("ask", "--jsonl", "-", store=store, stdin="Sở Y tế chủ trì những chỉ tiêu nào?\n\n\"} ; DROP ALL ; #\n")
    answers = [json.loads(x) for x in lines.stdout.splitlines()]
    assert len(answers) == 3 and answers[1]["items"] == []
    assert lines.stderr.strip() == ""


def test_ask_brings_a_stale_index_up_to_date_unless_another_process_holds_the_store(cli_store, tmp_path, seed_files):
    from kg.service import KnowledgeGraph
    built, _ = cli_store
    store = tmp_path / "store"
    shutil.copytree(built / "index", store / "index")  # vectors are cached by text: nothing is embedded again
    holder = KnowledgeGraph(store)  # another tool ingests without the last step, and keeps the store open
    try:
        assert holder.ingest(seed_files[:1])[0].ok
        refused = dtikg("ask", QUESTION, "--json", store=store)
        assert refused.returncode == 2 and f"dtikg index --store {store}" in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr and refused.stdout == ""
    finally:
        holder.close()
    answered = dtikg("ask", QUESTION, "--json", store=store)  # the store is free: its index is built first
    assert answered.returncode == 0, answered.stderr
    answer = json.loads(answered.stdout)
    assert answer["count"] and {i["source"]["document"] for i in answer["items"]} == {seed_files[0].name}
    holder = KnowledgeGraph(store)
    try:  # held again, now with a current index: read from a snapshot, as before
        again = dtikg("ask", QUESTION, "--json", store=store)
        assert again.returncode == 0 and json.loads(again.stdout) == answer and again.stderr.strip() == ""
    finally:
        holder.close()
    current = dtikg("index", store=store)
    assert current.returncode == 0 and "không cần xây lại" in current.stdout


def test_sparql_export_and_errors(cli_store, tmp_path):
    store, _ = cli_store
    rows = json.loads(dtikg("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", store=store).stdout)
    assert int(rows["rows"][0]["n"]) > 1000
    refused = dtikg("sparql", "DROP ALL", store=store)
    assert refused.returncode == 2 and "từ chối" in refused.stderr and "Traceback" not in refused.stderr
    out = tmp_path / "g.ttl"
    assert dtikg("export", "--format", "ttl", "-o", str(out), store=store).returncode == 0
    assert out.read_text(encoding="utf-8").startswith("@prefix")
    missing = dtikg("ingest", str(tmp_path / "khong-co.txt"), "--quiet", store=store)
    assert missing.returncode == 1 and "Không tìm thấy tệp" in missing.stderr and "Traceback" not in missing.stderr


def test_ingest_of_a_pdf_shows_a_progress_bar_per_page(tmp_path, shared_dev_docs):
    store = tmp_path / "store"
    proc = dtikg("ingest", str(shared_dev_docs / "binh_dinh_2024.pdf"), "--store", str(store), store=store)
    assert proc.returncode == 0, proc.stderr
    assert "binh_dinh_2024.pdf" in proc.stderr and "5/5" in proc.stderr and "trang" in proc.stderr
    assert "binh_dinh_2024.pdf: 27 chỉ tiêu" in proc.stdout


def test_ask_as_of_a_day_reads_names_as_they_were_then(cli_store):
    """`--as-of`: before 1/3/2025 Sở Khoa học và Công nghệ of Khánh Hòa had not taken over the
    former Sở Thông tin và Truyền thông; afterwards it carries on its indicators."""
    store, _ = cli_store
    question = "Sở Khoa học và Công nghệ Khánh Hòa chủ trì những chỉ tiêu nào?"
    before = dtikg("ask", question, "--json", "--as-of", "31/12/2024", store=store)
    after = dtikg("ask", question, "--json", "--as-of", "2025-03-01", store=store)
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert json.loads(before.stdout)["count"] == 0
    out = json.loads(after.stdout)
    assert out["count"] > 20 and all(i["predecessor"] for i in out["items"] if not i["via_group"])
    assert "Tên gọi tính đến ngày 01/3/2025" in out["interpretation"]
    bad = dtikg("ask", question, "--as-of", "31/2/2025", store=store)
    assert bad.returncode == 2 and "Ngày “31/2/2025” không hợp lệ" in bad.stderr
