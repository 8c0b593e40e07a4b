"""Legacy Word (.doc): converted through LibreOffice when it is installed, otherwise refused
with a Vietnamese message saying what to install."""
from __future__ import annotations

import shutil

import pytest

from ingest.converters import sniff
from ingest.converters import legacy
from ingest.errors import IngestError
from ingest.pipeline import DocumentReader

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"WordDocument".ljust(4096, b"\x00")


def test_an_ole_file_is_told_apart_by_its_content_whatever_its_name():
    assert sniff(OLE) == "doc"


def test_without_libreoffice_a_doc_is_refused_with_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)
    path = tmp_path / "ke_hoach_cu.doc"
    path.write_bytes(OLE)
    with pytest.raises(IngestError) as err:
        DocumentReader().read_path(path)
    assert err.value.code == "I015"
    assert "libreoffice-writer-nogui" in err.value.message and ".docx" in err.value.message


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed on this machine")
def test_with_libreoffice_a_broken_doc_is_refused_and_nothing_is_left_behind(tmp_path):
    with pytest.raises(IngestError) as err:
        DocumentReader().read("hong.doc", OLE)
    assert err.value.code == "I016"


def test_a_docx_with_a_huge_embedded_picture_is_refused_and_stores_nothing(tmp_path):
    """A 60 MB picture (incompressible, so no zip bomb) inside a Word file: refused in Vietnamese."""
    import io
    import os
    import zipfile

    import docx

    from kg.service import KnowledgeGraph
    plain = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("1. Sở Y tế chủ trì triển khai bệnh án điện tử, hoàn thành trong Quý IV/2024.")
    document.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("word/media/image1.png", b"\x89PNG\r\n\x1a\n" + os.urandom(60 * 1024 * 1024))
    path = tmp_path / "ke_hoach_anh_lon.docx"
    path.write_bytes(out.getvalue())
    graph = KnowledgeGraph(tmp_path / "store")
    try:
        [outcome] = graph.ingest([path])
        assert not outcome.ok and "image1.png" in outcome.message and "quá lớn" in outcome.message
        assert graph.stats()["documents"] == []
    finally:
        graph.close()
