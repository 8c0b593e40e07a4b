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
