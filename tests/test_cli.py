"""The `dtikg` calls of ../shared/qa/CONTRACT.md, run as a user would (subprocesses)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXE = str(Path(sys.executable).with_name("dtikg"))


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
