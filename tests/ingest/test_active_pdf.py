"""A PDF carrying JavaScript, a launch action and an attached file is read for its text only:
nothing runs, nothing is extracted."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import DocumentReader
from ingest.records import ItemKind

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SECRET = "NOI-DUNG-TEP-DINH-KEM-KHONG-DUOC-DOC"


def _active_pdf(path: Path, marker: Path) -> None:
    from fpdf import FPDF
    from fpdf.actions import Action

    class JavaScript(Action):  # fpdf2 has no JavaScript action of its own
        def serialize(self, _security_handler=None, _obj_id=None):
            script = f"app.launchURL('file://{marker}'); this.exportDataObject({{cName: 'x', nLaunch: 2}});"
            return self._serialize({"s": "/JavaScript", "j_s": f"({script})"}, _security_handler, _obj_id)

    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "ỦY BAN NHÂN DÂN TỈNH LÀO CAI\nSố: 5/KH-UBND\nKẾ HOẠCH\nIII. NHIỆM VỤ\n"
                         "1. Sở Y tế chủ trì triển khai bệnh án điện tử, hoàn thành trong Quý IV/2024.")
    pdf.add_action(JavaScript(), x=10, y=10, w=50, h=10)
    pdf.embed_file(bytes=(SECRET + "\n").encode(), basename="dinh_kem.txt")
    pdf.output(str(path))


@pytest.mark.skipif(not FONT.exists(), reason="needs Debian fonts-dejavu-core (make test installs it)")
def test_scripts_and_attachments_are_never_run_or_extracted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "da_chay.txt"
    path = tmp_path / "ke_hoach_co_script.pdf"
    _active_pdf(path, marker)
    assert b"/JavaScript" in path.read_bytes() and b"/EmbeddedFile" in path.read_bytes()
    before = set(tmp_path.iterdir())
    doc = DocumentReader().read_path(path)
    assert [i.kind for i in doc.items] == [ItemKind.TASK]
    assert not any(SECRET in line for line in doc.source.lines)  # the attachment is not read
    assert set(tmp_path.iterdir()) == before and not marker.exists()  # nothing written, nothing run
