"""Every error dtikg raises on purpose, defined once: its code and its Vietnamese message
(after spaCy's `errors.py`). One exception family rooted in `DtikgError`; raise sites give the
code and the message's fields, never the text: `IngestError("I001", name=name)`."""
from __future__ import annotations


class Errors:
    """Message templates by code: I… reading documents, K… the store, Q… SPARQL, W… uploads."""

    # Reading documents (ingest)
    I001 = "Tệp {name} rỗng: không có nội dung để đọc."
    I002 = "Tệp {name} không phải văn bản (có vẻ là tệp nhị phân)."
    I003 = "Định dạng tệp {name} chưa được hỗ trợ (nhận {formats})."
    I004 = "Không đọc được tệp {name}: {reason}."
    I005 = "Tệp {name} quá lớn ({shown}; tối đa {limit})."
    I006 = "Không tìm thấy tệp {path}."
    I007 = "Tệp {name} không phải tệp Word .docx (không có cấu trúc ZIP của .docx)."
    I008 = "Tệp {name} chứa {count} thành phần nén, quá nhiều cho một văn bản Word (có thể là tệp nén độc hại); không đọc."
    I009 = "Tệp {name} là tệp Word cũ (.doc) hoặc được bảo vệ, không phải .docx: hãy mở bằng Word và lưu lại dạng .docx rồi nạp lại."
    I010 = "Tệp {name} là tệp PDF bị hỏng hoặc bị cắt cụt, không đọc được ({kind})."
    I011 = "Tệp {name} được bảo vệ bằng mật khẩu (PDF mã hóa): hãy gỡ mật khẩu rồi nạp lại."
    I012 = "Tệp {name} giải nén ra {size}, vượt giới hạn {limit} (có thể là tệp nén độc hại); không đọc."
    I013 = "Lớp chữ của tệp {name} không đọc được ({percent}% ký tự là ký tự riêng của phông, mã glyph hoặc ký tự lạ): cần nhận dạng ký tự (OCR)."
    I014 = "Chưa cài thư viện python-docx để đọc tệp .docx: hãy chạy `pip install 'python-docx>=1.1'` (hoặc cài lại dtikg)."
    I015 = "Tệp {name} là tệp Word cũ (.doc). Để đọc được, hãy cài LibreOffice (Debian: apt-get install libreoffice-writer-nogui), hoặc mở tệp bằng Word và lưu lại dạng .docx rồi nạp lại."
    I016 = "LibreOffice không chuyển được tệp {name} sang .docx (tệp hỏng hoặc không phải .doc)."
    I017 = "Tệp {name} là tệp ZIP nhưng không phải văn bản Word .docx."
    I018 = "Tệp {name} không có phần thân văn bản Word (w:body)."
    I019 = "Tệp {name} không có chữ nào để đọc."
    I020 = "Không đọc được chỉ tiêu, nhiệm vụ hay đoàn kiểm tra nào trong tệp {name}: {tables}, và không có câu giao việc nào (tên cơ quan rồi \"chủ trì\", \"phối hợp\", \"là đơn vị đầu mối\"…). Văn bản không được nạp."
    I021 = "Tệp {name} không phải tệp Word .docx đọc được (thiếu hoặc hỏng phần nội dung chính)."
    I022 = "Tệp {name} có cấu trúc Word không đọc được ({kind})."
    I023 = "Tệp {name} là tệp Word được bảo vệ bằng mật khẩu: hãy gỡ mật khẩu (lưu lại không đặt mật khẩu) rồi nạp lại."
    I024 = "Tệp {name} không phải tệp Word .docx hợp lệ (tệp ZIP bị hỏng)."
    I025 = "Tệp {name} có thành phần nén bất thường ({member}: giải nén ra {size}, gấp {ratio:.0f} lần), có thể là tệp nén độc hại (zip bomb); không đọc."
    I026 = "Tệp {name} được mã hóa (ZIP có mật khẩu): hãy gỡ mật khẩu rồi nạp lại."
    I027 = "LibreOffice không chuyển được tệp {name} trong {seconds:.0f} giây."
    I028 = "Tệp {name} không phải tệp PDF (không có phần đầu %PDF)."
    I029 = "Tệp {name} không có trang nào (tệp PDF rỗng hoặc bị cắt cụt)."
    I030 = "Tệp {name} cần nhận dạng ký tự (OCR) nhưng chưa cài tesseract: hãy chạy `{hint}` (hoặc `make ocr`)."
    I031 = "Tesseract chưa có dữ liệu nhận dạng cho ngôn ngữ {languages} để đọc tệp {name}: hãy chạy `apt-get install -y {packages}`."
    I032 = "Tệp {name} là PDF quét, cần poppler (pdftoppm) để dựng ảnh trang: hãy chạy `apt-get install -y poppler-utils` (hoặc `make ocr`)."
    I033 = "Tệp {name} không phải ảnh (PNG, JPEG, TIFF) hay tệp PDF: không nhận dạng ký tự được."
    I035 = "Trang {number} của tệp {name}: {doing} quá {seconds:.0f} giây, đã dừng (trang quá lớn hoặc quá phức tạp)."
    I036 = "Trang {number} của tệp {name}: {doing} không thành công{said}."
    I037 = "Không nhận dạng được chữ nào trong tệp {name} (trang trắng, ảnh quá mờ hoặc không phải văn bản)."
    I038 = "Tệp {name} có {pages} trang, vượt giới hạn {limit} trang."
    I039 = "Chưa cài thư viện numpy và Pillow để xử lý ảnh trang quét: hãy chạy `pip install numpy pillow` (hoặc cài lại dtikg)."
    I040 = "Không chạy được tesseract để đọc tệp {name} ({kind}): hãy cài lại bằng `{hint}`."
    I041 = "Không dựng được ảnh trang {number} của tệp {name} (PDF hỏng?)."
    I042 = "Tệp {name} là tệp PDF bị hỏng hoặc bị cắt cụt, không dựng được ảnh trang để nhận dạng."
    I043 = "Tệp {name} có {pages} trang ảnh, vượt giới hạn {limit} trang."
    I044 = "Ảnh trong tệp {name} quá lớn để nhận dạng ({kind})."
    I045 = "Không giải mã được ảnh trong tệp {name} (ảnh hỏng hoặc bị cắt cụt: {kind})."
    I046 = "Không chạy được {tool} cho trang {number} của tệp {name} ({reason})."
    I047 = "Đọc cấu trúc tệp {name} quá {seconds:.0f} giây."
    I050 = "Tệp {name} là tệp PDF bị hỏng, không đọc được trang nào ({reason})."
    I051 = "Lớp chữ của tệp {name} dùng bảng mã phông cũ (TCVN3/VNI), không phải Unicode: cần nhận dạng ký tự (OCR) hoặc chuyển mã trước khi nạp."
    I052 = "Phần lớn các trang của tệp {name} không có lớp chữ (trang {pages}): cần nhận dạng ký tự (OCR) để đọc."
    I053 = "Chưa cài thư viện pdfplumber để đọc tệp PDF: hãy chạy `pip install 'pdfplumber>=0.11'` (hoặc cài lại dtikg)."
    I054 = "Tệp {name} không có lớp chữ (có vẻ là ảnh quét): cần nhận dạng ký tự (OCR) để đọc."
    I055 = "Tệp {name} chứa ảnh {member} quá lớn ({size}; tối đa {limit} một ảnh): không đọc. Hãy nén hoặc bỏ ảnh rồi lưu lại."
    # The store (kg)
    K001 = "Không mở được kho dữ liệu tại {path}: {detail}"
    K002 = "Giá trị không hợp lệ cho truy vấn: {term!r}"
    K003 = "Mẫu truy vấn không có khối WHERE."
    K004 = "Lỗi đọc kho dữ liệu: {detail}"
    K005 = "Kho dữ liệu đang mở chỉ để đọc."
    K006 = "Không ghi được vào kho dữ liệu: {detail}"
    K007 = "Máy chủ SPARQL trả lỗi {status}: {detail}"
    K008 = "Không kết nối được máy chủ SPARQL {url}: {detail}"
    K009 = "Không ghi được bản lưu của tệp {name} vào kho: {reason}."
    K010 = "Kho dữ liệu không hiểu truy vấn (lỗi cú pháp SPARQL): {detail}"
    # The answering index of a store (qa.index): built by the last step of ingest, loaded by QAEngine
    K011 = "Kho {store} chưa có chỉ mục hỏi đáp (bước cuối của `dtikg ingest`). Hãy chạy `dtikg index --store {store}`."
    K012 = "Chỉ mục hỏi đáp của kho {store} không khớp với các văn bản đang có trong kho (văn bản được nạp bằng công cụ khác, kho của phiên bản trước hoặc đã đổi mô hình nhúng). Hãy chạy `dtikg index --store {store}`."
    K013 = "Tệp {name} của chỉ mục hỏi đáp trong kho {store} bị thiếu, bị sửa hoặc hỏng. Hãy chạy `dtikg index --store {store}`."
    K014 = "Chưa cài thư viện vietnamadminunits (bảng chuyển đổi 63 → 34 tỉnh năm 2025) để dựng các sự kiện sáp nhập: hãy chạy `pip install 'vietnamadminunits>=1.0'` (hoặc cài lại dtikg)."
    K015 = "Thư viện vietnamadminunits nêu một tỉnh mà dtikg không biết: {name}."
    # SPARQL queries (kg.sparql)
    Q001 = "Truy vấn rỗng."
    Q002 = "Truy vấn quá dài (tối đa 20.000 ký tự)."
    Q003 = "Chỉ cho phép truy vấn đọc (SELECT, ASK, CONSTRUCT, DESCRIBE); các lệnh cập nhật dữ liệu bị từ chối."
    Q004 = "Không cho phép SERVICE (truy vấn tới máy chủ khác)."
    Q005 = "Không nhận ra dạng truy vấn (cần SELECT, ASK, CONSTRUCT hoặc DESCRIBE)."
    Q006 = "Truy vấn SPARQL không hợp lệ: {detail}"
    Q007 = "Truy vấn chạy quá {seconds:g} giây nên bị dừng trả kết quả."
    Q008 = "Truy vấn lỗi: {detail}"
    Q009 = "Một truy vấn trước đã chạy quá thời gian cho phép và máy chủ vẫn đang xử lý nốt; hãy thử lại sau ít phút."
    Q010 = "{detail}"
    # Uploads in the web app (ui)
    W001 = "Tệp tải lên không có tên."
    W002 = "Tên tệp không hợp lệ: {name!r}. Chỉ dùng tên tệp, không kèm thư mục."
    W003 = "Định dạng tệp {name} chưa được hỗ trợ (chỉ nhận {formats})."
    W004 = "Tên tệp {name} trùng với một văn bản có sẵn; hãy đổi tên tệp rồi tải lên lại."
    W005 = "Tệp tải lên {name} quá lớn ({shown}; tối đa {limit})."
    W006 = "Tên tệp không hợp lệ: {name!r}."
    W007 = "Chưa chọn tệp nào."
    W008 = "Không đọc được tệp đã tải lên; hãy thử lại."


# What I020 says of the tables of a document from which nothing could be read.
NOTHING_READ_TABLES = {
    "none": "không có bảng nào",
    "no_header": "có {count} bảng nhưng không bảng nào có dòng tiêu đề nêu cột nội dung (Nội dung, Chỉ tiêu, Nhiệm vụ…)",
    "no_rows": "có {count} bảng có tiêu đề nhưng không có hàng nào được đánh số",
}


class DtikgError(Exception):
    """Root of every error dtikg raises on purpose; `message` is for users (Vietnamese)."""

    def __init__(self, code: str, **fields: object):
        template = getattr(Errors, code, None)
        if template is None:
            raise ValueError(f"unknown error code {code!r}")
        message = template.format(**fields)
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.fields = fields
        self.message = message


class IngestError(DtikgError):
    """A document could not be read; nothing from it was written."""


# Converters hand over to OCR with these codes: the PDF's text layer is missing or unreadable.
NEEDS_OCR = frozenset({"I013", "I051", "I052", "I054"})

_MIB = 1_048_576


def _megabytes(size: int) -> str:
    """`size` bytes in MB the Vietnamese way: "20 MB", "20,4 MB"."""
    if size % _MIB == 0:
        return f"{size // _MIB} MB"
    return f"{size / _MIB:.1f}".replace(".", ",") + " MB"


def too_large(name: str, size: int, limit: int) -> dict[str, str]:
    """The fields of I005/W005 for a file over the size limit; "hơn 20 MB" where one decimal
    would not show the excess."""
    shown = _megabytes(size) if round(size / _MIB, 1) > limit / _MIB else f"hơn {_megabytes(limit)}"
    return {"name": name, "shown": shown, "limit": _megabytes(limit)}
