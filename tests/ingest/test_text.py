"""Bytes to text: encodings, NFC, control characters, empty and binary input."""
from __future__ import annotations

import unicodedata

import pytest

from ingest.errors import IngestError
from ingest.text import decode_bytes, split_lines
from ontology.folding import fold, fold_key

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258(text: str) -> bytes:
    """Encode like Windows-1258: base letters precomposed (â, ơ, ư…), tones as combining marks."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


SAMPLE = "Tỷ lệ dân số có hồ sơ sức khỏe điện tử trên 80%.\nGiám đốc Sở Y tế"


@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-8"),
    lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"),
    lambda s: s.encode("utf-16"),
    lambda s: s.encode("utf-16-le"),
    lambda s: s.replace("\n", "\r\n").encode("utf-8"),
    lambda s: unicodedata.normalize("NFD", s).encode("utf-8"),
    # Windows-1258 writes tones as combining marks: encode the decomposed text.
    windows_1258,
], ids=["utf8", "utf8-bom", "utf16-bom", "utf16le-no-bom", "crlf", "nfd", "windows-1258"])
def test_decode_gives_the_same_nfc_text(encode):
    assert decode_bytes(encode(SAMPLE), "x.txt") == SAMPLE


@pytest.mark.parametrize("data,code", [
    (b"", "I001"), (b"   \n\t\n", "I001"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "I002"),
    (bytes(range(0, 32)) * 100, "I002"),
])
def test_empty_or_binary_input_is_refused_in_vietnamese(data, code):
    with pytest.raises(IngestError) as err:
        decode_bytes(data, "bad.txt")
    assert err.value.code == code
    assert "Tệp bad.txt" in err.value.message


def test_control_and_zero_width_characters_are_removed():
    lines = split_lines("Sở\u200b Y\x07 tế\tA")
    assert lines == ["Sở Y tế\tA"]


@pytest.mark.parametrize("text", [
    "Sở Lao động - Thương binh và Xã hội",
    unicodedata.normalize("NFD", "Sở Lao động - Thương binh và Xã hội"),
    "So Lao dong - Thuong binh va Xa hoi",
])
def test_fold_is_the_same_for_nfc_nfd_and_unaccented(text):
    assert fold(text) == "so lao dong - thuong binh va xa hoi"


@pytest.mark.parametrize("variant", [
    "Sở Lao động - Thương binh và Xã hội", "Sở Lao động Thương binh và Xã hội",
    "Sở Lao động, Thương binh và Xã hội", "Sở Lao động và Thương binh xã hội",
])
def test_spelling_key_unifies_variants(variant):
    assert fold_key(variant) == "solaodongthuongbinhxahoi"


@pytest.mark.parametrize("size, shown", [
    (20 * 1_048_576 + 1, "hơn 20 MB"),        # one byte over must not read "20 MB; tối đa 20 MB"
    (21 * 1_048_576, "21 MB"),
    (int(50.08 * 1_048_576), "50,1 MB"),       # Vietnamese decimal comma
])
def test_the_size_limit_message_shows_the_excess(size, shown):
    from ingest.errors import IngestError, too_large
    assert IngestError("I005", **too_large("a.txt", size, 20 * 1_048_576)).message == \
        f"Tệp a.txt quá lớn ({shown}; tối đa 20 MB)."


def test_every_error_code_is_defined_once_and_every_raise_names_a_defined_code():
    """The one error table: each code has one Vietnamese message, and no raise site writes its own text."""
    import ast
    import re
    from pathlib import Path

    from ingest.errors import Errors
    root = Path(__file__).resolve().parents[2]
    codes = {name for name in vars(Errors) if re.fullmatch(r"[A-Z]\d{3}", name)}
    messages = [getattr(Errors, c) for c in codes]
    assert len(set(messages)) == len(messages), "two codes share one message"
    raised = set()
    for path in (p for pkg in ("ingest", "kg", "qa", "ui") for p in (root / pkg).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "").endswith(("Error", "Rejected", "Refused")) \
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) \
                    and re.fullmatch(r"[A-Z]\d{3}", node.args[0].value):
                assert len(node.args) == 1, f"{path.name}:{node.lineno} writes its own message"
                raised.add(node.args[0].value)
    assert raised <= codes, raised - codes
    assert codes - raised == set(), f"codes no one raises: {sorted(codes - raised)}"
