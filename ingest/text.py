"""Text on the way in: NFC, cleaning lines, decoding bytes (folding is `ontology.folding`)."""
from __future__ import annotations

import re
import unicodedata


from .errors import IngestError

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \u00a0\u2002-\u200a\u202f]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_line(line: str) -> str:
    """One line as dtikg keeps it: NFC, no zero-width or control characters, tabs kept."""
    line = nfc(line).translate(_ZERO_WIDTH)
    return _CONTROL.sub("", line)


def squash(text: str) -> str:
    """Collapse runs of spaces (not tabs) and strip."""
    return _SPACES.sub(" ", text).strip()


def decode_bytes(data: bytes, name: str = "") -> str:
    """Decode a document's bytes (see `decode_document`), without the notes."""
    return decode_document(data, name)[0]


def decode_document(data: bytes, name: str = "") -> tuple[str, tuple[str, ...]]:
    """Decode a document's bytes: UTF-8 (with or without BOM), UTF-16, Windows-1258.

    Returns the NFC text with Unix line ends, and Vietnamese notes on what had to be
    guessed (UTF-16 without BOM, Windows-1258) or replaced (bytes invalid in the encoding,
    e.g. a UTF-16 file cut at an odd byte). Raises IngestError with a Vietnamese message
    for empty or binary input; never a codec error.
    """
    if not data or not data.strip():
        raise IngestError("I001", name=name)
    notes: list[str] = []
    strict = False  # True when the bytes decoded without any replacement
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif _looks_utf16(data):
        little = data[1::2].count(0) > data[0::2].count(0)
        text = data.decode("utf-16-le" if little else "utf-16-be", errors="replace")
        notes.append(f"Tệp không có dấu BOM; đã đoán bảng mã UTF-16 {'LE' if little else 'BE'}.")
    else:
        try:
            text = data.decode("utf-8")
            strict = True
        except UnicodeDecodeError:
            if _looks_binary(data):
                raise IngestError("I002", name=name) from None
            text = data.decode("utf-8", errors="replace")
            if not _mostly_utf8(text):
                text = data.decode("cp1258", errors="replace")
                notes.append("Tệp không phải UTF-8; đã đoán bảng mã Windows-1258, hãy kiểm tra dấu tiếng Việt.")
    if _looks_binary_text(text):
        raise IngestError("I002", name=name)
    if not strict:
        replaced = text.count("\ufffd")
        if replaced:
            notes.append(f"{replaced} chỗ trong tệp không đọc được theo bảng mã và đã được thay bằng dấu �.")
    text = nfc(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise IngestError("I001", name=name)
    return text, tuple(notes)


def _mostly_utf8(text: str) -> bool:
    """UTF-8 with a few bad bytes (valid multi-byte characters far outnumber the
    replacements), not another encoding read as UTF-8."""
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return good >= 4 * bad


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4000]
    if len(sample) < 4:
        return False
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    half = len(sample) / 2
    return max(zeros_even, zeros_odd) > 0.3 * half and min(zeros_even, zeros_odd) < 0.05 * half


_PNG_GIF_PDF = (b"\x89PNG", b"GIF8", b"%PDF", b"PK\x03\x04", b"\xff\xd8\xff", b"\x7fELF")


def _looks_binary(data: bytes) -> bool:
    if data.startswith(_PNG_GIF_PDF):
        return True
    sample = data[:8000]
    if not sample:
        return False
    bad = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27)
    return bad / len(sample) > 0.1


def _looks_binary_text(text: str) -> bool:
    sample = text[:8000]
    bad = sum(1 for c in sample if ord(c) < 9 or 13 < ord(c) < 32 or c == "\ufffd")
    return bool(sample) and bad / len(sample) > 0.1


def split_lines(text: str) -> list[str]:
    """The document's lines, cleaned; index i is line i + 1."""
    return [clean_line(line) for line in text.split("\n")]
