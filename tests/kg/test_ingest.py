"""Ingest through the store: idempotent, replaces an edited document, refuses bad files
without touching the store, and gives the contract's statistics."""
from __future__ import annotations

import shutil

import pytest

from kg.service import KnowledgeGraph

EXPECTED_STATS = {  # indicators, sub-items, tasks, duties, info items, teams
    "000_b6c86109a8f1a47b.txt": ("Ninh Bình", 34, 0, 0, 0, 0, 0),
    "001_d97555f28587097e.txt": ("Khánh Hòa", 99, 17, 0, 6, 20, 0),
    "002_ff9fd696b770e550.txt": ("Ninh Thuận", 0, 0, 17, 5, 0, 0),
    "003_e6efca7b13e2a130.txt": ("Bắc Giang", 28, 0, 75, 13, 0, 0),
    "004_85549b70ab301922.txt": ("Thanh Hóa", 53, 1, 0, 5, 0, 3),
}


def test_stats_shape_and_figures(kg):
    stats = kg.stats()
    assert stats["triples"] > 10000
    by_file = {d["file"]: d for d in stats["documents"]}
    for file, (province, ind, sub, tasks, duties, info, teams) in EXPECTED_STATS.items():
        d = by_file[file]
        assert (d["province"], d["indicators"], d["sub_items"], d["tasks"], d["duties"], d["info_items"],
                d["teams"]) == (province, ind, sub, tasks, duties, info, teams)
        assert d["assignments"] > 0 and d["legal_references"] >= 2
        assert set(d) >= {"file", "province", "indicators", "sub_items", "tasks", "info_items", "teams",
                          "assignments", "legal_references"}


@pytest.fixture
def small_kg(tmp_path, seed_files):
    data = tmp_path / "data"
    data.mkdir()
    for f in seed_files[:2]:
        shutil.copy(f, data / f.name)
    graph = KnowledgeGraph(tmp_path / "store")
    graph.ingest([data])
    yield graph, data
    graph.close()


def test_ingest_twice_leaves_the_graph_unchanged(small_kg):
    graph, data = small_kg
    before = graph.export("nt")
    graph.ingest([data])
    assert sorted(graph.export("nt").splitlines()) == sorted(before.splitlines())


def test_reingesting_an_edited_file_replaces_its_graph(small_kg):
    graph, data = small_kg
    path = data / "000_b6c86109a8f1a47b.txt"
    text = path.read_text(encoding="utf-8").replace("trên 80%.\tGiám đốc Sở Y tế", "trên 85%.\tGiám đốc Sở Y tế")
    path.write_text(text, encoding="utf-8")
    graph.ingest([path])
    labels = {str(r["t"]) for r in graph.store.select(
        "SELECT ?t WHERE { ?i <https://dtikg.vn/ontology#text> ?t }")}
    assert "Tỷ lệ dân số có hồ sơ sức khỏe điện tử trên 85%." in labels
    assert "Tỷ lệ dân số có hồ sơ sức khỏe điện tử trên 80%." not in labels
    assert graph.stats()["documents"][0]["indicators"] == 34


@pytest.mark.parametrize("name,data", [
    ("empty.txt", b""), ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
    ("bang.docx", b"PK\x03\x04 not supported"),
])
def test_a_refused_file_changes_nothing(small_kg, tmp_path, name, data):
    graph, _ = small_kg
    before = (graph.stats(), graph.export("nt"))
    bad = tmp_path / name
    bad.write_bytes(data)
    (outcome,) = graph.ingest([bad])
    assert not outcome.ok and outcome.message  # a Vietnamese sentence
    assert (graph.stats(), graph.export("nt")) == before


@pytest.mark.parametrize("fmt,needle", [("ttl", "@prefix"), ("nt", "<https://dtikg.vn/"), ("jsonld", "@id")])
def test_export(kg, fmt, needle):
    assert needle in kg.export(fmt)[:20000]
