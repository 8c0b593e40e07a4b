"""A 300-page PDF: read page by page with progress, in bounded time and memory."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PAGES = 300

CHILD = """
import json, resource, sys, time
from ingest.pipeline import DocumentReader
reader = DocumentReader()
reader.warm_up()
seen = []
start = time.perf_counter()
doc = reader.read_path(sys.argv[1], on_page=lambda done, total: seen.append((done, total)))
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "pages": len(seen), "last": seen[-1], "tasks": sum(1 for i in doc.items
      if i.kind.value == "task"), "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
      "page_of_last": doc.items[-1].span.page}))
"""


def _long_pdf(path: Path) -> None:
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "ỦY BAN NHÂN DÂN TỈNH LÀO CAI\nSố: 77/KH-UBND\nKẾ HOẠCH\nChuyển đổi số năm 2024\n"
                          "III. NHIỆM VỤ CỤ THỂ")
    leads = ["Sở Thông tin và Truyền thông", "Sở Nội vụ", "Công an tỉnh", "Sở Y tế", "Văn phòng UBND tỉnh",
             "Sở Tài chính", "Sở Giáo dục và Đào tạo"]
    works = ["triển khai nền tảng số", "số hóa hồ sơ", "đào tạo kỹ năng số", "kết nối dữ liệu",
             "nâng cấp hệ thống", "tuyên truyền chuyển đổi số", "rà soát thủ tục hành chính", "xây dựng kho dữ liệu",
             "bảo đảm an toàn thông tin", "mở rộng thanh toán điện tử", "tổ chức hội nghị"]
    for n in range(1, PAGES):
        pdf.add_page()
        lead, coordinate = leads[n % len(leads)], leads[(n + 3) % len(leads)]
        pdf.multi_cell(0, 8, f"{n}. {lead} chủ trì, phối hợp với {coordinate} {works[n % len(works)]} cho "
                             f"nhóm {n} các xã, phường trên địa bàn tỉnh, hoàn thành trong Quý {1 + n % 4}/2024.")
    pdf.output(str(path))


@pytest.mark.slow
@pytest.mark.skipif(not FONT.exists(), reason="needs Debian fonts-dejavu-core (make test installs it)")
def test_a_300_page_pdf_reads_page_by_page_in_bounded_time_and_memory(tmp_path, reliability_log):
    path = tmp_path / "ke_hoach_300_trang.pdf"
    _long_pdf(path)
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=ROOT,
                         timeout=600, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["pages"] == PAGES and result["last"] == [PAGES, PAGES]  # a progress tick per page
    assert result["tasks"] == PAGES - 1
    assert result["page_of_last"] == PAGES  # citations know the page
    assert result["seconds"] < 0.5 * PAGES, result  # the budget: 0.5 s a page
    assert result["rss_mib"] < 1024, result
    reliability_log.append({"group": "PDF dài", "case": f"{PAGES} trang, {result['tasks']} nhiệm vụ",
                            "outcome": f"{result['seconds']:.1f} s ({result['seconds'] / PAGES:.3f} s/trang), "
                                       f"RSS đỉnh {result['rss_mib']:.0f} MiB"})
